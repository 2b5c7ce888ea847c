"""The planner's rules at their bounds and with every message, and the plan status's remedies on plans
where the search for the minutes a day has to look (worked with LinearModel, tests/core/planner_strategies.py:
recall 1 − 0.01 × days since the last answer; with target 0.9 a review on day x keeps a card at target on the
interview day I exactly when I − x ≤ 10)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from types import FrameType

import pytest

from mlprep.core import sm2
from mlprep.core.memory import Recall
from mlprep.core.models import CardId, DeckId
from mlprep.core.plan_forecast import PlanCard, PlanStatus, forecast, plan_status
from mlprep.core.planner import (
    UNMEASURED_PACE,
    Pace,
    PlanError,
    PlanSettings,
    Weight,
    answer_budget,
    day_instant,
    due_under_plan,
    fits_in,
    last_new_day,
    measure_pace,
    new_quota,
    place_due,
    validate_plan,
)
from tests.core.planner_strategies import FSRS, TODAY, LinearModel, new_cards, seen_on

D = timedelta(days=1)
LINEAR = LinearModel()
AREAS = ("math", "sql")
DECKS = {DeckId("math-la"): "math", DeckId("math-prob"): "math", DeckId("sql-joins"): "sql"}
GOOD_PLAN = PlanSettings(interview=TODAY + 30 * D, start=TODAY)


def day(n: int) -> date:
    return TODAY + n * D


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: a search that never ends raises TimeoutError after ``seconds``."""
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def message_of(plan: PlanSettings, today: date = TODAY) -> str:
    with pytest.raises(PlanError) as caught:
        validate_plan(plan, today, AREAS, DECKS)
    return str(caught.value)


# -- settings and their checks -----------------------------------------------------------------------

def test_deck_weights_are_frozen_weights_and_missing_decks_are_normal() -> None:
    weights = {DeckId("math-la"): "skip"}
    plan = PlanSettings(interview=day(9), start=TODAY, deck_weights=weights)  # type: ignore[arg-type]
    weights[DeckId("math-prob")] = "skip"  # the plan keeps its own copy
    assert plan.deck_weight(DeckId("math-la")) is Weight.SKIP
    assert plan.deck_weight(DeckId("math-prob")) is Weight.NORMAL
    with pytest.raises(TypeError):
        plan.deck_weights[DeckId("x")] = Weight.SKIP  # type: ignore[index]


@pytest.mark.parametrize(("plan", "message"), [
    (replace(GOOD_PLAN, interview=TODAY, start=day(-5)), "date: the interview (2025-03-03) must be after today "
                                                         "(2025-03-03)"),
    (replace(GOOD_PLAN, interview=day(731)), "date: the interview (2027-03-04) is more than 730 days away: a plan "
                                             "covers at most two years"),
    (replace(GOOD_PLAN, start=day(1)), "start: the plan cannot start (2025-03-04) after today (2025-03-03)"),
    (replace(GOOD_PLAN, budget_minutes=0), "budget: minutes a day must be a whole number from 1 to 1440, got 0"),
    (replace(GOOD_PLAN, target_recall=0.4), "target: recall on the day must be from 50% to 99%, got 0.4"),
    (replace(GOOD_PLAN, area_weights={"cooking": Weight.NORMAL, "music": Weight.FOCUS}),
     "areas: unknown areas: cooking, music"),
    (replace(GOOD_PLAN, area_weights={"math": Weight.SKIP, "sql": Weight.SKIP}),
     "weights: every area is skipped: choose at least one to study"),
    (replace(GOOD_PLAN, area_weights={"sql": Weight.SKIP},
             deck_weights={DeckId("math-la"): Weight.SKIP, DeckId("math-prob"): Weight.SKIP}),
     "weights: every deck of the chosen areas is skipped: choose at least one to study"),
])
def test_each_refused_plan_says_why(plan: PlanSettings, message: str) -> None:
    assert message_of(plan) == message


def test_a_plan_may_reach_730_days_ahead() -> None:
    validate_plan(replace(GOOD_PLAN, interview=day(730)), TODAY, AREAS, DECKS)


def test_the_reserve_is_15_percent_rounded_up_for_long_plans_too() -> None:
    # 700 days: ceil(105.0) = 105 review-only days, the last new day is day 700 − 105 − 1 = 594.
    assert last_new_day(TODAY, day(700)) == day(594)


# -- budgets, quotas, pace ------------------------------------------------------------------------------

def test_answers_shorter_than_a_second_still_count() -> None:
    assert answer_budget(1, 0.5) == 120
    with pytest.raises(ValueError) as info:
        answer_budget(-1, 15)
    assert str(info.value) == "need seconds per answer > 0 and minutes ≥ 0, got 15, -1"


def test_no_budget_leaves_room_for_nothing() -> None:
    assert fits_in(0, 1.0) == 0
    with pytest.raises(ValueError) as info:
        fits_in(10, 0.5)
    assert str(info.value) == "an item costs at least one answer, got 0.5"


def test_front_loading_counts_an_empty_later_day_as_free() -> None:
    # 20 cards over 10 days: even 2, front-loaded ceil(3) = 3; the return days are empty: 3 left each.
    assert new_quota(remaining=20, today=TODAY, last_new=day(9), review_answers=0, budget_answers=3,
                     planned={}) == 3


def test_front_loading_without_an_interview_looks_up_to_the_last_planned_day() -> None:
    # No interview given: the planned days end the look-ahead (day 7 is the last; day 8 is not looked at).
    q = {"remaining": 20, "today": TODAY, "last_new": day(9), "review_answers": 0, "budget_answers": 4}
    assert new_quota(**q, planned={day(7): 2, day(8): 4}) == 2  # day 8 full, day 7 has 2 left
    assert new_quota(**q, planned={day(7): 0}) == 3


def test_pace_bounds_and_message() -> None:
    assert Pace(0.5).seconds_per_answer == 0.5
    assert Pace(15.0, 1.0, 1.0, 0.0) == Pace(15.0, 1.0, 1.0, 0.0)  # the bounds are allowed
    with pytest.raises(ValueError) as info:
        Pace(0.0, 0.1)
    assert str(info.value) == ("need 0 < seconds per answer, fail shares in 0–1 and 0 ≤ drills per fail, got "
                               "Pace(seconds_per_answer=0.0, new_fail=0.1, review_fail=0.0, drills_per_fail=1.0)")
    for bad in ((15.0, 0.0, 0.0, float("inf")), (15.0, 0.0, -0.01), (15.0, 1.01)):
        with pytest.raises(ValueError):
            Pace(*bad)


def test_measured_pace_from_few_first_answers_and_from_instant_answers() -> None:
    assert measure_pace(answer_ms=[4000] * 50, new=1, new_failed=1, reviews=0, reviews_failed=0,
                        drills=2) == Pace(4.0, 1.0, 0.1, 2.0)
    assert measure_pace(answer_ms=[4000] * 50, new=0, new_failed=0, reviews=0, reviews_failed=0,
                        drills=9) == UNMEASURED_PACE  # only drills: nothing measured
    assert measure_pace(answer_ms=[0] * 50, new=0, new_failed=0, reviews=10, reviews_failed=5,
                        drills=5) == Pace(0.001, 0.5, 0.5, 1.0)  # at least 1 ms; new share the default
    with pytest.raises(ValueError) as info:
        measure_pace(answer_ms=[], new=1, new_failed=0, reviews=1, reviews_failed=2, drills=0)
    assert str(info.value) == "inconsistent counts: 0/1 new failed, 2/1 reviews failed, 0 drills"
    with pytest.raises(ValueError):
        measure_pace(answer_ms=[], new=1, new_failed=0, reviews=1, reviews_failed=0, drills=-1)


# -- placing a due date ----------------------------------------------------------------------------------

def test_a_window_of_one_day_is_used() -> None:
    # Answered on day 18, interview day 20: recall on the day 0.98 < 0.985; a review on day 19 gives 0.99.
    assert place_due(answered_on=day(18), sm2_due=day(25), memory=seen_on(day(18)), interview=day(20),
                     target=0.985, model=LINEAR, load={}) == day(19)


def test_due_under_plan_keeps_a_card_that_will_be_remembered() -> None:
    # Answered yesterday: recall on day 5 is 1 − 0.06 = 0.94 ≥ 0.9, so SM-2's day 30 stays.
    assert due_under_plan(due=day(30), memory=seen_on(day(-1)), today=TODAY, interview=day(5), target=0.9,
                          model=LINEAR, load={}) == day(30)


def test_due_under_plan_may_place_the_review_today() -> None:
    # Answered 10 days ago: 0.85 on day 5; any review from today on reaches 0.9; today is the least loaded.
    load = {day(d): 5 for d in range(5)} | {TODAY: 0}
    assert due_under_plan(due=day(30), memory=seen_on(day(-10)), today=TODAY, interview=day(5), target=0.9,
                          model=LINEAR, load=load) == TODAY


@pytest.mark.parametrize("answered", range(-12, 19))
def test_place_due_finds_the_first_day_that_reaches_the_target(answered: int) -> None:
    # Interview day 30: a review reaches 0.9 from day 20 on. Day 20 carries 1 card, later days 5, earlier 0:
    # only the first reaching day is the least loaded among the days that reach.
    load = {day(d): 0 for d in range(-12, 20)} | {day(20): 1} | {day(d): 5 for d in range(21, 30)}
    with deadline(2):
        due = place_due(answered_on=day(answered), sm2_due=day(60), memory=seen_on(day(answered)), interview=day(30),
                        target=0.9, model=LINEAR, load=load)
    assert due == day(20) if answered < 20 else day(60)


# -- the forecast --------------------------------------------------------------------------------------

def test_the_forecast_says_when_new_cards_stop() -> None:
    result = forecast(cards=[], settings=PlanSettings(interview=day(10), start=TODAY), today=TODAY, pace=Pace(),
                      model=LINEAR)
    assert result.last_new_day == day(6)


def test_a_forecast_for_an_interview_today_is_refused_with_the_dates() -> None:
    with pytest.raises(PlanError) as info:
        forecast(cards=[], settings=PlanSettings(interview=TODAY, start=day(-3)), today=TODAY, pace=Pace(),
                 model=LINEAR)
    assert str(info.value) == "date: the interview (2025-03-03) must be after today (2025-03-03)"


def test_a_seen_card_that_will_be_remembered_is_left_to_sm2() -> None:
    seen = PlanCard(CardId("s"), "a", DeckId("a1"), sm2.Sm2State(2, 2.5, 6), day(30), seen_on(day(-1)))
    outlook = forecast(cards=[seen], settings=PlanSettings(interview=day(5), start=TODAY), today=TODAY, pace=Pace(),
                       model=LINEAR).cards[CardId("s")]
    assert (outlook.answers, outlook.due) == ((), day(30))


def test_the_memory_along_the_forecast_is_the_models_over_every_answer() -> None:
    result = forecast(cards=new_cards("math", "la", 1), settings=PlanSettings(interview=day(20), start=TODAY),
                      today=TODAY, pace=Pace(), model=FSRS)
    outlook = result.cards[CardId("la-0")]
    assert len(outlook.answers) >= 3
    assert outlook.memory == FSRS.replay([Recall(day_instant(d), 4) for d in outlook.answers])


def test_new_cards_come_in_the_plans_area_and_deck_order() -> None:
    # 6 new cards over days 0–6: one a day, so the order of first answers is the introduction order.
    def introduced(cards: list[PlanCard], **weights: object) -> list[str]:
        plan = PlanSettings(interview=day(10), start=TODAY, **weights)  # type: ignore[arg-type]
        result = forecast(cards=cards, settings=plan, today=TODAY, pace=Pace(), model=LINEAR, front_load=False)
        return [str(c) for c, _ in sorted(result.cards.items(), key=lambda item: item[1].answers[0])]

    by_area = [*new_cards("a", "a", 4), *new_cards("b", "b", 2)]
    # Focus items at (i + 0.5)/2 = 0.25, 0.75, 1.25, 1.75; normal ones at 0.5, 1.5.
    assert introduced(by_area, area_weights={"a": Weight.FOCUS}) == ["a-0", "b-0", "a-1", "a-2", "b-1", "a-3"]
    by_deck = [*new_cards("a", "a1", 2), *new_cards("a", "a2", 2)]
    assert introduced(by_deck, deck_weights={DeckId("a2"): Weight.FOCUS}) == ["a2-0", "a1-0", "a2-1", "a1-1"]


def seen_due(count: int, due: date, last: date) -> list[PlanCard]:
    return [PlanCard(CardId(f"s{i}"), "a", DeckId("a1"), sm2.Sm2State(2, 2.5, 6), due, seen_on(last))
            for i in range(count)]


@pytest.mark.parametrize(("seen", "first_day_new"), [(1, 3), (2, 2)])
def test_front_loading_leaves_room_for_the_reviews_already_due_tomorrow(seen: int, first_day_new: int) -> None:
    # 4 answers a day; 14 new cards over days 0–6: even 2, front-loaded 3 if tomorrow has 3 answers free.
    # One card due tomorrow leaves 3 (so 3 new); two leave 2 (so the even 2).
    plan = PlanSettings(interview=day(10), start=TODAY, budget_minutes=4)
    cards = [*seen_due(seen, day(1), day(-5)), *new_cards("a", "a1", 14)]
    assert forecast(cards=cards, settings=plan, today=TODAY, pace=Pace(60), model=LINEAR).days[0].new == first_day_new


def test_cards_due_on_the_interview_day_are_no_load() -> None:
    # Three cards seen today and due on day 10 (recall then exactly 0.9: left there). On day 3, two of the 8
    # new cards are left for days 3–6: even 1, front-loaded 2, and a week on is the interview day, not a
    # day with 3 reviews to fit: 2 come on day 3.
    plan = PlanSettings(interview=day(10), start=TODAY, budget_minutes=4)
    cards = [*seen_due(3, day(10), TODAY), *new_cards("a", "a1", 8)]
    result = forecast(cards=cards, settings=plan, today=TODAY, pace=Pace(60), model=LINEAR)
    assert [(d.new, d.reviews) for d in result.days] == [(3, 0), (1, 3), (2, 1), (2, 2), (0, 2), (0, 0), (0, 0),
                                                       (0, 3), (0, 1), (0, 2)]


# -- the plan status's remedies ------------------------------------------------------------------------

def status(cards: list[PlanCard], budget: int, *, interview: int = 10, front_load: bool = True,
           pace: Pace | None = None) -> PlanStatus:
    plan = PlanSettings(interview=day(interview), start=TODAY, budget_minutes=budget)
    with deadline(20):
        return plan_status(cards=cards, settings=plan, today=TODAY, pace=pace or Pace(60), model=LINEAR,
                           front_load=front_load)


@pytest.mark.parametrize(("count", "minutes"), [(9, 3), (15, 5), (20, 6)])
def test_minutes_needed_is_searched_between_the_budget_and_the_peak(count: int, minutes: int) -> None:
    # The even share at 1 minute is far behind; each figure is the least budget whose plan is on track
    # (20 cards: the peak days hold 3 reviews and 3 new cards, see tests/core/test_planner.py).
    needed = status(new_cards("math", "la", count), 1, front_load=False).minutes_needed
    assert needed == minutes and type(needed) is int
    assert forecast(cards=new_cards("math", "la", count), settings=PlanSettings(day(10), TODAY, minutes - 1),
                    today=TODAY, pace=Pace(60), model=LINEAR, front_load=False).on_track is False


def test_front_loaded_plans_need_their_own_minutes() -> None:
    # With front-loading, 16 cards need 6 minutes (5 leave a day over budget); without, 5 suffice.
    assert status(new_cards("math", "la", 16), 1).minutes_needed == 6
    assert status(new_cards("math", "la", 16), 1, front_load=False).minutes_needed == 5


def test_minutes_needed_is_above_the_budget_even_when_the_plain_peak_is_not() -> None:
    # 7 cards at 2 minutes: the even share's peak is 2 answers, but front-loading puts 3 on day 7; 3 minutes fit.
    assert status(new_cards("math", "la", 7), 2).minutes_needed == 3


def test_61_cards_in_two_days_need_61_minutes() -> None:
    # Last new day is today: 61 new cards today and their 61 reviews tomorrow, at a minute each.
    assert status(new_cards("a", "a", 61), 1, interview=2, front_load=False).minutes_needed == 61


def test_no_budget_up_to_a_day_fits_1500_answers_a_day() -> None:
    assert status(new_cards("a", "a", 1500), 1, interview=2, front_load=False).minutes_needed is None


def test_the_area_to_skip_is_the_smallest_that_fits_not_the_first_by_name() -> None:
    # As in tests/core/test_planner.py (a 2, b 4, c 14): "a" does not fit; "y" (4 cards) and "c" (14) do.
    cards = [*new_cards("a", "a", 2), *new_cards("y", "y", 4), *new_cards("c", "c", 14)]
    assert (status(cards, 5, front_load=False).skip_area, status(cards, 5, front_load=False).cards_lost) == ("y", 4)


def test_a_focus_area_is_never_the_one_to_skip() -> None:
    # Skipping the focus area (4 cards) would leave 16, which fits without front-loading.
    cards = [*new_cards("f", "f", 4), *new_cards("n", "n", 16)]
    plan = PlanSettings(interview=day(10), start=TODAY, budget_minutes=5, area_weights={"f": Weight.FOCUS})
    result = plan_status(cards=cards, settings=plan, today=TODAY, pace=Pace(60), model=LINEAR, front_load=False)
    assert (result.skip_area, result.cards_lost) == ("n", 16)


def test_the_area_to_skip_is_judged_with_front_loading() -> None:
    # 3 answers a day. Skipping "a" leaves b's 10 cards, which front-loading puts 3 at a time on days 0, 2
    # and 4: day 7 then has 3 reviews from day 0 and 1 from day 6, over budget. Skipping "b" leaves 1 card.
    cards = [*new_cards("a", "a", 1), *new_cards("b", "b", 10)]
    result = status(cards, 3)
    assert (result.skip_area, result.cards_lost, result.minutes_needed) == ("b", 10, 4)


def test_the_minutes_needed_put_a_front_loaded_plan_on_track() -> None:
    # 7 cards, 10 days, 1 minute. At 2 minutes front-loading introduces 2 on days 0, 2 and 4 and 1 on day 6,
    # so day 7 has 2 + 1 = 3 reviews: over budget. 3 minutes are the least that fit.
    assert forecast(cards=new_cards("math", "la", 7), settings=PlanSettings(day(10), TODAY, 3), today=TODAY,
                    pace=Pace(60), model=LINEAR).on_track
    assert not forecast(cards=new_cards("math", "la", 7), settings=PlanSettings(day(10), TODAY, 2), today=TODAY,
                        pace=Pace(60), model=LINEAR).on_track
    assert status(new_cards("math", "la", 7), 1).minutes_needed == 3
