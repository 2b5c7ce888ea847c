"""The collection's schema, one named function per change (sqlite-utils ``Migrations``).

Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("mlprep")


@migrations()
def m001_initial(db: Database) -> None:
    """Decks, cards with their SM-2 state, the append-only review log and settings."""
    db["decks"].create({
        "id": str, "title": str, "area": str, "leaf": str, "path": str, "tags": str,
        "description": str, "card_count": int, "present": int,
    }, pk="id")
    db["cards"].create({
        "id": str, "deck_id": str, "position": int, "front": str, "back": str, "tags": str,
        "source": str, "present": int,
        # SM-2 state; due is the study day (ISO date) the card is next due, NULL while new.
        "repetitions": int, "easiness": float, "interval": int, "due": str,
        "lapses": int, "reviews": int, "last_review": str,
        # suspended: never shown until unsuspended; buried_until: hidden before this study day.
        "suspended": int, "buried_until": str,
        # Tags the app adds (e.g. "leech"); deck sync never touches them.
        "user_tags": str,
        "added_at": str, "updated_at": str,
    }, pk="id", not_null={"deck_id", "front", "back"}, defaults={
        "present": 1, "repetitions": 0, "easiness": 2.5, "interval": 0, "lapses": 0, "reviews": 0,
        "suspended": 0, "tags": "[]", "user_tags": "[]", "source": "",
    })
    # "Cards due now", most overdue first, without a table scan.
    db.execute("CREATE INDEX idx_cards_due ON cards(due) WHERE due IS NOT NULL")
    # The deck list's per-deck new/due counts as range scans of one covering index.
    db.execute("CREATE INDEX idx_cards_deck_state ON cards(deck_id, present, suspended, due)")
    # The next new card in deck order, as the first entry of a small partial index.
    db.execute("CREATE INDEX idx_cards_new ON cards(deck_id, position) "
               "WHERE due IS NULL AND present = 1 AND suspended = 0")
    db.execute("CREATE INDEX idx_cards_buried ON cards(buried_until) WHERE buried_until IS NOT NULL")
    db["review_log"].create({
        "id": int, "card_id": str, "reviewed_at": str, "quality": int, "kind": str,
        "repetitions_before": int, "repetitions_after": int,
        "interval_before": int, "interval_after": int,
        "easiness_before": float, "easiness_after": float,
        "due_before": str, "due_after": str, "answer_ms": int,
    }, pk="id", not_null={"card_id", "reviewed_at", "quality", "kind"})
    db.execute("CREATE INDEX idx_review_log_card ON review_log(card_id, reviewed_at)")
    db.execute("CREATE INDEX idx_review_log_time ON review_log(reviewed_at)")
    db["settings"].create({"key": str, "value": str}, pk="key")
