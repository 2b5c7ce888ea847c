"""Projecting an interview plan day by day: the forecast, readiness per area, and the plan's status.

The projection is deterministic and follows the user's measured pace (:class:`Pace`): of the new
cards answered for the first time, the share ``Pace.new_fail`` is answered Again (SM-2 quality 2), the
rest Good (4); a review fails with the memory model's probability of forgetting the card then
(``1 − retrievability``). Failures are picked by a running total (a failure each time the sum of the
probabilities passes a whole number, so a share of 0.5 fails every second card), and each failed card
is re-drilled the same day (one FSRS same-day Good review; its time counts as
``Pace.drills_per_fail`` answers). The rules it applies (quota, due placement within the day's
capacity, new-card order) are those of :mod:`mlprep.core.planner`, called here as the app calls them
day by day.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType

from mlprep.core import sm2
from mlprep.core.memory import MemoryModel, MemoryState
from mlprep.core.models import CardId, DeckId
from mlprep.core.planner import (
    AGAIN,
    GOOD,
    MAX_BUDGET_MINUTES,
    Pace,
    PlanError,
    PlanSettings,
    Weight,
    answer_budget,
    day_instant,
    due_under_plan,
    lapse_reserve,
    new_card_order,
    new_quota,
    place_due,
    review_capacity,
)

_DAY = timedelta(days=1)
_UNLIMITED = sys.maxsize  # an answer budget that never caps the new-card quota


@dataclass(frozen=True)
class PlanCard:
    """One card as the planner sees it: its area slug and deck, SM-2 state, due study day (``None``
    while new: never answered) and memory state (``None`` without history)."""

    id: CardId
    area: str
    deck: DeckId
    sm2: sm2.Sm2State = sm2.NEW_CARD
    due: date | None = None
    memory: MemoryState | None = None


@dataclass(frozen=True)
class DayPlan:
    """One projected study day: ``reviews`` due, ``new`` cards introduced, ``failed`` first answers
    (re-drilled the same day), the ``minutes`` all its answers take (``Pace.minutes``, drills
    included) and whether they exceed the day's answer budget."""

    day: date
    reviews: int
    new: int
    minutes: float
    over_budget: bool
    failed: int = 0


@dataclass(frozen=True)
class CardOutlook:
    """A chosen card at the end of the projection: SM-2 state and due date after its last projected
    answer (``due`` ``None`` and ``memory`` ``None`` if never introduced), the projected answer days
    (first answer included) and their SM-2 grades (``grades``, one per answer: 4 Good or 2 Again,
    each Again followed by a same-day drill), and the predicted ``recall`` on the interview day
    (0.0 if unseen)."""

    sm2: sm2.Sm2State
    due: date | None
    memory: MemoryState | None
    answers: tuple[date, ...]
    recall: float
    grades: tuple[int, ...] = ()


@dataclass(frozen=True)
class Forecast:
    """The plan projected from ``today`` to the day before ``interview``: one :class:`DayPlan` a day
    and a :class:`CardOutlook` for every chosen card (not skipped by area or deck weight)."""

    today: date
    interview: date
    last_new_day: date
    target: float
    days: tuple[DayPlan, ...]
    cards: Mapping[CardId, CardOutlook] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def unseen(self) -> int:
        """Chosen cards still unseen on the interview day."""
        return sum(outlook.memory is None for outlook in self.cards.values())

    @property
    def days_over_budget(self) -> int:
        """Projected days whose answers exceed the budget."""
        return sum(day.over_budget for day in self.days)

    @property
    def below_target(self) -> int:
        """Introduced cards whose predicted recall on the day is below the target."""
        return sum(o.memory is not None and o.recall < self.target for o in self.cards.values())

    @property
    def expected_recall(self) -> float:
        """Mean predicted recall on the interview day over the chosen cards (unseen cards count 0;
        1.0 with no chosen card)."""
        if not self.cards:
            return 1.0
        return sum(outlook.recall for outlook in self.cards.values()) / len(self.cards)

    @property
    def on_track(self) -> bool:
        """Every chosen card introduced, no day over budget, and the expected recall on the day at
        least the target. (Single cards may fall below it: a projected lapse on the last days leaves
        no time to relearn; :attr:`below_target` counts them.)"""
        return not (self.unseen or self.days_over_budget) and self.expected_recall >= self.target - 1e-9


class _Track:
    __slots__ = ("answers", "due", "grades", "memory", "sm2")

    def __init__(self, card: PlanCard) -> None:
        self.sm2, self.due, self.memory = card.sm2, card.due, card.memory
        self.answers: list[date] = []
        self.grades: list[int] = []


class _Failures:
    """Which of a run of answers fail, each with its own probability: a failure each time the running
    total of the probabilities passes a whole number (deterministic; over any run, the failures are
    within one of the sum of the probabilities)."""

    def __init__(self) -> None:
        self.total = 0.0

    def next(self, probability: float) -> bool:
        self.total += probability
        if self.total >= 1 - 1e-9:
            self.total -= 1
            return True
        return False


class _Simulation:
    """The cards' states during a projection, and the cards due each day (the planned load)."""

    def __init__(self, model: MemoryModel, interview: date, target: float, pace: Pace, capacity: int) -> None:
        self.model, self.interview, self.target, self.capacity = model, interview, target, capacity
        self.new_fail, self.new_failures, self.review_failures = pace.new_fail, _Failures(), _Failures()
        self.due_on: dict[date, list[_Track]] = {}
        self.load: dict[date, int] = {}

    def schedule(self, track: _Track, due: date) -> None:
        track.due = due
        if due < self.interview:
            self.due_on.setdefault(due, []).append(track)
            self.load[due] = self.load.get(due, 0) + 1

    def answer(self, track: _Track, day: date, *, new: bool) -> bool:
        """Answer ``track`` on ``day`` (a new card fails at the pace's share, a review with the memory
        model's probability of forgetting it; a failed card is re-drilled); True if it failed."""
        at = day_instant(day)
        if new:
            failed = self.new_failures.next(self.new_fail)
        else:
            failed = self.review_failures.next(1 - self.model.retrievability(track.memory, at))
        track.sm2 = sm2.review(track.sm2, AGAIN if failed else GOOD)
        track.memory = self.model.review(track.memory, at, AGAIN if failed else GOOD)
        if failed:  # the same-day drill (SM-2 step 7): recall practice for the memory model, no SM-2 change
            track.memory = self.model.review(track.memory, at, GOOD)
        track.answers.append(day)
        track.grades.append(AGAIN if failed else GOOD)
        self.schedule(track, place_due(answered_on=day, sm2_due=day + timedelta(days=track.sm2.interval),
                                       memory=track.memory, interview=self.interview, target=self.target,
                                       model=self.model, load=self.load, capacity=self.capacity))
        return failed


def chosen_cards(cards: Sequence[PlanCard], settings: PlanSettings) -> list[PlanCard]:
    """The cards the plan studies: those of areas and decks not skipped, in the given order."""
    return [card for card in cards if settings.area_weight(card.area) is not Weight.SKIP
            and settings.deck_weight(card.deck) is not Weight.SKIP]


def forecast(*, cards: Sequence[PlanCard], settings: PlanSettings, today: date, pace: Pace,
             model: MemoryModel, front_load: bool = True) -> Forecast:
    """Project the plan over the chosen cards (``cards``: every card, new ones in curriculum order).

    Start: each seen card is due on :func:`due_under_plan` (overdue cards today). Then each day from
    ``today`` to the day before the interview: the due cards are answered (Good, or Again at the
    pace's ``review_fail`` share, see the module's docstring; ``sm2.review`` and ``model.review`` at
    :func:`day_instant`) and their next due date set by :func:`place_due` with the cards due each day
    as load and the reviews the budget holds (:func:`review_capacity`) as capacity;
    then :func:`new_quota` new cards, in :func:`new_card_order`, are answered for the first time
    (Again at the ``new_fail`` share) and placed likewise (front-loading within the budget's room
    unless ``front_load`` is False: the plain even share).
    Raises :class:`PlanError` (``date``) if the interview is not after ``today``. Cards of skipped
    areas and decks are left out entirely, reviews included.
    """
    if settings.interview <= today:
        raise PlanError("date", f"the interview ({settings.interview}) must be after today ({today})")
    budget = answer_budget(settings.budget_minutes, pace.seconds_per_answer)
    return _project(chosen_cards(cards, settings), settings, today, pace, model, budget, front_load)


def _project(cards: Sequence[PlanCard], settings: PlanSettings, today: date, pace: Pace, model: MemoryModel,
             budget_answers: int, front_load: bool = True) -> Forecast:
    capacity = review_capacity(budget_answers, pace)
    sim = _Simulation(model, settings.interview, settings.target_recall, pace, capacity)
    tracks = {card.id: _Track(card) for card in cards}
    for card in cards:
        if card.due is not None:
            due = due_under_plan(due=card.due, memory=card.memory, today=today, interview=settings.interview,
                                 target=settings.target_recall, model=model, load=sim.load, capacity=sim.capacity)
            sim.schedule(tracks[card.id], max(due, today))
    queue = [tracks[card.id] for card in new_card_order([c for c in cards if c.due is None],
                                                        settings.area_weights, settings.deck_weights)]
    days, introduced, last_new = [], 0, settings.last_new_day
    for offset in range((settings.interview - today).days):
        day = today + timedelta(days=offset)
        due_today = sim.due_on.pop(day, [])
        failed = sum(sim.answer(track, day, new=False) for track in due_today)
        quota = new_quota(remaining=len(queue) - introduced, today=day, last_new=last_new,
                          review_answers=len(due_today) + failed * pace.drills_per_fail
                          + lapse_reserve(len(due_today), pace),
                          budget_answers=budget_answers, new_cost=pace.new_cost, review_cost=pace.review_cost,
                          planned=sim.load if front_load else None, interview=settings.interview)
        failed += sum(sim.answer(track, day, new=True) for track in queue[introduced:introduced + quota])
        introduced += quota
        answers = len(due_today) + quota + failed * pace.drills_per_fail
        days.append(DayPlan(day, len(due_today), quota, pace.minutes(answers), answers > budget_answers + 1e-9,
                            failed))
    return Forecast(today, settings.interview, last_new, settings.target_recall, tuple(days),
                    MappingProxyType(_outlooks(tracks, model, settings.interview)))


def _outlooks(tracks: Mapping[CardId, _Track], model: MemoryModel, interview: date) -> dict[CardId, CardOutlook]:
    on_day = day_instant(interview)
    return {card_id: CardOutlook(t.sm2, t.due, t.memory, tuple(t.answers), model.retrievability(t.memory, on_day),
                                 tuple(t.grades))
            for card_id, t in tracks.items()}


@dataclass(frozen=True)
class AreaReadiness:
    """An area's predicted recall, averaged over its ``cards`` (unseen cards count 0): ``now`` on
    today and ``on_day`` on the interview day if the plan is followed."""

    area: str
    cards: int
    now: float
    on_day: float


def readiness(*, cards: Sequence[PlanCard], forecast: Forecast, model: MemoryModel) -> tuple[AreaReadiness, ...]:
    """Per area of ``cards`` (in order of first appearance): mean retrievability at
    ``day_instant(forecast.today)`` and on the interview day — from the forecast's final states for
    chosen cards, from the current state left to decay for cards of skipped areas or decks."""
    now, on_day = day_instant(forecast.today), day_instant(forecast.interview)
    by_area: dict[str, list[tuple[float, float]]] = {}
    for card in cards:
        outlook = forecast.cards.get(card.id)
        later = outlook.recall if outlook is not None else model.retrievability(card.memory, on_day)
        by_area.setdefault(card.area, []).append((model.retrievability(card.memory, now), later))
    return tuple(AreaReadiness(area, len(pairs), sum(p[0] for p in pairs) / len(pairs),
                               sum(p[1] for p in pairs) / len(pairs)) for area, pairs in by_area.items())


@dataclass(frozen=True)
class PlanStatus:
    """Whether the plan is on track (:attr:`Forecast.on_track`) and, if not, what would make it so:
    ``minutes_needed`` a day (``None`` if on track or no budget up to 1440 fits), or ``skip_area``,
    the one normal area whose skipping fits the plan losing the fewest chosen cards (``cards_lost``)."""

    forecast: Forecast
    minutes_needed: int | None = None
    skip_area: str | None = None
    cards_lost: int = 0

    @property
    def on_track(self) -> bool:
        """See :attr:`Forecast.on_track`."""
        return self.forecast.on_track

    @property
    def unseen(self) -> int:
        """Chosen cards that would be unseen on the interview day."""
        return self.forecast.unseen

    @property
    def days_over_budget(self) -> int:
        """Projected days over the budget."""
        return self.forecast.days_over_budget

    @property
    def below_target(self) -> int:
        """Introduced cards projected below the target recall on the day."""
        return self.forecast.below_target


def plan_status(*, cards: Sequence[PlanCard], settings: PlanSettings, today: date, pace: Pace,
                model: MemoryModel, front_load: bool = True) -> PlanStatus:
    """The forecast of the plan (see :func:`forecast`) and, when it is behind, the remedies: the least
    whole minutes a day above the budget whose forecast is on track (binary search above the budget,
    from the busiest day of the plan with no budget cap, doubled until a budget is on track; none if
    1440 minutes are not; on-trackness is taken as growing with the budget), and the
    area to skip (each normal area, fewest chosen cards first, ties in order of appearance; never the
    last chosen area). Raises :class:`PlanError` as :func:`forecast`."""
    base = forecast(cards=cards, settings=settings, today=today, pace=pace, model=model, front_load=front_load)
    if base.on_track:
        return PlanStatus(base)
    chosen = chosen_cards(cards, settings)
    area, lost = _area_to_skip(chosen, settings, today, pace, model, front_load)
    return PlanStatus(base, _minutes_needed(chosen, settings, today, pace, model, front_load), area, lost)


def _minutes_needed(cards: Sequence[PlanCard], settings: PlanSettings, today: date, pace: Pace,
                    model: MemoryModel, front_load: bool) -> int | None:
    def fits(minutes: int) -> bool:
        budget = answer_budget(minutes, pace.seconds_per_answer)
        return _project(cards, settings, today, pace, model, budget, front_load).on_track

    free = _project(cards, settings, today, pace, model, _UNLIMITED, False)
    if free.unseen or free.expected_recall < settings.target_recall - 1e-9:
        return None  # no budget helps: the cards cannot all be introduced or reach the target
    low = settings.budget_minutes + 1
    high = min(MAX_BUDGET_MINUTES, max(low, math.ceil(max(day.minutes for day in free.days) - 1e-9)))
    if low > MAX_BUDGET_MINUTES:
        return None
    while not fits(high):  # a capped plan moves reviews and introductions: its peak may need more
        if high >= MAX_BUDGET_MINUTES:
            return None
        low, high = high + 1, min(MAX_BUDGET_MINUTES, 2 * high)
    while low < high:
        mid = (low + high) // 2
        if fits(mid):
            high = mid
        else:
            low = mid + 1
    return high


def _area_to_skip(cards: Sequence[PlanCard], settings: PlanSettings, today: date, pace: Pace,
                  model: MemoryModel, front_load: bool) -> tuple[str | None, int]:
    sizes = Counter(card.area for card in cards)
    candidates = [area for area in sizes if settings.area_weight(area) is Weight.NORMAL] if len(sizes) > 1 else []
    for area in sorted(candidates, key=lambda a: sizes[a]):
        trial = replace(settings, area_weights={**settings.area_weights, area: Weight.SKIP})
        budget = answer_budget(trial.budget_minutes, pace.seconds_per_answer)
        if _project(chosen_cards(cards, trial), trial, today, pace, model, budget, front_load).on_track:
            return area, sizes[area]
    return None, 0
