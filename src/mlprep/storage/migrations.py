"""The collection's schema, one named function per change (sqlite-utils ``Migrations``).

Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("mlprep")


@migrations()
def m001_initial(db: Database) -> None:
    """Decks, cards with their SM-2 state, and the append-only review log."""
    db["decks"].create({
        "id": str, "title": str, "area": str, "leaf": str, "path": str, "tags": str,
        "description": str, "card_count": int, "present": int,
    }, pk="id")
    db["cards"].create({
        "id": str, "deck_id": str, "position": int, "front": str, "back": str, "tags": str,
        "source": str, "present": int,
        # SM-2 state; due is the study day (ISO date) the card is next due, NULL while new.
        "repetitions": int, "easiness": float, "interval": int, "due": str,
        "lapses": int, "reviews": int, "last_review": str, "suspended": int,
        "added_at": str, "updated_at": str,
    }, pk="id", not_null={"deck_id", "front", "back"}, defaults={
        "present": 1, "repetitions": 0, "easiness": 2.5, "interval": 0, "lapses": 0, "reviews": 0,
        "suspended": 0, "tags": "[]", "source": "",
    })
    # Serves "cards due now" and the deck list's per-deck due counts without a table scan.
    db.execute("CREATE INDEX idx_cards_due ON cards(due) WHERE due IS NOT NULL")
    db.execute("CREATE INDEX idx_cards_deck_due ON cards(deck_id, due)")
    db["review_log"].create({
        "id": int, "card_id": str, "reviewed_at": str, "quality": int, "kind": str,
        "repetitions_before": int, "repetitions_after": int,
        "interval_before": int, "interval_after": int,
        "easiness_before": float, "easiness_after": float,
        "due_before": str, "due_after": str, "answer_ms": int,
    }, pk="id", not_null={"card_id", "reviewed_at", "quality", "kind"})
    db.execute("CREATE INDEX idx_review_log_card ON review_log(card_id, reviewed_at)")
    db.execute("CREATE INDEX idx_review_log_time ON review_log(reviewed_at)")
