"""The Browse window's queries: a parsed search (:mod:`mlprep.core.search_query`) compiled to one SQL
``WHERE`` over the cards, the table's rows, and the writes of its actions with their undo snapshots.

Values always travel as parameters, never pasted into the SQL text. Free text goes through the FTS5
index ``cards_fts`` (migration ``m006_card_search``): a word is a token-prefix query (``"grad"*``), a
quoted phrase an FTS5 phrase (https://sqlite.org/fts5.html#full_text_query_syntax, section 3.2-3.3), both
escaped by doubling ``"``. Text with no letters or digits (which FTS5's ``unicode61`` tokenizer drops)
falls back to a case-insensitive ``LIKE`` over front and back.

Only present cards (in a deck file that is still there) are searched. Conditions on the due day are
written ``COALESCE(c.due, '9')``, which keeps SQLite off the partial ``idx_cards_due`` (a pass over it costs
a table read per card) and on the covering ``idx_cards_browse`` (migration m006). The first page in due
order walks ``idx_cards_browse`` in its order and stops at the page's end.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from enum import StrEnum
from itertools import count
from typing import TYPE_CHECKING, cast

from mlprep.core.clock import DEFAULT_ROLLOVER_HOUR, day_start
from mlprep.core.models import CardId, CardProgress, DeckId
from mlprep.core.search_query import (
    And,
    CardState,
    FieldKind,
    FieldMatch,
    MatchAll,
    Not,
    Prop,
    PropName,
    Rated,
    SearchNode,
    State,
    Text,
)
from mlprep.storage.db import Db as Database
from mlprep.storage.log_codec import instant_us

if TYPE_CHECKING:
    from mlprep.storage.collection_db import CollectionDb

_BATCH = 500  # ids per IN (json_each(?)) read
_INDEXED = "INDEXED BY idx_cards_browse"
"""A search's ids in due order walk m006's covering index in its order and stop at ``limit``: at 100k cards
SQLite would otherwise read, say, the 20k cards of a common word one by one from the table and sort them."""


@dataclass(frozen=True)
class SearchSql:
    """A compiled search: ``where`` is an SQL condition over ``cards c`` and ``params`` its named
    parameters."""

    where: str
    params: dict[str, object]


class BrowseOrder(StrEnum):
    """The columns the table can be sorted by."""

    DUE = "due"
    INTERVAL = "interval"
    EASE = "ease"
    REVIEWS = "reviews"
    LAPSES = "lapses"
    REPETITIONS = "repetitions"
    DECK = "deck"
    AREA = "area"
    FRONT = "front"
    ADDED = "added"
    CARD = "card"


_ORDER_SQL = {
    BrowseOrder.DUE: "c.due IS NULL, c.due {dir}",  # new cards last; idx_cards_browse's order
    BrowseOrder.INTERVAL: "c.interval {dir}",
    BrowseOrder.EASE: "c.easiness {dir}",
    BrowseOrder.REVIEWS: "c.reviews {dir}",
    BrowseOrder.LAPSES: "c.lapses {dir}",
    BrowseOrder.REPETITIONS: "c.repetitions {dir}",
    BrowseOrder.DECK: "c.deck_id {dir}",
    BrowseOrder.AREA: "(SELECT area FROM decks WHERE id = c.deck_id) {dir}",
    BrowseOrder.FRONT: "c.front COLLATE NOCASE {dir}",
    BrowseOrder.ADDED: "c.added_at {dir}",
    BrowseOrder.CARD: "c.id {dir}",
}


@dataclass(frozen=True)
class BrowseRecord:
    """One card as the table shows it: ``front`` as stored (Markdown), its deck and area, the due study
    day (``None`` while new), interval (days), ease factor (SM-2 EF), repetitions (recalls in a row),
    reviews (times answered), lapses, and whether it is suspended, buried (on study day ``today``), a
    leech, or new."""

    card_id: CardId
    front: str
    deck_id: DeckId
    deck_title: str
    area: str
    due: date | None
    interval: int
    easiness: float
    repetitions: int
    reviews: int
    lapses: int
    suspended: bool
    buried: bool
    leech: bool


@dataclass(frozen=True)
class FacetCounts:
    """The Browse sidebar's figures: present cards per area, per deck (id -> (title, cards)) and per tag,
    each sorted by name."""

    areas: dict[str, int]
    decks: dict[DeckId, tuple[str, int]]
    tags: dict[str, int]


@dataclass(frozen=True)
class Snapshot:
    """A card's scheduling record and its place in the new-card order (``new_rank``), as an action
    found them: what undo writes back."""

    progress: CardProgress
    new_rank: int | None


_PLAIN_TAG = re.compile(r"[A-Za-z0-9:._-]*")


def _like(value: str) -> str:
    """A ``*``-wildcard value as a ``LIKE`` pattern with ``\\`` as the escape character."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def _fts_query(text: str, phrase: bool) -> str:
    quoted = '"' + text.replace('"', '""') + '"'
    return quoted if phrase else quoted + "*"


def _has_token(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class _Compiler:
    def __init__(self, today: date, tz: tzinfo | None, rollover_hour: int, leech_tag: str) -> None:
        self.today = today
        self.leech_tag = leech_tag
        self.tz = tz
        self.rollover_hour = rollover_hour
        self.params: dict[str, object] = {"today": today.isoformat()}
        self._names = count(1)

    def param(self, value: object) -> str:
        name = f"p{next(self._names)}"
        self.params[name] = value
        return f":{name}"

    def sql(self, node: SearchNode) -> str:
        if isinstance(node, MatchAll):
            return "1"
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, FieldMatch):
            return self._field(node)
        if isinstance(node, State):
            return self._state(node.state)
        if isinstance(node, Prop):
            return self._prop(node)
        if isinstance(node, Rated):
            return self._rated(node)
        if isinstance(node, Not):
            return f"NOT IFNULL(({self.sql(node.child)}), 0)"
        if isinstance(node, And):
            return self._and(node.children)
        return "(" + " OR ".join(f"({self.sql(child)})" for child in node.children) + ")"

    def _and(self, children: tuple[SearchNode, ...]) -> str:
        """Every child; the free-text ones as one FTS5 query (one pass over the index, not one each)."""
        texts = [c for c in children if isinstance(c, Text) and c.text.strip() and _has_token(c.text)]
        parts = [self.sql(c) for c in children if not any(c is t for t in texts)]
        if texts:
            match = self.param(" AND ".join(_fts_query(t.text, t.phrase) for t in texts))
            parts.insert(0, f"c.rowid IN (SELECT rowid FROM cards_fts WHERE cards_fts MATCH {match})")
        return "(" + " AND ".join(f"({p})" for p in parts) + ")"

    def _text(self, node: Text) -> str:
        if not node.text.strip():
            return "1"
        if not _has_token(node.text):
            pattern = self.param("%" + _like(node.text) + "%")
            return f"(c.front LIKE {pattern} ESCAPE '\\' OR c.back LIKE {pattern} ESCAPE '\\')"
        match = self.param(_fts_query(node.text, node.phrase))
        return f"c.rowid IN (SELECT rowid FROM cards_fts WHERE cards_fts MATCH {match})"

    def _field(self, node: FieldMatch) -> str:
        pattern = self.param(_like(node.value))
        if node.field is FieldKind.DECK:
            return (f"c.deck_id IN (SELECT id FROM decks WHERE id LIKE {pattern} ESCAPE '\\' "
                    f"OR title LIKE {pattern} ESCAPE '\\')")
        if node.field is FieldKind.AREA:
            return f"c.deck_id IN (SELECT id FROM decks WHERE area LIKE {pattern} ESCAPE '\\')"
        return f"({self._tag_in('c.tags', node.value, pattern)} OR {self._tag_in('c.user_tags', node.value, pattern)})"

    def _tag_in(self, column: str, value: str, pattern: str) -> str:
        """A tag of JSON list ``column`` matches ``pattern``. A plain value (letters, digits, ``:._-``) is
        a ``LIKE`` of ``"value"`` over the list's text: in a JSON list of strings only a whole element can
        read so, and no JSON is parsed. A value with ``*`` is that ``LIKE`` (with wildcards) as a filter
        before the exact test of each element."""
        exact = f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value LIKE {pattern} ESCAPE '\\')"
        if not _PLAIN_TAG.fullmatch(value.replace("*", "")):
            return exact
        text = self.param('%"' + _like(value) + '"%')
        if "*" not in value:  # (LIKE without ESCAPE is about a quarter faster; nothing to escape without _)
            return f"{column} LIKE {text}" if "_" not in value else f"{column} LIKE {text} ESCAPE '\\'"
        return f"({column} LIKE {text} ESCAPE '\\' AND {exact})"

    def _state(self, state: CardState) -> str:
        if state is CardState.LEECH:
            return self._tag_in("c.user_tags", self.leech_tag, self.param(_like(self.leech_tag)))
        return {
            CardState.NEW: "c.due IS NULL",
            CardState.LEARN: "(c.due IS NOT NULL AND c.repetitions = 0)",
            CardState.REVIEW: "c.repetitions > 0",
            CardState.DUE: ("(COALESCE(c.due, '9') <= :today AND c.suspended = 0 "
                            "AND (c.buried_until IS NULL OR c.buried_until <= :today))"),
            CardState.SUSPENDED: "c.suspended = 1",
            CardState.BURIED: "c.buried_until > :today",
        }[state]

    def _prop(self, node: Prop) -> str:
        if node.name is PropName.DUE:
            days = max(-(self.today - date.min).days, min(int(node.value), (date.max - self.today).days))
            day = self.param((self.today + timedelta(days=days)).isoformat())
            return f"COALESCE(c.due, '9') {node.op} {day} AND c.due IS NOT NULL"
        column = {PropName.IVL: "c.interval", PropName.EASE: "c.easiness", PropName.LAPSES: "c.lapses",
                  PropName.REPS: "c.reviews"}[node.name]
        return f"{column} {node.op} {self.param(node.value)}"

    def _rated(self, node: Rated) -> str:
        first = self.today - timedelta(days=min(node.days - 1, (self.today - date.min).days - 1))
        since = self.param(instant_us(day_start(first, self.tz, self.rollover_hour)))
        return f"c.id IN (SELECT card_id FROM review_log WHERE reviewed_at >= {since})"


def compile_search(node: SearchNode, today: date, *, leech_tag: str, tz: tzinfo | None = None,
                   rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> SearchSql:
    """``node`` as an SQL condition over the present cards (``cards c``); ``is:leech`` is the user tag
    ``leech_tag`` (:data:`mlprep.services.study.LEECH_TAG`).

    ``today`` is the study day that ``is:due``, ``is:buried`` and ``prop:due`` count from; ``rated:N``
    counts the answers logged since the start of study day ``today - (N - 1)`` (in ``tz``, with the
    day's ``rollover_hour``, see :func:`mlprep.core.clock.day_start`).
    """
    compiler = _Compiler(today, tz, rollover_hour, leech_tag)
    return SearchSql(f"c.present = 1 AND ({compiler.sql(node)})", compiler.params)


class BrowseQueries:
    """The Browse window's reads and writes over one open collection ``db``; ``leech_tag`` is the user
    tag that marks a leech (:data:`mlprep.services.study.LEECH_TAG`)."""

    def __init__(self, db: Database, leech_tag: str) -> None:
        self._db = db
        self._leech_tag = leech_tag

    def count(self, search: SearchSql) -> int:
        """How many cards ``search`` matches."""
        return int(self._db.execute(f"SELECT COUNT(*) FROM cards c WHERE {search.where}",
                                    search.params).fetchone()[0])

    def ids(self, search: SearchSql, order: BrowseOrder = BrowseOrder.DUE, descending: bool = False,
            limit: int | None = None, offset: int = 0) -> list[CardId]:
        """The ids of the cards ``search`` matches, sorted by ``order`` (ties by card id), from ``offset``,
        at most ``limit`` of them (``None``: all)."""
        direction = "DESC" if descending else "ASC"
        order_sql = _ORDER_SQL[order].format(dir=direction)
        cursor = self._db.conn.cursor()
        cursor.row_factory = _first_column  # (no row tuple outlives its row: see _first_column)
        cursor.execute(
            f"SELECT c.id FROM cards c {_INDEXED if order is BrowseOrder.DUE else ''} WHERE {search.where} "
            f"ORDER BY {order_sql}, c.id {direction} "
            "LIMIT :limit OFFSET :offset",
            {**search.params, "limit": -1 if limit is None else limit, "offset": offset})
        return cast(list[CardId], cursor.fetchall())

    def records(self, ids: Sequence[CardId], today: date) -> list[BrowseRecord]:
        """The table rows of ``ids`` in that order (unknown ids are left out), one query per
        :data:`_BATCH` ids; ``today`` is the study day burial is judged on."""
        found: dict[str, BrowseRecord] = {}
        for start in range(0, len(ids), _BATCH):
            rows = self._db.execute(
                "SELECT c.id, c.front, c.deck_id, COALESCE(d.title, c.deck_id), COALESCE(d.area, ''), c.due, "
                "c.interval, c.easiness, c.repetitions, c.reviews, c.lapses, c.suspended, "
                "c.buried_until > :today, EXISTS (SELECT 1 FROM json_each(c.user_tags) WHERE value = :leech) "
                "FROM cards c LEFT JOIN decks d ON d.id = c.deck_id WHERE c.id IN (SELECT value FROM json_each(:ids))",
                {"ids": json.dumps(list(ids[start:start + _BATCH])), "today": today.isoformat(),
                 "leech": self._leech_tag}).fetchall()
            for r in rows:
                found[r[0]] = BrowseRecord(
                    CardId(r[0]), r[1], DeckId(r[2]), r[3], r[4], date.fromisoformat(r[5]) if r[5] else None,
                    int(r[6]), float(r[7]), int(r[8]), int(r[9]), int(r[10]), bool(r[11]), bool(r[12]), bool(r[13]))
        return [found[i] for i in ids if i in found]

    def facet_counts(self) -> FacetCounts:
        """Present cards per area, per deck and per tag (deck tags and user tags such as ``leech``)."""
        areas = dict(self._db.execute(
            "SELECT d.area, COUNT(*) FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.present = 1 "
            "GROUP BY d.area ORDER BY d.area").fetchall())
        decks = {DeckId(deck): (title, int(n)) for deck, title, n in self._db.execute(
            "SELECT c.deck_id, COALESCE(d.title, c.deck_id), COUNT(*) FROM cards c LEFT JOIN decks d "
            "ON d.id = c.deck_id WHERE c.present = 1 GROUP BY c.deck_id ORDER BY 2, 1").fetchall()}
        tags = dict(self._db.execute(
            "SELECT value, COUNT(DISTINCT id) FROM (SELECT c.id, t.value FROM cards c, json_each(c.tags) t "
            "WHERE c.present = 1 UNION ALL SELECT c.id, t.value FROM cards c, json_each(c.user_tags) t "
            "WHERE c.present = 1) GROUP BY value ORDER BY value").fetchall())
        return FacetCounts(areas, decks, tags)

    def new_card_ids(self) -> list[CardId]:
        """The new cards in the introduction order (ranked ones; unranked ones after them)."""
        return [CardId(r[0]) for r in self._db.execute(
            "SELECT id FROM cards WHERE due IS NULL ORDER BY new_rank IS NULL, new_rank, id").fetchall()]

    # -- actions and their undo ------------------------------------------------------------------

    def snapshot(self, ids: Sequence[CardId]) -> list[Snapshot]:
        """The scheduling record and new-card rank of each of ``ids`` (unknown ids left out)."""
        out: list[Snapshot] = []
        for start in range(0, len(ids), _BATCH):
            rows = self._db.execute(
                "SELECT id, repetitions, easiness, interval, due, lapses, reviews, suspended, buried_until, "
                "user_tags, new_rank FROM cards WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(ids[start:start + _BATCH]))]).fetchall()
            out.extend(Snapshot(CardProgress(
                CardId(r[0]), int(r[1]), float(r[2]), int(r[3]), date.fromisoformat(r[4]) if r[4] else None,
                int(r[5]), int(r[6]), bool(r[7]), date.fromisoformat(r[8]) if r[8] else None,
                tuple(json.loads(r[9] or "[]"))), r[10]) for r in rows)
        return out

    def restore(self, snapshots: Sequence[Snapshot]) -> int:
        """Write each snapshot's record and rank back, in one transaction; return how many cards."""
        with self._db.atomic():
            cursor = self._db.conn.executemany(
                "UPDATE cards SET repetitions = ?, easiness = ?, interval = ?, due = ?, lapses = ?, reviews = ?, "
                "suspended = ?, buried_until = ?, user_tags = ?, new_rank = ? WHERE id = ?",
                [(s.progress.repetitions, s.progress.easiness, s.progress.interval, _iso(s.progress.due),
                  s.progress.lapses, s.progress.reviews, int(s.progress.suspended), _iso(s.progress.buried_until),
                  json.dumps(list(s.progress.user_tags)), s.new_rank, s.progress.card_id) for s in snapshots])
        return cursor.rowcount

    def _update(self, sql: str, ids: Sequence[CardId], *params: object) -> int:
        with self._db.atomic():
            return int(self._db.execute(f"{sql} WHERE id IN (SELECT value FROM json_each(?))",
                                        [*params, json.dumps(list(ids))]).rowcount)

    def set_suspended(self, ids: Sequence[CardId], suspended: bool) -> int:
        """Suspend (or unsuspend) ``ids``; return how many cards."""
        return self._update("UPDATE cards SET suspended = ?", ids, int(suspended))

    def set_buried_until(self, ids: Sequence[CardId], until: date | None) -> int:
        """Hide ``ids`` before study day ``until`` (``None``: unbury); return how many cards."""
        return self._update("UPDATE cards SET buried_until = ?", ids, _iso(until))

    def forget(self, ids: Sequence[CardId], easiness: float) -> int:
        """Put ``ids`` back to new (no repetitions, interval 0, ease factor ``easiness``, not due); their
        review log, lapse and review counts stay. Return how many cards."""
        return self._update("UPDATE cards SET repetitions = 0, easiness = ?, interval = 0, due = NULL", ids,
                            easiness)

    def set_due(self, ids: Sequence[CardId], day: date) -> int:
        """Make ``ids`` due on study day ``day`` (their SM-2 state is untouched); return how many."""
        return self._update("UPDATE cards SET due = ?", ids, day.isoformat())

    def reposition(self, ids: Sequence[CardId], position: int) -> int:
        """Put the new cards among ``ids`` at ``position`` (0: first) of the new-card order, in the given
        order, the other ranked new cards keeping their order around them; return how many moved."""
        with self._db.atomic():
            ranked = [CardId(r[0]) for r in self._db.execute(
                "SELECT id FROM cards WHERE due IS NULL AND new_rank IS NOT NULL ORDER BY new_rank").fetchall()]
            moving = set(self._db.execute(
                "SELECT id FROM cards WHERE due IS NULL AND id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(ids))]).fetchall())
            moved = [i for i in ids if (i,) in moving]
            chosen = set(moved)
            rest = [i for i in ranked if i not in chosen]
            at = max(0, min(position, len(rest)))
            order = rest[:at] + moved + rest[at:]
            self._db.conn.executemany("UPDATE cards SET new_rank = ? WHERE id = ?",
                                      [(rank, card) for rank, card in enumerate(order)])
        return len(moved)


def _first_column(_cursor: sqlite3.Cursor, row: tuple[object, ...]) -> object:
    """A row factory giving each row's first value. Each row's tuple is freed at once, so reading 100k ids
    allocates no container the cyclic garbage collector tracks: a list of row tuples made Python run a
    full collection (~40 ms, holding the GIL, so the window froze meanwhile) during a sort on the worker."""
    return row[0]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None



def browse_queries(storage: CollectionDb, leech_tag: str) -> BrowseQueries:
    """The Browse queries over an open collection's connection (services hold the
    :class:`~mlprep.storage.collection_db.CollectionDb`, never the connection)."""
    return BrowseQueries(storage.db, leech_tag)
