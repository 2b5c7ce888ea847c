"""The Browse window (Tools ▸ Browse, B on the deck list, Ctrl+Shift+F): every card in a sortable
table, a search box, a sidebar of areas, decks, tags and saved searches, the selected card rendered
with its review history, and undoable actions on the selected cards.

Modelled on Anki's browser (``aqt/browser``): the table's model holds a search's card ids and fetches
rows a page at a time (:mod:`mlprep.ui.browse_model`); every action is one verb of
:class:`mlprep.services.browse.Browser` and Ctrl+Z undoes the last one. A malformed search is shown in
red under the box, with its column; never a dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QItemSelection, QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.models import Card, CardId
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.browse import Browser, BrowseState, SearchSyntaxError, UndoRecord
from mlprep.ui.browse_model import COLUMNS, BrowseModel
from mlprep.ui.card_render import LearnMoreLink
from mlprep.ui.card_view import BASE_TEXT_PX, CardBrowser
from mlprep.ui.theme import LIGHT, Theme

SAVED_SEARCHES: tuple[tuple[str, str], ...] = (
    ("All cards", ""),
    ("Due today", "is:due"),
    ("New", "is:new"),
    ("Learning", "is:learn"),
    ("Answered today", "rated:1"),
    ("Leeches", "is:leech"),
    ("Suspended", "is:suspended"),
    ("Buried", "is:buried"),
    ("Hard (ease < 2)", "prop:ease<2"),
)
"""The sidebar's saved searches: (label, query)."""

_QUERY_ROLE = Qt.ItemDataRole.UserRole + 1
_DONE = {"suspend": "Suspended", "unsuspend": "Unsuspended", "bury": "Buried", "unbury": "Unburied",
         "forget": "Reset to new", "set due": "Set the due day of", "reposition": "Repositioned"}


def _area_title(slug: str) -> str:
    """An area's human name (:data:`mlprep.core.taxonomy.AREAS`); a slug of no curriculum area as it is."""
    area = AREAS_BY_SLUG.get(slug)
    return area.title if area is not None else slug


def _area_rank(slug: str) -> tuple[int, str]:
    """The curriculum's order of the areas (1 Math … 9 SQL), other slugs after them by name."""
    area = AREAS_BY_SLUG.get(slug)
    return (area.number if area is not None else len(AREAS_BY_SLUG) + 1, slug)


def _quote(value: str) -> str:
    return value if value and not any(ch.isspace() or ch in '"()' for ch in value) else f'"{value}"'


class BrowseWindow(QWidget):
    """The browser over ``browser`` (:meth:`mlprep.services.collection.Collection.browse`).

    ``deck_dir_for`` gives a card's deck folder (its images) and ``links_for`` its reading links, as on the
    review screen. Signals: ``edit_requested(card_id)`` (Edit, Ctrl+E, or a double-click on a row) and
    ``changed()`` after an action or its undo changed cards (the deck list's counts are stale).
    """

    edit_requested = Signal(str)
    changed = Signal()

    def __init__(self, browser: Browser, *, theme: Theme = LIGHT, px: float = BASE_TEXT_PX,
                 deck_dir_for: Callable[[Card], Path | None] = lambda _card: None,
                 links_for: Callable[[Card], tuple[LearnMoreLink, ...]] = lambda _card: (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("BrowseWindow")
        self.setWindowTitle("mlprep — Browse")
        self.resize(1280, 800)
        self.browser = browser
        self.theme = theme
        self.px = px
        self._deck_dir_for = deck_dir_for
        self._links_for = links_for
        self.model = BrowseModel(browser, self)
        self._build()
        self.refresh_sidebar()
        self.search("")

    # -- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setObjectName("browseSearch")
        self.search_box.setPlaceholderText("Search: words, \"a phrase\", deck:, area:, tag:, is:due, prop:ivl>10, "
                                           "rated:7, -not, or … (Enter)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        self.count_label = QLabel()
        self.count_label.setObjectName("browseCount")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        widest = self.count_label.fontMetrics().horizontalAdvance("Sorting 100,000 cards…")
        self.count_label.setMinimumWidth(widest + 8)  # (room for any count: no relayout while sorting)
        self.error_label = QLabel()
        self.error_label.setObjectName("browseError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("browseStatus")

        self.sidebar = QTreeWidget()
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setObjectName("browseSidebar")
        self.sidebar.itemClicked.connect(self._sidebar_clicked)
        self.sidebar.itemActivated.connect(self._sidebar_clicked)

        self.table = QTableView()
        self.table.setObjectName("browseTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)  # the model's order
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in zip(range(1, len(COLUMNS)), (170, 110, 90, 70, 56, 66, 60, 110), strict=True):
            header.resizeSection(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self._edit())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self._kept: tuple[list[CardId], CardId | None] = ([], None)  # the selection across a re-sort
        self._reselecting = False
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.current_card = self._current_id
        self.model.search_started.connect(self._search_started)
        self.model.search_finished.connect(self._search_finished)
        self.model.search_failed.connect(self._search_failed)

        self.card_view = CardBrowser()
        self.card_view.setObjectName("browseCard")
        self.history = QTableWidget(0, 5)
        self.history.setObjectName("browseHistory")
        self.history.setHorizontalHeaderLabels(["Date", "Kind", "Grade", "Interval", "EF"])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.history_label = QLabel("Review history")
        self.history_label.setObjectName("sectionTitle")

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("browseToolbar")
        self.actions_by_name: dict[str, QAction] = {}
        for name, text, keys, slot, tip in (
                ("suspend", "Suspend", "Ctrl+J", self.toggle_suspend, "Suspend or unsuspend the selected cards"),
                ("bury", "Bury", "Ctrl+Shift+J", self.toggle_bury, "Hide the selected cards until tomorrow (or show)"),
                ("forget", "Forget", "Ctrl+Alt+R", self.forget, "Back to new: the review history is kept"),
                ("set_due", "Set due…", "Ctrl+Shift+D", self.set_due, "Make the selected cards due on a day"),
                ("reposition", "Reposition…", "Ctrl+Shift+S", self.reposition,
                 "Move the selected new cards in the order new cards come in"),
                ("edit", "Edit", "Ctrl+E", self._edit, "Edit the current card"),
                ("undo", "Undo", "Ctrl+Z", self.undo, "Undo the last action in this window")):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{tip} ({keys})")
            action.triggered.connect(slot)
            self.addAction(action)
            self.toolbar.addAction(action)
            self.actions_by_name[name] = action
        self.toolbar.insertSeparator(self.actions_by_name["edit"])
        focus = QAction("Search", self)
        focus.setShortcuts([QKeySequence("Ctrl+F"), QKeySequence("Ctrl+Shift+F")])  # (the latter opens Browse)
        focus.triggered.connect(self._focus_search)
        self.addAction(focus)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.count_label)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history, 1)
        detail = QSplitter(Qt.Orientation.Horizontal)
        detail.addWidget(self.card_view)
        detail.addWidget(history)
        detail.setSizes([640, 380])
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.toolbar)
        middle_layout.addWidget(self.table, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(middle)
        right.addWidget(detail)
        right.setSizes([470, 300])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(right)
        self.splitter.setSizes([230, 1050])
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status_label)
        self._style_error()

    def _focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _style_error(self) -> None:
        self.error_label.setStyleSheet(f"color: {self.theme.error};")

    def set_theme(self, theme: Theme, px: float | None = None) -> None:
        """Draw the card pane in ``theme`` (at ``px`` text size when given)."""
        self.theme = theme
        if px is not None:
            self.px = px
        self._style_error()
        self._show_current()

    # -- the sidebar ------------------------------------------------------------------------------

    def refresh_sidebar(self) -> None:
        """List the saved searches and the areas, decks and tags with their card counts."""
        facets = self.browser.facets()
        self.sidebar.clear()

        def group(title: str, rows: list[tuple[str, str]]) -> None:
            parent = QTreeWidgetItem([title])
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.sidebar.addTopLevelItem(parent)
            for label, query in rows:
                item = QTreeWidgetItem([label])
                item.setData(0, _QUERY_ROLE, query)
                item.setToolTip(0, query or "every card")
                parent.addChild(item)
            parent.setExpanded(True)

        group("Saved searches", list(SAVED_SEARCHES))
        areas = sorted(facets.areas.items(), key=lambda item: _area_rank(item[0]))
        group("Areas", [(f"{_area_title(area)} ({n})", f"area:{_quote(area)}") for area, n in areas])
        group("Decks", [(f"{title} ({n})", f"deck:{_quote(deck)}") for deck, (title, n) in facets.decks.items()])
        group("Tags", [(f"{tag} ({n})", f"tag:{_quote(tag)}") for tag, n in facets.tags.items()])

    def _sidebar_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        query = item.data(0, _QUERY_ROLE)
        if query is None:
            return
        self.search_box.setText(query)
        self.search(query)

    # -- searching --------------------------------------------------------------------------------

    def search(self, query: str) -> bool:
        """Ask for the cards matching ``query``: they replace the table's rows when they arrive from the
        worker (the first selected), the count saying "Searching…" meanwhile. A malformed query is shown in
        red under the search box at once (the table keeps what it showed). Returns whether it was read."""
        if self.search_box.text() != query:
            self.search_box.setText(query)
        try:
            self.model.search(query)
        except SearchSyntaxError as error:
            self.error_label.setText(f"{error} — {query[:error.position - 1]}▸{query[error.position - 1:]}")
            self.error_label.show()
            return False
        self.error_label.hide()
        return True

    def wait_for_results(self, timeout_ms: int = 10_000) -> bool:
        """Run the event loop until the search or sort asked last is in the table (for scripts that render
        the window, such as ``scripts/shot_browse.py``; the app never waits). Returns whether it arrived
        within ``timeout_ms``."""
        if not self.model.pending:
            return True
        loop = QEventLoop()  # (exec() lets the worker have the GIL; a processEvents() loop would starve it)
        self.model.search_finished.connect(loop.quit)
        self.model.search_failed.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.model.search_finished.disconnect(loop.quit)
        self.model.search_failed.disconnect(loop.quit)
        return not self.model.pending

    def _search_started(self, sorting: bool) -> None:
        """A search or a re-sort went to the worker: say so; the rows shown stay usable until it lands."""
        shown = len(self.model.ids)
        self.count_label.setText(f"Sorting {shown:,} card{'s' if shown != 1 else ''}…" if sorting
                                 else "Searching…")
        self.table.viewport().setCursor(Qt.CursorShape.BusyCursor)

    def _keep_selection(self) -> None:
        self._kept = (self.selected_ids(), self._current_id())

    def _search_finished(self, n: int, sorting: bool) -> None:
        """The ids landed: a new search selects its first card; a re-sort keeps the selected cards selected
        and the current one in view."""
        self.table.viewport().unsetCursor()
        self.count_label.setText(f"{n:,} card{'s' if n != 1 else ''}")
        selected, current = self._kept
        self._kept = ([], None)
        if sorting and selected:
            row = self.model.near_row  # (the worker found the current card's new row)
            self._reselecting = True
            try:
                if selected == [current] and row is not None:
                    self.table.selectRow(row)
                else:
                    self.select_ids(selected)
                    row = self.model.row_index(current) if current is not None else None
            finally:
                self._reselecting = False
            if row is not None:
                index = self.model.index(row, 0)
                self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        elif n:
            self.table.selectRow(0)
        else:
            self._show_current()

    def _search_failed(self, message: str) -> None:
        self.table.viewport().unsetCursor()
        n = len(self.model.ids)
        self.count_label.setText(f"{n:,} card{'s' if n != 1 else ''}")
        self.error_label.setText(f"The search could not run: {message}")
        self.error_label.show()

    def selected_ids(self) -> list[CardId]:
        """The selected cards' ids, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.ids[r] for r in rows if r < len(self.model.ids)]

    def select_ids(self, ids: list[CardId]) -> None:
        """Select the rows of ``ids`` (those in the result)."""
        wanted = set(ids)
        if len(wanted) <= 64:  # a few cards: look each up (C speed) rather than walk 100k ids in Python
            rows = sorted(r for r in map(self.model.row_index, wanted) if r is not None)
        else:
            rows = [row for row, card_id in enumerate(self.model.ids) if card_id in wanted]
        chosen = QItemSelection()
        last = len(COLUMNS) - 1
        start = 0
        for i in range(1, len(rows) + 1):  # one range per run of adjacent rows
            if i == len(rows) or rows[i] != rows[i - 1] + 1:
                chosen.select(self.model.index(rows[start], 0), self.model.index(rows[i - 1], last))
                start = i
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(chosen, flags)  # (one selectionChanged: the card pane renders once)

    def _selection_changed(self) -> None:
        if not self._reselecting:  # (a re-sort selects the card already shown: no need to render it again)
            self._show_current()

    def _current_id(self) -> CardId | None:
        index = self.table.currentIndex()
        if index.isValid() and index.row() < len(self.model.ids):
            return self.model.ids[index.row()]
        ids = self.selected_ids()
        return ids[0] if ids else None

    def _show_current(self) -> None:
        card_id = self._current_id()
        self.history.setRowCount(0)
        if card_id is None:
            self.card_view.clear()
            return
        try:
            detail = self.browser.detail(card_id)
        except KeyError:
            self.card_view.clear()
            return
        card = detail.card
        self.card_view.show_card(card.front, card.back, self.theme, self.px, self._deck_dir_for(card),
                                 self._links_for(card), card.source)
        self.card_view.moveCursor(QTextCursor.MoveOperation.Start)  # each card from its top, even after a resize
        self.history.setRowCount(len(detail.history))
        for r, entry in enumerate(reversed(detail.history)):  # newest first
            for c, text in enumerate((entry.day.isoformat(), entry.kind, str(entry.grade), f"{entry.interval} d",
                                      f"{entry.ease:.2f}")):
                self.history.setItem(r, c, QTableWidgetItem(text))
        self.history_label.setText(f"Review history ({len(detail.history)})" if detail.history
                                   else "Review history: not answered yet")

    # -- actions ----------------------------------------------------------------------------------

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in self.actions_by_name.values():
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _done(self, record: UndoRecord, *, undone: bool = False) -> None:
        ids = self.selected_ids()
        self.model.refresh_rows()
        self.select_ids(ids)
        self._show_current()
        verb = _DONE[record.action.value]
        self.status_label.setText(f"Undid: {verb.lower()} {record.cards} card(s)" if undone
                                  else f"{verb} {record.cards} card(s). Ctrl+Z undoes.")
        self.changed.emit()  # (the sidebar's counts stay: no action moves a card to another deck or tag)

    def _rows_selected(self) -> list[CardId]:
        ids = self.selected_ids()
        if not ids:
            self.status_label.setText("Select one or more cards first.")
        return ids

    def toggle_suspend(self) -> None:
        """Suspend the selected cards, or unsuspend them when all are suspended (Anki's Ctrl+J)."""
        ids = self._rows_selected()
        if not ids:
            return
        rows = self.browser.rows(ids)
        if rows and all(r.state is BrowseState.SUSPENDED for r in rows):
            self._done(self.browser.unsuspend(ids))
        else:
            self._done(self.browser.suspend(ids))

    def toggle_bury(self) -> None:
        """Bury the selected cards until the next study day, or unbury them when all are buried."""
        ids = self._rows_selected()
        if not ids:
            return
        rows = self.browser.rows(ids)
        if rows and all(r.state is BrowseState.BURIED for r in rows):
            self._done(self.browser.unbury(ids))
        else:
            self._done(self.browser.bury(ids))

    def forget(self) -> None:
        """Put the selected cards back to new (their review history stays)."""
        ids = self._rows_selected()
        if ids:
            self._done(self.browser.forget(ids))

    def set_due(self) -> None:
        """Ask in how many days the selected cards are due (0: today), then set it."""
        ids = self._rows_selected()
        if not ids:
            return
        days, ok = QInputDialog.getInt(self, "Set due date", f"Make {len(ids)} card(s) due in how many days?\n"
                                       "(0 = today; their interval and ease stay)", 0, 0, 36500)
        if ok:
            self._done(self.browser.set_due(ids, self.browser.today() + timedelta(days=days)))

    def reposition(self) -> None:
        """Ask where the selected new cards go in the order new cards are introduced, then move them."""
        ids = self._rows_selected()
        if not ids:
            return
        position, ok = QInputDialog.getInt(self, "Reposition new cards",
                                           "Place the selected new cards at position (0 = next):", 0, 0, 10**6)
        if ok:
            self._done(self.browser.reposition(ids, position))

    def undo(self) -> None:
        """Undo the last action of this window (Ctrl+Z)."""
        record = self.browser.undo()
        if record is None:
            self.status_label.setText("Nothing to undo.")
            return
        self._done(record, undone=True)

    def _edit(self) -> None:
        card_id = self._current_id()
        if card_id is not None:
            self.edit_requested.emit(card_id)

    def card_edited(self) -> None:
        """A card was edited elsewhere: show the rows and the card pane again."""
        self.model.refresh_rows()
        self._show_current()
