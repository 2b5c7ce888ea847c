"""The review screen's idle work (the answer side's pre-render, the session's upkeep) runs after the next
card is painted, never before (issue 16): checked by the order of events, not by timings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow
from mlprep.ui.review_view import ReviewView


class PaintSpy(QObject):
    """Appends ``"paint"`` to ``log`` for each paint event of the watched widget."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.log.append("paint")
        return False


def start_review(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> ReviewView:
    window = MainWindow(open_collection(tmp_path / "data", clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    review = window.review
    qtbot.waitUntil(lambda: review.card is not None)
    return review


def spy_on_idle(review: ReviewView, log: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Log ``"prerender"`` when the answer side is rendered ahead (the back, while the front is shown) and
    ``"upkeep"`` when the session's idle upkeep runs."""
    render = review.browser.renderer.render
    session = review.session
    assert session is not None
    upkeep = session.idle

    def spy_render(front: str, back: str | None, *args: object, **kwargs: object) -> object:
        if back is not None and not review.revealed:
            log.append("prerender")
        return render(front, back, *args, **kwargs)  # type: ignore[arg-type]

    def spy_upkeep() -> None:
        log.append("upkeep")
        upkeep()

    monkeypatch.setattr(review.browser.renderer, "render", spy_render)
    monkeypatch.setattr(session, "idle", spy_upkeep)


def test_the_next_card_is_painted_before_the_idle_work_runs(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                            clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    review = start_review(qtbot, tmp_path, deck_dir, clock)
    log: list[str] = []
    spy_on_idle(review, log, monkeypatch)
    spy = PaintSpy(log)
    review.browser.viewport().installEventFilter(spy)
    for _ in range(3):
        qtbot.keyClick(review, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: review.revealed)
        shown = review.card
        log.clear()
        qtbot.keyClick(review, Qt.Key.Key_3)  # Good: the next card comes up
        assert review.card is not None and review.card != shown
        qtbot.waitUntil(lambda: "upkeep" in log)
        assert "prerender" in log
        assert log.index("paint") < log.index("prerender") < log.index("upkeep"), log


def test_idle_work_still_runs_when_the_card_is_never_painted(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    review = start_review(qtbot, tmp_path, deck_dir, clock)
    log: list[str] = []
    spy_on_idle(review, log, monkeypatch)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    review.window().hide()  # no paint will come: the upkeep must not wait for one forever
    review.grade(4)
    qtbot.waitUntil(lambda: "upkeep" in log, timeout=3000)


def test_the_warmer_loads_each_code_language_s_lexer_before_the_answer_needs_it(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mlprep.ui import math_warmer
    from mlprep.ui.math_images import MathTypesetter

    warmed: list[str] = []
    monkeypatch.setattr(math_warmer, "warm_lexer", warmed.append)
    texts = ["Q\n\n```python\nx = 1\n```\n", "```sql\nSELECT 1;\n```\nand ```python again\n~~~ Bash\nls\n~~~\n"]
    warmer = math_warmer.MathWarmer(MathTypesetter(tmp_path / "math"), texts, 16.0)
    assert warmer.pending == 3
    warmer.start()
    qtbot.waitUntil(lambda: warmer.pending == 0)
    assert warmed == ["python", "sql", "bash"]
