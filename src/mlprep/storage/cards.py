"""Reading and writing decks, cards, scheduling state and the review log."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mlprep.core.models import Card, CardId, CardProgress, Deck, DeckCounts, DeckId, ReviewLogEntry
from mlprep.storage.card_rows import (
    CARD_SELECT,
    LOG_INSERT,
    PROGRESS_UPDATE,
    card_and_progress_of,
    log_params,
    progress_params,
)
from mlprep.storage.db import Db as Database
from mlprep.storage.db import checkpoint
from mlprep.storage.errors import WriteFailed
from mlprep.storage.log_codec import read_day, read_instant, read_kind


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def content_digest(deck_id: str, position: int, front: str, back: str, tags: str, source: str) -> bytes:
    """A card's synced content as a 16-byte BLAKE2b digest (Python's ``hashlib``; ``tags`` as the
    stored JSON text): equal digests mean nothing the deck sync writes has changed."""
    text = "\x1f".join((deck_id, str(position), front, back, tags, source))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


ROWS_PER_STATEMENT = 500
"""Cards per ``INSERT`` (new cards) or ``UPDATE ... FROM (VALUES ...)`` (changed ones) statement in
:meth:`CardStore.save_decks` (at most 5,500 parameters: SQLite's limit is 32,766 since 3.32). The full-text
index (``cards_fts``, m006) is kept by a trigger per row, and FTS5 writes its pending terms out as a new
segment whenever a statement opens a statement savepoint, which SQLite does for every statement that fires
triggers: one statement per card wrote one index segment per card (the shipped decks' 1,467 new cards:
~95 ms of a ~130 ms insert, disk, FULL, warm); one statement per 500 cards writes one per 500 (issue 16)."""

_CARD_INSERT_COLUMNS = ("id", "deck_id", "position", "front", "back", "tags", "source", "present", "content_hash",
                        "added_at", "updated_at")

_DECK_UPSERT = (
    "INSERT INTO decks (id, title, area, leaf, path, tags, description, card_count, present) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
    "area = excluded.area, leaf = excluded.leaf, path = excluded.path, tags = excluded.tags, "
    "description = excluded.description, card_count = excluded.card_count, present = excluded.present")


_CARD_UPDATE = ("UPDATE cards SET deck_id = v.column1, position = v.column2, front = v.column3, back = v.column4, "
                "tags = v.column5, source = v.column6, present = 1, content_hash = v.column7, updated_at = v.column8 "
                "FROM (VALUES {rows}) AS v WHERE cards.id = v.column9")
"""A changed card's synced content, from rows ``(deck_id, position, front, back, tags, source, content_hash,
updated_at, id)``."""


@functools.lru_cache(maxsize=8)
def _update_sql(rows: int) -> str:
    """:data:`_CARD_UPDATE` for ``rows`` rows."""
    return _CARD_UPDATE.format(rows=", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * rows))


@functools.lru_cache(maxsize=8)
def _insert_sql(rows: int) -> str:
    """``INSERT INTO cards (...) VALUES (...), ...`` for ``rows`` rows of :data:`_CARD_INSERT_COLUMNS`."""
    marks = "(" + ", ".join("?" * len(_CARD_INSERT_COLUMNS)) + ")"
    return f"INSERT INTO cards ({', '.join(_CARD_INSERT_COLUMNS)}) VALUES " + ", ".join([marks] * rows)


@dataclass(frozen=True)
class DeckFileRecord:
    """What the last deck sync saw of one deck file that loaded without a problem."""

    path: str
    """The file's path as the sync found it (a deck folder joined with the file name)."""
    deck_id: DeckId
    size: int
    """Bytes."""
    mtime_ns: int
    """Modification time, ns since the epoch (``os.stat_result.st_mtime_ns``)."""
    sha256: str
    """SHA-256 (hex) of the file's UTF-8 text as read."""
    inputs: str
    """The loader's inputs key the file was parsed under (see :func:`mlprep.services.deck_sync.sync_decks`)."""
    checked_ns: int
    """When the file was looked at, ns since the epoch (file-system time, not study time)."""


@dataclass(frozen=True)
class CardWrite:
    """What syncing one card did: ``"added"``, ``"updated"`` or ``"unchanged"``."""

    card_id: CardId
    outcome: str


class CardStore:
    """The collection's tables, read and written as core dataclasses.

    ``db`` is an open sqlite-utils ``Database`` (see :func:`mlprep.storage.db.open_db`).
    """

    CHECKPOINT_AFTER_ANSWERS = 25
    """Answers (or undos) after which :meth:`checkpoint_if_due` checkpoints: about 250 pages of
    write-ahead log, well below SQLite's automatic checkpoint at 1,000."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._answers_since_checkpoint = 0

    @property
    def db(self) -> Database:
        """The connection (for other storage modules and tests; services use the methods)."""
        return self._db

    def atomic(self) -> AbstractContextManager[Database]:
        """A transaction around several of this store's writes (nested ones become savepoints);
        rolled back if the block raises."""
        return self._db.atomic()

    # -- decks and card content -------------------------------------------------

    def save_deck(self, deck: Deck, now: datetime) -> dict[str, int]:
        """Upsert ``deck`` and its cards' content (not their progress), in one transaction: see
        :meth:`save_decks`, of which this is the one-deck case."""
        return self.save_decks([deck], now)

    def save_decks(self, decks: Sequence[Deck], now: datetime) -> dict[str, int]:
        """Upsert ``decks`` and their cards' content (not their progress), in one transaction; returns
        counts summed over the decks, ``{"added", "updated", "unchanged", "removed"}``.

        Deck by deck, in order: cards of the deck that are no longer in its file are marked not present
        (their progress and review history stay), and each card is compared with the collection by its
        content digest (``cards.content_hash``, :func:`content_digest`), not by reading its text back;
        changed cards are written with ``UPDATE ... FROM (VALUES ...)`` statements of
        :data:`ROWS_PER_STATEMENT` rows. The new cards of every deck are written last, in deck and file
        order, with multi-row ``INSERT`` statements of as many rows (:meth:`_insert_cards`): the rows,
        rowids, full-text index and ``review_days`` are those of one statement per card, at a fraction
        of the cost (tests/storage/test_bulk_card_insert.py). New cards can wait to the end because no
        other statement of the sync touches them; that holds when no card id is in two of ``decks``
        (as :func:`mlprep.services.deck_loader.load_decks` gives), and when one is, each deck's new
        cards are written with the deck instead.
        """
        counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
        stamp = now.isoformat()
        ids = [card.id for deck in decks for card in deck.cards]
        defer = len(set(ids)) == len(ids)
        added: list[tuple[Any, ...]] = []
        with self._db.atomic():
            # No card yet (a new collection) and none written before the end: no card to compare or mark
            # not present, so those two statements per deck are left out (issue 16).
            fresh = defer and not self.has_cards()
            for deck in decks:
                for name, value in self._save_one(deck, stamp, added, fresh=fresh).items():
                    counts[name] += value
                if not defer:
                    self._insert_cards(added)
                    added.clear()
            self._insert_cards(added)
        return counts

    def _save_one(self, deck: Deck, stamp: str, added: list[tuple[Any, ...]], *,
                  fresh: bool = False) -> dict[str, int]:
        """Upsert ``deck``'s row, update its changed cards, mark its missing ones not present, and
        append its new cards' rows (:data:`_CARD_INSERT_COLUMNS`) to ``added``; the counts. ``fresh``: the
        cards table is empty (every card is new, none to mark)."""
        counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
        ids_json = json.dumps([c.id for c in deck.cards])
        self._db.execute(_DECK_UPSERT, [deck.id, deck.title, deck.area, deck.leaf, str(deck.path),
                                        json.dumps(list(deck.tags)), deck.description, len(deck.cards), 1])
        existing: dict[str, tuple[bytes | None, int]] = {} if fresh else {
            card_id: (digest, present) for card_id, digest, present in self._db.execute(
                "SELECT id, content_hash, present FROM cards WHERE id IN (SELECT value FROM json_each(?))",
                [ids_json])}
        unhashed = self._unhashed_contents([i for i, (digest, _) in existing.items() if digest is None])
        updated, rehashed = [], []
        for position, card in enumerate(deck.cards):
            tags = json.dumps(list(card.tags))
            digest = content_digest(deck.id, position, card.front, card.back, tags, card.source)
            if card.id not in existing:
                added.append((card.id, deck.id, position, card.front, card.back, tags, card.source, 1, digest,
                              stamp, stamp))
                counts["added"] += 1
                continue
            stored, present = existing[card.id]
            if stored is None:  # written before m007: compare the texts once, then keep the digest
                same = unhashed.get(card.id) == (deck.id, position, card.front, card.back, tags, card.source)
                stored = digest if same else None
                if same:
                    rehashed.append((digest, card.id))
            if stored == digest and present == 1:
                counts["unchanged"] += 1
            else:
                updated.append((deck.id, position, card.front, card.back, tags, card.source, digest, stamp,
                                card.id))
        self._write_rows(_update_sql, updated)
        self._db.conn.executemany("UPDATE cards SET content_hash = ? WHERE id = ?", rehashed)
        counts["updated"] = len(updated)
        if not fresh:
            cursor = self._db.execute(
                "UPDATE cards SET present = 0 WHERE deck_id = ? AND present = 1 AND id NOT IN "
                "(SELECT value FROM json_each(?))", [deck.id, ids_json])
            counts["removed"] = cursor.rowcount
        return counts

    def _insert_cards(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert new cards' ``rows`` (values of :data:`_CARD_INSERT_COLUMNS`), in order (see :meth:`_write_rows`)."""
        self._write_rows(_insert_sql, rows)

    def _write_rows(self, sql: Callable[[int], str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Run ``sql(n)`` (a statement taking ``n`` rows of parameters) over ``rows``, in order, with one
        statement per :data:`ROWS_PER_STATEMENT` rows. Inside a transaction (no commit here)."""
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start:start + ROWS_PER_STATEMENT]
            self._db.execute(sql(len(chunk)), [value for row in chunk for value in row])

    def _unhashed_contents(self, card_ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """The synced content of cards stored without a digest (before m007), by id."""
        if not card_ids:
            return {}
        rows = self._db.execute(
            "SELECT id, deck_id, position, front, back, tags, source FROM cards WHERE id IN "
            "(SELECT value FROM json_each(?))", [json.dumps(list(card_ids))]).fetchall()
        return {row[0]: tuple(row[1:]) for row in rows}

    # -- what the last deck sync saw of each file ------------------------------------------------

    def deck_files(self) -> dict[str, DeckFileRecord]:
        """Every deck file the last sync loaded without a problem, by path (see :class:`DeckFileRecord`)."""
        rows = self._db.execute(
            "SELECT path, deck_id, size, mtime_ns, sha256, inputs, checked_ns FROM deck_files").fetchall()
        return {row[0]: DeckFileRecord(row[0], DeckId(row[1]), *row[2:]) for row in rows}

    def save_deck_files(self, records: Iterable[DeckFileRecord], keep: Iterable[str]) -> None:
        """Store ``records`` (upsert by path) and forget every other file not in ``keep`` (gone,
        or loaded with problems), in one transaction."""
        with self._db.atomic():
            rows = [(r.path, r.deck_id, r.size, r.mtime_ns, r.sha256, r.inputs, r.checked_ns) for r in records]
            self._db.conn.executemany(
                "INSERT INTO deck_files (path, deck_id, size, mtime_ns, sha256, inputs, checked_ns) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET deck_id = excluded.deck_id, "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, "
                "inputs = excluded.inputs, checked_ns = excluded.checked_ns", rows)
            self._db.execute("DELETE FROM deck_files WHERE path NOT IN (SELECT value FROM json_each(?))",
                             [json.dumps([*keep, *(row[0] for row in rows)])])

    def present_decks(self) -> dict[DeckId, int]:
        """Each present deck's card count (as of its last sync)."""
        return {DeckId(i): int(n) for i, n in self._db.execute("SELECT id, card_count FROM decks WHERE present = 1")}

    def present_card_ids(self, deck_ids: Iterable[DeckId]) -> dict[DeckId, list[CardId]]:
        """The present cards of each of ``deck_ids``, in file order."""
        out: dict[DeckId, list[CardId]] = {}
        rows = self._db.execute(
            "SELECT deck_id, id FROM cards WHERE present = 1 AND deck_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY deck_id, position", [json.dumps(list(deck_ids))])
        for deck_id, card_id in rows:
            out.setdefault(DeckId(deck_id), []).append(CardId(card_id))
        return out

    def mark_decks_absent(self, keep: Iterable[DeckId]) -> int:
        """Mark every deck not in ``keep`` (and its cards) as not present; return how many decks.

        Used when a deck file disappears or fails to parse: its cards leave the study queue,
        their progress stays.
        """
        keep_json = json.dumps(list(keep))
        with self._db.atomic():
            cursor = self._db.execute(
                "UPDATE decks SET present = 0 WHERE present = 1 AND id NOT IN (SELECT value FROM json_each(?))",
                [keep_json])
            self._db.execute(
                "UPDATE cards SET present = 0 WHERE present = 1 AND deck_id NOT IN "
                "(SELECT value FROM json_each(?))", [keep_json])
        return cursor.rowcount

    def _row(self, card_id: CardId) -> dict[str, Any]:
        cursor = self._db.execute("SELECT * FROM cards WHERE id = ?", [card_id])
        row = cursor.fetchone()
        if row is None:
            raise KeyError(card_id)
        return dict(zip([c[0] for c in cursor.description], row, strict=True))

    def card(self, card_id: CardId) -> Card:
        """The card's content; raises ``KeyError`` if no such card."""
        return _card(self._row(card_id))

    # -- progress -----------------------------------------------------------------

    def progress(self, card_id: CardId) -> CardProgress:
        """The card's scheduling record; raises ``KeyError`` if no such card."""
        return _progress(self._row(card_id))

    def card_and_progress(self, card_id: CardId) -> tuple[Card, CardProgress]:
        """Content and scheduling record in one read; raises ``KeyError`` if no such card."""
        row = self._db.conn.execute(f"SELECT {CARD_SELECT} FROM cards c WHERE c.id = ?", (card_id,)).fetchone()
        if row is None:
            raise KeyError(card_id)
        return card_and_progress_of(row)

    def deck_counts(self, today: date) -> list[DeckCounts]:
        """Per present deck: visible new cards, visible cards due on or before ``today``, and
        the deck's card count; limits are not applied. A deck's new cards are a range of ``idx_cards_new``
        and the due cards of every deck one range of ``idx_cards_browse`` (m011: both covering); buried cards
        (few) are subtracted through their own index."""
        visible = "c.deck_id = d.id AND c.present = 1 AND c.suspended = 0"
        params = {"today": today.isoformat()}
        rows = self._db.execute(
            f"""
            SELECT d.id, d.title, d.area, d.card_count,
              (SELECT COUNT(*) FROM cards c INDEXED BY idx_cards_new WHERE {visible} AND c.due IS NULL
               AND c.new_rank IS NOT NULL)
            FROM decks d WHERE d.present = 1 ORDER BY d.area, d.leaf, d.title
            """, params).fetchall()
        due_now = dict(self._db.execute(
            "SELECT c.deck_id, COUNT(*) FROM cards c WHERE (c.due IS NULL) = 0 AND c.due <= :today AND c.present = 1 "
            "AND c.suspended = 0 GROUP BY c.deck_id", params).fetchall())
        buried = {deck: (new, due) for deck, new, due in self._db.execute(
            "SELECT deck_id, SUM(due IS NULL AND new_rank IS NOT NULL), SUM(due <= :today) FROM cards "
            "INDEXED BY idx_cards_buried "
            "WHERE buried_until > :today AND present = 1 AND suspended = 0 GROUP BY deck_id", params).fetchall()}
        out = []
        for deck_id, title, area, total, new in rows:
            buried_new, buried_due = buried.get(deck_id, (0, 0))
            out.append(DeckCounts(DeckId(deck_id), title, area, new - buried_new,
                                  due_now.get(deck_id, 0) - (buried_due or 0), total))
        return out

    def all_tags(self) -> list[str]:
        """Every tag on a present card (deck tags and user tags such as ``leech``), sorted."""
        rows = self._db.execute(
            "SELECT DISTINCT value FROM cards, json_each(cards.tags) WHERE present = 1 UNION "
            "SELECT DISTINCT value FROM cards, json_each(cards.user_tags) WHERE present = 1 ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def deck_leaves(self) -> dict[DeckId, str]:
        """Each deck's curriculum leaf id (``""`` when it has none)."""
        return {DeckId(i): leaf or "" for i, leaf in self._db.execute("SELECT id, leaf FROM decks").fetchall()}

    def new_card_positions(self) -> list[tuple[CardId, DeckId, str, str, str, int]]:
        """Every present new card (never answered): ``(card id, deck id, deck area, deck leaf, deck
        title, position in its file)``, unordered; what the introduction order is computed from."""
        rows = self._db.execute(
            "SELECT c.id, c.deck_id, d.area, COALESCE(d.leaf, ''), d.title, c.position FROM cards c "
            "JOIN decks d ON d.id = c.deck_id WHERE c.present = 1 AND c.due IS NULL").fetchall()
        return [(CardId(i), DeckId(deck), area, leaf, title, int(pos)) for i, deck, area, leaf, title, pos in rows]

    def set_new_ranks(self, ranks: Mapping[CardId, int | None]) -> int:
        """Store each card's place in the introduction order (``None``: never introduced), writing
        only the cards whose rank changed, in one transaction; return how many changed."""
        with self._db.atomic():
            current = dict(self._db.execute(
                "SELECT id, new_rank FROM cards WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(ranks))]).fetchall())
            changed = [(rank, card) for card, rank in ranks.items() if card in current and current[card] != rank]
            self._db.conn.executemany("UPDATE cards SET new_rank = ? WHERE id = ?", changed)
        return len(changed)

    def set_due(self, dues: Mapping[CardId, date]) -> int:
        """Move each card's due study day (an interview plan's placement: no answer, no log row; its
        SM-2 state is untouched), in one transaction; return how many cards were updated."""
        with self._db.atomic():
            cursor = self._db.conn.executemany("UPDATE cards SET due = ? WHERE id = ?",
                                               [(day.isoformat(), card) for card, day in dues.items()])
        return cursor.rowcount

    def study_texts(self, limit: int = 5000) -> list[str]:
        """Front and back text of the visible cards in the order a session shows them (for warming caches
        ahead of study): due soonest first, then new cards in their introduction order (``new_rank``; cards
        without a rank last, in deck order); at most ``limit`` cards."""
        rows = self._db.execute(
            "SELECT front, back FROM cards WHERE present = 1 AND suspended = 0 "
            "ORDER BY due IS NULL, due, new_rank IS NULL, new_rank, deck_id, position LIMIT ?", [limit]).fetchall()
        return [text for row in rows for text in row]

    def deck_of(self, card_id: CardId) -> DeckId | None:
        """The deck that holds ``card_id`` in the collection, or ``None`` for an unknown id."""
        row = self.db.execute("SELECT deck_id FROM cards WHERE id = ?", [card_id]).fetchone()
        return None if row is None else DeckId(row[0])

    def has_cards(self) -> bool:
        """Whether the collection holds any card (present or not)."""
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM cards)").fetchone()[0])

    def deck_ids(self) -> set[DeckId]:
        """Every deck the collection has held (present or not)."""
        return {DeckId(row[0]) for row in self.db.execute("SELECT id FROM decks")}

    def decks_holding(self, card_ids: Sequence[CardId]) -> dict[DeckId, int]:
        """How many of ``card_ids`` each deck holds in the collection (unknown ids are not counted)."""
        rows = self.db.execute(
            "SELECT deck_id, COUNT(*) FROM cards WHERE id IN (SELECT value FROM json_each(?)) GROUP BY deck_id",
            [json.dumps(list(card_ids))])
        return {DeckId(deck): int(n) for deck, n in rows}

    def deck_path(self, deck_id: DeckId) -> str | None:
        """The file the deck was last loaded from, or ``None`` for an unknown deck."""
        row = self._db.execute("SELECT path FROM decks WHERE id = ?", [deck_id]).fetchone()
        return row[0] if row else None

    def present_deck_paths(self) -> set[str]:
        """The files the present decks were loaded from (by the last sync)."""
        return {row[0] for row in self._db.execute("SELECT path FROM decks WHERE present = 1")}

    def next_due_day(self) -> date | None:
        """The earliest study day any present, unsuspended card is due, or ``None``."""
        rows = list(self._db.query(
            "SELECT MIN(due) AS due FROM cards WHERE (due IS NULL) = 0 AND present = 1 AND suspended = 0"))
        return _date(rows[0]["due"]) if rows else None

    def record_answer(self, after: CardProgress, entry: ReviewLogEntry) -> int:
        """Store the card's new state and append ``entry`` to the review log, in one transaction
        (a savepoint when the caller has one open), committed before this returns.

        Returns the log row's id. Raises :class:`~mlprep.storage.errors.WriteFailed` when SQLite or
        the OS refuses the write (the transaction is rolled back: nothing is stored).
        """
        # The review hot path (issue 16): two fixed statements on the connection, which SQLite's statement
        # cache keeps prepared, and BEGIN/COMMIT written out instead of atomic()'s context manager.
        conn = self._db.conn
        try:
            if conn.in_transaction:
                with self._db.atomic():
                    return self._write_answer(conn, after, entry)
            conn.execute("BEGIN")
            try:
                log_id = self._write_answer(conn, after, entry)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return log_id
        except (sqlite3.Error, OSError) as error:
            raise WriteFailed(str(error)) from error

    def _write_answer(self, conn: sqlite3.Connection, after: CardProgress, entry: ReviewLogEntry) -> int:
        conn.execute(PROGRESS_UPDATE, progress_params(after, entry.reviewed_at.isoformat()))
        log_id = conn.execute(LOG_INSERT, log_params(entry)).lastrowid
        self._answers_since_checkpoint += 1
        return int(log_id or 0)

    def restore(self, before: CardProgress, log_id: int | None) -> None:
        """Undo: put the card back to ``before`` and delete review-log row ``log_id`` (if any),
        atomically. The card's ``last_review`` becomes that of its latest remaining log row."""
        with self._db.atomic():
            if log_id is not None:
                self._db.execute("DELETE FROM review_log WHERE id = ?", [log_id])
            latest = self._db.execute("SELECT MAX(reviewed_at) FROM review_log WHERE card_id = ?",
                                     [before.card_id]).fetchone()[0]
            # The stored instant back as the ISO text the answer wrote (a text m010 kept stays as it is).
            last = read_instant(latest).isoformat() if isinstance(latest, int) else latest
            self._write_progress(before, last_review=last)
            self._answers_since_checkpoint += 1

    def checkpoint_if_due(self) -> bool:
        """Idle-time upkeep: after :attr:`CHECKPOINT_AFTER_ANSWERS` answers, checkpoint the
        write-ahead log (:func:`mlprep.storage.db.checkpoint`). SQLite otherwise checkpoints
        by itself inside the commit that takes the log past 1,000 pages, and that answer then
        waits for the copy and an fsync (about 7 ms). Returns whether it checkpointed."""
        if self._answers_since_checkpoint < self.CHECKPOINT_AFTER_ANSWERS or not checkpoint(self._db):
            return False
        self._answers_since_checkpoint = 0
        return True

    def _write_progress(self, p: CardProgress, *, last_review: str | None) -> None:
        self._db.execute(PROGRESS_UPDATE, progress_params(p, last_review))

    def set_progress(self, progress: CardProgress) -> None:
        """Overwrite the card's suspension, burial and user tags (and state) with ``progress``."""
        last = self._db.execute("SELECT last_review FROM cards WHERE id = ?", [progress.card_id]).fetchone()
        with self._db.atomic():
            self._write_progress(progress, last_review=last[0] if last else None)

    def set_deck_suspended(self, deck_id: DeckId, suspended: bool) -> int:
        """Suspend (or unsuspend) every card of a deck; return how many changed."""
        with self._db.atomic():
            return self._db.execute("UPDATE cards SET suspended = ? WHERE deck_id = ? AND suspended = ?",
                                   [int(suspended), deck_id, int(not suspended)]).rowcount

    def bury_deck(self, deck_id: DeckId, until: date) -> int:
        """Hide every present, unsuspended card of a deck before study day ``until``; return how many."""
        with self._db.atomic():
            return self._db.execute(
                "UPDATE cards SET buried_until = ? WHERE deck_id = ? AND present = 1 AND suspended = 0",
                [until.isoformat(), deck_id]).rowcount

    def review_log(self, card_id: CardId | None = None) -> list[ReviewLogEntry]:
        """The review log in time order, for one card or all."""
        where, params = ("WHERE card_id = ?", [card_id]) if card_id else ("", [])
        return [_entry(r) for r in self._db.query(f"SELECT * FROM review_log {where} ORDER BY id", params)]


def _card(row: dict[str, Any]) -> Card:
    return Card(id=CardId(row["id"]), deck=DeckId(row["deck_id"]), front=row["front"], back=row["back"],
                tags=tuple(json.loads(row["tags"] or "[]")), source=row["source"] or "")


def _progress(row: dict[str, Any]) -> CardProgress:
    return CardProgress(
        card_id=CardId(row["id"]), repetitions=row["repetitions"], easiness=row["easiness"],
        interval=row["interval"], due=_date(row["due"]), lapses=row["lapses"], reviews=row["reviews"],
        suspended=bool(row["suspended"]), buried_until=_date(row["buried_until"]),
        user_tags=tuple(json.loads(row["user_tags"] or "[]")))


def _entry(row: dict[str, Any]) -> ReviewLogEntry:
    return ReviewLogEntry(
        id=row["id"], card_id=CardId(row["card_id"]), reviewed_at=read_instant(row["reviewed_at"]),
        quality=row["quality"], kind=read_kind(row["kind"]),
        repetitions_before=row["repetitions_before"], repetitions_after=row["repetitions_after"],
        interval_before=row["interval_before"], interval_after=row["interval_after"],
        easiness_before=row["easiness_before"], easiness_after=row["easiness_after"],
        due_before=read_day(row["due_before"]), due_after=read_day(row["due_after"]), answer_ms=row["answer_ms"],
        due_sm2=read_day(row.get("due_sm2")))

