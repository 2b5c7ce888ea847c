"""Answer grades: SM-2 qualities, the one table of their names, and the keys of both grading modes.

SM-2 grades an answer with a quality from 0 to 5 (Wozniak 1990, §3.2): 5 perfect, 4 correct after
hesitation, 3 correct with serious difficulty, 2 incorrect but the answer seemed easy once seen, 1
incorrect but remembered once seen, 0 complete blackout. mlprep's four buttons are Anki's, mapped as
the open srs-benchmark maps them (see :class:`mlprep.core.models.Button`): Again = 2, Hard = 3,
Good = 4, Easy = 5. Every screen, chart and export names a quality from :data:`GRADE_NAMES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

DRILL_PASS = 4
"""SM-2 step 7: a card graded below this comes back the same day until it is graded 4 or 5."""

PASS = 3
"""SM-2: a quality of 3 or more is a successful recall; below it is a lapse."""

GRADE_NAMES = MappingProxyType({0: "Blackout", 1: "Wrong", 2: "Again", 3: "Hard", 4: "Good", 5: "Easy"})
"""The name of each SM-2 quality, in both grading modes."""


@dataclass(frozen=True)
class Grade:
    """One answer button: its SM-2 ``quality``, its ``name`` and the ``key`` that presses it."""

    quality: int
    name: str
    key: str


FOUR_BUTTONS = tuple(Grade(q, GRADE_NAMES[q], str(q - 1)) for q in range(2, 6))
"""Anki's buttons on keys 1–4: Again (2), Hard (3), Good (4), Easy (5)."""

SIX_GRADES = tuple(Grade(q, GRADE_NAMES[q], str(q)) for q in range(6))
"""SM-2's whole scale, each quality on its own digit key 0–5."""


def grades(six_grades: bool) -> tuple[Grade, ...]:
    """The buttons of a grading mode, lowest quality first."""
    return SIX_GRADES if six_grades else FOUR_BUTTONS


def check_quality(quality: object) -> int:
    """``quality`` as an int if it is an SM-2 quality (an int 0–5; a ``Button`` is one); raises
    ``ValueError`` for anything else, bools and floats included."""
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an int from 0 to 5, got {quality!r}")
    return int(quality)
