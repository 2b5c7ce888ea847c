"""The statistics screen (issue 7): where the learner stands, for a scope and a period.

``StatsView(collection)`` shows, in a scroll area: today's three figures, answers per day
by review type, a year heatmap with the current and longest streak, true retention (young
and mature), answer buttons, the 30-day due forecast, card states, interval and ease
histograms and a sortable mastery table per area and deck. Every figure comes from
:func:`mlprep.services.stats.compute_stats`; the definitions are in its module docstring and
in each panel's tooltip. An empty collection shows a friendly message and the card counts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.study_settings import ALL_DECKS, StudyScope
from mlprep.core.wording import count_of
from mlprep.services.collection import Collection
from mlprep.services.stats import INTERVAL_BINS, MATURE_DAYS, PERIODS, parse_scope, scope_text
from mlprep.services.stats_model import RetentionCounts, Stats
from mlprep.ui import stats_charts as charts
from mlprep.ui.stats_panels import FigureRow, Legend, MasteryPanel, Panel, panel_style_sheet, pct
from mlprep.ui.theme import is_dark

EMPTY_MESSAGE = "No reviews yet — study a few cards and your progress appears here"
INTERVAL_EDGES_SHOWN = (2, 7, 21, 91, 366)  # days: the interval axis's labels, at bin edges (21 = mature)
EASE_LABELS_SHOWN = ("1.3", "2.0", "2.5", "3.0+")  # SM-2's floor, its starting EF, the top bin
PERIOD_LABELS = {30: "Last 30 days", 90: "Last 90 days", 365: "Last year", None: "All time"}

TIPS = {
    "today": "Today's answers of every kind (cram included): cards answered, the share of answers graded 3 "
             "or more (Hard, Good, Easy), and the time spent looking at cards.",
    "reviews": "Answers per day by review type. New: the first answer to a new card. Learning: drill repeats "
               "(SM-2 step 7: a card graded below Good comes back the same day) and reviews of cards whose last "
               "answer failed (repetitions 0). Young: reviews of cards with an interval under 21 days. Mature: "
               "21 days or more. Cram is not counted.",
    "heatmap": "Answers per study day over the past year (cram not counted). A streak is a run of consecutive "
               "study days with at least one answer; today counts once you study, and a streak is not broken "
               "until today is over. The longest streak is over all time.",
    "retention": "True retention: per card and study day, only the first scheduled review counts (not new cards, "
                 "drill repeats or cram); passed = graded 3 or more. Young: the interval before the review was "
                 "under 21 days; mature: 21 days or more.",
    "buttons": "How you graded your answers in the period, as shares of each review type's answers (counts in "
               "the tooltip). Again = 2, Hard = 3, Good = 4, Easy = 5 on SM-2's 0-5 scale; cram is not counted.",
    "forecast": "Cards due per day for the next 30 days (present and not suspended); overdue cards count on today. "
                "On top of today's bar: the cards answered below Good today, which come back before the day ends "
                "(SM-2 step 7: re-drilled until graded Good or Easy).",
    "states": "Cards now. New: never answered. Learning: answered, and the last graded answer failed "
              "(repetitions 0). Young: interval under 21 days. Mature: interval of 21 days or more. A suspended "
              "card counts only as suspended.",
    "intervals": "The current interval of seen cards that are not suspended; from 21 days a card is mature.",
    "ease": "The ease factor (EF) of seen cards that are not suspended: SM-2 starts every card at 2.5, answers "
            "below Good lower it, Easy raises it, and 1.3 is its floor.",
    "mastery": "Per area and deck: the share of present cards you have seen, true retention in the period, the "
               "mean ease factor of seen cards, cards due now and the total number of lapses (answers below 3 "
               "after a card was learned). Click a column header to sort.",
}


def choose_folder_dialog(parent: QWidget) -> Path | None:
    """Ask for a folder to export into (``None`` if cancelled)."""
    folder = QFileDialog.getExistingDirectory(parent, "Export statistics as CSV", str(Path.home()))
    return Path(folder) if folder else None


class StatsView(QWidget):
    """The statistics screen for a ``collection`` (which may be given later with
    :meth:`set_collection`); ``choose_folder`` asks where "Export CSV…" writes (a folder dialog by
    default; tests inject their own)."""

    def __init__(self, collection: Collection | None = None, *,
                 choose_folder: Callable[[QWidget], Path | None] = choose_folder_dialog,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatsView")
        self._collection = collection
        self._choose_folder = choose_folder
        self._styling = False
        self.stats: Stats | None = None
        self._build()
        self._restyle()
        if collection is not None:
            self.set_collection(collection)

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Statistics")
        title.setObjectName("screenTitle")
        self.scope_combo = QComboBox()
        self.scope_combo.setMinimumWidth(260)
        self.scope_combo.setToolTip("Everything, one curriculum area or one deck")
        self.period_combo = QComboBox()
        for period in PERIODS:
            self.period_combo.addItem(PERIOD_LABELS[period], "all" if period is None else str(period))
        self.period_combo.setToolTip("The period for the reviews chart, retention, answer buttons and mastery")
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the review log and the mastery table as CSV files in a folder")
        self.export_button.clicked.connect(self.export)
        self.status = QLabel()
        self.status.setObjectName("summary")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.scope_combo)
        top.addWidget(self.period_combo)
        top.addWidget(self.export_button)

        self.content = QWidget()
        self.content.setObjectName("statsContent")
        grid = QGridLayout(self.content)
        grid.setContentsMargins(0, 4, 4, 12)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        for column in range(6):  # halves span 3 columns, thirds 2
            grid.setColumnStretch(column, 1)

        self.empty_panel = Panel("Nothing to show yet", TIPS["states"])
        self.empty_message = QLabel(EMPTY_MESSAGE)
        self.empty_message.setObjectName("statsEmpty")
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("statsCaption")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_panel.body.addWidget(self.empty_message)
        self.empty_panel.body.addWidget(self.empty_hint)
        self.empty_panel.title.hide()

        self.today_panel = Panel("Today", TIPS["today"])
        row = FigureRow("cards studied", "correct", "minutes")
        self.today_cards, self.today_correct, self.today_time = row.figures
        self.today_panel.body.addLayout(row)

        self.reviews_panel = Panel("Reviews", TIPS["reviews"])
        self.reviews_view = charts.chart_view(QChart(), 250)
        self.reviews_panel.body.addWidget(self.reviews_view)

        self.heatmap_panel = Panel("Activity in the past year", TIPS["heatmap"])
        self.heatmap_view = cast(charts.HeatmapView, charts.chart_view(QChart(), 190, charts.HeatmapView))
        self.heatmap_panel.body.addWidget(self.heatmap_view)

        self.retention_panel = Panel("True retention", TIPS["retention"])
        row = FigureRow("young", "mature", "overall")
        self.retention_young, self.retention_mature, self.retention_overall = row.figures
        self.retention_panel.body.addStretch(1)
        self.retention_panel.body.addLayout(row)
        self.retention_panel.body.addStretch(1)

        self.buttons_panel = Panel("Answer buttons", TIPS["buttons"])
        self.buttons_view = charts.chart_view(QChart(), 230)
        self.buttons_panel.body.addWidget(self.buttons_view)

        self.forecast_panel = Panel("Due in the next 30 days", TIPS["forecast"])
        self.forecast_view = charts.chart_view(QChart(), 230)
        self.forecast_panel.body.addWidget(self.forecast_view)

        self.states_panel = Panel("Card states", TIPS["states"])
        self.states_view = charts.chart_view(QChart(), 230)
        self.states_legend = Legend()
        states_row = QHBoxLayout()
        states_row.addWidget(self.states_view, 1)
        states_row.addWidget(self.states_legend)
        self.states_panel.body.addLayout(states_row)

        self.intervals_panel = Panel("Intervals", TIPS["intervals"])
        self.intervals_view = charts.chart_view(QChart(), 230)
        self.intervals_panel.body.addWidget(self.intervals_view)

        self.ease_panel = Panel("Ease factors", TIPS["ease"])
        self.ease_view = charts.chart_view(QChart(), 230)
        self.ease_panel.body.addWidget(self.ease_view)

        self.mastery_panel = MasteryPanel("Mastery by area and deck", TIPS["mastery"])
        self.mastery_table, self.decks_check = self.mastery_panel.table, self.mastery_panel.decks_check

        grid.addWidget(self.empty_panel, 0, 0, 1, 6)
        grid.addWidget(self.today_panel, 1, 0, 1, 3)
        grid.addWidget(self.retention_panel, 1, 3, 1, 3)
        grid.addWidget(self.reviews_panel, 2, 0, 1, 6)
        grid.addWidget(self.heatmap_panel, 3, 0, 1, 6)
        # The answer buttons need half the width for "Learning" under its bars; a third takes
        # the states (their legend is labels) and the histograms' few, short axis labels.
        grid.addWidget(self.forecast_panel, 4, 0, 1, 3)
        grid.addWidget(self.buttons_panel, 4, 3, 1, 3)
        grid.addWidget(self.states_panel, 5, 0, 1, 2)
        grid.addWidget(self.intervals_panel, 5, 2, 1, 2)
        grid.addWidget(self.ease_panel, 5, 4, 1, 2)
        grid.addWidget(self.mastery_panel, 6, 0, 1, 6)
        grid.setRowStretch(7, 1)
        self._chart_panels = (self.today_panel, self.retention_panel, self.reviews_panel, self.heatmap_panel,
                              self.forecast_panel, self.buttons_panel, self.intervals_panel, self.ease_panel,
                              self.mastery_panel)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("statsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.content)
        for widget in (self, self.content, self.scroll_area.viewport()):
            widget.setBackgroundRole(QPalette.ColorRole.Window)
            widget.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll_area, 1)
        self.status.hide()
        self.scope_combo.currentIndexChanged.connect(self._combo_changed)
        self.period_combo.currentIndexChanged.connect(self._combo_changed)

    # -- the collection, scope and period ---------------------------------------------------------------

    def set_collection(self, collection: Collection) -> None:
        """Show ``collection``'s statistics as of its clock (resets the scope to everything)."""
        self._collection = collection
        self._fill_scopes(ALL_DECKS)
        self.refresh()

    def _fill_scopes(self, keep: StudyScope) -> None:
        combo = self.scope_combo
        combo.blockSignals(True)
        combo.clear()
        if self._collection is not None:
            for choice in self._collection.stats_scopes():
                indent = "" if choice.scope == ALL_DECKS or choice.scope.kind.value == "area" else "      "
                combo.addItem(indent + choice.label, scope_text(choice.scope))
                if choice.scope.kind.value == "area":
                    font = QFont(combo.font())
                    font.setBold(True)
                    combo.setItemData(combo.count() - 1, font, Qt.ItemDataRole.FontRole)
        index = combo.findData(scope_text(keep))
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    @property
    def scope(self) -> StudyScope:
        """The scope chosen in the combo box."""
        data = self.scope_combo.currentData()
        return parse_scope(data) if data else ALL_DECKS

    @property
    def period(self) -> int | None:
        """The period chosen in the combo box, in days (``None``: all time)."""
        data = self.period_combo.currentData()
        return None if data == "all" else int(data)

    def set_scope(self, scope: StudyScope) -> None:
        """Choose the scope (as the combo does) and refresh; ``ValueError`` if it is not offered."""
        index = self.scope_combo.findData(scope_text(scope))
        if index < 0:
            raise ValueError(f"no such scope: {scope_text(scope)}")
        self.scope_combo.setCurrentIndex(index)

    def set_period(self, period: int | None) -> None:
        """Choose the period in days (30, 90, 365 or ``None`` for all time) and refresh."""
        self.period_combo.setCurrentIndex(self.period_combo.findData("all" if period is None else str(period)))

    def _combo_changed(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute every figure from the database and redraw (also after studying)."""
        if self._collection is None:
            return
        self.stats = self._collection.stats(self.scope, self.period)
        self._render()

    # -- showing -----------------------------------------------------------------------------------------

    def _render(self) -> None:
        stats = self.stats
        if stats is None:
            return
        colors = charts.ChartColors.of(self, is_dark(self))
        self.empty_panel.setVisible(stats.empty)
        for panel in self._chart_panels:
            panel.setVisible(not stats.empty)
        self._set_chart(self.states_view, charts.states_chart(stats.states, colors))
        self.states_legend.set_entries(charts.states_legend(stats.states, colors))
        self.states_panel.note.setText(count_of(stats.states.total, "card"))
        if stats.empty:
            decks = sum(1 for m in stats.mastery if m.level == "deck")
            waiting = "is" if stats.states.new == 1 else "are"
            self.empty_hint.setText(f"{count_of(stats.states.new, 'new card')} in {count_of(decks, 'deck')} {waiting} "
                                    "waiting: pick a deck in the deck list and press Study now.")
            return
        t = stats.today
        self.today_cards.set(str(t.cards), count_of(t.answers, "answer"))
        self.today_correct.set(pct(t.correct_pct), f"{t.correct} of {t.answers}" if t.answers else "")
        self.today_time.set(f"{t.minutes:.0f}" if t.time_ms else "0",
                            f"{t.time_ms / max(1, t.answers) / 1000:.1f} s per answer" if t.answers else "")
        r = stats.retention
        for figure, counts in ((self.retention_young, r.young), (self.retention_mature, r.mature),
                               (self.retention_overall, r.overall)):
            figure.set(pct(counts.rate), _passed(counts))
        self.retention_panel.note.setText(PERIOD_LABELS.get(stats.period, f"{stats.period} days").lower())
        chart, unit = charts.reviews_chart(stats.days, colors)
        self._set_chart(self.reviews_view, chart)
        self.reviews_panel.title.setText(f"Reviews per {unit}")
        average = stats.reviews / max(1, len(stats.days))
        self.reviews_panel.note.setText(f"{count_of(stats.reviews, 'answer')} · {average:.0f} per day on average")
        self._set_chart(self.heatmap_view, charts.heatmap_chart(stats.heatmap, colors))
        h = stats.heatmap
        self.heatmap_panel.note.setText(f"current streak {count_of(h.current_streak, 'day')} · "
                                        f"longest {count_of(h.longest_streak, 'day')}"
                                        f" · {h.days_studied} of {len(h.counts)} days studied")
        self._set_chart(self.forecast_view, charts.forecast_chart(stats.forecast, colors))
        self.forecast_panel.note.setText(forecast_note(stats))
        self._set_chart(self.buttons_view, charts.buttons_chart(stats.buttons, colors))
        mature_bin = next(i for i, (low, _) in enumerate(INTERVAL_BINS) if low >= MATURE_DAYS)
        edges = charts.interval_edge_labels([low for low, _ in INTERVAL_BINS], INTERVAL_EDGES_SHOWN)
        self._set_chart(self.intervals_view, charts.histogram_chart(stats.intervals, colors, mature_from=mature_bin,
                                                                    axis_labels=edges))
        self.intervals_panel.note.setText(count_of(stats.intervals.total, "card"))
        self._set_chart(self.ease_view, charts.histogram_chart(
            stats.ease, colors, axis_labels=charts.ease_labels(stats.ease.labels, EASE_LABELS_SHOWN)))
        self.ease_panel.note.setText(count_of(stats.ease.total, "card"))
        self.mastery_panel.show_stats(stats)
        self.heatmap_view.fit_markers()

    @staticmethod
    def _set_chart(view: QChartView, chart: QChart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()

    # -- export --------------------------------------------------------------------------------------

    def export(self) -> Path | None:
        """Ask for a folder and write the review log and the mastery table there as CSV;
        return the folder (``None`` if cancelled or nothing to export)."""
        if self._collection is None or self.stats is None:
            return None
        folder = self._choose_folder(self)
        if folder is None:
            return None
        try:
            log_path, mastery_path = self._collection.export_stats_csv(self.stats, folder)
        except OSError as error:
            self._show_status(f"Could not export: {error}")
            return None
        self._show_status(f"Saved {log_path.name} and {mastery_path.name} in {folder}")
        return folder

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

    # -- theme ---------------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._styling:
            self._restyle()
            self._render()

    def _restyle(self) -> None:
        """Colours for the panels and figures from the palette (the app style sheet does not
        cover this screen)."""
        self._styling = True
        try:
            # Only rules for descendants, on the content widget: a style sheet that matched this
            # view itself would change its palette, the source of these colours.
            self.content.setStyleSheet(panel_style_sheet(self.palette()))
        finally:
            self._styling = False


def forecast_note(stats: Stats) -> str:
    """The forecast panel's note: due today (overdue among them), the re-drill still owed today,
    and the 30 days' total, e.g. ``"2 today (1 overdue) + 3 to re-drill · 40 in 30 days"``."""
    f = stats.forecast
    overdue = f" ({f.overdue} overdue)" if f.overdue else ""
    redrill = f" + {f.redrill} to re-drill" if f.redrill else ""
    return f"{f.counts[0]} today{overdue}{redrill} · {sum(f.counts)} in 30 days"


def _passed(counts: RetentionCounts) -> str:
    return f"{counts.passed} of {counts.total} passed" if counts.total else "no reviews yet"

