"""QtCharts for the stats view: each function builds one styled ``QChart`` from a figure of
:mod:`mlprep.services.stats`.

Series colours carry meaning and stay the same in every chart: new blue, learning orange,
young light green, mature dark green, suspended grey; answer grades red (Again), orange
(Hard), green (Good), blue (Easy). Everything else (background, labels, grid) comes from the
widget's palette, so the charts follow the light or dark theme.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QPieSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QPainter, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QToolTip, QWidget

from mlprep.core.grades import GRADE_NAMES
from mlprep.services.stats_model import ButtonCounts, DayCounts, Forecast, Heatmap, Histogram, StateCounts

_LIGHT_SERIES = {"new": "#3b82f6", "learning": "#f08c2e", "young": "#8fd07f", "mature": "#2f855a",
                 "suspended": "#a0aec0", "accent": "#3b82f6", "q0": "#8b1e1e", "q1": "#b83232", "q2": "#e0524f",
                 "q3": "#f0a13a", "q4": "#48b26b", "q5": "#3b82f6"}
_DARK_SERIES = {"new": "#60a5fa", "learning": "#f6a04d", "young": "#9ddf8c", "mature": "#3aa776",
                "suspended": "#7b8794", "accent": "#60a5fa", "q0": "#a33a3a", "q1": "#d04b4b", "q2": "#f26d6a",
                "q3": "#f6b356", "q4": "#5ccb80", "q5": "#60a5fa"}
_LIGHT_HEAT = ("#c6e9b4", "#7cc779", "#34964f", "#1d5e33")
_DARK_HEAT = ("#0e4429", "#006d32", "#26a641", "#39d353")
REVIEW_TYPE_NAMES = {"new": "New", "learning": "Learning", "young": "Young", "mature": "Mature"}


@dataclass(frozen=True)
class ChartColors:
    """The colours of one theme: chrome from the palette, series by meaning."""

    dark: bool
    base: QColor
    text: QColor
    muted: QColor
    grid: QColor
    series: dict[str, QColor]
    heat: tuple[QColor, ...]

    @classmethod
    def of(cls, widget: QWidget, dark: bool) -> ChartColors:
        pal = widget.palette()
        grid = QColor(pal.color(QPalette.ColorRole.Mid))
        return cls(dark=dark, base=pal.color(QPalette.ColorRole.Base), text=pal.color(QPalette.ColorRole.Text),
                   muted=pal.color(QPalette.ColorRole.PlaceholderText), grid=grid,
                   series={k: QColor(v) for k, v in (_DARK_SERIES if dark else _LIGHT_SERIES).items()},
                   heat=(grid, *(QColor(c) for c in (_DARK_HEAT if dark else _LIGHT_HEAT))))


def styled_chart(colors: ChartColors) -> QChart:
    """An empty chart in the theme: palette background, no title, tight margins."""
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if colors.dark else QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundBrush(QBrush(colors.base))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    legend = chart.legend()
    legend.setLabelColor(colors.text)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend.setMarkerShape(legend.MarkerShape.MarkerShapeRectangle)
    return chart


def _style_axis(axis: QAbstractAxis, colors: ChartColors, *, grid: bool) -> None:
    axis.setLabelsBrush(QBrush(colors.muted))
    axis.setLinePen(QPen(colors.grid))
    axis.setGridLineVisible(grid)
    axis.setGridLinePen(QPen(colors.grid, 1, Qt.PenStyle.DotLine))
    axis.setMinorGridLineVisible(False)
    font = QFont(axis.labelsFont())
    font.setPointSizeF(8.5)
    axis.setLabelsFont(font)


def value_axis(chart: QChart, colors: ChartColors, top: float, series: Sequence[object]) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, max(1.0, top))
    axis.setLabelFormat("%d")
    axis.applyNiceNumbers()
    axis.setTickCount(min(axis.tickCount(), 6))
    _style_axis(axis, colors, grid=True)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    for s in series:
        s.attachAxis(axis)  # type: ignore[attr-defined]
    return axis


def category_axis(chart: QChart, colors: ChartColors, count: int, labels: Mapping[float, str] | Mapping[int, str],
                   series: Sequence[object]) -> QCategoryAxis:
    """An x axis for ``count`` bars at 0..count-1 with sparse ``labels`` under chosen bars (or,
    at ``i - 0.5``, on the line between bars ``i - 1`` and ``i``).

    QtCharts gives each label ``axis width / (labels + 1)`` less padding and elides a longer
    one to "...", whatever the gaps between them: pass few, short labels."""
    axis = QCategoryAxis()
    axis.setRange(-0.5, count - 0.5)
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    used: set[str] = set()
    for index, label in sorted(labels.items()):
        while label in used:  # QCategoryAxis needs unique labels
            label += "\u200b"
        used.add(label)
        axis.append(label, index)
    _style_axis(axis, colors, grid=False)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    for s in series:
        s.attachAxis(axis)  # type: ignore[attr-defined]
    return axis


def bar_set(name: str, values: Sequence[float], color: QColor) -> QBarSet:
    bar_set = QBarSet(name)
    bar_set.append(list(values))
    bar_set.setColor(color)
    bar_set.setBorderColor(color)
    return bar_set


# -- reviews per day -------------------------------------------------------------------------------

def group_days(days: Sequence[DayCounts]) -> tuple[str, list[tuple[date, DayCounts]]]:
    """Bars for the reviews chart: one per day up to 92 days, else per week (Monday first),
    beyond two years per month. Returns the unit (``"day"``, ``"week"``, ``"month"``) and
    ``(first day, summed counts)`` per bar."""
    if len(days) <= 92:
        return "day", [(d.day, d) for d in days]
    unit = "week" if len(days) <= 731 else "month"
    groups: dict[date, list[DayCounts]] = {}
    for d in days:
        key = d.day - timedelta(days=d.day.weekday()) if unit == "week" else d.day.replace(day=1)
        groups.setdefault(key, []).append(d)
    return unit, [(key, DayCounts(key, sum(x.new for x in g), sum(x.learning for x in g), sum(x.young for x in g),
                                  sum(x.mature for x in g))) for key, g in groups.items()]


def reviews_chart(days: Sequence[DayCounts], colors: ChartColors) -> tuple[QChart, str]:
    """Stacked bars of answers by review type (new, learning, young, mature) per day, week or
    month; returns the chart and the unit."""
    unit, bars = group_days(days)
    chart = styled_chart(colors)
    series = QStackedBarSeries()
    series.setBarWidth(0.8)
    for review_type, name in REVIEW_TYPE_NAMES.items():
        series.append(bar_set(name, [getattr(c, review_type) for _, c in bars], colors.series[review_type]))
    chart.addSeries(series)
    labels: dict[int, str] = {}
    for i, (first, _) in enumerate(bars):
        weekly_tick = i % 7 == (len(bars) - 1) % 7  # every 7th day, ending today
        if unit == "day" and ((len(bars) <= 31 and weekly_tick) or (len(bars) > 31 and first.day == 1)):
            labels[i] = f"{first.day} {first:%b}"
        elif unit == "week" and first.day <= 7:
            labels[i] = f"{first:%b} ’{first:%y}" if first.month == 1 or i == 0 else f"{first:%b}"
        elif unit == "month" and first.month in (1, 7):
            labels[i] = f"{first:%b %Y}"
    category_axis(chart, colors, len(bars), labels, [series])
    value_axis(chart, colors, max((c.total for _, c in bars), default=0), [series])

    def hovered(status: bool, index: int, _bar_set: QBarSet) -> None:
        if not status:
            QToolTip.hideText()
            return
        first, c = bars[index]
        when = f"{first:%a %d %b %Y}" if unit == "day" else f"{unit} of {first:%d %b %Y}"
        QToolTip.showText(QCursor.pos(), f"{when}: {c.total} answers — {c.new} new, {c.learning} learning, "
                          f"{c.young} young, {c.mature} mature")
    series.hovered.connect(hovered)
    return chart, unit


# -- heatmap ---------------------------------------------------------------------------------------

def heat_levels(counts: Sequence[int]) -> list[int]:
    """Thresholds splitting the non-zero daily counts into four shades (quartiles of the
    maximum, at least 1 apart)."""
    top = max(counts, default=0)
    return [max(1, math.ceil(top * f)) for f in (0.25, 0.5, 0.75)]


def heatmap_chart(heatmap: Heatmap, colors: ChartColors) -> QChart:
    """A calendar of the year: one column per week (Monday on top), one square per day,
    shaded by answers that day (a scatter series per shade, square markers)."""
    chart = styled_chart(colors)
    chart.legend().setVisible(False)
    monday = heatmap.start - timedelta(days=heatmap.start.weekday())
    levels = heat_levels(heatmap.counts)
    shades = [QScatterSeries() for _ in colors.heat]
    for i, n in enumerate(heatmap.counts):
        day = heatmap.start + timedelta(days=i)
        shade = 0 if n == 0 else 1 + sum(n > level for level in levels)
        shades[shade].append(QPointF((day - monday).days // 7, day.weekday()))
    for series, color in zip(shades, colors.heat, strict=True):
        series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        series.setColor(color)
        series.setBorderColor(color)
        series.setMarkerSize(11)
        chart.addSeries(series)
        series.hovered.connect(_heat_tooltip(heatmap, monday))
    weeks = (heatmap.start + timedelta(days=len(heatmap.counts) - 1) - monday).days // 7 + 1
    labels = {}
    for w in range(weeks):
        first = monday + timedelta(days=7 * w)
        if first.day <= 7:
            labels[w] = f"{first:%b}"
    x = category_axis(chart, colors, weeks, labels, shades)
    x.setLinePen(QPen(Qt.PenStyle.NoPen))
    y = QCategoryAxis()
    y.setRange(-0.6, 6.6)
    y.setReverse(True)
    y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    for value, label in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
        y.append(label, value)
    _style_axis(y, colors, grid=False)
    y.setLinePen(QPen(Qt.PenStyle.NoPen))
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for s in shades:
        s.attachAxis(y)
    return chart


def _heat_tooltip(heatmap: Heatmap, monday: date):  # type: ignore[no-untyped-def]
    def hovered(point: QPointF, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        day = monday + timedelta(days=7 * round(point.x()) + round(point.y()))
        index = (day - heatmap.start).days
        n = heatmap.counts[index] if 0 <= index < len(heatmap.counts) else 0
        QToolTip.showText(QCursor.pos(), f"{day:%a %d %b %Y}: {n} answer{'s' if n != 1 else ''}")
    return hovered


class HeatmapView(QChartView):
    """Keeps the heatmap's squares sized to the plot area (7 rows, one column per week)."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_markers()

    def fit_markers(self) -> None:
        chart = self.chart()
        if chart is None:
            return
        area = chart.plotArea()
        size = max(4.0, min(area.width() / 53.5, area.height() / 7.4) * 0.84)
        for series in chart.series():
            if isinstance(series, QScatterSeries):
                series.setMarkerSize(size)


# -- forecast, states, histograms, buttons -----------------------------------------------------------

def forecast_chart(forecast: Forecast, colors: ChartColors) -> QChart:
    """Cards due per day for the next 30 days (today includes overdue cards); on today's bar,
    stacked in the learning colour, the cards owed a re-drill today (SM-2 step 7), with a legend
    when there are any."""
    chart = styled_chart(colors)
    chart.legend().setVisible(bool(forecast.redrill))
    series = QStackedBarSeries()
    series.setBarWidth(0.75)
    series.append(bar_set("Due", forecast.counts, colors.series["accent"]))
    if forecast.redrill:
        rest = [0] * (len(forecast.counts) - 1)
        series.append(bar_set("To re-drill today", [forecast.redrill, *rest], colors.series["learning"]))
    chart.addSeries(series)
    labels = {i: ("today" if i == 0 else f"+{i}d") for i in range(0, len(forecast.counts), 7)}
    category_axis(chart, colors, len(forecast.counts), labels, [series])
    tops = [n + (forecast.redrill if i == 0 else 0) for i, n in enumerate(forecast.counts)]
    value_axis(chart, colors, max(tops, default=0), [series])

    def hovered(status: bool, index: int, _bar_set: QBarSet) -> None:
        if status:
            day = forecast.start + timedelta(days=index)
            extra = f" ({forecast.overdue} overdue)" if index == 0 and forecast.overdue else ""
            if index == 0 and forecast.redrill:
                extra += f" + {forecast.redrill} to re-drill (answered below Good today)"
            QToolTip.showText(QCursor.pos(), f"{day:%a %d %b}: {forecast.counts[index]} due{extra}")
        else:
            QToolTip.hideText()
    series.hovered.connect(hovered)
    return chart


STATE_NAMES = (("new", "New"), ("learning", "Learning"), ("young", "Young"), ("mature", "Mature"),
               ("suspended", "Suspended"))


def states_chart(states: StateCounts, colors: ChartColors) -> QChart:
    """A donut of cards by state, without a legend: QtCharts elides a side legend to a third of
    a small chart ("Suspend..."), so the screen shows :func:`states_legend` beside it."""
    chart = styled_chart(colors)
    chart.legend().setVisible(False)
    series = QPieSeries()
    series.setHoleSize(0.55)
    series.setPieSize(0.9)
    for key, name in STATE_NAMES:
        n = getattr(states, key)
        pie_slice = series.append(f"{name}  {n}", max(n, 0))
        pie_slice.setColor(colors.series[key])
        pie_slice.setBorderColor(colors.base)
        pie_slice.setBorderWidth(1)
    chart.addSeries(series)
    return chart


def states_legend(states: StateCounts, colors: ChartColors) -> list[tuple[QColor, str, int]]:
    """The donut's legend: (colour, state name, cards) per state, in the donut's order."""
    return [(colors.series[key], name, getattr(states, key)) for key, name in STATE_NAMES]


def histogram_chart(histogram: Histogram, colors: ChartColors, *, mature_from: int | None = None,
                    axis_labels: Mapping[float, str] | Mapping[int, str] | None = None) -> QChart:
    """Bars per bin; with ``mature_from`` (a bin index) the bins before it are young (light
    green) and the rest mature (dark green), else all in the accent colour. ``axis_labels``
    (see :func:`category_axis`; default: every bin's label) name a few bins or bin edges; the
    tooltip always names the bin."""
    chart = styled_chart(colors)
    series = QStackedBarSeries()
    series.setBarWidth(0.8)
    counts = list(histogram.counts)
    if mature_from is None:
        series.append(bar_set("Cards", counts, colors.series["accent"]))
        chart.legend().setVisible(False)
    else:
        series.append(bar_set("Young", [n if i < mature_from else 0 for i, n in enumerate(counts)],
                               colors.series["young"]))
        series.append(bar_set("Mature", [n if i >= mature_from else 0 for i, n in enumerate(counts)],
                               colors.series["mature"]))
    chart.addSeries(series)
    labels = dict(enumerate(histogram.labels)) if axis_labels is None else axis_labels
    category_axis(chart, colors, len(counts), labels, [series])
    value_axis(chart, colors, max(counts, default=0), [series])

    def hovered(status: bool, index: int, _bar_set: QBarSet) -> None:
        if status:
            total = histogram.total or 1
            QToolTip.showText(QCursor.pos(), f"{histogram.labels[index]}: {counts[index]} cards "
                              f"({100 * counts[index] / total:.0f}%)")
        else:
            QToolTip.hideText()
    series.hovered.connect(hovered)
    return chart


def interval_edge_labels(bin_starts: Sequence[int], shown: Sequence[int]) -> dict[float, str]:
    """Labels on the lines between interval bins, for those of ``shown`` (days) that start a
    bin: ``2d``, ``1w``, ``3w``, ``3m``, ``1y`` (a week is 7 days, a month 30, a year 365)."""
    out: dict[float, str] = {}
    for i, low in enumerate(bin_starts):
        if i and low in shown:
            out[i - 0.5] = _short_days(low)
    return out


def _short_days(days: int) -> str:
    if days < 7:
        return f"{days}d"
    if days < 30:
        return f"{round(days / 7)}w"
    if days < 365:
        return f"{round(days / 30)}m"
    return f"{round(days / 365)}y"


def ease_labels(labels: Sequence[str], shown: Sequence[str]) -> dict[float, str]:
    """The ease factor bins among ``labels`` to name on the axis: those in ``shown``."""
    return {float(i): label for i, label in enumerate(labels) if label in shown}


def buttons_chart(buttons: ButtonCounts, colors: ChartColors) -> QChart:
    """Answers per grade, grouped by review type (bars are shares of the type's answers; the
    tooltip gives the counts). Grades 0 and 1 appear only if they were used."""
    chart = styled_chart(colors)
    series = QBarSeries()
    series.setBarWidth(0.85)
    types = [t for t in REVIEW_TYPE_NAMES if buttons.total(t)] or list(REVIEW_TYPE_NAMES)
    grades = [g for g in range(6) if g >= 2 or any(buttons.by_type.get(t, (0,) * 6)[g] for t in types)]
    for g in grades:
        shares = []
        for t in types:
            total = buttons.total(t)
            shares.append(100.0 * buttons.by_type.get(t, (0,) * 6)[g] / total if total else 0.0)
        series.append(bar_set(GRADE_NAMES[g], shares, colors.series[f"q{g}"]))
    chart.addSeries(series)
    category_axis(chart, colors, len(types), {i: REVIEW_TYPE_NAMES[t] for i, t in enumerate(types)}, [series])
    y = value_axis(chart, colors, 100, [series])
    y.setRange(0, 100)
    y.setLabelFormat("%d%%")

    def hovered(status: bool, index: int, bar_set: QBarSet) -> None:
        if status:
            g = grades[series.barSets().index(bar_set)]
            t = types[index]
            n = buttons.by_type.get(t, (0,) * 6)[g]
            QToolTip.showText(QCursor.pos(), f"{REVIEW_TYPE_NAMES[t]}, {GRADE_NAMES[g]}: {n} of "
                              f"{buttons.total(t)} answers")
        else:
            QToolTip.hideText()
    series.hovered.connect(hovered)
    return chart


def chart_view(chart: QChart, height: int, view_class: type[QChartView] = QChartView) -> QChartView:
    """A borderless, antialiased view of ``chart`` with a fixed height."""
    view = view_class(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setFrameShape(view.Shape.NoFrame)
    view.setFixedHeight(height)
    view.setStyleSheet("background: transparent")
    return view
