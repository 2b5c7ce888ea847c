"""The review session: which card comes next, what each button would do, answering.

Scheduling is SM-2 (:mod:`mlprep.core.sm2`); due dates are study days
(:func:`mlprep.core.clock.study_day`). Time comes only from the injected clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from mlprep.core import sm2
from mlprep.core.clock import DEFAULT_ROLLOVER_HOUR, Clock, day_start, study_day
from mlprep.core.models import Button, Card, CardId, CardProgress, DeckId, ReviewKind, ReviewLogEntry
from mlprep.storage.cards import CardStore, count_answers_since

MAX_ANSWER_MS = 60_000


@dataclass(frozen=True)
class StudyLimits:
    """Daily limits, as in Anki: new cards introduced and reviews done per study day."""

    new_per_day: int = 20
    reviews_per_day: int = 200
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR


@dataclass(frozen=True)
class Answered:
    """The outcome of one answer: the card's progress after it and the log row's id."""

    progress: CardProgress
    log_id: int


class StudySession:
    """Today's reviews for all decks or one deck.

    Due cards come first, most overdue first, then new cards in deck order, within the
    day's limits (minus what was already answered today). ``tz`` is the user's time
    zone (default: the system's).
    """

    def __init__(self, store: CardStore, clock: Clock, *, limits: StudyLimits = StudyLimits(),
                 deck_id: DeckId | None = None, tz: tzinfo | None = None) -> None:
        self._store = store
        self._clock = clock
        self._limits = limits
        self._deck_id = deck_id
        self._tz = tz
        self._queue: deque[CardId] = deque()
        self._current: Card | None = None
        self._shown_at: datetime | None = None
        self.today = self._today()
        self._fill_queue()

    def _today(self) -> date:
        return study_day(self._clock.now(), self._tz, self._limits.rollover_hour)

    def _fill_queue(self) -> None:
        since = day_start(self.today, self._tz, self._limits.rollover_hour)
        db = self._store.db
        reviews_left = max(0, self._limits.reviews_per_day - count_answers_since(db, since, ReviewKind.REVIEW))
        new_left = max(0, self._limits.new_per_day - count_answers_since(db, since, ReviewKind.NEW))
        due = self._store.due_card_ids(self.today, reviews_left, self._deck_id) if reviews_left else []
        new = self._store.new_card_ids(new_left, self._deck_id) if new_left else []
        self._queue = deque(due + new)

    @property
    def remaining(self) -> int:
        """Cards left in today's queue, the current one included."""
        return len(self._queue)

    def next_card(self) -> Card | None:
        """The card to show now (the same one until it is answered), or ``None`` when done."""
        if not self._queue:
            self._current = None
            return None
        if self._current is None or self._current.id != self._queue[0]:
            self._current = self._store.card(self._queue[0])
            self._shown_at = self._clock.now()
        return self._current

    def previews(self) -> dict[Button, int]:
        """For the current card, the interval in days each button would give.

        Computed by calling the pure :func:`mlprep.core.sm2.review` once per button, so it
        always equals what answering gives. Raises ``LookupError`` if there is no card.
        """
        state = self._current_state()
        return {button: sm2.review(state, int(button)).interval for button in Button}

    def _current_state(self) -> sm2.Sm2State:
        card = self.next_card()
        if card is None:
            raise LookupError("no card to answer: the session is done")
        p = self._store.progress(card.id)
        return sm2.Sm2State(p.repetitions, p.easiness, p.interval)

    def answer(self, quality: int) -> Answered:
        """Answer the current card with SM-2 ``quality`` (0–5; a :class:`Button` is one).

        Stores the new state and the review-log row in one transaction and moves to the
        next card. Raises ``ValueError`` for a quality outside 0–5 and ``LookupError``
        when there is no card.
        """
        card = self.next_card()
        if card is None:
            raise LookupError("no card to answer: the session is done")
        before = self._store.progress(card.id)
        state = sm2.review(sm2.Sm2State(before.repetitions, before.easiness, before.interval), int(quality))
        now = self._clock.now()
        lapse = int(quality) < 3 and before.repetitions > 0
        after = replace(
            before, repetitions=state.repetitions, easiness=state.easiness, interval=state.interval,
            due=self.today + timedelta(days=state.interval), lapses=before.lapses + lapse,
            reviews=before.reviews + 1)
        entry = ReviewLogEntry(
            card_id=card.id, reviewed_at=now, quality=int(quality),
            kind=ReviewKind.NEW if before.is_new else ReviewKind.REVIEW,
            repetitions_before=before.repetitions, repetitions_after=after.repetitions,
            interval_before=before.interval, interval_after=after.interval,
            easiness_before=before.easiness, easiness_after=after.easiness,
            due_before=before.due, due_after=after.due, answer_ms=self._answer_ms(now))
        log_id = self._store.record_answer(after, entry)
        self._queue.popleft()
        self._current = None
        return Answered(after, log_id)

    def _answer_ms(self, now: datetime) -> int:
        if self._shown_at is None:
            return 0
        elapsed = int((now - self._shown_at).total_seconds() * 1000)
        return max(0, min(MAX_ANSWER_MS, elapsed))

    def next_due_day(self) -> date | None:
        """The study day the next card falls due (for the "done for today" screen)."""
        return self._store.next_due_day()
