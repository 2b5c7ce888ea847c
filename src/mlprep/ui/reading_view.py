"""The reading screen: the recommended reading list with filters, search, what to read next,
and a detail pane to track each item (status, notes) and study the cards that cite it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QHideEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.reading_list import Level, ReadingKind, ReadingStatus
from mlprep.core.study_settings import ScopeKind
from mlprep.core.taxonomy import AREAS
from mlprep.services.reading import (
    AreaProgress,
    ReadingEntry,
    ReadingService,
    Recommendation,
    filter_entries,
    ref_tag,
)
from mlprep.ui.reading_detail import ReadingDetail
from mlprep.ui.reading_lists import ReadingTree, RecommendedList, item_id

NOTES_DELAY_MS = 800  # notes are saved this long after the last keystroke (and on leaving the box)


def open_in_browser(url: str) -> None:
    """Hand ``url`` to the system browser (mlprep never fetches it itself)."""
    QDesktopServices.openUrl(QUrl(url))


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
    back_to_review = Signal()  # "← Back to review", shown by offer_back_to_review(True)

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
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self).activated.connect(self._focus_search)
        self._restyle()
        self.refresh()
        self._ready = True

    def offer_back_to_review(self, offered: bool) -> None:
        """Show (or hide) "← Back to review", for a reading list opened from a card's source link."""
        self.back_button.setVisible(offered)

    # -- building ------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        title = QLabel("Reading")
        title.setObjectName("screenTitle")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.back_button = QPushButton("← Back to review")
        self.back_button.setToolTip("Return to the card you were reviewing, as you left it (Esc)")
        self.back_button.clicked.connect(self.back_to_review.emit)
        self.back_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignVCenter)
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
        self.recommended = RecommendedList()
        self.recommended.itemClicked.connect(self._recommendation_chosen)
        self.recommended.itemActivated.connect(self._recommendation_chosen)
        self.tree = ReadingTree()
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
        self.detail = ReadingDetail()
        self.detail.status_box.currentIndexChanged.connect(self._status_chosen)
        self.detail.notes.textChanged.connect(self._notes_edited)
        self.detail.notes.installEventFilter(self)
        self.detail.open_button.clicked.connect(self._open_current)
        self.detail.study_button.clicked.connect(self._study_current)
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
        self.recommended.show_recommendations(self._recommendations, self._muted())

    def _muted(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.PlaceholderText)

    def _filters(self) -> dict[str, str]:
        return {"kind": self.kind_combo.currentData(), "area": self.area_combo.currentData(),
                "level": self.level_combo.currentData(), "status": self.status_combo.currentData()}

    def _apply_filters(self) -> None:
        shown = filter_entries(self._entries.values(), query=self.search.text(), **self._filters())
        keep, muted = self._current, self._muted()
        self.tree.blockSignals(True)
        self.tree.clear()
        for entry in shown:
            self.tree.addTopLevelItem(self.tree.row(entry, muted))
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
        row = self.tree.find_row(keep) if keep else None
        if row is not None:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(row)
            self.tree.blockSignals(False)
        elif keep is not None:  # the item shown is filtered out: show the first one left, or nothing
            first = self.tree.topLevelItem(0)
            if first is not None:
                self.tree.setCurrentItem(first)  # -> _row_changed -> its detail
            else:
                self._clear_detail()

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
        return self.tree.ids()

    # -- selection and detail ------------------------------------------------------------

    def current_item_id(self) -> str | None:
        """The item the detail pane shows, if any."""
        return self._current

    def show_item(self, item_id: str) -> bool:
        """Select ``item_id`` in the list (clearing filters that hide it) and show its details;
        False if the reading list has no such item."""
        if item_id not in self._entries:
            return False
        if self.tree.find_row(item_id) is None:
            self.clear_filters()
        row = self.tree.find_row(item_id)
        if row is not None:
            self.tree.setCurrentItem(row)
            self.tree.scrollToItem(row)
        return True

    def _recommendation_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.show_item(item_id(item))

    def _row_changed(self, row: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if row is not None:
            self._show_detail(item_id(row))

    def _show_detail(self, item_id: str) -> None:
        self.save_notes()
        self._current = item_id
        self.detail.show_entry(self._entries[item_id])

    def _clear_detail(self) -> None:
        """No item chosen: save its notes and show the detail pane's placeholder."""
        self.save_notes()
        self._current = None
        self.detail.show_placeholder()

    def _status_chosen(self, _index: int) -> None:
        if self._current is None:
            return
        entry = self.service.set_status(self._current, ReadingStatus(self.detail.status_box.currentData()))
        self._replace_entry(entry)
        self.detail.show_status(entry)
        self._fill_recommended(reread=False)
        self._update_summary()

    def _replace_entry(self, entry: ReadingEntry) -> None:
        self._entries[entry.item.id] = entry
        self.tree.replace_row(entry, self._muted())

    # -- notes ---------------------------------------------------------------------------

    def _notes_edited(self) -> None:
        self._notes_timer.start()

    def save_notes(self) -> None:
        """Save the notes box to the item it belongs to, if it changed."""
        self._notes_timer.stop()
        if self._current is None:
            return
        text = self.detail.notes.toPlainText()
        if text != self._entries[self._current].notes:
            self._entries[self._current] = self.service.set_notes(self._current, text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.detail.notes and event.type() == QEvent.Type.FocusOut:
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
