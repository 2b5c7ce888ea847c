"""The deck parser's every message as a user reads it (``path:line: message``), and the deck it gives."""

from __future__ import annotations

import pytest

from mlprep.core.deck_format import DeckError, parse_deck, parse_tags

PATH = "decks/x.md"
HEADER = '---\ntitle: T\narea: math\nleaf: "1.1"\n---\n'  # cards start on line 6
AREAS = "math, algorithms, frameworks, deep-learning, preprocessing, evaluation, challenges, mlops, sql"
BAD_ID = "use lower-case letters, digits, '-', '.', '_' (at most 80 characters)"


def problems(text: str) -> list[str]:
    """Every problem of ``text``, in the order the parser reports them, as ``str()`` shows each."""
    with pytest.raises(DeckError) as info:
        parse_deck(text, PATH)
    assert str(info.value) == str(info.value.problems[0])
    return [str(p) for p in info.value.problems]


# -- front matter ----------------------------------------------------------------------------------

def test_without_front_matter_the_first_line_is_still_read_as_a_card() -> None:
    assert problems("## Bad!\nQ: f\nA: b\n") == [
        f"{PATH}:1: a deck must start with YAML front matter ('---')",
        f"{PATH}:1: invalid card id 'Bad!': {BAD_ID}"]


def test_an_empty_text_has_no_front_matter() -> None:
    assert problems("") == [f"{PATH}:1: a deck must start with YAML front matter ('---')"]


def test_front_matter_never_closed() -> None:
    assert problems("---\ntitle: T\narea: math\n") == [f"{PATH}:1: front matter is not closed by a '---' line"]


def test_an_empty_front_matter_closes_on_the_second_line() -> None:
    assert problems("---\n---\n") == [f"{PATH}:2: front matter needs a 'title'",
                                      f"{PATH}:2: 'area' must be one of {AREAS}; got ''"]


def test_invalid_yaml_is_reported_at_its_line_and_the_cards_after_it_still_checked() -> None:
    # YAML's mark is 0-based inside the front matter, which starts on file line 2; the '## c-x' line is a
    # YAML comment, not a card.
    found = problems("---\ntitle: [\n## c-x\n---\n## Bad!\nQ: f\nA: b\n")
    assert len(found) == 2
    assert found[0].startswith(f"{PATH}:3: front matter is not valid YAML: ")
    assert found[1] == f"{PATH}:5: invalid card id 'Bad!': {BAD_ID}"


def test_a_character_yaml_refuses_is_reported_at_line_1() -> None:
    (found,) = problems("---\ntitle: a\x07b\narea: math\n---\n")
    assert found.startswith(f"{PATH}:1: front matter is not valid YAML: unacceptable character #x0007")


def test_front_matter_that_is_not_a_mapping() -> None:
    assert problems("---\n- a\n## c-x\n---\n## Bad!\nQ: f\nA: b\n") == [
        f"{PATH}:2: front matter must be a mapping of keys to values",
        f"{PATH}:5: invalid card id 'Bad!': {BAD_ID}"]


def test_unknown_keys_missing_area_and_unknown_leaf_are_named() -> None:
    assert problems("---\ntitle: T\nauthor: me\nleaf: '9.9'\n---\n") == [
        f"{PATH}:2: unknown front matter key 'author' (expected area, leaf, tags, title)",
        f"{PATH}:2: 'area' must be one of {AREAS}; got ''",
        f"{PATH}:2: unknown curriculum leaf '9.9'"]


def test_a_leaf_of_another_area_and_a_blank_title() -> None:
    assert problems("---\ntitle: '  '\narea: sql\nleaf: '1.1'\n---\n") == [
        f"{PATH}:2: front matter needs a 'title'",
        f"{PATH}:2: leaf 1.1 does not belong to area 'sql'"]


# -- the deck and its cards ------------------------------------------------------------------------

def test_a_deck_without_leaf_or_source_and_with_text_tags() -> None:
    deck = parse_deck("---\ntitle: T\narea: sql\ntags: alpha beta\n---\n## c-one\ntags: [x, y]\nQ: f\nA: b\n", PATH)
    assert (deck.id, deck.leaf, deck.tags) == ("x", "", ("alpha", "beta"))
    (card,) = deck.cards
    assert (card.deck, card.source, card.line, card.tags) == ("x", "", 6, ("sql", "alpha", "beta", "x", "y"))


def test_a_deck_with_no_cards_is_valid() -> None:
    deck = parse_deck(HEADER, PATH)
    assert (deck.cards, deck.description) == ((), "")


@pytest.mark.parametrize(("value", "tags"), [("[a, b]", ("a", "b")), ("a b,c", ("a", "b", "c")), ("  [a]  ", ("a",)),
                                             ("", ()), ("[]", ())])
def test_tag_values_may_be_bracketed_comma_or_space_separated(value: str, tags: tuple[str, ...]) -> None:
    assert parse_tags(value) == tags


def test_an_invalid_tag_is_reported_at_its_card() -> None:
    assert problems(HEADER + "## c-one\ntags: ok, -bad\nQ: f\nA: b\n") == [
        f"{PATH}:6: card c-one: invalid tag '-bad'"]


def test_a_lone_deck_error_lists_itself() -> None:
    error = DeckError(PATH, 3, "m")
    assert (error.problems, str(error), error.path, error.line, error.message) == (
        [error], f"{PATH}:3: m", PATH, 3, "m")


# -- card problems ---------------------------------------------------------------------------------

def test_every_card_problem_names_the_file_and_line() -> None:
    text = HEADER + ("## Bad!\nQ: f\nA: b\n"  # 6
                     "## c-one\nQ: f\nA: b\n"  # 9
                     "## c-one\nauthor: me\nQ: f\nA: b\n"  # 12, unknown field on 13
                     "## c-two\nA: b\n"  # 16
                     "## c-three\nQ: f\n")  # 18
    assert problems(text) == [
        f"{PATH}:6: invalid card id 'Bad!': {BAD_ID}",
        f"{PATH}:12: card id 'c-one' repeats the card at line 9",
        f"{PATH}:13: card c-one: unknown field 'author' (expected source, tags, Q:, A:)",
        f"{PATH}:16: card c-two: no 'Q:' line (the front)",
        f"{PATH}:17: card c-two: unknown field 'a' (expected source, tags, Q:, A:)",  # 'A:' before 'Q:' is no back
        f"{PATH}:18: card c-three: no 'A:' line (the back)"]


def test_sides_of_blank_lines_only_are_empty() -> None:
    assert problems(HEADER + "## c-one\nQ:\n\nA: b\n## c-two\nQ: f\nA:\n\n\n## c-three\nQ: f\nA: b\n") == [
        f"{PATH}:6: card c-one: the front (Q:) is empty",
        f"{PATH}:10: card c-two: the back (A:) is empty"]


def test_fenced_text_before_q_is_reported_at_the_heading() -> None:
    assert problems(HEADER + "## c-one\n```\ncode\n```\nQ: f\nA: b\n") == [
        f"{PATH}:6: card c-one: text before 'Q:' (expected tags:, source: or Q:)"]


def test_stray_text_before_a_fence_is_reported_at_its_own_line() -> None:
    assert problems(HEADER + "## c-one\nstray\n```\ncode\n```\nQ: f\nA: b\n") == [
        f"{PATH}:7: card c-one: text before 'Q:' (expected tags:, source: or Q:)"]


def test_a_blank_line_in_a_fence_after_the_front_is_card_text() -> None:
    (card,) = parse_deck(HEADER + "## c-one\nQ: f\n```\n\n```\nA: b\n", PATH).cards
    assert card.front == "f\n```\n\n```"


def test_an_unclosed_fence_names_the_last_line() -> None:
    assert problems(HEADER + "## c-one\nQ: f\nA: b\n```\ncode\n") == [f"{PATH}:10: a fenced code block is never closed"]


# -- hostile front matter (issue 13): limits refused before YAML runs, no anchors or aliases -----------

def yaml_at(line: int, problem: str, yaml_line: int, column: int, source: str) -> str:
    """The message for a YAML error PyYAML marks at ``yaml_line``/``column`` of the front matter."""
    return (f"{PATH}:{line}: front matter is not valid YAML: {problem} in \"<unicode string>\", "
            f"line {yaml_line}, column {column}: {source} ^")


@pytest.mark.parametrize(("header", "expected"), [
    ("title: T\narea: *a", yaml_at(3, "aliases (*name) are not allowed in a deck header", 2, 7, "area: *a")),
    ("title: &a T\narea: math", yaml_at(2, "anchors (&name) are not allowed in a deck header", 1, 8, "title: &a T")),
    ("title: T\narea: math\ntags: &t [a]",
     yaml_at(4, "anchors (&name) are not allowed in a deck header", 3, 7, "tags: &t [a]")),
    ("title: &m {a: b}\narea: math",
     yaml_at(2, "anchors (&name) are not allowed in a deck header", 1, 8, "title: &m {a: b}")),
])
def test_anchors_and_aliases_are_refused_where_they_stand(header: str, expected: str) -> None:
    assert problems(f"---\n{header}\n---\n") == [expected]


def test_front_matter_of_4096_characters_is_read_and_4097_refused() -> None:
    start = "title: T\narea: math\n# "
    source = start + "x" * (4096 - len(start))
    assert parse_deck(f"---\n{source}\n---\n", PATH).title == "T"
    assert problems(f"---\n{source}x\n---\n") == [
        f"{PATH}:1: front matter is 4,097 characters long: at most 4,096 (title, area, leaf, tags)"]


@pytest.mark.parametrize("title", [
    "[X, [X, [X, [X, [X, [X, [X, [X]]]]]]]]",  # 8 deep, letters between the brackets
    "[[[[[[[[x]]]]]]]]",
])
def test_nesting_8_deep_is_read(title: str) -> None:
    assert parse_deck(f"---\ntags: [a]\ntitle: {title}\narea: math\n---\n", PATH).tags == ("a",)


@pytest.mark.parametrize("title", [
    "[X, [X, [X, [X, [X, [X, [X, [X, [X]]]]]]]]]",
    "[[a], [[[[[[[[x]]]]]]]]]",  # 9 deep inside the outer list after a closed sibling
])
def test_nesting_9_deep_is_refused(title: str) -> None:
    assert problems(f"---\ntitle: {title}\narea: math\n---\n") == [
        f"{PATH}:2: front matter nests [ or {{ 9 deep: at most 8"]


@pytest.mark.parametrize(("header", "first"), [
    ("title: [[[[[[[[[x]]]]]]]]]", f"{PATH}:2: front matter nests [ or {{ 9 deep: at most 8"),
    ("title: T\n# " + "x" * 4100, f"{PATH}:1: front matter is 4,118 characters long: at most 4,096 (title, area, "
                                  "leaf, tags)"),
    ("title: !!float", f"{PATH}:2: front matter has a value YAML cannot read: string index out of range"),
])
def test_after_a_refused_front_matter_the_cards_start_on_the_line_after_it(header: str, first: str) -> None:
    # '## c-x' inside the front matter is a YAML comment, not a card; '## Bad!' right after it is a card.
    body_line = header.count("\n") + 5
    assert problems(f"---\n{header}\n## c-x\n---\n## Bad!\nQ: f\nA: b\n") == [
        first, f"{PATH}:{body_line}: invalid card id 'Bad!': {BAD_ID}"]


def test_a_long_message_from_yaml_is_cut_at_300_characters() -> None:
    prefix = "could not convert string to float: '"  # 36 characters
    assert problems("---\ntitle: !!float " + "x" * 263 + "\narea: math\n---\n") == [
        f"{PATH}:2: front matter has a value YAML cannot read: {prefix}{'x' * 263}'"]  # 300: whole
    assert problems("---\ntitle: !!float " + "x" * 264 + "\narea: math\n---\n") == [
        f"{PATH}:2: front matter has a value YAML cannot read: {prefix}{'x' * 264}…"]  # 301: cut


def test_trailing_blanks_after_a_card_id_are_not_part_of_it() -> None:
    assert [c.id for c in parse_deck(HEADER + "## c-one \t \nQ: f\nA: b\n", PATH).cards] == ["c-one"]


def test_a_long_invalid_id_is_shown_cut_to_60_characters() -> None:
    assert problems(HEADER + f"## {'C' * 90}\nQ: f\nA: b\n") == [f"{PATH}:6: invalid card id {'C' * 90!r}: {BAD_ID}"]
    assert problems(HEADER + f"## {'C' * 91}\nQ: f\nA: b\n") == [
        f"{PATH}:6: invalid card id {'C' * 60 + '…'!r}: {BAD_ID}"]
