"""The interview plan as the app keeps it: stored settings, the introduction order of new cards, the
day's new-card quota, due dates placed before the interview, and the report the Plan screen and
``mlprep plan`` show.

The planning rules themselves are pure (:mod:`mlprep.core.planner`, :mod:`mlprep.core.plan_forecast`,
the FSRS-6 memory model in :mod:`mlprep.core.memory`); this module feeds them the collection's cards
and review log and writes back what they decide. SM-2 keeps scheduling every card exactly as without a
plan: a plan only (1) orders the new cards, (2) sets the day's new-card limit and (3) moves a review
that would fall on or after the interview (with predicted recall on the day under the target) to a
day before it. After the interview day the plan is inactive and SM-2's own dates apply.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mlprep.core import sm2
from mlprep.core.grades import DRILL_PASS
from mlprep.core.models import CardId, DeckId
from mlprep.core.planner import (
    GOOD,
    MIN_ANSWERS_FOR_PACE,
    Pace,
    PlanError,
    PlanSettings,
    Weight,
    answer_budget,
    due_under_plan,
    lapse_reserve,
    measure_pace,
    new_quota,
    place_due,
    review_capacity,
    validate_plan,
)
from mlprep.core.sm2 import Sm2State
from mlprep.core.study_settings import ALL_DECKS, LimitKind
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.plan_store import PLAN_KEY
from mlprep.storage.collection_db import CollectionDb
from mlprep.storage.plan_queries import PlannedCard
from mlprep.storage.rank_queries import DeckPlace, NewDeck, RankQueries

if TYPE_CHECKING:  # imported where a plan is forecast or a due date placed: not on the new-card order's path
    from mlprep.core.memory import MemoryModel, MemoryState
    from mlprep.core.plan_forecast import AreaReadiness, DayPlan, PlanCard

PACE_WINDOW = timedelta(days=30)  # failure shares and drills are measured over the last 30 days

__all__ = ["DuePlacer", "PlanError", "PlanReport", "Planner", "plan_from_json", "plan_to_json"]


def plan_to_json(plan: PlanSettings) -> dict[str, Any]:
    """``plan`` as stored (dates ISO, weights by name)."""
    return {"interview": plan.interview.isoformat(), "start": plan.start.isoformat(),
            "budget_minutes": plan.budget_minutes, "target_recall": plan.target_recall,
            "area_weights": {k: str(v) for k, v in plan.area_weights.items()},
            "deck_weights": {k: str(v) for k, v in plan.deck_weights.items()}}


def plan_from_json(data: Mapping[str, Any]) -> PlanSettings:
    """The inverse of :func:`plan_to_json`; ``ValueError`` (or ``KeyError``) for a damaged value."""
    return PlanSettings(interview=date.fromisoformat(data["interview"]), start=date.fromisoformat(data["start"]),
                        budget_minutes=int(data["budget_minutes"]), target_recall=float(data["target_recall"]),
                        area_weights={k: Weight(v) for k, v in data.get("area_weights", {}).items()},
                        deck_weights={DeckId(k): Weight(v) for k, v in data.get("deck_weights", {}).items()})


def _curriculum_key(card: PlannedCard) -> tuple[int, tuple[int, ...], str, int]:
    return (*_deck_key(card.area, card.leaf, card.deck_title), card.position)


def _deck_key(area_slug: str, leaf_id: str, title: str) -> tuple[int, tuple[int, ...], str]:
    """A deck's place in curriculum order: its area's number (unknown areas last), its leaf's numbers, its title."""
    area = AREAS_BY_SLUG.get(area_slug)
    leaf = tuple(int(p) for p in leaf_id.split(".") if p.isdigit())
    return (area.number if area else 99, leaf, title.lower())


def _deck_places(decks: list[NewDeck], plan: PlanSettings | None) -> tuple[dict[DeckId, DeckPlace], int]:
    """Where each deck's new cards go in :func:`mlprep.core.planner.new_card_order` under ``plan`` (none:
    every weight normal), and the least common multiple of the kept areas' factors: decks in curriculum
    order (equal keys share a place), areas in the order their first new card appears in it."""
    keys = {deck.deck_id: _deck_key(deck.area, deck.leaf, deck.title) for deck in decks}
    curriculum = {key: i for i, key in enumerate(sorted(set(keys.values())))}
    first: dict[str, tuple[tuple[int, tuple[int, ...], str], int, int]] = {}
    for deck in decks:
        seen = (keys[deck.deck_id], deck.first_position, deck.first_row)
        first[deck.area] = min(first.get(deck.area, seen), seen)
    areas = {area: i for i, area in enumerate(sorted(first, key=first.__getitem__))}
    area_weight = plan.area_weight if plan else (lambda _area: Weight.NORMAL)
    deck_weight = plan.deck_weight if plan else (lambda _deck: Weight.NORMAL)
    places = {deck.deck_id: DeckPlace(curriculum=curriculum[keys[deck.deck_id]], area=areas[deck.area],
                                      focus=deck_weight(deck.deck_id) is Weight.FOCUS,
                                      area_factor=area_weight(deck.area).factor,
                                      skipped=deck_weight(deck.deck_id) is Weight.SKIP)
              for deck in decks}
    return places, math.lcm(*{area_weight(area).factor for area in areas if area_weight(area).factor})


@dataclass(frozen=True)
class PlanReport:
    """What the Plan screen and ``mlprep plan`` show for the active plan on study day ``today``.

    ``new_today``: the new-card quota today; ``status``: ``"on track"`` or ``"behind"``, ``advice``
    what would put it on track (``minutes_needed`` a day, or skipping ``skip_area``); ``days``: the
    projected load to the day before the interview; ``readiness``: predicted recall per area now and on
    the day; ``pace``: the seconds per answer, failure shares and drills used (``pace_measured`` False
    while the log has under 50 answers and the stated defaults are used); ``expected_recall``: the mean
    predicted recall on the day over the chosen cards if the plan is followed (unseen cards 0)."""

    plan: PlanSettings
    today: date
    new_today: int
    last_new_day: date
    status: str
    advice: str
    minutes_needed: int | None
    skip_area: str | None
    unseen_on_day: int
    days_over_budget: int
    days: tuple[DayPlan, ...]
    readiness: tuple[AreaReadiness, ...]
    pace: Pace
    pace_measured: bool
    expected_recall: float = 0.0

    @property
    def days_left(self) -> int:
        """Study days from today to the interview."""
        return (self.plan.interview - self.today).days

    @property
    def on_track(self) -> bool:
        """True when every chosen card is introduced in time, reaches the target and no day is over budget."""
        return self.status == "on track"

    def summary(self) -> str:
        """One line for the deck list: ``"Interview in 23 days · on track"``."""
        when = "tomorrow" if self.days_left == 1 else f"in {self.days_left} days"
        return f"Interview {when} · {self.status}" + (f": {self.advice}" if self.advice else "")

    def to_json(self) -> dict[str, Any]:
        """The report as JSON values (``mlprep plan --json``)."""
        return {
            "date": self.plan.interview.isoformat(), "start": self.plan.start.isoformat(),
            "today": self.today.isoformat(),
            "budget_minutes": self.plan.budget_minutes, "target_recall": self.plan.target_recall,
            "area_weights": {k: str(v) for k, v in self.plan.area_weights.items()},
            "new_per_day": self.new_today, "last_new_day": self.last_new_day.isoformat(),
            "status": self.status, "advice": self.advice, "minutes_needed": self.minutes_needed,
            "skip_area": self.skip_area, "unseen_on_day": self.unseen_on_day,
            "days_over_budget": self.days_over_budget, "expected_recall": round(self.expected_recall, 4),
            "seconds_per_answer": round(self.pace.seconds_per_answer, 2),
            "new_fail": round(self.pace.new_fail, 3), "review_fail": round(self.pace.review_fail, 3),
            "drills_per_fail": round(self.pace.drills_per_fail, 3), "pace_measured": self.pace_measured,
            "forecast": [{"date": d.day.isoformat(), "reviews": d.reviews, "new": d.new, "minutes": round(d.minutes, 1),
                          "over_budget": d.over_budget} for d in self.days],
            "readiness": [{**asdict(r), "now": round(r.now, 4), "on_day": round(r.on_day, 4)} for r in self.readiness],
        }


class Planner:
    """The interview plan of one collection (``storage``), with the memory ``model`` (FSRS-6)."""

    def __init__(self, storage: CollectionDb, model: MemoryModel | None = None) -> None:
        self._storage = storage
        self._model = model
        self.ranking_generation = 0
        """Counts the rankings stored by :meth:`rank_new_cards`: a ranking computed before one of them is stale."""

    @property
    def model(self) -> MemoryModel:
        """The memory model the forecasts and due placement use: the one given, else FSRS-6 with its
        default parameters (:class:`mlprep.core.memory.FsrsModel`, made on first use: ranking new cards
        does not need it)."""
        if self._model is None:
            from mlprep.core.memory import FsrsModel

            self._model = FsrsModel()
        return self._model

    # -- the stored plan --------------------------------------------------------------------------

    def stored(self) -> PlanSettings | None:
        """The plan as saved (active or past), or ``None``; a damaged stored plan reads as none."""
        data = self._storage.settings.get_json(PLAN_KEY)
        if not isinstance(data, dict):
            return None
        try:
            return plan_from_json(data)
        except (KeyError, TypeError, ValueError):
            return None

    def active(self, today: date) -> PlanSettings | None:
        """The plan in force on study day ``today``: the stored one until the day before the interview."""
        plan = self.stored()
        return plan if plan is not None and today < plan.interview else None

    def save(self, plan: PlanSettings, today: date, since: datetime) -> None:
        """Validate ``plan`` (:func:`mlprep.core.planner.validate_plan`: :class:`PlanError` naming the
        field, and then nothing is saved), store it, re-rank the new cards and place the reviews that
        fall on or after the interview."""
        decks = {card.deck_id: card.area for card in self._storage.plans.cards()}
        validate_plan(plan, today, set(AREAS_BY_SLUG) | set(decks.values()), decks)
        self._storage.settings.set_json(PLAN_KEY, plan_to_json(plan))
        self.rank_new_cards(today)
        self._place_existing(plan, today, since)

    def rename_decks(self, renamed: Mapping[DeckId, DeckId]) -> None:
        """Carry the stored plan's deck weights from each old deck id to its new one (a renamed file)."""
        plan = self.stored()
        if plan is None or not any(old in plan.deck_weights for old in renamed):
            return
        weights = {renamed.get(deck, deck): weight for deck, weight in plan.deck_weights.items()}
        self._storage.settings.set_json(PLAN_KEY, plan_to_json(replace(plan, deck_weights=weights)))

    def clear(self, today: date) -> None:
        """Remove the plan; new cards go back to the default order (due dates it moved stay)."""
        self._storage.settings.set_json(PLAN_KEY, None)
        self.rank_new_cards(today)

    # -- what a plan changes ---------------------------------------------------------------------------

    def rank_new_cards(self, today: date) -> int:
        """Store the introduction order of every new card: the active plan's weighted order (its
        skipped areas and decks unranked: never introduced), else curriculum order interleaved across
        areas (:func:`mlprep.core.planner.new_card_order` over the new cards in curriculum order). Returns
        how many ranks changed. A ranking computed elsewhere (:meth:`rank_changes`) and not yet stored
        is stale after this: :meth:`store_ranks` then refuses it."""
        self.ranking_generation += 1
        return RankQueries(self._storage.db).write_ranks(self.rank_changes(today))

    def rank_changes(self, today: date) -> list[tuple[CardId, int | None]]:
        """The new cards whose stored rank differs from the order :meth:`rank_new_cards` stores, as
        ``(card, rank)`` (``None``: never introduced); only reads, so it can run on a second, read-only
        connection (:meth:`mlprep.storage.collection_db.CollectionDb.reader`) on another thread. The
        cards are ranked inside SQLite (:mod:`mlprep.storage.rank_queries`): no object per card."""
        queries = RankQueries(self._storage.db)
        places, lcm = _deck_places(queries.new_decks(), self.active(today))
        return queries.rank_changes(places, lcm)

    def many_new_cards(self, count: int) -> bool:
        """Whether at least ``count`` new cards wait for their introduction (a big ranking)."""
        return RankQueries(self._storage.db).new_cards_reach(count)

    def store_ranks(self, changes: list[tuple[CardId, int | None]], generation: int) -> bool:
        """Store ``changes`` from :meth:`rank_changes` (run on another connection) if nothing ranked the
        cards since :attr:`ranking_generation` was ``generation``; return whether they were stored."""
        if generation != self.ranking_generation:
            return False
        RankQueries(self._storage.db).write_ranks(changes)
        return True

    def new_card_limit(self, today: date, since: datetime) -> int | None:
        """The active plan's new-card limit for study day ``today`` (which began at ``since``), or
        ``None`` without a plan: :func:`mlprep.core.planner.new_quota` over the chosen new cards left at
        the day's start and the reviews due today, within the budget at the user's pace, with the
        reviews planned on later days (those due today still to answer counted on the day SM-2 brings
        them back after a Good) for front-loading. About the same all day: cards introduced and
        reviews answered today count as at its start."""
        plan = self.active(today)
        if plan is None:
            return None
        study = self._storage.study
        answered = study.answered_since(since, since + timedelta(days=1))  # that day only (a clock set back)
        available = study.available_by_deck(today, ALL_DECKS)
        left = sum(n[LimitKind.NEW] for n in available.values()) + sum(d[LimitKind.NEW] for d in answered.values())
        due = (sum(n[LimitKind.REVIEW] for n in available.values())
               + sum(d[LimitKind.REVIEW] for d in answered.values()))
        pace, _ = self.pace(since)
        planned = study.due_load(today + timedelta(days=1), plan.interview - timedelta(days=1))
        for card in self._storage.plans.cards():  # today's reviews still to answer come back too (if Good)
            if card.due is not None and card.due <= today:
                back = today + timedelta(days=sm2.review(Sm2State(card.repetitions, card.easiness, card.interval),
                                                          GOOD).interval)
                planned[back] = planned.get(back, 0) + 1
        quota = new_quota(remaining=left, today=today, last_new=plan.last_new_day,
                          review_answers=due * pace.review_cost + lapse_reserve(due, pace),
                          budget_answers=answer_budget(plan.budget_minutes, pace.seconds_per_answer),
                          new_cost=pace.new_cost, review_cost=pace.review_cost,
                          planned=planned, interview=plan.interview)
        return min(9999, quota)

    def placer(self, today: date, since: datetime) -> DuePlacer | None:
        """For a study session on ``today`` (begun at ``since``): what places its answers' due dates,
        or ``None`` without an active plan."""
        plan = self.active(today)
        if plan is None:
            return None
        load = self._storage.study.due_load(today, plan.interview - timedelta(days=1))
        return DuePlacer(plan, self.model, self._storage, load, self._capacity(plan, since))

    def _capacity(self, plan: PlanSettings, since: datetime) -> int:
        """The reviews a day of ``plan``'s budget holds at the user's pace, drills included."""
        pace, _ = self.pace(since)
        return review_capacity(answer_budget(plan.budget_minutes, pace.seconds_per_answer), pace)

    def _place_existing(self, plan: PlanSettings, today: date, since: datetime) -> None:
        from mlprep.core.memory import Recall

        histories = self._storage.plans.answers()
        load = self._storage.study.due_load(today, plan.interview - timedelta(days=1))
        capacity = self._capacity(plan, since)
        moved: dict[CardId, date] = {}
        for card in self._storage.plans.cards():
            if card.due is None or card.due < plan.interview or not self._chosen(plan, card):
                continue
            memory = self.model.replay([Recall(at, q) for at, q in histories.get(card.card_id, [])])
            due = due_under_plan(due=card.due, memory=memory, today=today, interview=plan.interview,
                                 target=plan.target_recall, model=self.model, load=load, capacity=capacity)
            if due != card.due:
                moved[card.card_id] = due
                load[due] = load.get(due, 0) + 1
        self._storage.cards.set_due(moved)

    @staticmethod
    def _chosen(plan: PlanSettings, card: PlannedCard) -> bool:
        return plan.area_weight(card.area) is not Weight.SKIP and plan.deck_weight(card.deck_id) is not Weight.SKIP

    # -- the report ---------------------------------------------------------------------------------------

    def pace(self, since: datetime) -> tuple[Pace, bool]:
        """The user's pace (:func:`mlprep.core.planner.measure_pace`: answers graded below Good count
        as failed, as they are re-drilled) over the last 30 days before ``since``, and whether it was
        measured (at least 50 answers) rather than the stated default (:data:`UNMEASURED_PACE`)."""
        sample = self._storage.plans.pace(since - PACE_WINDOW, DRILL_PASS)
        measured = len(sample.answer_ms) >= MIN_ANSWERS_FOR_PACE and sample.new + sample.reviews > 0
        pace = measure_pace(answer_ms=sample.answer_ms, new=sample.new, new_failed=sample.new_failed,
                            reviews=sample.reviews, reviews_failed=sample.reviews_failed, drills=sample.drills)
        return pace, measured

    def plan_cards(self, today: date) -> list[PlanCard]:
        """Every present, unsuspended card as the planner sees it (memory replayed from the log), in
        curriculum order; new cards in the order they would be introduced."""
        from mlprep.core.memory import Recall

        histories = self._storage.plans.answers()
        cards = sorted(self._storage.plans.cards(), key=_curriculum_key)
        return [_plan_card(c, self.model.replay([Recall(at, q) for at, q in histories.get(c.card_id, [])]))
                for c in cards]

    def report(self, today: date, since: datetime, *, advice: bool = True) -> PlanReport | None:
        """The active plan's report on study day ``today`` (begun at ``since``), or ``None``. With
        ``advice`` False the remedies for a plan that is behind are not searched (about 20 times
        faster: for the deck list's one line)."""
        plan = self.active(today)
        if plan is None:
            return None
        from mlprep.core.plan_forecast import forecast, plan_status, readiness

        cards = self.plan_cards(today)
        pace, measured = self.pace(since)
        if advice:
            result = plan_status(cards=cards, settings=plan, today=today, pace=pace, model=self.model)
            projected, minutes, skip = result.forecast, result.minutes_needed, result.skip_area
        else:
            projected = forecast(cards=cards, settings=plan, today=today, pace=pace, model=self.model)
            minutes, skip = None, None
        status = "on track" if projected.on_track else "behind"
        return PlanReport(plan, today, projected.days[0].new if projected.days else 0, plan.last_new_day, status,
                          _advice(projected.on_track, minutes, skip, searched=advice), minutes, skip, projected.unseen,
                          projected.days_over_budget, projected.days,
                          readiness(cards=cards, forecast=projected, model=self.model), pace, measured,
                          projected.expected_recall)


def _advice(on_track: bool, minutes: int | None, skip: str | None, *, searched: bool) -> str:
    if on_track:
        return ""
    if not searched:  # the remedies were not looked for: say where they are, not that there are none
        return "open the plan to see what would fit"
    parts = []
    if minutes is not None:
        parts.append(f"needs {minutes} min a day")
    if skip is not None:
        area = AREAS_BY_SLUG.get(skip)
        parts.append(f"skip {area.title if area else skip} to fit")
    return " or ".join(parts) if parts else "cannot be met by the day: move the date or skip areas"


def _plan_card(card: PlannedCard, memory: MemoryState | None) -> PlanCard:
    from mlprep.core.plan_forecast import PlanCard

    return PlanCard(card.card_id, card.area, card.deck_id, Sm2State(card.repetitions, card.easiness, card.interval),
                    card.due, memory)


class DuePlacer:
    """Places the due dates of one study session's answers under an active ``plan`` (see
    :func:`mlprep.core.planner.place_due`), keeping the planned load per day (``load``) up to date;
    ``capacity``: the reviews a day's budget holds (a moved review goes only to a day under it)."""

    def __init__(self, plan: PlanSettings, model: MemoryModel, storage: CollectionDb,
                 load: dict[date, int], capacity: int | None = None) -> None:
        self.plan, self._model, self._storage, self._load = plan, model, storage, load
        self._capacity = capacity

    def place(self, card_id: CardId, *, answered_on: date, at: datetime, quality: int, sm2_due: date,
              old_due: date | None) -> date:
        """The due date to store for ``card_id``, answered with ``quality`` at ``at`` on study day
        ``answered_on``, whose SM-2 due date is ``sm2_due`` (it was due on ``old_due``)."""
        if sm2_due < self.plan.interview:
            due = sm2_due
        else:
            from mlprep.core.memory import Recall

            history = [Recall(t, q) for t, q in self._storage.plans.answers(card_id).get(card_id, [])]
            memory = self._model.replay([*history, Recall(at, quality)])
            due = place_due(answered_on=answered_on, sm2_due=sm2_due, memory=memory, interview=self.plan.interview,
                            target=self.plan.target_recall, model=self._model, load=self._load,
                            capacity=self._capacity)
        self._move(old_due, due)
        return due

    def unplace(self, old_due: date | None, due: date | None) -> None:
        """Undo of :meth:`place`: the card is due on ``old_due`` again instead of ``due``."""
        self._move(due, old_due)

    def _move(self, before: date | None, after: date | None) -> None:
        if before is not None and before in self._load:
            self._load[before] = max(0, self._load[before] - 1)
        if after is not None and after < self.plan.interview:
            self._load[after] = self._load.get(after, 0) + 1

