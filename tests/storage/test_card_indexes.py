"""The per-deck reads that m011's card indexes serve (issue 16): a deck's next new card is the first entry of
its range of ``idx_cards_new``, and the deck list's counts read covering ranges, never the card rows."""

from __future__ import annotations

from datetime import date

from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.storage.cards import CardStore
from mlprep.storage.db import open_db
from mlprep.storage.study_queries import StudyQueries

DAY = date(2026, 3, 10)


def _plans(run: object) -> list[str]:
    db = open_db(None)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    run(db)  # type: ignore[operator]
    db.conn.set_trace_callback(None)
    return [" ".join(str(row[3]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
            for sql in statements if sql.lstrip().startswith("SELECT")]


def test_a_decks_next_new_card_is_the_first_entry_of_its_range_of_the_new_card_index() -> None:
    deck = StudyScope(ScopeKind.DECK, "d")
    for plan in _plans(lambda db: (StudyQueries(db).pick_new(DAY, deck), StudyQueries(db).next_new(DAY, deck))):
        assert "idx_cards_new (deck_id=? AND new_rank>?)" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_the_deck_lists_counts_read_covering_ranges_not_the_cards() -> None:
    (decks, due, buried) = _plans(lambda db: CardStore(db).deck_counts(DAY))
    assert "COVERING INDEX idx_cards_new (deck_id=? AND new_rank>?)" in decks, decks
    assert "COVERING INDEX idx_cards_browse (<expr>=? AND due<?)" in due, due
    assert "idx_cards_buried" in buried, buried
