"""The Plan screen: prepare for one interview on one date.

The form sets the interview day, the minutes a day, the recall wanted on the day and a weight per
curriculum area (skip / normal / focus); Save stores the plan through the façade
(:meth:`mlprep.services.collection.Collection.set_plan`) and a bad value is named under the form,
nothing saved. The status line says whether the plan is on track or what it would take; two charts
show readiness per area (predicted recall now and on the day, FSRS-6) and the planned minutes per day
against the budget.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.planner import DEFAULT_BUDGET_MINUTES, MAX_PLAN_DAYS, PlanError, PlanSettings, Weight
from mlprep.core.taxonomy import AREAS
from mlprep.services.collection import Collection
from mlprep.services.planning import PlanReport
from mlprep.ui import plan_charts
from mlprep.ui.stats_charts import ChartColors, chart_view
from mlprep.ui.stats_panels import Panel, panel_style_sheet
from mlprep.ui.theme import is_dark

WEIGHT_LABELS = {Weight.SKIP: "Skip", Weight.NORMAL: "Normal", Weight.FOCUS: "Focus (2×)"}


class PlanView(QWidget):
    """The plan of ``collection``: a form, the status and the readiness and load charts. Emits
    ``changed`` after the plan is saved or cleared (the deck list's line and counts change)."""

    changed = Signal()

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PlanView")
        self._collection = collection
        self.report: PlanReport | None = None
        self._styling = False
        self._build()
        self.refresh()

    # -- building -------------------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel("Interview plan")
        title.setObjectName("screenTitle")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.budget = QSpinBox()
        self.budget.setRange(5, 600)
        self.budget.setSuffix(" min a day")
        self.target = QSpinBox()
        self.target.setRange(50, 99)
        self.target.setSuffix(" % recall on the day")
        for field in (self.date_edit, self.budget, self.target):
            field.setMinimumWidth(240)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Interview", self.date_edit)
        form.addRow("Study time", self.budget)
        form.addRow("Target", self.target)
        self.weights: dict[str, QComboBox] = {}
        areas = QGridLayout()
        for i, area in enumerate(AREAS):
            combo = QComboBox()
            for weight, label in WEIGHT_LABELS.items():
                combo.addItem(label, weight.value)
            combo.setToolTip(f"{area.title}: skip it, study it normally, or give it twice the new cards")
            self.weights[area.slug] = combo
            areas.addWidget(QLabel(f"{area.number}. {area.title}"), i // 3, (i % 3) * 2)
            areas.addWidget(combo, i // 3, (i % 3) * 2 + 1)
        self.save_button = QPushButton("Save plan")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton("Clear plan")
        self.clear_button.clicked.connect(self.clear)
        self.error = QLabel()
        self.error.setObjectName("deckErrors")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        for button in (self.clear_button, self.save_button):
            button.setMinimumWidth(140)

        self.status = QLabel()
        self.status.setObjectName("planStatus")
        self.status.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("summary")
        self.detail.setWordWrap(True)
        self.readiness_panel = Panel("Readiness", "Predicted recall (FSRS-6) averaged over each area's cards; "
                                                  "cards not yet seen count as 0")
        self.load_panel = Panel("Daily load", "Planned minutes each day up to the interview, at your pace, "
                                              "against your daily budget")
        self.readiness_view = chart_view(QChart(), 240)
        self.load_view = chart_view(QChart(), 200)
        self.readiness_panel.body.addWidget(self.readiness_view)
        self.load_panel.body.addWidget(self.load_view)

        self.content = QWidget()
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addSpacing(6)
        inner.addLayout(areas)
        inner.addLayout(buttons)
        inner.addSpacing(8)
        inner.addWidget(self.status)
        inner.addWidget(self.detail)
        inner.addWidget(self.readiness_panel)
        inner.addWidget(self.load_panel)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.addWidget(title)
        layout.addWidget(scroll, 1)

    # -- the plan ----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fill the form from the stored plan (or the defaults) and redraw the status and charts."""
        today = self._collection.today()
        plan = self._collection.plan()
        active = plan is not None and plan.interview > today
        self.date_edit.setDateRange(_qdate(today + timedelta(days=1)), _qdate(today + timedelta(days=MAX_PLAN_DAYS)))
        self.date_edit.setDate(_qdate(plan.interview if plan and active else today + timedelta(days=30)))
        self.budget.setValue(plan.budget_minutes if plan and active else DEFAULT_BUDGET_MINUTES)
        self.target.setValue(round(100 * plan.target_recall) if plan and active else 90)
        for slug, combo in self.weights.items():
            weight = plan.area_weight(slug) if plan and active else Weight.NORMAL
            combo.setCurrentIndex(combo.findData(weight.value))
        self.clear_button.setEnabled(plan is not None)
        self.report = self._collection.plan_report() if active else None
        self._show_report()

    def settings(self) -> PlanSettings:
        """The plan the form describes (a stored active plan keeps its start day)."""
        today = self._collection.today()
        current = self._collection.plan()
        start = current.start if current is not None and current.interview > today else today
        weights = {slug: Weight(combo.currentData()) for slug, combo in self.weights.items()
                   if Weight(combo.currentData()) is not Weight.NORMAL}
        base = PlanSettings(interview=_pydate(self.date_edit.date()), start=start)
        return replace(base, budget_minutes=self.budget.value(), target_recall=self.target.value() / 100,
                       area_weights=weights)

    def save(self) -> None:
        """Save the form's plan; a bad value is named under the form and nothing is saved."""
        try:
            self.report = self._collection.set_plan(self.settings())
        except PlanError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.error.hide()
        self.clear_button.setEnabled(True)
        self._show_report()
        self.changed.emit()

    def clear(self) -> None:
        """Remove the plan (new cards go back to curriculum order)."""
        self._collection.clear_plan()
        self.error.hide()
        self.refresh()
        self.changed.emit()

    # -- showing ----------------------------------------------------------------------------------------

    def _show_report(self) -> None:
        report = self.report
        for panel in (self.readiness_panel, self.load_panel):
            panel.setVisible(report is not None)
        if report is None:
            self.status.setText("No plan yet: choose the interview day, your daily study time and the areas "
                                "to focus on or skip, then Save plan.")
            self.detail.setText("Without a plan, new cards come 20 a day in curriculum order, one area after "
                                "another in turn.")
            return
        self.status.setText(report.summary())
        self.status.setProperty("behind", not report.on_track)
        pace = report.pace
        pace_note = "" if report.pace_measured else " (a default until you have 50 answers)"
        self.detail.setText(
            f"New cards today: {report.new_today}. The last new cards come on {report.last_new_day:%a %d %b}; "
            f"the days after it are for reviews only. Pace: {pace.seconds_per_answer:.0f} s an answer, "
            f"{pace.new_fail:.0%} of new cards and {pace.review_fail:.0%} of reviews re-drilled{pace_note}. "
            f"Cards unseen on the day: {report.unseen_on_day}; days over budget: {report.days_over_budget}.")
        colors = ChartColors.of(self, is_dark(self))
        _set_chart(self.readiness_view, plan_charts.readiness_chart(report.readiness, colors,
                                                                    report.plan.target_recall))
        _set_chart(self.load_view, plan_charts.load_chart(report.days, colors, report.plan.budget_minutes))
        self.readiness_panel.note.setText(f"target {report.plan.target_recall:.0%}")
        self.load_panel.note.setText(f"budget {report.plan.budget_minutes} min")
        self._restyle()

    def _restyle(self) -> None:
        if self._styling:
            return
        self._styling = True
        try:
            self.content.setStyleSheet(panel_style_sheet(self.palette())
                                       + "QLabel#planStatus { font-size: 15pt; font-weight: 600; }")
        finally:
            self._styling = False

    def changeEvent(self, event: QEvent) -> None:
        """Redraw the charts in the new theme's colours when the palette changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and not self._styling and self.report is not None:
            self._show_report()


def _set_chart(view: QChartView, chart: QChart) -> None:
    old = view.chart()
    view.setChart(chart)
    if old is not None and old is not chart:
        old.deleteLater()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
