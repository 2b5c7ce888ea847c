"""Reading and writing decks, cards, scheduling state and the review log."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from mlprep.core.models import Card, CardId, CardProgress, Deck, DeckCounts, DeckId, ReviewLogEntry
from mlprep.storage.db import checkpoint
from mlprep.storage.errors import WriteFailed


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def content_digest(deck_id: str, position: int, front: str, back: str, tags: str, source: str) -> bytes:
    """A card's synced content as a 16-byte BLAKE2b digest (Python's ``hashlib``; ``tags`` as the
    stored JSON text): equal digests mean nothing the deck sync writes has changed."""
    text = "\x1f".join((deck_id, str(position), front, back, tags, source))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


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
        """Upsert ``deck`` and its cards' content (not their progress), in one transaction.

        Cards of this deck that are no longer in the file are marked not present: their
        progress and review history stay. Each card is compared with the collection by its content
        digest (``cards.content_hash``, :func:`content_digest`), not by reading its text back; new cards
        are written with one ``insert_all``, changed ones with one ``executemany``. Returns counts
        ``{"added", "updated", "unchanged", "removed"}``.
        """
        counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
        stamp = now.isoformat()
        ids_json = json.dumps([c.id for c in deck.cards])
        with self._db.atomic():
            self._db.table("decks").upsert({
                "id": deck.id, "title": deck.title, "area": deck.area, "leaf": deck.leaf,
                "path": str(deck.path), "tags": json.dumps(list(deck.tags)),
                "description": deck.description, "card_count": len(deck.cards), "present": 1,
            }, pk="id")
            existing: dict[str, tuple[bytes | None, int]] = {
                card_id: (digest, present) for card_id, digest, present in self._db.execute(
                    "SELECT id, content_hash, present FROM cards WHERE id IN (SELECT value FROM json_each(?))",
                    [ids_json])}
            unhashed = self._unhashed_contents([i for i, (digest, _) in existing.items() if digest is None])
            added, updated, rehashed = [], [], []
            for position, card in enumerate(deck.cards):
                tags = json.dumps(list(card.tags))
                digest = content_digest(deck.id, position, card.front, card.back, tags, card.source)
                if card.id not in existing:
                    added.append({"id": card.id, "deck_id": deck.id, "position": position, "front": card.front,
                                  "back": card.back, "tags": tags, "source": card.source, "present": 1,
                                  "content_hash": digest, "added_at": stamp, "updated_at": stamp})
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
            if added:
                self._db.table("cards").insert_all(added)
            self._db.conn.executemany(
                "UPDATE cards SET deck_id = ?, position = ?, front = ?, back = ?, tags = ?, source = ?, present = 1, "
                "content_hash = ?, updated_at = ? WHERE id = ?", updated)
            self._db.conn.executemany("UPDATE cards SET content_hash = ? WHERE id = ?", rehashed)
            counts["added"], counts["updated"] = len(added), len(updated)
            cursor = self._db.execute(
                "UPDATE cards SET present = 0 WHERE deck_id = ? AND present = 1 AND id NOT IN "
                "(SELECT value FROM json_each(?))", [deck.id, ids_json])
            counts["removed"] = cursor.rowcount
        return counts

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
            rows = [dataclasses.asdict(record) for record in records]
            if rows:
                self._db.table("deck_files").upsert_all(rows, pk="path")
            self._db.execute("DELETE FROM deck_files WHERE path NOT IN (SELECT value FROM json_each(?))",
                             [json.dumps([*keep, *(row["path"] for row in rows)])])

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
        row = self._row(card_id)
        return _card(row), _progress(row)

    def deck_counts(self, today: date) -> list[DeckCounts]:
        """Per present deck: visible new cards, visible cards due on or before ``today``, and
        the deck's card count; limits are not applied. New and due counts are range scans
        of a covering index; buried cards (few) are subtracted through their own index."""
        visible = "c.deck_id = d.id AND c.present = 1 AND c.suspended = 0"
        params = {"today": today.isoformat()}
        rows = self._db.execute(
            f"""
            SELECT d.id, d.title, d.area, d.card_count,
              (SELECT COUNT(*) FROM cards c WHERE {visible} AND c.due IS NULL AND c.new_rank IS NOT NULL),
              (SELECT COUNT(*) FROM cards c WHERE {visible} AND c.due <= :today)
            FROM decks d WHERE d.present = 1 ORDER BY d.area, d.leaf, d.title
            """, params).fetchall()
        buried = {deck: (new, due) for deck, new, due in self._db.execute(
            "SELECT deck_id, SUM(due IS NULL AND new_rank IS NOT NULL), SUM(due <= :today) FROM cards "
            "INDEXED BY idx_cards_buried "
            "WHERE buried_until > :today AND present = 1 AND suspended = 0 GROUP BY deck_id", params).fetchall()}
        out = []
        for deck_id, title, area, total, new, due in rows:
            buried_new, buried_due = buried.get(deck_id, (0, 0))
            out.append(DeckCounts(DeckId(deck_id), title, area, new - buried_new, due - (buried_due or 0), total))
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
        """Front and back text of the visible cards, due soonest first, then new cards in
        deck order (for warming caches ahead of study); at most ``limit`` cards."""
        rows = self._db.execute(
            "SELECT front, back FROM cards WHERE present = 1 AND suspended = 0 "
            "ORDER BY due IS NULL, due, deck_id, position LIMIT ?", [limit]).fetchall()
        return [text for row in rows for text in row]

    def deck_of(self, card_id: CardId) -> DeckId | None:
        """The deck that holds ``card_id`` in the collection, or ``None`` for an unknown id."""
        row = self.db.execute("SELECT deck_id FROM cards WHERE id = ?", [card_id]).fetchone()
        return None if row is None else DeckId(row[0])

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
            "SELECT MIN(due) AS due FROM cards WHERE due IS NOT NULL AND present = 1 AND suspended = 0"))
        return _date(rows[0]["due"]) if rows else None

    def record_answer(self, after: CardProgress, entry: ReviewLogEntry) -> int:
        """Store the card's new state and append ``entry`` to the review log, atomically.

        Returns the log row's id. Raises :class:`~mlprep.storage.errors.WriteFailed` when SQLite or
        the OS refuses the write (the transaction is rolled back: nothing is stored).
        """
        try:
            return self._record_answer(after, entry)
        except (sqlite3.Error, OSError) as error:
            raise WriteFailed(str(error)) from error

    def _record_answer(self, after: CardProgress, entry: ReviewLogEntry) -> int:
        with self._db.atomic():
            self._write_progress(after, last_review=entry.reviewed_at.isoformat())
            # Plain SQL on the review hot path: Table.insert costs ~0.15 ms building its query.
            cursor = self._db.execute(
                "INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, "
                "repetitions_after, interval_before, interval_after, easiness_before, easiness_after, "
                "due_before, due_after, answer_ms, due_sm2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [entry.card_id, entry.reviewed_at.isoformat(), entry.quality, str(entry.kind),
                 entry.repetitions_before, entry.repetitions_after, entry.interval_before, entry.interval_after,
                 entry.easiness_before, entry.easiness_after, _iso(entry.due_before), _iso(entry.due_after),
                 entry.answer_ms, _iso(entry.due_sm2)])
            self._answers_since_checkpoint += 1
            return int(cursor.lastrowid or 0)

    def restore(self, before: CardProgress, log_id: int | None) -> None:
        """Undo: put the card back to ``before`` and delete review-log row ``log_id`` (if any),
        atomically. The card's ``last_review`` becomes that of its latest remaining log row."""
        with self._db.atomic():
            if log_id is not None:
                self._db.execute("DELETE FROM review_log WHERE id = ?", [log_id])
            last = self._db.execute("SELECT MAX(reviewed_at) FROM review_log WHERE card_id = ?",
                                   [before.card_id]).fetchone()[0]
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
        self._db.execute(
            "UPDATE cards SET repetitions = ?, easiness = ?, interval = ?, due = ?, lapses = ?, reviews = ?, "
            "suspended = ?, buried_until = ?, user_tags = ?, last_review = ? WHERE id = ?",
            [p.repetitions, p.easiness, p.interval, _iso(p.due), p.lapses, p.reviews, int(p.suspended),
             _iso(p.buried_until), json.dumps(list(p.user_tags)), last_review, p.card_id])

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
        id=row["id"], card_id=CardId(row["card_id"]), reviewed_at=datetime.fromisoformat(row["reviewed_at"]),
        quality=row["quality"], kind=row["kind"],
        repetitions_before=row["repetitions_before"], repetitions_after=row["repetitions_after"],
        interval_before=row["interval_before"], interval_after=row["interval_after"],
        easiness_before=row["easiness_before"], easiness_after=row["easiness_after"],
        due_before=_date(row["due_before"]), due_after=_date(row["due_after"]), answer_ms=row["answer_ms"],
        due_sm2=_date(row.get("due_sm2")))

