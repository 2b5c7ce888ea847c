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


def test_cards_of_a_deck_without_front_matter_get_no_area_tag() -> None:
    with pytest.raises(DeckError) as info:
        parse_deck("## one\ntags: extra\nQ: q?\nA: a.\n", "deck.md")
    assert info.value.line == 1
    assert [c.tags for c in info.value.cards] == [("extra",)]


def test_cards_of_a_deck_without_an_area_get_no_area_tag() -> None:
    with pytest.raises(DeckError) as info:
        parse_deck("---\ntitle: T\ntags: [t1]\n---\n\n## one\nQ: q?\nA: a.\n", "deck.md")
    assert "'area' must be one of" in info.value.message
    assert [c.tags for c in info.value.cards] == [("t1",)]


@pytest.mark.parametrize("header", [
    "title: T\narea: math\nx: " + "y" * 5000,  # too long
    "title: T\narea: math\nx: " + "[" * 9 + "]" * 9,  # nested too deep
    "title: T\narea: [math\n",  # not valid YAML
    'title: !!float ""\narea: math',  # a value YAML cannot read
    "- just\n- a list",  # not a mapping
])
def test_cards_after_an_unreadable_header_get_no_area_tag(header: str) -> None:
    with pytest.raises(DeckError) as info:
        parse_deck(f"---\n{header}\n---\n\n## one\nQ: q?\nA: a.\n", "deck.md")
    assert [c.tags for c in info.value.cards] == [()]
