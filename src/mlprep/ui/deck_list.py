"""The deck list: decks grouped by area with their new and due counts, as Anki's deck browser."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.deck_format import DeckError
from mlprep.core.study_settings import ScopeKind
from mlprep.services.collection import DeckAction
from mlprep.services.overview import Overview

_DECK_ROLE = Qt.ItemDataRole.UserRole
_AREA_ROLE = Qt.ItemDataRole.UserRole + 1
_DECK_ACTIONS = ((DeckAction.BURY, "Bury its cards until tomorrow"), (DeckAction.SUSPEND, "Suspend all its cards"),
                 (DeckAction.UNSUSPEND, "Unsuspend all its cards"))


class DeckListView(QWidget):
    """Shows an :class:`Overview`: decks under their curriculum area, and any deck load errors.

    Emits ``study_requested(kind, value)`` (a :class:`ScopeKind` and its value) on
    "Study now", a double-click or Enter on a deck or area; from a deck's context menu,
    ``cram_requested(deck_id)`` and ``deck_action(action, deck_id)`` (a :class:`DeckAction`).
    """

    study_requested = Signal(str, str)
    cram_requested = Signal(str)
    deck_action = Signal(str, str)
    plan_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeckListView")
        title = QLabel("Decks")
        title.setObjectName("screenTitle")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.plan_line = QLabel()
        self.plan_line.setObjectName("planLine")
        self.plan_line.hide()
        self.plan_button = QPushButton("Plan…")
        self.plan_button.setToolTip("Prepare for an interview date (View ▸ Plan, Ctrl+Shift+P)")
        self.plan_button.clicked.connect(self.plan_requested.emit)
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
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
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
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.study_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.plan_line)
        layout.addLayout(heading)
        layout.addWidget(self.errors)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

    def set_overview(self, overview: Overview, errors: Sequence[DeckError] = ()) -> None:
        """Show ``overview``'s areas and decks with their counts, and the deck ``errors``."""
        self.tree.clear()
        for area in overview.areas:
            parent = QTreeWidgetItem([area.label, str(area.new), str(area.due)])
            parent.setData(0, _DECK_ROLE, "")
            parent.setData(0, _AREA_ROLE, area.area)
            font = parent.font(0)
            font.setBold(True)
            for column in range(3):
                parent.setFont(column, font)
            for row in area.decks:
                item = QTreeWidgetItem([row.title, str(row.new), str(row.due)])
                item.setData(0, _DECK_ROLE, row.deck_id)
                item.setToolTip(0, f"{row.total} cards")
                parent.addChild(item)
            self.tree.addTopLevelItem(parent)
            for cell in (parent, *(parent.child(j) for j in range(parent.childCount()))):
                for column in (1, 2):
                    if cell is not None:
                        cell.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.tree.expandAll()
        self.summary.setText(f"{len(overview.decks)} decks · today: {overview.due} due · {overview.new} new")
        self._show_errors(errors)

    def set_plan_line(self, text: str) -> None:
        """Show the interview plan's one line ("Interview in 23 days · on track"), or hide it (``""``)."""
        self.plan_line.setText(text)
        self.plan_line.setVisible(bool(text))

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

    def _scope_of(self, item: QTreeWidgetItem | None) -> tuple[str, str]:
        if item is None:
            return ScopeKind.ALL.value, ""
        if item.data(0, _DECK_ROLE):
            return ScopeKind.DECK.value, item.data(0, _DECK_ROLE)
        return ScopeKind.AREA.value, item.data(0, _AREA_ROLE)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.study_requested.emit(*self._scope_of(item))

    def _study_selected(self) -> None:
        item = self.tree.currentItem()
        self.study_requested.emit(*self._scope_of(item if item is not None and item.isSelected() else None))

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        kind, value = self._scope_of(item)
        menu = QMenu(self)
        menu.addAction("Study", lambda: self.study_requested.emit(kind, value))
        if kind == ScopeKind.DECK.value:
            menu.addSeparator()
            menu.addAction("Cram this deck (schedule unchanged)", lambda: self.cram_requested.emit(value))
            for action, label in _DECK_ACTIONS:
                menu.addAction(label, partial(self.deck_action.emit, action.value, value))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
