"""The Plan screen's charts: readiness per area (now and on the interview day) and the daily load up to
the day against the budget. Styled like the statistics' charts (:mod:`mlprep.ui.stats_charts`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QLineSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QFont, QPen
from PySide6.QtWidgets import QToolTip

from mlprep.core.plan_forecast import AreaReadiness, DayPlan
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.ui.stats_charts import ChartColors, bar_set, category_axis, styled_chart, value_axis

_SHORT = {"math": "Math", "algorithms": "Algorithms", "frameworks": "Frameworks", "deep-learning": "Deep learn.",
          "preprocessing": "Features", "evaluation": "Evaluation", "challenges": "Challenges", "mlops": "MLOps",
          "sql": "SQL"}


def short_area(slug: str) -> str:
    """An area's name short enough for an axis label under a bar pair ("Deep learn.")."""
    area = AREAS_BY_SLUG.get(slug)
    return _SHORT.get(slug, area.title if area else slug)


def readiness_chart(rows: Sequence[AreaReadiness], colors: ChartColors, target: float) -> QChart:
    """A bar pair per area: predicted recall now and on the interview day (0–100 %), with the target
    as a dotted line."""
    chart = styled_chart(colors)
    series = QBarSeries()
    series.setBarWidth(0.75)
    series.append(bar_set("Now", [100 * r.now for r in rows], colors.series["learning"]))
    series.append(bar_set("On the day", [100 * r.on_day for r in rows], colors.series["mature"]))
    chart.addSeries(series)
    axis = QBarCategoryAxis()
    axis.append([short_area(r.area) for r in rows])
    axis.setLabelsBrush(colors.muted)
    font = QFont(axis.labelsFont())
    font.setPointSizeF(8.5)
    axis.setLabelsFont(font)
    axis.setGridLineVisible(False)
    axis.setLinePen(QPen(colors.grid))
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    y = QValueAxis()
    y.setRange(0, 100)
    y.setLabelFormat("%d%%")
    y.setTickCount(6)
    y.setLabelsBrush(colors.muted)
    y.setGridLinePen(QPen(colors.grid, 1, Qt.PenStyle.DotLine))
    y.setLinePen(QPen(colors.grid))
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y)
    line = _level_line(chart, colors, [(-0.5, 100 * target), (len(rows) - 0.5, 100 * target)], "Target")
    line.attachAxis(y)
    hidden = QValueAxis()  # the line's x in bar units, matching the category axis
    hidden.setRange(-0.5, len(rows) - 0.5)
    hidden.setVisible(False)
    chart.addAxis(hidden, Qt.AlignmentFlag.AlignBottom)
    line.attachAxis(hidden)

    def hovered(status: bool, index: int, hovered_set: QBarSet) -> None:
        if not status:
            QToolTip.hideText()
            return
        r = rows[index]
        area = AREAS_BY_SLUG.get(r.area)
        QToolTip.showText(QCursor.pos(), f"{area.title if area else r.area} ({r.cards} cards): predicted recall "
                                         f"{r.now:.0%} now, {r.on_day:.0%} on the day")
    series.hovered.connect(hovered)
    return chart


def load_chart(days: Sequence[DayPlan], colors: ChartColors, budget_minutes: int) -> QChart:
    """Planned minutes per day to the interview (reviews and new cards stacked by colour), with the
    daily budget as a line."""
    chart = styled_chart(colors)
    series = QBarSeries()
    series.setBarWidth(0.8)
    series.append(bar_set("Minutes", [d.minutes for d in days], colors.series["new"]))
    chart.addSeries(series)
    labels = {i: f"{d.day.day} {d.day:%b}" for i, d in enumerate(days) if i % 7 == 0}
    category_axis(chart, colors, len(days), labels, [series])
    top = max([budget_minutes * 1.15, *(d.minutes for d in days)])
    y = value_axis(chart, colors, top, [series])
    line = _level_line(chart, colors, [(-0.5, budget_minutes), (len(days) - 0.5, budget_minutes)], "Budget")
    line.attachAxis(y)
    line.attachAxis(chart.axes(Qt.Orientation.Horizontal)[0])

    def hovered(status: bool, index: int, _set: QBarSet) -> None:
        if not status:
            QToolTip.hideText()
            return
        d = days[index]
        over = " (over budget)" if d.over_budget else ""
        QToolTip.showText(QCursor.pos(), f"{d.day:%a %d %b}: {d.reviews} reviews, {d.new} new, "
                                         f"{d.minutes:.0f} min{over}")
    series.hovered.connect(hovered)
    return chart


def _level_line(chart: QChart, colors: ChartColors, points: list[tuple[float, float]], name: str) -> QLineSeries:
    line = QLineSeries()
    line.setName(name)
    for x, y in points:
        line.append(QPointF(x, y))
    line.setPen(QPen(colors.series["q2"], 2, Qt.PenStyle.DashLine))
    chart.addSeries(line)
    return line
