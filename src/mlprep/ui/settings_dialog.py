"""The settings dialog: daily limits, the day's start, new-card order, grades, leeches."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.models import DeckCounts
from mlprep.core.study_settings import DeckLimits, LeechAction, NewOrder, StudySettings

_NEW_ORDER_LABELS = {NewOrder.MIXED: "Mixed with reviews", NewOrder.BEFORE: "Before reviews",
                     NewOrder.AFTER: "After reviews"}
_LEECH_LABELS = {LeechAction.SUSPEND: "Tag “leech” and suspend", LeechAction.TAG: "Tag “leech” only"}


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


def _combo(labels: dict, current: object) -> QComboBox:  # type: ignore[type-arg]
    combo = QComboBox()
    for value, label in labels.items():
        combo.addItem(label, value)
    combo.setCurrentIndex(list(labels).index(current))
    return combo


class SettingsDialog(QDialog):
    """Edits a :class:`StudySettings`; after ``exec()`` returns Accepted, ``result_settings``
    holds the new value. ``decks`` lists the decks that can have limits of their own."""

    def __init__(self, settings: StudySettings, decks: Sequence[DeckCounts], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("SettingsDialog")
        self.result_settings = settings
        self._decks = list(decks)

        self.new_per_day = _spin(0, 9999, settings.new_per_day, " cards")
        self.reviews_per_day = _spin(0, 99999, settings.reviews_per_day, " cards")
        self.rollover_hour = _spin(0, 23, settings.rollover_hour, ":00")
        self.new_order = _combo(_NEW_ORDER_LABELS, settings.new_order)
        self.six_grades = QCheckBox("Grade on SM-2's full 0–5 scale (six buttons, keys 0–5)")
        self.six_grades.setChecked(settings.six_grades)
        self.leech_threshold = _spin(1, 999, settings.leech_threshold, " lapses")
        self.leech_action = _combo(_LEECH_LABELS, settings.leech_action)

        daily = QGroupBox("Daily limits (all decks)")
        form = QFormLayout(daily)
        form.addRow("New cards per day", self.new_per_day)
        form.addRow("Reviews per day", self.reviews_per_day)
        form.addRow("Next day starts at", self.rollover_hour)
        form.addRow("New cards", self.new_order)
        review = QGroupBox("Reviewing")
        form = QFormLayout(review)
        form.addRow(self.six_grades)
        form.addRow("Leech after", self.leech_threshold)
        form.addRow("Leech action", self.leech_action)

        per_deck = QGroupBox("Limits per deck (0 stops that kind; blank uses the daily limits)")
        self.deck_table = QTableWidget(len(self._decks), 3)
        self.deck_table.setHorizontalHeaderLabels(["Deck", "New / day", "Reviews / day"])
        self.deck_table.verticalHeader().hide()
        self.deck_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.deck_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, deck in enumerate(self._decks):
            name = QTableWidgetItem(deck.title)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.deck_table.setItem(row, 0, name)
            limits = settings.deck_limits.get(deck.deck_id, DeckLimits())
            for column, value in ((1, limits.new_per_day), (2, limits.reviews_per_day)):
                self.deck_table.setItem(row, column, QTableWidgetItem("" if value is None else str(value)))
        self.deck_table.setMinimumHeight(160)
        QVBoxLayout(per_deck).addWidget(self.deck_table)

        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet("color: #b42318;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(daily)
        layout.addWidget(review)
        layout.addWidget(per_deck, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 640)

    def _deck_limits(self) -> dict[str, DeckLimits]:
        out: dict[str, DeckLimits] = {}
        for row, deck in enumerate(self._decks):
            new, reviews = (self.deck_table.item(row, column) for column in (1, 2))
            try:
                limits = DeckLimits.parse(new.text() if new else "", reviews.text() if reviews else "")
            except ValueError as exc:
                raise ValueError(f"{deck.title}: {exc}") from exc
            if not limits.unset:
                out[deck.deck_id] = limits
        return out

    def accept(self) -> None:
        """Validate; on a bad value show why and stay open."""
        try:
            self.result_settings = StudySettings(
                new_per_day=self.new_per_day.value(), reviews_per_day=self.reviews_per_day.value(),
                rollover_hour=self.rollover_hour.value(), new_order=self.new_order.currentData(),
                six_grades=self.six_grades.isChecked(), leech_threshold=self.leech_threshold.value(),
                leech_action=self.leech_action.currentData(),
                deck_limits=MappingProxyType(self._deck_limits()))
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()
