"""The reading screen's detail pane: one reading-list item's description, its status with the
day it was set, personal notes and the Open / Study buttons (see :mod:`mlprep.ui.reading_view`,
which owns the actions and saving)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.reading_list import ReadingStatus
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.reading import ReadingEntry

PLACEHOLDER = "Select an item to see why it is recommended, track it and study the cards citing it."


def day_text(d: date | None) -> str:
    """``21 Nov 2026`` (empty for none)."""
    return f"{d.day} {d:%b %Y}" if d else ""


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to fit (the full text in the tooltip)."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        """Show ``text``, elided in the middle if it does not fit."""
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        """The text before eliding."""
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 40)))


def _label(name: str = "", *, wrap: bool = False, selectable: bool = False) -> QLabel:
    label = QLabel()
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ReadingDetail(QFrame):
    """The selected item, or a placeholder until one is chosen.

    The description (title, byline, kind/level/price/year, areas, why, the list's notes, the
    URL) scrolls; status, notes and the buttons stay in view below it. Widgets the reading view
    connects to: ``status_box``, ``notes``, ``open_button``, ``study_button``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingDetail")
        self.title = _label("readingTitle", wrap=True, selectable=True)
        self.byline = _label(wrap=True)
        self.meta = _label("readingMuted")
        self.areas = _label("readingMuted", wrap=True)
        self.why = _label(wrap=True, selectable=True)
        self.list_notes = _label("readingMuted", wrap=True)
        self.url = ElidedLabel()
        self.url.setObjectName("readingUrl")

        self.status_box = QComboBox()
        for status in ReadingStatus:
            self.status_box.addItem(status.label, status.value)
        self.since = _label("readingMuted")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Chapters to read, what clicked, what to revisit…")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(120)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open in your web browser")
        self.study_button = QPushButton("Study 0 cards")
        self.study_button.setObjectName("primary")

        placeholder = _label("readingMuted", wrap=True)
        placeholder.setText(PLACEHOLDER)
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(placeholder)
        self.stack.addWidget(self._build_shown())
        frame_layout = QVBoxLayout(self)
        frame_layout.setContentsMargins(1, 1, 1, 1)
        frame_layout.addWidget(self.stack)
        self.setMinimumWidth(340)

    def _build_shown(self) -> QWidget:
        body = QWidget()
        body.setObjectName("readingDetailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 16, 18, 8)
        layout.setSpacing(6)
        for widget in (self.title, self.byline, self.meta, self.areas):
            layout.addWidget(widget)
        layout.addSpacing(6)
        for widget in (self.why, self.list_notes, self.url):
            layout.addWidget(widget)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        status_row = QHBoxLayout()
        status_row.addWidget(QLabel("Status"))
        status_row.addWidget(self.status_box)
        status_row.addWidget(self.since, 1)
        notes_heading = QLabel("My notes")
        notes_heading.setObjectName("readingSection")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.study_button)
        tracking = QWidget()  # stays in view however long the description
        tracking.setObjectName("readingDetailBody")
        track_layout = QVBoxLayout(tracking)
        track_layout.setContentsMargins(18, 8, 18, 14)
        track_layout.setSpacing(6)
        track_layout.addLayout(status_row)
        track_layout.addSpacing(2)
        track_layout.addWidget(notes_heading)
        track_layout.addWidget(self.notes)
        track_layout.addSpacing(4)
        track_layout.addLayout(buttons)

        shown = QWidget()
        shown_layout = QVBoxLayout(shown)
        shown_layout.setContentsMargins(0, 0, 0, 0)
        shown_layout.setSpacing(0)
        shown_layout.addWidget(scroll, 1)
        shown_layout.addWidget(tracking)
        return shown

    def show_entry(self, entry: ReadingEntry) -> None:
        """Show ``entry``: its description, status, the user's notes (without emitting
        ``textChanged``) and buttons enabled for what it allows."""
        item = entry.item
        self.title.setText(item.title)
        self.byline.setText(item.byline)
        parts = [item.kind.value.capitalize(), item.level.value.capitalize(), "Free" if item.free else "Paid"]
        self.meta.setText(" · ".join(parts + ([str(item.year)] if item.year else [])))
        self.areas.setText("Areas: " + ", ".join(AREAS_BY_SLUG[a].title for a in item.areas if a in AREAS_BY_SLUG))
        self.why.setText(item.why)
        self.list_notes.setText(item.notes)
        self.list_notes.setVisible(bool(item.notes))
        self.url.set_full_text(item.url)
        self.show_status(entry)
        self.notes.blockSignals(True)
        self.notes.setPlainText(entry.notes)
        self.notes.blockSignals(False)
        count = entry.cite_count
        self.study_button.setText(f"Study {count} card{'s' if count != 1 else ''}")
        self.study_button.setEnabled(count > 0)
        self.study_button.setToolTip("Study the cards whose source cites this item" if count
                                     else "No card cites this item yet")
        self.open_button.setEnabled(item.url.startswith(("https://", "http://")))
        self.stack.setCurrentIndex(1)

    def show_placeholder(self) -> None:
        """Show the placeholder (no item chosen) instead of an item."""
        self.stack.setCurrentIndex(0)

    def show_status(self, entry: ReadingEntry) -> None:
        """Set the status box (without emitting) and the "since" day to ``entry``'s."""
        self.status_box.blockSignals(True)
        self.status_box.setCurrentIndex(self.status_box.findData(entry.status.value))
        self.status_box.blockSignals(False)
        self.since.setText(f"since {day_text(entry.status_date)}" if entry.status_date else "")
