"""Domain values shared by every layer: ids, cards, decks and answer buttons.

All are frozen dataclasses; nothing above ``storage`` sees raw database rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum
from pathlib import PurePath
from typing import NewType

CardId = NewType("CardId", str)
DeckId = NewType("DeckId", str)


class Button(IntEnum):
    """Anki's four answer buttons, valued as SM-2 quality grades (0–5).

    The mapping Again = 2, Hard = 3, Good = 4, Easy = 5 is the one the open
    srs-benchmark uses to replay Anki review logs through SM-2
    (open-spaced-repetition/srs-benchmark, ``other.py``, SM-2 model): Again is a
    failed recall (q < 3), Hard a pass with serious difficulty, Good a pass after
    hesitation, Easy a perfect response.
    """

    AGAIN = 2
    HARD = 3
    GOOD = 4
    EASY = 5


@dataclass(frozen=True)
class Card:
    """One flashcard as written in a deck file.

    ``front`` and ``back`` are Markdown source; ``line`` is the 1-based line of the
    card's ``## id`` heading in its file; ``tags`` include the deck's tags.
    """

    id: CardId
    deck: DeckId
    front: str
    back: str
    tags: tuple[str, ...] = ()
    source: str = ""
    line: int = 0


@dataclass(frozen=True)
class Deck:
    """One deck file: ``id`` is the file stem, ``area`` a curriculum area slug,
    ``leaf`` an optional curriculum leaf id (``"1.1"``)."""

    id: DeckId
    title: str
    area: str
    path: PurePath
    leaf: str = ""
    tags: tuple[str, ...] = ()
    description: str = ""
    cards: tuple[Card, ...] = field(default=())


class ReviewKind(StrEnum):
    """Kinds of review-log rows (stored as these strings)."""

    NEW = "new"  # first answer of a card never seen before
    REVIEW = "review"  # a scheduled review of a card seen before
    DRILL = "drill"  # SM-2 step 7: a same-day repeat that does not change the schedule
    CRAM = "cram"  # custom study (cram, review ahead): logged, schedule unchanged


@dataclass(frozen=True)
class CardProgress:
    """A card's scheduling record: SM-2 values plus counters.

    ``due`` is the study day the card is next due (``None`` while new); ``interval``
    in days; ``lapses`` counts answers below 3 after the card had been learned.
    """

    card_id: CardId
    repetitions: int
    easiness: float
    interval: int
    due: date | None
    lapses: int = 0
    reviews: int = 0
    suspended: bool = False
    buried_until: date | None = None
    user_tags: tuple[str, ...] = ()



@dataclass(frozen=True)
class ReviewLogEntry:
    """One answer, as kept in the append-only review log. Times are UTC; ``answer_ms``
    is how long the user looked at the card before answering, in milliseconds. ``due_after`` is the
    due day stored after the answer and ``due_sm2`` the one SM-2 gave (equal unless an interview plan
    moved the review before the interview; ``None`` in rows logged before version 2)."""

    card_id: CardId
    reviewed_at: datetime
    quality: int
    kind: str
    repetitions_before: int
    repetitions_after: int
    interval_before: int
    interval_after: int
    easiness_before: float
    easiness_after: float
    due_before: date | None
    due_after: date | None
    answer_ms: int
    id: int | None = None
    due_sm2: date | None = None  # the due day SM-2 gave; ``due_after`` differs when a plan moved it


@dataclass(frozen=True)
class DeckCounts:
    """Per-deck figures for the deck list: cards new and due today (after limits are
    not applied: raw counts), total cards, and the deck's load error if any."""

    deck_id: DeckId
    title: str
    area: str
    new: int
    due: int
    total: int
