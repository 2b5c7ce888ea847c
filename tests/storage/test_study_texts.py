"""The texts the formula warmer typesets ahead (``CardStore.study_texts``) come in the order the session will
show the cards: due cards soonest first, then new cards in their introduction order (``new_rank``), not in
deck order (issue 16: on a fresh collection the warmer used to start with decks the session reaches last)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import PurePath

from mlprep.core.models import Card, CardId, Deck, DeckId
from mlprep.storage.cards import CardStore
from mlprep.storage.db import open_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_new_cards_come_in_their_introduction_order_after_the_due_ones() -> None:
    store = CardStore(open_db(None))
    for deck_id, ids in (("a", ("a1", "a2")), ("b", ("b1", "b2"))):
        store.save_deck(Deck(id=DeckId(deck_id), title=deck_id, area="math", path=PurePath(f"{deck_id}.md"),
                             cards=tuple(Card(id=CardId(i), deck=DeckId(deck_id), front=f"front {i}",
                                              back=f"back {i}", tags=(), source="") for i in ids)), NOW)
    # Introduced b2, a2, b1; a1 is due (reviewed before), so it comes first and has no rank.
    store.set_new_ranks({CardId("b2"): 0, CardId("a2"): 1, CardId("b1"): 2, CardId("a1"): None})
    store.db.execute("UPDATE cards SET due = ? WHERE id = 'a1'", [date(2026, 3, 10).isoformat()])

    texts = store.study_texts()

    assert texts == ["front a1", "back a1", "front b2", "back b2", "front a2", "back a2", "front b1", "back b1"]
    assert store.study_texts(limit=2) == ["front a1", "back a1", "front b2", "back b2"]
