"""Browse searches compiled to SQL, run over a small collection whose cards are in known states; the FTS5
index kept in step with the card text; the actions' writes and their undo snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import PurePath

import pytest

from mlprep.core.models import Card, CardId, CardProgress, Deck, DeckId, ReviewKind, ReviewLogEntry
from mlprep.core.search_query import parse
from mlprep.storage.browse_queries import BrowseOrder, BrowseQueries, compile_search
from mlprep.storage.cards import CardStore
from mlprep.storage.db import open_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


def _deck(deck_id: str, title: str, area: str, *cards: tuple[str, str, str, tuple[str, ...]]) -> Deck:
    return Deck(id=DeckId(deck_id), title=title, area=area, path=PurePath(f"{deck_id}.md"), cards=tuple(
        Card(id=CardId(i), deck=DeckId(deck_id), front=f, back=b, tags=t, source="Bishop 2006")
        for i, f, b, t in cards))


@pytest.fixture
def store() -> CardStore:
    """Six cards: n1 new, l1 learning (failed its first answer), r1 review due today, r2 review due in 20
    days with EF 1.8 and 4 lapses, s1 suspended, b1 buried; x1 is in a deck file that is gone."""
    store = CardStore(open_db(None))
    store.save_deck(_deck("ml-basics", "ML basics", "ml", (
        "n1", "What is gradient descent?", "Follow the negative gradient.", ("optim",)),
        ("l1", "Define the bias-variance trade-off", "Error = bias² + variance + noise.", ()),
        ("r1", "What does \"ReLU\" stand for?", "Rectified linear unit.", ("nn",)),
    ), NOW)
    store.save_deck(_deck("sql-joins", "SQL joins", "sql", (
        "r2", "LEFT JOIN keeps what?", "Every row of the left table; 100% of them.", ("sql", "joins")),
        ("s1", "What is a CTE?", "A named subquery (WITH).", ()),
        ("b1", "Naïve Bayes assumes?", "Conditional independence of the features.", ()),
    ), NOW)
    store.save_deck(_deck("gone", "Gone", "ml", ("x1", "Gradient of a gone card", "x", ())), NOW)
    store.mark_decks_absent([DeckId("ml-basics"), DeckId("sql-joins")])
    progress = {
        "l1": CardProgress(CardId("l1"), 0, 2.18, 1, date(2026, 3, 11), reviews=1),
        "r1": CardProgress(CardId("r1"), 2, 2.5, 6, TODAY, reviews=2),
        "r2": CardProgress(CardId("r2"), 3, 1.8, 25, date(2026, 3, 30), lapses=4, reviews=9, user_tags=("leech",)),
        "s1": CardProgress(CardId("s1"), 1, 2.6, 1, date(2026, 3, 1), reviews=1, suspended=True),
        "b1": CardProgress(CardId("b1"), 1, 2.5, 1, date(2026, 3, 9), reviews=1, buried_until=date(2026, 3, 11)),
    }
    for p in progress.values():
        store.set_progress(p)
    for card, at in (("r1", datetime(2026, 3, 10, 9, 0, tzinfo=UTC)), ("r2", datetime(2026, 3, 4, 9, 0, tzinfo=UTC))):
        store.record_answer(progress[card], ReviewLogEntry(
            CardId(card), at, 4, ReviewKind.REVIEW, 1, 2, 1, 6, 2.5, 2.5, None, None, 1000))
    return store


def found(store: CardStore, query: str) -> set[str]:
    search = compile_search(parse(query), TODAY, leech_tag="leech", tz=UTC, rollover_hour=4)
    queries = BrowseQueries(store.db, "leech")
    ids = queries.ids(search)
    assert queries.count(search) == len(ids)
    return set(ids)


@pytest.mark.parametrize(("query", "ids"), [
    ("", {"n1", "l1", "r1", "r2", "s1", "b1"}),  # x1's deck file is gone
    ("gradient", {"n1"}),
    ("GRAD", {"n1"}),  # a word is a token prefix, any case
    ("naive", {"b1"}),  # diacritics folded
    ('"negative gradient"', {"n1"}),
    ('"gradient negative"', set()),
    ('"relu"', {"r1"}),
    ("bishop", {"n1", "l1", "r1", "r2", "s1", "b1"}),  # the source is indexed too
    ("100%", {"r2"}),
    ("%", {"r2"}),  # no letters: a LIKE over the text, with % taken literally
    ("deck:ml-basics", {"n1", "l1", "r1"}),
    ("deck:sql*", {"r2", "s1", "b1"}),
    ('deck:"ml basics"', {"n1", "l1", "r1"}),  # by title
    ("deck:ml", set()),  # no wildcard: the whole id or title
    ("deck:ml_basics", set()),  # _ is not a LIKE wildcard
    ("area:SQL", {"r2", "s1", "b1"}),
    ("tag:joins", {"r2"}),
    ("tag:leech", {"r2"}),  # user tags too
    ("tag:j*", {"r2"}),
    ("is:new", {"n1"}),
    ("is:learn", {"l1"}),
    ("is:review", {"r1", "r2", "s1", "b1"}),
    ("is:due", {"r1"}),  # s1 is suspended, b1 buried
    ("is:suspended", {"s1"}),
    ("is:buried", {"b1"}),
    ("is:leech", {"r2"}),
    ("prop:ivl>10", {"r2"}),
    ("prop:ivl>=6", {"r1", "r2"}),
    ("prop:ease<2", {"r2"}),
    ("prop:ease<=2.18", {"l1", "r2"}),
    ("prop:lapses>=3", {"r2"}),
    ("prop:reps=1", {"l1", "s1", "b1"}),
    ("prop:reps>5", {"r2"}),
    ("prop:due=0", {"r1"}),
    ("prop:due<0", {"s1", "b1"}),
    ("prop:due>1", {"r2"}),
    ("prop:due!=0", {"l1", "r2", "s1", "b1"}),  # a new card has no due day
    ("prop:due<-999999999999", set()),
    ("prop:due<999999999999", {"l1", "r1", "r2", "s1", "b1"}),
    ("rated:1", {"r1"}),
    ("rated:7", {"r1", "r2"}),
    ("rated:6", {"r1"}),
    ("rated:36500", {"r1", "r2"}),
    ("-is:due", {"n1", "l1", "r2", "s1", "b1"}),  # NULL due days count as "not due"
    ("-prop:due=0", {"n1", "l1", "r2", "s1", "b1"}),
    ("deck:sql* -is:suspended", {"r2", "b1"}),
    ("is:new or is:learn", {"n1", "l1"}),
    ("(is:new or is:suspended) deck:sql*", {"s1"}),
    ("-(is:new or deck:sql*)", {"l1", "r1"}),
    ("deck:\"x' OR 1=1 --\"", set()),  # values are parameters
    ('"x\\" OR 1"', set()),  # quotes inside an FTS phrase are escaped
])
def test_each_search_form_finds_its_cards(store: CardStore, query: str, ids: set[str]) -> None:
    assert found(store, query) == ids


def test_the_index_follows_added_edited_and_deleted_cards_but_not_answers(store: CardStore) -> None:
    store.save_deck(_deck("ml-basics", "ML basics", "ml",
                          ("n1", "What is stochastic descent?", "Noisy steps.", ()),
                          ("l1", "Define the bias-variance trade-off", "Error = bias² + variance + noise.", ()),
                          ("r1", "What does \"ReLU\" stand for?", "Rectified linear unit.", ()),
                          ("n2", "What is momentum?", "A running mean of gradients.", ())), NOW)
    assert found(store, "stochastic") == {"n1"}
    assert found(store, "gradient") == {"n2"}  # n1's old text is out of the index
    assert found(store, "momentum") == {"n2"}
    data_pages = store.db.execute("SELECT COUNT(*) FROM cards_fts_data").fetchone()[0]
    store.set_progress(CardProgress(CardId("n2"), 1, 2.5, 1, TODAY, reviews=1))
    assert store.db.execute("SELECT COUNT(*) FROM cards_fts_data").fetchone()[0] == data_pages
    store.db.execute("DELETE FROM cards WHERE id = 'n2'")
    assert found(store, "momentum") == set()
    store.db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('integrity-check')")  # raises if out of step


def test_ids_come_sorted_by_the_chosen_column_ties_by_id_and_page_by_page(store: CardStore) -> None:
    queries = BrowseQueries(store.db, "leech")
    every = compile_search(parse(""), TODAY, leech_tag="leech")
    assert queries.ids(every, BrowseOrder.DUE) == ["s1", "b1", "r1", "l1", "r2", "n1"]  # new cards last
    assert queries.ids(every, BrowseOrder.DUE, descending=True) == ["r2", "l1", "r1", "b1", "s1", "n1"]
    assert queries.ids(every, BrowseOrder.INTERVAL, descending=True)[:2] == ["r2", "r1"]
    assert queries.ids(every, BrowseOrder.EASE)[:2] == ["r2", "l1"]
    assert queries.ids(every, BrowseOrder.LAPSES, descending=True)[0] == "r2"
    assert queries.ids(every, BrowseOrder.REVIEWS, descending=True)[0] == "r2"
    assert queries.ids(every, BrowseOrder.DECK) == ["l1", "n1", "r1", "b1", "r2", "s1"]
    assert queries.ids(every, BrowseOrder.FRONT)[:2] == ["l1", "r2"]  # "Define...", "LEFT JOIN..."
    assert queries.ids(every, BrowseOrder.CARD, limit=2, offset=1) == ["l1", "n1"]


def test_records_hold_what_the_table_shows_in_the_order_asked(store: CardStore) -> None:
    rows = BrowseQueries(store.db, "leech").records([CardId("r2"), CardId("nope"), CardId("b1")], TODAY)
    assert [r.card_id for r in rows] == ["r2", "b1"]
    r2, b1 = rows
    assert (r2.deck_title, r2.area, r2.due, r2.interval, r2.easiness, r2.repetitions, r2.reviews, r2.lapses) == (
        "SQL joins", "sql", date(2026, 3, 30), 25, 1.8, 3, 9, 4)
    assert (r2.leech, r2.suspended, r2.buried, b1.buried, b1.leech) == (True, False, False, True, False)


def test_records_read_many_ids_in_batches(store: CardStore) -> None:
    ids = [CardId("n1"), CardId("r1")] * 400
    assert [r.card_id for r in BrowseQueries(store.db, "leech").records(ids, TODAY)] == ids


def test_facet_counts_list_areas_decks_and_tags_of_present_cards(store: CardStore) -> None:
    counts = BrowseQueries(store.db, "leech").facet_counts()
    assert counts.areas == {"ml": 3, "sql": 3}
    assert counts.decks == {"ml-basics": ("ML basics", 3), "sql-joins": ("SQL joins", 3)}
    assert list(counts.tags.items()) == [("joins", 1), ("leech", 1), ("nn", 1), ("optim", 1), ("sql", 1)]


def test_actions_write_and_a_snapshot_puts_every_card_back(store: CardStore) -> None:
    queries = BrowseQueries(store.db, "leech")
    ids = [CardId("r1"), CardId("r2"), CardId("s1")]
    before = queries.snapshot(ids)
    assert queries.set_suspended(ids, True) == 3
    assert found(store, "is:suspended") == {"r1", "r2", "s1"}
    assert queries.set_buried_until(ids, date(2026, 3, 12)) == 3
    assert queries.forget(ids, 2.5) == 3
    assert found(store, "is:new") == {"n1", "r1", "r2", "s1"}
    assert queries.set_due([CardId("n1")], date(2026, 4, 1)) == 1
    assert store.progress(CardId("r2")).lapses == 4 and len(store.review_log(CardId("r2"))) == 1  # log kept
    assert queries.restore(before) == 3
    assert queries.snapshot(ids) == before


def test_reposition_moves_new_cards_in_the_introduction_order(store: CardStore) -> None:
    store.save_deck(_deck("more", "More", "ml", *[(f"m{i}", f"Q{i}", "A", ()) for i in range(4)]), NOW)
    store.set_new_ranks({CardId("n1"): 0, **{CardId(f"m{i}"): i + 1 for i in range(4)}})
    queries = BrowseQueries(store.db, "leech")
    assert queries.reposition([CardId("m3"), CardId("r1"), CardId("m2")], 1) == 2  # r1 is not new
    order = [r[0] for r in store.db.execute(
        "SELECT id FROM cards WHERE new_rank IS NOT NULL ORDER BY new_rank").fetchall()]
    assert order == ["n1", "m3", "m2", "m0", "m1"]
