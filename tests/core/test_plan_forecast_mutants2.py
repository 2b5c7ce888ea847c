"""The projection's arithmetic on days worked by hand: the minutes a day a plan needs when only the largest
budget is enough, which first answers fail, the drill after a failure, the day's room for new cards
(reviews, their drills and lapse reserve; new cards' own drills; front-loading within the reviews' room)
and the day capacity when reviews are placed before the interview."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from mlprep.core import sm2
from mlprep.core.memory import FsrsModel, MemoryState, Recall
from mlprep.core.models import CardId, DeckId
from mlprep.core.plan_forecast import DayPlan, PlanCard, forecast, plan_status
from mlprep.core.planner import AGAIN, GOOD, MAX_BUDGET_MINUTES, Pace, PlanSettings, day_instant
from tests.core.planner_strategies import LinearModel, new_cards, seen_on

TODAY = date(2026, 3, 10)
D = timedelta(days=1)
FSRS = FsrsModel()


class CliffModel:
    """Recall 1.0 up to 10 whole days after the last answer, 0.0 after; an answer only moves the last review.
    No review within 10 days fails, and a card is at any target on the interview day I exactly when its
    last answer is on I − 10 or later."""

    def replay(self, history: Sequence[Recall]) -> MemoryState | None:
        return MemoryState(1.0, 5.0, max(r.at for r in history)) if history else None

    def review(self, state: MemoryState | None, at: datetime, quality: int) -> MemoryState:
        return MemoryState(1.0, 5.0, at)

    def retrievability(self, state: MemoryState | None, at: datetime) -> float:
        if state is None:
            return 0.0
        return 1.0 if (at - state.last_review).days <= 10 else 0.0


CLIFF = CliffModel()


def plan(interview: date, minutes: int) -> PlanSettings:
    return PlanSettings(interview=interview, start=TODAY, budget_minutes=minutes)


def test_a_plan_one_minute_short_of_the_whole_day_needs_the_whole_day() -> None:
    # One day before the interview, 1440 new cards at one answer a minute (nobody fails): 1439 minutes
    # leave one card unseen, 1440 introduce them all, each recalled the next day above 90 % (FSRS: a first
    # Good answer gives about three days of stability).
    cards = [PlanCard(CardId(f"c-{i}"), "math", DeckId("d")) for i in range(MAX_BUDGET_MINUTES)]
    settings = PlanSettings(interview=TODAY + D, start=TODAY, budget_minutes=MAX_BUDGET_MINUTES - 1)
    status = plan_status(cards=cards, settings=settings, today=TODAY, pace=Pace(60.0), model=FSRS)
    assert not status.on_track and status.unseen == 1
    assert status.minutes_needed == MAX_BUDGET_MINUTES
    assert status.skip_area is None  # the only area is never skipped


def test_a_new_fail_share_of_one_half_fails_every_second_first_answer() -> None:
    cards = new_cards("math", "d", 4)
    f = forecast(cards=cards, settings=plan(TODAY + 14 * D, 60), today=TODAY, pace=Pace(60.0, new_fail=0.5),
                 model=LinearModel(), front_load=False)
    assert [f.cards[c.id].grades[0] for c in cards] == [GOOD, AGAIN, GOOD, AGAIN]


def test_a_failed_first_answer_is_drilled_once_with_good_the_same_day() -> None:
    card = PlanCard(CardId("c"), "math", DeckId("d"))
    f = forecast(cards=[card], settings=plan(TODAY + D, 60), today=TODAY, pace=Pace(60.0, new_fail=1.0),
                 model=FSRS)
    at = day_instant(TODAY)
    outlook = f.cards[card.id]
    assert outlook.grades == (AGAIN,)
    assert outlook.memory == FSRS.review(FSRS.review(None, at, AGAIN), at, GOOD)
    assert f.days[0].failed == 1


def test_the_days_room_for_new_cards_is_what_its_reviews_drills_and_reserve_leave() -> None:
    # 4 reviews due today, each certain to fail (last answered 100 days ago: LinearModel recall 0), at
    # 2 drills a failure: 4 + 4 × 2 answers, plus a lapse reserve of 2 × √(4 × 0.5 × 0.5) × 2 = 4, leave 4 of
    # the 20 answers; a new card costs 1 + 1.0 × 2 = 3 (every first answer fails): 1 fits. That one fails too.
    seen = [PlanCard(CardId(f"r-{i}"), "math", DeckId("d"), sm2.Sm2State(2, 2.5, 6), TODAY, seen_on(TODAY - 100 * D))
            for i in range(4)]
    pace = Pace(60.0, new_fail=1.0, review_fail=0.5, drills_per_fail=2.0)
    f = forecast(cards=seen + new_cards("math", "d", 30), settings=plan(TODAY + 14 * D, 20), today=TODAY,
                 pace=pace, model=LinearModel(), front_load=False)
    assert f.days[0] == DayPlan(TODAY, reviews=4, new=1, minutes=15.0, over_budget=False, failed=5)


def test_front_loading_stops_at_the_room_left_for_the_cards_returns() -> None:
    # 55 new cards over the 11 introduction days (interview in 14 days, 3 review-only days): 5 a day evenly,
    # up to ceil(1.5 × 5) = 8 front-loaded; but every day they come back on must hold them as reviews at
    # 1 + 0.5 × 1 = 1.5 answers each: 10 answers hold 6.
    pace = Pace(60.0, new_fail=0.0, review_fail=0.5, drills_per_fail=1.0)
    f = forecast(cards=new_cards("math", "d", 55), settings=plan(TODAY + 14 * D, 10), today=TODAY, pace=pace,
                 model=LinearModel())
    assert f.days[0].new == 6


def test_reviews_placed_when_a_plan_starts_keep_to_the_days_capacity() -> None:
    # 20 cards last answered 3 days ago, due after the interview (8 days away): CliffModel forgets them by
    # then, so each gets a review on a day of the window (today … I − 1, any day reaches the target), at
    # most 2 a day (2 answers a day); the 4 left over keep their SM-2 day and are not reviewed.
    cards = [PlanCard(CardId(f"c-{i}"), "math", DeckId("d"), sm2.Sm2State(2, 2.5, 6), TODAY + 20 * D,
                      MemoryState(1.0, 5.0, day_instant(TODAY - 3 * D))) for i in range(20)]
    f = forecast(cards=cards, settings=plan(TODAY + 8 * D, 2), today=TODAY, pace=Pace(60.0), model=CLIFF)
    assert [d.reviews for d in f.days] == [2] * 8
    assert f.days_over_budget == 0
    assert sum(not f.cards[c.id].answers for c in cards) == 4


def test_reviews_moved_after_an_answer_keep_to_the_days_capacity() -> None:
    # 60 cards due today (over the budget of 5): each review, with SM-2's next one after the interview (11
    # days away), is moved to a day of the window with room: 5 a day on days 1–10; the other 10 keep SM-2's.
    cards = [PlanCard(CardId(f"c-{i}"), "math", DeckId("d"), sm2.Sm2State(2, 2.5, 6), TODAY,
                      MemoryState(1.0, 5.0, day_instant(TODAY))) for i in range(60)]
    f = forecast(cards=cards, settings=plan(TODAY + 11 * D, 5), today=TODAY, pace=Pace(60.0), model=CLIFF)
    assert [d.reviews for d in f.days] == [60] + [5] * 10
    assert [d.over_budget for d in f.days] == [True] + [False] * 10
