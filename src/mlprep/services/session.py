"""What every review session offers the review screen, and the helpers they share.

Study (:class:`mlprep.services.study.StudySession`), cram and review-ahead
(:class:`mlprep.services.cram.CramSession`) are one :class:`ReviewSession` protocol: the review
screen shows any of them without asking which it is. Grade checks, answer timing, the review-log
entry and the grade range are written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from mlprep.core.grades import DRILL_PASS, Grade, grades
from mlprep.core.models import Card, CardProgress, ReviewKind, ReviewLogEntry
from mlprep.core.study_settings import StudyScope, StudySettings
from mlprep.storage.errors import WriteFailed

if TYPE_CHECKING:
    from mlprep.storage.cards import CardStore

MAX_ANSWER_MS = 60_000
"""An answer's recorded time is capped at a minute (a user who walked away is not a slow card)."""


class AnswerNotSaved(RuntimeError):
    """An answer could not be written (the disk is full or read-only, the file is damaged, another
    program holds a lock). Nothing of it was stored and the card is still the session's current one:
    answering again retries. The message says why, in one line."""


def record(cards: CardStore, after: CardProgress, entry: ReviewLogEntry) -> int:
    """Store an answer (:meth:`mlprep.storage.cards.CardStore.record_answer`, one transaction) and
    return its log row id. Raises :class:`AnswerNotSaved` when SQLite or the OS refuses the write; the
    transaction is then rolled back, so nothing is half-written."""
    try:
        return cards.record_answer(after, entry)
    except WriteFailed as error:
        raise AnswerNotSaved(f"the answer was not saved: {error}") from error


class SessionMode(StrEnum):
    """What a session changes: ``study`` schedules with SM-2; ``cram`` and ``ahead`` (review ahead)
    only log, the schedule stays as it was."""

    STUDY = "study"
    CRAM = "cram"
    AHEAD = "ahead"


@dataclass(frozen=True)
class QueueCounts:
    """What is left in a session: ``new`` cards, ``learn`` (cards to be re-drilled today, SM-2
    step 7; Anki's "learn" count) and ``review`` (cards due), after every daily limit."""

    new: int
    learn: int
    review: int

    @property
    def total(self) -> int:
        """All cards left."""
        return self.new + self.learn + self.review


@dataclass(frozen=True)
class Preview:
    """What answering the current card with ``quality`` would do: the new ``interval``
    in days, and whether the card comes back again today (a drill)."""

    quality: int
    interval: int
    again_today: bool


@dataclass(frozen=True)
class Answered:
    """The outcome of one answer: the card's progress after it, the log row, and whether
    the answer made the card a leech."""

    progress: CardProgress
    log_id: int
    kind: ReviewKind
    became_leech: bool = False


@dataclass(frozen=True)
class Finished:
    """What the done screen says after a session: cards answered, the study day, the next day a
    card of the session's scope falls due (``None`` if none has been studied), and the scope
    that can be crammed now with its card count (``None`` and 0 where cramming makes no sense)."""

    answered: int
    today: date
    next_due: date | None
    cram_scope: StudyScope | None
    cram_count: int


class ReviewSession(Protocol):
    """The verbs the review screen uses; see the module docstring."""

    settings: StudySettings
    scope: StudyScope
    today: date
    answered: int

    @property
    def mode(self) -> SessionMode: ...

    @property
    def current_kind(self) -> ReviewKind | None: ...

    @property
    def can_undo(self) -> bool: ...

    @property
    def can_hide(self) -> bool:
        """Whether :meth:`bury_current` and :meth:`suspend_current` apply (not while cramming)."""
        ...

    def next_card(self) -> Card | None: ...

    def counts(self) -> QueueCounts: ...

    def previews(self) -> list[Preview]: ...

    def answer(self, quality: int) -> Answered: ...

    def undo(self) -> Card: ...

    def bury_current(self) -> CardProgress: ...

    def suspend_current(self) -> CardProgress: ...

    def finished(self) -> Finished: ...

    def idle(self) -> None: ...


def grade_range(settings: StudySettings) -> tuple[Grade, ...]:
    """The grades a session offers: SM-2's 0–5 with ``settings.six_grades``, else the four buttons."""
    return grades(settings.six_grades)


def repeat_previews(settings: StudySettings, interval: int) -> list[Preview]:
    """Previews for an answer that leaves the schedule alone (a drill repeat, cram, review ahead):
    every grade keeps ``interval``; grades below 4 bring the card back in this session."""
    return [Preview(g.quality, interval, g.quality < DRILL_PASS) for g in grade_range(settings)]


def answer_ms(shown_at: datetime | None, now: datetime) -> int:
    """Milliseconds the card was on screen before the answer, clamped to 0–:data:`MAX_ANSWER_MS`
    (0 if it was never shown)."""
    if shown_at is None:
        return 0
    return max(0, min(MAX_ANSWER_MS, int((now - shown_at).total_seconds() * 1000)))


def log_entry(before: CardProgress, after: CardProgress, *, kind: ReviewKind, quality: int, at: datetime,
              ms: int, due_sm2: date | None = None) -> ReviewLogEntry:
    """The review-log row of one answer: the card's state ``before`` and ``after`` it, at UTC
    instant ``at``, ``ms`` milliseconds after the card was shown; ``due_sm2`` is SM-2's own due day
    when an interview plan stored another (default: the stored one, ``after.due``)."""
    # By position, in ReviewLogEntry's field order (one per answer, issue 16); ``id`` is None until stored.
    return ReviewLogEntry(before.card_id, at, quality, kind, before.repetitions, after.repetitions, before.interval,
                          after.interval, before.easiness, after.easiness, before.due, after.due, ms, None,
                          due_sm2 if due_sm2 is not None else after.due)
