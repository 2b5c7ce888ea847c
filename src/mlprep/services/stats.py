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

import functools
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

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
    windows, spans = _calendar(span_start, today, tz, rollover)
    period_windows = windows if period is None else windows[-period:]
    period_spans = spans if period is None else spans[-period:]

    # The whole collection: per-day detail only where a chart needs it, older days only for the
    # streak. An area or deck: its own rows are few, one grouped pass covers all of them.
    detail = spans[-max(len(period_spans), HEATMAP_DAYS):] if scope.kind is ScopeKind.ALL else spans
    older = spans[:len(spans) - len(detail)]
    # The two passes over the cards do not depend on the period: remembered until the collection
    # changes (StatsQueries.change_stamp: any answer, undo, import, deck sync or edit), so switching
    # the period or going back to a scope does not read the cards again. On a large collection they
    # run on a second, read-only connection (with a collection file; SQLite releases the GIL) while
    # this one reads the log. On a small one the thread costs more than it saves (GIL hand-overs:
    # 32 against 37 ms at 1k cards).
    stamp = stats.change_stamp()
    card_key = ("card passes", today, scope)
    kept: _CardPasses | None = stats.recall(card_key, stamp)
    reader = storage.reader() if kept is None and stats.cards_size_hint() >= PARALLEL_CARDS else None
    with ThreadPoolExecutor(max_workers=1) if reader else nullcontext() as pool:
        cards_later = pool.submit(_card_passes, reader, today, scope, close=True) if pool and reader else None
        counts = stats.answer_counts(detail, scope, period_spans[0][0])
        active = set(counts.days) | stats.active_days(older, scope)
        repeats = stats.repeat_reviews(period_spans, scope)
        today_row = stats.today_totals(spans[-1], scope)
        titles = stats.deck_titles()
        redrill = _redrill(storage, windows[-1], scope, titles)
        reviews = stats.deck_reviews(scope, "" if period is None else period_windows[0][1], windows[-1][2])
        if kept is None:
            kept = cards_later.result() if cards_later else _card_passes(storage, today, scope)
            stats.keep(card_key, stamp, kept)
    decks, spread = kept

    first_day = first_any if scope.kind is ScopeKind.ALL else min(active, default=None)
    if period is None:  # all time: from the scope's first answer
        period_spans = period_spans[((first_day or today) - span_start).days:]
    return Stats(
        scope=scope, period=period, today_date=today, first_day=first_day,
        today=Today(today_row.answers, today_row.cards, today_row.correct, today_row.time_ms),
        days=_day_counts(period_spans, counts.days),
        heatmap=_heatmap(counts.days, active, today),
        retention=_retention(counts.grades, repeats),
        forecast=_forecast(spread, today, redrill),
        states=_states(decks),
        **_histograms(spread),
        buttons=_buttons(counts.grades),
        mastery=_mastery(decks, reviews, repeats, titles),
    )


_CardPasses = tuple[tuple[q.DeckCards, ...], q.CardSpread]


def _card_passes(storage: CollectionDb, today: date, scope: StudyScope, *, close: bool = False) -> _CardPasses:
    """The per-deck card figures and the card spread, read through ``storage`` (closed after when
    ``close``: a reader made for this call on another thread)."""
    try:
        return (storage.stats.deck_cards(today, scope),
                storage.stats.card_spread(today, FORECAST_DAYS, scope, [low for low, _ in INTERVAL_BINS]))
    finally:
        if close:
            storage.close()


def _calendar(first: date, last: date, tz: tzinfo | None, rollover: int,
              ) -> tuple[tuple[q.Window, ...], tuple[q.Span, ...]]:
    """Study days ``first..last`` as windows (:func:`_windows`) and as spans (:func:`stats_queries.spans_of`),
    remembered: every refresh of a study day asks for the same days, and building them costs ~0.5 ms for two
    years in a zone (~1.5 ms in the system's, one ``astimezone`` a day). Keyed by the arguments; the
    system's zone (``tz=None``) also by the ``TZ`` environment variable, which is what the C library's
    ``localtime`` reads. A ``tz`` that cannot be hashed is not remembered."""
    zone = ("system", os.environ.get("TZ")) if tz is None else None
    try:
        return _calendar_of(first, last, tz, rollover, zone)
    except TypeError:  # an unhashable tzinfo
        windows = tuple(_windows(first, last, tz, rollover))
        return windows, tuple(q.spans_of(windows))


@functools.lru_cache(maxsize=16)
def _calendar_of(first: date, last: date, tz: tzinfo | None, rollover: int, _zone: object,
                 ) -> tuple[tuple[q.Window, ...], tuple[q.Span, ...]]:
    windows = tuple(_windows(first, last, tz, rollover))
    return windows, tuple(q.spans_of(windows))


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


def _day_counts(spans: Sequence[q.Span], per_day: dict[date, tuple[int, ...]]) -> tuple[DayCounts, ...]:
    """Each study day's answers by review type, from its 6 counts by row class (none: zeros)."""
    new, drill, relearn, young, relearn_long, mature = q.NEW, q.DRILL, q.RELEARN, q.YOUNG, q.RELEARN_LONG, q.MATURE
    get, zero = per_day.get, _NO_ANSWERS
    return tuple(DayCounts(day, c[new], c[drill] + c[relearn] + c[relearn_long], c[young], c[mature])
                 for day, c in ((day, get(day, zero)) for day, _, _ in spans))


def _states(decks: Sequence[q.DeckCards]) -> StateCounts:
    """Present cards by state, summed over the scope's decks (:meth:`StatsQueries.deck_cards`; new as
    :attr:`stats_queries.DeckRow.new`)."""
    cards = learning = young = mature = suspended = 0
    for _deck, n, _seen, n_suspended, n_learning, n_young, n_mature, *_rest in decks:
        cards += n
        suspended += n_suspended
        learning += n_learning
        young += n_young
        mature += n_mature
    return StateCounts(cards - suspended - learning - young - mature, learning, young, mature, suspended)


def _heatmap(per_day: dict[date, tuple[int, ...]], active: set[date], today: date) -> Heatmap:
    start = today - timedelta(days=HEATMAP_DAYS - 1)
    totals = [0] * HEATMAP_DAYS
    first = start.toordinal()
    for day, classes in per_day.items():
        if 0 <= (i := day.toordinal() - first) < HEATMAP_DAYS:
            totals[i] = sum(classes)
    current, longest = _streaks({day.toordinal() for day in active}, today.toordinal())
    return Heatmap(start, tuple(totals), current, longest)


def streaks(active: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive ``active`` days. The current run ends today if
    today is active, else yesterday."""
    return _streaks({day.toordinal() for day in active}, today.toordinal())


def _streaks(days: set[int], today: int) -> tuple[int, int]:
    """:func:`streaks` over day ordinals (:meth:`datetime.date.toordinal`)."""
    end = today if today in days else today - 1
    current = 0
    while end - current in days:
        current += 1
    longest = run = 0
    previous = None
    for day in sorted(days):
        run = run + 1 if day - 1 == previous else 1
        if run > longest:
            longest = run
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


def _mastery(decks: Sequence[q.DeckCards], reviews: dict[str, tuple[int, int]],
             repeats: Sequence[tuple[str, int, int, int]], titles: dict[str, tuple[str, str]],
             ) -> tuple[MasteryRow, ...]:
    """Per deck (:meth:`StatsQueries.deck_cards` with its period's ``reviews``, less the same-day
    ``repeats``) and per area (the sums of its decks): the rows in curriculum order, each area before
    its decks, decks by title (case-insensitive)."""
    repeat_counts: dict[str, list[int]] = {}  # deck -> [passed, total] of the same-day repeats
    for deck, _cls, quality, n in repeats:
        counts = repeat_counts.setdefault(deck, [0, 0])
        counts[1] += n
        if quality >= 3:
            counts[0] += n
    by_area: dict[str, list[MasteryRow]] = {}
    sums: dict[str, list[Any]] = {}  # area -> cards, seen, passed, reviews, EF sum, due now, lapses
    none = (0, 0)
    for deck, cards, seen, _suspended, _learning, _young, _mature, ef_sum, due_now, lapses in decks:
        title, area = titles.get(deck, (deck, ""))
        repeat_passed, repeat_total = repeat_counts.get(deck, none)
        deck_reviews, deck_passed = reviews.get(deck, none)
        passed, total_reviews = deck_passed - repeat_passed, deck_reviews - repeat_total
        row = MasteryRow("deck", deck, title, area, cards, seen, RetentionCounts(passed, total_reviews),
                         ef_sum / seen if seen else None, due_now, lapses)
        total = sums.get(area)
        if total is None:
            by_area[area] = [row]
            sums[area] = [cards, seen, passed, total_reviews, ef_sum, due_now, lapses]
        else:
            by_area[area].append(row)
            total[0] += cards
            total[1] += seen
            total[2] += passed
            total[3] += total_reviews
            total[4] += ef_sum
            total[5] += due_now
            total[6] += lapses
    out: list[MasteryRow] = []
    for slug in sorted(by_area, key=_area_order):
        cards, seen, passed, total_reviews, ef_sum, due_now, lapses = sums[slug]
        info = AREAS_BY_SLUG.get(slug)
        out.append(MasteryRow("area", slug, info.title if info else (slug or "Other"), slug, cards, seen,
                              RetentionCounts(passed, total_reviews), ef_sum / seen if seen else None, due_now,
                              lapses))
        out += sorted(by_area[slug], key=_title_order)
    return tuple(out)


def _area_order(slug: str) -> tuple[int, str]:
    area = AREAS_BY_SLUG.get(slug)
    return (area.number if area else 99, slug)


def _title_order(row: MasteryRow) -> str:
    return row.title.lower()
