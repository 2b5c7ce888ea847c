"""The study queue's queries: next due or new card in a scope, what is available per deck, today's
answers, the drill list.

Every query is served by an index (see ``migrations.py``); none scans the cards table.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from datetime import date, datetime

from mlprep.core.models import Card, CardId, CardProgress, DeckId, ReviewKind
from mlprep.core.study_settings import LimitKind, ScopeKind, StudyScope
from mlprep.storage.card_rows import CARD_SELECT, card_and_progress_of
from mlprep.storage.db import Db as Database
from mlprep.storage.log_codec import END_OF_TIME, KIND_CODES, instant_us, read_kind

_VISIBLE = "c.present = 1 AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= :today)"

DeckTally = dict[DeckId, dict[LimitKind, int]]
"""Per deck, a count for each daily limit (new cards, reviews)."""


def _scope_sql(scope: StudyScope) -> tuple[str, dict[str, object]]:
    if scope.kind is ScopeKind.DECK:
        return " AND c.deck_id = :scope", {"scope": scope.value}
    if scope.kind is ScopeKind.AREA:
        return " AND c.deck_id IN (SELECT id FROM decks WHERE area = :scope)", {"scope": scope.value}
    if scope.kind is ScopeKind.TAG:
        return (" AND (EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = :scope)"
                " OR EXISTS (SELECT 1 FROM json_each(c.user_tags) WHERE value = :scope))"), {"scope": scope.value}
    return "", {}


def _excluding(blocked: Collection[DeckId]) -> tuple[str, dict[str, object]]:
    if not blocked:
        return "", {}
    return " AND c.deck_id NOT IN (SELECT value FROM json_each(:blocked))", {"blocked": json.dumps(list(blocked))}


_DUE = "(c.due IS NULL) = 0"
"""A reviewed card, written as the first column of ``idx_cards_browse`` (m006: ``due IS NULL, due, id, ...``): with
this term SQLite walks that covering index in due order (a range on ``due`` after it) and tests a card's
visibility, deck and tags in the index, reading only the row it returns. It replaces m008's
``idx_cards_due_id``, which migration m011 drops: one index fewer for every answer to rewrite (issue 16)."""

_PICK_TAILS = {
    "due": ("FROM cards c WHERE " + _DUE + " AND c.due <= :today AND {visible}{scope}{blocked}{skip} "
            "ORDER BY c.due, c.id LIMIT 1"),
    "new": ("FROM cards c INDEXED BY idx_cards_new_rank WHERE c.due IS NULL AND c.present = 1 AND c.suspended = 0 "
            "AND c.new_rank IS NOT NULL AND {visible}{scope}{blocked}{skip} ORDER BY c.new_rank LIMIT 1"),
    # A deck's next new card: the first visible entry of its range of idx_cards_new (deck_id, new_rank, ...; m011),
    # instead of a walk through every deck's new cards in idx_cards_new_rank reading each one's row for its deck.
    "new deck": ("FROM cards c INDEXED BY idx_cards_new WHERE c.due IS NULL AND c.present = 1 AND c.suspended = 0 "
                 "AND c.new_rank IS NOT NULL AND {visible}{scope}{blocked}{skip} ORDER BY c.new_rank LIMIT 1"),
}


@functools.lru_cache(maxsize=64)
def _pick_tail(kind: str, scope: StudyScope, blocked: tuple[DeckId, ...], *,
               skip: bool) -> tuple[str, dict[str, object]]:
    """The ``FROM … LIMIT 1`` of the next card's pick, ``kind`` ``"due"`` (most overdue first, ties by id)
    or ``"new"`` (by ``new_rank``), in ``scope`` outside the ``blocked`` decks (with ``skip``: other than the
    card ``:skip``), and its parameters but ``today`` and ``skip``: shared by the id-only picks and the
    picks that read the whole card. Made once per arguments (the review screen asks the id-only picks at
    every card): callers copy the parameters, never change them."""
    scope_sql, params = _scope_sql(scope)
    blocked_sql, blocked_params = _excluding(blocked)
    form = "new deck" if kind == "new" and scope.kind is ScopeKind.DECK else kind
    tail = _PICK_TAILS[form].format(visible=_VISIBLE, scope=scope_sql, blocked=blocked_sql,
                                    skip=" AND c.id != :skip" if skip else "")
    return tail, {**params, **blocked_params}


class StudyQueries:
    """The study queue's reads over one open collection (``db``, see :func:`mlprep.storage.db.open_db`)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._picks: dict[tuple[str, date, StudyScope, tuple[DeckId, ...]], tuple[str, dict[str, object]]] = {}

    def next_due(self, today: date, scope: StudyScope, blocked: Collection[DeckId] = (),
                 skip: CardId | None = None) -> tuple[CardId, DeckId] | None:
        """The most overdue visible card due on or before study day ``today`` in ``scope``, outside
        the ``blocked`` decks (ties by card id), other than ``skip``; ``None`` if there is none."""
        tail, params = _pick_tail("due", scope, tuple(blocked), skip=skip is not None)
        row = self._db.execute(f"SELECT c.id, c.deck_id {tail}",
                               {"today": today.isoformat(), "skip": skip, **params}).fetchone()
        return (CardId(row[0]), DeckId(row[1])) if row else None

    def next_new(self, today: date, scope: StudyScope, blocked: Collection[DeckId] = (),
                 skip: CardId | None = None) -> tuple[CardId, DeckId] | None:
        """The first visible new card in the introduction order (``cards.new_rank``, see
        :meth:`mlprep.storage.cards.CardStore.set_new_ranks`) in ``scope``, outside the ``blocked``
        decks, other than ``skip``; cards without a rank (left out by an interview plan) are never
        introduced."""
        tail, params = _pick_tail("new", scope, tuple(blocked), skip=skip is not None)
        row = self._db.execute(f"SELECT c.id, c.deck_id {tail}",
                               {"today": today.isoformat(), "skip": skip, **params}).fetchone()
        return (CardId(row[0]), DeckId(row[1])) if row else None

    def pick_due(self, today: date, scope: StudyScope,
                 blocked: Collection[DeckId] = ()) -> tuple[Card, CardProgress] | None:
        """:meth:`next_due`'s card with its content and scheduling record, read by the same statement
        (the pick reads the card's row to test it anyway): what the review screen shows next."""
        row = self._db.conn.execute(*self._pick_sql("due", today, scope, blocked)).fetchone()
        return card_and_progress_of(row) if row else None

    def pick_new(self, today: date, scope: StudyScope,
                 blocked: Collection[DeckId] = ()) -> tuple[Card, CardProgress] | None:
        """:meth:`next_new`'s card with its content and scheduling record, read by the same statement."""
        row = self._db.conn.execute(*self._pick_sql("new", today, scope, blocked)).fetchone()
        return card_and_progress_of(row) if row else None

    def _pick_sql(self, kind: str, today: date, scope: StudyScope,
                  blocked: Collection[DeckId]) -> tuple[str, dict[str, object]]:
        """The SQL text and parameters of :meth:`pick_due` (``kind`` ``"due"``) or :meth:`pick_new` (``"new"``),
        built once per study day, scope and blocked decks: the text stays the same, so SQLite's statement cache
        keeps it prepared, and the parameters are one dict, not rebuilt at every card (issue 16)."""
        key = (kind, today, scope, blocked if type(blocked) is tuple else tuple(blocked))
        cached = self._picks.get(key)
        if cached is None:
            tail, params = _pick_tail(kind, scope, key[3], skip=False)
            if len(self._picks) > 64:
                self._picks.clear()
            cached = self._picks[key] = (f"SELECT {CARD_SELECT} {tail}", {"today": today.isoformat(), **params})
        return cached

    def available_by_deck(self, today: date, scope: StudyScope) -> DeckTally:
        """Visible cards of ``scope`` per deck that study day ``today`` could show, before any
        limit: new cards (never answered, and in the introduction order) and reviews (due on or before
        ``today``)."""
        scope_sql, params = _scope_sql(scope)
        rows = self._db.execute(
            "SELECT c.deck_id, COALESCE(SUM(c.due IS NULL AND c.new_rank IS NOT NULL), 0), "
            "COALESCE(SUM(c.due <= :today), 0) FROM cards c "
            f"WHERE {_VISIBLE}{scope_sql} GROUP BY c.deck_id", {"today": today.isoformat(), **params}).fetchall()
        return {DeckId(deck): {LimitKind.NEW: int(new), LimitKind.REVIEW: int(due)} for deck, new, due in rows}

    def due_load(self, first: date, last: date) -> dict[date, int]:
        """Present, unsuspended cards due on each study day from ``first`` to ``last`` (days with
        none are left out): the planned load an interview plan spreads reviews over."""
        rows = self._db.execute(
            f"SELECT c.due, COUNT(*) FROM cards c WHERE {_DUE} AND c.due >= ? AND c.due <= ? AND c.present = 1 "
            "AND c.suspended = 0 GROUP BY c.due", [first.isoformat(), last.isoformat()]).fetchall()
        return {date.fromisoformat(day): int(n) for day, n in rows}

    def scope_summary(self, today: date, scope: StudyScope) -> tuple[int, date | None]:
        """(visible cards in ``scope``, the earliest due day among them or ``None`` if none has
        one): what the "done" screen says after a session in that scope."""
        scope_sql, params = _scope_sql(scope)
        row = self._db.execute(f"SELECT COUNT(*), MIN(c.due) FROM cards c WHERE {_VISIBLE}{scope_sql}",
                               {"today": today.isoformat(), **params}).fetchone()
        return int(row[0]), date.fromisoformat(row[1]) if row[1] else None

    def answered_since(self, since: datetime, until: datetime | None = None) -> DeckTally:
        """First-pass answers per deck from the UTC instant ``since`` up to ``until`` (excluded; no end
        when ``None``): new cards introduced (log kind ``new``) and reviews (kind ``review``), the two
        things daily limits count. The end matters when the clock was set back: a later day's answers
        do not use up an earlier day's limits."""
        out: DeckTally = {}
        rows = self._db.execute(
            "SELECT c.deck_id, l.kind, COUNT(*) FROM review_log l JOIN cards c ON c.id = l.card_id "
            "WHERE l.reviewed_at >= ? AND l.reviewed_at < ? AND l.kind IN (?, ?) GROUP BY c.deck_id, l.kind",
            [instant_us(since), _end(until), KIND_CODES[ReviewKind.NEW], KIND_CODES[ReviewKind.REVIEW]]).fetchall()
        for deck_id, kind, n in rows:
            out.setdefault(DeckId(deck_id), {LimitKind.NEW: 0, LimitKind.REVIEW: 0})[LimitKind(read_kind(kind))] = \
                int(n)
        return out

    def drill_since(self, since: datetime, today: date, until: datetime | None = None) -> list[CardId]:
        """SM-2 step 7: visible cards whose latest answer in ``[since, until)`` (first pass or drill)
        was graded below 4, oldest answer first."""
        rows = self._db.execute(
            """
            WITH todays AS (SELECT id, card_id, quality FROM review_log
                            WHERE reviewed_at >= :since AND reviewed_at < :until
                              AND kind IN (:new, :review, :drill)),
                 latest AS (SELECT card_id, MAX(id) AS id FROM todays GROUP BY card_id)
            SELECT t.card_id FROM todays t JOIN latest USING (id) JOIN cards c ON c.id = t.card_id
            WHERE t.quality < 4 AND """ + _VISIBLE + " ORDER BY t.id",
            {"since": instant_us(since), "until": _end(until), "today": today.isoformat(),
             "new": KIND_CODES[ReviewKind.NEW], "review": KIND_CODES[ReviewKind.REVIEW],
             "drill": KIND_CODES[ReviewKind.DRILL]}).fetchall()
        return [CardId(r[0]) for r in rows]

    def scope_card_ids(self, today: date, scope: StudyScope, due_until: date | None = None) -> list[CardId]:
        """Visible cards of ``scope`` in deck order; with ``due_until``, only reviewed cards due
        on or before that day (for reviewing ahead)."""
        scope_sql, params = _scope_sql(scope)
        due_sql = f" AND {_DUE} AND c.due <= :until" if due_until else ""
        rows = self._db.execute(
            f"SELECT c.id FROM cards c WHERE {_VISIBLE}{scope_sql}{due_sql} ORDER BY c.deck_id, c.position",
            {"today": today.isoformat(), "until": due_until.isoformat() if due_until else None, **params}).fetchall()
        return [CardId(r[0]) for r in rows]


def _end(until: datetime | None) -> int:
    """``until`` as the log's stored instant (microseconds since the epoch, UTC), or one after every
    instant the log can hold."""
    return END_OF_TIME if until is None else instant_us(until)
