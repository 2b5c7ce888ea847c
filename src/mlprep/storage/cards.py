"""Reading and writing decks, cards, scheduling state and the review log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlite_utils import Database

from mlprep.core.models import Card, CardId, CardProgress, Deck, DeckCounts, DeckId, ReviewLogEntry


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


@dataclass(frozen=True)
class CardWrite:
    """What syncing one card did: ``"added"``, ``"updated"`` or ``"unchanged"``."""

    card_id: CardId
    outcome: str


class CardStore:
    """The collection's tables, read and written as core dataclasses.

    ``db`` is an open sqlite-utils ``Database`` (see :func:`mlprep.storage.db.open_db`).
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- decks and card content -------------------------------------------------

    def save_deck(self, deck: Deck, now: datetime) -> dict[str, int]:
        """Upsert ``deck`` and its cards' content (not their progress), in one transaction.

        Cards of this deck that are no longer in the file are marked not present: their
        progress and review history stay. Returns counts ``{"added", "updated", "unchanged",
        "removed"}``.
        """
        counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
        stamp = now.isoformat()
        with self.db.atomic():
            self.db["decks"].upsert({
                "id": deck.id, "title": deck.title, "area": deck.area, "leaf": deck.leaf,
                "path": str(deck.path), "tags": json.dumps(list(deck.tags)),
                "description": deck.description, "card_count": len(deck.cards), "present": 1,
            }, pk="id")
            existing = {row["id"]: row for row in self.db.query(
                "SELECT id, deck_id, position, front, back, tags, source, present FROM cards WHERE id IN "
                "(SELECT value FROM json_each(?))", [json.dumps([c.id for c in deck.cards])])}
            for position, card in enumerate(deck.cards):
                content = {
                    "deck_id": deck.id, "position": position, "front": card.front, "back": card.back,
                    "tags": json.dumps(list(card.tags)), "source": card.source, "present": 1,
                }
                row = existing.get(card.id)
                if row is None:
                    self.db["cards"].insert({"id": card.id, **content, "added_at": stamp, "updated_at": stamp})
                    counts["added"] += 1
                elif any(row[k] != v for k, v in content.items()):
                    self.db["cards"].update(card.id, {**content, "updated_at": stamp})
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
            cursor = self.db.execute(
                "UPDATE cards SET present = 0 WHERE deck_id = ? AND present = 1 AND id NOT IN "
                "(SELECT value FROM json_each(?))", [deck.id, json.dumps([c.id for c in deck.cards])])
            counts["removed"] = cursor.rowcount
        return counts

    def mark_decks_absent(self, keep: Iterable[DeckId]) -> int:
        """Mark every deck not in ``keep`` (and its cards) as not present; return how many decks.

        Used when a deck file disappears or fails to parse: its cards leave the study queue,
        their progress stays.
        """
        keep_json = json.dumps(list(keep))
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE decks SET present = 0 WHERE present = 1 AND id NOT IN (SELECT value FROM json_each(?))",
                [keep_json])
            self.db.execute(
                "UPDATE cards SET present = 0 WHERE present = 1 AND deck_id NOT IN "
                "(SELECT value FROM json_each(?))", [keep_json])
        return cursor.rowcount

    def card(self, card_id: CardId) -> Card:
        """The card's content; raises ``KeyError`` if no such card."""
        rows = list(self.db.query("SELECT * FROM cards WHERE id = ?", [card_id]))
        if not rows:
            raise KeyError(card_id)
        return _card(rows[0])

    # -- progress -----------------------------------------------------------------

    def progress(self, card_id: CardId) -> CardProgress:
        """The card's scheduling record; raises ``KeyError`` if no such card."""
        rows = list(self.db.query("SELECT * FROM cards WHERE id = ?", [card_id]))
        if not rows:
            raise KeyError(card_id)
        return _progress(rows[0])

    def due_card_ids(self, today: date, limit: int, deck_id: DeckId | None = None) -> list[CardId]:
        """Ids of present, unsuspended cards due on or before ``today``, most overdue first."""
        sql = ("SELECT id FROM cards WHERE due <= ? AND present = 1 AND suspended = 0"
               + (" AND deck_id = ?" if deck_id else "") + " ORDER BY due, id LIMIT ?")
        params: list[object] = [today.isoformat()] + ([deck_id] if deck_id else []) + [limit]
        return [CardId(r["id"]) for r in self.db.query(sql, params)]

    def new_card_ids(self, limit: int, deck_id: DeckId | None = None) -> list[CardId]:
        """Ids of present, unsuspended cards never reviewed, in deck order."""
        sql = ("SELECT id FROM cards WHERE due IS NULL AND present = 1 AND suspended = 0"
               + (" AND deck_id = ?" if deck_id else "") + " ORDER BY deck_id, position LIMIT ?")
        params: list[object] = ([deck_id] if deck_id else []) + [limit]
        return [CardId(r["id"]) for r in self.db.query(sql, params)]

    def deck_counts(self, today: date) -> list[DeckCounts]:
        """Per present deck: new cards, cards due on or before ``today``, and total cards."""
        rows = self.db.query(
            """
            SELECT d.id, d.title, d.area,
                   COALESCE(SUM(c.due IS NULL), 0) AS new,
                   COALESCE(SUM(c.due <= :today), 0) AS due,
                   COUNT(c.id) AS total
            FROM decks d
            LEFT JOIN cards c ON c.deck_id = d.id AND c.present = 1 AND c.suspended = 0
            WHERE d.present = 1
            GROUP BY d.id ORDER BY d.area, d.leaf, d.title
            """, {"today": today.isoformat()})
        return [DeckCounts(DeckId(r["id"]), r["title"], r["area"], r["new"], r["due"], r["total"]) for r in rows]

    def next_due_day(self) -> date | None:
        """The earliest study day any present, unsuspended card is due, or ``None``."""
        rows = list(self.db.query(
            "SELECT MIN(due) AS due FROM cards WHERE due IS NOT NULL AND present = 1 AND suspended = 0"))
        return _date(rows[0]["due"]) if rows else None

    def record_answer(self, after: CardProgress, entry: ReviewLogEntry) -> int:
        """Store the card's new state and append ``entry`` to the review log, atomically.

        Returns the log row's id.
        """
        with self.db.atomic():
            self.db.execute(
                "UPDATE cards SET repetitions = ?, easiness = ?, interval = ?, due = ?, lapses = ?, "
                "reviews = ?, last_review = ? WHERE id = ?",
                [after.repetitions, after.easiness, after.interval, _iso(after.due), after.lapses,
                 after.reviews, entry.reviewed_at.isoformat(), after.card_id])
            table = self.db["review_log"]
            table.insert({
                "card_id": entry.card_id, "reviewed_at": entry.reviewed_at.isoformat(),
                "quality": entry.quality, "kind": entry.kind,
                "repetitions_before": entry.repetitions_before, "repetitions_after": entry.repetitions_after,
                "interval_before": entry.interval_before, "interval_after": entry.interval_after,
                "easiness_before": entry.easiness_before, "easiness_after": entry.easiness_after,
                "due_before": _iso(entry.due_before), "due_after": _iso(entry.due_after),
                "answer_ms": entry.answer_ms,
            })
            return int(table.last_pk)  # type: ignore[arg-type]

    def review_log(self, card_id: CardId | None = None) -> list[ReviewLogEntry]:
        """The review log in time order, for one card or all."""
        where, params = ("WHERE card_id = ?", [card_id]) if card_id else ("", [])
        return [_entry(r) for r in self.db.query(f"SELECT * FROM review_log {where} ORDER BY id", params)]


def _card(row: dict) -> Card:
    return Card(id=CardId(row["id"]), deck=DeckId(row["deck_id"]), front=row["front"], back=row["back"],
                tags=tuple(json.loads(row["tags"] or "[]")), source=row["source"] or "")


def _progress(row: dict) -> CardProgress:
    return CardProgress(
        card_id=CardId(row["id"]), repetitions=row["repetitions"], easiness=row["easiness"],
        interval=row["interval"], due=_date(row["due"]), lapses=row["lapses"], reviews=row["reviews"],
        suspended=bool(row["suspended"]))


def _entry(row: dict) -> ReviewLogEntry:
    return ReviewLogEntry(
        id=row["id"], card_id=CardId(row["card_id"]), reviewed_at=datetime.fromisoformat(row["reviewed_at"]),
        quality=row["quality"], kind=row["kind"],
        repetitions_before=row["repetitions_before"], repetitions_after=row["repetitions_after"],
        interval_before=row["interval_before"], interval_after=row["interval_after"],
        easiness_before=row["easiness_before"], easiness_after=row["easiness_after"],
        due_before=_date(row["due_before"]), due_after=_date(row["due_after"]), answer_ms=row["answer_ms"])


def count_answers_since(db: Database, since: datetime, kind: str) -> int:
    """How many review-log rows of ``kind`` were written at or after the UTC instant ``since``."""
    rows = list(db.query("SELECT COUNT(*) AS n FROM review_log WHERE reviewed_at >= ? AND kind = ?",
                         [since.isoformat(), kind]))
    return int(rows[0]["n"])
