"""Write the progress an import carries into the collection (one transaction)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from mlprep.core.models import CardProgress
from mlprep.storage.db import Db as Database


class ImportStore:
    """Imports' reads and writes on the collection ``db`` (an open sqlite-utils ``Database``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def card_ids(self) -> set[str]:
        """Every card id in the collection, present or not (a new card's id must differ from all)."""
        return {row[0] for row in self._db.execute("SELECT id FROM cards")}

    def deck_ids(self) -> set[str]:
        """Every deck id the collection knows, present or not."""
        return {row[0] for row in self._db.execute("SELECT id FROM decks")}

    def write_progress(self, progress: Sequence[CardProgress]) -> int:
        """Set each card's SM-2 state, due day (ISO date; NULL: new), lapses, review count and suspension
        from ``progress``, all in one transaction (all or nothing); a card with progress leaves the new-card
        order (``new_rank`` NULL). Returns how many cards were written. Raises ``KeyError`` naming a card
        that is not in the collection (then nothing is written) and ``sqlite3.Error`` on a failed write."""
        with self._db.atomic():
            for p in progress:
                cursor = self._db.execute(
                    "UPDATE cards SET repetitions = ?, easiness = ?, interval = ?, due = ?, lapses = ?, reviews = ?, "
                    "suspended = ?, new_rank = CASE WHEN ? IS NULL THEN new_rank END WHERE id = ?",
                    [p.repetitions, p.easiness, p.interval, p.due.isoformat() if p.due else None, p.lapses,
                     p.reviews, int(p.suspended), p.due.isoformat() if p.due else None, p.card_id])
                if cursor.rowcount != 1:
                    raise KeyError(p.card_id)
        return len(progress)

    def forget(self, card_ids: Sequence[str], deck_ids: Sequence[str]) -> None:
        """Delete the rows of cards and decks an import added but could not finish (they were not in the
        collection before it, are no longer present, and have no review log), in one transaction."""
        cards, decks = json.dumps(list(card_ids)), json.dumps(list(deck_ids))
        with self._db.atomic():
            self._db.execute("DELETE FROM cards WHERE present = 0 AND id IN (SELECT value FROM json_each(?)) "
                             "AND id NOT IN (SELECT card_id FROM review_log)", [cards])
            self._db.execute("DELETE FROM decks WHERE present = 0 AND id IN (SELECT value FROM json_each(?))",
                             [decks])
