"""The user's reading-list statuses and notes, and how many cards cite each item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mlprep.core.deck_format import REF_TAG_PREFIX
from mlprep.core.reading_list import ReadingProgress, ReadingStatus
from mlprep.storage.db import Db as Database
from mlprep.storage.log_codec import REVIEW, instant_us


@dataclass(frozen=True)
class AreaProgress:
    """One curriculum area's record, for recommending reading.

    ``cards``: present cards in the area; ``seen``: those answered at least once;
    ``lapses``: lapses summed over those cards; ``reviews``/``passes``: answers of kind
    ``review`` since the window's start, and those graded 3 or more (a pass in SM-2).
    """

    area: str
    cards: int
    seen: int
    lapses: int
    reviews: int
    passes: int


class ReadingStore:
    """Reads and writes the ``reading_status`` table (migration ``m002_reading``).

    ``db`` is an open collection (:func:`mlprep.storage.db.open_db`). An item with no row
    is ``to_read`` with no date and no notes. Each write is its own transaction.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, item_id: str) -> ReadingProgress:
        """The item's status, status day and notes (defaults when never set)."""
        rows = list(self.db.query("SELECT * FROM reading_status WHERE item_id = ?", [item_id]))
        return _progress(rows[0]) if rows else ReadingProgress(item_id)

    def all(self) -> dict[str, ReadingProgress]:
        """Every item with a stored row, by item id."""
        return {row["item_id"]: _progress(row) for row in self.db.query("SELECT * FROM reading_status")}

    def set_status(self, item_id: str, status: ReadingStatus, day: date, now: datetime) -> ReadingProgress:
        """Set the item's ``status`` as of study day ``day`` (``now``, UTC, stamps the row);
        notes are kept. Setting the status it already has keeps its original day."""
        current = self.get(item_id)
        if current.status is status and current.status_date is not None:
            return current
        self._upsert(item_id, {"status": str(status), "status_date": day.isoformat()}, now)
        return self.get(item_id)

    def set_notes(self, item_id: str, notes: str, now: datetime) -> ReadingProgress:
        """Replace the item's personal notes (status is kept; a new row starts ``to_read``)."""
        self._upsert(item_id, {"notes": notes}, now)
        return self.get(item_id)

    def _upsert(self, item_id: str, values: dict[str, Any], now: datetime) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO reading_status (item_id, status, notes) VALUES (?, ?, '') ON CONFLICT DO NOTHING",
                [item_id, str(ReadingStatus.TO_READ)])
            self.db.table("reading_status").update(item_id, {**values, "updated_at": now.isoformat()})

    def cite_counts(self) -> dict[str, int]:
        """How many present cards cite each reading-list item (cards carry ``ref:<id>`` tags,
        see :func:`mlprep.core.deck_format.cited_ids`): ``{item_id: cards}``, cited items only."""
        rows = self.db.execute(
            "SELECT substr(t.value, :n + 1), COUNT(*) FROM cards c, json_each(c.tags) t "
            "WHERE c.present = 1 AND substr(t.value, 1, :n) = :prefix GROUP BY t.value",
            {"n": len(REF_TAG_PREFIX), "prefix": REF_TAG_PREFIX}).fetchall()
        return {item_id: count for item_id, count in rows}

    def area_progress(self, since: datetime) -> dict[str, AreaProgress]:
        """Per area slug with present cards: cards, cards seen, their lapses, and review-kind
        answers (and passes, quality >= 3) logged at or after the UTC instant ``since``."""
        cards = self.db.execute(
            "SELECT d.area, COUNT(*), SUM(c.reviews > 0), SUM(CASE WHEN c.reviews > 0 THEN c.lapses ELSE 0 END) "
            "FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.present = 1 GROUP BY d.area").fetchall()
        # Counted per card first, so each card (not each answer) is looked up for its deck: 2x faster.
        answers = {area: (n, passes) for area, n, passes in self.db.execute(
            "SELECT d.area, SUM(r.n), SUM(r.passes) FROM (SELECT card_id, COUNT(*) AS n, SUM(quality >= 3) AS passes "
            f"FROM review_log WHERE kind = {REVIEW} AND reviewed_at >= ? GROUP BY card_id) r "
            "JOIN cards c ON c.id = r.card_id JOIN decks d ON d.id = c.deck_id GROUP BY d.area",
            [instant_us(since)]).fetchall()}
        return {area: AreaProgress(area, total, seen or 0, lapses or 0, *answers.get(area, (0, 0)))
                for area, total, seen, lapses in cards}

    def has_history(self) -> bool:
        """True once any answer has been logged."""
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM review_log)").fetchone()[0])


def _progress(row: dict[str, Any]) -> ReadingProgress:
    return ReadingProgress(
        item_id=row["item_id"], status=ReadingStatus(row["status"]),
        status_date=date.fromisoformat(row["status_date"]) if row["status_date"] else None,
        notes=row["notes"] or "")
