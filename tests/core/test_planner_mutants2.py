"""The planner's fixed return days, the count checks of measure_pace, and where place_due and
due_under_plan put a review when the day budget leaves room on one day only (LinearModel of
tests/core/planner_strategies.py: with target 0.9 a Good review on day x keeps a card at target on the
interview day I exactly when I − x ≤ 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mlprep.core import planner
from mlprep.core.planner import (
    AGAIN,
    GOOD,
    MAX_PLAN_DAYS,
    RETURN_DAYS,
    Pace,
    due_under_plan,
    lapse_reserve,
    measure_pace,
    place_due,
    review_capacity,
)
from tests.core.planner_strategies import TODAY, LinearModel, seen_on

D = timedelta(days=1)
LINEAR = LinearModel()


def test_return_days_follow_sm2_from_a_good_or_an_again_first_answer() -> None:
    # Good keeps EF 2.5: intervals 1, 6, then ceil(previous × 2.5): 15, 38, 95, 238 (the next, 595, would
    # pass day 730). Again sets EF to 2.5 − 0.32 = 2.18 and interval 1; then Good: 1, 6, then
    # ceil(previous × 2.18): 14, 31, 68, 149, 325 (the next, 709, would pass day 730). RETURN_DAYS' docstring.
    good, again = planner._cumulative_returns(GOOD), planner._cumulative_returns(AGAIN)
    assert good == (1, 7, 22, 60, 155, 393)
    assert again == (1, 2, 8, 22, 53, 121, 270, 595)
    assert max(good + again) <= MAX_PLAN_DAYS
    assert set(RETURN_DAYS) == set(good) | set(again)


@pytest.mark.parametrize("counts", [
    {"new": 5, "new_failed": -1, "reviews": 5, "reviews_failed": 0, "drills": 0},
    {"new": 5, "new_failed": 0, "reviews": 5, "reviews_failed": -1, "drills": 0},
])
def test_measure_pace_refuses_a_negative_failure_count(counts: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="inconsistent counts"):
        measure_pace(answer_ms=[1000] * 60, **counts)


def test_place_due_takes_the_first_day_of_the_window_when_it_is_the_only_one_with_room() -> None:
    interview = TODAY + 20 * D
    full = {TODAY + k * D: 1 for k in range(2, 20)}  # every day but TODAY + 1 holds its one review
    due = place_due(answered_on=TODAY, sm2_due=TODAY + 25 * D, memory=seen_on(TODAY), interview=interview,
                    target=0.9, model=LINEAR, load=full, capacity=1)
    assert due == TODAY + D


def test_place_due_with_no_window_day_reaching_the_target_takes_the_only_day_with_room() -> None:
    # Target 0.995: even a review the day before the interview leaves 0.99, so no day reaches it.
    interview = TODAY + 20 * D
    full = {TODAY + k * D: 1 for k in range(2, 20)}
    due = place_due(answered_on=TODAY, sm2_due=TODAY + 25 * D, memory=seen_on(TODAY), interview=interview,
                    target=0.995, model=LINEAR, load=full, capacity=1)
    assert due == TODAY + D


def test_due_under_plan_respects_the_days_capacity() -> None:
    # Days I−10 … I−1 would reach the target but are full (capacity 1): the latest day with room before them.
    interview = TODAY + 20 * D
    full = {interview - k * D: 1 for k in range(1, 11)}
    args = {"due": TODAY + 25 * D, "memory": seen_on(TODAY - D), "today": TODAY, "interview": interview,
            "target": 0.9, "model": LINEAR, "load": full}
    assert due_under_plan(**args, capacity=1) == interview - 11 * D
    assert due_under_plan(**args) == interview - D  # no capacity: least loaded, latest


def _most_reviews(budget: int, pace: Pace) -> int:
    """review_capacity's definition, counted up one review at a time."""
    n = 0
    while (n + 1) * pace.review_cost + lapse_reserve(n + 1, pace) <= budget + 1e-9:
        n += 1
    return n


@pytest.mark.parametrize("pace", [Pace(), Pace(15.0, 0.0, 0.25, 0.5), Pace(15.0, 0.0, 0.1, 2.0),
                                  Pace(15.0, 0.5, 0.5, 1.0), Pace(15.0, 0.0, 1.0, 1.0)])
def test_review_capacity_is_the_most_reviews_with_their_reserve_that_fit(pace: Pace) -> None:
    # The closed-form root lands a review short on some budgets (3 at Pace(): 2.9999999999999996 before
    # flooring), which the correction steps must make up.
    for budget in range(0, 80):
        assert review_capacity(budget, pace) == _most_reviews(budget, pace), budget


def test_place_due_never_moves_a_review_onto_the_interview_day() -> None:
    # Target 0.99: only a review the day before the interview reaches it, and that day is full: the latest
    # earlier day with room, not the (empty) interview day itself.
    interview = TODAY + 20 * D
    due = place_due(answered_on=TODAY, sm2_due=TODAY + 25 * D, memory=seen_on(TODAY), interview=interview,
                    target=0.99, model=LINEAR, load={interview - D: 1}, capacity=1)
    assert due == interview - 2 * D
