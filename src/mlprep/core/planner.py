"""The interview planner's rules: settings and their checks, weighted new-card order, daily quotas,
and where a card's next review goes so that it is remembered on the interview day.

Days are study days (``date``, see :mod:`mlprep.core.clock`); the memory model works on instants, and
the planner takes every study day's answers to happen at noon UTC of that date (:func:`day_instant`).
SM-2 (:mod:`mlprep.core.sm2`) keeps scheduling; the planner only chooses which new cards come when,
and may move a due date earlier so that a review falls before the interview. The projection of a
whole plan is :mod:`mlprep.core.plan_forecast`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Protocol, TypeVar

from mlprep.core.memory import MemoryModel, MemoryState
from mlprep.core.models import Button, DeckId

DEFAULT_BUDGET_MINUTES = 45
MAX_BUDGET_MINUTES = 24 * 60
MAX_PLAN_DAYS = 730  # two years: a plan's projection runs day by day to the interview
DEFAULT_TARGET_RECALL = 0.90
MIN_TARGET_RECALL, MAX_TARGET_RECALL = 0.5, 0.99
DEFAULT_SECONDS_PER_ANSWER = 15.0
MIN_ANSWERS_FOR_PACE = 50  # answers in the log before their median replaces the default
REVIEW_ONLY_PERCENT, MIN_REVIEW_ONLY_DAYS = 15, 3
GOOD = int(Button.GOOD)  # the grade every projected answer is assumed to get
_EPS = 1e-9  # float noise in budget arithmetic (33 / 1.1 = 29.999999999999996, 50 × 1.1 = 55.00000000000001)
_DAY = timedelta(days=1)


class Weight(StrEnum):
    """How much a plan studies an area or deck: not at all, normally, or twice as much."""

    SKIP = "skip"
    NORMAL = "normal"
    FOCUS = "focus"

    @property
    def factor(self) -> int:
        """New cards taken for each one of a normal group: 0, 1 or 2."""
        return _FACTORS[self]


_FACTORS = {Weight.SKIP: 0, Weight.NORMAL: 1, Weight.FOCUS: 2}


class PlanError(ValueError):
    """A plan setting that cannot be used: ``field`` names it (``"date"``, ``"start"``, ``"budget"``,
    ``"target"``, ``"areas"``, ``"decks"``, ``"weights"``); ``str()`` is ``"field: message"``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


K = TypeVar("K", bound=str)


def _frozen_weights(weights: Mapping[K, Weight]) -> Mapping[K, Weight]:
    return MappingProxyType({key: Weight(value) for key, value in weights.items()})


@dataclass(frozen=True)
class PlanSettings:
    """What the user chose for an interview plan.

    ``interview``: the interview's study day; ``start``: the study day the plan was set (the reserve
    of review-only days is measured from it, see :func:`last_new_day`; keep it when the plan is
    edited, or the reserve shrinks as the days pass); ``budget_minutes``: study time a day;
    ``target_recall``: the predicted recall each chosen card should have on the interview day;
    ``area_weights`` (area slug -> weight) and ``deck_weights`` (deck id -> weight): missing keys
    are normal. Weight strings are converted to :class:`Weight` (``ValueError`` if unknown); the
    other values are checked by :func:`validate_plan`.
    """

    interview: date
    start: date
    budget_minutes: int = DEFAULT_BUDGET_MINUTES
    target_recall: float = DEFAULT_TARGET_RECALL
    area_weights: Mapping[str, Weight] = field(default_factory=lambda: MappingProxyType({}))
    deck_weights: Mapping[DeckId, Weight] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "area_weights", _frozen_weights(self.area_weights))
        object.__setattr__(self, "deck_weights", _frozen_weights(self.deck_weights))

    def area_weight(self, area: str) -> Weight:
        """The weight of ``area`` (normal unless set)."""
        return self.area_weights.get(area, Weight.NORMAL)

    def deck_weight(self, deck: DeckId) -> Weight:
        """The weight of ``deck`` inside its area (normal unless set)."""
        return self.deck_weights.get(deck, Weight.NORMAL)

    @property
    def last_new_day(self) -> date:
        """:func:`last_new_day` of this plan (from ``start``)."""
        return last_new_day(self.start, self.interview)


def validate_plan(settings: PlanSettings, today: date, known_areas: Collection[str],
                  known_decks: Mapping[DeckId, str]) -> None:
    """Raise :class:`PlanError` for the first unusable setting, checked in this order:

    ``date`` on or before ``today`` or more than 730 days after it; ``start`` after ``today``; ``budget`` not an int in
    1–1440 minutes; ``target`` outside 0.5–0.99; ``areas``/``decks`` weights for an area slug not in
    ``known_areas`` or a deck id not in ``known_decks`` (deck id -> its area slug); ``weights`` that
    leave nothing to study (every area skipped, or every deck of every chosen area skipped).
    """
    if settings.interview <= today:
        raise PlanError("date", f"the interview ({settings.interview}) must be after today ({today})")
    if (settings.interview - today).days > MAX_PLAN_DAYS:
        raise PlanError("date", f"the interview ({settings.interview}) is more than {MAX_PLAN_DAYS} days away: "
                                "a plan covers at most two years")
    if settings.start > today:
        raise PlanError("start", f"the plan cannot start ({settings.start}) after today ({today})")
    budget = settings.budget_minutes
    if isinstance(budget, bool) or not isinstance(budget, int) or not 0 < budget <= MAX_BUDGET_MINUTES:
        raise PlanError("budget", f"minutes a day must be a whole number from 1 to {MAX_BUDGET_MINUTES}, "
                                  f"got {budget!r}")
    if not MIN_TARGET_RECALL <= settings.target_recall <= MAX_TARGET_RECALL:
        raise PlanError("target", f"recall on the day must be from {MIN_TARGET_RECALL:.0%} to "
                                  f"{MAX_TARGET_RECALL:.0%}, got {settings.target_recall!r}")
    _check_known("areas", "area", settings.area_weights, known_areas)
    _check_known("decks", "deck", settings.deck_weights, known_decks)
    chosen = {area for area in known_areas if settings.area_weight(area) is not Weight.SKIP}
    if not chosen:
        raise PlanError("weights", "every area is skipped: choose at least one to study")
    if known_decks and all(area not in chosen or settings.deck_weight(deck) is Weight.SKIP
                           for deck, area in known_decks.items()):
        raise PlanError("weights", "every deck of the chosen areas is skipped: choose at least one to study")


def _check_known(field: str, kind: str, weights: Mapping[K, Weight], known: Collection[str]) -> None:
    unknown = sorted(key for key in weights if key not in known)
    if unknown:
        raise PlanError(field, f"unknown {kind}{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")


T = TypeVar("T")


def interleave(groups: Iterable[tuple[Weight, Sequence[T]]]) -> list[T]:
    """Merge ``(weight, items)`` groups into one list: each group keeps its order; skipped groups
    are left out; a focus group gives 2 items for each 1 of a normal group, spread evenly.

    Rule (Sainte-Laguë's divisors, 1, 3, 5, ..., as a sequence): item ``i`` of group ``g`` sits at
    virtual time ``(i + 0.5) / factor(g)``; items go out in time order, ties in group order. While
    every group still has items, each group's count in any prefix of ``n`` items is within one of its
    weighted share ``n·factor(g)/Σ factor`` (checked in ``tests/core/test_planner.py``); a group
    that runs out simply stops. With all weights normal this is a round robin.
    """
    kept = [(weight.factor, items) for weight, items in groups if weight.factor]
    lcm = math.lcm(*(factor for factor, _ in kept))
    timed = [((2 * i + 1) * (lcm // factor), g, item)  # (i + 0.5) / factor, scaled to whole numbers
             for g, (factor, items) in enumerate(kept) for i, item in enumerate(items)]
    timed.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in timed]


class Filed(Protocol):
    """Anything filed under an area slug and a deck (e.g. :class:`mlprep.core.plan_forecast.PlanCard`)."""

    @property
    def area(self) -> str: ...

    @property
    def deck(self) -> DeckId: ...


F = TypeVar("F", bound=Filed)


def new_card_order(cards: Sequence[F], area_weights: Mapping[str, Weight] = MappingProxyType({}),
                   deck_weights: Mapping[DeckId, Weight] = MappingProxyType({})) -> list[F]:
    """The order new cards are introduced in: ``cards`` (new cards in curriculum order) without the
    skipped areas and decks, areas interleaved by their weights (:func:`interleave`, areas in order
    of first appearance).

    Inside an area, deck weights reorder and never change the area's share: the area's focus-deck
    cards and its normal-deck cards, each in curriculum order, are interleaved 2:1. With every deck
    normal (or every deck focus) an area keeps curriculum order, so empty weights give the default
    order without a plan: curriculum order interleaved across areas. Missing keys are normal.
    """
    by_area: dict[str, dict[Weight, list[F]]] = {}
    for card in cards:
        weight = deck_weights.get(card.deck, Weight.NORMAL)
        by_area.setdefault(card.area, {}).setdefault(weight, []).append(card)
    streams = [(area_weights.get(area, Weight.NORMAL),
                interleave([(weight, decks.get(weight, [])) for weight in (Weight.FOCUS, Weight.NORMAL)]))
               for area, decks in by_area.items()]
    return interleave(streams)


def last_new_day(start: date, interview: date) -> date:
    """The last study day new cards are introduced on.

    Rule: with ``days = (interview − start).days``, the final ``reserve = max(3, ceil(0.15 × days))``
    days before the interview are reviews only, so the last new day is ``interview − reserve − 1``,
    but never before ``start``. Example: 30 days -> reserve 5 -> new cards on days 0–24 (25 days),
    reviews only on days 25–29. Pass the plan's own ``start`` (not each day's date), or the reserve
    shrinks towards 3 days as the interview nears and, with fewer than 4 days left, lets new cards
    in again.
    """
    days = (interview - start).days
    reserve = max(MIN_REVIEW_ONLY_DAYS, -(-days * REVIEW_ONLY_PERCENT // 100))  # ceil in integers
    return max(start, interview - timedelta(days=reserve + 1))


def answer_budget(budget_minutes: float, seconds_per_answer: float) -> int:
    """Answers (first answers and drills alike) that fit in ``budget_minutes`` at ``seconds_per_answer``:
    ``floor(60 × minutes / seconds)``. Raises ``ValueError`` for seconds ≤ 0 or minutes < 0."""
    if not seconds_per_answer > 0 or not budget_minutes >= 0:
        raise ValueError(f"need seconds per answer > 0 and minutes ≥ 0, got {seconds_per_answer!r}, "
                         f"{budget_minutes!r}")
    return math.floor(60 * budget_minutes / seconds_per_answer + _EPS)


def first_answer_capacity(budget_answers: int, drill_rate: float) -> int:
    """First answers (reviews plus new cards) that fit in ``budget_answers`` when each brings
    ``drill_rate`` more same-day answers (SM-2 step 7 re-drills): ``floor(answers / (1 + drill_rate))``.
    A day is over budget when its first answers exceed this. Raises ``ValueError`` for a negative rate."""
    if not drill_rate >= 0:
        raise ValueError(f"drill rate must be ≥ 0, got {drill_rate!r}")
    return max(0, math.floor(budget_answers / (1 + drill_rate) + _EPS))


def answers_needed(first_answers: int, drill_rate: float) -> int:
    """The least answer budget whose :func:`first_answer_capacity` holds ``first_answers``:
    ``ceil(first_answers × (1 + drill_rate))``. Raises ``ValueError`` for a negative rate."""
    if not drill_rate >= 0:
        raise ValueError(f"drill rate must be ≥ 0, got {drill_rate!r}")
    return max(0, math.ceil(first_answers * (1 + drill_rate) - _EPS))


FRONT_LOAD = 1.5
"""How far above the even share a day may introduce while the budget has room (see :func:`new_quota`)."""
LOOK_AHEAD_DAYS = (1, 7)
"""The days after an introduction on which SM-2 brings a new card back (intervals 1, then 6)."""


def new_quota(*, remaining: int, today: date, last_new: date, reviews_due: int, budget_answers: int,
              drill_rate: float, planned: Mapping[date, int] | None = None) -> int:
    """New cards to introduce on ``today``.

    ``remaining`` chosen cards not yet introduced are spread evenly over the introduction days left
    (``even = ceil(remaining / days)``, days = ``today`` to ``last_new`` inclusive), but never more than
    the day's budget leaves after ``reviews_due`` (``room = first_answer_capacity(budget_answers,
    drill_rate) − reviews_due``), and never negative; 0 after ``last_new``. Example: 100 cards, 10 days
    -> 10 a day.

    With ``planned`` (reviews already due per future day) the day may also front-load: introduce up to
    ``ceil(1.5 × even)`` cards while the days on which SM-2 brings them back (1 and 7 days later: its
    first intervals are 1 and 6 days) still have that much room in the budget. The even share leaves
    the first weeks' budget idle while the reviews of later weeks crowd out the last introductions;
    front-loading within the room of those days fixed that in the planner's projection of 1,300
    cards over 30 days at 45 minutes (56 cards unseen on the day -> 0, no day over budget;
    ``benchmarks/bench_planner.py`` measures it on a simulated learner).
    """
    days_left = (last_new - today).days + 1
    if days_left <= 0 or remaining <= 0:
        return 0
    capacity = first_answer_capacity(budget_answers, drill_rate)
    room, even = capacity - reviews_due, math.ceil(remaining / days_left)
    quota = even
    if planned is not None:
        later = min(capacity - planned.get(today + timedelta(days=k), 0) for k in LOOK_AHEAD_DAYS)
        quota = max(even, min(math.ceil(FRONT_LOAD * even), later))
    return max(0, min(quota, room, remaining))


@dataclass(frozen=True)
class Pace:
    """How long studying takes: ``seconds_per_answer`` (> 0; the median answer time) and
    ``drill_rate`` (≥ 0: extra same-day answers per first answer). ``ValueError`` otherwise."""

    seconds_per_answer: float = DEFAULT_SECONDS_PER_ANSWER
    drill_rate: float = 0.0

    def __post_init__(self) -> None:
        if not 0 < self.seconds_per_answer < math.inf or not 0 <= self.drill_rate < math.inf:
            raise ValueError(f"need 0 < seconds per answer and 0 ≤ drill rate, got {self!r}")

    def minutes(self, first_answers: int) -> float:
        """Minutes ``first_answers`` take with their drills: ``n × (1 + drill_rate) × seconds / 60``."""
        return first_answers * (1 + self.drill_rate) * self.seconds_per_answer / 60


def measure_pace(*, answer_ms: Sequence[int], first_answers: int, drills: int) -> Pace:
    """The user's pace from the review log: the median of ``answer_ms`` (every answer's time, ms) and
    ``drills / first_answers``, once there are at least 50 answers; before that, 15 s and no drills."""
    if len(answer_ms) < MIN_ANSWERS_FOR_PACE or first_answers <= 0:
        return Pace()
    return Pace(max(statistics.median(answer_ms), 1) / 1000, drills / first_answers)


@lru_cache(maxsize=4096)
def day_instant(day: date) -> datetime:
    """The instant the planner takes a study day's answers to happen at: noon UTC of ``day``.
    (Real answers may be up to a day off; FSRS counts whole days, so a prediction may be a day early.)"""
    return datetime.combine(day, time(12), UTC)


def place_due(*, answered_on: date, sm2_due: date, memory: MemoryState | None, interview: date,
              target: float, model: MemoryModel, load: Mapping[date, int]) -> date:
    """The due date to store for a card answered (first pass) on ``answered_on``.

    ``sm2_due``: SM-2's next due date; ``memory``: the card's state after the answer; ``load``:
    cards already due each day. SM-2's own state is never touched, only the due date. Rule:

    1. ``sm2_due`` before ``interview``: keep it.
    2. Recall predicted on the interview day without another review
       (``model.retrievability(memory, day_instant(interview))``) ≥ ``target``: keep ``sm2_due``.
    3. Window empty (``answered_on`` is the day before the interview or later): keep ``sm2_due``.
    4. Otherwise review inside the window ``answered_on < x < interview``: the days at which a Good
       review would bring the recall on the day to ≥ ``target`` are ``[L, interview − 1]`` (recall on
       the day grows with ``x``: a later review meets lower recall, so stability grows more, and
       leaves less time to forget); ``L`` is found by binary search. Take the day of least ``load``,
       ties to the latest. If even ``interview − 1`` falls short, take ``interview − 1``.
    """
    if sm2_due < interview:
        return sm2_due
    on_day = day_instant(interview)
    if model.retrievability(memory, on_day) >= target:
        return sm2_due
    first, last = answered_on + _DAY, interview - _DAY
    if first > last:
        return sm2_due

    def reaches(x: date) -> bool:
        return model.retrievability(model.review(memory, day_instant(x), GOOD), on_day) >= target

    if not reaches(last):
        return last
    return _least_loaded(_first_true(first, last, reaches), last, load)


def _first_true(first: date, last: date, predicate: Callable[[date], bool]) -> date:
    """The earliest day in ``[first, last]`` where the monotone ``predicate`` holds (it holds at ``last``)."""
    lo, hi = 0, (last - first).days
    while lo < hi:
        mid = (lo + hi) // 2
        if predicate(first + timedelta(days=mid)):
            hi = mid
        else:
            lo = mid + 1
    return first + timedelta(days=lo)


def _least_loaded(first: date, last: date, load: Mapping[date, int]) -> date:
    best, day = last, last
    while day > first:
        day -= _DAY
        if load.get(day, 0) < load.get(best, 0):
            best = day
    return best


def due_under_plan(*, due: date, memory: MemoryState | None, today: date, interview: date, target: float,
                   model: MemoryModel, load: Mapping[date, int]) -> date:
    """The due date under the plan of a card already scheduled for ``due``: :func:`place_due` as if
    the card had been answered yesterday, so that a card due on or after the interview that would not
    reach ``target`` gets a review from ``today`` to the day before. Call it for every chosen card
    when a plan is set or changed; the forecast does the same."""
    return place_due(answered_on=today - _DAY, sm2_due=due, memory=memory, interview=interview,
                     target=target, model=model, load=load)
