"""Drive the reading view with keys and clicks: filters and search, status and notes that
survive a restart, Open, and card -> item -> study."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTreeWidget
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.core.reading_list import ReadingStatus
from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.services.collection import Collection, open_collection
from mlprep.services.reading import ReadingService, load_reading_list
from mlprep.services.study import StudySession
from mlprep.ui.reading_view import ReadingView
from tests.helpers import storage_of
from tests.reading_fixtures import write_citing_decks, write_reading


class Setup:
    def __init__(self, tmp_path: Path, clock: FixedClock) -> None:
        self.decks = write_citing_decks(tmp_path / "decks")
        self.reading = write_reading(tmp_path / "resources")
        self.data = tmp_path / "data"
        self.clock = clock
        self.opened: list[str] = []
        self.collections: list[Collection] = []

    def view(self, qtbot: QtBot) -> ReadingView:
        col = open_collection(self.data, self.clock, [self.decks])
        self.collections.append(col)
        service = ReadingService(load_reading_list(self.reading), storage_of(col), self.clock, tz=UTC)
        view = ReadingView(service, opener=self.opened.append, notes_delay_ms=50)
        qtbot.addWidget(view)
        view.resize(1100, 720)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()  # focus moves (and notes save on leaving their box) only in the active window
        qtbot.waitUntil(view.isActiveWindow)
        return view


@pytest.fixture
def setup(tmp_path: Path, clock: FixedClock) -> Iterator[Setup]:
    s = Setup(tmp_path, clock)
    yield s
    for col in s.collections:
        col.close()


def click_row(qtbot: QtBot, tree: QTreeWidget, title: str) -> None:
    row = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == title)
    rect = tree.visualItemRect(row)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_list_shows_every_item_with_its_columns(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    rows = [[view.tree.topLevelItem(i).text(c) for c in range(5)] for i in range(view.tree.topLevelItemCount())]
    assert rows == [
        ["SQL for Data People", "Book", "Beginner", "To read", "2"],
        ["PostgreSQL Documentation", "Docs", "Intermediate", "To read", "2"],
        ["Probability Theory: The Logic of Science", "Book", "Advanced", "To read", "1"],
        ["Practical Deep Learning for Coders", "Course", "Beginner", "To read", "–"],
        ["An ML Forum", "Community", "Beginner", "To read", "–"],
    ]
    assert view.summary.text() == "5 items · 0 reading · 0 done"
    assert not view.errors.isVisible()


def test_typing_a_search_and_choosing_filters_narrow_the_list(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    qtbot.keyClicks(view.search, "data")
    assert view.visible_ids() == ["sql-book"]  # its title, "SQL for Data People"
    view.search.clear()
    qtbot.keyClicks(view.kind_combo, "Book")
    assert view.visible_ids() == ["sql-book", "prob-book"]
    qtbot.keyClicks(view.area_combo, "Math")
    assert view.visible_ids() == ["prob-book"]
    assert view.list_heading.text() == "1 of 5 items"
    qtbot.keyClicks(view.level_combo, "Beginner")
    assert view.visible_ids() == []
    assert view.list_stack.currentWidget() is view.empty
    assert "No items match these filters" in view.empty_label.text()
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert len(view.visible_ids()) == 5 and view.kind_combo.currentText() == "All kinds"
    qtbot.keyClicks(view.search, "quantum knitting")
    assert view.empty_label.text().startswith("No items match “quantum knitting”")


def test_clicking_a_header_sorts_by_that_column(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    header = view.tree.header()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(4) + 10, header.height() // 2))
    # Cards, fewest first (no card is "–" and sorts as 0); ties by title.
    assert view.visible_ids() == ["ml-forum", "dl-course", "prob-book", "sql-docs", "sql-book"]
    view.tree.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # Level: beginner < intermediate < advanced
    assert [view.tree.topLevelItem(i).text(2) for i in range(5)] == ["Beginner"] * 3 + ["Intermediate", "Advanced"]


def test_status_and_notes_set_in_the_view_survive_a_restart(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    click_row(qtbot, view.tree, "Probability Theory: The Logic of Science")
    assert view.detail.title.text() == "Probability Theory: The Logic of Science"
    assert view.detail.meta.text() == "Book · Advanced · Paid"
    assert view.detail.since.text() == ""
    qtbot.keyClicks(view.detail.status_box, "Reading")
    assert view.detail.since.text() == "since 10 Mar 2026"
    assert view.tree.currentItem().text(3) == "Reading"
    assert view.summary.text() == "5 items · 1 reading · 0 done"

    view.detail.notes.setFocus()
    qtbot.keyClicks(view.detail.notes, "Read ch. 4 first")
    view.search.setFocus()  # leaving the box saves at once
    assert view.service.entry("prob-book").notes == "Read ch. 4 first"
    view.detail.notes.setFocus()
    qtbot.keyClicks(view.detail.notes, ", then 5.")
    qtbot.waitUntil(lambda: view.service.entry("prob-book").notes == "Read ch. 4 first, then 5.")  # debounce
    view.close()
    setup.collections[-1].close()
    setup.collections.clear()

    reopened = setup.view(qtbot)
    assert reopened.show_item("prob-book")
    assert reopened.detail.status_box.currentText() == "Reading"
    assert reopened.detail.since.text() == "since 10 Mar 2026"
    assert reopened.detail.notes.toPlainText() == "Read ch. 4 first, then 5."


def test_switching_items_saves_pending_notes(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    view.show_item("sql-docs")
    qtbot.keyClicks(view.detail.notes, "window functions chapter")
    view.show_item("sql-book")
    assert view.detail.notes.toPlainText() == ""
    assert view.service.entry("sql-docs").notes == "window functions chapter"


def test_open_hands_the_url_to_the_opener_and_says_so(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    view.show_item("dl-course")
    assert view.detail.url.full_text() == "https://course.fast.ai/"
    with qtbot.waitSignal(view.opened_url) as signal:
        qtbot.mouseClick(view.detail.open_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["https://course.fast.ai/"]
    assert setup.opened == ["https://course.fast.ai/"]


def test_card_to_item_to_study_of_exactly_the_citing_cards(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    assert view.show_item("prob-book")
    assert view.detail.study_button.text() == "Study 1 card" and view.detail.study_button.isEnabled()
    with qtbot.waitSignal(view.study_requested) as signal:
        qtbot.mouseClick(view.detail.study_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["tag", "ref:prob-book"]
    col = setup.collections[-1]
    session = StudySession(storage_of(col), setup.clock, scope=StudyScope(ScopeKind(signal.args[0]), signal.args[1]),
                           tz=UTC)
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card.id)
        session.answer(Button.GOOD)
    assert shown == ["prob-bayes"]

    view.show_item("dl-course")
    assert view.detail.study_button.text() == "Study 0 cards" and not view.detail.study_button.isEnabled()


def test_show_item_clears_filters_that_hide_it(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    qtbot.keyClicks(view.search, "postgres")
    assert view.visible_ids() == ["sql-docs"]
    assert view.show_item("ml-forum")
    assert view.search.text() == "" and view.tree.currentItem().text(0) == "An ML Forum"
    assert view.current_item_id() == "ml-forum"
    assert not view.show_item("no-such-item")


def test_recommended_next_lists_reasons_and_selects_on_click(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    rec = view.recommended
    assert [rec.topLevelItem(i).text(0) for i in range(rec.topLevelItemCount())] == ["SQL for Data People"]
    assert rec.topLevelItem(0).text(1) == "start here: SQL (3 new cards)"  # nothing studied: the area ahead
    click_row(qtbot, rec, "SQL for Data People")
    assert view.current_item_id() == "sql-book"
    qtbot.keyClicks(view.detail.status_box, "Done")
    assert rec.topLevelItemCount() == 0  # done items are not recommended


def test_a_dark_palette_restyles_the_view(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old = app.palette()
    dark = QPalette(old)
    for role, colour in ((QPalette.ColorRole.Window, "#1b1e23"), (QPalette.ColorRole.Base, "#23272e"),
                         (QPalette.ColorRole.Text, "#e4e7eb"), (QPalette.ColorRole.WindowText, "#e4e7eb")):
        dark.setColor(role, QColor(colour))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: "#23272e" in view.styleSheet())
    finally:
        app.setPalette(old)
    qtbot.waitUntil(lambda: "#23272e" not in view.styleSheet())


def test_a_broken_list_shows_its_problems(qtbot: QtBot, tmp_path: Path, clock: FixedClock) -> None:
    path = write_reading(tmp_path, "items:\n  - id: x\n")
    service = ReadingService(load_reading_list(path), None, clock)
    view = ReadingView(service, opener=lambda url: None)
    qtbot.addWidget(view)
    view.show()
    assert view.errors.isVisible()
    assert f"{path}:2: item x: missing required field 'title'" in view.errors.text()
    assert view.visible_ids() == []
    assert ReadingStatus.TO_READ.label == "To read"


def test_refresh_picks_up_new_citations_and_keeps_the_selection(qtbot: QtBot, setup: Setup) -> None:
    from mlprep.services.deck_sync import sync_decks

    view = setup.view(qtbot)
    view.show_item("dl-course")
    assert view.detail.study_button.text() == "Study 0 cards"
    deck = setup.decks / "math-cards.md"
    deck.write_text(deck.read_text().replace("source: Blitzstein & Hwang, ch. 4", "source: @dl-course, lesson 1"))
    sync_decks(storage_of(setup.collections[-1]).cards, [setup.decks], setup.clock)
    view.refresh()
    assert view.current_item_id() == "dl-course"
    assert view.detail.study_button.text() == "Study 1 card" and view.detail.study_button.isEnabled()
    assert view.tree.currentItem().text(4) == "1"


# -- issue 17 item 12: short titles, a detail pane that follows the search --------------------------------

def test_the_detail_pane_never_shows_an_item_the_search_hides(qtbot: QtBot, setup: Setup) -> None:
    view = setup.view(qtbot)
    click_row(qtbot, view.tree, "Probability Theory: The Logic of Science")
    assert view.detail.title.text() == "Probability Theory: The Logic of Science"
    qtbot.mouseClick(view.search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.search, "sql")  # hides it: the first item shown takes its place
    assert view.visible_ids() == ["sql-book", "sql-docs"]
    assert view.current_item_id() == "sql-book" and view.detail.title.text() == "SQL for Data People"
    assert view.tree.currentItem() is view.tree.topLevelItem(0)
    qtbot.keyClicks(view.search, " quantum")  # nothing matches: the pane goes back to its placeholder
    assert view.visible_ids() == [] and view.current_item_id() is None
    assert view.detail.stack.currentIndex() == 0
    view.search.clear()
    assert len(view.visible_ids()) == 5 and view.current_item_id() is None  # nothing chosen for the user


def test_an_item_with_a_short_title_shows_it_in_the_lists_and_the_full_title_in_detail_and_tooltip(
        qtbot: QtBot, setup: Setup) -> None:
    from tests.reading_fixtures import READING_YAML

    write_reading(setup.reading.parent, READING_YAML.replace(
        '    title: "Probability Theory: The Logic of Science"\n',
        '    title: "Probability Theory: The Logic of Science"\n    short_title: "Jaynes\' Probability"\n'))
    view = setup.view(qtbot)
    row = view.tree.find_row("prob-book")
    assert row is not None and row.text(0) == "Jaynes' Probability"
    assert row.toolTip(0).startswith("Probability Theory: The Logic of Science\n")
    click_row(qtbot, view.tree, "Jaynes' Probability")
    assert view.detail.title.text() == "Probability Theory: The Logic of Science"


def test_at_the_default_window_size_every_shipped_title_fits_its_column(qtbot: QtBot, tmp_path: Path,
                                                                       clock: FixedClock) -> None:
    from PySide6.QtGui import QFontMetrics

    from mlprep.ui.main_window import MainWindow

    window = MainWindow(open_collection(tmp_path / "data", clock))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    view = window.reading
    assert view is not None and window.stack.currentWidget() is view
    qtbot.wait(20)
    for tree in (view.tree, view.recommended):
        metrics = QFontMetrics(tree.font())
        rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        assert rows
        cut = [row.text(0) for row in rows if metrics.horizontalAdvance(row.text(0)) + 8 > tree.columnWidth(0)]
        assert cut == [], (tree.objectName(), tree.columnWidth(0), cut)
        reading = window.collection.reading()
        assert all(row.toolTip(0).split("\n")[0] == reading.item(row.data(0, Qt.ItemDataRole.UserRole)).title
                   for row in rows)  # the full title in the tooltip

