"""The Browse table's model: the ids of a search's result, their rows fetched a page at a time.

A search gives only card ids (:meth:`mlprep.services.browse.Browser.search`); :meth:`BrowseModel.data`
asks the browser for the rows of a whole page (:data:`PAGE` rows, a few SQL statements together) the
first time a row of that page is painted, and keeps the last :data:`CACHED_PAGES` pages. Scrolling the
table over 100k cards therefore runs one page query per 100 rows that come into view, never one per row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from mlprep.core.models import CardId, DeckId
from mlprep.services.browse import BrowseOrder, Browser, BrowseRow, BrowseState

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
    """The rows of one search over ``browser`` (:meth:`search` sets it), lazily fetched by page.

    ``page_fetches`` counts the page queries run so far (for tests and the scrolling benchmark).
    """

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

    # -- the result ----------------------------------------------------------------------------------

    @property
    def ids(self) -> Sequence[CardId]:
        """The card ids of the result, in the table's order."""
        return self._ids

    def search(self, query: str) -> int:
        """Show the cards matching ``query``, in the current order; return how many. Raises
        :class:`mlprep.services.browse.SearchSyntaxError` (the table keeps what it showed)."""
        ids = self.browser.search(query, self.order, self.descending)
        self.beginResetModel()
        self.query = query
        self._ids = ids
        self._pages.clear()
        self._today = self.browser.today()
        self.endResetModel()
        return len(ids)

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
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
                        Qt.ItemDataRole.TextAlignmentRole):
            return None
        row = self.row_of(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return _ROW_TINT.get(row.state)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = 4 <= index.column() <= 7
            return int((Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
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
        if not 0 <= column < len(COLUMNS):
            return
        self.order = COLUMNS[column][1]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.search(self.query)


def _gone(card_id: CardId) -> BrowseRow:
    return BrowseRow(card_id, "(no longer in the collection)", DeckId(""), "", "", None, 0, 0.0, 0, 0, 0,
                     BrowseState.SUSPENDED, False)
