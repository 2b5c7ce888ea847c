"""The warm-up after the deck list's first paint (issue 16): its steps run one per event-loop turn, in order,
and stop once the deck list is left."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from mlprep.ui.study_warmup import MARKDOWN_MODULES, STUDY_MODULES, StepRunner, study_path_steps


def test_steps_run_in_order_one_per_event_loop_turn(qtbot: QtBot) -> None:
    log: list[str] = []
    runner = StepRunner([lambda: log.append("a"), lambda: log.append("b"), lambda: log.append("c")], lambda: True)
    assert log == []  # nothing before the next turn
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert log == ["a", "b", "c"] and runner.done == 3


def test_the_steps_stop_once_they_are_no_longer_wanted(qtbot: QtBot) -> None:
    log: list[str] = []
    wanted = [True]

    def leave() -> None:
        log.append("first")
        wanted[0] = False  # e.g. Study now clicked: the card drawn then loads what it needs

    runner = StepRunner([leave, lambda: log.append("second")], lambda: wanted[0])
    qtbot.waitUntil(lambda: runner.pending == 0)
    qtbot.wait(20)
    assert log == ["first"] and runner.done == 1


def test_the_study_path_loads_markdown_then_draws_a_card_then_loads_the_study_modules() -> None:
    drawn: list[str] = []
    steps = study_path_steps(lambda: drawn.append("card"))
    assert len(steps) == len(MARKDOWN_MODULES) + 1 + len(STUDY_MODULES)
    for step in steps[:len(MARKDOWN_MODULES)]:
        assert drawn == []
        step()
    steps[len(MARKDOWN_MODULES)]()
    assert drawn == ["card"]
    import sys

    for step in steps[len(MARKDOWN_MODULES) + 1:]:
        step()
    assert all(name in sys.modules for name in (*MARKDOWN_MODULES, *STUDY_MODULES))


def test_closing_the_window_during_the_warm_up_stops_it_before_it_reads_the_closed_collection(qtbot, tmp_path):
    """Ctrl+Q right after the deck list's paint: the warm-up's later steps (the reading list, the new cards'
    order) would read a closed collection (seen once in a keyboard-only session test)."""
    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection
    from mlprep.ui.main_window import MainWindow

    open_collection(tmp_path / "data", SystemClock()).close()  # opened before: its new-card order is left for later
    window = MainWindow(open_collection(tmp_path / "data", SystemClock()))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._study_warmup is not None)
    runner = window._study_warmup
    window.close()
    assert window.collection.closed

    qtbot.waitUntil(lambda: runner.pending == 0)  # an exception raised by a step fails the test here
