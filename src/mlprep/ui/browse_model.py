"""The Browse table's model: the ids of a search's result, their rows fetched a page at a time.

A search gives only card ids, read and sorted on the browser's worker thread
(:meth:`mlprep.services.browse.Browser.search_later`): the rows shown stay until the new ids arrive, and
the ids of a search or sort that a newer one replaced are dropped when they come. :meth:`BrowseModel.data`
asks the browser for the rows of a whole page (:data:`PAGE` rows, a few SQL statements together) the
first time a row of that page is painted, and keeps the last :data:`CACHED_PAGES` pages. Scrolling the
table over 100k cards therefore runs one page query per 100 rows that come into view, never one per row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import suppress
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from mlprep.core.models import CardId, DeckId
from mlprep.services.browse import BrowseOrder, Browser, BrowseRow, BrowseState, SearchResult, SearchSyntaxError

PAGE = 100
CACHED_PAGES = 40

COLUMNS: tuple[tuple[str, BrowseOrder], ...] = (
    ("Front", BrowseOrder.FRONT),
    ("Deck", BrowseOrder.DECK),
    ("Area", BrowseOrder.AREA),
    ("Due", BrowseOrder.DUE),
    ("Interval", BrowseOrder.INTERVAL),
    ("Ease", BrowseOrder.EASE),
    ("Reviews", BrowseOrder.REVIEWS),
    ("Lapses", BrowseOrder.LAPSES),
    ("State", BrowseOrder.DUE),
)
"""Each column's header and the order a click on it sorts by (the state column sorts by due day)."""

_TIPS = ("The card's question, as plain text", "The deck", "The curriculum area",
         "The study day the card is next due (new: not yet studied)", "Days until the next review after the last",
         "SM-2 ease factor (EF): 2.5 for a new card, at least 1.3", "Times answered", "Times forgotten after learning",
         "new, learn (answered, not yet recalled), review, suspended or buried")

_ROW_TINT = {BrowseState.SUSPENDED: QColor(230, 190, 0, 70), BrowseState.BURIED: QColor(128, 128, 128, 60)}

_Index = QModelIndex | QPersistentModelIndex

_DISPLAY, _TOOLTIP, _BACKGROUND, _ALIGN = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.TextAlignmentRole))
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _BACKGROUND, _ALIGN))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _cell(row: BrowseRow, column: int, today: date) -> str:
    if column == 0:
        return row.front
    if column == 1:
        return row.deck
    if column == 2:
        return row.area
    if column == 3:
        if row.due is None:
            return "new"
        return row.due.isoformat() if row.due != today else "today"
    if column == 4:
        return f"{row.interval} d" if row.due is not None else ""
    if column == 5:
        return f"{row.ease:.2f}"
    if column == 6:
        return str(row.reviews)
    if column == 7:
        return str(row.lapses)
    return f"{row.state} · leech" if row.leech else str(row.state)


class BrowseModel(QAbstractTableModel):
    """The rows of one search over ``browser`` (:meth:`search` asks for it), lazily fetched by page.

    Signals: ``search_started(sorting)`` when a search (``sorting`` False) or a re-sort of the shown one
    (True) goes to the worker; ``search_finished(cards, sorting)`` once its ids are in the table;
    ``search_failed(message)`` when SQLite could not run it (the table keeps what it showed).
    ``page_fetches`` counts the page queries run so far (for tests and the scrolling benchmark).
    """

    search_started = Signal(bool)
    search_finished = Signal(int, bool)
    search_failed = Signal(str)
    _arrived = Signal(int, object)  # (request number, future): emitted on the worker, run on the GUI thread

    def __init__(self, browser: Browser, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.query = ""
        self.order = BrowseOrder.DUE
        self.descending = False
        self._ids: list[CardId] = []
        self._pages: OrderedDict[int, list[BrowseRow]] = OrderedDict()
        self._today = browser.today()
        self.page_fetches = 0
        self._asked = ""  # the query of the newest request (shown once its ids arrive)
        self._request = 0
        self._future: Future[SearchResult] | None = None
        self._sorting = False
        self.current_card: Callable[[], CardId | None] = lambda: None
        """The card a re-sort keeps in view (the window's current one): its rows come back with the ids."""
        self.near_row: int | None = None
        """The row of :attr:`current_card` in the last result (``None``: not asked, or not in it)."""
        self._arrived.connect(self._land, Qt.ConnectionType.QueuedConnection)

    # -- the result ----------------------------------------------------------------------------------

    @property
    def ids(self) -> Sequence[CardId]:
        """The card ids of the result, in the table's order."""
        return self._ids

    @property
    def pending(self) -> bool:
        """Whether a search or sort is running on the worker (the table shows the previous result)."""
        return self._future is not None

    def search(self, query: str) -> None:
        """Ask for the cards matching ``query``, in the current order: they replace the rows when they
        arrive (``search_finished``). Raises :class:`mlprep.services.browse.SearchSyntaxError` at once for
        a malformed query (nothing is asked; the table keeps what it showed)."""
        self._start(query, sorting=False)

    def _start(self, query: str, *, sorting: bool) -> None:
        near = self.current_card() if sorting and query == self.query else None
        future = self.browser.search_later(query, self.order, self.descending, near=near, page=PAGE)
        if self._future is not None:
            self._future.cancel()  # (not started yet: dropped; running: its result will be stale)
        self._request += 1
        self._future = future
        self._asked = query
        self._sorting = sorting and query == self.query  # (a sort of a search not shown yet: a search)
        self.search_started.emit(self._sorting)
        request = self._request
        future.add_done_callback(lambda done: self._post(request, done))

    def _post(self, request: int, future: Future[SearchResult]) -> None:
        with suppress(RuntimeError):  # (the model was deleted meanwhile: nobody waits for these ids)
            self._arrived.emit(request, future)

    def _land(self, request: int, future: Future[SearchResult]) -> None:
        if request != self._request or future.cancelled():
            return  # a newer search or sort was started since: these ids are stale
        self._future = None
        error = future.exception()
        if error is not None:
            self.search_failed.emit(str(error))
            return
        result = future.result()
        self.beginResetModel()
        self.query = self._asked
        self._ids = result.ids
        self._pages.clear()
        for start in range(0, len(result.rows), PAGE):  # the pages read on the worker: painted without SQL
            rows = result.rows[start:start + PAGE]
            at = result.first + start
            if [r.card_id for r in rows] == result.ids[at:at + len(rows)]:  # (else a card went: fetch it here)
                self._pages[at // PAGE] = rows
        self._today = self.browser.today()
        self.near_row = result.near
        self.endResetModel()
        self.search_finished.emit(len(result.ids), self._sorting)

    def row_index(self, card_id: CardId) -> int | None:
        """The table row of ``card_id``, or ``None`` when it is not in the result."""
        try:
            return self._ids.index(card_id)
        except ValueError:
            return None

    def refresh_rows(self) -> None:
        """Fetch the shown rows again (after an action changed cards); the result's ids stay."""
        self._pages.clear()
        self._today = self.browser.today()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def row_of(self, row: int) -> BrowseRow | None:
        """The data of table row ``row`` (fetching its page if needed), or ``None`` past the end."""
        if not 0 <= row < len(self._ids):
            return None
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._fetch(page)
        else:
            self._pages.move_to_end(page)
        offset = row - page * PAGE
        return rows[offset] if offset < len(rows) else None

    def _fetch(self, page: int) -> list[BrowseRow]:
        ids = self._ids[page * PAGE:(page + 1) * PAGE]
        found = {r.card_id: r for r in self.browser.rows(ids)}
        rows = [found[i] for i in ids if i in found]
        if len(rows) != len(ids):  # a card left the collection since the search: keep positions
            rows = [found.get(i) or _gone(i) for i in ids]
        self.page_fetches += 1
        self._pages[page] = rows
        if len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows

    # -- Qt's model interface --------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called ~7 times per visible cell per paint (once per role the delegate asks): the role test comes
        # first and compares plain ints (a Qt enum comparison costs a Python call each).
        if role not in _ROLES or not index.isValid():
            return None
        role = int(role)
        if role == _ALIGN:
            return _RIGHT if 4 <= index.column() <= 7 else _LEFT
        row = self.row_of(index.row())
        if row is None:
            return None
        if role == _BACKGROUND:
            return _ROW_TINT.get(row.state)
        if role == _TOOLTIP:
            return row.front if index.column() == 0 else None
        return _cell(row, index.column(), self._today)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TIPS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` on the worker (the newest query asked, its rows shown until the sorted ids
        arrive); nothing is asked when that is the order already asked for."""
        if not 0 <= column < len(COLUMNS):
            return
        wanted = COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder
        if wanted == (self.order, self.descending):
            return
        self.order, self.descending = wanted
        try:
            self._start(self._asked, sorting=True)
        except SearchSyntaxError:  # (the query asked was read before: it cannot fail now)
            return


def _gone(card_id: CardId) -> BrowseRow:
    return BrowseRow(card_id, "(no longer in the collection)", DeckId(""), "", "", None, 0, 0.0, 0, 0, 0,
                     BrowseState.SUSPENDED, False)
