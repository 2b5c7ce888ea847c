"""The reading screen: the recommended reading list with filters, search, what to read next,
and a detail pane to track each item (status, notes) and study the cards that cite it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QHideEvent, QKeySequence, QPalette, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.reading_list import Level, ReadingKind, ReadingStatus
from mlprep.core.study_settings import ScopeKind
from mlprep.core.taxonomy import AREAS, AREAS_BY_SLUG
from mlprep.services.reading import (
    AreaProgress,
    ReadingEntry,
    ReadingService,
    Recommendation,
    filter_entries,
    ref_tag,
)

_ID_ROLE = Qt.ItemDataRole.UserRole
_SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Title", "Kind", "Level", "Status", "Cards")
_LEVEL_ORDER = {level: i for i, level in enumerate(Level)}
_STATUS_ORDER = {status: i for i, status in enumerate(ReadingStatus)}
NOTES_DELAY_MS = 800  # notes are saved this long after the last keystroke (and on leaving the box)


def open_in_browser(url: str) -> None:
    """Hand ``url`` to the system browser (mlprep never fetches it itself)."""
    QDesktopServices.openUrl(QUrl(url))


def _day(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


class _Row(QTreeWidgetItem):
    """A list row that sorts by the value kept in ``_SORT_ROLE`` (numbers, level order)."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        mine, theirs = self.data(column, _SORT_ROLE), other.data(column, _SORT_ROLE)
        if mine is not None and theirs is not None and mine != theirs:
            return bool(mine < theirs)
        return self.text(0).casefold() < other.text(0).casefold()


class _ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to fit (the full text in the tooltip)."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, max(self.width(), 40)))


def _combo(all_label: str, values: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(all_label, "")
    for label, value in values:
        combo.addItem(label, value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class ReadingView(QWidget):
    """Browse and track the reading list of a :class:`ReadingService`.

    Top: a search box and kind / area / level / status filters. Left: "Recommended next"
    (the service's top five with their reasons) above the sortable list. Right: the selected
    item's details, its status (with the day it was set), personal notes (saved
    :data:`NOTES_DELAY_MS` after typing stops, when the box loses focus, on switching item
    and on hide), "Open" (the system browser via ``opener``, http/https only) and "Study N
    cards".

    Signals: ``study_requested(kind, value)`` with ``("tag", "ref:<id>")``, as
    :class:`~mlprep.ui.deck_list.DeckListView`'s; ``opened_url(url)`` after "Open".
    """

    study_requested = Signal(str, str)
    opened_url = Signal(str)

    def __init__(self, service: ReadingService, parent: QWidget | None = None, *,
                 opener: Callable[[str], object] = open_in_browser, notes_delay_ms: int = NOTES_DELAY_MS) -> None:
        super().__init__(parent)
        self.setObjectName("ReadingView")
        self.service = service
        self._opener = opener
        self._entries: dict[str, ReadingEntry] = {}
        self._current: str | None = None
        self._sheet = ""
        self._ready = False
        self._recommendations: list[Recommendation] = []
        self._progress: dict[str, AreaProgress] | None = None
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(notes_delay_ms)
        self._notes_timer.timeout.connect(self.save_notes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_filters())
        self.errors = QLabel()
        self.errors.setObjectName("deckErrors")
        self.errors.setWordWrap(True)
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.hide()
        layout.addWidget(self.errors)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_lists())
        self.splitter.addWidget(self._build_detail())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        self._restyle()
        self.refresh()
        self._ready = True

    # -- building ------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        title = QLabel("Reading")
        title.setObjectName("screenTitle")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        row = QHBoxLayout()
        row.addWidget(title)
        row.addStretch(1)
        row.addWidget(self.summary, 0, Qt.AlignmentFlag.AlignBottom)
        return row

    def _build_filters(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search title, author, why…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filters)
        self.kind_combo = _combo("All kinds", [(k.value.capitalize(), k.value) for k in ReadingKind])
        self.area_combo = _combo("All areas", [(a.title, a.slug) for a in AREAS])
        self.area_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.area_combo.setMinimumContentsLength(16)
        self.area_combo.view().setMinimumWidth(self.area_combo.view().sizeHintForColumn(0) + 24)
        self.level_combo = _combo("All levels", [(v.value.capitalize(), v.value) for v in Level])
        self.status_combo = _combo("Any status", [(s.label, s.value) for s in ReadingStatus])
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.search, 1)
        for combo in self._filter_combos():
            combo.currentIndexChanged.connect(self._apply_filters)
            row.addWidget(combo)
        return row

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        return self.kind_combo, self.area_combo, self.level_combo, self.status_combo

    def _build_lists(self) -> QWidget:
        heading = QLabel("Recommended next")
        heading.setObjectName("readingSection")
        self.recommended = QTreeWidget()
        self.recommended.setObjectName("readingRecommended")
        self.recommended.setColumnCount(2)
        self.recommended.setHeaderHidden(True)
        self.recommended.setRootIsDecorated(False)
        self.recommended.setUniformRowHeights(True)
        self.recommended.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recommended.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.recommended.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.recommended.header().setStretchLastSection(False)
        self.recommended.itemClicked.connect(self._recommendation_chosen)
        self.recommended.itemActivated.connect(self._recommendation_chosen)

        self.tree = QTreeWidget()
        self.tree.setObjectName("readingList")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # list order until a header is clicked
        self.tree.setSortingEnabled(True)
        self.tree.currentItemChanged.connect(self._row_changed)

        self.empty = QWidget()
        self.empty_label = QLabel()
        self.empty_label.setObjectName("readingMuted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.clear_button = QPushButton("Clear search and filters")
        self.clear_button.clicked.connect(self.clear_filters)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.tree)
        self.list_stack.addWidget(self.empty)

        self.list_heading = QLabel("All items")
        self.list_heading.setObjectName("readingSection")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.recommended)
        layout.addSpacing(6)
        layout.addWidget(self.list_heading)
        layout.addWidget(self.list_stack, 1)
        return box

    def _build_detail(self) -> QWidget:
        self.title = QLabel()
        self.title.setObjectName("readingTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.byline = QLabel()
        self.byline.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("readingMuted")
        self.areas = QLabel()
        self.areas.setObjectName("readingMuted")
        self.areas.setWordWrap(True)
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list_notes = QLabel()
        self.list_notes.setObjectName("readingMuted")
        self.list_notes.setWordWrap(True)
        self.url = _ElidedLabel()
        self.url.setObjectName("readingUrl")

        self.status_box = QComboBox()
        for status in ReadingStatus:
            self.status_box.addItem(status.label, status.value)
        self.status_box.currentIndexChanged.connect(self._status_chosen)
        self.since = QLabel()
        self.since.setObjectName("readingMuted")
        status_row = QHBoxLayout()
        status_row.addWidget(QLabel("Status"))
        status_row.addWidget(self.status_box)
        status_row.addWidget(self.since, 1)

        notes_heading = QLabel("My notes")
        notes_heading.setObjectName("readingSection")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Chapters to read, what clicked, what to revisit…")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(120)
        self.notes.textChanged.connect(self._notes_edited)
        self.notes.installEventFilter(self)

        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open in your web browser")
        self.open_button.clicked.connect(self._open_current)
        self.study_button = QPushButton("Study 0 cards")
        self.study_button.setObjectName("primary")
        self.study_button.clicked.connect(self._study_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.study_button)

        body = QWidget()
        body.setObjectName("readingDetailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 16, 18, 8)
        layout.setSpacing(6)
        for widget in (self.title, self.byline, self.meta, self.areas):
            layout.addWidget(widget)
        layout.addSpacing(6)
        layout.addWidget(self.why)
        layout.addWidget(self.list_notes)
        layout.addWidget(self.url)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        # Tracking stays in view however long the description: status, notes, actions.
        tracking = QWidget()
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

        placeholder = QLabel("Select an item to see why it is recommended, track it and study the cards citing it.")
        placeholder.setObjectName("readingMuted")
        placeholder.setWordWrap(True)
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(placeholder)
        self.detail_stack.addWidget(shown)
        self.detail = QFrame()
        self.detail.setObjectName("readingDetail")
        frame_layout = QVBoxLayout(self.detail)
        frame_layout.setContentsMargins(1, 1, 1, 1)
        frame_layout.addWidget(self.detail_stack)
        self.detail.setMinimumWidth(340)
        return self.detail

    # -- theme ---------------------------------------------------------------------------

    def _restyle(self) -> None:
        """Colours from the palette (light or dark), for the parts the app style sheet does not cover."""
        pal = self.palette()

        def colour(role: QPalette.ColorRole) -> str:
            return pal.color(role).name()

        sheet = (
            f"QFrame#readingDetail {{ background: {colour(QPalette.ColorRole.Base)};"
            f" border: 1px solid {colour(QPalette.ColorRole.Mid)}; border-radius: 6px; }}"
            f" QWidget#readingDetailBody, QScrollArea > QWidget > QWidget#readingDetailBody"
            f" {{ background: {colour(QPalette.ColorRole.Base)}; }}"
            f" QLabel#readingTitle {{ font-size: 19px; font-weight: 600; }}"
            f" QLabel#readingSection {{ font-weight: 600; color: {colour(QPalette.ColorRole.PlaceholderText)}; }}"
            f" QLabel#readingMuted {{ color: {colour(QPalette.ColorRole.PlaceholderText)}; }}"
            f" QLabel#readingUrl {{ color: {colour(QPalette.ColorRole.Link)}; }}"
            f" QTreeWidget#readingRecommended {{ background: {colour(QPalette.ColorRole.AlternateBase)}; }}"
        )
        if sheet != self._sheet:
            self._sheet = sheet
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._ready:
            self._restyle()
            self._show_recommended()  # muted foregrounds come from the palette (no database read)
            self._apply_filters()

    # -- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Save pending notes, then re-read entries (statuses, cite counts) and recommendations
        from the service; call it when the screen is shown again after studying."""
        if self._ready:
            self.save_notes()
        self._entries = {e.item.id: e for e in self.service.entries()}
        self._show_errors()
        self._fill_recommended()
        self._apply_filters()
        self._update_summary()
        if self._current in self._entries:
            self._show_detail(self._current)

    def _show_errors(self) -> None:
        errors = self.service.errors
        if not errors:
            self.errors.hide()
            return
        lines = ["The reading list could not be loaded:", *(str(e) for e in errors[:6])]
        if len(errors) > 6:
            lines.append(f"… and {len(errors) - 6} more (run `mlprep check`)")
        self.errors.setText("\n".join(lines))
        self.errors.show()

    def _update_summary(self) -> None:
        entries = self._entries.values()
        done = sum(e.status is ReadingStatus.DONE for e in entries)
        reading = sum(e.status is ReadingStatus.READING for e in entries)
        self.summary.setText(f"{len(self._entries)} items · {reading} reading · {done} done")

    def _fill_recommended(self, *, reread: bool = True) -> None:
        """Rank again; ``reread`` also re-reads the review log (not needed when only a status changed)."""
        if reread or self._progress is None:
            self._progress = self.service.area_progress()
        self._recommendations = self.service.recommend(entries=list(self._entries.values()), progress=self._progress)
        self._show_recommended()

    def _show_recommended(self) -> None:
        self.recommended.clear()
        for rec in self._recommendations:
            row = QTreeWidgetItem([rec.entry.item.title, rec.reason])
            row.setData(0, _ID_ROLE, rec.entry.item.id)
            row.setToolTip(0, f"{rec.entry.item.title}\n{rec.entry.item.byline}")
            row.setToolTip(1, rec.reason)
            row.setForeground(1, self.palette().color(QPalette.ColorRole.PlaceholderText))
            self.recommended.addTopLevelItem(row)
        rows = max(1, self.recommended.topLevelItemCount())
        height = self.recommended.sizeHintForRow(0) if self.recommended.topLevelItemCount() else 28
        self.recommended.setFixedHeight(rows * height + 2 * self.recommended.frameWidth() + 4)

    def _filters(self) -> dict[str, str]:
        return {"kind": self.kind_combo.currentData(), "area": self.area_combo.currentData(),
                "level": self.level_combo.currentData(), "status": self.status_combo.currentData()}

    def _apply_filters(self) -> None:
        shown = filter_entries(self._entries.values(), query=self.search.text(), **self._filters())
        keep = self._current
        self.tree.blockSignals(True)
        self.tree.clear()
        for entry in shown:
            self.tree.addTopLevelItem(self._row(entry))
        self.tree.blockSignals(False)
        filtered = len(shown) != len(self._entries)
        self.list_heading.setText(f"{len(shown)} of {len(self._entries)} items" if filtered else "All items")
        if shown or not self._entries:
            self.list_stack.setCurrentWidget(self.tree)
        else:
            query = self.search.text().strip()
            what = f"“{query}”" if query else "these filters"
            self.empty_label.setText(f"No items match {what}.\nTry fewer words or another filter.")
            self.list_stack.setCurrentWidget(self.empty)
        row = self._find_row(keep) if keep else None
        if row is not None:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(row)
            self.tree.blockSignals(False)

    def _row(self, entry: ReadingEntry) -> _Row:
        item = entry.item
        row = _Row([item.title, item.kind.value.capitalize(), item.level.value.capitalize(), entry.status.label,
                    str(entry.cite_count) if entry.cite_count else "–"])
        row.setData(0, _ID_ROLE, item.id)
        row.setToolTip(0, f"{item.title}\n{item.byline}")
        row.setData(2, _SORT_ROLE, _LEVEL_ORDER[item.level])
        row.setData(3, _SORT_ROLE, _STATUS_ORDER[entry.status])
        row.setData(4, _SORT_ROLE, entry.cite_count)
        row.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if entry.status is ReadingStatus.DONE:
            muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
            for column in range(len(COLUMNS)):
                row.setForeground(column, muted)
        return row

    def _find_row(self, item_id: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row.data(0, _ID_ROLE) == item_id:
                return row
        return None

    def clear_filters(self) -> None:
        """Empty the search box and set every filter back to "All"."""
        for combo in self._filter_combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._apply_filters()

    def visible_ids(self) -> list[str]:
        """The item ids the list shows now, top to bottom."""
        return [self.tree.topLevelItem(i).data(0, _ID_ROLE) for i in range(self.tree.topLevelItemCount())]

    # -- selection and detail ------------------------------------------------------------

    def current_item_id(self) -> str | None:
        """The item the detail pane shows, if any."""
        return self._current

    def show_item(self, item_id: str) -> bool:
        """Select ``item_id`` in the list (clearing filters that hide it) and show its details;
        False if the reading list has no such item."""
        if item_id not in self._entries:
            return False
        if self._find_row(item_id) is None:
            self.clear_filters()
        row = self._find_row(item_id)
        if row is not None:
            self.tree.setCurrentItem(row)
            self.tree.scrollToItem(row)
        return True

    def _recommendation_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.show_item(item.data(0, _ID_ROLE))

    def _row_changed(self, row: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if row is not None:
            self._show_detail(row.data(0, _ID_ROLE))

    def _show_detail(self, item_id: str) -> None:
        self.save_notes()
        entry = self._entries[item_id]
        item = entry.item
        self._current = item_id
        self.title.setText(item.title)
        self.byline.setText(item.byline)
        parts = [item.kind.value.capitalize(), item.level.value.capitalize(), "Free" if item.free else "Paid"]
        self.meta.setText(" · ".join(parts + ([str(item.year)] if item.year else [])))
        self.areas.setText("Areas: " + ", ".join(AREAS_BY_SLUG[a].title for a in item.areas if a in AREAS_BY_SLUG))
        self.why.setText(item.why)
        self.list_notes.setText(item.notes)
        self.list_notes.setVisible(bool(item.notes))
        self.url.set_full_text(item.url)
        self._show_status(entry)
        self.notes.blockSignals(True)
        self.notes.setPlainText(entry.notes)
        self.notes.blockSignals(False)
        count = entry.cite_count
        self.study_button.setText(f"Study {count} card{'s' if count != 1 else ''}")
        self.study_button.setEnabled(count > 0)
        self.study_button.setToolTip("Study the cards whose source cites this item" if count
                                     else "No card cites this item yet")
        self.open_button.setEnabled(item.url.startswith(("https://", "http://")))
        self.detail_stack.setCurrentIndex(1)

    def _show_status(self, entry: ReadingEntry) -> None:
        self.status_box.blockSignals(True)
        self.status_box.setCurrentIndex(self.status_box.findData(entry.status.value))
        self.status_box.blockSignals(False)
        self.since.setText(f"since {_day(entry.status_date)}" if entry.status_date else "")

    def _status_chosen(self, _index: int) -> None:
        if self._current is None:
            return
        entry = self.service.set_status(self._current, ReadingStatus(self.status_box.currentData()))
        self._replace_entry(entry)
        self._show_status(entry)
        self._fill_recommended(reread=False)
        self._update_summary()

    def _replace_entry(self, entry: ReadingEntry) -> None:
        self._entries[entry.item.id] = entry
        row = self._find_row(entry.item.id)
        if row is None:
            return
        index = self.tree.indexOfTopLevelItem(row)
        was_current = self.tree.currentItem() is row
        self.tree.blockSignals(True)
        self.tree.takeTopLevelItem(index)
        new_row = self._row(entry)
        self.tree.insertTopLevelItem(index, new_row)
        if was_current:
            self.tree.setCurrentItem(new_row)
        self.tree.blockSignals(False)

    # -- notes ---------------------------------------------------------------------------

    def _notes_edited(self) -> None:
        self._notes_timer.start()

    def save_notes(self) -> None:
        """Save the notes box to the item it belongs to, if it changed."""
        self._notes_timer.stop()
        if self._current is None:
            return
        text = self.notes.toPlainText()
        if text != self._entries[self._current].notes:
            self._entries[self._current] = self.service.set_notes(self._current, text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.notes and event.type() == QEvent.Type.FocusOut:
            self.save_notes()
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_notes()
        super().hideEvent(event)

    # -- actions -------------------------------------------------------------------------

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_current(self) -> None:
        if self._current is None:
            return
        url = self._entries[self._current].item.url
        if not url.startswith(("https://", "http://")):
            return
        self._opener(url)
        self.opened_url.emit(url)

    def _study_current(self) -> None:
        if self._current is not None and self._entries[self._current].cite_count:
            self.study_requested.emit(ScopeKind.TAG.value, ref_tag(self._current))
