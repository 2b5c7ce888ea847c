"""The stats view, driven with keys and clicks over a hand-built history."""

from __future__ import annotations

import csv
from datetime import UTC
from pathlib import Path

from PySide6.QtCharts import QChartView, QStackedBarSeries
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QGraphicsTextItem, QLabel, QWidget
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.storage.collection_db import CollectionDb
from mlprep.ui.main_window import MainWindow
from mlprep.ui.stats_view import EMPTY_MESSAGE, StatsView
from mlprep.ui.theme import DARK, LIGHT, palette
from tests.helpers import collection_over
from tests.stats_history import card_states, collection, log, retention_history


def make_view(qtbot: QtBot, store: CollectionDb, clock: FixedClock, **kwargs: object) -> StatsView:
    view = StatsView(collection_over(store, clock, UTC), **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1100, 900)
    view.show()
    qtbot.waitExposed(view)
    return view


def history(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> CollectionDb:
    store = collection(tmp_path / "data", deck_dir, clock)
    retention_history(store.db)
    card_states(store.db)
    return store


def choose(qtbot: QtBot, combo: object, steps: int) -> None:
    """Move a combo box's choice down ``steps`` items with the keyboard."""
    combo.setFocus()  # type: ignore[attr-defined]
    for _ in range(steps):
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # type: ignore[arg-type]


def reviews_in_chart(view: StatsView) -> int:
    series = next(s for s in view.reviews_view.chart().series() if isinstance(s, QStackedBarSeries))
    return int(sum(sum(bar_set.at(i) for i in range(bar_set.count())) for bar_set in series.barSets()))


def test_combos_change_the_figures(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    view = make_view(qtbot, history(tmp_path, deck_dir, clock), clock)
    assert not view.empty_panel.isVisible() and view.reviews_panel.isVisible()
    assert view.retention_overall.value.text() == "62%"  # 5 of 8 first reviews passed
    assert view.retention_young.detail.text() == "3 of 5 passed"
    assert view.retention_mature.value.text() == "67%"
    assert reviews_in_chart(view) == 13
    assert view.states_panel.note.text() == "5 cards"
    assert "current streak 2 days" in view.heatmap_panel.note.text()
    assert view.forecast_panel.note.text() == "2 today (1 overdue) · 3 in 30 days"

    choose(qtbot, view.period_combo, 3)  # Last 30 days -> All time
    assert view.period_combo.currentText() == "All time" and view.period is None
    assert view.retention_young.detail.text() == "4 of 6 passed"  # January's review now counts
    assert reviews_in_chart(view) == 14

    choose(qtbot, view.scope_combo, 4)  # Everything, Math & statistics, Deck A, SQL, Deck B
    assert view.scope_combo.currentText().strip() == "Deck B"
    assert view.retention_overall.detail.text() == "2 of 4 passed"
    assert view.states_panel.note.text() == "2 cards"
    assert view.mastery_table.rowCount() == 2 and not view.decks_check.isVisible()


def test_mastery_table_sorts_and_shows_decks_on_request(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                       clock: FixedClock) -> None:
    view = make_view(qtbot, history(tmp_path, deck_dir, clock), clock)
    table = view.mastery_table
    assert [table.item(r, 0).text().strip() for r in range(table.rowCount())] == ["Math & statistics", "SQL"]
    qtbot.mouseClick(view.decks_check, Qt.MouseButton.LeftButton)
    names = [table.item(r, 0).text().strip() for r in range(table.rowCount())]
    assert names == ["Math & statistics", "Deck A", "SQL", "Deck B"]
    assert [table.item(1, c).text() for c in range(1, 7)] == ["3", "100%", "75%", "2.43", "2", "3"]
    header = table.horizontalHeader()
    seen_column = header.sectionViewportPosition(2) + header.sectionSize(2) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(seen_column, header.height() // 2))
    seen = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert seen in (["50%", "50%", "100%", "100%"], ["100%", "100%", "50%", "50%"])


def test_empty_collection_shows_a_friendly_message(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                   clock: FixedClock) -> None:
    view = make_view(qtbot, collection(tmp_path / "data", deck_dir, clock), clock)
    assert view.empty_panel.isVisible() and view.empty_message.text() == EMPTY_MESSAGE
    assert view.states_panel.isVisible() and view.states_panel.note.text() == "5 cards"
    for panel in (view.reviews_panel, view.heatmap_panel, view.retention_panel, view.mastery_panel):
        assert not panel.isVisible()


def test_export_writes_both_files_into_the_chosen_folder(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                         clock: FixedClock) -> None:
    asked: list[QWidget] = []

    def choose_folder(parent: QWidget) -> Path:
        asked.append(parent)
        return tmp_path / "export"
    view = make_view(qtbot, history(tmp_path, deck_dir, clock), clock, choose_folder=choose_folder)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert asked == [view]
    log_file, mastery_file = tmp_path / "export" / "mlprep-review-log.csv", tmp_path / "export" / "mlprep-mastery.csv"
    with log_file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["id", "card_id", "deck_id", "area"] and len(rows) == 16
    with mastery_file.open(newline="", encoding="utf-8") as handle:
        assert [r[2] for r in csv.reader(handle)] == ["key", "math", "deck-a", "sql", "deck-b"]
    assert view.status.isVisible() and "mlprep-mastery.csv" in view.status.text()


def test_cancelled_export_writes_nothing(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    view = make_view(qtbot, history(tmp_path, deck_dir, clock), clock, choose_folder=lambda parent: None)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert not view.status.isVisible() and not (tmp_path / "export").exists()


def test_refresh_after_studying_and_the_dark_theme(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                   clock: FixedClock) -> None:
    store = history(tmp_path, deck_dir, clock)
    view = make_view(qtbot, store, clock)
    assert view.today_cards.value.text() == "0"
    log(store.db, "a-one", "2026-03-10 11:00", 5, ms=30_000)
    view.refresh()
    assert view.today_cards.value.text() == "1" and view.today_correct.value.text() == "100%"
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    try:
        app.setPalette(palette(LIGHT))
        qtbot.wait(10)
        light_panel = view.today_panel.grab().toImage().pixelColor(5, 40).name()
        app.setPalette(palette(DARK))
        qtbot.wait(10)
        dark_panel = view.today_panel.grab().toImage().pixelColor(5, 40).name()
        assert dark_panel == DARK.base and light_panel == LIGHT.base
        chart_background = view.reviews_view.chart().backgroundBrush().color()
        assert chart_background == view.palette().color(QPalette.ColorRole.Base)
    finally:
        app.setPalette(original)


# -- issue 17 item 7: readable labels at the default window size, re-drills in the forecast ---------------

def chart_texts(chart_view: QChartView) -> list[str]:
    """The texts a chart draws (axis labels, legend entries) as shown: QtCharts elides a label
    that does not fit to "..."."""
    items = (item.toGraphicsObject() for item in chart_view.scene().items())
    return [o.toPlainText() for o in items if isinstance(o, QGraphicsTextItem) and o.isVisible() and o.toPlainText()]


def panel_texts(panel: QWidget) -> list[str]:
    """What a panel shows in full: its charts' texts and the labels wide enough for their text."""
    texts = [text for view in panel.findChildren(QChartView) for text in chart_texts(view)]
    document = QTextDocument()
    for label in panel.findChildren(QLabel):
        if label.isVisible() and label.width() >= label.sizeHint().width():
            document.setHtml(label.text())
            texts.append(" ".join(document.toPlainText().split()))
    return texts


def stats_in_window(qtbot: QtBot, store: CollectionDb, clock: FixedClock) -> StatsView:
    """The statistics screen as the main window shows it at its default size (Ctrl+Shift+S)."""
    window = MainWindow(collection_over(store, clock, UTC))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.stats_view is not None and window.stack.currentWidget() is window.stats_view
    qtbot.wait(20)
    return window.stats_view


def test_every_chart_label_and_legend_entry_is_readable_at_the_default_window_size(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    store = history(tmp_path, deck_dir, clock)
    log(store.db, "a-three", "2026-03-10 09:00", 5, interval=21)  # a mature answer: four review types
    view = stats_in_window(qtbot, store, clock)
    panels = {"reviews": view.reviews_panel, "heatmap": view.heatmap_panel, "forecast": view.forecast_panel,
              "states": view.states_panel, "intervals": view.intervals_panel, "ease": view.ease_panel,
              "buttons": view.buttons_panel}
    shown = {name: panel_texts(panel) for name, panel in panels.items()}
    for name, texts in shown.items():
        assert texts and not [t for t in texts if "..." in t or "…" in t], (name, texts)
    assert {"1.3", "2.5"} <= set(shown["ease"])  # SM-2's floor and starting ease factor
    assert "3w" in shown["intervals"]  # the young/mature line
    assert {"New", "Learning", "Young", "Mature"} <= set(shown["buttons"])
    states = " | ".join(shown["states"])
    for entry in ("New 1", "Learning 1", "Young 1", "Mature 1", "Suspended 1"):
        assert entry in states, states


def test_todays_forecast_counts_the_cards_waiting_to_be_re_drilled(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    store = history(tmp_path, deck_dir, clock)
    view = make_view(qtbot, store, clock)
    assert view.forecast_panel.note.text() == "2 today (1 overdue) · 3 in 30 days"
    log(store.db, "a-three", "2026-03-10 09:00", 2, interval=21)  # failed today: SM-2 step 7 drills it again
    log(store.db, "b-one", "2026-03-10 09:05", 3, "new", reps=0, interval=0, due=None)  # Hard: drilled too
    log(store.db, "a-two", "2026-03-10 09:10", 2)  # failed ...
    log(store.db, "a-two", "2026-03-10 09:12", 4, "drill")  # ... and passed its drill: done for today
    view.refresh()
    assert view.forecast_panel.note.text() == "2 today (1 overdue) + 2 to re-drill · 3 in 30 days"
    view.set_scope(StudyScope(ScopeKind.DECK, "deck-b"))
    assert view.forecast_panel.note.text() == "0 today + 1 to re-drill · 0 in 30 days"
