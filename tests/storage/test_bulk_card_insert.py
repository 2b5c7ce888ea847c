"""The deck sync's bulk path (``CardStore.save_decks``: every deck's new cards written last, 500 rows per
``INSERT``) leaves exactly what the per-row path leaves (each deck saved in turn, one ``INSERT`` per new
card): the same rows and rowids in ``cards`` and ``decks``, the same full-text search results and index,
the same ``review_days``, the same ``deck_files`` and the same counts (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlprep.core.clock import FixedClock
from mlprep.core.models import Card, CardId, Deck, DeckId
from mlprep.services.deck_loader import load_decks, shipped_decks_dir
from mlprep.services.deck_sync import sync_decks
from mlprep.storage import cards as cards_module
from mlprep.storage.cards import CardStore
from mlprep.storage.db import open_db
from mlprep.storage.log_codec import KIND_CODES, instant_us

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3)
SAVE_DECKS = CardStore.save_decks


@contextmanager
def per_row(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Within the block, every new or changed card is written by its own statement (the per-row path)."""
    with monkeypatch.context() as patch:
        patch.setattr(cards_module, "ROWS_PER_STATEMENT", 1)
        yield


def save_per_row(store: CardStore, decks: Sequence[Deck], now: datetime,
                 monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The per-row path: each deck saved on its own, in order, one ``INSERT`` per new card."""
    totals = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    with per_row(monkeypatch), store.atomic():
        for deck in decks:
            for name, value in SAVE_DECKS(store, [deck], now).items():
                totals[name] += value
    return totals


def index_terms(store: CardStore) -> list[tuple[str, str, int, int]]:
    """Every term the full-text index holds, per column, with the number of cards and of occurrences
    (FTS5's ``fts5vocab`` over ``cards_fts``)."""
    db = store.db
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.cards_vocab USING fts5vocab(main, cards_fts, 'col')")
    return db.execute("SELECT term, col, doc, cnt FROM temp.cards_vocab ORDER BY term, col").fetchall()


def snapshot(store: CardStore, searches: int = 400) -> dict[str, Any]:
    """Everything the sync writes, as plain values (rowids included), and the results of searching
    for (at most ``searches``) terms of the index, spread over it."""
    db = store.db
    vocabulary = index_terms(store)
    terms = sorted({term for term, *_ in vocabulary})
    terms = terms[::max(1, len(terms) // searches)]
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('integrity-check')")  # raises if the index is corrupt
    return {
        "cards": db.execute("SELECT rowid, * FROM cards ORDER BY rowid").fetchall(),
        "decks": db.execute("SELECT rowid, * FROM decks ORDER BY rowid").fetchall(),
        "review_days": db.execute("SELECT * FROM review_days ORDER BY deck_id, day").fetchall(),
        "deck_files": db.execute("SELECT path, deck_id, size, mtime_ns, sha256, inputs FROM deck_files "
                                 "ORDER BY path").fetchall(),
        "terms": vocabulary,
        "search": {term: db.execute("SELECT rowid, round(bm25(cards_fts), 9) FROM cards_fts WHERE cards_fts "
                                    "MATCH ? ORDER BY rowid", [match]).fetchall()
                   for term, match in zip(terms, quoted, strict=True)},
        "docsize": db.execute("SELECT * FROM cards_fts_docsize ORDER BY id").fetchall(),
    }


def test_shipped_decks_sync_in_bulk_as_per_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bulk, single = CardStore(open_db(tmp_path / "bulk.sqlite3")), CardStore(open_db(tmp_path / "single.sqlite3"))
    dirs = [shipped_decks_dir()]
    clock = FixedClock(NOW)
    bulk_report = sync_decks(bulk, dirs, clock)
    with per_row(monkeypatch), monkeypatch.context() as patch:
        patch.setattr(CardStore, "save_decks", lambda self, decks, now: save_per_row(self, decks, now, monkeypatch))
        single_report = sync_decks(single, dirs, clock)
    assert bulk_report.added == single_report.added == sum(len(d.cards) for d in load_decks(dirs).decks) > 1000
    assert bulk_report == single_report
    bulk_rows, single_rows = snapshot(bulk), snapshot(single)
    assert len(bulk_rows["deck_files"]) == len(bulk_rows["decks"]) > 60
    assert len(bulk_rows["terms"]) > 1000 and len(bulk_rows["search"]) > 300
    assert bulk_rows == single_rows


def test_a_new_collection_fills_the_search_index_with_every_card(monkeypatch: pytest.MonkeyPatch) -> None:
    store = CardStore(open_db(None))
    deck = make_deck("d", [("c1", "gradient descent", "step size"), ("c2", "softmax", "gradient of logits")])
    store.save_decks([deck], NOW)
    found = [row[0] for row in store.db.execute(
        "SELECT c.id FROM cards_fts JOIN cards c ON c.rowid = cards_fts.rowid WHERE cards_fts MATCH 'gradient' "
        "ORDER BY c.id")]
    assert found == ["c1", "c2"]


def make_deck(deck_id: str, cards: Sequence[tuple[str, str, str]], tags: tuple[str, ...] = ()) -> Deck:
    return Deck(id=DeckId(deck_id), title=deck_id.upper(), area="math", path=PurePath(f"{deck_id}.md"), tags=tags,
                cards=tuple(Card(id=CardId(i), deck=DeckId(deck_id), front=f, back=b, tags=("math", *tags),
                                 source=f"@src {i}") for i, f, b in cards))


WORDS = ("gradient", "descent", "softmax", "logit", "bias", "variance", "naïve", "Bayes", "ß", "über", "x²",
         "join", "index", "kernel", "SVM", "1e-3", "—", "", "a", "the")
texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join).filter(str.strip)
card_ids = st.sampled_from([f"c{i}" for i in range(12)])


@st.composite
def deck_sets(draw: st.DrawFn, *, unique_across: bool = True) -> list[Deck]:
    """Up to four decks of up to eight cards; ids drawn from twelve, so that a second set moves, changes,
    drops and adds cards against a first one. ``unique_across``: no card id in two decks (as
    ``load_decks`` gives); otherwise an id may repeat in another deck."""
    deck_ids = draw(st.lists(st.sampled_from(["d1", "d2", "d3", "d4"]), min_size=1, max_size=4, unique=True))
    ids = draw(st.lists(card_ids, unique=True, max_size=12))
    decks, used = [], 0
    for deck_id in deck_ids:
        size = draw(st.integers(0, 8))
        if unique_across:
            chosen, used = ids[used:used + size], used + size
        else:
            chosen = draw(st.lists(card_ids, unique=True, max_size=size))
        cards = [(card_id, draw(texts), draw(texts)) for card_id in chosen]
        decks.append(make_deck(deck_id, cards, tuple(draw(st.lists(st.sampled_from(["ml", "sql"]), max_size=1)))))
    return decks


def reviewed(store: CardStore, card_ids: Sequence[str]) -> None:
    """Review-log rows (kind 'review', two days, passed and failed) for ``card_ids``, so that review_days
    has something to keep."""
    for n, card_id in enumerate(card_ids):
        for minutes, quality in ((0, 4), (60 * 24, 2), (60 * 25 + n, 5)):
            store.db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind) VALUES (?, ?, ?, ?)",
                             [card_id, instant_us(NOW + timedelta(minutes=minutes)), quality, KIND_CODES["review"]])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=deck_sets(), second=deck_sets(), logged=st.lists(card_ids, unique=True, max_size=6))
def test_bulk_and_per_row_saves_leave_the_same_collection(monkeypatch: pytest.MonkeyPatch, first: list[Deck],
                                                          second: list[Deck], logged: list[str]) -> None:
    stores = CardStore(open_db(None)), CardStore(open_db(None))
    for store in stores:  # the same start on both: the first deck set (per row), some reviews
        save_per_row(store, first, NOW, monkeypatch)
        reviewed(store, logged)
    bulk, single = stores
    assert bulk.save_decks(second, LATER) == save_per_row(single, second, LATER, monkeypatch)
    assert snapshot(bulk) == snapshot(single)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=deck_sets(), second=deck_sets(unique_across=False), logged=st.lists(card_ids, unique=True, max_size=6))
def test_a_card_id_in_two_decks_saves_as_deck_by_deck(monkeypatch: pytest.MonkeyPatch, first: list[Deck],
                                                      second: list[Deck], logged: list[str]) -> None:
    stores = CardStore(open_db(None)), CardStore(open_db(None))
    for store in stores:
        save_per_row(store, first, NOW, monkeypatch)
        reviewed(store, logged)
    bulk, single = stores
    assert bulk.save_decks(second, LATER) == save_per_row(single, second, LATER, monkeypatch)
    assert snapshot(bulk) == snapshot(single)


def test_more_new_cards_than_one_statement_holds_are_all_written() -> None:
    store = CardStore(open_db(None))
    size = cards_module.ROWS_PER_STATEMENT * 2 + 7
    decks = [make_deck("d1", [(f"a{i}", f"front {i}", "back") for i in range(size)]),
             make_deck("d2", [(f"b{i}", f"front {i}", "back") for i in range(3)])]
    assert store.save_decks(decks, NOW) == {"added": size + 3, "updated": 0, "unchanged": 0, "removed": 0}
    rows = store.db.execute("SELECT id, deck_id, position FROM cards ORDER BY rowid").fetchall()
    assert rows == [(f"a{i}", "d1", i) for i in range(size)] + [(f"b{i}", "d2", i) for i in range(3)]
    assert store.db.execute("SELECT COUNT(*) FROM cards_fts WHERE cards_fts MATCH 'front'").fetchone()[0] == size + 3
    changed = [make_deck("d1", [(f"a{i}", f"recto {i}", "back") for i in range(size)])]
    assert store.save_decks(changed, LATER) == {"added": 0, "updated": size, "unchanged": 0, "removed": 0}
    assert store.db.execute("SELECT COUNT(*) FROM cards WHERE front LIKE 'recto %'").fetchone()[0] == size
    matches = {word: store.db.execute("SELECT COUNT(*) FROM cards_fts WHERE cards_fts MATCH ?", [word]).fetchone()[0]
               for word in ("recto", "front")}
    assert matches == {"recto": size, "front": 3}


def test_a_new_collection_saves_as_per_row_even_with_a_card_id_in_two_decks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new collection (no card yet) leaves out the per-deck compare and mark statements, which holds only
    while no card is written before the end: not so when an id is in two decks."""
    decks = [make_deck("d1", [("c1", "gradient", "descent"), ("c2", "bias", "variance")]),
             make_deck("d2", [("c2", "softmax", "logit"), ("c3", "kernel", "SVM")])]
    bulk, single = CardStore(open_db(None)), CardStore(open_db(None))
    assert not bulk.has_cards()
    assert bulk.save_decks(decks, NOW) == save_per_row(single, decks, NOW, monkeypatch)
    assert snapshot(bulk) == snapshot(single)
    assert bulk.has_cards()


def test_a_collection_whose_cards_all_left_their_decks_still_has_cards() -> None:
    store = CardStore(open_db(None))
    store.save_decks([make_deck("d1", [("c1", "gradient", "descent")])], NOW)
    assert store.save_decks([make_deck("d1", [])], LATER)["removed"] == 1
    assert store.has_cards()
    assert store.save_decks([make_deck("d1", [("c1", "gradient", "descent")])], LATER) == \
        {"added": 0, "updated": 1, "unchanged": 0, "removed": 0}
