"""The Browse window driven with keys and clicks: search, an inline error, multi-select suspend and
unsuspend, forget, set due, undo (each checked in the table and through the façade), the sidebar, the
Edit hook, lazy pages, and how the main window opens it."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import UTC, date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId
from mlprep.services.browse import BrowseOrder, SearchResult
from mlprep.services.collection import Collection, open_collection
from mlprep.ui.browse_model import COLUMNS, PAGE
from mlprep.ui.browse_window import BrowseWindow
from mlprep.ui.main_window import MainWindow
from tests.helpers import storage_of

STATE, DUE = len(COLUMNS) - 1, 3


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    """Deck A (a-one, a-two, a-three) and Deck B (b-one, b-two); a-one answered Good on 2026-03-10."""
    col = open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC)
    session = col.study()
    assert session.next_card() is not None
    session.answer(Button.GOOD)
    return col


@pytest.fixture
def window(qtbot: QtBot, col: Collection) -> BrowseWindow:
    window = BrowseWindow(col.browse())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # its shortcuts (Ctrl+J ...) go to the active window
    qtbot.waitUntil(window.isActiveWindow)
    settle(qtbot, window)
    return window


def settle(qtbot: QtBot, window: BrowseWindow) -> None:
    """Wait until the search or sort asked last has landed in the table (it runs on a worker thread)."""
    qtbot.waitUntil(lambda: not window.model.pending, timeout=5000)


def search(qtbot: QtBot, window: BrowseWindow, text: str) -> None:
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, text)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    settle(qtbot, window)


def cell(window: BrowseWindow, row: int, column: int) -> str:
    return str(window.model.data(window.model.index(row, column)))


def column(window: BrowseWindow, col: int) -> list[str]:
    return [cell(window, r, col) for r in range(window.model.rowCount())]


def click_rows(qtbot: QtBot, window: BrowseWindow, *rows: int) -> None:
    """Click the first row, ctrl-click the others (multi-select, as a user does)."""
    viewport = window.table.viewport()
    for i, row in enumerate(rows):
        rect = window.table.visualRect(window.model.index(row, 0))
        modifier = Qt.KeyboardModifier.ControlModifier if i else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, modifier, rect.center())


def test_typing_a_search_and_enter_shows_its_rows(qtbot: QtBot, window: BrowseWindow) -> None:
    assert window.count_label.text() == "5 cards"
    assert window.model.rowCount() == 5
    search(qtbot, window, "area:sql")
    assert column(window, 0) == ["B one?", "B two?"]
    assert column(window, 1) == ["Deck B", "Deck B"]
    assert window.count_label.text() == "2 cards"
    search(qtbot, window, "is:review")
    assert [cell(window, 0, c) for c in range(len(COLUMNS))] == [
        "What is one?", "Deck A", "math", "2026-03-11", "1 d", "2.50", "1", "0", "review"]
    assert "What is one?" in window.card_view.toPlainText()  # the first row is shown, rendered
    assert window.history.rowCount() == 1 and window.history.item(0, 1).text() == "new"


def test_a_malformed_search_shows_an_inline_red_error_and_keeps_the_table(qtbot: QtBot,
                                                                         window: BrowseWindow) -> None:
    search(qtbot, window, "area:sql")
    search(qtbot, window, "is:new dek:x")
    assert window.error_label.isVisible()
    assert window.error_label.text().startswith("unknown field 'dek:' at column 8")
    assert window.theme.error in window.error_label.styleSheet()
    assert window.model.rowCount() == 2  # what it showed stays
    search(qtbot, window, "is:new")
    assert not window.error_label.isVisible()
    assert window.model.rowCount() == 4


def test_multi_select_suspend_unsuspend_and_undo(qtbot: QtBot, window: BrowseWindow, col: Collection) -> None:
    search(qtbot, window, "deck:deck-a")
    click_rows(qtbot, window, 1, 2)
    chosen = window.selected_ids()
    assert chosen == ["a-three", "a-two"]
    before = col.browse().rows(chosen)
    qtbot.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert column(window, STATE) == ["review", "suspended", "suspended"]
    assert col.browse().search("is:suspended") == chosen
    assert "Suspended 2 card(s)" in window.status_label.text()
    qtbot.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)  # all suspended: unsuspend
    assert column(window, STATE) == ["review", "new", "new"]
    assert col.browse().search("is:suspended") == []
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the unsuspend
    assert column(window, STATE) == ["review", "suspended", "suspended"]
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the suspend
    assert col.browse().rows(chosen) == before
    assert window.selected_ids() == chosen  # the selection stays on the cards


def test_forget_puts_a_card_back_to_new_and_undo_restores_it(qtbot: QtBot, window: BrowseWindow,
                                                            col: Collection) -> None:
    search(qtbot, window, "is:review")
    click_rows(qtbot, window, 0)
    before = col.browse().rows([CardId("a-one")])
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert (cell(window, 0, DUE), cell(window, 0, STATE), cell(window, 0, 4)) == ("new", "new", "")
    assert "a-one" in col.browse().search("is:new")
    assert window.history.rowCount() == 1  # the review log is kept
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cell(window, 0, DUE) == "2026-03-11"
    assert col.browse().rows([CardId("a-one")]) == before


def test_set_due_on_many_cards_then_undo(qtbot: QtBot, window: BrowseWindow, col: Collection,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def get_int(_parent: object, _title: str, label: str, *_args: object) -> tuple[int, bool]:
        asked.append(label)
        return 0, True  # due today
    monkeypatch.setattr(QInputDialog, "getInt", get_int)
    search(qtbot, window, "area:sql")
    click_rows(qtbot, window, 0, 1)
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "2 card(s)" in asked[0]
    assert column(window, DUE) == ["today", "today"]
    assert col.browse().search("is:due") == ["b-one", "b-two"]
    assert [r.due for r in col.browse().rows([CardId("b-one")])] == [date(2026, 3, 10)]
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert column(window, DUE) == ["new", "new"]
    assert col.browse().search("is:due") == []


def test_clicking_a_sidebar_entry_searches_it(qtbot: QtBot, window: BrowseWindow, col: Collection) -> None:
    col.browse().suspend([CardId("b-two")])
    def find(label: str) -> QTreeWidgetItem:
        items = window.sidebar.findItems(label, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        assert len(items) == 1, [i.text(0) for i in items]
        return items[0]
    item = find("Suspended")
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.visualItemRect(item).center())
    settle(qtbot, window)
    assert window.search_box.text() == "is:suspended"
    assert column(window, 0) == ["B two?"]
    item = find("Deck A (3)")
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.visualItemRect(item).center())
    settle(qtbot, window)
    assert window.search_box.text() == "deck:deck-a" and window.model.rowCount() == 3
    areas = window.sidebar.topLevelItem(1)
    labels = [areas.child(i).text(0) for i in range(areas.childCount())]
    assert labels == ["Math & statistics (3)", "SQL (2)"]  # the areas, by name


def test_the_sidebar_names_areas_and_runs_their_slug_search(qtbot: QtBot, window: BrowseWindow) -> None:
    areas = window.sidebar.topLevelItem(1)
    assert areas.text(0) == "Areas"
    assert [areas.child(i).text(0) for i in range(areas.childCount())] == ["Math & statistics (3)", "SQL (2)"]
    sql = areas.child(1)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.visualItemRect(sql).center())
    settle(qtbot, window)
    assert window.search_box.text() == "area:sql"
    assert column(window, 0) == ["B one?", "B two?"]


def test_clicking_a_column_header_sorts_by_it(qtbot: QtBot, window: BrowseWindow) -> None:
    header = window.table.horizontalHeader()

    def click_header(section: int) -> None:
        x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
        settle(qtbot, window)
    click_header(0)
    first = column(window, 0)
    click_header(0)
    second = column(window, 0)
    assert {tuple(first), tuple(second)} == {
        ("B one?", "B two?", "What is one?", "What is three?", "What is two?"),
        ("What is two?", "What is three?", "What is one?", "B two?", "B one?")}
    click_header(DUE)
    assert column(window, DUE)[0] in ("2026-03-11", "new")


def click_header(qtbot: QtBot, window: BrowseWindow, section: int) -> None:
    """Click column header ``section`` (no waiting: the sort runs on the worker)."""
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_a_sort_runs_on_the_worker_keeps_the_rows_meanwhile_and_lands_sorted(qtbot: QtBot, window: BrowseWindow,
                                                                            col: Collection) -> None:
    click_rows(qtbot, window, 2)  # a-two (due order: a-one, a-three, a-two, b-one, b-two)
    assert window.selected_ids() == ["a-two"]
    before = column(window, 0)
    started: list[tuple[bool, str, list[str]]] = []
    window.model.search_started.connect(lambda sorting: started.append(
        (sorting, window.count_label.text(), column(window, 0))))
    with qtbot.waitSignal(window.model.search_finished, timeout=5000) as finished:
        click_header(qtbot, window, 0)  # Front, ascending
    assert started == [(True, "Sorting 5 cards…", before)]  # said so, the rows still there
    assert finished.args == [5, True]
    expected = col.browse().search("", BrowseOrder.FRONT)
    assert list(window.model.ids) == expected == ["b-one", "b-two", "a-one", "a-three", "a-two"]
    assert column(window, 0) == ["B one?", "B two?", "What is one?", "What is three?", "What is two?"]
    assert window.count_label.text() == "5 cards" and not window.model.pending
    assert window.selected_ids() == ["a-two"]  # the selection follows the card to its new row
    assert "What is two?" in window.card_view.toPlainText()


class HeldSearches:
    """The browser's worker replaced by futures the test completes when and in the order it wants."""

    def __init__(self, window: BrowseWindow, monkeypatch: pytest.MonkeyPatch) -> None:
        self.browser = window.browser
        self.asked: list[tuple[Future[SearchResult], SearchResult]] = []
        monkeypatch.setattr(self.browser, "search_later", self.search_later)

    def search_later(self, query: str, order: BrowseOrder = BrowseOrder.DUE, descending: bool = False,
                     **_rows: object) -> Future[SearchResult]:
        future: Future[SearchResult] = Future()
        future.set_running_or_notify_cancel()  # running at once, as on an idle worker: cancel() cannot stop it
        self.asked.append((future, SearchResult(self.browser.search(query, order, descending), 0, [])))
        return future

    def land(self, i: int) -> None:
        """Complete request ``i`` from another thread, as the worker does."""
        future, result = self.asked[i]
        thread = threading.Thread(target=future.set_result, args=(result,))
        thread.start()
        thread.join()


def test_a_stale_sort_result_is_dropped(qtbot: QtBot, window: BrowseWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldSearches(window, monkeypatch)
    due_order = column(window, 0)
    click_header(qtbot, window, 0)  # Front ascending ...
    click_header(qtbot, window, 0)  # ... then, before it lands, Front descending
    assert len(held.asked) == 2 and window.model.pending
    assert window.count_label.text() == "Sorting 5 cards…"
    held.land(0)  # the first, stale, arrives while the second is still running
    qtbot.wait(50)
    assert column(window, 0) == due_order and window.model.pending  # dropped: the old rows stay
    held.land(1)
    settle(qtbot, window)
    assert column(window, 0) == ["What is two?", "What is three?", "What is one?", "B two?", "B one?"]
    assert window.count_label.text() == "5 cards"


def test_a_search_started_after_a_sort_wins_even_if_the_sort_lands_last(qtbot: QtBot, window: BrowseWindow,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldSearches(window, monkeypatch)
    click_header(qtbot, window, 0)  # a sort of every card by front ...
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, "area:sql")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)  # ... then a search, sorted by front too
    assert window.count_label.text() == "Searching…"
    held.land(1)
    settle(qtbot, window)
    held.land(0)  # the sort of every card comes in late
    qtbot.wait(50)
    assert column(window, 0) == ["B one?", "B two?"] and window.count_label.text() == "2 cards"


def test_wait_for_results_returns_once_the_rows_are_in(qtbot: QtBot, col: Collection) -> None:
    window = BrowseWindow(col.browse())  # (a script that renders the window waits so, without qtbot)
    qtbot.addWidget(window)
    window.search("area:sql")
    assert window.wait_for_results()
    assert not window.model.pending and column(window, 0) == ["B one?", "B two?"]
    assert window.count_label.text() == "2 cards" and window.selected_ids() == ["b-one"]


def test_ctrl_shift_f_inside_browse_focuses_its_search_box(qtbot: QtBot, window: BrowseWindow) -> None:
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.search_box.hasFocus()
    window.search_box.setText("is:new")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.search_box.hasFocus() and window.search_box.selectedText() == "is:new"  # ready to type over


def test_double_click_asks_to_edit_the_card(qtbot: QtBot, window: BrowseWindow) -> None:
    search(qtbot, window, "area:sql")
    rect = window.table.visualRect(window.model.index(1, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.edit_requested, timeout=2000) as signal:
        qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == ["b-two"]


def test_the_model_fetches_rows_a_page_at_a_time_without_per_row_sql(qtbot: QtBot, tmp_path: Path,
                                                                     clock: FixedClock) -> None:
    col = open_collection(tmp_path / "shipped", clock, tz=UTC)  # the shipped decks: over a thousand cards
    window = BrowseWindow(col.browse())
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    model = window.model
    assert model.rowCount() > 5 * PAGE
    statements: list[str] = []
    storage_of(col).db.conn.set_trace_callback(statements.append)
    fetches = model.page_fetches
    for row in range(3 * PAGE, 4 * PAGE):  # a page no one has looked at yet, every cell
        for c in range(model.columnCount()):
            model.data(model.index(row, c))
    assert model.page_fetches == fetches + 1
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    statements.clear()
    window.table.scrollToBottom()
    qtbot.wait(10)
    pages = model.page_fetches
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == pages - fetches - 1
    assert model.data(QModelIndex()) is None


def test_the_main_window_opens_browse_from_tools_ctrl_shift_f_and_b(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                                   clock: FixedClock) -> None:
    main = MainWindow(open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC))
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()  # window shortcuts go to the active window
    qtbot.waitUntil(main.isActiveWindow)
    qtbot.keyClick(main.deck_list.tree, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    browse = main.browse_window
    assert browse is not None
    settle(qtbot, browse)
    assert browse is not None and browse.isVisible() and browse.model.rowCount() == 5
    browse.close()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    tree = main.deck_list.tree
    deck_b = tree.findItems("Deck B", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive, 0)[0]
    tree.setCurrentItem(deck_b)
    qtbot.keyClick(tree, Qt.Key.Key_B)
    settle(qtbot, browse)
    assert browse.isVisible() and browse.search_box.text() == 'deck:"deck-b"'
    assert column(browse, 0) == ["B one?", "B two?"]
    qtbot.waitUntil(browse.isActiveWindow)  # show_browse brings it to the front
    click_rows(qtbot, browse, 0)
    qtbot.keyClick(browse.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    main.show_decks()
    counts = {deck.title: deck.new for deck in main.collection.decks()}
    assert counts["Deck B"] == 1
    tools = next(a for a in main.menuBar().actions() if a.text() == "&Tools").menu()
    assert any(a.text() == "Browse" and a.shortcut().toString() == "Ctrl+Shift+F" for a in tools.actions())
