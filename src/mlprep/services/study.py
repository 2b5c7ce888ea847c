"""The daily review session: next card, button previews, answer, undo, suspend, bury.

Scheduling is SM-2 (:mod:`mlprep.core.sm2`). The day's *first* answer to a card sets its
schedule; afterwards SM-2's step 7 applies (Wozniak 1990, §3.2 step 7): every card graded
below 4 comes back in the same session until it is graded 4 or 5, and those repeats
("drill" reviews in the log) leave the EF and interval alone. Due dates are study days
(:func:`mlprep.core.clock.study_day`). Time comes only from the injected clock.

The queue is derived from the database on every pick (due cards, new cards, today's
review log), so closing the app mid-session loses nothing: reopening continues with the
cards not yet answered and the drill cards still owed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from mlprep.core import sm2
from mlprep.core.clock import Clock, day_start, study_day
from mlprep.core.models import Card, CardId, CardProgress, DeckId, ReviewKind, ReviewLogEntry
from mlprep.core.study_settings import ALL_DECKS, LeechAction, NewOrder, StudyScope, StudySettings
from mlprep.storage import study_queries as q
from mlprep.storage.cards import CardStore

MAX_ANSWER_MS = 60_000
LEECH_TAG = "leech"
DRILL_PASS = 4  # SM-2 step 7: repeat until graded 4 or 5
_COUNTER = {ReviewKind.NEW: "new", ReviewKind.REVIEW: "review"}  # which daily limit a first answer uses


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
class _Undo:
    before: CardProgress
    log_id: int | None  # None: a bury or suspend
    kind: ReviewKind  # how the card was shown
    deck_id: DeckId
    drill: tuple[CardId, ...]


class StudySession:
    """Today's reviews in a ``scope`` (all decks, a deck, an area or a tag).

    Due cards come most overdue first; new cards are placed by ``settings.new_order``;
    both within the day's global and per-deck limits, minus what was already answered
    today. ``tz`` is the user's time zone (default: the system's).
    """

    def __init__(self, store: CardStore, clock: Clock, *, settings: StudySettings | None = None,
                 scope: StudyScope = ALL_DECKS, tz: tzinfo | None = None) -> None:
        self._store = store
        self._clock = clock
        self.settings = settings or StudySettings()
        self.scope = scope
        self._tz = tz
        self._undo: list[_Undo] = []
        self._current: tuple[Card, DeckId, ReviewKind] | None = None
        self._progress: CardProgress | None = None  # the current card's, read with it
        self._shown_at: datetime | None = None
        self.answered = 0
        self._start_day()

    # -- the day -------------------------------------------------------------------

    def _start_day(self) -> None:
        self.today = study_day(self._clock.now(), self._tz, self.settings.rollover_hour)
        since = day_start(self.today, self._tz, self.settings.rollover_hour)
        self._done = q.answered_since(self._store.db, since)
        self._drill: deque[CardId] = deque(q.drill_since(self._store.db, since, self.today))
        # Counted once a day (one pass over the scope), then kept up to date by each answer,
        # undo, bury and suspend, so the review screen's counts cost nothing per card.
        self._available = dict(zip(("new", "review"), q.count_available(self._store.db, self.today, self.scope),
                                   strict=True))
        self._mix_every = max(1, self._available["review"] // max(1, min(self._available["new"], self._left("new"))))
        self._reviews_since_new = 0
        self._current = None

    def _left(self, kind: str, deck_id: DeckId | None = None) -> int:
        global_limit = self.settings.new_per_day if kind == "new" else self.settings.reviews_per_day
        left = global_limit - sum(d[kind] for d in self._done.values())
        if deck_id is not None:
            deck_limit = self.settings.limit_for(deck_id, kind)
            if deck_limit is not None:
                left = min(left, deck_limit - self._done.get(deck_id, {}).get(kind, 0))
        return max(0, left)

    def _blocked(self, kind: str) -> list[DeckId]:
        return [DeckId(d) for d in self.settings.deck_limits if self._left(kind, DeckId(d)) == 0]

    # -- picking -------------------------------------------------------------------

    def _pick(self) -> tuple[CardId, DeckId, ReviewKind] | None:
        db, today, order = self._store.db, self.today, self.settings.new_order
        new_first = order is NewOrder.BEFORE or (order is NewOrder.MIXED and self._reviews_since_new >= self._mix_every)
        first, second = ("new", "review") if new_first else ("review", "new")
        for kind in (first, second):  # the second query runs only when the first finds nothing
            if not self._left(kind):
                continue
            find = q.next_new if kind == "new" else q.next_due
            found = find(db, today, self.scope, self._blocked(kind))
            if found:
                return found[0], found[1], ReviewKind.NEW if kind == "new" else ReviewKind.REVIEW
        if self._drill:
            card_id = self._drill[0]
            return card_id, self._store.card(card_id).deck, ReviewKind.DRILL
        return None

    def next_card(self) -> Card | None:
        """The card to show now (the same one until it is answered), or ``None`` when the
        day's queue and the drill are both done. Rolls over to a new study day if the clock
        has passed the rollover hour."""
        if self._current is not None:
            return self._current[0]
        if study_day(self._clock.now(), self._tz, self.settings.rollover_hour) != self.today:
            self._start_day()
        picked = self._pick()
        if picked is None:
            return None
        card_id, deck_id, kind = picked
        card, self._progress = self._store.card_and_progress(card_id)
        self._current = (card, deck_id, kind)
        self._shown_at = self._clock.now()
        return card

    @property
    def current_kind(self) -> ReviewKind | None:
        """Whether the card on screen is new, a review, or a drill repeat."""
        return self._current[2] if self._current else None

    def counts(self) -> tuple[int, int, int]:
        """What is left today in this scope, after the global limits: (new, due, drill)."""
        return (min(self._available["new"], self._left("new")), min(self._available["review"], self._left("review")),
                len(self._drill))

    @property
    def remaining(self) -> int:
        """Cards left today in this scope (new + due + drill), after limits."""
        return sum(self.counts())

    # -- previews and answers ---------------------------------------------------------

    def previews(self) -> list[Preview]:
        """For the current card, what each quality would do: 0–5 if ``settings.six_grades``,
        else the four buttons' 2–5. First answers call the pure :func:`sm2.review` once per
        grade, so a preview always equals what answering gives; drill repeats keep the
        interval. Raises ``LookupError`` if there is no card."""
        before, kind = self._current_progress()
        grades = range(6) if self.settings.six_grades else range(2, 6)
        if kind is ReviewKind.DRILL:
            return [Preview(g, before.interval, g < DRILL_PASS) for g in grades]
        state = sm2.Sm2State(before.repetitions, before.easiness, before.interval)
        return [Preview(g, sm2.review(state, g).interval, g < DRILL_PASS) for g in grades]

    def _current_progress(self) -> tuple[CardProgress, ReviewKind]:
        card = self.next_card()
        if card is None or self._current is None:
            raise LookupError("no card to answer: the session is done")
        if self._progress is None or self._progress.card_id != card.id:
            self._progress = self._store.progress(card.id)
        return self._progress, self._current[2]

    def answer(self, quality: int) -> Answered:
        """Answer the current card with SM-2 ``quality`` (0–5; a ``Button`` is one).

        Stores the new state and the review-log row in one transaction and moves on.
        Raises ``ValueError`` for a quality outside 0–5 and ``LookupError`` when there
        is no card.
        """
        before, kind = self._current_progress()
        if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
            raise ValueError(f"quality must be an int from 0 to 5, got {quality!r}")
        assert self._current is not None
        deck_id = self._current[1]
        after, became_leech = (before, False) if kind is ReviewKind.DRILL else self._schedule(before, quality)
        now = self._clock.now()
        entry = ReviewLogEntry(
            card_id=before.card_id, reviewed_at=now, quality=int(quality), kind=kind,
            repetitions_before=before.repetitions, repetitions_after=after.repetitions,
            interval_before=before.interval, interval_after=after.interval,
            easiness_before=before.easiness, easiness_after=after.easiness,
            due_before=before.due, due_after=after.due, answer_ms=self._answer_ms(now))
        log_id = self._store.record_answer(after, entry)
        self._undo.append(_Undo(before, log_id, kind, deck_id, tuple(self._drill)))
        self._after_answer(before.card_id, deck_id, kind, int(quality), after)
        return Answered(after, log_id, kind, became_leech)

    def _schedule(self, before: CardProgress, quality: int) -> tuple[CardProgress, bool]:
        state = sm2.review(sm2.Sm2State(before.repetitions, before.easiness, before.interval), int(quality))
        lapse = quality < 3 and before.repetitions > 0
        after = replace(before, repetitions=state.repetitions, easiness=state.easiness, interval=state.interval,
                        due=self.today + timedelta(days=state.interval), lapses=before.lapses + lapse,
                        reviews=before.reviews + 1)
        if lapse and self._is_leech(after.lapses) and LEECH_TAG not in after.user_tags:
            suspend = self.settings.leech_action is LeechAction.SUSPEND
            return replace(after, user_tags=(*after.user_tags, LEECH_TAG), suspended=after.suspended or suspend), True
        return after, False

    def _is_leech(self, lapses: int) -> bool:
        """Anki's rule: a leech at the threshold, and again every half threshold after it."""
        threshold = self.settings.leech_threshold
        return lapses >= threshold and (lapses - threshold) % max(1, threshold // 2) == 0

    def _after_answer(self, card_id: CardId, deck_id: DeckId, kind: ReviewKind, quality: int,
                      after: CardProgress) -> None:
        if kind is not ReviewKind.DRILL:
            counts = self._done.setdefault(deck_id, {"new": 0, "review": 0})
            counts[_COUNTER[kind]] += 1
            self._available[_COUNTER[kind]] -= 1
            self._reviews_since_new = 0 if kind is ReviewKind.NEW else self._reviews_since_new + 1
        if card_id in self._drill:
            self._drill.remove(card_id)
        if quality < DRILL_PASS and not after.suspended:
            self._drill.append(card_id)
        self.answered += 1
        self._current = None

    def _answer_ms(self, now: datetime) -> int:
        if self._shown_at is None:
            return 0
        elapsed = int((now - self._shown_at).total_seconds() * 1000)
        return max(0, min(MAX_ANSWER_MS, elapsed))

    # -- undo, suspend, bury ---------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> Card:
        """Take back the last answer, suspension or burial of this session: the card's state
        is restored exactly, its log row deleted, and it is shown again. Several steps deep.
        Raises ``LookupError`` when there is nothing to undo."""
        if not self._undo:
            raise LookupError("nothing to undo")
        step = self._undo.pop()
        self._store.restore(step.before, step.log_id)
        if step.kind is not ReviewKind.DRILL:
            self._available[_COUNTER[step.kind]] += 1
            if step.log_id is not None:
                self._done[step.deck_id][_COUNTER[step.kind]] -= 1
        if step.log_id is not None:
            self.answered -= 1
        self._drill = deque(step.drill)
        card = self._store.card(step.before.card_id)
        self._current = (card, step.deck_id, step.kind)
        self._progress = None
        self._shown_at = self._clock.now()
        return card

    def suspend_current(self) -> CardProgress:
        """Suspend the card on screen: never shown until unsuspended. Undoable."""
        return self._hide_current(lambda p: replace(p, suspended=True))

    def bury_current(self) -> CardProgress:
        """Bury the card on screen: hidden until the next study day. Undoable."""
        return self._hide_current(lambda p: replace(p, buried_until=self.today + timedelta(days=1)))

    def _hide_current(self, change: Callable[[CardProgress], CardProgress]) -> CardProgress:
        before, kind = self._current_progress()
        assert self._current is not None
        after = change(before)
        self._store.set_progress(after)
        self._undo.append(_Undo(before, None, kind, self._current[1], tuple(self._drill)))
        if kind is ReviewKind.DRILL:
            self._drill.remove(before.card_id)
        else:
            self._available[_COUNTER[kind]] -= 1
        self._current = None
        return after

    def next_due_day(self) -> date | None:
        """The study day the next card of the scope falls due (for the "done for today"
        screen); ``None`` if none of its cards has been studied."""
        return q.scope_summary(self._store.db, self.today, self.scope)[1]

    def cards_in_scope(self) -> int:
        """How many cards of the scope can be shown (present, not suspended or buried): what
        cramming the scope would go through."""
        return q.scope_summary(self._store.db, self.today, self.scope)[0]

    def idle(self) -> None:
        """Upkeep for idle time, which the review screen calls once the next card is on
        screen: checkpoint the database's write-ahead log every few answers
        (:meth:`mlprep.storage.cards.CardStore.checkpoint_if_due`), so no answer waits for it."""
        self._store.checkpoint_if_due()
