"""Custom study that never changes the schedule: cram a scope, or review cards ahead of time.

Answers are logged (kind ``cram``) so the time spent shows in statistics, but no card's
SM-2 state, due day or counters change. Cards graded below 4 come back at the end of the
queue, as in SM-2's same-day drill.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from mlprep.core.clock import Clock, study_day
from mlprep.core.grades import DRILL_PASS, check_quality
from mlprep.core.models import Card, CardId, CardProgress, ReviewKind
from mlprep.core.study_settings import ALL_DECKS, StudyScope, StudySettings
from mlprep.services.session import (
    Answered,
    Finished,
    Preview,
    QueueCounts,
    SessionMode,
    answer_ms,
    log_entry,
    record,
    repeat_previews,
)
from mlprep.storage.collection_db import CollectionDb


@dataclass(frozen=True)
class _Undo:
    card_id: CardId
    log_id: int
    queue: tuple[CardId, ...]


class CramSession:
    """Cram the cards of ``scope`` in a shuffled order (``rng`` makes it repeatable), or with
    ``ahead_days`` only the reviewed cards due within that many days after today, as a
    :class:`mlprep.services.session.ReviewSession` that never buries or suspends.
    """

    can_hide = False

    def __init__(self, storage: CollectionDb, clock: Clock, *, scope: StudyScope = ALL_DECKS,
                 ahead_days: int | None = None, settings: StudySettings | None = None,
                 rng: random.Random | None = None, tz: tzinfo | None = None) -> None:
        self._storage = storage
        self._clock = clock
        self.settings = settings or StudySettings()
        self.scope = scope
        self.mode = SessionMode.CRAM if ahead_days is None else SessionMode.AHEAD
        self.today = study_day(clock.now(), tz, self.settings.rollover_hour)
        until = self.today + timedelta(days=ahead_days) if ahead_days is not None else None
        ids = storage.study.scope_card_ids(self.today, scope, due_until=until)
        (rng or random.Random()).shuffle(ids)
        self._queue: deque[CardId] = deque(ids)
        self._undo: list[_Undo] = []
        self._current: Card | None = None
        self._shown_at: datetime | None = None
        self.answered = 0

    @property
    def remaining(self) -> int:
        """Cards left to grade 4 or 5."""
        return len(self._queue)

    def idle(self) -> None:
        """Upkeep for idle time, which the review screen calls once the next card is on
        screen: checkpoint the database's write-ahead log every few answers
        (:meth:`mlprep.storage.cards.CardStore.checkpoint_if_due`), so no answer waits for it."""
        self._storage.checkpoint_if_due()

    @property
    def current_kind(self) -> ReviewKind | None:
        """``cram`` while a card is on screen."""
        return ReviewKind.CRAM if self._current else None

    @property
    def can_undo(self) -> bool:
        """Whether there is a cram answer to take back."""
        return bool(self._undo)

    def counts(self) -> QueueCounts:
        """No new cards and no drill of its own: every card left counts as due."""
        return QueueCounts(new=0, learn=0, review=len(self._queue))

    def next_card(self) -> Card | None:
        """The card to show now, or ``None`` when every card has been graded 4 or 5."""
        if self._current is None and self._queue:
            self._current = self._storage.cards.card(self._queue[0])
            self._shown_at = self._clock.now()
        return self._current

    def _current_card(self) -> Card:
        card = self.next_card()
        if card is None:
            raise LookupError("no card to answer: the session is done")
        return card

    def previews(self) -> list[Preview]:
        """The schedule is never changed: each grade keeps the card's interval; grades
        below 4 bring it back in this session."""
        return repeat_previews(self.settings, self._storage.cards.progress(self._current_card().id).interval)

    def answer(self, quality: int) -> Answered:
        """Log ``quality`` (0–5) for the current card without changing its schedule.
        Raises ``ValueError`` for a bad quality, ``LookupError`` when done and
        :class:`~mlprep.services.session.AnswerNotSaved` when the write fails (the card stays current)."""
        card = self._current_card()
        quality = check_quality(quality)
        p: CardProgress = self._storage.cards.progress(card.id)
        now = self._clock.now()
        log_id = record(self._storage.cards, p, log_entry(
            p, p, kind=ReviewKind.CRAM, quality=quality, at=now, ms=answer_ms(self._shown_at, now)))
        self._undo.append(_Undo(card.id, log_id, tuple(self._queue)))
        self._queue.popleft()
        if quality < DRILL_PASS:
            self._queue.append(card.id)
        self._current = None
        self.answered += 1
        return Answered(p, log_id, ReviewKind.CRAM)

    def undo(self) -> Card:
        """Take back the last cram answer (its log row is deleted). Raises ``LookupError``."""
        if not self._undo:
            raise LookupError("nothing to undo")
        step = self._undo.pop()
        self._storage.cards.restore(self._storage.cards.progress(step.card_id), step.log_id)
        self._queue = deque(step.queue)
        self._current = None
        self.answered -= 1
        return self._current_card()

    def bury_current(self) -> CardProgress:
        """Cramming never hides a card: raises ``LookupError`` (see :attr:`can_hide`)."""
        raise LookupError("cram and review-ahead sessions do not bury or suspend cards")

    suspend_current = bury_current

    def finished(self) -> Finished:
        """The done screen's figures: the collection's next due day; nothing more to cram."""
        return Finished(self.answered, self.today, self._storage.cards.next_due_day(), None, 0)
