"""Issue 13, item 3: a formula that would take ziamath minutes (``\\left(`` nested 14 deep) never blocks the
event loop, neither in the idle-time warmer nor when its card is shown and turned over."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow

DEEP = "\\left(" * 14 + "x" + "\\right)" * 14  # 183 characters: 43 s in ziamath when it was let through


def deck_with_the_deep_formula(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "deep.md").write_text(
        "---\ntitle: Deep\narea: math\n---\n\n"
        f"## deep-formula\nsource: a test\n\nQ: What is ${DEEP}$?\n\nA: Just $x$, for any $x \\in \\mathbb{{R}}$.\n\n"
        "## easy-formula\nsource: a test\n\nQ: What is $\\frac{a}{b} \\cdot b$?\n\nA: $a$, for $b \\ne 0$.\n",
        encoding="utf-8")
    return folder


class Heartbeat:
    """A 5 ms timer on the event loop; ``longest_gap()`` is the longest time (s) the loop did not turn."""

    def __init__(self) -> None:
        self.beats: list[float] = [time.perf_counter()]
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))
        self.timer.start()

    def longest_gap(self) -> float:
        self.beats.append(time.perf_counter())
        return max(b - a for a, b in zip(self.beats, self.beats[1:], strict=False))


def one_session(qtbot: QtBot, folder: Path, clock: FixedClock) -> tuple[float, float]:
    """The longest event-loop gaps (s) through the warmer, and through showing and turning both cards."""
    window = MainWindow(open_collection(folder / "data", clock, [deck_with_the_deep_formula(folder / "decks")]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    heartbeat = Heartbeat()
    window._warm_math()  # what the window does 1.5 s after start-up, started now
    qtbot.waitUntil(lambda: window.math_warmer is not None and window.math_warmer.pending == 0, timeout=10_000)
    warming = heartbeat.longest_gap()
    heartbeat.timer.stop()

    heartbeat = Heartbeat()
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    shown = {window.review.card.id} if window.review.card is not None else set()
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.wait(20)
    qtbot.keyClick(window.review, Qt.Key.Key_3)
    qtbot.wait(20)
    shown |= {window.review.card.id} if window.review.card is not None else set()
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.wait(20)
    assert shown == {"deep-formula", "easy-formula"}  # both cards were on screen, front and back
    reviewing = heartbeat.longest_gap()
    heartbeat.timer.stop()
    window.close()
    return warming, reviewing


def test_the_event_loop_keeps_turning_through_the_warmer_and_the_card(qtbot: QtBot, tmp_path: Path,
                                                                      clock: FixedClock) -> None:
    # Up to three fresh sessions, the best one counts: a machine busy with other work can stretch one
    # ordinary step past 100 ms, but the formula, typeset, froze the loop for 40 s in every session.
    best = (float("inf"), float("inf"))
    for attempt in range(3):
        gaps = one_session(qtbot, tmp_path / f"run-{attempt}", clock)
        best = (min(best[0], gaps[0]), min(best[1], gaps[1]))
        if max(best) < 0.100:
            break
    assert best[0] < 0.100 and best[1] < 0.100, best
