"""The statistics screen's aggregates (issues 7 and 16), in SQL.

Nothing here loads review-log rows into Python: every query returns a few hundred rows at
most (per study day, per deck, per bucket); a small log's per-day counts come as one string a
day with a letter per row (at most ``SMALL_LOG_ROWS_PER_DAY`` a day on average). Study days
arrive as *windows* ``(day, lo, hi)``: ``lo`` and ``hi`` are the UTC instants (ISO strings) at which
the study day begins and ends. The caller computes them from the time zone and rollover hour
(:func:`mlprep.core.clock.day_start`), so days are exact across daylight-saving changes; here they
become *spans*, the same bounds as the log stores instants (microseconds since the epoch, UTC,
:mod:`mlprep.storage.log_codec`, migration m010), and every day and hour is integer arithmetic
(:mod:`mlprep.storage.stats_days`).

How the figures stay fast at 1M review-log rows (see ``docs/benchmarks.md``): SQLite's
``GROUP BY`` sorts every input row unless an index gives the order, so the log is never
grouped by a computed day. For the whole collection, per-day figures come from the
``answer_hours`` summary (migrations m009, m010): per UTC hour, the rows of each class and grade, kept
exact by triggers on the log. Study days that begin and end on whole UTC hours (any zone a whole
number of hours from UTC, any rollover hour) are one range read of it, each hour put on its day
in Python; an hour that a day's bound cuts (a zone such as +5:30) is read from the log instead,
one seek into ``idx_review_log_time`` per piece, its rows as one letter per row class and grade.
The older path, every row of a small log read that way (``SMALL_LOG_ROWS_PER_DAY``), is kept for
callers that ask for it; both give the same figures (tests/storage/test_stats_queries.py and
test_answer_hours.py compare them with a row-by-row count on random logs). For an area or a
deck, the scope's cards drive seeks into ``idx_review_log_card_kind`` and only their rows are
grouped.

Row classes (``log_codec.LOG_CLASS_SQL``, m009's ``ROW_CLASS_SQL`` for m010's kind codes): 0 new, 1 drill, then
review rows 2 + (repetitions_before > 0) + 2 * (interval_before >= 21): 2 relearning, 3 young,
4 relearning with a long interval, 5 mature; 6 cram (or any other kind).
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.storage.db import Db as Database
from mlprep.storage.log_codec import (
    CRAM,
    END_OF_TIME,
    LOG_CLASS_SQL,
    REVIEW,
    US_PER_DAY,
    US_PER_HOUR,
    date_of,
    day_number,
    iso_us,
    read_instant,
    read_kind,
)
from mlprep.storage.stats_days import Days, by_window, days_cte, values_cte, whole_hours
from mlprep.storage.stats_days import Span as Span  # re-exported: the callers' names for study days
from mlprep.storage.stats_days import Window as Window
from mlprep.storage.stats_days import day_expr as day_expr
from mlprep.storage.stats_days import spans_of as spans_of

CRAM_KIND, REVIEW_KIND = CRAM, REVIEW  # the stored kind codes (m010), as SQL literals here

NEW, DRILL, RELEARN, YOUNG, RELEARN_LONG, MATURE, CRAM = range(7)
CLASSES = 6  # the classes that count in charts (cram excluded)
GRADES = 6  # quality 0-5
YOUNG_MATURE_DAYS = 21  # interval in days from which a card (or a review) is "mature"
_NO_ANSWERS = (0,) * CLASSES
_CLASS_DIGITS = "".join(str(c) for c in range(CLASSES))
_LETTER_A = 65  # the small-log path writes class c, grade g as chr(65 + 6 c + g): "A" .. "d"; cram "e" .. "j"
_LETTERS = "".join(chr(_LETTER_A + i) for i in range(CLASSES * GRADES))
_LETTER_CLASS = str.maketrans({letter: str(i // GRADES) for i, letter in enumerate(_LETTERS)})
GRADE_COLUMNS = tuple(f"n{g}" for g in range(GRADES))
"""The count columns of ``answer_hours`` (migration m009), one per quality 0-5."""
SMALL_LOG_ROWS_PER_DAY = 0
"""Log rows per study day (mean over the days asked for) up to which the whole collection's per-day
counts read the log's rows rather than the ``answer_hours`` summary; 0: never (and no count to decide).
Measured (365 days, in one process, alternating, CPU time, load ~7): reading the rows took 3.5 ms (best
of 41) at 14 rows a day against 1.8 ms for the summary, and 296 against 7.6 ms (best of 7) at 1,370."""


@dataclass(frozen=True)
class AnswerCounts:
    """Answers (cram excluded, quality 0-5) over consecutive study days.

    ``days`` maps each study day with at least one answer to its 6 counts by row class (see the
    module docstring); ``grades[cls * 6 + quality]`` counts the answers of class ``cls`` (0-5) and
    ``quality`` over the days from the ``since`` day asked for.
    """

    days: dict[date, tuple[int, ...]]
    grades: tuple[int, ...]


@dataclass(frozen=True)
class TodayRow:
    """Answers since the study day began (every kind, cram included): how many, how many
    distinct cards, how many with quality >= 3, and the time spent in milliseconds."""

    answers: int
    cards: int
    correct: int
    time_ms: int


@dataclass(frozen=True)
class DeckRow:
    """One deck's present cards and its review rows in the period.

    ``seen`` counts cards with a due date (answered at least once); the states count cards
    not suspended: ``learning`` (seen, repetitions 0), ``young`` (repetitions >= 1, interval
    < 21 days), ``mature`` (repetitions >= 1, interval >= 21 days); ``ef_sum`` sums the ease
    factor of seen cards; ``due_now`` counts unsuspended cards due on or before today;
    ``reviews``/``passed`` count rows of kind ``review`` in the period and those with
    quality >= 3 (repeats on one day included: see :func:`repeat_reviews`).
    """

    deck_id: str
    cards: int
    seen: int
    suspended: int
    learning: int
    young: int
    mature: int
    ef_sum: float
    due_now: int
    lapses: int
    reviews: int
    passed: int

    @property
    def new(self) -> int:
        """Unsuspended cards never answered."""
        return self.cards - self.suspended - self.learning - self.young - self.mature


# -- scope ----------------------------------------------------------------------------------

def _card_scope(scope: StudyScope, alias: str = "c") -> tuple[str, dict[str, object]]:
    """SQL (starting with AND) restricting cards ``alias`` to the scope: all, an area or a deck."""
    if scope.kind is ScopeKind.ALL:
        return "", {}
    if scope.kind is ScopeKind.DECK:
        return f" AND {alias}.deck_id = :scope", {"scope": scope.value}
    if scope.kind is ScopeKind.AREA:
        return f" AND {alias}.deck_id IN (SELECT id FROM decks WHERE area = :scope)", {"scope": scope.value}
    raise ValueError(f"statistics take a scope of all, an area or a deck, not {scope.kind.value!r}")


@functools.lru_cache(maxsize=16)
def _repeat_sql(spans: tuple[Span, ...], scope_sql: str) -> str:
    """:meth:`StatsQueries.repeat_reviews`' statement for ``spans`` and the scope's SQL, remembered: its
    text holds a row per day (the days' bounds and the slices below), built in ~0.5 ms for a year, and a
    statistics refresh asks for the same days again until the study day, the zone or the period changes.
    ``ValueError`` if ``spans`` are not consecutive days."""
    slices = []  # the part of each study day whose UTC date is the next calendar day
    first = day_number(spans[0][0])
    for i, (day, lo, hi) in enumerate(spans):
        if day_number(day) != first + i:
            raise ValueError(f"repeat_reviews takes consecutive study days, not {day} after "
                             f"{spans[0][0]} + {i - 1}")
        start, end = max(lo, (first + i + 1) * US_PER_DAY), min(hi, (first + i + 2) * US_PER_DAY)
        if start < end:
            slices.append((first + i, lo, start, end))
    review = f"l.kind = {REVIEW_KIND}"  # literal: the partial indexes' WHERE must match it
    utc_day = f"l.reviewed_at / {US_PER_DAY}"
    candidate = f"SELECT l.id, l.card_id, l.reviewed_at, l.quality, {LOG_CLASS_SQL} AS cls, d.lo AS day_lo"
    return (
        f"{days_cte(spans)}, {values_cte('slices', 'day, lo, slo, shi', slices)}, "
        f"ahead AS ({candidate} FROM days d CROSS JOIN review_log l INDEXED BY idx_review_log_ahead "
        f"ON {review} AND (l.due_before IS NULL OR l.due_before > {utc_day}) "
        "AND l.reviewed_at >= d.lo AND l.reviewed_at < d.hi AND (l.due_before IS NULL OR l.due_before > d.day) "
        f"UNION ALL {candidate} FROM slices d CROSS JOIN review_log l INDEXED BY idx_review_log_ahead_utc "
        f"ON {review} AND l.due_before = {utc_day} "
        "AND l.reviewed_at >= d.slo AND l.reviewed_at < d.shi) "
        "SELECT c.deck_id, a.cls, a.quality, COUNT(*) FROM ahead a JOIN cards c ON c.id = a.card_id "
        "WHERE EXISTS (SELECT 1 FROM review_log p INDEXED BY idx_review_log_card_kind WHERE p.card_id = a.card_id "
        f"AND p.kind = {REVIEW_KIND} AND p.reviewed_at >= a.day_lo AND p.reviewed_at < a.reviewed_at){scope_sql} "
        "GROUP BY 1, 2, 3")


# -- the review log ---------------------------------------------------------------------------


# -- the cards -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSpread:
    """Seen, present, unsuspended cards counted three ways (one pass, :meth:`StatsQueries.card_spread`):
    ``intervals[i]`` per interval bin; ``ef_tenths[t]`` per ease factor in tenths rounded down
    (0-127, capped); ``due[i]`` per day ``today + i`` of the forecast, overdue cards on today
    (``due[0]``); ``overdue`` counts those overdue cards alone."""

    intervals: tuple[int, ...]
    ef_tenths: tuple[int, ...]
    due: tuple[int, ...]
    overdue: int


DeckCards = tuple[str, int, int, int, int, int, int, float, int, int]
"""One deck's card figures (:meth:`StatsQueries.deck_cards`): the :class:`DeckRow` fields before ``reviews``."""
ChangeStamp = tuple[int, int]
"""A :meth:`StatsQueries.change_stamp`: (this connection's total changes, SQLite's data_version)."""
KEPT_RESULTS = 32  # values remembered under one change stamp (scopes x study days), at most


_STATE_BITS = 20  # bits per state in deck_cards' packed sum (3 x 20 < 63)


def _deck_cards(row: Sequence[Any]) -> DeckCards:
    deck, cards, seen, suspended, learning, young, mature, ef_sum, due_now, lapses = row
    return (deck, cards, seen, int(suspended or 0), int(learning or 0), int(young or 0), int(mature or 0),
            float(ef_sum), int(due_now or 0), int(lapses or 0))


def deck_rows_of(cards: Sequence[DeckCards], reviews: dict[str, tuple[int, int]]) -> list[DeckRow]:
    """:class:`DeckRow` per deck of ``cards`` (:meth:`StatsQueries.deck_cards`) with its ``reviews``
    (:meth:`StatsQueries.deck_reviews`; none: 0, 0)."""
    none = (0, 0)
    return [DeckRow(*row, *reviews.get(row[0], none)) for row in cards]


_SLOT = 128  # the due-day slots of card_spread's group key: days ahead, then "later" and "overdue"
_EF_TENTHS_MAX = 127



class StatsQueries:
    """The statistics' queries over one open collection (see the module docstring for how each is served).

    It also keeps what a caller may reuse while the collection is unchanged (:meth:`keep`, :meth:`recall`
    under :meth:`change_stamp`): :func:`mlprep.services.stats.compute_stats` keeps its passes over the cards.
    """

    def __init__(self, db: Database, *, small_log_rows_per_day: int = SMALL_LOG_ROWS_PER_DAY) -> None:
        self._db = db
        self._small_per_day = small_log_rows_per_day
        self._kept: dict[Hashable, Any] = {}
        self._kept_stamp: ChangeStamp | None = None

    # -- remembered results ---------------------------------------------------------------------

    def change_stamp(self) -> ChangeStamp | None:
        """What changes whenever the collection's rows do: this connection's ``total_changes`` (every row
        it inserted, updated or deleted, triggers' included, also when rolled back later) and ``PRAGMA
        data_version`` (changes another connection or process committed). ``None`` while a transaction is
        open (its writes may still roll back: nothing is remembered then) or over a database object
        without a connection."""
        conn = getattr(self._db, "conn", None)
        if conn is None or conn.in_transaction:
            return None
        return int(conn.total_changes), int(conn.execute("PRAGMA data_version").fetchone()[0])

    def recall(self, key: Hashable, stamp: ChangeStamp | None) -> Any:
        """The value :meth:`keep` stored for ``key`` under ``stamp``, or ``None`` (another stamp: the
        collection changed since, or ``stamp`` is ``None``)."""
        if stamp is None or stamp != self._kept_stamp:
            return None
        return self._kept.get(key)

    def keep(self, key: Hashable, stamp: ChangeStamp | None, value: Any) -> None:
        """Remember ``value`` (immutable) for ``key`` while :meth:`change_stamp` stays ``stamp`` (taken
        before ``value`` was read); a new stamp forgets every older value. Nothing when ``stamp`` is
        ``None``."""
        if stamp is None:
            return
        if stamp != self._kept_stamp or len(self._kept) >= KEPT_RESULTS:
            self._kept, self._kept_stamp = {}, stamp
        self._kept[key] = value

    def forget(self) -> None:
        """Drop every remembered value (benchmarks time the computation itself this way)."""
        self._kept, self._kept_stamp = {}, None

    def answer_counts(self, windows: Days, scope: StudyScope, since: date) -> AnswerCounts:
        """Answers per study day and row class over ``windows`` (consecutive days), and per class
        and grade over the windows from day ``since`` on (see :class:`AnswerCounts`).

        Same figures as :meth:`day_class_counts` summed; for the whole collection from the
        ``answer_hours`` summary, or, when ``small_log_rows_per_day`` is set and the days hold at most
        that many answers a day on average (any kind), from the log's rows (see the module docstring).
        """
        if not windows:
            return AnswerCounts({}, (0,) * CLASSES * GRADES)
        spans = spans_of(windows)
        if scope.kind is ScopeKind.ALL and self._small_per_day and self._few_rows(spans):
            return self._small_log_counts(spans, since)
        if scope.kind is ScopeKind.ALL and whole_hours(spans):
            return self._summary_counts(spans, since)
        detail = self._day_class_counts(spans, scope)
        grades = [0] * CLASSES * GRADES
        per_day = {}
        for day, values in detail.items():
            per_day[day] = tuple(sum(values[c * GRADES:(c + 1) * GRADES]) for c in range(CLASSES))
            if day >= since:
                grades = [a + b for a, b in zip(grades, values, strict=True)]
        return AnswerCounts(per_day, tuple(grades))

    def _summary_counts(self, spans: Sequence[Span], since: date) -> AnswerCounts:
        """:meth:`answer_counts` for the whole collection over spans that begin and end on whole UTC
        hours (consecutive, so every hour of the range lies in one span): the range's
        ``answer_hours`` rows summed per hour and class by SQLite (in key order, no sort), each hour
        added to its span's day in one merge pass here; the period's class x grade totals summed by
        SQLite over the hours from day ``since`` on."""
        total = " + ".join(GRADE_COLUMNS)
        by_class = ", ".join(f"SUM(CASE WHEN cls = {c} THEN {total} ELSE 0 END)" for c in range(CLASSES))
        per_day: dict[date, tuple[int, ...]] = {}
        rows = self._db.execute(
            f"SELECT hour, {by_class} FROM answer_hours WHERE hour >= :lo AND hour < :hi GROUP BY hour ORDER BY hour",
            {"lo": spans[0][1] // US_PER_HOUR, "hi": spans[-1][2] // US_PER_HOUR}).fetchall()
        for day, hours in by_window(spans, rows):
            if len(hours) == 1:
                per_day[day] = tuple(hours[0][1:])
            else:
                per_day[day] = tuple(map(sum, zip(*(row[1:] for row in hours), strict=True)))
        grades = [0] * CLASSES * GRADES
        first = bisect_right([d for d, _, _ in spans], since - timedelta(days=1))
        if first < len(spans):
            for cls, *counts in self._db.execute(
                    f"SELECT cls, {', '.join(f'SUM({n})' for n in GRADE_COLUMNS)} FROM answer_hours "
                    "WHERE hour >= :lo AND hour < :hi GROUP BY cls",
                    {"lo": spans[first][1] // US_PER_HOUR, "hi": spans[-1][2] // US_PER_HOUR}).fetchall():
                grades[cls * GRADES:(cls + 1) * GRADES] = counts
        return AnswerCounts(per_day, tuple(grades))

    def _few_rows(self, spans: Sequence[Span]) -> bool:
        """Whether ``spans`` hold at most ``small_log_rows_per_day`` log rows a day on average: true
        at once if the whole log's largest rowid is within that bound, else a count of
        ``idx_review_log_time`` entries that stops one past it."""
        cap = self._small_per_day * len(spans)
        (n,) = self._db.execute(
            "SELECT CASE WHEN (SELECT COALESCE(MAX(rowid), 0) FROM review_log) <= :cap THEN 0 ELSE "
            "(SELECT COUNT(*) FROM (SELECT 1 FROM review_log INDEXED BY idx_review_log_time "
            "WHERE reviewed_at >= :lo AND reviewed_at < :hi LIMIT :cap + 1)) END",
            {"lo": spans[0][1], "hi": spans[-1][2], "cap": cap}).fetchone()
        return bool(n <= cap)

    def _small_log_counts(self, spans: Sequence[Span], since: date) -> AnswerCounts:
        """:meth:`answer_counts` for the whole collection read row by row: per day, one seek into
        ``idx_review_log_time`` and its rows as a string of one letter per (class, grade), counted
        here (``str.translate`` to class digits per day; the period's letters counted once)."""
        grades_in = ", ".join(str(g) for g in range(GRADES))
        per_day: dict[date, tuple[int, ...]] = {}
        period: list[str] = []
        for day_number_, letters in self._db.execute(
                f"{days_cte(spans)} SELECT day, (SELECT group_concat(char({_LETTER_A} + {GRADES} * "
                f"({LOG_CLASS_SQL}) + quality), '') FROM review_log INDEXED BY idx_review_log_time "
                f"WHERE reviewed_at >= days.lo AND reviewed_at < days.hi AND quality IN ({grades_in})) FROM days"
                ).fetchall():
            if not letters:
                continue
            counts = tuple(map(letters.translate(_LETTER_CLASS).count, _CLASS_DIGITS))
            if counts != _NO_ANSWERS:  # cram only (class 6) is no answer here
                day = date_of(day_number_)
                per_day[day] = counts
                if day >= since:
                    period.append(letters)
        text = "".join(period)
        return AnswerCounts(per_day, tuple(map(text.count, _LETTERS)))

    def cards_size_hint(self) -> int:
        """An upper bound of the number of cards: the largest rowid of ``cards`` (one probe), 0 if none."""
        return int(self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM cards").fetchone()[0])

    def first_review(self, scope: StudyScope) -> datetime | None:
        """The UTC instant of the scope's first answer of any kind except cram, or ``None``."""
        db = self._db
        scope_sql, params = _card_scope(scope)
        if scope_sql:
            sql = (f"SELECT MIN(l.reviewed_at) FROM cards c JOIN review_log l INDEXED BY idx_review_log_card_kind "
                   f"ON l.card_id = c.id WHERE l.kind <> {CRAM_KIND}{scope_sql}")
        else:
            sql = f"SELECT MIN(reviewed_at) FROM review_log WHERE kind <> {CRAM_KIND}"
        value = db.execute(sql, params).fetchone()[0]
        return read_instant(value) if value is not None else None

    def day_class_counts(self, windows: Days, scope: StudyScope) -> dict[date, tuple[int, ...]]:
        """Answers per study day, row class and grade, over ``windows`` (consecutive days).

        Returns ``{day: counts}`` for days with at least one answer (cram excluded), where
        ``counts[cls * 6 + quality]`` is the number of rows of class ``cls`` (0-5, see the module
        docstring) answered with ``quality``. For the whole collection: the ``answer_hours`` summary
        (:meth:`_hour_counts`); for an area or deck: the scope's rows, grouped.
        """
        return self._day_class_counts(spans_of(windows), scope) if windows else {}

    def _day_class_counts(self, spans: Sequence[Span], scope: StudyScope) -> dict[date, tuple[int, ...]]:
        db = self._db
        scope_sql, params = _card_scope(scope)
        if scope_sql:
            day = day_expr(spans)
            rows = db.execute(
                f"SELECT {day} AS day, {LOG_CLASS_SQL} AS cls, l.quality, COUNT(*) FROM cards c "
                "JOIN review_log l INDEXED BY idx_review_log_card_kind ON l.card_id = c.id "
                f"WHERE l.reviewed_at >= :lo AND l.reviewed_at < :hi AND l.kind <> {CRAM_KIND}{scope_sql} "
                "GROUP BY 1, 2, 3", {"lo": spans[0][1], "hi": spans[-1][2], **params}).fetchall()
            grouped: dict[date, list[int]] = {}
            for day_number_, cls, quality, n in rows:
                if 0 <= cls < CLASSES and 0 <= quality < GRADES:
                    grouped.setdefault(date_of(day_number_), [0] * CLASSES * GRADES)[cls * GRADES + quality] += n
            return {d: tuple(v) for d, v in grouped.items()}
        return {day: tuple(values) for day, values in self._hour_counts(spans).items() if any(values)}

    def _hour_counts(self, spans: Sequence[Span]) -> dict[date, list[int]]:
        """The whole collection's answers per study day of ``spans`` (consecutive), as 36 counts
        ``class * 6 + quality``; a day may be all zeros.

        One range read of ``answer_hours`` (m009, m010): an hour wholly inside a span counts for its
        day. An hour that a span's bound cuts (a zone not a whole number of hours from UTC, or the
        range's ends) is read from the log instead, one seek into ``idx_review_log_time`` per piece.
        """
        lo, hi = spans[0][1], spans[-1][2]
        # Span i holds whole the hours numbered in [firsts[i], lasts[i]): from the hour its start
        # begins (the next one if it starts within an hour) up to the hour its end falls in.
        firsts = [-(-w_lo // US_PER_HOUR) for _, w_lo, _ in spans]
        lasts = [w_hi // US_PER_HOUR for _, _, w_hi in spans]
        out: dict[date, list[int]] = {}
        cut: list[tuple[int, int]] = []
        for hour, cls, *counts in self._db.execute(
                f"SELECT hour, cls, {', '.join(GRADE_COLUMNS)} FROM answer_hours WHERE hour >= :lo AND hour <= :hi "
                "ORDER BY hour, cls",
                {"lo": lo // US_PER_HOUR, "hi": hi // US_PER_HOUR}).fetchall():
            i = bisect_right(firsts, hour) - 1
            if i >= 0 and hour < lasts[i]:
                totals = out.setdefault(spans[i][0], [0] * CLASSES * GRADES)
                totals[cls * GRADES:(cls + 1) * GRADES] = map(int.__add__, totals[cls * GRADES:(cls + 1) * GRADES],
                                                              counts)
                continue
            begin = hour * US_PER_HOUR
            end = begin + US_PER_HOUR
            if end > lo and begin < hi and (not cut or cut[-1][0] != begin):  # an hour has a row per class
                cut.append((begin, end))
        starts = [w[1] for w in spans]
        pieces = []
        for begin, end in cut:
            for w_day, w_lo, w_hi in spans[max(bisect_right(starts, begin) - 1, 0):]:
                if w_lo >= end:
                    break
                if w_hi > begin:
                    pieces.append((day_number(w_day), max(begin, w_lo), min(end, w_hi)))
        for day_number_, letters in self._piece_letters(pieces):
            totals = out.setdefault(date_of(day_number_), [0] * CLASSES * GRADES)
            totals[:] = map(int.__add__, totals, map(letters.count, _LETTERS))
        return out

    def _piece_letters(self, pieces: Sequence[tuple[int, int, int]]) -> list[tuple[int, str]]:
        """``(day number, letters)`` per piece ``(day number, lo, hi)`` of the log: one letter
        ``chr(65 + 6 class + quality)`` per row answered in ``[lo, hi)`` with quality 0-5 (cram: class 6,
        "e" .. "j")."""
        if not pieces:
            return []
        grades_in = ", ".join(str(g) for g in range(GRADES))
        rows = self._db.execute(
            f"WITH {values_cte('pieces', 'day, lo, hi', pieces)} SELECT day, (SELECT group_concat(char("
            f"{_LETTER_A} + {GRADES} * ({LOG_CLASS_SQL}) + quality), '') FROM review_log INDEXED BY "
            "idx_review_log_time WHERE reviewed_at >= pieces.lo AND reviewed_at < pieces.hi "
            f"AND quality IN ({grades_in})) FROM pieces").fetchall()
        return [(day, letters) for day, letters in rows if letters]

    def active_days(self, windows: Days, scope: StudyScope) -> set[date]:
        """The study days among ``windows`` with at least one answer that is not cram (for the whole
        collection: an answer the per-day counts count, from ``answer_hours``)."""
        if not windows:
            return set()
        spans = spans_of(windows)
        scope_sql, params = _card_scope(scope)
        if not scope_sql and whole_hours(spans):  # each hour of the range in one span
            rows = self._db.execute(
                "SELECT DISTINCT hour FROM answer_hours WHERE hour >= :lo AND hour < :hi ORDER BY hour",
                {"lo": spans[0][1] // US_PER_HOUR, "hi": spans[-1][2] // US_PER_HOUR}).fetchall()
            return {day for day, _ in by_window(spans, rows)}
        if not scope_sql:
            return {day for day, counts in self._hour_counts(spans).items() if any(counts)}
        rows = self._db.execute(
            f"SELECT DISTINCT {day_expr(spans)} FROM cards c "
            "JOIN review_log l INDEXED BY idx_review_log_card_kind ON l.card_id = c.id "
            f"WHERE l.reviewed_at >= :lo AND l.reviewed_at < :hi AND l.kind <> {CRAM_KIND}{scope_sql}",
            {"lo": spans[0][1], "hi": spans[-1][2], **params}).fetchall()
        return {date_of(r[0]) for r in rows}

    def repeat_reviews(self, windows: Days, scope: StudyScope) -> list[tuple[str, int, int, int]]:
        """Rows of kind ``review`` that are *not* the card's first review of their study day,
        as ``(deck_id, row class, quality, count)``; true retention leaves them out. ``windows``
        are consecutive study days (``ValueError`` otherwise).

        The scheduler offers a card as a review only on or after its due day, and every answer
        moves the due day past today, so a second ``review`` row on one day was answered before
        its due day (``due_before`` later than the row's study day, or unknown). Only those rows
        are checked, exactly, against the card's earlier reviews of the day. They are found
        through two small partial indexes: ``due_before`` after the row's UTC date (or NULL),
        and ``due_before`` equal to it, the latter read only in the hours of a study day that
        fall on the next UTC date. A ``review`` row that repeats a card on one day although it
        was due then cannot be logged by the app; it would count as a first review.
        """
        if not windows:
            return []
        scope_sql, params = _card_scope(scope)
        rows = self._db.execute(_repeat_sql(tuple(spans_of(windows)), scope_sql), params).fetchall()
        return [(deck, cls, quality, n) for deck, cls, quality, n in rows]

    def today_totals(self, window: Window | Span, scope: StudyScope) -> TodayRow:
        """Answers of every kind (cram included) in the study day ``window``."""
        db = self._db
        ((_, lo, hi),) = spans_of(cast(Days, [window]))
        scope_sql, params = _card_scope(scope)
        join = "JOIN cards c ON c.id = l.card_id " if scope_sql else ""
        row = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT l.card_id), COALESCE(SUM(l.quality >= 3), 0), "
            f"COALESCE(SUM(l.answer_ms), 0) FROM review_log l INDEXED BY idx_review_log_time {join}"
            f"WHERE l.reviewed_at >= :lo AND l.reviewed_at < :hi{scope_sql}",
            {"lo": lo, "hi": hi, **params}).fetchone()
        return TodayRow(*(int(v) for v in row))

    def deck_rows(self, today: date, scope: StudyScope, since: str, until: str) -> list[DeckRow]:
        """Per deck with present cards in scope: card states, ease, due and lapse counts, and the
        deck's ``review`` rows in ``[since, until)`` (UTC ISO instants or dates; ``since=""`` for all
        time). Cards no longer in a deck file (not present) are left out, with their reviews.

        The cards are one pass over the covering ``idx_cards_stats`` in deck order; the reviews
        come from :func:`deck_reviews`.
        """
        cards = self.deck_cards(today, scope)
        return deck_rows_of(cards, self.deck_reviews(scope, since, until))

    def deck_cards(self, today: date, scope: StudyScope) -> tuple[DeckCards, ...]:
        """The card part of :meth:`deck_rows` (no review-log rows), per deck in deck order.

        The three states (learning, young, mature: exclusive) are one packed sum, ``_STATE_BITS`` bits
        each (one aggregate instead of three: 31 against 21 ms at 100k cards); exact while a deck has
        fewer than 2**_STATE_BITS cards, else the deck's figures are read again with a sum per state.
        """
        scope_sql, params = _card_scope(scope)
        bits, mask = _STATE_BITS, (1 << _STATE_BITS) - 1
        query = ("SELECT c.deck_id, COUNT(*), COUNT(c.due), SUM(c.suspended), {states}, "
                 # The ease factors summed in millionths (exact integers, so the sum does not depend on the
                 # order the index yields the cards in: a mean at a rounding half, 2.4025, flipped with it).
                 "TOTAL(CASE WHEN c.due IS NOT NULL THEN ROUND(c.easiness * 1000000) END) / 1000000.0, "
                 "SUM(NOT c.suspended AND c.due <= :today), "
                 f"SUM(c.lapses) FROM cards c INDEXED BY idx_cards_stats WHERE c.present = 1{scope_sql} "
                 "GROUP BY c.deck_id")
        values = {"today": today.isoformat(), **params}
        rows = self._db.execute(query.format(states=(
            "SUM(CASE WHEN NOT c.suspended THEN (CASE WHEN c.repetitions > 0 THEN (CASE "
            f"WHEN c.interval < {YOUNG_MATURE_DAYS} THEN {1 << bits} WHEN c.interval >= {YOUNG_MATURE_DAYS} "
            f"THEN {1 << 2 * bits} ELSE 0 END) WHEN c.repetitions = 0 AND c.due IS NOT NULL THEN 1 ELSE 0 END) "
            "ELSE 0 END)")), values).fetchall()
        if any(row[1] > mask for row in rows):  # a deck too large for the packed sum
            return tuple(_deck_cards(row) for row in self._db.execute(query.format(states=(
                "SUM(NOT c.suspended AND c.due IS NOT NULL AND c.repetitions = 0), "
                f"SUM(NOT c.suspended AND c.repetitions > 0 AND c.interval < {YOUNG_MATURE_DAYS}), "
                f"SUM(NOT c.suspended AND c.repetitions > 0 AND c.interval >= {YOUNG_MATURE_DAYS})")),
                values).fetchall())
        return tuple(_deck_cards((deck, cards, seen, suspended, states & mask, states >> bits & mask,
                                  states >> 2 * bits, *rest))
                     for deck, cards, seen, suspended, states, *rest in rows)

    def deck_reviews(self, scope: StudyScope, since: str, until: str) -> dict[str, tuple[int, int]]:
        """``{deck_id: (reviews, passed)}``: rows of kind ``review`` of present cards in scope
        answered in ``[since, until)`` (UTC ISO instants or dates, a date meaning its midnight UTC;
        ``since=""`` for all time), and those with quality >= 3. ``ValueError`` for another text.

        Whole UTC days are sums of the ``review_days`` summary (migrations m004, m010); only the part of
        a day at either end that the range cuts is read from the log, through ``idx_review_log_time``.
        """
        db = self._db
        lo = iso_us(since) if since else -END_OF_TIME
        hi = iso_us(until)
        first_full = -(-lo // US_PER_DAY)  # the first UTC day all of whose instants are >= since
        end_full = hi // US_PER_DAY  # days before it are wholly < until
        scope_sql, params = _card_scope(scope)
        cut = ("SELECT c.deck_id, COUNT(*), SUM(l.quality >= 3) FROM review_log l INDEXED BY idx_review_log_time "
               "JOIN cards c ON c.id = l.card_id WHERE l.reviewed_at >= {lo} AND l.reviewed_at < {hi} "
               f"AND l.kind = {REVIEW_KIND} AND c.present = 1{scope_sql} GROUP BY c.deck_id")
        if first_full >= end_full:  # no whole day inside
            parts, bounds = [cut.format(lo=":since", hi=":until")], {}
        else:
            scope_days, _ = _card_scope(scope, "r")
            parts = [cut.format(lo=":since", hi=":first_lo"), cut.format(lo=":end_lo", hi=":until"),
                     "SELECT r.deck_id, SUM(r.reviews), SUM(r.passed) FROM review_days r WHERE r.day >= :first_full "
                     f"AND r.day < :end_full{scope_days} GROUP BY r.deck_id"]
            bounds = {"first_full": first_full, "end_full": end_full, "first_lo": first_full * US_PER_DAY,
                      "end_lo": end_full * US_PER_DAY}
        out: dict[str, tuple[int, int]] = {}
        for deck, n, passed in db.execute(" UNION ALL ".join(parts),
                                          {"since": lo, "until": hi, **bounds, **params}).fetchall():
            before = out.get(deck, (0, 0))
            out[deck] = (before[0] + int(n), before[1] + int(passed or 0))
        return out

    def card_spread(self, today: date, days: int, scope: StudyScope, interval_edges: Sequence[int]) -> CardSpread:
        """One pass over the cards for the interval and ease histograms and the due forecast:
        seen, present, unsuspended cards grouped by interval bin (``bin i`` holds intervals from
        ``interval_edges[i]`` up to the next edge; ascending, the first 0), ease factor tenths
        (capped at 12.7), and due day if before ``today + days`` (``days`` < 126), overdue ones apart;
        summed into :class:`CardSpread`.

        The three keys are packed into one integer per card, counted here in a hash table as SQLite
        steps through the cards (SQLite groups by sorting every row: 0.49 against 0.32 ms at 1k cards,
        44 against 40 ms at 100k), and the pass reads the covering ``idx_cards_stats``, not the card texts.
        """
        db = self._db
        if not 0 < days < _SLOT - 2:
            raise ValueError(f"a forecast of 1-{_SLOT - 3} days, not {days}")
        scope_sql, params = _card_scope(scope)
        bins = " ".join(f"WHEN c.interval < {int(edge)} THEN {i - 1}" for i, edge in enumerate(interval_edges) if i)
        later, overdue = days, days + 1
        key = (f"(CASE {bins} ELSE {len(interval_edges) - 1} END) * {_SLOT * (_EF_TENTHS_MAX + 1)} "
               f"+ MIN(CAST(c.easiness * 10 + 1e-6 AS INTEGER), {_EF_TENTHS_MAX}) * {_SLOT} "
               f"+ CASE WHEN c.due < :today THEN {overdue} WHEN c.due >= :end THEN {later} "
               "ELSE CAST(julianday(c.due) - :jtoday AS INTEGER) END")
        keys = Counter(db.execute(  # of 1-tuples (k,): counted as the cursor yields them, no list
            f"SELECT {key} FROM cards c INDEXED BY idx_cards_stats "
            f"WHERE c.present = 1 AND c.suspended = 0 AND c.due IS NOT NULL{scope_sql}",
            {"today": today.isoformat(), "end": (today + timedelta(days=days)).isoformat(),
             "jtoday": today.toordinal() + 1721424.5, **params}))
        intervals = [0] * len(interval_edges)
        ef_tenths = [0] * (_EF_TENTHS_MAX + 1)
        due = [0] * (days + 2)  # by slot: the days, then "later", then "overdue"
        for (k,), n in keys.items():
            rest, slot = divmod(k, _SLOT)
            interval_bin, tenths = divmod(rest, _EF_TENTHS_MAX + 1)
            intervals[interval_bin] += n
            ef_tenths[max(tenths, 0)] += n
            due[slot] += n
        due[0] += due[overdue]
        return CardSpread(tuple(intervals), tuple(ef_tenths), tuple(due[:days]), due[overdue])

    def deck_titles(self) -> dict[str, tuple[str, str]]:
        """Every deck's ``(title, area)`` by id."""
        db = self._db
        return {i: (t or i, a or "") for i, t, a in db.execute("SELECT id, title, area FROM decks").fetchall()}

    def present_decks(self) -> list[tuple[str, str, str]]:
        """``(deck_id, title, area)`` of every present deck."""
        db = self._db
        return [(i, t or i, a or "") for i, t, a in db.execute(
            "SELECT id, title, area FROM decks WHERE present = 1").fetchall()]

    LOG_COLUMNS = ("id", "card_id", "deck_id", "area", "reviewed_at", "kind", "quality", "repetitions_before",
                   "repetitions_after", "interval_before", "interval_after", "easiness_before", "easiness_after",
                   "due_before", "due_after", "answer_ms")
    """The columns of :meth:`review_log_rows`, in order."""

    def review_log_rows(self, batch: int = 2000) -> Iterator[list[tuple[object, ...]]]:
        """The whole review log (every kind, cram included), oldest first, with each card's deck
        and area, in batches of ``batch`` rows: columns :attr:`LOG_COLUMNS`, the instant as its ISO text
        (UTC), the kind's name and the due days as ISO dates, as the log held them before m010 (a value
        m010 kept unconverted is given as it is). Streams from a cursor."""
        columns = ", ".join(f"c.{c}" if c == "deck_id" else "d.area" if c == "area" else f"l.{c}"
                            for c in self.LOG_COLUMNS)
        cursor = self._db.execute(f"SELECT {columns} FROM review_log l LEFT JOIN cards c ON c.id = l.card_id "
                                  "LEFT JOIN decks d ON d.id = c.deck_id ORDER BY l.id")
        while rows := cursor.fetchmany(batch):
            yield [(*row[:4], _export_instant(row[4]), read_kind(row[5]), *row[6:13], _export_day(row[13]),
                    _export_day(row[14]), row[15]) for row in rows]


def _export_instant(value: object) -> object:
    return read_instant(value).isoformat() if isinstance(value, int) else value


def _export_day(value: object) -> object:
    return date_of(value).isoformat() if isinstance(value, int) else value
