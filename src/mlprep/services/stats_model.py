"""The statistics' results (issue 7): frozen values that :func:`mlprep.services.stats.compute_stats`
returns and the stats view, ``mlprep stats`` and the CSV/JSON export read. The definitions of
each figure are in :mod:`mlprep.services.stats`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mlprep.core.study_settings import StudyScope


@dataclass(frozen=True)
class Today:
    """Today's answers (every kind, cram included): answers, distinct cards, answers with
    quality >= 3, and time spent in milliseconds."""

    answers: int
    cards: int
    correct: int
    time_ms: int

    @property
    def correct_pct(self) -> float | None:
        """Share of today's answers with quality >= 3, in percent (``None`` before any)."""
        return 100.0 * self.correct / self.answers if self.answers else None

    @property
    def minutes(self) -> float:
        return self.time_ms / 60_000


@dataclass(frozen=True)
class DayCounts:
    """Answers on one study day by review type (cram excluded)."""

    day: date
    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature


@dataclass(frozen=True)
class Heatmap:
    """Answers per study day (cram excluded) for the year ending today: ``counts[i]`` is the
    day ``start + i``. Streaks are in days (see the module docstring)."""

    start: date
    counts: tuple[int, ...]
    current_streak: int
    longest_streak: int

    @property
    def days_studied(self) -> int:
        return sum(1 for n in self.counts if n)


@dataclass(frozen=True)
class RetentionCounts:
    """First reviews of a day and how many passed (quality >= 3)."""

    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        """Passed share in percent, ``None`` without reviews."""
        return 100.0 * self.passed / self.total if self.total else None

    def __add__(self, other: RetentionCounts) -> RetentionCounts:
        return RetentionCounts(self.passed + other.passed, self.total + other.total)


@dataclass(frozen=True)
class Retention:
    """True retention in the period, young (interval before < 21 days) and mature."""

    young: RetentionCounts
    mature: RetentionCounts

    @property
    def overall(self) -> RetentionCounts:
        return self.young + self.mature


@dataclass(frozen=True)
class Forecast:
    """Cards due per study day from ``start`` (today, overdue included) for 30 days; ``overdue``
    is how many of today's were due before today; ``redrill`` counts the cards answered below
    Good today that SM-2's step 7 brings back before the day ends (not in ``counts``: they are
    not due, they are owed)."""

    start: date
    counts: tuple[int, ...]
    overdue: int
    redrill: int = 0


@dataclass(frozen=True)
class StateCounts:
    """Present cards by state now (see the module docstring)."""

    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature + self.suspended


@dataclass(frozen=True)
class Histogram:
    """Counts per labelled bin (``labels[i]`` -> ``counts[i]``)."""

    labels: tuple[str, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ButtonCounts:
    """Answers in the period per review type and quality: ``by_type["young"][q]`` for
    quality ``q`` 0-5 (cram excluded)."""

    by_type: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def total(self, review_type: str) -> int:
        return sum(self.by_type.get(review_type, ()))


@dataclass(frozen=True)
class MasteryRow:
    """One area (``level="area"``, ``key`` = area slug) or deck (``key`` = deck id): present
    cards, cards seen, retention in the period, mean EF of seen cards, cards due now, lapses."""

    level: str
    key: str
    title: str
    area: str
    cards: int
    seen: int
    retention: RetentionCounts
    mean_ef: float | None
    due_now: int
    lapses: int

    @property
    def seen_pct(self) -> float:
        return 100.0 * self.seen / self.cards if self.cards else 0.0


@dataclass(frozen=True)
class Stats:
    """Every figure of the stats screen for one scope and period (``None`` = all time).

    ``days`` has one entry per study day of the period (zero days included, oldest first;
    for all time from the first answer); ``first_day`` is the study day of the scope's first
    answer, ``None`` if it has none (then :attr:`empty` is true).
    """

    scope: StudyScope
    period: int | None
    today_date: date
    first_day: date | None
    today: Today
    days: tuple[DayCounts, ...]
    heatmap: Heatmap
    retention: Retention
    forecast: Forecast
    states: StateCounts
    intervals: Histogram
    ease: Histogram
    buttons: ButtonCounts
    mastery: tuple[MasteryRow, ...]

    @property
    def empty(self) -> bool:
        """No answer (other than cram) in this scope, ever."""
        return self.first_day is None

    @property
    def reviews(self) -> int:
        """Answers in the period (cram excluded)."""
        return sum(d.total for d in self.days)


# -- scope and period -------------------------------------------------------------------------------
