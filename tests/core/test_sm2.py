"""SM-2 against sequences worked by hand from Wozniak's rule (see mlprep.core.sm2).

EF change per quality, from EF' = EF + (0.1 - (5-q)(0.08 + (5-q)0.02)):
q=5 +0.10, q=4 0.00, q=3 -0.14, q=2 -0.32, q=1 -0.54, q=0 -0.80.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlprep.core.sm2 import NEW_CARD, Sm2State, review


def run(qualities: list[int], start: Sm2State = NEW_CARD) -> list[Sm2State]:
    states, state = [], start
    for q in qualities:
        state = review(state, q)
        states.append(state)
    return states


def test_new_card_is_zero_reps_ef_2_5_interval_0() -> None:
    assert Sm2State(0, 2.5, 0) == NEW_CARD


def test_all_good_keeps_ef_and_grows_1_6_15_38() -> None:
    # I3 = ceil(6 * 2.5) = 15; I4 = ceil(15 * 2.5) = ceil(37.5) = 38.
    assert run([4, 4, 4, 4]) == [Sm2State(1, 2.5, 1), Sm2State(2, 2.5, 6), Sm2State(3, 2.5, 15),
                                 Sm2State(4, 2.5, 38)]


def test_all_easy_uses_the_ef_from_before_each_answer() -> None:
    # EF 2.6, 2.7, 2.8, 2.9; I3 = ceil(6 * 2.7) = ceil(16.2) = 17; I4 = ceil(17 * 2.8) = ceil(47.6) = 48.
    assert run([5, 5, 5, 5]) == [Sm2State(1, 2.6, 1), Sm2State(2, 2.7, 6), Sm2State(3, 2.8, 17),
                                 Sm2State(4, 2.9, 48)]


def test_all_hard_lowers_ef_by_0_14_each_time() -> None:
    # EF 2.36, 2.22, 2.08, 1.94; I3 = ceil(6 * 2.22) = 14; I4 = ceil(14 * 2.08) = ceil(29.12) = 30.
    assert run([3, 3, 3, 3]) == [Sm2State(1, 2.36, 1), Sm2State(2, 2.22, 6), Sm2State(3, 2.08, 14),
                                 Sm2State(4, 1.94, 30)]


def test_lapse_resets_repetitions_and_interval_but_keeps_the_lowered_ef() -> None:
    # From (3, 2.5, 15): q=2 -> EF 2.18, reps 0, I 1; then relearn 1, 6, ceil(6 * 2.18) = ceil(13.08) = 14.
    assert run([2, 4, 4, 4], Sm2State(3, 2.5, 15)) == [
        Sm2State(0, 2.18, 1), Sm2State(1, 2.18, 1), Sm2State(2, 2.18, 6), Sm2State(3, 2.18, 14)]


@pytest.mark.parametrize(("quality", "easiness"), [(2, 2.18), (1, 1.96), (0, 1.7)])
def test_failing_grades_lower_ef_by_the_formula(quality: int, easiness: float) -> None:
    assert review(NEW_CARD, quality) == Sm2State(0, easiness, 1)


def test_ef_never_drops_below_1_3() -> None:
    assert review(Sm2State(4, 1.4, 30), 0) == Sm2State(0, 1.3, 1)
    assert review(Sm2State(4, 1.3, 30), 3) == Sm2State(5, 1.3, 39)  # ceil(30 * 1.3) = 39


def test_interval_product_is_not_rounded_up_by_float_noise() -> None:
    # 25 * 2.2 is 55.00000000000001 in binary floating point; the exact product is 55, and a bare
    # ceil() would give 56. (10 * 2.2 happens to be exactly 22.0, so it cannot test this.)
    assert 25 * 2.2 != 55 and math.ceil(25 * 2.2) == 56
    assert review(Sm2State(3, 2.2, 25), 4) == Sm2State(4, 2.2, 55)
    assert review(Sm2State(3, 2.7, 15), 4) == Sm2State(4, 2.7, 41)  # 40.5 still rounds up


@pytest.mark.parametrize("bad", [-1, 6, 3.0, True, "4", None])
def test_quality_outside_0_to_5_raises_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        review(NEW_CARD, bad)  # type: ignore[arg-type]


@given(st.lists(st.integers(0, 5), min_size=1, max_size=40))
def test_any_sequence_keeps_ef_at_least_1_3_and_interval_at_least_1(qualities: list[int]) -> None:
    for state, q in zip(run(qualities), qualities, strict=True):
        assert state.easiness >= 1.3
        assert state.interval >= 1
        assert (state.repetitions == 0) == (q < 3)
