"""Statistics as plain text for the terminal (``mlprep stats``)."""

from __future__ import annotations

from datetime import timedelta

from mlprep.core.wording import count_of
from mlprep.services.stats import scope_text
from mlprep.services.stats_model import RetentionCounts, Stats


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _retention(counts: RetentionCounts) -> str:
    return f"{_pct(counts.rate)} ({counts.passed}/{counts.total})" if counts.total else "– (no reviews)"


def _duration(ms: int) -> str:
    minutes = round(ms / 60_000)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def summary_text(stats: Stats, forecast_days: int = 7) -> str:
    """A readable summary: today, streaks, retention, card states, the next ``forecast_days``
    days' forecast (today's with the cards owed a re-drill, SM-2 step 7) and mastery by area.
    Ends without a newline."""
    period = "all time" if stats.period is None else f"last {stats.period} days"
    lines = [f"mlprep statistics — {scope_text(stats.scope)}, {period} (study day {stats.today_date:%a %d %b %Y})", ""]
    if stats.empty:
        lines += ["No reviews yet — study a few cards and your progress appears here.", ""]
    t = stats.today
    lines.append(f"Today        {count_of(t.answers, 'answer')}, {count_of(t.cards, 'card')}, "
                 f"{_pct(t.correct_pct)} correct, {_duration(t.time_ms)}")
    h = stats.heatmap
    lines.append(f"Streak       current {count_of(h.current_streak, 'day')}, "
                 f"longest {count_of(h.longest_streak, 'day')}; "
                 f"{h.days_studied} of the past {count_of(len(h.counts), 'day')} studied")
    lines.append(f"Reviews      {stats.reviews} in the period, "
                 f"{stats.reviews / max(1, len(stats.days)):.1f} per day on average")
    r = stats.retention
    lines.append(f"Retention    young {_retention(r.young)}, mature {_retention(r.mature)}, "
                 f"overall {_retention(r.overall)}")
    s = stats.states
    lines.append(f"Cards        {s.total}: {s.new} new, {s.learning} learning, {s.young} young, {s.mature} mature, "
                 f"{s.suspended} suspended")
    days = stats.forecast.counts[:forecast_days]
    when = [("today" if i == 0 else "tomorrow" if i == 1 else f"{stats.forecast.start + timedelta(days=i):%a}")
            for i in range(len(days))]
    counts = [str(n) for n in days]
    if stats.forecast.redrill and counts:
        counts[0] += f" + {stats.forecast.redrill} to re-drill"
    overdue = f" ({stats.forecast.overdue} overdue)" if stats.forecast.overdue else ""
    lines.append(f"Due          {', '.join(f'{w} {n}' for w, n in zip(when, counts, strict=True))}{overdue}")
    areas = [m for m in stats.mastery if m.level == "area"]
    if areas:
        lines += ["", "Mastery by area"]
        width = max(len(m.title) for m in areas)
        lines.append(f"  {'area'.ljust(width)}  {'cards':>5}  {'seen':>5}  {'retention':>9}  {'mean EF':>7}  "
                     f"{'due':>4}  {'lapses':>6}")
        for m in areas:
            ef = "–" if m.mean_ef is None else f"{m.mean_ef:.2f}"
            lines.append(f"  {m.title.ljust(width)}  {m.cards:>5}  {m.seen_pct:>4.0f}%  {_pct(m.retention.rate):>9}  "
                         f"{ef:>7}  {m.due_now:>4}  {m.lapses:>6}")
    return "\n".join(lines)
