"""Today's queue: the one owner of which card comes next and how many are left.

The review screen's counts, the deck list's counts and the CLI all come from :class:`TodayQueue`, so
they cannot disagree. A card counts against two daily limits (new cards introduced, reviews), each
global and optionally per deck, as in Anki's deck options: a deck shows at most what its own limit
leaves, and any total at most what the global limit leaves.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from mlprep.core.models import Card, CardId, CardProgress, DeckId, ReviewKind
from mlprep.core.study_settings import LimitKind, NewOrder, ScopeKind, StudyScope, StudySettings
from mlprep.services.session import QueueCounts
from mlprep.storage.collection_db import CollectionDb
from mlprep.storage.study_queries import DeckTally

LIMIT_OF_KIND = {ReviewKind.NEW: LimitKind.NEW, ReviewKind.REVIEW: LimitKind.REVIEW}
"""The daily limit a first answer counts against (drills and cram count against none)."""

_KIND_OF_LIMIT = {LimitKind.NEW: ReviewKind.NEW, LimitKind.REVIEW: ReviewKind.REVIEW}


class DailyLimits:
    """What the global and per-deck daily limits of ``settings`` still allow, after the first-pass
    answers already given today (``answered``, per deck and limit)."""

    def __init__(self, settings: StudySettings, answered: DeckTally) -> None:
        self._settings = settings
        self._done: DeckTally = {deck: dict(counts) for deck, counts in answered.items()}
        # The sum over the decks, kept with every count(): left() is asked per card and per deck.
        self._total = {kind: sum(d.get(kind, 0) for d in self._done.values()) for kind in LimitKind}

    def left(self, kind: LimitKind, deck: DeckId | None = None) -> int:
        """Cards of ``kind`` the global limit still allows today, or with ``deck``, what both the
        global limit and that deck's own limit allow (never negative)."""
        left = self._settings.daily_limit(kind) - self._total[kind]
        if deck is not None and (own := self._settings.limit_for(deck, kind)) is not None:
            left = min(left, own - self._done.get(deck, {}).get(kind, 0))
        return max(0, left)

    def count(self, deck: DeckId, kind: LimitKind, delta: int = 1) -> None:
        """Record ``delta`` first-pass answers of ``kind`` in ``deck`` (``-1`` for an undo)."""
        counts = self._done.get(deck)
        if counts is None:
            counts = self._done[deck] = {LimitKind.NEW: 0, LimitKind.REVIEW: 0}
        counts[kind] = counts.get(kind, 0) + delta
        self._total[kind] += delta

    def blocked(self, kind: LimitKind) -> list[DeckId]:
        """Decks whose own limit for ``kind`` is used up today."""
        return [DeckId(deck) for deck in self._settings.deck_limits if self.left(kind, DeckId(deck)) == 0]

    def capped(self, kind: LimitKind, available: Mapping[DeckId, int]) -> dict[DeckId, int]:
        """Per deck, the cards of ``kind`` it can show: what is ``available`` in it, capped by its
        own limit and the global one."""
        everywhere, own = self.left(kind), self._settings.deck_limits  # a deck without its own limit: the global
        return {deck: min(n, self.left(kind, deck) if deck in own else everywhere) for deck, n in available.items()}

    def total(self, kind: LimitKind, available: Mapping[DeckId, int]) -> int:
        """All the cards of ``kind`` the decks can show together: each deck capped as in
        :meth:`capped`, the sum capped by the global limit."""
        everywhere = self.left(kind)
        if not self._settings.deck_limits:  # the review screen asks at every card: no dict, no call per deck
            counts = available.values()
            if max(counts, default=0) <= everywhere:  # no deck is capped: the sum
                return min(everywhere, sum(counts))
            if min(counts) >= 0:  # one deck alone fills what the global limit leaves
                return everywhere
            return min(everywhere, sum(min(n, everywhere) for n in counts))
        return min(everywhere, sum(self.capped(kind, available).values()))


class StopReason(StrEnum):
    """Why a scope's queue owes nothing more today (the done screen says which)."""

    NEW_LIMIT = "new_limit"  # the global daily limit of new cards is used up, new cards are left
    REVIEW_LIMIT = "review_limit"  # the global daily limit of reviews is used up, due cards are left
    DECK_LIMIT = "deck_limit"  # decks' own daily limits are used up, their cards are left
    NOTHING_LEFT = "nothing_left"  # nothing is due and every new card has been introduced


@dataclass(frozen=True)
class LimitReached:
    """A daily limit that holds cards back: of ``kind``, the ``limit`` in force today (cards per study
    day, today's extra cards included), the ``left`` cards of the scope it holds back, and the
    ``deck`` whose own limit it is (``None``: the global limit)."""

    kind: LimitKind
    limit: int
    left: int
    deck: DeckId | None

    @property
    def reason(self) -> StopReason:
        """The global new-card or review limit, or a deck's own limit."""
        if self.deck is not None:
            return StopReason.DECK_LIMIT
        return StopReason.NEW_LIMIT if self.kind is LimitKind.NEW else StopReason.REVIEW_LIMIT


@dataclass(frozen=True)
class Stop:
    """Why today's queue of a scope is empty: the ``limits`` that hold its cards back (new cards first,
    then reviews; empty when nothing is held back), the cards it still ``owed`` (0 once a session
    is done: with cards owed, the limits name only the kinds that have none left), today's
    ``extra_new`` cards in force (:meth:`mlprep.services.collection.Collection.extend_new_limit`), and
    whether the new-card limit is an interview plan's quota (``by_plan``)."""

    limits: tuple[LimitReached, ...]
    owed: int
    extra_new: int = 0
    by_plan: bool = False

    @property
    def reason(self) -> StopReason:
        """The first limit's reason, or :attr:`StopReason.NOTHING_LEFT` when no limit holds a card back."""
        return self.limits[0].reason if self.limits else StopReason.NOTHING_LEFT

    @property
    def new_left(self) -> int:
        """New cards the limits hold back today (what extending the new-card limit can show)."""
        return sum(hit.left for hit in self.limits if hit.kind is LimitKind.NEW)


@dataclass(frozen=True)
class DrillStep:
    """How one answer, burial or suspension changed today's drill, for its undo: the place ``left_at`` the card
    left the drill from (``None``: it was not in it) and whether it was ``appended`` at the end (graded below 4).
    Undo takes the card off the end and puts it back at ``left_at``: no copy of the drill per answer (copying a
    long drill at every answer that changed it cost more than the rest of the queue's bookkeeping)."""

    card_id: CardId
    left_at: int | None
    appended: bool


@dataclass(frozen=True)
class Pick:
    """The next card: its id, its deck and how it is shown (new, review or drill); ``loaded`` is its
    content and scheduling record as the pick read them (``None`` when it did not read them)."""

    card_id: CardId
    deck_id: DeckId
    kind: ReviewKind
    loaded: tuple[Card, CardProgress] | None = field(default=None, compare=False, repr=False)


class OrderPending(Protocol):
    """The new cards' introduction order still being computed or stored (see
    :class:`mlprep.services.new_order.PendingOrder`); ``settled`` once all of it is stored."""

    settled: bool

    def ready(self) -> bool:
        """Whether it has been computed (it can be stored without waiting)."""

    def settle(self) -> None:
        """Wait for it and store what is left."""

    def store_some(self) -> bool:
        """Store a chunk of it if it has been computed (never waits); whether it is settled."""

    def when_ready(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once it can be stored without waiting (perhaps on another thread)."""


class TodayQueue:
    """The cards of ``scope`` that study day ``today`` (which began at the UTC instant ``since`` and ends
    at ``until``, by default 24 hours later: pass the exact end across a daylight-saving change) still
    owes, in the order :meth:`pick` gives them, within ``settings``' limits. Only that day's answers
    count against its limits, so a clock set back does not find a later day's answers.

    Counted from the collection once (or from ``available``, per deck, when the caller has counted
    already), then kept up to date by :meth:`taken`, :meth:`returned`
    and :meth:`hidden`, so reading the counts costs nothing per card. New cards are placed by
    ``settings.new_order``; due cards come most overdue first; the drill (SM-2 step 7: the scope's cards
    graded below 4 today) comes last.
    """

    def __init__(self, storage: CollectionDb, settings: StudySettings, scope: StudyScope, today: date,
                 since: datetime, *, available: DeckTally | None = None, until: datetime | None = None) -> None:
        self._study = storage.study
        self._cards = storage.cards
        self.settings, self.scope, self.today = settings, scope, today
        end = since + timedelta(days=1) if until is None else until
        self.limits = DailyLimits(settings, self._study.answered_since(since, end))
        self.drill: deque[CardId] = deque(self._in_scope(self._study.drill_since(since, today, end)))
        """Today's drill in order (read it; the queue's methods change it)."""
        self._drilled = set(self.drill)  # the drill's cards, for a membership test that does not scan it
        tally = self._study.available_by_deck(today, scope) if available is None else available
        self._available = {kind: {deck: n[kind] for deck, n in tally.items()} for kind in LimitKind}
        new_today = self.limits.total(LimitKind.NEW, self._available[LimitKind.NEW])
        self._mix_every = max(1, self.limits.total(LimitKind.REVIEW, self._available[LimitKind.REVIEW])
                              // max(1, new_today))
        self._reviews_since_new = 0
        self.new_order: OrderPending | None = None
        """The new cards' order while it is computed elsewhere: until it is all stored, new cards wait and
        the due cards come first; with nothing else to show, :meth:`pick` waits for it (issue 16)."""
        self._deck_limits = bool(settings.deck_limits)

    def counts(self) -> QueueCounts:
        """New, drill and due cards left in the scope today, after every limit."""
        return QueueCounts(new=self.limits.total(LimitKind.NEW, self._available[LimitKind.NEW]),
                           learn=len(self.drill),
                           review=self.limits.total(LimitKind.REVIEW, self._available[LimitKind.REVIEW]))

    def deck_counts(self) -> dict[DeckId, QueueCounts]:
        """Per deck of the scope, its new and due cards after its own and the global limits, and its
        cards owed a re-drill today (``learn``: the drill is bound by no limit)."""
        new = self.limits.capped(LimitKind.NEW, self._available[LimitKind.NEW])
        due = self.limits.capped(LimitKind.REVIEW, self._available[LimitKind.REVIEW])
        learn = self._cards.decks_holding(list(self.drill)) if self.drill else {}
        return {deck: QueueCounts(new=new.get(deck, 0), learn=learn.get(deck, 0), review=due.get(deck, 0))
                for deck in new | due | learn}

    def _in_scope(self, drill: list[CardId]) -> list[CardId]:
        """The cards of today's drill that belong to the scope (Anki's learning cards stay with their
        deck: a deck's session re-drills its own cards, and the deck list counts them under it)."""
        if not drill or self.scope.kind is ScopeKind.ALL:
            return drill
        keep = set(self._study.scope_card_ids(self.today, self.scope))
        return [card for card in drill if card in keep]

    def stop(self) -> Stop:
        """Why the queue owes nothing more (see :class:`Stop`): for each limit kind with no card left
        to show while the scope still holds cards of that kind, the global limit if it is used up, else
        each deck whose own limit is used up, with the cards it holds back."""
        counts = self.counts()
        shown = {LimitKind.NEW: counts.new, LimitKind.REVIEW: counts.review}
        hits: list[LimitReached] = []
        for kind in LimitKind:
            available = {deck: n for deck, n in self._available[kind].items() if n > 0}
            if shown[kind] or not available:
                continue
            if not self.limits.left(kind):
                hits.append(LimitReached(kind, self.settings.daily_limit(kind), sum(available.values()), None))
                continue
            for deck, n in sorted(available.items()):
                own = self.settings.limit_for(deck, kind)
                if own is not None and not self.limits.left(kind, deck):
                    hits.append(LimitReached(kind, own, n, deck))
        return Stop(tuple(hits), counts.total)

    def pick(self) -> Pick | None:
        """The card to show next, or ``None`` when the scope owes nothing more today."""
        if self.new_order is not None and self.new_order.settled:
            self.new_order = None
        order = self.settings.new_order
        new_first = order is NewOrder.BEFORE or (order is NewOrder.MIXED and self._reviews_since_new >= self._mix_every)
        kinds = (LimitKind.NEW, LimitKind.REVIEW) if new_first else (LimitKind.REVIEW, LimitKind.NEW)
        for kind in kinds:  # the second query runs only when the first finds nothing
            if not self.limits.left(kind) or (kind is LimitKind.NEW and self.new_order is not None):
                continue
            find = self._study.pick_new if kind is LimitKind.NEW else self._study.pick_due
            found = find(self.today, self.scope, self.limits.blocked(kind) if self._deck_limits else ())
            if found:
                return Pick(found[0].id, found[0].deck, _KIND_OF_LIMIT[kind], found)
        if self.new_order is not None and self.limits.left(LimitKind.NEW):  # nothing due first: wait for it
            self.new_order.settle()
            self.new_order = None
            return self.pick()
        if self.drill:
            found = self._cards.card_and_progress(self.drill[0])
            return Pick(found[0].id, found[0].deck, ReviewKind.DRILL, found)
        return None

    def waits_for_order(self) -> bool:
        """Whether :meth:`pick` would wait now for the new cards' order (:attr:`new_order`): it is not
        stored yet, new cards are allowed and no due card comes first."""
        if self.new_order is None or self.new_order.settled or not self.limits.left(LimitKind.NEW):
            return False
        return not (self.limits.left(LimitKind.REVIEW)
                    and self._study.next_due(self.today, self.scope, self.limits.blocked(LimitKind.REVIEW)))

    def taken(self, pick: Pick, *, drill_again: bool) -> DrillStep | None:
        """``pick`` was answered: count it against its limits, and with ``drill_again`` put it at
        the end of the drill (SM-2 step 7: graded below 4). Returns how the drill changed, for
        :meth:`returned` (``None``: it did not)."""
        if (limit := LIMIT_OF_KIND.get(pick.kind)) is not None:
            self.limits.count(pick.deck_id, limit)
            self._available[limit][pick.deck_id] = self._available[limit].get(pick.deck_id, 0) - 1
            self._reviews_since_new = 0 if pick.kind is ReviewKind.NEW else self._reviews_since_new + 1
        left_at = self._leave_drill(pick.card_id)
        if drill_again:
            self.drill.append(pick.card_id)
            self._drilled.add(pick.card_id)
        return DrillStep(pick.card_id, left_at, drill_again) if drill_again or left_at is not None else None

    def hidden(self, pick: Pick) -> DrillStep | None:
        """``pick`` was buried or suspended: it leaves today's queue without an answer. Returns how the
        drill changed, for :meth:`returned` (``None``: it did not)."""
        if (limit := LIMIT_OF_KIND.get(pick.kind)) is not None:
            self._available[limit][pick.deck_id] = self._available[limit].get(pick.deck_id, 0) - 1
        left_at = self._leave_drill(pick.card_id)
        return None if left_at is None else DrillStep(pick.card_id, left_at, False)

    def returned(self, pick: Pick, *, answered: bool, drill: DrillStep | None) -> None:
        """Undo of :meth:`taken` (``answered``) or :meth:`hidden`, the last step not yet undone: ``pick`` is
        owed again, and ``drill`` (what that step returned) is undone: the card comes off the drill's end if it
        was appended, and goes back to the place it left."""
        if (limit := LIMIT_OF_KIND.get(pick.kind)) is not None:
            self._available[limit][pick.deck_id] = self._available[limit].get(pick.deck_id, 0) + 1
            if answered:
                self.limits.count(pick.deck_id, limit, -1)
        if drill is not None:
            if drill.appended and self.drill and self.drill[-1] == drill.card_id:
                self.drill.pop()
                self._drilled.discard(drill.card_id)
            if drill.left_at is not None and drill.card_id not in self._drilled:
                self.drill.insert(min(drill.left_at, len(self.drill)), drill.card_id)
                self._drilled.add(drill.card_id)

    def in_drill(self, card_id: CardId) -> bool:
        """Whether ``card_id`` is in today's drill."""
        return card_id in self._drilled

    def _leave_drill(self, card_id: CardId) -> int | None:
        """Take ``card_id`` out of the drill; return the place it had (``None``: it was not in it)."""
        if card_id not in self._drilled:
            return None
        place = self.drill.index(card_id)
        del self.drill[place]
        self._drilled.discard(card_id)
        return place
