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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, TypeVar

from mlprep.core import sm2
from mlprep.core.models import Button, DeckId

if TYPE_CHECKING:  # the memory model (fsrs) is imported by whoever forecasts, not by the new-card order
    from mlprep.core.memory import MemoryModel, MemoryState

DEFAULT_BUDGET_MINUTES = 45
MAX_BUDGET_MINUTES = 24 * 60
MAX_PLAN_DAYS = 730  # two years: a plan's projection runs day by day to the interview
DEFAULT_TARGET_RECALL = 0.90
MIN_TARGET_RECALL, MAX_TARGET_RECALL = 0.5, 0.99
DEFAULT_SECONDS_PER_ANSWER = 15.0
MIN_ANSWERS_FOR_PACE = 50  # answers in the log before their median replaces the default
REVIEW_ONLY_PERCENT, MIN_REVIEW_ONLY_DAYS = 15, 3
GOOD = int(Button.GOOD)  # the grade a projected answer gets when it passes
AGAIN = int(Button.AGAIN)  # the grade a projected answer gets when it fails
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


def fits_in(budget_answers: float, cost: float) -> int:
    """How many items costing ``cost`` answers each (≥ 1: the first answer and its expected drills)
    fit in ``budget_answers``: ``floor(budget / cost)``, never negative. Raises ``ValueError`` for a
    cost under 1."""
    if not cost >= 1:
        raise ValueError(f"an item costs at least one answer, got {cost!r}")
    return max(0, math.floor(budget_answers / cost + _EPS))


def _cumulative_returns(first_quality: int) -> tuple[int, ...]:
    """Days after its first answer on which SM-2 brings a card back, answered ``first_quality`` at
    first sight and Good at every review after it, up to :data:`MAX_PLAN_DAYS`."""
    state, day, days = sm2.review(sm2.NEW_CARD, first_quality), 0, []
    while day + state.interval <= MAX_PLAN_DAYS:
        day += state.interval
        days.append(day)
        state = sm2.review(state, GOOD)
    return tuple(days)


RETURN_DAYS = tuple(sorted(set(_cumulative_returns(GOOD)) | set(_cumulative_returns(AGAIN))))
"""Days after an introduction on which SM-2 brings a new card back when every review after it is Good:
1, 7, 22, 60, … after a Good first answer (intervals 1, 6, 15, 38 at EF 2.5) and 1, 2, 8, 22, … after
an Again (a lapse restarts it at EF 2.18: 1, 1, 6, 14). Front-loading checks the room on each."""
FRONT_LOAD = 1.5
"""How far above the even share a day may introduce while the budget has room (see :func:`new_quota`)."""


def new_quota(*, remaining: int, today: date, last_new: date, review_answers: float, budget_answers: int,
              new_cost: float = 1.0, review_cost: float = 1.0, planned: Mapping[date, int] | None = None,
              interview: date | None = None) -> int:
    """New cards to introduce on ``today``.

    ``remaining`` chosen cards not yet introduced are spread evenly over the introduction days left
    (``even = ceil(remaining / days)``, days = ``today`` to ``last_new`` inclusive), but never more than
    the day's budget leaves after its reviews: ``room = fits_in(budget_answers − review_answers,
    new_cost)``, where ``review_answers`` is what today's reviews take, their drills included (and
    the :func:`lapse_reserve` the caller keeps), and
    ``new_cost`` the answers one new card takes on its first day (:attr:`Pace.new_cost`); never
    negative; 0 after ``last_new``. Example: 100 cards, 10 days -> 10 a day.

    With ``planned`` (reviews already due per future day, up to the day before ``interview``) the
    day may also front-load: introduce up to ``ceil(1.5 × even)`` cards while every day on which SM-2
    brings them back before the interview (:data:`RETURN_DAYS`) still has room for that many more
    reviews at ``review_cost`` answers each. The even share leaves the first weeks' budget idle while
    the reviews of later weeks crowd out the last introductions; ``benchmarks/bench_planner.py``
    measures the effect on a simulated learner (``docs/benchmarks.md``).
    """
    days_left = (last_new - today).days + 1
    if days_left <= 0 or remaining <= 0:
        return 0
    room, even = fits_in(budget_answers - review_answers, new_cost), math.ceil(remaining / days_left)
    quota = even
    if planned is not None:
        end = interview or max(planned, default=today) + _DAY
        later = [fits_in(budget_answers, review_cost) - planned.get(today + timedelta(days=k), 0)
                 for k in RETURN_DAYS if today + timedelta(days=k) < end]
        quota = max(even, min(math.ceil(FRONT_LOAD * even), min(later, default=room)))
    return max(0, min(quota, room, remaining))


DEFAULT_NEW_FAIL = 0.5
"""Share of new cards answered below Good at first sight, assumed until the log has 50 answers."""
DEFAULT_REVIEW_FAIL = 0.1
"""Share of reviews answered below Good, assumed until the log has 50 answers (a 90 % pass rate)."""


@dataclass(frozen=True)
class Pace:
    """How long studying takes, as measured from the review log (:func:`measure_pace`).

    ``seconds_per_answer`` (> 0): the median answer time; ``new_fail`` and ``review_fail`` (0–1): the
    shares of new cards' first answers and of reviews graded below Good (these are re-drilled the
    same day, SM-2 step 7); ``drills_per_fail`` (≥ 0): same-day drill answers per answer below Good.
    ``ValueError`` otherwise. ``Pace()`` is a learner who passes everything (no drills).
    """

    seconds_per_answer: float = DEFAULT_SECONDS_PER_ANSWER
    new_fail: float = 0.0
    review_fail: float = 0.0
    drills_per_fail: float = 1.0

    def __post_init__(self) -> None:
        if not (0 < self.seconds_per_answer < math.inf and 0 <= self.new_fail <= 1 and 0 <= self.review_fail <= 1
                and 0 <= self.drills_per_fail < math.inf):
            raise ValueError(f"need 0 < seconds per answer, fail shares in 0–1 and 0 ≤ drills per fail, "
                             f"got {self!r}")

    @property
    def new_cost(self) -> float:
        """Answers a new card takes on its first day: ``1 + new_fail × drills_per_fail``."""
        return 1 + self.new_fail * self.drills_per_fail

    @property
    def review_cost(self) -> float:
        """Answers a review takes with its expected drills: ``1 + review_fail × drills_per_fail``."""
        return 1 + self.review_fail * self.drills_per_fail

    def minutes(self, answers: float) -> float:
        """Minutes ``answers`` (first answers and drills) take: ``answers × seconds / 60``."""
        return answers * self.seconds_per_answer / 60


UNMEASURED_PACE = Pace(DEFAULT_SECONDS_PER_ANSWER, DEFAULT_NEW_FAIL, DEFAULT_REVIEW_FAIL, 1.0)
"""The pace assumed before the log has 50 answers: 15 s an answer, half the new cards and a tenth of
the reviews failed, one drill each."""


def lapse_reserve(reviews: int, pace: Pace) -> float:
    """Answers a day keeps free for the chance in its reviews' lapses: two standard deviations of their
    drills, ``2 × sqrt(n × p × (1 − p)) × drills_per_fail`` for ``n`` reviews each failed with
    ``p = pace.review_fail`` (a binomial count). 150 reviews at p = 0.15: 8.7 answers (2 min at 15 s);
    0 with no reviews or ``p`` 0 or 1. Without it a day filled to the budget with expected answers
    runs over about one day in two."""
    p = pace.review_fail
    return 2 * math.sqrt(max(0, reviews) * p * (1 - p)) * pace.drills_per_fail


def review_capacity(budget_answers: int, pace: Pace) -> int:
    """The most reviews a day of ``budget_answers`` holds at ``pace``: the largest ``n`` with
    ``n × review_cost + lapse_reserve(n) ≤ budget_answers``. A review the plan moves goes only to a
    day with fewer planned (:func:`place_due`)."""
    cost = pace.review_cost
    spread = 2 * math.sqrt(pace.review_fail * (1 - pace.review_fail)) * pace.drills_per_fail
    if budget_answers <= 0:
        return 0
    # n·cost + spread·√n ≤ budget is a quadratic in x = √n: x ≤ (√(spread² + 4·cost·budget) − spread) / (2·cost)
    root = (math.sqrt(spread * spread + 4 * cost * budget_answers) - spread) / (2 * cost)
    n = min(fits_in(budget_answers, cost), math.floor(root * root))
    for _ in range(3):  # the root's float rounding: at most a step either way (bounded: floats lose 1s past 2^53)
        if n > 0 and n * cost + lapse_reserve(n, pace) > budget_answers + _EPS:
            n -= 1
        elif (n + 1) * cost + lapse_reserve(n + 1, pace) <= budget_answers + _EPS:
            n += 1
    return n


def measure_pace(*, answer_ms: Sequence[int], new: int, new_failed: int, reviews: int, reviews_failed: int,
                 drills: int) -> Pace:
    """The user's pace from the review log, once it holds at least 50 answers (``answer_ms``: every
    answer's time in ms, drills included) and at least one first answer: the median answer time;
    ``new_failed / new`` and ``reviews_failed / reviews`` (first answers graded below Good, each share
    the default while its count is 0); ``drills / (new_failed + reviews_failed)`` (1 while none
    failed). Before that, :data:`UNMEASURED_PACE`. Raises ``ValueError`` for counts that contradict
    each other (more failed than answered)."""
    if new_failed > new or reviews_failed > reviews or min(new, new_failed, reviews, reviews_failed, drills) < 0:
        raise ValueError(f"inconsistent counts: {new_failed}/{new} new failed, {reviews_failed}/{reviews} "
                         f"reviews failed, {drills} drills")
    if len(answer_ms) < MIN_ANSWERS_FOR_PACE or new + reviews <= 0:
        return UNMEASURED_PACE
    import statistics  # (fractions, decimal: not needed by the new-card order, which imports this module)

    failed = new_failed + reviews_failed
    return Pace(max(statistics.median(answer_ms), 1) / 1000,
                new_failed / new if new else DEFAULT_NEW_FAIL,
                reviews_failed / reviews if reviews else DEFAULT_REVIEW_FAIL,
                drills / failed if failed else 1.0)


@lru_cache(maxsize=4096)
def day_instant(day: date) -> datetime:
    """The instant the planner takes a study day's answers to happen at: noon UTC of ``day``.
    (Real answers may be up to a day off; FSRS counts whole days, so a prediction may be a day early.)"""
    return datetime.combine(day, time(12), UTC)


def place_due(*, answered_on: date, sm2_due: date, memory: MemoryState | None, interview: date,
              target: float, model: MemoryModel, load: Mapping[date, int], capacity: int | None = None) -> date:
    """The due date to store for a card answered (first pass) on ``answered_on``.

    ``sm2_due``: SM-2's next due date; ``memory``: the card's state after the answer; ``load``:
    cards already due each day; ``capacity``: the reviews a day's budget holds (``None``: no limit).
    SM-2's own state is never touched, only the due date. Rule:

    1. ``sm2_due`` before ``interview``: keep it.
    2. Recall predicted on the interview day without another review
       (``model.retrievability(memory, day_instant(interview))``) ≥ ``target``: keep ``sm2_due``.
    3. Window empty (``answered_on`` is the day before the interview or later): keep ``sm2_due``.
    4. Otherwise review inside the window ``answered_on < x < interview``, on a day with room
       (``load < capacity``). The days at which a Good review would bring the recall on the day to
       ≥ ``target`` are ``[L, interview − 1]`` (recall on the day grows with ``x``: a later review meets
       lower recall, so stability grows more, and leaves less time to forget); ``L`` is found by
       binary search. Take the day with room of least ``load`` in ``[L, interview − 1]``, ties to the
       latest; if none has room (or even ``interview − 1`` falls short of the target), the latest day
       with room before that; if no day in the window has room, keep ``sm2_due``: the plan never
       puts a day over its budget, and the forecast counts the card as below target.
    """
    if sm2_due < interview:
        return sm2_due
    on_day = day_instant(interview)
    if model.retrievability(memory, on_day) >= target:
        return sm2_due
    first, last = answered_on + _DAY, interview - _DAY
    if first > last:
        return sm2_due

    def has_room(x: date) -> bool:
        return capacity is None or load.get(x, 0) < capacity

    def reaches(x: date) -> bool:
        return model.retrievability(model.review(memory, day_instant(x), GOOD), on_day) >= target

    if reaches(last):
        low = _first_true(first, last, reaches)
        best = _least_loaded(low, last, load, has_room) or _latest(first, low - _DAY, has_room)
    else:
        best = _latest(first, last, has_room)
    return sm2_due if best is None else best


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


def _least_loaded(first: date, last: date, load: Mapping[date, int], allowed: Callable[[date], bool]) -> date | None:
    """The allowed day of least load in ``[first, last]``, ties to the latest; ``None`` if none is allowed."""
    best: date | None = None
    day = last
    while day >= first:
        if allowed(day) and (best is None or load.get(day, 0) < load.get(best, 0)):
            best = day
        day -= _DAY
    return best


def _latest(first: date, last: date, allowed: Callable[[date], bool]) -> date | None:
    """The latest allowed day in ``[first, last]``, or ``None``."""
    day = last
    while day >= first:
        if allowed(day):
            return day
        day -= _DAY
    return None


def due_under_plan(*, due: date, memory: MemoryState | None, today: date, interview: date, target: float,
                   model: MemoryModel, load: Mapping[date, int], capacity: int | None = None) -> date:
    """The due date under the plan of a card already scheduled for ``due``: :func:`place_due` as if
    the card had been answered yesterday, so that a card due on or after the interview that would not
    reach ``target`` gets a review from ``today`` to the day before. Call it for every chosen card
    when a plan is set or changed; the forecast does the same."""
    return place_due(answered_on=today - _DAY, sm2_due=due, memory=memory, interview=interview,
                     target=target, model=model, load=load, capacity=capacity)
