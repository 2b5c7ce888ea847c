"""The building blocks of the statistics screen: a titled panel, a big figure, and the mastery
table per area and deck (see :mod:`mlprep.ui.stats_view`, which lays them out)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.study_settings import ALL_DECKS
from mlprep.services.stats_model import MasteryRow, Stats

MASTERY_COLUMNS = ("Area / deck", "Cards", "Seen", "Retention", "Mean EF", "Due now", "Lapses")
_SORT_ROLE = Qt.ItemDataRole.UserRole


class Panel(QFrame):
    """A titled card: a title (with a tooltip), an optional note on the right, content below
    (add widgets to ``body``)."""

    def __init__(self, title: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPanel")
        self.title = QLabel(title)
        self.title.setObjectName("statsPanelTitle")
        self.note = QLabel()
        self.note.setObjectName("statsNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setToolTip(tip)
        self.header = QHBoxLayout()
        self.header.addWidget(self.title)
        self.header.addStretch(1)
        self.header.addWidget(self.note)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(6)
        self.body.addLayout(self.header)


class Figure(QWidget):
    """A big number with a caption under it (and an optional detail line)."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = QLabel("–")
        self.value.setObjectName("statsBigNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("statsCaption")
        self.detail = QLabel()
        self.detail.setObjectName("statsNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for label in (self.value, self.caption, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)

    def set(self, value: str, detail: str = "") -> None:
        """Show ``value`` big, with ``detail`` in small print under the caption."""
        self.value.setText(value)
        self.detail.setText(detail)


class FigureRow(QHBoxLayout):
    """Figures side by side, equally wide; ``figures`` in the order of ``captions``."""

    def __init__(self, *captions: str) -> None:
        super().__init__()
        self.figures = tuple(Figure(caption) for caption in captions)
        for figure in self.figures:
            self.addWidget(figure, 1)


class Legend(QWidget):
    """A chart legend as labels, one line per entry: a colour square, the name and a count.
    Unlike a QtCharts legend beside a small chart, it never elides an entry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[QLabel] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self._layout.addStretch(1)

    def set_entries(self, entries: list[tuple[QColor, str, int]]) -> None:
        """Show ``(colour, name, count)`` per line, in order."""
        while len(self.entries) < len(entries):
            label = QLabel()
            label.setObjectName("statsLegend")
            label.setTextFormat(Qt.TextFormat.RichText)
            self._layout.insertWidget(len(self.entries) + 1, label)
            self.entries.append(label)
        for label, (color, name, count) in zip(self.entries, entries, strict=False):
            label.setText(f'<span style="color:{color.name()}">&#9632;</span>&nbsp;{name}&nbsp;&nbsp;<b>{count}</b>')
        for index, label in enumerate(self.entries):
            label.setVisible(index < len(entries))


class _SortItem(QTableWidgetItem):
    """A table cell that sorts by the value in ``_SORT_ROLE`` (numbers, curriculum order)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(_SORT_ROLE), other.data(_SORT_ROLE)
        if mine is not None and theirs is not None:
            return bool(mine < theirs)
        return super().__lt__(other)


class MasteryPanel(Panel):
    """Mastery per area (and, on request or for a narrower scope, per deck): cards, share
    seen, true retention in the period, mean ease factor, due now and lapses. The table sorts
    by any column (numbers as numbers) and is as tall as its rows, so the screen scrolls, not
    the table."""

    def __init__(self, title: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(title, tip, parent)
        self._stats: Stats | None = None
        self.table = table = QTableWidget(0, len(MASTERY_COLUMNS))
        table.setHorizontalHeaderLabels(MASTERY_COLUMNS)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().setDefaultSectionSize(26)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(MASTERY_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.body.addWidget(table)
        self.decks_check = QCheckBox("Show decks")
        self.decks_check.setToolTip("List every deck under its area (an area or deck scope always shows its decks)")
        self.decks_check.toggled.connect(self._decks_toggled)
        self.header.insertWidget(2, self.decks_check)

    def show_stats(self, stats: Stats) -> None:
        """Fill the table from ``stats.mastery``."""
        self._stats = stats
        everything = stats.scope == ALL_DECKS
        self.decks_check.setVisible(everything)
        rows = stats.mastery if not everything or self.decks_check.isChecked() else \
            tuple(m for m in stats.mastery if m.level == "area")
        self.note.setText(mean_ef_text(stats.mastery))
        table = self.table
        table.setSortingEnabled(False)
        table.setRowCount(len(rows))
        bold = QFont(table.font())
        bold.setBold(True)
        for r, (order, m) in enumerate(enumerate(rows)):
            for c, (text, key) in enumerate(_cells(m, order)):
                item = _SortItem(text)
                item.setData(_SORT_ROLE, key)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if m.level == "area":
                    item.setFont(bold)
                if c == 3 and m.retention.total:
                    item.setToolTip(f"{m.retention.passed} of {m.retention.total} first reviews passed")
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        table.sortItems(0, Qt.SortOrder.AscendingOrder)
        header = table.horizontalHeader()
        row_height = table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(max(header.sizeHint().height(), header.height()) + row_height * len(rows) + 8)

    def _decks_toggled(self) -> None:
        if self._stats is not None and not self._stats.empty:
            self.show_stats(self._stats)


def _cells(m: MasteryRow, order: int) -> list[tuple[str, object]]:
    """A mastery row's cells as (text, sort key); ``order`` keeps the curriculum order."""
    name = m.title if m.level == "area" else f"      {m.title}"
    return [(name, order), (str(m.cards), m.cards), (f"{m.seen_pct:.0f}%", m.seen_pct),
            (pct(m.retention.rate), -1.0 if m.retention.rate is None else m.retention.rate),
            ("–" if m.mean_ef is None else f"{m.mean_ef:.2f}", -1.0 if m.mean_ef is None else m.mean_ef),
            (str(m.due_now), m.due_now), (str(m.lapses), m.lapses)]


def panel_style_sheet(pal: QPalette) -> str:
    """Style-sheet rules for the panels, figures and notes inside a statistics screen, in the
    colours of ``pal`` (the app style sheet does not cover them)."""

    def c(role: QPalette.ColorRole) -> str:
        return pal.color(role).name()
    base, text = c(QPalette.ColorRole.Base), c(QPalette.ColorRole.Text)
    mid, muted = c(QPalette.ColorRole.Mid), c(QPalette.ColorRole.PlaceholderText)
    return (f"QFrame#statsPanel {{ background: {base}; border: 1px solid {mid}; border-radius: 8px; }}"
            f"QFrame#statsPanel QLabel {{ background: transparent; border: none; }}"
            f"QLabel#statsPanelTitle {{ color: {text}; font-size: 15px; font-weight: 600; }}"
            f"QLabel#statsNote, QLabel#statsCaption {{ color: {muted}; font-size: 12px; }}"
            f"QLabel#statsLegend {{ color: {text}; font-size: 12px; }}"
            f"QLabel#statsBigNumber {{ color: {text}; font-size: 30px; font-weight: 600; }}"
            f"QLabel#statsEmpty {{ color: {text}; font-size: 18px; font-weight: 600; padding: 24px 12px 6px; }}"
            f"QFrame#statsPanel QTableWidget {{ border: none; }}")


def pct(value: float | None) -> str:
    """A percentage rounded to a whole number, or a dash for none."""
    return "–" if value is None else f"{value:.0f}%"


def mean_ef_text(rows: tuple[MasteryRow, ...]) -> str:
    """The mean ease factor over the seen cards of the areas in ``rows`` ("" if none seen)."""
    areas = [m for m in rows if m.level == "area" and m.mean_ef is not None]
    seen = sum(m.seen for m in areas)
    if not seen:
        return ""
    return f"mean EF {sum((m.mean_ef or 0) * m.seen for m in areas) / seen:.2f}"
