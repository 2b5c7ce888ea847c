"""SM-2, the SuperMemo 2 scheduling algorithm, as a pure function.

Source: P. A. Wozniak, *Optimization of learning* (master's thesis, 1990), §3.2
"Application of a computer to improve the results obtained in working with the
SuperMemo method" (the SM-2 algorithm, steps 1–6), read as follows. After every
answer of quality ``q`` (0–5):

* EF' = EF + (0.1 − (5−q)(0.08 + (5−q)·0.02)), and never below 1.3;
* if q ≥ 3: repetitions + 1; the interval is 1 day after the first repetition,
  6 days after the second, and ``ceil(previous interval × EF)`` afterwards, with
  the EF as it stood *before* this answer;
* if q < 3: repetitions restart at 0 and the interval is 1 day; the EF is still
  updated as above (not reset).

Step 7 of SM-2 (re-drilling cards graded below 4 the same day) is a session
concern and lives in the study service, not here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_EASINESS = 1.3
INITIAL_EASINESS = 2.5


@dataclass(frozen=True)
class Sm2State:
    """A card's SM-2 state.

    ``repetitions``: successful recalls in a row (reset to 0 by a lapse);
    ``easiness``: the ease factor EF (≥ 1.3; 2.5 for a new card);
    ``interval``: days until the next review (0 for a card never reviewed).
    """

    repetitions: int
    easiness: float
    interval: int


NEW_CARD = Sm2State(0, INITIAL_EASINESS, 0)


def _next_easiness(easiness: float, quality: int) -> float:
    miss = 5 - quality
    updated = easiness + (0.1 - miss * (0.08 + miss * 0.02))
    # Every EF change is a multiple of 0.02, so rounding to 2 decimals removes only
    # binary floating-point noise (2.5 - 0.14 is 2.3600000000000003 otherwise).
    return round(max(MIN_EASINESS, updated), 2)


def review(state: Sm2State, quality: int) -> Sm2State:
    """Return the SM-2 state after answering a card in ``state`` with ``quality``.

    ``quality`` is an int from 0 (blackout) to 5 (perfect). Raises ``ValueError``
    for anything else (including bools and floats). Pure: no clock, no I/O.
    """
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"SM-2 quality must be an int from 0 to 5, got {quality!r}")
    return Sm2State(*step(state.repetitions, state.easiness, state.interval, quality))


def step(repetitions: int, easiness: float, interval: int, quality: int) -> tuple[int, float, int]:
    """:func:`review` on plain values, for the answer path (issue 16: no state objects per answer): the
    ``(repetitions, easiness, interval)`` after answering a card in that state with ``quality``, which the
    caller has checked is an int from 0 to 5 (:func:`mlprep.core.grades.check_quality`); nothing is
    checked here. Same rules and source as :func:`review`, which calls it."""
    next_easiness = _next_easiness(easiness, quality)
    if quality < 3:
        return 0, next_easiness, 1
    if repetitions == 0:
        return 1, next_easiness, 1
    if repetitions == 1:
        return 2, next_easiness, 6
    # round() first so that e.g. 10 × 2.2 = 22.000000000000004 gives 22, not 23.
    return repetitions + 1, next_easiness, math.ceil(round(interval * easiness, 9))
