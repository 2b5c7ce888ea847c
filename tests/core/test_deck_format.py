"""The deck parser on good and bad files; every error names its line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprep.core.deck_format import DeckError, parse_deck

HEADER = '---\ntitle: T\narea: math\nleaf: "1.1"\ntags: [base]\n---\n'


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(DeckError) as info:
        parse_deck(text, "decks/x.md")
    return [(p.line, p.message) for p in info.value.problems]


def test_good_deck_gives_cards_in_order_with_tags_source_and_lines() -> None:
    text = HEADER + (
        "\nA short description.\n\n"
        "## c-one\ntags: alpha, beta\nsource: Book §1\n\nQ: Front *one*?\n\nA: Back one.\n\n*Why:* because.\n\n"
        "## c-two\nsource: Book §2\nQ: Front two\nwith a second line\nA: Back two\n"
    )
    deck = parse_deck(text, "decks/my-deck.md")
    assert (deck.id, deck.title, deck.area, deck.leaf, deck.tags) == ("my-deck", "T", "math", "1.1", ("base",))
    assert deck.description == "A short description."
    one, two = deck.cards
    assert (one.id, one.front, one.back) == ("c-one", "Front *one*?", "Back one.\n\n*Why:* because.")
    assert one.tags == ("math", "leaf:1.1", "base", "alpha", "beta")
    assert (one.source, one.line) == ("Book §1", 10)
    assert (two.front, two.back, two.line) == ("Front two\nwith a second line", "Back two", 20)


def test_markers_inside_fenced_code_are_card_text() -> None:
    text = HEADER + "## c-code\nsource: s\nQ: What prints?\n```python\n## not a card\nA: not the back\n```\nA: ok\n"
    (card,) = parse_deck(text, "x.md").cards
    assert "## not a card" in card.front and "A: not the back" in card.front
    assert card.back == "ok"


def test_missing_back_is_reported_at_the_card_heading() -> None:
    assert errors_of(HEADER + "\n## c-one\nsource: s\nQ: Front only\n") == [
        (8, "card c-one: no 'A:' line (the back)")]


def test_missing_front_and_empty_back_are_reported() -> None:
    problems = errors_of(HEADER + "## c-a\nA: x\n## c-b\nQ: f\nA:\n")
    assert (7, "card c-a: no 'Q:' line (the front)") in problems
    assert (9, "card c-b: the back (A:) is empty") in problems


def test_unknown_field_names_its_own_line() -> None:
    assert errors_of(HEADER + "## c-one\nsource: s\nauthor: me\nQ: f\nA: b\n") == [
        (9, "card c-one: unknown field 'author' (expected source, tags, Q:, A:)")]


def test_repeated_id_names_both_lines() -> None:
    problems = errors_of(HEADER + "## c-one\nQ: f\nA: b\n## c-one\nQ: f2\nA: b2\n")
    assert problems == [(10, "card id 'c-one' repeats the card at line 7")]


def test_invalid_id_is_rejected() -> None:
    ((line, message),) = errors_of(HEADER + "## Bad Id!\nQ: f\nA: b\n")
    assert line == 7 and message.startswith("invalid card id 'Bad Id!'")


def test_an_id_may_have_80_characters_not_81() -> None:
    longest = "c" * 80
    assert [c.id for c in parse_deck(HEADER + f"## {longest}\nQ: f\nA: b\n", "decks/x.md").cards] == [longest]
    ((line, message),) = errors_of(HEADER + f"## {longest}x\nQ: f\nA: b\n")
    assert line == 7 and message.startswith(f"invalid card id '{longest}x'")


def test_a_second_a_marker_is_text_of_the_back_not_a_new_back() -> None:
    (card,) = parse_deck(HEADER + "## c-one\nQ: f\nA: first\n\nA: second\n", "decks/x.md").cards
    assert card.back == "first\n\nA: second"


def test_text_before_q_is_rejected() -> None:
    assert errors_of(HEADER + "## c-one\nsource: s\n\nstray words here\nQ: f\nA: b\n") == [
        (10, "card c-one: text before 'Q:' (expected tags:, source: or Q:)")]


@pytest.mark.parametrize(("text", "line", "start"), [
    ("no front matter\n", 1, "a deck must start with YAML front matter"),
    ("---\ntitle: T\narea: math\n", 1, "front matter is not closed"),
    ("---\ntitle: [unclosed\narea: math\n---\n", 3, "front matter is not valid YAML"),
    ("---\ntitle: T\narea: cooking\n---\n", 2, "'area' must be one of"),
    ("---\ntitle: T\narea: math\nleaf: '9.1'\n---\n", 2, "leaf 9.1 does not belong to area 'math'"),
    ("---\narea: math\n---\n", 2, "front matter needs a 'title'"),
    (HEADER + "## c-one\nQ: f\n```\ncode\nA: b\n", 11, "a fenced code block is never closed"),
])
def test_bad_front_matter_and_structure(text: str, line: int, start: str) -> None:
    problems = errors_of(text)
    assert any(p_line == line and message.startswith(start) for p_line, message in problems), problems


def test_error_string_is_path_line_message() -> None:
    with pytest.raises(DeckError) as info:
        parse_deck(HEADER + "## c-one\nQ: f\n", "decks/x.md")
    assert str(info.value) == "decks/x.md:7: card c-one: no 'A:' line (the back)"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"#QA:-` \n\tabc{}$[]\"'", "## ", "Q: ", "A: ", "---\n", "```"]),
                max_size=120).map("".join))
def test_parser_never_fails_with_anything_but_deck_error(body: str) -> None:
    for text in (body, HEADER + body):
        try:
            parse_deck(text, "fuzz.md")
        except DeckError as exc:
            assert exc.line >= 0 and exc.problems
