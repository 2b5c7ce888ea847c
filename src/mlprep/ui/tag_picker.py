"""Study ▸ Study cards with a tag…: a searchable list of the tags, each with its card count.

Machine tags are listed by their human names under headings (:mod:`mlprep.services.tags`): ``leaf:2.2``
as "2.2 Linear models & regularization" under "Curriculum leaves", ``ref:islr`` as the reading item's
title under "Reading list", an area's slug as its title under "Areas".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.services.tags import TagCount, TagGroup

_TAG_ROLE = Qt.ItemDataRole.UserRole
_MOVE_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


class TagPickerDialog(QDialog):
    """Pick one of ``tags`` (:meth:`mlprep.services.collection.Collection.tag_counts`, in their order):
    typing in the search box keeps the rows whose name or tag holds every word typed; the arrow keys move
    in the list while typing; Enter, "Study" or a double-click picks the current row and emits
    ``tag_chosen(tag)`` (the tag itself, e.g. ``"leaf:2.2"``); Esc closes without a pick."""

    tag_chosen = Signal(str)

    def __init__(self, tags: Sequence[TagCount], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Study cards with a tag")
        self.setObjectName("TagPickerDialog")
        self.resize(560, 560)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search tags, curriculum leaves, reading titles…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Tag", "Cards"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("summary")
        self.empty_note.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        study = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        study.setText("Study")
        study.setObjectName("primary")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        hint = QLabel("Type to filter · ↑↓ to move · Enter studies the tag · Esc closes")
        hint.setObjectName("summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(hint)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.buttons)
        self._groups: list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = []  # each heading and its rows
        self._fill(tags)
        self._filter("")
        self.search.setFocus()

    def _fill(self, tags: Sequence[TagCount]) -> None:
        groups: dict[TagGroup, QTreeWidgetItem] = {}
        rows: dict[TagGroup, list[QTreeWidgetItem]] = {group: [] for group in TagGroup}
        for group in TagGroup:
            heading = QTreeWidgetItem([group.value, ""])
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a choice
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            groups[group] = heading
            self.tree.addTopLevelItem(heading)
        for tag in tags:
            row = QTreeWidgetItem([tag.name, str(tag.cards)])
            row.setData(0, _TAG_ROLE, tag.tag)
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            plural = "" if tag.cards == 1 else "s"
            row.setToolTip(0, tag.name if tag.name == tag.tag else f"{tag.name}\ntag: {tag.tag}")
            row.setToolTip(1, f"{tag.cards} card{plural} carry this tag")
            groups[tag.group].addChild(row)
            rows[tag.group].append(row)
        self._groups = [(groups[group], rows[group]) for group in TagGroup]
        self.tree.expandAll()

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        first: QTreeWidgetItem | None = None
        for heading, rows in self._groups:
            visible = 0
            for row in rows:
                haystack = f"{row.text(0)} {row.data(0, _TAG_ROLE)}".casefold()
                hidden = not all(word in haystack for word in words)
                row.setHidden(hidden)
                if not hidden:
                    visible += 1
                    first = first or row
            heading.setHidden(visible == 0)
        current = self.tree.currentItem()
        if first is None:
            self.tree.clearSelection()
            self.tree.setCurrentIndex(QModelIndex())  # nothing to pick
        elif current is None or current.isHidden() or current.parent() is None:
            self.tree.setCurrentItem(first)
        self.empty_note.setText(f"No tag matches “{text.strip()}”." if first is None else "")
        self.empty_note.setVisible(first is None)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(first is not None)

    @property
    def chosen(self) -> str | None:
        """The tag of the current row, or ``None`` when no row is shown."""
        row = self.tree.currentItem()
        if row is None or row.isHidden() or row.parent() is None:
            return None
        return str(row.data(0, _TAG_ROLE))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow and page keys typed in the search box move the list's current row."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in _MOVE_KEYS:
            self.tree.keyPressEvent(event)  # QTreeWidget skips hidden rows and headings
            return True
        return super().eventFilter(watched, event)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.parent() is not None:
            self.tree.setCurrentItem(item)
            self.accept()

    def accept(self) -> None:
        """Close with the current row's tag (``tag_chosen``); with no row shown, stay open."""
        tag = self.chosen
        if tag is None:
            return
        super().accept()
        self.tag_chosen.emit(tag)
