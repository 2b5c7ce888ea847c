"""A DeckError that holds no parsed cards says so with an empty tuple (callers iterate over ``cards``)."""

from __future__ import annotations

import pytest

from mlprep.core.deck_format import DeckError, parse_deck


def test_a_new_deck_error_has_no_cards_and_is_its_own_only_problem() -> None:
    err = DeckError("deck.md", 3, "something is wrong")
    assert err.cards == ()
    assert err.problems == [err]
    assert str(err) == "deck.md:3: something is wrong"


def test_only_the_first_problem_of_a_deck_carries_its_cards() -> None:
    text = "---\ntitle: T\narea: math\n---\n\n## ok\nQ: q?\nA: a.\n\n## Bad Id\nQ: q?\nA: a.\n\n## no-back\nQ: q?\n"
    with pytest.raises(DeckError) as info:
        parse_deck(text, "deck.md")
    first = info.value
    assert [p.line for p in first.problems] == [10, 14]
    assert [c.id for c in first.cards] == ["ok", "Bad Id", "no-back"]
    assert first.problems[1].cards == ()
    assert list(first.problems[1].cards) == []
