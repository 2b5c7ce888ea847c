"""The daily review session: next card, button previews, answer, undo, suspend, bury.

Scheduling is SM-2 (:mod:`mlprep.core.sm2`). The day's *first* answer to a card sets its
schedule; afterwards SM-2's step 7 applies (Wozniak 1990, §3.2 step 7): every card graded
below 4 comes back in the same session until it is graded 4 or 5, and those repeats
("drill" reviews in the log) leave the EF and interval alone. Due dates are study days
(:func:`mlprep.core.clock.study_day`). Time comes only from the injected clock.

Which card comes next and how many are left is :class:`mlprep.services.queue.TodayQueue`'s to say;
the queue is derived from the database at the start of each study day (due cards, new cards,
today's review log), so closing the app mid-session loses nothing: reopening continues with the
cards not yet answered and the drill cards still owed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from mlprep.core import sm2
from mlprep.core.clock import Clock, day_start, study_day
from mlprep.core.grades import DRILL_PASS, PASS, check_quality
from mlprep.core.models import Card, CardProgress, ReviewKind
from mlprep.core.study_settings import ALL_DECKS, LeechAction, StudyScope, StudySettings
from mlprep.services.queue import DrillStep, Pick, TodayQueue
from mlprep.services.session import (
    Answered,
    Finished,
    Preview,
    QueueCounts,
    SessionMode,
    answer_ms,
    grade_range,
    log_entry,
    record,
    repeat_previews,
)
from mlprep.storage.collection_db import CollectionDb

if TYPE_CHECKING:
    from mlprep.services.planning import DuePlacer

LEECH_TAG = "leech"


class _Undo(NamedTuple):
    """One undoable step (a tuple: one is made at every answer, issue 16)."""

    before: CardProgress
    log_id: int | None  # None: a bury or suspend
    pick: Pick
    drill: DrillStep | None  # how the step changed the drill; None: it left it as it was
    due_after: date | None = None  # the due date the answer stored (to give back to an interview plan)


class StudySession:
    """Today's reviews in a ``scope`` (all decks, a deck, an area or a tag), as a
    :class:`mlprep.services.session.ReviewSession`.

    Due cards come most overdue first; new cards are placed by ``settings.new_order``;
    both within the day's global and per-deck limits, minus what was already answered
    today. ``tz`` is the user's time zone (default: the system's). With ``placer`` (an active
    interview plan, :class:`mlprep.services.planning.DuePlacer`) a review SM-2 would put on or after
    the interview is placed before it; SM-2's state is computed exactly as without it.
    """

    mode = SessionMode.STUDY
    can_hide = True

    def __init__(self, storage: CollectionDb, clock: Clock, *, settings: StudySettings | None = None,
                 scope: StudyScope = ALL_DECKS, tz: tzinfo | None = None, placer: DuePlacer | None = None) -> None:
        self._storage = storage
        self._placer = placer
        self._clock = clock
        self.settings = settings or StudySettings()
        self.scope = scope
        self._tz = tz
        self._undo: list[_Undo] = []
        self._current: tuple[Card, Pick] | None = None
        self._progress: CardProgress | None = None  # the current card's, read with it
        self._shown_at: datetime | None = None
        self.answered = 0
        self._start_day()

    # -- the day -------------------------------------------------------------------

    def _start_day(self) -> None:
        self.today = study_day(self._clock.now(), self._tz, self.settings.rollover_hour)
        since = day_start(self.today, self._tz, self.settings.rollover_hour)
        until = day_start(self.today + timedelta(days=1), self._tz, self.settings.rollover_hour)
        self._day_bounds = (since, until)
        self.queue = TodayQueue(self._storage, self.settings, self.scope, self.today, since, until=until)
        self._current = None

    def _is_today(self, now: datetime) -> bool:
        """Whether the UTC instant ``now`` falls in the session's study day: inside the day's bounds,
        else by :func:`study_day` itself (a clock set back, a time zone changed)."""
        since, until = self._day_bounds
        return since <= now < until or study_day(now, self._tz, self.settings.rollover_hour) == self.today

    # -- picking -------------------------------------------------------------------

    def next_card(self) -> Card | None:
        """The card to show now (the same one until it is answered), or ``None`` when the
        day's queue and the drill are both done. Rolls over to a new study day if the clock
        has passed the rollover hour."""
        if self._current is not None:
            return self._current[0]
        now = self._clock.now()  # one reading: the pick takes microseconds, the card's time is in milliseconds
        since, until = self._day_bounds
        if not since <= now < until and not self._is_today(now):
            self._start_day()
        pick = self.queue.pick()
        if pick is None:
            return None
        card, self._progress = pick.loaded or self._storage.cards.card_and_progress(pick.card_id)
        self._current = (card, pick)
        self._shown_at = now
        return card

    def likely_next(self) -> list[Card]:
        """The cards that may be shown after the current one, whatever its grade, for rendering them ahead
        (issue 16; nothing changes): the next due card and the next new card of the scope other than the
        current one, each while today's counts leave one of its kind after the current card (a deck's own
        limit is not checked: at worst one is rendered for nothing); when there is neither, the drill's
        first other card, else the current card itself (answered below Good it comes straight back).
        Empty when no card is current (:meth:`next_card` not asked yet, or the session is done)."""
        if self._current is None:
            return []
        current, pick = self._current
        left = self.queue.counts()
        study = self._storage.study
        found = [hit[0] for kind, find, count in ((ReviewKind.REVIEW, study.next_due, left.review),
                                                  (ReviewKind.NEW, study.next_new, left.new))
                 if count - (pick.kind is kind) > 0 and (hit := find(self.today, self.scope, skip=current.id))]
        found = found or [card_id for card_id in self.queue.drill if card_id != current.id][:1]
        # card_and_progress(): the review path's prepared read of the card's columns (not SELECT * and a dict).
        return [self._storage.cards.card_and_progress(card_id)[0] for card_id in found] if found else [current]

    @property
    def current_kind(self) -> ReviewKind | None:
        """Whether the card on screen is new, a review, or a drill repeat."""
        return self._current[1].kind if self._current else None

    def counts(self) -> QueueCounts:
        """What is left today in this scope, after the global and per-deck limits."""
        return self.queue.counts()

    @property
    def remaining(self) -> int:
        """Cards left today in this scope (new + due + drill), after limits."""
        return self.counts().total

    # -- previews and answers ---------------------------------------------------------

    def previews(self) -> list[Preview]:
        """For the current card, what each quality would do: 0–5 if ``settings.six_grades``,
        else the four buttons' 2–5. First answers call the pure :func:`sm2.step` once per
        grade, so a preview always equals what answering gives; drill repeats keep the
        interval. Raises ``LookupError`` if there is no card."""
        before, pick = self._current_state()
        if pick.kind is ReviewKind.DRILL:
            return repeat_previews(self.settings, before.interval)
        reps, easiness, interval = before.repetitions, before.easiness, before.interval
        return [Preview(g.quality, sm2.step(reps, easiness, interval, g.quality)[2], g.quality < DRILL_PASS)
                for g in grade_range(self.settings)]

    def _current_state(self) -> tuple[CardProgress, Pick]:
        card = self.next_card()
        if card is None or self._current is None:
            raise LookupError("no card to answer: the session is done")
        if self._progress is None or self._progress.card_id != card.id:
            self._progress = self._storage.cards.progress(card.id)
        return self._progress, self._current[1]

    def answer(self, quality: int) -> Answered:
        """Answer the current card with SM-2 ``quality`` (0–5; a ``Button`` is one).

        Stores the new state and the review-log row in one transaction and moves on.
        Raises ``ValueError`` for a quality outside 0–5, ``LookupError`` when there
        is no card and :class:`~mlprep.services.session.AnswerNotSaved` when the write fails (nothing
        stored; the card stays current).
        """
        current, before = self._current, self._progress
        if current is None or before is None or before.card_id != current[0].id:
            before, pick = self._current_state()
        else:
            pick = current[1]
        quality = check_quality(quality)
        now = self._clock.now()
        since, until = self._day_bounds
        if not since <= now < until and not self._is_today(now):
            # Shown before the rollover hour, answered after it: the answer belongs to the new study day
            # (scheduled from it and counted in its limits), not to the day the card was shown on.
            shown = self._current
            self._start_day()
            self._current = shown
        after, became_leech = (before, False) if pick.kind is ReviewKind.DRILL else self._schedule(before, quality)
        sm2_due = after.due
        if self._placer is not None and pick.kind is not ReviewKind.DRILL and after.due is not None:
            after = replace(after, due=self._placer.place(before.card_id, answered_on=self.today, at=now,
                                                          quality=quality, sm2_due=after.due, old_due=before.due))
        entry = log_entry(before, after, kind=pick.kind, quality=quality, at=now, ms=answer_ms(self._shown_at, now),
                          due_sm2=sm2_due)
        log_id = record(self._storage.cards, after, entry)
        drill_again = quality < DRILL_PASS and not after.suspended
        drill = self.queue.taken(pick, drill_again=drill_again)
        self._undo.append(_Undo(before, log_id, pick, drill, after.due))
        self.answered += 1
        self._current = None
        return Answered(after, log_id, pick.kind, became_leech)

    def _schedule(self, before: CardProgress, quality: int) -> tuple[CardProgress, bool]:
        repetitions, easiness, interval = sm2.step(before.repetitions, before.easiness, before.interval, quality)
        lapse = quality < PASS and before.repetitions > 0
        # Built whole, by position (CardProgress's field order): dataclasses.replace() walks the fields.
        after = CardProgress(before.card_id, repetitions, easiness, interval, self.today + timedelta(days=interval),
                             before.lapses + lapse, before.reviews + 1, before.suspended, before.buried_until,
                             before.user_tags)
        if lapse and self._is_leech(after.lapses) and LEECH_TAG not in after.user_tags:
            suspend = self.settings.leech_action is LeechAction.SUSPEND
            return replace(after, user_tags=(*after.user_tags, LEECH_TAG), suspended=after.suspended or suspend), True
        return after, False

    def _is_leech(self, lapses: int) -> bool:
        """Anki's rule: a leech at the threshold, and again every half threshold after it."""
        threshold = self.settings.leech_threshold
        return lapses >= threshold and (lapses - threshold) % max(1, threshold // 2) == 0

    # -- undo, suspend, bury ---------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        """Whether there is an answer, burial or suspension of this session to take back."""
        return bool(self._undo)

    def undo(self) -> Card:
        """Take back the last answer, suspension or burial of this session: the card's state
        is restored exactly, its log row deleted, and it is shown again. Several steps deep.
        Raises ``LookupError`` when there is nothing to undo."""
        if not self._undo:
            raise LookupError("nothing to undo")
        step = self._undo.pop()
        self._storage.cards.restore(step.before, step.log_id)
        if self._placer is not None and step.log_id is not None and step.pick.kind is not ReviewKind.DRILL:
            self._placer.unplace(step.before.due, step.due_after)
        self.queue.returned(step.pick, answered=step.log_id is not None, drill=step.drill)
        if step.log_id is not None:
            self.answered -= 1
        card = self._storage.cards.card(step.before.card_id)
        self._current = (card, step.pick)
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
        before, pick = self._current_state()
        after = change(before)
        self._storage.cards.set_progress(after)
        self._undo.append(_Undo(before, None, pick, self.queue.hidden(pick)))
        self._current = None
        return after

    def next_due_day(self) -> date | None:
        """The study day the next card of the scope falls due (for the "done for today"
        screen); ``None`` if none of its cards has been studied."""
        return self._storage.study.scope_summary(self.today, self.scope)[1]

    def cards_in_scope(self) -> int:
        """How many cards of the scope can be shown (present, not suspended or buried): what
        cramming the scope would go through."""
        return self._storage.study.scope_summary(self.today, self.scope)[0]

    def finished(self) -> Finished:
        """The done screen's figures; the session's scope (a deck, area, tag or all decks, as
        Study ▸ Cram all decks) can be crammed once it is done: its cards that can be shown."""
        cards, next_due = self._storage.study.scope_summary(self.today, self.scope)
        return Finished(self.answered, self.today, next_due, self.scope, cards)

    def idle(self) -> None:
        """Upkeep for idle time, which the review screen calls once the next card is on
        screen: checkpoint the database's write-ahead log every few answers
        (:meth:`mlprep.storage.cards.CardStore.checkpoint_if_due`), so no answer waits for it."""
        self._storage.checkpoint_if_due()

