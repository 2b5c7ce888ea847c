"""FSRS-6 with a model built inside each test (its constants are computed when it is built), the
learning-step machine past its last step, times in UTC, and the py-fsrs card it hands over.

Values are py-fsrs 6.3's for the same answers (default parameters; the fast path equals it, see
tests/core/test_memory.py); w17 = 0.5425, w18 = 0.0912.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from mlprep.core.memory import FsrsModel, MemoryState, Phase, Recall, as_fsrs_card

T0 = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def replay(model: FsrsModel, *answers: tuple[float, int]) -> MemoryState:
    state = model.replay([Recall(at(days), quality) for days, quality in answers])
    assert state is not None
    return state


@pytest.fixture
def model() -> FsrsModel:
    return FsrsModel()


def test_the_model_keeps_its_parameters(model: FsrsModel) -> None:
    assert model.parameters == tuple(DEFAULT_PARAMETERS)


def test_retrievability_after_10_days_from_the_first_good(model: FsrsModel) -> None:
    # (1 + F·10/2.3065)^-w20 with F = 0.9^(-1/w20) - 1 = 0.980346.
    assert model.retrievability(model.review(None, T0, 4), at(10)) == pytest.approx(0.774367, abs=1e-6)


@pytest.mark.parametrize(("answers", "stability", "difficulty", "phase", "step"), [
    (((0, 4), (1, 4)), 7.315301, 2.111214, Phase.REVIEW, None),  # recall, Good
    (((0, 4), (1, 3)), 5.318793, 4.752858, Phase.LEARNING, 1),  # recall, Hard
    (((0, 4), (1, 5)), 11.687483, 1.0, Phase.REVIEW, None),  # recall, Easy
    (((0, 4), (10, 2)), 0.759160, 7.394503, Phase.LEARNING, 0),  # a lapse
    (((0, 4), (0.1, 2), (30, 2)), 0.432998, 9.128819, Phase.LEARNING, 0),
    (((0, 5), (20, 2), (20.01, 4)), 1.597918, 7.015191, Phase.REVIEW, None),  # relearning, then Good
])
def test_answers_give_py_fsrs_state(model: FsrsModel, answers: tuple[tuple[float, int], ...], stability: float,
                                    difficulty: float, phase: Phase, step: int | None) -> None:
    state = replay(model, *answers)
    assert state.stability == pytest.approx(stability, abs=1e-6)
    assert state.difficulty == pytest.approx(difficulty, abs=1e-6)
    assert (state.phase, state.step) == (phase, step)


def test_a_lapse_of_a_weak_card_is_capped_by_the_short_term_forgetting(model: FsrsModel) -> None:
    before = replay(model, (0, 2), (0.01, 2), (0.02, 2))
    lapsed = model.review(before, at(400), 2)
    # The long-term formula would give more than S / e^(w17·w18) here, so the cap decides.
    assert lapsed.stability == pytest.approx(before.stability / math.e ** (0.5425 * 0.0912), rel=1e-9)
    assert lapsed.stability == pytest.approx(0.033169, abs=1e-6)


def test_a_review_card_that_lapses_relearns_one_step(model: FsrsModel) -> None:
    graduated = model.review(None, T0, 5)
    lapsed = model.review(graduated, at(20), 0)
    assert (lapsed.phase, lapsed.step) == (Phase.RELEARNING, 0)
    assert (model.review(lapsed, at(20.01), 4).phase, model.review(lapsed, at(20.01), 4).step) == (Phase.REVIEW, None)


@pytest.mark.parametrize(("phase", "step", "quality", "after"), [
    # A state past its last step (e.g. saved under other learning steps): py-fsrs graduates it on any pass.
    (Phase.LEARNING, 2, 2, (Phase.LEARNING, 0)),
    (Phase.LEARNING, 2, 3, (Phase.REVIEW, None)),
    (Phase.LEARNING, 2, 4, (Phase.REVIEW, None)),
    (Phase.RELEARNING, 1, 3, (Phase.REVIEW, None)),
    (Phase.RELEARNING, 1, 2, (Phase.RELEARNING, 0)),
    (Phase.LEARNING, 1, 3, (Phase.LEARNING, 1)),
    (Phase.LEARNING, 0, 4, (Phase.LEARNING, 1)),
    (Phase.LEARNING, None, 4, (Phase.LEARNING, 1)),
])
def test_the_step_machine_as_py_fsrs(model: FsrsModel, phase: Phase, step: int | None, quality: int,
                                     after: tuple[Phase, int | None]) -> None:
    state = model.review(MemoryState(3.0, 5.0, T0, phase, step), at(1 / 24), quality)
    assert (state.phase, state.step) == after


@pytest.fixture
def tokyo() -> Iterator[None]:
    """The process's local zone is Asia/Tokyo for the test (restored afterwards)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_times_are_kept_in_utc_whatever_the_machines_zone(tokyo: None, model: FsrsModel) -> None:
    local = datetime(2025, 1, 6, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    assert Recall(local, 4).at.isoformat() == "2025-01-06T09:30:00+00:00"
    assert model.review(None, local, 4).last_review.isoformat() == "2025-01-06T09:30:00+00:00"


def test_the_py_fsrs_card_holds_the_state_with_its_due_at_the_last_review() -> None:
    state = MemoryState(4.5, 6.25, T0, Phase.RELEARNING, 0)
    card = as_fsrs_card(state)
    assert (card.card_id, card.stability, card.difficulty, card.due, card.last_review, int(card.state), card.step) == (
        0, 4.5, 6.25, T0, T0, 3, 0)
    assert as_fsrs_card(state, 42).card_id == 42
