"""FSRS-6 memory model: hand-worked values from the formulas (module docstring of mlprep.core.memory)
with py-fsrs 6.3's default parameters, and the fast path checked against py-fsrs itself.

Hand values (w = fsrs.scheduler.DEFAULT_PARAMETERS, F = 0.9^(-1/w20) - 1 = 0.980346):
first Good: S = w2 = 2.3065, D = w4 - e^(2·w5) + 1 = 2.118104;
first Easy: D = w4 - e^(3·w5) + 1 = -4.77, clamped to 1;
R after 1 day from S = 2.3065: (1 + F/2.3065)^-w20 = 0.946847;
Good one day after the first Good: S = 2.3065·(1 + e^w8·(11 - 2.118104)·2.3065^-w9·(e^(w10·0.053153) - 1))
= 7.315301 (fsrs-rs-python 0.9.3, an independent Rust implementation, gives 7.3153), and
D = w7·(-4.771631) + (1 - w7)·2.118104 = 2.111214;
Again the same day: S = 2.3065·e^(w17·(-2 + w18))·2.3065^-w19 = 0.775084;
Again 10 days later: R = 0.774367, S = min(w11·D^-w12·((S+1)^w13 - 1)·e^(w14·(1-R)), S/e^(w17·w18))
= min(0.759160, 2.195161) = 0.759160, D = w7·(-4.771631) + (1 - w7)·(D + (10 - D)·2·w6/9) = 7.394503.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta, timezone

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprep.core.memory import FsrsModel, MemoryState, Phase, Recall, as_fsrs_card, fsrs_rating

T0 = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)
MODEL = FsrsModel()
REFERENCE = fsrs.Scheduler(enable_fuzzing=False)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def reference_card(history: list[Recall]) -> fsrs.Card:
    """py-fsrs's own card after ``history``, answer by answer."""
    card = fsrs.Card(card_id=1, due=T0)
    for recall in history:
        card, _ = REFERENCE.review_card(card, fsrs_rating(recall.quality), recall.at)
    return card


def histories(min_gap_minutes: int = 0) -> st.SearchStrategy[list[Recall]]:
    """Answers in time order; gaps same-day (minutes), around a day, or weeks to months."""
    gaps = st.one_of(st.integers(min_gap_minutes, 120), st.integers(600, 3000), st.integers(3000, 200_000))
    return st.lists(st.tuples(gaps, st.integers(0, 5)), min_size=1, max_size=25).map(
        lambda steps: [Recall(T0 + timedelta(minutes=sum(gap for gap, _ in steps[:i + 1])), quality)
                       for i, (_, quality) in enumerate(steps)])


@pytest.mark.parametrize(("quality", "rating"), [(0, fsrs.Rating.Again), (1, fsrs.Rating.Again),
                                                 (2, fsrs.Rating.Again), (3, fsrs.Rating.Hard),
                                                 (4, fsrs.Rating.Good), (5, fsrs.Rating.Easy)])
def test_sm2_qualities_map_to_fsrs_ratings(quality: int, rating: fsrs.Rating) -> None:
    assert fsrs_rating(quality) is rating


@pytest.mark.parametrize("bad", [-1, 6, 4.0, True, None])
def test_quality_outside_0_to_5_raises(bad: object) -> None:
    with pytest.raises(ValueError, match="quality"):
        MODEL.review(None, T0, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="quality"):
        Recall(T0, bad)  # type: ignore[arg-type]


def test_first_good_answer_starts_at_w2_and_learning_step_1() -> None:
    state = MODEL.review(None, T0, 4)
    assert state.stability == pytest.approx(2.3065)
    assert state.difficulty == pytest.approx(2.118104, abs=1e-6)
    assert (state.last_review, state.phase, state.step) == (T0, Phase.LEARNING, 1)


def test_first_easy_answer_clamps_difficulty_to_1_and_graduates() -> None:
    state = MODEL.review(None, T0, 5)
    assert (state.stability, state.difficulty, state.phase, state.step) == (pytest.approx(8.2956), 1.0,
                                                                            Phase.REVIEW, None)


def test_good_a_day_after_good_grows_stability_to_7_3153() -> None:
    state = MODEL.replay([Recall(at(0), 4), Recall(at(1), 4)])
    assert state is not None
    assert state.stability == pytest.approx(7.315301, abs=1e-6)
    assert state.difficulty == pytest.approx(2.111214, abs=1e-6)
    assert (state.phase, state.step) == (Phase.REVIEW, None)


def test_again_the_same_day_uses_short_term_stability() -> None:
    state = MODEL.review(MODEL.review(None, at(0), 4), at(0.1), 2)
    assert state.stability == pytest.approx(0.775084, abs=1e-6)
    assert (state.phase, state.step) == (Phase.LEARNING, 0)


def test_good_the_same_day_never_lowers_stability() -> None:
    # The short-term factor e^(w17·w18)·2.3065^-w19 = 0.9945 is raised to 1 for a pass.
    assert MODEL.review(MODEL.review(None, at(0), 4), at(0.01), 4).stability == pytest.approx(2.3065)


def test_lapse_after_ten_days_takes_the_forget_stability() -> None:
    first = MODEL.review(None, at(0), 4)
    assert MODEL.retrievability(first, at(10)) == pytest.approx(0.774367, abs=1e-6)
    lapsed = MODEL.review(first, at(10), 1)
    assert lapsed.stability == pytest.approx(0.759160, abs=1e-6)
    assert lapsed.difficulty == pytest.approx(7.394503, abs=1e-6)


def test_review_phase_lapse_enters_relearning() -> None:
    graduated = MODEL.review(None, T0, 5)
    assert (MODEL.review(graduated, at(20), 0).phase, MODEL.review(graduated, at(20), 0).step) == (
        Phase.RELEARNING, 0)


def test_retrievability_is_0_9_after_stability_days_and_1_the_same_day() -> None:
    state = MemoryState(stability=10.0, difficulty=5.0, last_review=T0)
    assert MODEL.retrievability(state, at(10)) == pytest.approx(0.9, abs=1e-12)
    assert MODEL.retrievability(state, at(0.9)) == 1.0  # whole days elapsed, floored, as py-fsrs
    assert MODEL.retrievability(state, at(-3)) == 1.0  # never more than certain


def test_unseen_card_has_zero_retrievability_and_empty_history_no_state() -> None:
    assert MODEL.retrievability(None, T0) == 0.0
    assert MODEL.replay([]) is None


def test_recall_needs_an_aware_time_and_stores_it_in_utc() -> None:
    with pytest.raises(ValueError, match="aware"):
        Recall(datetime(2025, 1, 6, 9, 30), 4)
    assert Recall(datetime(2025, 1, 6, 11, 30, tzinfo=timezone(timedelta(hours=2))), 4).at == T0
    with pytest.raises(ValueError, match="aware"):
        MODEL.review(None, datetime(2025, 1, 6), 4)


def test_parameters_out_of_bounds_or_short_raise_and_custom_ones_are_used() -> None:
    with pytest.raises(ValueError):
        FsrsModel([0.1] * 20)
    with pytest.raises(ValueError):
        FsrsModel([*fsrs.scheduler.DEFAULT_PARAMETERS[:4], 11.0, *fsrs.scheduler.DEFAULT_PARAMETERS[5:]])
    custom = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    custom[2] = 3.5
    assert FsrsModel(custom).review(None, T0, 4).stability == 3.5


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(0, 400))
def test_fast_path_equals_py_fsrs_on_random_histories(history: list[Recall], later_days: int) -> None:
    state, card = None, fsrs.Card(card_id=1, due=T0)
    for recall in history:
        state = MODEL.review(state, recall.at, recall.quality)
        card, _ = REFERENCE.review_card(card, fsrs_rating(recall.quality), recall.at)
        assert state.stability == pytest.approx(card.stability, rel=1e-12)
        assert state.difficulty == pytest.approx(card.difficulty, rel=1e-12)
        assert (int(state.phase), state.step) == (card.state.value, card.step)
    probe = history[-1].at + timedelta(days=later_days, hours=5)
    assert MODEL.retrievability(state, probe) == pytest.approx(REFERENCE.get_card_retrievability(card, probe),
                                                                rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(histories(min_gap_minutes=1), st.randoms(use_true_random=False))
def test_replay_sorts_by_time_and_equals_py_fsrs(history: list[Recall], rng: random.Random) -> None:
    shuffled = list(history)
    rng.shuffle(shuffled)
    state, card = MODEL.replay(shuffled), reference_card(history)
    assert state is not None
    assert (state.stability, state.difficulty) == (pytest.approx(card.stability, rel=1e-12),
                                                   pytest.approx(card.difficulty, rel=1e-12))
    assert state.last_review == history[-1].at


def test_replay_keeps_the_given_order_of_answers_at_the_same_instant() -> None:
    # Again then Good at one instant is not Good then Again: a stable sort keeps the log's order.
    again_good, good_again = MODEL.replay([Recall(T0, 2), Recall(T0, 4)]), MODEL.replay([Recall(T0, 4), Recall(T0, 2)])
    assert again_good is not None and good_again is not None
    assert again_good.difficulty == pytest.approx(reference_card([Recall(T0, 2), Recall(T0, 4)]).difficulty)
    assert again_good.difficulty != good_again.difficulty


@settings(max_examples=100, deadline=None)
@given(histories(), histories())
def test_py_fsrs_continues_from_as_fsrs_card_as_from_the_whole_history(first: list[Recall],
                                                                       rest: list[Recall]) -> None:
    shift = first[-1].at - T0 + timedelta(days=1)
    rest = [Recall(r.at + shift, r.quality) for r in rest]
    state = MODEL.replay(first)
    assert state is not None
    card = as_fsrs_card(state, card_id=1)
    for recall in rest:
        card, _ = REFERENCE.review_card(card, fsrs_rating(recall.quality), recall.at)
    whole = reference_card(first + rest)
    assert (card.stability, card.difficulty, card.state, card.step) == (
        pytest.approx(whole.stability, rel=1e-12), pytest.approx(whole.difficulty, rel=1e-12), whole.state, whole.step)


@given(histories(), st.integers(0, 300), st.integers(1, 300))
def test_retrievability_falls_with_every_whole_day(history: list[Recall], day: int, more: int) -> None:
    state = MODEL.replay(history)
    assert state is not None
    sooner = MODEL.retrievability(state, state.last_review + timedelta(days=day))
    later = MODEL.retrievability(state, state.last_review + timedelta(days=day + more))
    assert 0.0 < later < sooner <= 1.0


@given(histories())
def test_stability_and_difficulty_stay_in_fsrs_bounds(history: list[Recall]) -> None:
    state = MODEL.replay(history)
    assert state is not None
    assert state.stability >= 0.001 and not math.isnan(state.stability)
    assert 1.0 <= state.difficulty <= 10.0
