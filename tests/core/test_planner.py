"""The interview planner: hand-worked rules (mlprep.core.planner) and projections
(mlprep.core.plan_forecast), then invariants over random plans.

Hand-worked projections use LinearModel (recall 1 − 0.01 × days since the last answer): with target
0.9 a review on day x keeps a card at target on the interview day I exactly when I − x ≤ 10.
SM-2 intervals for Good answers from a new card: 1, 6, 15, 38 days (tests/core/test_sm2.py).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlprep.core import sm2
from mlprep.core.models import CardId, DeckId
from mlprep.core.plan_forecast import Forecast, PlanCard, forecast, plan_status, readiness
from mlprep.core.planner import (
    RETURN_DAYS,
    UNMEASURED_PACE,
    Pace,
    PlanError,
    PlanSettings,
    Weight,
    answer_budget,
    day_instant,
    due_under_plan,
    fits_in,
    interleave,
    lapse_reserve,
    last_new_day,
    measure_pace,
    new_card_order,
    new_quota,
    place_due,
    review_capacity,
    validate_plan,
)
from tests.core.planner_strategies import FSRS, TODAY, LinearModel, Scenario, new_cards, scenarios, seen_on

D = timedelta(days=1)
LINEAR = LinearModel()
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def day(n: int) -> date:
    return TODAY + n * D


# --- validate_plan ----------------------------------------------------------------------------

AREAS = ("math", "sql")
DECKS = {DeckId("math-la"): "math", DeckId("math-prob"): "math", DeckId("sql-joins"): "sql"}
GOOD_PLAN = PlanSettings(interview=day(30), start=TODAY)


def error_of(plan: PlanSettings) -> PlanError:
    with pytest.raises(PlanError) as caught:
        validate_plan(plan, TODAY, AREAS, DECKS)
    error: PlanError = caught.value
    return error


def test_a_sound_plan_passes_with_the_bounds_included() -> None:
    validate_plan(GOOD_PLAN, TODAY, AREAS, DECKS)
    for budget, target in ((1, 0.5), (1440, 0.99)):
        validate_plan(replace(GOOD_PLAN, budget_minutes=budget, target_recall=target), TODAY, AREAS, DECKS)
    validate_plan(replace(GOOD_PLAN, interview=day(1), start=day(-20)), TODAY, AREAS, DECKS)


@pytest.mark.parametrize("interview", [day(0), day(-1)])
def test_an_interview_today_or_past_is_a_date_error(interview: date) -> None:
    error = error_of(replace(GOOD_PLAN, interview=interview, start=day(-5)))
    assert error.field == "date" and str(error).startswith("date: ")


def test_a_plan_starting_after_today_is_a_start_error() -> None:
    assert error_of(replace(GOOD_PLAN, start=day(1))).field == "start"


@pytest.mark.parametrize("budget", [0, -5, 1441, 45.5, True])
def test_budget_outside_1_to_1440_whole_minutes_is_a_budget_error(budget: int) -> None:
    error = error_of(replace(GOOD_PLAN, budget_minutes=budget))
    assert error.field == "budget" and str(error).startswith("budget: ")


@pytest.mark.parametrize("target", [0.49, 0.995, 1.0, 0.0, float("nan")])
def test_target_outside_50_to_99_percent_is_a_target_error(target: float) -> None:
    assert error_of(replace(GOOD_PLAN, target_recall=target)).field == "target"


def test_unknown_area_or_deck_is_named() -> None:
    error = error_of(replace(GOOD_PLAN, area_weights={"mth": Weight.FOCUS}))
    assert (error.field, error.message) == ("areas", "unknown area: mth")
    error = error_of(replace(GOOD_PLAN, deck_weights={DeckId("sql-join"): Weight.SKIP}))
    assert (error.field, error.message) == ("decks", "unknown deck: sql-join")


def test_skipping_every_area_or_every_chosen_deck_is_a_weights_error() -> None:
    assert error_of(replace(GOOD_PLAN, area_weights={"math": Weight.SKIP, "sql": Weight.SKIP})).field == "weights"
    all_decks = replace(GOOD_PLAN, area_weights={"sql": Weight.SKIP},
                        deck_weights={DeckId("math-la"): Weight.SKIP, DeckId("math-prob"): Weight.SKIP})
    assert error_of(all_decks).field == "weights"
    validate_plan(replace(all_decks, area_weights={}), TODAY, AREAS, DECKS)  # sql-joins is left


def test_weight_strings_become_weights_and_unknown_ones_raise() -> None:
    plan = PlanSettings(interview=day(9), start=TODAY, area_weights={"math": "focus"})  # type: ignore[dict-item]
    assert plan.area_weight("math") is Weight.FOCUS and plan.area_weight("sql") is Weight.NORMAL
    with pytest.raises(ValueError):
        PlanSettings(interview=day(9), start=TODAY, area_weights={"math": "double"})  # type: ignore[dict-item]


# --- interleave and new_card_order --------------------------------------------------------------

def test_focus_gives_two_cards_for_each_normal_one() -> None:
    # Focus items at (i + 0.5)/2 = 0.25, 0.75, 1.25, 1.75; normal ones at 0.5, 1.5.
    assert interleave([(Weight.FOCUS, ["f1", "f2", "f3", "f4"]), (Weight.NORMAL, ["n1", "n2"])]) == [
        "f1", "n1", "f2", "f3", "n2", "f4"]


def test_equal_weights_round_robin_in_group_order_and_a_short_group_stops() -> None:
    assert interleave([(Weight.NORMAL, ["a1", "a2", "a3"]), (Weight.NORMAL, ["b1"]),
                       (Weight.NORMAL, ["c1", "c2"])]) == ["a1", "b1", "c1", "a2", "c2", "a3"]


def test_skipped_and_empty_groups_are_left_out() -> None:
    assert interleave([(Weight.SKIP, ["s1"]), (Weight.NORMAL, []), (Weight.FOCUS, ["f1", "f2"])]) == ["f1", "f2"]
    assert interleave([]) == []


def test_default_order_is_curriculum_order_inside_areas_interleaved_across_them() -> None:
    cards = [*new_cards("math", "math-la", 2), *new_cards("math", "math-prob", 1), *new_cards("sql", "sql-j", 3)]
    assert [c.id for c in new_card_order(cards)] == [
        "math-la-0", "sql-j-0", "math-la-1", "sql-j-1", "math-prob-0", "sql-j-2"]


def test_a_focus_deck_comes_two_to_one_inside_its_area_without_changing_the_area_share() -> None:
    cards = [*new_cards("math", "la", 3), *new_cards("math", "prob", 3), *new_cards("sql", "j", 6)]
    order = new_card_order(cards, deck_weights={DeckId("prob"): Weight.FOCUS})
    assert [c.id for c in order] == ["prob-0", "j-0", "la-0", "j-1", "prob-1", "j-2", "prob-2", "j-3",
                                     "la-1", "j-4", "la-2", "j-5"]


def test_skipped_areas_and_decks_are_not_ordered() -> None:
    cards = [*new_cards("math", "la", 2), *new_cards("math", "prob", 2), *new_cards("sql", "j", 2)]
    order = new_card_order(cards, {"sql": Weight.SKIP}, {DeckId("la"): Weight.SKIP})
    assert [c.id for c in order] == ["prob-0", "prob-1"]


weighted_groups = st.lists(st.tuples(st.sampled_from(Weight), st.integers(0, 30)), min_size=1, max_size=9).map(
    lambda spec: [(w, [(g, i) for i in range(n)]) for g, (w, n) in enumerate(spec)])


@given(weighted_groups)
def test_interleave_keeps_each_groups_order_and_exactly_the_kept_items(
        groups: list[tuple[Weight, list[tuple[int, int]]]]) -> None:
    merged = interleave(groups)
    assert Counter(merged) == Counter(item for w, items in groups if w is not Weight.SKIP for item in items)
    for g, (_, items) in enumerate(groups):
        assert [item for item in merged if item[0] == g] == (items if groups[g][0] is not Weight.SKIP else [])


@given(weighted_groups)
def test_every_prefix_is_within_one_card_of_the_weighted_share_while_no_group_has_run_out(
        groups: list[tuple[Weight, list[tuple[int, int]]]]) -> None:
    kept = {g: (w.factor, len(items)) for g, (w, items) in enumerate(groups) if w.factor}
    total = sum(factor for factor, _ in kept.values())
    counts = dict.fromkeys(kept, 0)
    for n, (g, _) in enumerate(interleave(groups), 1):
        counts[g] += 1
        if any(counts[h] == size for h, (_, size) in kept.items()):
            break  # a group ran out: from here on the others share its slots
        for h, (factor, _) in kept.items():
            assert abs(counts[h] - n * factor / total) <= 1


# --- last_new_day, budget, quota ------------------------------------------------------------------

@pytest.mark.parametrize(("days", "introduction_days"), [
    (30, 25),  # reserve ceil(4.5) = 5: days 25–29 reviews only
    (100, 85),  # reserve 15 exactly
    (21, 17),  # reserve ceil(3.15) = 4
    (20, 17),  # reserve 3
    (10, 7),  # 15 % is 1.5 days, but at least 3
    (4, 1),  # reserve 3: only the first day
    (3, 1), (1, 1),  # never before the start
])
def test_last_new_day_keeps_the_final_15_percent_at_least_3_days_for_reviews(days: int,
                                                                              introduction_days: int) -> None:
    assert last_new_day(TODAY, day(days)) == day(introduction_days - 1)


def test_plan_settings_measure_the_reserve_from_the_plan_start() -> None:
    assert PlanSettings(interview=day(20), start=day(-10)).last_new_day == day(20 - 5 - 1)


def test_answer_budget_is_whole_answers_in_the_minutes() -> None:
    assert answer_budget(45, 15) == 180
    assert answer_budget(10, 7) == 85  # 600 / 7 = 85.7
    assert answer_budget(0, 15) == 0
    for bad in ((45, 0), (45, -1), (-1, 15)):
        with pytest.raises(ValueError):
            answer_budget(*bad)


def test_fits_in_counts_whole_items_of_a_cost() -> None:
    assert fits_in(20, 1.25) == 16
    assert fits_in(33, 1.1) == 30  # 33 / 1.1 = 29.999999999999996 in floating point
    assert fits_in(180, 1.0) == 180
    assert fits_in(-5, 2.0) == 0  # never negative
    with pytest.raises(ValueError, match="at least one answer"):
        fits_in(20, 0.9)


@given(st.integers(0, 2000), st.sampled_from([1.0, 1.1, 1.25, 4 / 3, 1.5, 2.0, 2.7]))
def test_fits_in_is_the_most_items_whose_cost_fits(budget: int, cost: float) -> None:
    n = fits_in(budget, cost)
    assert n * cost <= budget + 1e-6
    assert (n + 1) * cost > budget - 1e-6


def test_the_lapse_reserve_is_two_standard_deviations_of_the_days_drills() -> None:
    # 150 reviews failed at 15 %, one drill each: 2 × sqrt(150 × 0.15 × 0.85) = 2 × 4.373 = 8.746 answers
    assert lapse_reserve(150, Pace(15, 0.5, 0.15, 1.0)) == pytest.approx(8.746, abs=1e-3)
    assert lapse_reserve(150, Pace(15, 0.5, 0.15, 2.0)) == pytest.approx(17.493, abs=1e-3)  # two drills a fail
    assert lapse_reserve(0, Pace(15, 0.5, 0.15, 1.0)) == 0
    assert lapse_reserve(150, Pace(15, 0.5, 0.0, 1.0)) == 0 == lapse_reserve(150, Pace(15, 0.5, 1.0, 1.0))


def test_review_capacity_keeps_the_reserve_free() -> None:
    # 180 answers at 10 % review lapses: cost 1.1; 156 × 1.1 + 2·sqrt(156 × 0.09) = 171.6 + 7.49 = 179.1 fits,
    # 157 × 1.1 + 7.52 = 180.2 does not; without lapses the budget is all reviews
    assert review_capacity(180, Pace(15, 0.5, 0.1, 1.0)) == 156
    assert review_capacity(180, Pace()) == 180
    assert review_capacity(0, Pace(15, 0.5, 0.1, 1.0)) == 0 == review_capacity(-3, Pace())
    assert review_capacity(sys.maxsize, Pace(15, 0.5, 0.1, 1.0)) > 8 * 10**18  # an unlimited budget: no search


@given(st.integers(0, 5000), st.floats(0, 1), st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_review_capacity_is_the_most_reviews_that_fit_with_their_reserve(budget: int, fail: float,
                                                                          drills: float) -> None:
    pace = Pace(15, 0.5, fail, drills)
    n = review_capacity(budget, pace)
    assert n * pace.review_cost + lapse_reserve(n, pace) <= budget + 1e-6
    assert (n + 1) * pace.review_cost + lapse_reserve(n + 1, pace) > budget - 1e-6


def test_sm2_brings_a_new_card_back_1_7_22_days_after_a_good_and_1_2_8_22_after_an_again() -> None:
    # Good first: intervals 1, 6, 15 (6 × 2.5), 38 (ceil 15 × 2.5 = 37.5); Again first: a lapse restarts
    # at EF 2.18 with interval 1, then 1, 6, 14 (ceil 6 × 2.18 = 13.08), 31 (ceil 14 × 2.18 = 30.52).
    assert RETURN_DAYS[:7] == (1, 2, 7, 8, 22, 53, 60)
    assert RETURN_DAYS[-1] <= 730


def test_quota_spreads_100_cards_over_10_days_as_10_a_day() -> None:
    assert new_quota(remaining=100, today=TODAY, last_new=day(9), review_answers=20, budget_answers=180) == 10
    assert new_quota(remaining=95, today=TODAY, last_new=day(9), review_answers=0, budget_answers=180) == 10


def test_quota_is_capped_by_what_the_budget_leaves_after_reviews_and_drills() -> None:
    # 5 min at 15 s = 20 answers; 12 reviews with 1 drill in 4 take 15; a new card failed half the
    # time takes 1.5 answers: 5 / 1.5 -> 3 new cards.
    budget = answer_budget(5, 15)
    assert new_quota(remaining=100, today=TODAY, last_new=day(9), review_answers=15, budget_answers=budget,
                     new_cost=1.5) == 3
    assert new_quota(remaining=100, today=TODAY, last_new=day(9), review_answers=15, budget_answers=budget) == 5
    assert new_quota(remaining=100, today=TODAY, last_new=day(9), review_answers=21, budget_answers=budget,
                     new_cost=1.5) == 0


def test_quota_is_everything_left_on_the_last_new_day_and_nothing_after() -> None:
    assert new_quota(remaining=7, today=day(9), last_new=day(9), review_answers=0, budget_answers=180) == 7
    assert new_quota(remaining=7, today=day(10), last_new=day(9), review_answers=0, budget_answers=180) == 0
    assert new_quota(remaining=0, today=TODAY, last_new=day(9), review_answers=0, budget_answers=180) == 0


def test_pace_is_the_stated_default_until_50_answers_then_measured() -> None:
    counts = {"new": 40, "new_failed": 20, "reviews": 10, "reviews_failed": 1, "drills": 42}
    assert measure_pace(answer_ms=[4000] * 49, **counts) == UNMEASURED_PACE == Pace(15.0, 0.5, 0.1, 1.0)
    assert measure_pace(answer_ms=[4000] * 50, **counts) == Pace(4.0, 0.5, 0.1, 2.0)  # 42 drills / 21 failed
    assert measure_pace(answer_ms=[4000] * 30 + [9000] * 20 + [60_000], **counts).seconds_per_answer == 4.0
    # a kind with no answers yet keeps its default share; no failure yet: one drill per failure
    assert measure_pace(answer_ms=[4000] * 50, new=40, new_failed=0, reviews=0, reviews_failed=0,
                        drills=0) == Pace(4.0, 0.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="inconsistent"):
        measure_pace(answer_ms=[4000] * 50, new=4, new_failed=5, reviews=0, reviews_failed=0, drills=0)


def test_pace_costs_and_minutes() -> None:
    pace = Pace(12.0, new_fail=0.5, review_fail=0.25, drills_per_fail=2.0)
    assert (pace.new_cost, pace.review_cost) == (2.0, 1.5)
    assert pace.minutes(10) == pytest.approx(2.0)  # 10 answers × 12 s
    for bad in ((0.0,), (10.0, -0.1), (10.0, 1.1), (10.0, 0.0, 1.5), (10.0, 0.0, 0.0, -1.0), (float("inf"),)):
        with pytest.raises(ValueError):
            Pace(*bad)


# --- place_due ----------------------------------------------------------------------------------

def placed(*, answered_on: date, sm2_due: date, target: float = 0.9, load: dict[date, int] | None = None,
           capacity: int | None = None) -> date:
    """place_due with LinearModel for a card answered on ``answered_on``, interview on day 20."""
    return place_due(answered_on=answered_on, sm2_due=sm2_due, memory=seen_on(answered_on), interview=day(20),
                     target=target, model=LINEAR, load=load or {}, capacity=capacity)


def test_place_due_keeps_an_sm2_due_before_the_interview() -> None:
    # Even with a crowded day and a recall on the day (0.89) below the target.
    assert placed(answered_on=day(3), sm2_due=day(9), load={day(9): 500}) == day(9)


def test_place_due_keeps_sm2_due_after_the_interview_when_recall_on_the_day_suffices() -> None:
    assert placed(answered_on=day(10), sm2_due=day(40)) == day(40)  # recall on day 20: 0.90


def test_place_due_picks_the_least_loaded_day_at_which_a_review_reaches_the_target() -> None:
    # Answered day 5, recall on day 20 would be 0.85. A review on x gives 1 − 0.01 (20 − x) ≥ 0.9 from x = 10.
    load = {day(d): 3 for d in range(6, 20)} | {day(8): 0, day(12): 1, day(15): 2}
    assert placed(answered_on=day(5), sm2_due=day(35), load=load) == day(12)  # day 8 is too early


def test_place_due_breaks_load_ties_towards_the_latest_day() -> None:
    assert placed(answered_on=day(5), sm2_due=day(35)) == day(19)
    assert placed(answered_on=day(5), sm2_due=day(35), load={day(19): 1, day(18): 1}) == day(17)


def test_place_due_takes_the_day_before_when_even_that_falls_short() -> None:
    # A review on day 19 gives 0.99 < 0.995.
    assert placed(answered_on=day(5), sm2_due=day(35), target=0.995, load={day(10): 0, day(19): 9}) == day(19)


def test_place_due_uses_only_days_with_room_in_the_budget() -> None:
    # Answered day 5: a review from day 10 on reaches the target. Capacity 3 a day.
    full = {day(d): 3 for d in range(6, 20)}
    assert placed(answered_on=day(5), sm2_due=day(35), load=full | {day(16): 2, day(12): 2},
                  capacity=3) == day(16)  # least loaded with room, ties to the latest
    # no day from 10 on has room: the latest day with room before it (a review that helps, if less)
    assert placed(answered_on=day(5), sm2_due=day(35), load=full | {day(7): 0, day(8): 1}, capacity=3) == day(8)
    # no day with room at all: SM-2's date stays (the forecast counts the card below target)
    assert placed(answered_on=day(5), sm2_due=day(35), load=full, capacity=3) == day(35)
    # even day 19 falls short of 0.995: the latest day with room
    assert placed(answered_on=day(5), sm2_due=day(35), target=0.995, load=full | {day(13): 1}, capacity=3) == day(13)
    assert placed(answered_on=day(5), sm2_due=day(35), load=full, capacity=4) == day(19)


def test_place_due_keeps_sm2_due_when_no_day_is_left_before_the_interview() -> None:
    assert placed(answered_on=day(19), sm2_due=day(25), target=0.995) == day(25)


def test_due_under_plan_reschedules_a_card_due_after_the_interview_from_today() -> None:
    # Last answered 5 days ago (recall 0.75 on day 20); a review from day 10 on reaches 0.9.
    def under_plan(due: date, load: dict[date, int]) -> date:
        return due_under_plan(due=due, memory=seen_on(day(-5)), today=TODAY, interview=day(20), target=0.9,
                              model=LINEAR, load=load)

    assert under_plan(day(30), {day(d): 1 for d in range(20)} | {day(10): 0}) == day(10)
    assert under_plan(day(-2), {}) == day(-2)  # overdue: left to the queue


@settings(max_examples=200, deadline=None)
@given(st.integers(-30, 25), st.sampled_from([0, 1, 5, 14, 30, 60]), st.integers(1, 40),
       st.sampled_from([0.7, 0.85, 0.9, 0.95, 0.99]), st.lists(st.integers(0, 4), min_size=40, max_size=40),
       st.lists(st.sampled_from([2, 3, 4, 5]), min_size=1, max_size=5), st.sampled_from([None, 1, 2, 3, 5]))
def test_place_due_matches_its_rule_by_brute_force_with_fsrs(answered: int, sm2_gap: int, window: int,
                                                            target: float, loads: list[int],
                                                            grades: list[int], capacity: int | None) -> None:
    answered_on, interview = day(answered), day(answered + window)
    memory = None
    for i, grade in enumerate(grades):
        memory = FSRS.review(memory, day_instant(answered_on - (len(grades) - 1 - i) * 3 * D), grade)
    load = {answered_on + (i + 1) * D: n for i, n in enumerate(loads)}
    sm2_due = answered_on + (1 + sm2_gap) * D
    due = place_due(answered_on=answered_on, sm2_due=sm2_due, memory=memory, interview=interview, target=target,
                    model=FSRS, load=load, capacity=capacity)

    def room(x: date) -> bool:
        return capacity is None or load.get(x, 0) < capacity

    def on_day(x: date) -> float:
        return FSRS.retrievability(FSRS.review(memory, day_instant(x), 4), day_instant(interview))

    window_days = [answered_on + (i + 1) * D for i in range(window - 1)]
    if sm2_due < interview or FSRS.retrievability(memory, day_instant(interview)) >= target or not window_days:
        assert due == sm2_due
    elif on_day(window_days[-1]) < target:
        assert due == max((x for x in window_days if room(x)), default=sm2_due)
    else:
        reaching = [x for x in window_days if on_day(x) >= target]
        assert reaching == window_days[window_days.index(reaching[0]):]  # recall on the day grows with x
        roomy = [x for x in reaching if room(x)]
        earlier = [x for x in window_days if x < reaching[0] and room(x)]
        if roomy:
            assert due == min(roomy, key=lambda x: (load.get(x, 0), -x.toordinal()))
        else:
            assert due == max(earlier, default=sm2_due)
    assert due == sm2_due or room(due)  # a moved review never goes to a day without room


# --- forecast: worked by hand with LinearModel ----------------------------------------------------

def test_one_new_card_is_answered_on_sm2s_days_then_once_more_late_enough_for_the_day() -> None:
    # 20 days: new cards on days 0–16. Good on day 0 -> due day 1 -> due day 7 -> SM-2 says day 22, but
    # the recall on day 20 would be 0.87: reviews from day 10 reach 0.9, all days are empty -> day 19.
    plan = PlanSettings(interview=day(20), start=TODAY)
    result = forecast(cards=new_cards("math", "la", 1), settings=plan, today=TODAY, pace=Pace(15, 0.2), model=LINEAR)
    outlook = result.cards[CardId("la-0")]
    assert outlook.answers == (day(0), day(1), day(7), day(19))
    assert (outlook.sm2, outlook.due, outlook.recall) == (sm2.Sm2State(4, 2.5, 38), day(57), pytest.approx(0.99))
    assert [(d.day, d.reviews, d.new) for d in result.days if d.reviews or d.new] == [
        (day(0), 0, 1), (day(1), 1, 0), (day(7), 1, 0), (day(19), 1, 0)]
    assert result.days[0].minutes == pytest.approx(0.25)  # 1 answer × 15 s
    assert len(result.days) == 20 and result.on_track


def test_twenty_cards_in_ten_days_spread_three_a_day_with_their_reviews() -> None:
    # New cards on days 0–6: ceil(20/7) = 3, then 17/6, 14/5, 11/4, 8/3, 5/2 -> 3 each, last 2/1 -> 2.
    # A card new on day j is reviewed on j + 1 and j + 7 (while before day 10); recall on the day stays ≥ 0.9.
    plan = PlanSettings(interview=day(10), start=TODAY, budget_minutes=60)
    result = forecast(cards=new_cards("math", "la", 20), settings=plan, today=TODAY, pace=Pace(60), model=LINEAR,
                      front_load=False)
    assert [d.new for d in result.days] == [3, 3, 3, 3, 3, 3, 2, 0, 0, 0]
    assert [d.reviews for d in result.days] == [0, 3, 3, 3, 3, 3, 3, 2 + 3, 0 + 3, 0 + 3]
    assert result.on_track


def tight_plan(budget: int = 5) -> PlanSettings:
    return PlanSettings(interview=day(10), start=TODAY, budget_minutes=budget)


def test_a_small_budget_caps_new_cards_after_reviews_and_leaves_some_unseen() -> None:
    # 60 s an answer, 5 min: 5 first answers a day. Day 1: 3 reviews -> 2 new (not ceil(17/6) = 3), and so on;
    # 18 cards by day 6, and day 7 has 3 + 3 reviews: over budget.
    result = forecast(cards=new_cards("math", "la", 20), settings=tight_plan(), today=TODAY, pace=Pace(60),
                      model=LINEAR, front_load=False)
    assert [d.new for d in result.days] == [3, 2, 3, 2, 3, 2, 3, 0, 0, 0]
    assert [d.reviews for d in result.days] == [0, 3, 2, 3, 2, 3, 2, 6, 2, 3]
    assert [d.over_budget for d in result.days] == [False] * 7 + [True, False, False]
    assert (result.unseen, result.days_over_budget, result.on_track) == (2, 1, False)


def test_status_of_the_tight_plan_asks_for_the_peak_days_six_minutes() -> None:
    # Uncapped, the busiest days take 3 reviews + 3 new = 6 answers = 6 min; and 6 min keeps that plan.
    status = plan_status(cards=new_cards("math", "la", 20), settings=tight_plan(), today=TODAY, pace=Pace(60),
                         model=LINEAR, front_load=False)
    assert (status.on_track, status.unseen, status.days_over_budget, status.minutes_needed) == (False, 2, 1, 6)
    assert (status.skip_area, status.cards_lost) == (None, 0)  # one area: nothing to skip


def test_status_suggests_the_smallest_normal_area_whose_skipping_fits() -> None:
    # Skipping "tiny" leaves 18 cards: 3, 2, 3, 2, 3, 2, 3 a day, but day 7 has 6 reviews (over budget).
    # Skipping "mid" leaves 14: 2 a day, at most 4 answers a day. "big" is focus: never suggested.
    cards = [*new_cards("big", "b", 12), *new_cards("mid", "m", 6), *new_cards("tiny", "t", 2)]
    plan = replace(tight_plan(), area_weights={"big": Weight.FOCUS})
    status = plan_status(cards=cards, settings=plan, today=TODAY, pace=Pace(60), model=LINEAR, front_load=False)
    assert (status.on_track, status.skip_area, status.cards_lost, status.minutes_needed) == (False, "mid", 6, 6)


def test_status_suggests_the_area_losing_fewest_cards_among_those_that_fit() -> None:
    # Up to 17 cards fit this plan (3 + 3 reviews on day 7 from 18 on). Skipping a (2) leaves 18;
    # skipping b (4) leaves 16 and skipping c (14) leaves 6: both fit, b loses fewer.
    cards = [*new_cards("a", "a", 2), *new_cards("b", "b", 4), *new_cards("c", "c", 14)]
    status = plan_status(cards=cards, settings=tight_plan(), today=TODAY, pace=Pace(60), model=LINEAR, front_load=False)
    assert (status.skip_area, status.cards_lost) == ("b", 4)


def test_status_never_suggests_skipping_a_focus_area() -> None:
    # Skipping the focus area (4 cards) would leave 16, which fits; only the normal one may be suggested.
    cards = [*new_cards("f", "f", 4), *new_cards("n", "n", 16)]
    plan = replace(tight_plan(), area_weights={"f": Weight.FOCUS})
    status = plan_status(cards=cards, settings=plan, today=TODAY, pace=Pace(60), model=LINEAR)
    assert (status.skip_area, status.cards_lost) == ("n", 16)


def test_status_of_an_on_track_plan_suggests_nothing() -> None:
    status = plan_status(cards=new_cards("math", "la", 20), settings=tight_plan(60), today=TODAY, pace=Pace(60),
                         model=LINEAR)
    assert (status.on_track, status.minutes_needed, status.skip_area) == (True, None, None)


def test_no_budget_helps_when_cards_cannot_be_introduced_in_time() -> None:
    # Set 40 days before: reserve ceil(0.15 × 43) = 7, so new cards stopped on day 3 − 8 = day −5.
    plan = PlanSettings(interview=day(3), start=day(-40), budget_minutes=30)
    status = plan_status(cards=new_cards("math", "la", 5), settings=plan, today=TODAY, pace=Pace(60), model=LINEAR)
    assert (status.unseen, status.minutes_needed) == (5, None)


@pytest.mark.parametrize(("target", "below"), [(0.90, 0), (0.95, 1)])
def test_a_card_new_the_day_before_the_interview_is_below_a_target_above_its_recall(target: float,
                                                                                  below: int) -> None:
    # FSRS: first Good on the only day left, recall a day later 0.946847 (tests/core/test_memory.py).
    plan = PlanSettings(interview=day(1), start=TODAY, target_recall=target)
    status = plan_status(cards=new_cards("math", "la", 1), settings=plan, today=TODAY, pace=Pace(), model=FSRS)
    assert status.forecast.cards[CardId("la-0")].recall == pytest.approx(0.946847, abs=1e-6)
    assert (status.below_target, status.on_track, status.minutes_needed) == (below, not below, None)


def test_readiness_averages_recall_now_and_on_the_day_per_area() -> None:
    # Area a: a card answered 5 days ago (now 0.95; due day 30, so placed: reviews from today reach 0.9 on
    # day 10 -> the latest empty day, 9 -> 0.99) and a new card (now 0; answered 0, 1, 7 -> 0.97 on the day).
    # Area b is skipped: its card answered 20 days ago is left to decay: 0.80 now, 0.70 on day 10.
    cards = [PlanCard(CardId("a-seen"), "a", DeckId("a1"), sm2.Sm2State(2, 2.5, 6), day(30), seen_on(day(-5))),
             *new_cards("a", "a1", 1),
             PlanCard(CardId("b-seen"), "b", DeckId("b1"), sm2.Sm2State(1, 2.5, 1), day(30), seen_on(day(-20)))]
    plan = PlanSettings(interview=day(10), start=TODAY, area_weights={"b": Weight.SKIP})
    result = forecast(cards=cards, settings=plan, today=TODAY, pace=Pace(), model=LINEAR)
    assert result.cards[CardId("a-seen")].answers == (day(9),)
    a, b = readiness(cards=cards, forecast=result, model=LINEAR)
    assert (a.area, a.cards, a.now, a.on_day) == ("a", 2, pytest.approx(0.475), pytest.approx(0.98))
    assert (b.area, b.cards, b.now, b.on_day) == ("b", 1, pytest.approx(0.80), pytest.approx(0.70))


def test_forecast_refuses_an_interview_that_is_not_after_today() -> None:
    with pytest.raises(PlanError, match=r"^date: "):
        forecast(cards=[], settings=PlanSettings(interview=TODAY, start=day(-3)), today=TODAY, pace=Pace(),
                 model=LINEAR)


def test_forecast_of_1300_cards_over_60_days_is_fast_enough_to_run_it_in_a_test() -> None:
    cards = [card for a in range(9) for card in new_cards(f"area{a}", f"deck{a}", 145)]
    plan = PlanSettings(interview=day(60), start=TODAY, budget_minutes=90)
    result = forecast(cards=cards, settings=plan, today=TODAY, pace=Pace(), model=FSRS)
    assert (result.unseen, sum(d.new for d in result.days)) == (0, 1305)


# --- forecast: invariants over random plans with FSRS ---------------------------------------------

def run(scenario: Scenario, plan: PlanSettings | None = None) -> Forecast:
    """The FSRS forecast of ``scenario`` (under ``plan`` instead of its own settings if given)."""
    return forecast(cards=scenario.cards, settings=plan or scenario.settings, today=scenario.today,
                    pace=scenario.pace, model=FSRS)


@SLOW
@given(scenarios())
def test_forecast_has_one_row_a_day_and_answers_only_from_today_to_the_day_before(scenario: Scenario) -> None:
    result, interview = run(scenario), scenario.settings.interview
    assert [d.day for d in result.days] == [scenario.today + i * D for i in range((interview - scenario.today).days)]
    for outlook in result.cards.values():
        assert all(scenario.today <= a < interview for a in outlook.answers)
        assert list(outlook.answers) == sorted(set(outlook.answers))
        assert outlook.due is None or outlook.due >= interview  # every due date before the day was answered
    assert sum(d.reviews + d.new for d in result.days) == sum(len(o.answers) for o in result.cards.values())


@SLOW
@given(scenarios())
def test_sm2_states_along_the_forecast_are_plain_sm2_on_the_projected_grades(scenario: Scenario) -> None:
    result, interview = run(scenario), scenario.settings.interview
    for card in scenario.cards:
        outlook = result.cards.get(card.id)
        if outlook is None:
            continue
        state, due = card.sm2, card.due
        assert len(outlook.grades) == len(outlook.answers) and set(outlook.grades) <= {2, 4}
        for answered, grade in zip(outlook.answers, outlook.grades, strict=True):
            if due is not None and due < interview:
                assert answered == max(due, scenario.today)  # SM-2's date, kept before the interview
            state = sm2.review(state, grade)
            due = answered + state.interval * D
        assert outlook.sm2 == state
        assert outlook.due == due  # the last due date is SM-2's own, on or after the day


@SLOW
@given(scenarios())
def test_skipped_areas_and_decks_are_left_out_and_new_cards_come_by_the_last_new_day(scenario: Scenario) -> None:
    result, plan = run(scenario), scenario.settings
    chosen = {c.id for c in scenario.cards if plan.area_weight(c.area) is not Weight.SKIP
              and plan.deck_weight(c.deck) is not Weight.SKIP}
    assert set(result.cards) == chosen
    new = [c.id for c in scenario.cards if c.id in chosen and c.due is None]
    firsts = [result.cards[i].answers[0] for i in new if result.cards[i].answers]
    assert all(first <= plan.last_new_day for first in firsts)
    assert sum(d.new for d in result.days) == len(firsts)
    if result.on_track:
        assert len(firsts) == len(new)


@SLOW
@given(scenarios())
def test_without_failures_and_with_room_a_card_misses_the_target_only_when_answered_the_day_before(
        scenario: Scenario) -> None:
    plan = replace(scenario.settings, budget_minutes=1440)
    result = forecast(cards=scenario.cards, settings=plan, today=scenario.today,
                      pace=Pace(scenario.pace.seconds_per_answer), model=FSRS)
    for outlook in result.cards.values():
        recall = FSRS.retrievability(outlook.memory, day_instant(plan.interview))
        assert outlook.recall == recall
        if recall < plan.target_recall:
            assert outlook.memory is None or outlook.answers[-1] == plan.interview - D


@SLOW
@given(scenarios())
def test_projected_failures_follow_the_pace_and_on_track_is_its_definition(scenario: Scenario) -> None:
    result, pace = run(scenario), scenario.pace
    firsts = [o.grades[0] for c in scenario.cards if c.due is None
              for o in [result.cards.get(c.id)] if o is not None and o.grades]
    assert abs(firsts.count(2) - pace.new_fail * len(firsts)) < 1 + 1e-6  # the running total of the shares
    for d in result.days:
        assert d.minutes == pytest.approx(pace.minutes(d.reviews + d.new + d.failed * pace.drills_per_fail))
    chosen = list(result.cards.values())
    mean = sum(o.recall for o in chosen) / len(chosen) if chosen else 1.0
    assert result.expected_recall == pytest.approx(mean)
    assert result.on_track == (not result.unseen and not result.days_over_budget
                               and mean >= scenario.settings.target_recall - 1e-9)


@SLOW
@given(scenarios(max_cards=6))
def test_status_remedies_do_what_they_say(scenario: Scenario) -> None:
    plan = scenario.settings
    status = plan_status(cards=scenario.cards, settings=plan, today=scenario.today, pace=scenario.pace, model=FSRS)
    assert status.forecast == run(scenario)

    def chosen_in(area: str) -> int:
        return sum(1 for c in scenario.cards if c.area == area and plan.deck_weight(c.deck) is not Weight.SKIP)

    if status.on_track:
        assert (status.minutes_needed, status.skip_area) == (None, None)
        return
    if status.minutes_needed is not None:
        more = replace(plan, budget_minutes=status.minutes_needed)
        assert run(scenario, more).on_track
        assert plan.budget_minutes < status.minutes_needed <= 1440
    if status.skip_area is not None:
        assert plan.area_weight(status.skip_area) is Weight.NORMAL
        skipped = replace(plan, area_weights={**plan.area_weights, status.skip_area: Weight.SKIP})
        assert run(scenario, skipped).on_track
        assert status.cards_lost == chosen_in(status.skip_area)
    studied = {c.area for c in scenario.cards if plan.area_weight(c.area) is not Weight.SKIP and chosen_in(c.area)}
    for area in studied if len(studied) > 1 else ():  # no normal area losing fewer cards would fit
        if plan.area_weight(area) is Weight.NORMAL and chosen_in(area) < (status.cards_lost or 10**9):
            fewer = replace(plan, area_weights={**plan.area_weights, area: Weight.SKIP})
            assert not run(scenario, fewer).on_track


def test_the_quota_front_loads_while_the_days_its_cards_come_back_have_room() -> None:
    # 100 cards over 10 days: an even 10 a day; 30 answers a day. SM-2 brings today's cards back 1, 2,
    # 7 and 8 days on (RETURN_DAYS) before an interview on day 10.
    q = partial(new_quota, remaining=100, today=TODAY, last_new=day(9), budget_answers=30, interview=day(10))
    assert q(review_answers=0) == 10  # without the planned load: the even share
    assert q(review_answers=0, planned={}) == 15  # ceil(1.5 × 10), the later days empty
    assert q(review_answers=0, planned={day(1): 18}) == 12  # tomorrow has 30 − 18 = 12 left
    assert q(review_answers=0, planned={day(2): 17}) == 13
    assert q(review_answers=0, planned={day(8): 16}) == 14  # the third return counts too
    assert q(review_answers=0, planned={day(7): 25}) == 10  # never under the even share
    assert q(review_answers=25, planned={}) == 5  # nor over today's room
    assert q(review_answers=0, planned={day(3): 30, day(9): 30}) == 15  # other days do not matter
    assert q(review_answers=0, planned={day(8): 30}, interview=day(8)) == 15  # nor days from the interview on
    assert q(review_answers=0, planned={day(1): 7}, review_cost=1.5) == 13  # 20 reviews fit, 7 are planned
