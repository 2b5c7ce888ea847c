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
from mlprep.core.models import Card, CardId, CardProgress, ReviewKind, ReviewLogEntry
from mlprep.core.study_settings import ALL_DECKS, StudyScope, StudySettings
from mlprep.services.study import DRILL_PASS, MAX_ANSWER_MS, Answered, Preview
from mlprep.storage.cards import CardStore
from mlprep.storage.study_queries import scope_card_ids


@dataclass(frozen=True)
class _Undo:
    card_id: CardId
    log_id: int
    queue: tuple[CardId, ...]


class CramSession:
    """Cram the cards of ``scope`` in a shuffled order (``rng`` makes it repeatable), or with
    ``ahead_days`` only the reviewed cards due within that many days after today.

    Offers the same verbs as :class:`mlprep.services.study.StudySession` (next_card,
    previews, answer, undo) so the review screen can show either.
    """

    def __init__(self, store: CardStore, clock: Clock, *, scope: StudyScope = ALL_DECKS,
                 ahead_days: int | None = None, settings: StudySettings | None = None,
                 rng: random.Random | None = None, tz: tzinfo | None = None) -> None:
        self._store = store
        self._clock = clock
        self.settings = settings or StudySettings()
        self.scope = scope
        self.today = study_day(clock.now(), tz, self.settings.rollover_hour)
        until = self.today + timedelta(days=ahead_days) if ahead_days is not None else None
        ids = scope_card_ids(store.db, self.today, scope, due_until=until)
        (rng or random.Random()).shuffle(ids)
        self._queue: deque[CardId] = deque(ids)
        self._undo: list[_Undo] = []
        self._current: Card | None = None
        self._shown_at: datetime | None = None
        self.answered = 0

    @property
    def remaining(self) -> int:
        return len(self._queue)

    def idle(self) -> None:
        """Upkeep for idle time, which the review screen calls once the next card is on
        screen: checkpoint the database's write-ahead log every few answers
        (:meth:`mlprep.storage.cards.CardStore.checkpoint_if_due`), so no answer waits for it."""
        self._store.checkpoint_if_due()

    @property
    def current_kind(self) -> ReviewKind | None:
        return ReviewKind.CRAM if self._current else None

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def counts(self) -> tuple[int, int, int]:
        """(0, cards left, 0): cramming has neither new cards nor a drill of its own."""
        return 0, len(self._queue), 0

    def next_card(self) -> Card | None:
        """The card to show now, or ``None`` when every card has been graded 4 or 5."""
        if self._current is None and self._queue:
            self._current = self._store.card(self._queue[0])
            self._shown_at = self._clock.now()
        return self._current

    def previews(self) -> list[Preview]:
        """The schedule is never changed: each grade keeps the card's interval; grades
        below 4 bring it back in this session."""
        card = self.next_card()
        if card is None:
            raise LookupError("no card to answer: the session is done")
        interval = self._store.progress(card.id).interval
        grades = range(6) if self.settings.six_grades else range(2, 6)
        return [Preview(g, interval, g < DRILL_PASS) for g in grades]

    def answer(self, quality: int) -> Answered:
        """Log ``quality`` (0–5) for the current card without changing its schedule.
        Raises ``ValueError`` for a bad quality, ``LookupError`` when done."""
        card = self.next_card()
        if card is None:
            raise LookupError("no card to answer: the session is done")
        if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
            raise ValueError(f"quality must be an int from 0 to 5, got {quality!r}")
        p: CardProgress = self._store.progress(card.id)
        now = self._clock.now()
        elapsed = int((now - (self._shown_at or now)).total_seconds() * 1000)
        entry = ReviewLogEntry(
            card_id=card.id, reviewed_at=now, quality=quality, kind=ReviewKind.CRAM,
            repetitions_before=p.repetitions, repetitions_after=p.repetitions, interval_before=p.interval,
            interval_after=p.interval, easiness_before=p.easiness, easiness_after=p.easiness,
            due_before=p.due, due_after=p.due, answer_ms=max(0, min(MAX_ANSWER_MS, elapsed)))
        log_id = self._store.record_answer(p, entry)
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
        self._store.restore(self._store.progress(step.card_id), step.log_id)
        self._queue = deque(step.queue)
        self._current = None
        self.answered -= 1
        card = self.next_card()
        assert card is not None
        return card
