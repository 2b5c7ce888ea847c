"""Progress statistics (issue 7): where a learner stands, for a scope and a period.

:func:`compute_stats` turns the SQL aggregates of :mod:`mlprep.storage.stats_queries` into
one frozen :class:`Stats`. Definitions (shared with the stats view's tooltips):

- *Card states* (now, present cards): **new** = never answered (no due date); **learning** =
  answered and repetitions = 0 (its last graded answer failed: relearning); **young** =
  repetitions >= 1 and interval < 21 days; **mature** = interval >= 21 days. A suspended card
  counts only as **suspended**.
- *Review types* (per review-log row): kind ``new`` -> new; kind ``drill`` or
  repetitions before = 0 -> learning; interval before < 21 days -> young; else mature. Cram
  rows count in "today" and in the CSV export, never in a chart or in retention.
- *True retention*: per card and study day, the first row of kind ``review`` (not new, drill
  or cram); passed = quality >= 3; young (interval before < 21 days) or mature; per period.
- *Streak*: consecutive study days with at least one answer that is not cram; the current
  streak counts today if studied, else it ends yesterday (a streak is not broken until today
  is over); the longest streak is over all time.
- *Forecast*: present, unsuspended cards due per study day for the next 30 days; overdue
  cards count on today. Apart from them, today's *re-drill*: the cards whose latest answer
  today was graded below Good (4), which SM-2's step 7 brings back before the day ends
  (the study queue's drill, :meth:`mlprep.storage.study_queries.StudyQueries.drill_since`).
- *Mastery* per area and per deck: share of present cards seen, retention (period), mean ease
  factor (EF) of seen cards, cards due now, total lapses.

Study days follow :func:`mlprep.core.clock.study_day` (local time minus the rollover hour).
Each day's bounds come from :func:`mlprep.core.clock.day_start` in the given time zone, so a
day is exact across daylight-saving changes (23 or 25 hours long).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, tzinfo

from mlprep.core.clock import Clock, day_start, study_day
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.stats_model import (
    ButtonCounts,
    DayCounts,
    Forecast,
    Heatmap,
    Histogram,
    MasteryRow,
    Retention,
    RetentionCounts,
    StateCounts,
    Stats,
    Today,
)
from mlprep.storage import stats_queries as q
from mlprep.storage.collection_db import CollectionDb

PERIODS: tuple[int | None, ...] = (30, 90, 365, None)  # days; None = all time
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
MATURE_DAYS = q.YOUNG_MATURE_DAYS
PARALLEL_CARDS = 20_000  # cards from which the card passes run on a second connection (see compute_stats)

# Review-row classes (stats_queries) -> the chart's review types.
_TYPE_OF_CLASS = {q.NEW: "new", q.DRILL: "learning", q.RELEARN: "learning", q.YOUNG: "young",
                  q.RELEARN_LONG: "learning", q.MATURE: "mature"}
_RETENTION_OF_CLASS = {q.RELEARN: "young", q.YOUNG: "young", q.RELEARN_LONG: "mature", q.MATURE: "mature"}
REVIEW_TYPES = ("new", "learning", "young", "mature")

# Interval histogram: (first day of the bin, label); the 21-day line starts a bin.
INTERVAL_BINS: tuple[tuple[int, str], ...] = (
    (0, "1d"), (2, "2-6d"), (7, "1-2w"), (15, "2-3w"), (21, "3w-1m"), (31, "1-3m"), (91, "3-6m"), (181, "6m-1y"),
    (366, "1y+"))
EASE_MIN_TENTHS, EASE_MAX_TENTHS = 13, 30  # EF 1.3 (SM-2's floor) ... 3.0 and above


def parse_scope(text: str) -> StudyScope:
    """``"all"``, ``"area:SLUG"`` or ``"deck:ID"`` -> a scope; ``ValueError`` otherwise."""
    kind, _, value = text.partition(":")
    if kind == "all" and not value:
        return ALL_DECKS
    if kind in ("area", "deck") and value:
        return StudyScope(ScopeKind(kind), value)
    raise ValueError(f"scope must be all, area:SLUG or deck:ID, not {text!r}")


def parse_period(text: str) -> int | None:
    """``"30"``, ``"90"``, ``"365"`` or ``"all"`` -> days (``None`` = all); ``ValueError`` otherwise."""
    if text == "all":
        return None
    if text.isdigit() and int(text) in PERIODS:
        return int(text)
    raise ValueError(f"period must be 30, 90, 365 or all, not {text!r}")


def scope_text(scope: StudyScope) -> str:
    """The inverse of :func:`parse_scope`."""
    return "all" if scope.kind is ScopeKind.ALL else f"{scope.kind.value}:{scope.value}"


@dataclass(frozen=True)
class ScopeChoice:
    """A scope the stats can be shown for, with its label (``"Everything"``, an area's title,
    a deck's title) and its area (``""`` for everything)."""

    scope: StudyScope
    label: str
    area: str


def scope_choices(storage: CollectionDb) -> list[ScopeChoice]:
    """Everything, then each area with present decks (curriculum order) followed by its decks
    (by title)."""
    by_area: dict[str, list[tuple[str, str]]] = {}
    for deck_id, title, area in storage.stats.present_decks():
        by_area.setdefault(area, []).append((title, deck_id))
    out = [ScopeChoice(ALL_DECKS, "Everything", "")]
    for slug in sorted(by_area, key=lambda a: (AREAS_BY_SLUG[a].number if a in AREAS_BY_SLUG else 99, a)):
        info = AREAS_BY_SLUG.get(slug)
        out.append(ScopeChoice(StudyScope(ScopeKind.AREA, slug), info.title if info else slug, slug))
        out += [ScopeChoice(StudyScope(ScopeKind.DECK, deck_id), title, slug)
                for title, deck_id in sorted(by_area[slug], key=lambda t: t[0].lower())]
    return out


# -- computing --------------------------------------------------------------------------------------

def compute_stats(storage: CollectionDb, clock: Clock, scope: StudyScope = ALL_DECKS,
                  period: int | None = 30, tz: tzinfo | None = None, *,
                  rollover_hour: int | None = None) -> Stats:
    """Every statistic for ``scope`` (all, an area or a deck) over the last ``period`` study
    days (``None`` = all time), as of ``clock.now()`` in time zone ``tz`` (default: the
    system's). ``rollover_hour`` defaults to the stored study settings'.

    Raises ``ValueError`` for a tag scope or a period that is not a positive number of days.
    """
    if period is not None and period < 1:
        raise ValueError(f"period must be a positive number of days, got {period}")
    stats = storage.stats
    rollover = storage.settings.study().rollover_hour if rollover_hour is None else rollover_hour
    today = study_day(clock.now(), tz, rollover)
    # Days from the collection's first answer (one index probe); a scope's own first day
    # follows from its active days below.
    first = stats.first_review(ALL_DECKS)
    first_any = min(study_day(first, tz, rollover), today) if first is not None else None
    span_start = min(first_any or today, today - timedelta(days=max(period or 0, HEATMAP_DAYS) - 1))
    windows = _windows(span_start, today, tz, rollover)
    period_windows = windows if period is None else windows[-period:]

    # The whole collection: per-day detail only where a chart needs it, older days only for the
    # streak. An area or deck: its own rows are few, one grouped pass covers all of them.
    detail = windows[-max(len(period_windows), HEATMAP_DAYS):] if scope.kind is ScopeKind.ALL else windows
    older = windows[:len(windows) - len(detail)]
    # On a large collection the two passes over the cards run on a second, read-only connection
    # (with a collection file; SQLite releases the GIL) while this one reads the log. On a small
    # one the thread costs more than it saves (GIL hand-overs: 32 against 37 ms at 1k cards).
    deck_args = (today, scope, "" if period is None else period_windows[0][1], windows[-1][2])
    reader = storage.reader() if stats.cards_size_hint() >= PARALLEL_CARDS else None
    with ThreadPoolExecutor(max_workers=1) if reader else nullcontext() as pool:
        cards_later = pool.submit(_card_passes, reader, deck_args, close=True) if pool and reader else None
        counts = stats.answer_counts(detail, scope, period_windows[0][0])
        active = set(counts.days) | stats.active_days(older, scope)
        repeats = stats.repeat_reviews(period_windows, scope)
        today_row = stats.today_totals(windows[-1], scope)
        titles = stats.deck_titles()
        redrill = _redrill(storage, windows[-1], scope, titles)
        decks, spread = cards_later.result() if cards_later else _card_passes(storage, deck_args)

    first_day = first_any if scope.kind is ScopeKind.ALL else min(active, default=None)
    if period is None:  # all time: from the scope's first answer
        period_windows = period_windows[((first_day or today) - span_start).days:]
    return Stats(
        scope=scope, period=period, today_date=today, first_day=first_day,
        today=Today(**asdict(today_row)),
        days=tuple(_day_counts(day, counts.days.get(day)) for day, _, _ in period_windows),
        heatmap=_heatmap(counts.days, active, today),
        retention=_retention(counts.grades, repeats),
        forecast=_forecast(spread, today, redrill),
        states=StateCounts(sum(d.new for d in decks), sum(d.learning for d in decks), sum(d.young for d in decks),
                           sum(d.mature for d in decks), sum(d.suspended for d in decks)),
        **_histograms(spread),
        buttons=_buttons(counts.grades),
        mastery=_mastery(decks, repeats, titles),
    )


def _card_passes(storage: CollectionDb, deck_args: tuple[date, StudyScope, str, str], *, close: bool = False,
                 ) -> tuple[list[q.DeckRow], q.CardSpread]:
    """The per-deck rows and the card spread, read through ``storage`` (closed after when
    ``close``: a reader made for this call on another thread)."""
    try:
        today, scope = deck_args[0], deck_args[1]
        return (storage.stats.deck_rows(*deck_args),
                storage.stats.card_spread(today, FORECAST_DAYS, scope, [low for low, _ in INTERVAL_BINS]))
    finally:
        if close:
            storage.close()


def _windows(first: date, last: date, tz: tzinfo | None, rollover: int) -> list[q.Window]:
    """Consecutive study days ``first..last`` with their UTC bounds, as
    :func:`mlprep.core.clock.day_start` gives them (``rollover`` o'clock local time)."""
    count = (last - first).days + 2
    if tz is None:  # the system's zone: only datetime.astimezone knows it
        starts = [day_start(first + timedelta(days=i), tz, rollover).isoformat() for i in range(count)]
    else:  # the same instants, without an aware datetime per day (3x faster over two years)
        starts = []
        local = datetime(first.year, first.month, first.day, rollover)
        step = timedelta(days=1)
        for _ in range(count):
            offset = tz.utcoffset(local)
            if offset is None:  # a tzinfo without an offset here: as day_start reads it
                starts.append(day_start(local.date(), tz, rollover).isoformat())
            else:
                starts.append(f"{(local - offset if offset else local).isoformat()}+00:00")
            local += step
    days = [first + timedelta(days=i) for i in range(count - 1)]
    return [(day, starts[i], starts[i + 1]) for i, day in enumerate(days)]


_NO_ANSWERS = (0,) * q.CLASSES


def _day_counts(day: date, classes: Sequence[int] | None) -> DayCounts:
    """A study day's answers by review type, from its 6 counts by row class."""
    c = classes or _NO_ANSWERS
    return DayCounts(day, c[q.NEW], c[q.DRILL] + c[q.RELEARN] + c[q.RELEARN_LONG], c[q.YOUNG], c[q.MATURE])


def _heatmap(per_day: dict[date, tuple[int, ...]], active: set[date], today: date) -> Heatmap:
    start = today - timedelta(days=HEATMAP_DAYS - 1)
    totals = [0] * HEATMAP_DAYS
    for day, classes in per_day.items():
        if 0 <= (i := (day - start).days) < HEATMAP_DAYS:
            totals[i] = sum(classes)
    per_day_totals = tuple(totals)
    current, longest = streaks(active, today)
    return Heatmap(start, per_day_totals, current, longest)


def streaks(active: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive ``active`` days. The current run ends today if
    today is active, else yesterday."""
    days = set(active)
    end = today if today in days else today - timedelta(days=1)
    current = 0
    while end - timedelta(days=current) in days:
        current += 1
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    return current, longest


def _retention(grades: Sequence[int], repeats: Sequence[tuple[str, int, int, int]]) -> Retention:
    """True retention from the period's class x grade counts less the same-day repeats."""
    passed = {"young": 0, "mature": 0}
    total = {"young": 0, "mature": 0}
    for cls, bucket in _RETENTION_OF_CLASS.items():
        row = grades[cls * q.GRADES:(cls + 1) * q.GRADES]
        total[bucket] += sum(row)
        passed[bucket] += sum(row[3:])
    for _deck, cls, quality, n in repeats:
        repeat_bucket = _RETENTION_OF_CLASS.get(cls)
        if repeat_bucket:
            total[repeat_bucket] -= n
            passed[repeat_bucket] -= n if quality >= 3 else 0
    return Retention(RetentionCounts(passed["young"], total["young"]),
                     RetentionCounts(passed["mature"], total["mature"]))


def _buttons(grades: Sequence[int]) -> ButtonCounts:
    """Answers per review type and grade, from the period's class x grade counts."""
    out = {t: [0] * q.GRADES for t in REVIEW_TYPES}
    for cls, review_type in _TYPE_OF_CLASS.items():
        for quality in range(q.GRADES):
            out[review_type][quality] += grades[cls * q.GRADES + quality]
    return ButtonCounts({t: tuple(v) for t, v in out.items()})


def _forecast(spread: q.CardSpread, today: date, redrill: int) -> Forecast:
    return Forecast(today, spread.due, spread.overdue, redrill)


def _redrill(storage: CollectionDb, window: q.Window, scope: StudyScope, titles: dict[str, tuple[str, str]]) -> int:
    """Cards of ``scope`` owed a re-drill in study day ``window`` (SM-2 step 7), as the study
    queue finds them; ``titles`` maps a deck id to its (title, area)."""
    day, lo, hi = window
    cards = storage.study.drill_since(datetime.fromisoformat(lo), day, datetime.fromisoformat(hi))
    if scope.kind is ScopeKind.ALL:
        return len(cards)
    decks = (storage.cards.card(card).deck for card in cards)
    if scope.kind is ScopeKind.DECK:
        return sum(deck == scope.value for deck in decks)
    return sum(titles.get(deck, ("", ""))[1] == scope.value for deck in decks)


def _histograms(spread: q.CardSpread) -> dict[str, Histogram]:
    ease = [0] * (EASE_MAX_TENTHS - EASE_MIN_TENTHS + 1)
    for tenths, n in enumerate(spread.ef_tenths):
        ease[min(max(tenths, EASE_MIN_TENTHS), EASE_MAX_TENTHS) - EASE_MIN_TENTHS] += n
    ease_labels = [f"{t / 10:.1f}" for t in range(EASE_MIN_TENTHS, EASE_MAX_TENTHS)] + [f"{EASE_MAX_TENTHS / 10:.1f}+"]
    return {"intervals": Histogram(tuple(label for _, label in INTERVAL_BINS), spread.intervals),
            "ease": Histogram(tuple(ease_labels), tuple(ease))}


def _mastery(decks: Sequence[q.DeckRow], repeats: Sequence[tuple[str, int, int, int]],
             titles: dict[str, tuple[str, str]]) -> tuple[MasteryRow, ...]:
    repeat_counts: dict[str, RetentionCounts] = {}
    for deck, _cls, quality, n in repeats:
        repeat_counts[deck] = repeat_counts.get(deck, RetentionCounts()) + RetentionCounts(n if quality >= 3 else 0, n)
    deck_rows: list[MasteryRow] = []
    for d in decks:
        title, area = titles.get(d.deck_id, (d.deck_id, ""))
        seen_repeat = repeat_counts.get(d.deck_id, RetentionCounts())
        retention = RetentionCounts(d.passed - seen_repeat.passed, d.reviews - seen_repeat.total)
        deck_rows.append(MasteryRow("deck", d.deck_id, title, area, d.cards, d.seen, retention,
                                    d.ef_sum / d.seen if d.seen else None, d.due_now, d.lapses))
    areas: dict[str, list[tuple[MasteryRow, float]]] = {}
    for row, d in zip(deck_rows, decks, strict=True):
        areas.setdefault(row.area, []).append((row, d.ef_sum))
    area_rows = []
    for slug, members in areas.items():
        seen = sum(r.seen for r, _ in members)
        info = AREAS_BY_SLUG.get(slug)
        area_rows.append(MasteryRow(
            "area", slug, info.title if info else (slug or "Other"), slug, sum(r.cards for r, _ in members), seen,
            sum((r.retention for r, _ in members), RetentionCounts()),
            sum(ef for _, ef in members) / seen if seen else None,
            sum(r.due_now for r, _ in members), sum(r.lapses for r, _ in members)))

    def order(row: MasteryRow) -> tuple[int, str, int, str]:
        area = AREAS_BY_SLUG.get(row.area)
        return (area.number if area else 99, row.area, 0 if row.level == "area" else 1, row.title.lower())
    return tuple(sorted(area_rows + deck_rows, key=order))
