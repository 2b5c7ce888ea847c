"""The memory model behind the interview planner: FSRS-6 stability, difficulty and retrievability.

A :class:`MemoryModel` turns a card's answers into a :class:`MemoryState` and predicts the
probability of recalling the card at a later instant (its *retrievability*). SM-2 still schedules
every card; the planner only asks the model how well a card will be remembered on the interview day.

:class:`FsrsModel` is FSRS-6, the Free Spaced Repetition Scheduler's memory model.
Sources: J. Ye, J. Su and Y. Cao, "A Stochastic Shortest Path Algorithm for Optimizing Spaced
Repetition Scheduling", KDD 2022 (the DSR model FSRS grew from); the FSRS-6 formulas as written in the
open-spaced-repetition wiki (github.com/open-spaced-repetition/fsrs4anki/wiki/The-Algorithm) and in
py-fsrs 6.3 (``fsrs/scheduler.py``), whose default parameters, bounds and constants are used here.
With ``w`` the 21 parameters, grade ``G`` (1 Again, 2 Hard, 3 Good, 4 Easy) and ``t`` the whole days
elapsed since the last review:

* retrievability ``R(t, S) = (1 + F·t/S)^(−w20)`` with ``F = 0.9^(−1/w20) − 1``, so ``R(S, S) = 0.9``;
* first answer: ``S0 = w[G−1]``; ``D0(G) = w4 − e^(w5·(G−1)) + 1``, clamped to 1–10;
* difficulty: ``D' = w7·D0(4) + (1 − w7)·(D + (10 − D)·(−w6·(G − 3))/9)``, clamped to 1–10;
* same day (t < 1): ``S' = S·e^(w17·(G − 3 + w18))·S^(−w19)``, the factor at least 1 unless Again;
* recall (G ≥ 2): ``S' = S·(1 + e^w8·(11 − D)·S^(−w9)·(e^(w10·(1 − R)) − 1)·(w15 if Hard)·(w16 if Easy))``;
* lapse (G = 1): ``S' = min(w11·D^(−w12)·((S + 1)^w13 − 1)·e^(w14·(1 − R)), S / e^(w17·w18))``;
* stability never below 0.001 days.

py-fsrs computes the same through a copied ``fsrs.Card`` per answer, about three times slower per
review; the planner makes thousands of model calls per projection, so :class:`FsrsModel` evaluates the
formulas on floats, in py-fsrs's order of operations, and ``tests/core/test_memory.py`` checks that it
equals py-fsrs (stability, difficulty, phase, step and retrievability) on random histories.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Protocol

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, MAX_DIFFICULTY, MIN_DIFFICULTY, STABILITY_MIN

# SM-2 quality (0–5) -> FSRS grade: 0–2 Again, 3 Hard, 4 Good, 5 Easy (mlprep.core.models.Button).
_GRADE_OF_QUALITY = (1, 1, 1, 2, 3, 4)
_AGAIN, _HARD, _GOOD, _EASY = 1, 2, 3, 4


class Phase(IntEnum):
    """FSRS's learning phase of a card, valued as ``fsrs.State``: learning steps, review, relearning steps."""

    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


def _check_quality(quality: int) -> int:
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"SM-2 quality must be an int from 0 to 5, got {quality!r}")
    return quality


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"time must be timezone-aware (UTC), got naive {at!r}")
    return at.astimezone(UTC)


def fsrs_rating(quality: int) -> fsrs.Rating:
    """The FSRS rating of an SM-2 quality: 0–2 Again, 3 Hard, 4 Good, 5 Easy (mlprep's buttons are
    Again = 2, Hard = 3, Good = 4, Easy = 5). Raises ``ValueError`` for anything but an int 0–5."""
    return fsrs.Rating(_GRADE_OF_QUALITY[_check_quality(quality)])


@dataclass(frozen=True)
class Recall:
    """One answer in a card's history: ``at`` an aware instant (stored in UTC), ``quality`` the
    SM-2 quality 0–5. Raises ``ValueError`` for a naive ``at`` or a quality outside 0–5."""

    at: datetime
    quality: int

    def __post_init__(self) -> None:
        _check_quality(self.quality)
        object.__setattr__(self, "at", _utc(self.at))


@dataclass(frozen=True)
class MemoryState:
    """A card's memory after its last answer.

    ``stability``: days until retrievability falls to 90 % (≥ 0.001); ``difficulty``: 1–10;
    ``last_review``: aware UTC instant of the last answer; ``phase`` and ``step`` (the learning or
    relearning step index, ``None`` in review) are what py-fsrs needs to continue the card
    (see :func:`as_fsrs_card`).
    """

    stability: float
    difficulty: float
    last_review: datetime
    phase: Phase = Phase.REVIEW
    step: int | None = None


class MemoryModel(Protocol):
    """A model of memory: a card's state from its answers, and its chance of recall later.

    Times are aware datetimes (UTC); qualities are SM-2's 0–5.
    """

    def replay(self, history: Sequence[Recall]) -> MemoryState | None:
        """The state after ``history`` (any order; replayed by time); ``None`` for no history."""
        ...

    def review(self, state: MemoryState | None, at: datetime, quality: int) -> MemoryState:
        """The state after one answer of ``quality`` at ``at`` (``state`` ``None`` = first answer)."""
        ...

    def retrievability(self, state: MemoryState | None, at: datetime) -> float:
        """Predicted probability (0–1) of recalling the card at ``at``; 0.0 for ``None`` (unseen)."""
        ...


class FsrsModel:
    """FSRS-6 (see the module docstring for the formulas and sources) with py-fsrs's default
    parameters, or ``parameters`` (21 floats, e.g. fitted to the user's log).

    Learning steps are py-fsrs's defaults (two learning steps, one relearning step); they only move
    ``phase``/``step``, never stability or difficulty. Elapsed time counts whole days (24 h), floored,
    as in py-fsrs. Raises ``ValueError`` for parameters of the wrong length or outside py-fsrs's bounds.
    """

    def __init__(self, parameters: Sequence[float] = DEFAULT_PARAMETERS) -> None:
        scheduler = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)  # validates the bounds
        w = scheduler.parameters
        self.parameters: tuple[float, ...] = w
        self._w = w
        self._decay = -w[20]
        self._factor: float = 0.9 ** (1 / self._decay) - 1
        self._learning_steps = len(scheduler.learning_steps)
        self._relearning_steps = len(scheduler.relearning_steps)
        self._exp_w8: float = math.e ** w[8]
        self._d0_easy: float = w[4] - (math.e ** (w[5] * (_EASY - 1))) + 1  # unclamped, as py-fsrs's mean reversion
        self._forget_short: float = math.e ** (w[17] * w[18])

    def replay(self, history: Sequence[Recall]) -> MemoryState | None:
        """The state after every answer in ``history``, replayed in time order (a stable sort, as
        py-fsrs's ``reschedule_card``); ``None`` for an empty history."""
        state: MemoryState | None = None
        for recall in sorted(history, key=lambda r: r.at):
            state = self.review(state, recall.at, recall.quality)
        return state

    def review(self, state: MemoryState | None, at: datetime, quality: int) -> MemoryState:
        """The state after answering with SM-2 ``quality`` (0–5) at the aware instant ``at``.

        ``state`` ``None`` is a first answer. An answer less than a whole day after the last one
        (or before it) is a same-day review (short-term stability), as in py-fsrs.
        Raises ``ValueError`` for a naive ``at`` or a quality outside 0–5.
        """
        grade = _GRADE_OF_QUALITY[_check_quality(quality)]
        at = _utc(at)
        if state is None:
            phase, step = self._next_phase(Phase.LEARNING, 0, grade)
            stability = max(self._w[grade - 1], STABILITY_MIN)
            difficulty = min(max(self._initial_difficulty(grade), MIN_DIFFICULTY), MAX_DIFFICULTY)
            return MemoryState(stability, difficulty, at, phase, step)
        days = (at - state.last_review).days
        if days < 1:
            stability = self._short_term_stability(state.stability, grade)
        else:
            r = self._recall(state.stability, days)
            stability = self._next_stability(state.difficulty, state.stability, r, grade)
        phase, step = self._next_phase(state.phase, state.step, grade)
        return MemoryState(stability, self._next_difficulty(state.difficulty, grade), at, phase, step)

    def retrievability(self, state: MemoryState | None, at: datetime) -> float:
        """Predicted recall probability at the aware instant ``at``: ``R(t, S)`` with ``t`` the whole
        days since ``state.last_review`` (never below 0); 0.0 for ``None`` (unseen: not ready).
        A naive ``at`` raises ``TypeError`` (datetime arithmetic)."""
        if state is None:
            return 0.0
        return self._recall(state.stability, max(0, (at - state.last_review).days))

    def _recall(self, stability: float, days: int) -> float:
        recall: float = (1 + self._factor * days / stability) ** self._decay
        return recall

    def _initial_difficulty(self, grade: int) -> float:
        difficulty: float = self._w[4] - (math.e ** (self._w[5] * (grade - 1))) + 1
        return difficulty

    def _next_difficulty(self, difficulty: float, grade: int) -> float:
        delta = -(self._w[6] * (grade - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        reverted = self._w[7] * self._d0_easy + (1 - self._w[7]) * damped
        return min(max(reverted, MIN_DIFFICULTY), MAX_DIFFICULTY)

    def _short_term_stability(self, stability: float, grade: int) -> float:
        w = self._w
        increase: float = (math.e ** (w[17] * (grade - 3 + w[18]))) * (stability ** -w[19])
        if grade != _AGAIN:
            increase = max(increase, 1.0)
        return max(stability * increase, STABILITY_MIN)

    def _next_stability(self, difficulty: float, stability: float, r: float, grade: int) -> float:
        w = self._w
        if grade == _AGAIN:
            long_term: float = w[11] * (difficulty ** -w[12]) * (((stability + 1) ** (w[13])) - 1) * (
                math.e ** ((1 - r) * w[14]))
            return max(min(long_term, stability / self._forget_short), STABILITY_MIN)
        hard_penalty = w[15] if grade == _HARD else 1
        easy_bonus = w[16] if grade == _EASY else 1
        growth: float = self._exp_w8 * (11 - difficulty) * (stability ** -w[9]) * (
            (math.e ** ((1 - r) * w[10])) - 1) * hard_penalty * easy_bonus
        return max(stability * (1 + growth), STABILITY_MIN)

    def _next_phase(self, phase: Phase, step: int | None, grade: int) -> tuple[Phase, int | None]:
        """py-fsrs's step machine (``Scheduler.review_card``): the phase and step after ``grade``."""
        if phase is Phase.REVIEW:
            if grade == _AGAIN and self._relearning_steps:
                return Phase.RELEARNING, 0
            return Phase.REVIEW, None
        steps = self._learning_steps if phase is Phase.LEARNING else self._relearning_steps
        at = step or 0
        if steps == 0 or (at >= steps and grade != _AGAIN) or grade == _EASY:
            return Phase.REVIEW, None
        if grade == _AGAIN:
            return phase, 0
        if grade == _HARD:
            return phase, at
        return (Phase.REVIEW, None) if at + 1 == steps else (phase, at + 1)


def as_fsrs_card(state: MemoryState, card_id: int = 0) -> fsrs.Card:
    """The py-fsrs ``Card`` holding ``state`` (``due`` set to its last review: py-fsrs reads ``due``
    only to schedule, never to update memory), so that a later FSRS scheduler can continue from it."""
    return fsrs.Card(card_id=card_id, state=fsrs.State(int(state.phase)), step=state.step,
                     stability=state.stability, difficulty=state.difficulty, due=state.last_review,
                     last_review=state.last_review)
