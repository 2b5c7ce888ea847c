"""The browse service through the façade: search, rows, a card's detail and history, and every action on
many cards with its exact undo (the rows before and after, and what studying then shows)."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId
from mlprep.services.browse import BrowseAction, BrowseOrder, BrowseRow, BrowseState, SearchSyntaxError, plain_text
from mlprep.services.collection import Collection, open_collection

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
