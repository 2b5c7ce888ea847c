"""The reading screen's two lists: "Recommended next" and the sortable list of every item
(see :mod:`mlprep.ui.reading_view`). Each row keeps its reading-list item id."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from mlprep.core.reading_list import Level, ReadingStatus
from mlprep.services.reading import ReadingEntry, Recommendation

ID_ROLE = Qt.ItemDataRole.UserRole
_SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Title", "Kind", "Level", "Status", "Cards")
_LEVEL_ORDER = {level: i for i, level in enumerate(Level)}
_STATUS_ORDER = {status: i for i, status in enumerate(ReadingStatus)}


def item_id(row: QTreeWidgetItem) -> str:
    """The reading-list item id a row of either list stands for."""
    return str(row.data(0, ID_ROLE))


class _Row(QTreeWidgetItem):
    """A list row that sorts by the value kept in ``_SORT_ROLE`` (numbers, level order)."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, _SORT_ROLE), other.data(column, _SORT_ROLE)
        if mine is not None and theirs is not None and mine != theirs:
            return bool(mine < theirs)
        return self.text(0).casefold() < other.text(0).casefold()


class RecommendedList(QTreeWidget):
    """Title (the item's short title when it has one) and reason of each recommendation, as tall as
    its rows (no scroll bar); the tooltip gives the full title."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingRecommended")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The (short) title in full; the reason takes the rest and is elided if it must be (tooltip).
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.header().setStretchLastSection(False)

    def show_recommendations(self, recommendations: Sequence[Recommendation], muted: QColor) -> None:
        """Replace the rows; reasons are drawn in ``muted``."""
        self.clear()
        for rec in recommendations:
            row = QTreeWidgetItem([rec.entry.item.list_title, rec.reason])
            row.setData(0, ID_ROLE, rec.entry.item.id)
            row.setToolTip(0, f"{rec.entry.item.title}\n{rec.entry.item.byline}")
            row.setToolTip(1, rec.reason)
            row.setForeground(1, muted)
            self.addTopLevelItem(row)
        rows = max(1, self.topLevelItemCount())
        height = self.sizeHintForRow(0) if self.topLevelItemCount() else 28
        self.setFixedHeight(rows * height + 2 * self.frameWidth() + 4)


class ReadingTree(QTreeWidget):
    """Every shown item: title (the short title when the item has one; the full one in the tooltip),
    kind, level, status and the number of cards citing it. In list
    order until a header is clicked; then level and status sort in their natural order and
    counts as numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingList")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    @staticmethod
    def row(entry: ReadingEntry, muted: QColor) -> QTreeWidgetItem:
        """A row for ``entry``; an item read to the end is drawn in ``muted``."""
        item = entry.item
        row = _Row([item.list_title, item.kind.value.capitalize(), item.level.value.capitalize(), entry.status.label,
                    str(entry.cite_count) if entry.cite_count else "–"])
        row.setData(0, ID_ROLE, item.id)
        row.setToolTip(0, f"{item.title}\n{item.byline}")
        row.setData(2, _SORT_ROLE, _LEVEL_ORDER[item.level])
        row.setData(3, _SORT_ROLE, _STATUS_ORDER[entry.status])
        row.setData(4, _SORT_ROLE, entry.cite_count)
        row.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if entry.status is ReadingStatus.DONE:
            for column in range(len(COLUMNS)):
                row.setForeground(column, muted)
        return row

    def find_row(self, wanted: str) -> QTreeWidgetItem | None:
        """The row of item ``wanted``, if shown."""
        return next((row for row in self._rows() if item_id(row) == wanted), None)

    def ids(self) -> list[str]:
        """The item ids shown, top to bottom."""
        return [item_id(row) for row in self._rows()]

    def _rows(self) -> list[QTreeWidgetItem]:
        return [row for i in range(self.topLevelItemCount()) if (row := self.topLevelItem(i)) is not None]

    def replace_row(self, entry: ReadingEntry, muted: QColor) -> None:
        """Redraw ``entry``'s row in place (keeping it current if it was), without signals."""
        old = self.find_row(entry.item.id)
        if old is None:
            return
        index = self.indexOfTopLevelItem(old)
        was_current = self.currentItem() is old
        self.blockSignals(True)
        self.takeTopLevelItem(index)
        new = self.row(entry, muted)
        self.insertTopLevelItem(index, new)
        if was_current:
            self.setCurrentItem(new)
        self.blockSignals(False)
