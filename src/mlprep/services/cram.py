"""Custom study that never changes the schedule: cram a scope, or review cards ahead of time.

Answers are logged (kind ``cram``) so the time spent shows in statistics, but no card's
SM-2 state, due day or counters change. Cards graded below 4 come back at the end of the
queue, as in SM-2's same-day drill.

Bury and suspend work here as in a study session, and for real: the card leaves the cram and is
hidden until the next study day (bury) or until unsuspended (suspend), everywhere. That is what
Anki's filtered decks (its cram and review-ahead) do: its reviewer buries and suspends in any deck,
so a user who knows Anki presses ``-`` or ``@`` in a cram expecting just that. They are actions on
the card, not answers, so "the schedule does not change" still holds for every answer.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
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
    log_id: int | None  # None: a bury or suspend
    queue: tuple[CardId, ...]
    before: CardProgress | None = None  # the card's state before a bury or suspend


class CramSession:
    """Cram the cards of ``scope`` in a shuffled order (``rng`` makes it repeatable), or with
    ``ahead_days`` only the reviewed cards due within that many days after today, as a
    :class:`mlprep.services.session.ReviewSession`. Bury and suspend hide the card for real (see the
    module docstring).
    """

    can_hide = True

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
        """Whether there is a cram answer, burial or suspension to take back."""
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
        """Take back the last cram answer (its log row is deleted), burial or suspension (the card's
        state is restored) and show that card again. Raises ``LookupError`` when there is nothing to undo."""
        if not self._undo:
            raise LookupError("nothing to undo")
        step = self._undo.pop()
        before = step.before if step.before is not None else self._storage.cards.progress(step.card_id)
        self._storage.cards.restore(before, step.log_id)
        self._queue = deque(step.queue)
        self._current = None
        if step.log_id is not None:
            self.answered -= 1
        return self._current_card()

    def bury_current(self) -> CardProgress:
        """Bury the card on screen: it leaves the cram and every queue until the next study day.
        Undoable. Raises ``LookupError`` when there is no card."""
        return self._hide_current(lambda p: replace(p, buried_until=self.today + timedelta(days=1)))

    def suspend_current(self) -> CardProgress:
        """Suspend the card on screen: it leaves the cram and is never shown until unsuspended.
        Undoable. Raises ``LookupError`` when there is no card."""
        return self._hide_current(lambda p: replace(p, suspended=True))

    def _hide_current(self, change: Callable[[CardProgress], CardProgress]) -> CardProgress:
        card = self._current_card()
        before = self._storage.cards.progress(card.id)
        after = change(before)
        self._storage.cards.set_progress(after)
        self._undo.append(_Undo(card.id, None, tuple(self._queue), before))
        self._queue = deque(c for c in self._queue if c != card.id)
        self._current = None
        return after

    def finished(self) -> Finished:
        """The done screen's figures: the collection's next due day; nothing more to cram."""
        return Finished(self.answered, self.today, self._storage.cards.next_due_day(), None, 0)
