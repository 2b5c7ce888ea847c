"""The Plan screen driven like a user: keys to open it, the form, Save, the deck list's line, Esc."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.planner import Weight
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow


def open_window(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    window = MainWindow(open_collection(tmp_path / "data", clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_a_plan_saved_on_the_plan_screen_shows_its_status_and_the_deck_lists_line(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path, deck_dir, clock)
    assert not window.deck_list.plan_line.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.plan_view
    assert view is not None and window.stack.currentWidget() is view
    assert view.status.text().startswith("No plan yet")
    today = window.collection.today()
    interview = today + timedelta(days=12)
    view.date_edit.setDate(QDate(interview.year, interview.month, interview.day))
    view.budget.setValue(30)
    view.weights["sql"].setCurrentIndex(view.weights["sql"].findData(Weight.SKIP.value))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert not view.error.isVisible()
    assert view.status.text() == "Interview in 12 days · on track"
    assert view.readiness_panel.isVisible() and view.load_panel.note.text() == "budget 30 min"
    plan = window.collection.plan()
    assert plan is not None and (plan.interview, plan.budget_minutes) == (interview, 30)
    assert plan.area_weight("sql") is Weight.SKIP
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    assert window.deck_list.plan_line.text() == "Interview in 12 days · on track"
    tree = window.deck_list.tree
    sql = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if "SQL" in tree.topLevelItem(i).text(0))
    assert sql.text(1) == "0"  # a skipped area's new cards are not introduced


def test_a_plan_that_skips_every_area_is_refused_on_screen_and_nothing_is_saved(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path, deck_dir, clock)
    window.show_plan()
    view = window.plan_view
    assert view is not None
    for combo in view.weights.values():
        combo.setCurrentIndex(combo.findData(Weight.SKIP.value))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.error.isVisible() and view.error.text().startswith("weights: every area is skipped")
    assert window.collection.plan() is None
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)  # disabled without a plan
    assert window.collection.plan() is None
