"""The browse service through the façade: search, rows, a card's detail and history, and every action on
many cards with its exact undo (the rows before and after, and what studying then shows)."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId
from mlprep.services.browse import (
    BrowseAction,
    BrowseOrder,
    BrowseRow,
    BrowseState,
    SearchResult,
    SearchSyntaxError,
    plain_text,
)
from mlprep.services.collection import Collection, open_collection
from mlprep.storage.collection_db import open_collection_db
from tests.helpers import collection_over, storage_of

TODAY = date(2026, 3, 10)


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    """Deck A (math: a-one, a-two, a-three) and Deck B (sql: b-one, b-two); a-one answered Good today."""
    col = open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC)
    session = col.study()
    card = session.next_card()
    assert card is not None and card.id == "a-one"
    session.answer(Button.GOOD)
    return col


def ids(rows: list[BrowseRow]) -> list[str]:
    return [r.card_id for r in rows]


def test_search_gives_ids_sorted_and_rows_give_what_the_table_shows(col: Collection) -> None:
    browser = col.browse()
    assert browser.search("") == ["a-one", "a-three", "a-two", "b-one", "b-two"]  # due first, then by id
    assert browser.search("area:sql") == ["b-one", "b-two"]
    assert browser.search("two") == ["a-two", "b-two"]
    assert browser.search("is:new", BrowseOrder.CARD, descending=True, limit=2) == ["b-two", "b-one"]
    assert browser.count("deck:deck-a") == 3
    (row,) = browser.rows([CardId("a-one")])
    assert (row.front, row.deck, row.area, row.due, row.interval, row.ease, row.repetitions, row.reviews,
            row.lapses, row.state, row.leech) == (
        "What is one?", "Deck A", "math", date(2026, 3, 11), 1, 2.5, 1, 1, 0, BrowseState.REVIEW, False)
    assert browser.rows([CardId("b-one")])[0].state is BrowseState.NEW


def test_a_malformed_search_raises_a_syntax_error_with_its_column(col: Collection) -> None:
    with pytest.raises(SearchSyntaxError) as caught:
        col.browse().search("is:new dek:x")
    assert caught.value.position == 8
    assert "unknown field 'dek:'" in str(caught.value)


def test_detail_has_the_card_and_its_review_history(col: Collection) -> None:
    detail = col.browse().detail(CardId("a-one"))
    assert (detail.card.front, detail.card.source) == ("What is one?", "Test source")
    assert [(h.day, h.kind, h.grade, h.interval, h.ease) for h in detail.history] == [
        (TODAY, "new", Button.GOOD, 1, 2.5)]
    with pytest.raises(KeyError):
        col.browse().detail(CardId("nope"))


def test_facets_count_cards_per_area_deck_and_tag(col: Collection) -> None:
    facets = col.browse().facets()
    assert facets.areas == {"math": 3, "sql": 2}
    assert facets.decks == {"deck-a": ("Deck A", 3), "deck-b": ("Deck B", 2)}
    assert facets.tags == {"leaf:1.1": 3, "math": 3, "sql": 2}


def test_suspend_and_unsuspend_many_then_undo_each_exactly(col: Collection) -> None:
    browser = col.browse()
    chosen = [CardId("a-one"), CardId("b-one")]
    before = browser.rows(chosen)
    record = browser.suspend(chosen)
    assert (record.action, record.cards) == (BrowseAction.SUSPEND, 2)
    assert [r.state for r in browser.rows(chosen)] == [BrowseState.SUSPENDED] * 2
    assert browser.search("is:suspended") == ["a-one", "b-one"]
    assert col.decks()[1].new == 1  # b-one left Deck B's new cards
    browser.unsuspend([CardId("a-one")])
    assert browser.search("is:suspended") == ["b-one"]
    assert browser.undo() is not None  # the unsuspend
    assert browser.search("is:suspended") == ["a-one", "b-one"]
    assert browser.undo() is not None  # the suspend
    assert browser.rows(chosen) == before
    assert not browser.can_undo and browser.undo() is None


def test_bury_hides_until_tomorrow_and_unbury_shows_again(col: Collection, clock: FixedClock) -> None:
    browser = col.browse()
    browser.bury([CardId("b-one"), CardId("b-two")])
    assert browser.search("is:buried") == ["b-one", "b-two"]
    assert col.decks()[1].new == 0
    browser.unbury([CardId("b-two")])
    assert browser.search("is:buried") == ["b-one"]
    clock.advance(days=1)
    assert browser.search("is:buried") == []


def test_forget_puts_cards_back_to_new_keeps_the_log_and_undo_restores_them(col: Collection) -> None:
    browser = col.browse()
    before = browser.rows([CardId("a-one")])
    browser.forget([CardId("a-one")])
    (row,) = browser.rows([CardId("a-one")])
    assert (row.state, row.due, row.interval, row.ease, row.repetitions, row.reviews) == (
        BrowseState.NEW, None, 0, 2.5, 0, 1)
    assert len(browser.detail(CardId("a-one")).history) == 1  # the review log is kept
    assert "a-one" in browser.search("is:new")
    browser.undo()
    assert browser.rows([CardId("a-one")]) == before


def test_a_forgotten_card_is_introduced_again(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC)
    session = col.study()
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card.id)
        session.answer(Button.EASY)
    assert len(shown) == 5
    clock.advance(days=1)
    col.browse().forget([CardId("b-two")])
    session = col.study()
    assert session.counts().new == 1
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card.id)
        session.answer(Button.EASY)
    assert sorted(shown) == ["a-one", "a-three", "a-two", "b-one", "b-two"]


def test_set_due_moves_the_due_day_and_undo_puts_it_back(col: Collection) -> None:
    browser = col.browse()
    browser.set_due([CardId("a-one"), CardId("a-two")], date(2026, 3, 9))
    assert browser.search("is:due") == ["a-one", "a-two"]
    assert [r.due for r in browser.rows([CardId("a-one"), CardId("a-two")])] == [date(2026, 3, 9)] * 2
    assert browser.rows([CardId("a-one")])[0].interval == 1  # the interval stays
    browser.undo()
    assert browser.rows([CardId("a-one"), CardId("a-two")])[1].due is None
    assert browser.search("is:due") == []


def test_reposition_puts_new_cards_next_and_undo_restores_the_order(col: Collection) -> None:
    browser = col.browse()
    first = col.study().next_card()
    assert first is not None and first.id != "b-two"
    browser.reposition([CardId("b-two")], 0)
    card = col.study().next_card()
    assert card is not None and card.id == "b-two"
    browser.undo()
    card = col.study().next_card()
    assert card is not None and card.id == first.id


def test_plain_text_strips_markdown_and_latex_lightly() -> None:
    assert plain_text("Q: What is $\\hat y = Hy$ in **OLS**?") == "What is y\u0302 = Hy in OLS?"
    assert plain_text("$\\lVert y - X\\beta \\rVert^2$ and $x^\\top y$, $\\mathbb{E}[\\varepsilon]$") == \
        "‖ y - Xβ ‖² and xᵀ y, E[ε]"
    assert plain_text("See [the docs](http://x) and `code`\n\n```python\nx = 1\n```") == "See the docs and code x = 1"
    assert plain_text("x" * 300, limit=10) == "xxxxxxxxx…"


def test_search_later_reads_on_a_worker_what_search_reads_here(col: Collection) -> None:
    browser = col.browse()
    browser.suspend([CardId("b-two")])  # committed before the call: the worker's connection sees it
    later = browser.search_later("", BrowseOrder.FRONT, descending=True).result(timeout=10)
    assert later.ids == browser.search("", BrowseOrder.FRONT, descending=True) == [
        "a-two", "a-three", "a-one", "b-two", "b-one"]
    assert (later.first, later.rows) == (0, [])  # no page asked for
    assert browser.search_later("is:suspended").result(timeout=10).ids == ["b-two"]
    with pytest.raises(SearchSyntaxError):  # at once, not from the future
        browser.search_later("is:new dek:x")
    browser.close()
    assert browser.search_later("area:sql").result(timeout=10).ids == ["b-one", "b-two"]  # a new worker
    browser.close()


def test_search_later_brings_the_rows_of_the_pages_around_a_card(col: Collection) -> None:
    browser = col.browse()
    # pages of 2 rows: b-two is 5th of 5 by id (page 2), so pages 1 to 3 come along: rows 2-4
    result = browser.search_later("", BrowseOrder.CARD, near=CardId("b-two"), page=2).result(timeout=10)
    assert result.ids == ["a-one", "a-three", "a-two", "b-one", "b-two"]
    assert result.first == 2 and result.rows == browser.rows(result.ids[2:5])
    first = browser.search_later("", BrowseOrder.CARD, near=CardId("nowhere"), page=2).result(timeout=10)
    assert first.first == 0 and [r.card_id for r in first.rows] == first.ids  # pages 0 to 2: from the top
    browser.close()


def test_search_later_without_a_file_is_done_at_once(deck_dir: Path, clock: FixedClock) -> None:
    col = collection_over(open_collection_db(None), clock, tz=UTC)
    later = col.browse().search_later("", page=1)
    assert later.done() and later.result() == SearchResult([], 0, [])


def test_check_database_rebuilds_the_search_index(col: Collection) -> None:
    browser = col.browse()
    assert browser.search("two") == ["a-two", "b-two"]
    storage_of(col).db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('delete-all')")  # the index emptied
    assert browser.search("two") == []
    report = col.check_database()
    assert browser.search("two") == ["a-two", "b-two"]
    assert browser.search('"What is"') == ["a-one", "a-three", "a-two"]
    assert report.integrity == () and report.rebuilt["cards_fts"] == 5  # every card's entry was missing
    assert "5 row(s) of cards_fts rebuilt" in report.text()
    assert "cards_fts" not in col.check_database().rebuilt  # sound now: nothing to say
