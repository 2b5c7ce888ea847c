"""The deck list: decks grouped by area with their new and due counts, as Anki's deck browser."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.deck_format import DeckError
from mlprep.core.models import DeckCounts
from mlprep.core.taxonomy import AREAS_BY_SLUG

_DECK_ROLE = Qt.ItemDataRole.UserRole


class DeckListView(QWidget):
    """Shows ``DeckCounts`` rows under their curriculum area and any deck load errors.

    Emits ``study_requested(deck_id)`` (``""`` for all decks) on "Study now", a
    double-click or Enter on a deck.
    """

    study_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeckListView")
        title = QLabel("Decks")
        title.setObjectName("screenTitle")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Deck", "New", "Due"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._activated)
        self.errors = QLabel()
        self.errors.setObjectName("deckErrors")
        self.errors.setWordWrap(True)
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.hide()
        self.study_button = QPushButton("Study now")
        self.study_button.setObjectName("primary")
        self.study_button.setDefault(True)
        self.study_button.clicked.connect(self._study_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.study_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(title)
        layout.addWidget(self.errors)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

    def set_counts(self, counts: Sequence[DeckCounts], errors: Sequence[DeckError] = ()) -> None:
        """Show ``counts`` grouped by area, with totals per area, and the deck ``errors``."""
        self.tree.clear()
        by_area: dict[str, list[DeckCounts]] = {}
        for row in counts:
            by_area.setdefault(row.area, []).append(row)
        for slug, rows in by_area.items():
            area = AREAS_BY_SLUG.get(slug)
            label = f"{area.number}. {area.title}" if area else slug
            parent = QTreeWidgetItem([label, str(sum(r.new for r in rows)), str(sum(r.due for r in rows))])
            parent.setData(0, _DECK_ROLE, "")
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            font = parent.font(0)
            font.setBold(True)
            for column in range(3):
                parent.setFont(column, font)
            for row in rows:
                item = QTreeWidgetItem([row.title, str(row.new), str(row.due)])
                item.setData(0, _DECK_ROLE, row.deck_id)
                item.setToolTip(0, f"{row.total} cards")
                parent.addChild(item)
            self.tree.addTopLevelItem(parent)
        for item in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())):
            for column in (1, 2):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
                for child in (item.child(j) for j in range(item.childCount())):
                    child.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.tree.expandAll()
        total_new, total_due = sum(r.new for r in counts), sum(r.due for r in counts)
        self.summary.setText(f"{len(counts)} decks · {total_due} due · {total_new} new")
        self._show_errors(errors)

    def _show_errors(self, errors: Sequence[DeckError]) -> None:
        if not errors:
            self.errors.hide()
            return
        files = sorted({e.path for e in errors})
        lines = [f"{len(files)} deck file(s) could not be loaded and are skipped:"]
        lines += [str(e) for e in errors[:8]]
        if len(errors) > 8:
            lines.append(f"… and {len(errors) - 8} more (run `mlprep check`)")
        self.errors.setText("\n".join(lines))
        self.errors.show()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        deck_id = item.data(0, _DECK_ROLE)
        if deck_id:
            self.study_requested.emit(deck_id)

    def _study_selected(self) -> None:
        item = self.tree.currentItem()
        deck_id = item.data(0, _DECK_ROLE) if item is not None and item.isSelected() else ""
        self.study_requested.emit(deck_id or "")
