"""The reading-list parser: a valid list, every problem at its line, citations and ref tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprep.core.deck_format import DeckError, parse_deck
from mlprep.core.reading_list import Level, ReadingKind, cited_ids, parse_reading_list
from tests.reading_fixtures import READING_YAML, SQL_DECK

PATH = "resources/reading.yaml"


def problems_of(text: str) -> list[str]:
    with pytest.raises(DeckError) as info:
        parse_reading_list(text, PATH)
    return [str(p) for p in info.value.problems]


def test_a_valid_list_gives_its_items_in_file_order_with_every_field() -> None:
    items = parse_reading_list(READING_YAML, PATH)
    assert [i.id for i in items] == ["sql-book", "sql-docs", "prob-book", "dl-course", "ml-forum"]
    book = items[0]
    assert (book.title, book.authors, book.organisation) == ("SQL for Data People", ("Ann Query", "Bob Join"),
                                                             "Tables Press")
    assert (book.kind, book.level, book.areas, book.free, book.year) == (ReadingKind.BOOK, Level.BEGINNER,
                                                                          ("sql",), False, 2021)
    assert book.why == "Teaches joins and window functions from zero."
    assert book.byline == "Ann Query, Bob Join (Tables Press)"
    assert items[1].byline == "PostgreSQL Global Development Group"
    assert (items[3].notes, items[3].free, items[3].year) == ("free videos and notebooks", True, None)
    assert [i.line for i in items] == [2, 14, 23, 32, 42]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    title: \"SQL for Data People\"\n", "", f"{PATH}:2: item sql-book: missing required field 'title'"),
    ("    why: The reference for every query feature.\n", "    why: \"  \"\n",
     f"{PATH}:22: item sql-docs: 'why' must be non-empty text"),
    ("kind: docs", "kind: video",
     f"{PATH}:17: item sql-docs: unknown kind 'video' (expected book | course | site | community | certification "
     "| paper | docs)"),
    ("level: advanced", "level: expert",
     f"{PATH}:29: item prob-book: unknown level 'expert' (expected beginner | intermediate | advanced)"),
    ("areas: [deep-learning]", "areas: [deep-learning, cooking]",
     f"{PATH}:37: item dl-course: unknown area 'cooking' (expected math, algorithms, frameworks, deep-learning, "
     "preprocessing, evaluation, challenges, mlops, sql)"),
    ("areas: [math]", "areas: []", f"{PATH}:28: item prob-book: 'areas' must list at least one area"),
    ("url: https://course.fast.ai/", "url: http://course.fast.ai/",
     f"{PATH}:36: item dl-course: url must be an https:// address; got 'http://course.fast.ai/'"),
    ("url: https://course.fast.ai/", "url: course.fast.ai",
     f"{PATH}:36: item dl-course: url must be an https:// address; got 'course.fast.ai'"),
    ("free: false\n    why: >-", "free: maybe\n    why: >-",
     f"{PATH}:10: item sql-book: 'free' must be true or false; got 'maybe'"),
    ("year: 2021", "year: soon", f"{PATH}:13: item sql-book: 'year' must be a four-digit year; got 'soon'"),
    ("  - id: prob-book", "  - id: Prob_Book",
     f"{PATH}:23: item Prob_Book: invalid id 'Prob_Book': use lower-case letters, digits and '-'"),
    ("    authors: [Edwin Jaynes]\n", "", f"{PATH}:23: item prob-book: needs 'authors' (people) or 'organisation'"),
    ("  - id: ml-forum", "  - id: sql-book", f"{PATH}:42: item id 'sql-book' repeats the item at line 2"),
    ("    year: 2021\n", "    year: 2021\n    colour: red\n",
     f"{PATH}:14: item sql-book: unknown field 'colour' (expected id, title, kind, url, areas, level, free, why, "
     "authors, organisation, year, notes, short_title)"),
    ("    year: 2021\n", "    year: 2021\n    title: Again\n",
     f"{PATH}:14: item sql-book: field 'title' repeats line 3"),
])
def test_each_problem_names_the_file_and_the_line(old: str, new: str, expected: str) -> None:
    assert old in READING_YAML
    assert problems_of(READING_YAML.replace(old, new, 1)) == [expected]


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = READING_YAML.replace("kind: docs", "kind: video").replace("level: beginner", "level: expert", 1)
    problems = problems_of(text)
    assert [p.split(":")[1] for p in problems] == ["9", "17"]


@pytest.mark.parametrize(("text", "expected"), [
    ("items: [\n", f"{PATH}:2: not valid YAML: "),  # the rest is PyYAML's (or libyaml's) wording
    ("- a\n- b\n", f"{PATH}:1: the file must be a mapping with an 'items:' list"),
    ("items: {}\n", f"{PATH}:1: 'items:' must be a list of items"),
    ("things: []\n", f"{PATH}:1: unknown top-level key 'things' (expected 'items')"),
    ("items:\n  - just text\n", f"{PATH}:2: an item must be a mapping of fields (id:, title:, ...)"),
])
def test_a_malformed_file_is_reported_at_its_line(text: str, expected: str) -> None:
    first = problems_of(text)[0]
    assert first.startswith(expected)
    assert expected.endswith(": ") or first == expected


def test_an_empty_list_is_valid() -> None:
    assert parse_reading_list("items: []\n", PATH) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"-:[]{}\"' \n\tab", "items:", "\n  - ", "id: x", "kind: book", "areas: [sql]",
                                 "url: https://a.b", "free: true", "&a", "*a", "!!python/object"]), max_size=60))
def test_the_parser_never_crashes_on_any_text(parts: list[str]) -> None:
    try:
        parse_reading_list("".join(parts), PATH)
    except DeckError as exc:
        assert exc.problems and all(str(p).startswith(f"{PATH}:") for p in exc.problems)


_KEYS = ["id", "title", "authors", "organisation", "kind", "url", "areas", "level", "free", "why", "year", "notes",
         "colour", "[a]", "? x"]
_VALUES = ["x", "book", "sql", "[sql, math]", "[[x]]", "{a: b}", "!!python/object x", "!foo x", "&a x", "*a",
           "*b", "true", "2021", "~", '""', "https://a.b/", "[", "'", "- x", "? y"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(_KEYS), st.sampled_from(_VALUES)), max_size=12), max_size=4))
def test_any_item_of_any_fields_and_values_gives_items_or_line_problems(items: list[list[tuple[str, str]]]) -> None:
    text = "items:\n" + "".join("  -" + ("".join(f"\n    {k}: {v}" for k, v in fields) or " {}") + "\n"
                                for fields in items)
    try:
        parse_reading_list(text, PATH)
    except DeckError as exc:
        assert exc.problems and all(str(p).startswith(f"{PATH}:") for p in exc.problems)


@pytest.mark.parametrize(("source", "ids"), [
    ("@clrs, ch. 3", ["clrs"]),
    ('@clrs, ch. 3 "Characterizing Running Times"', ["clrs"]),
    ("@esl §7.10; @islr ch. 5 and again @esl", ["esl", "islr"]),
    ("(@d2l-) and @cs231n.", ["d2l", "cs231n"]),
    ("Precision@k, see me@example.com", []),
    ("@ alone, @Upper, @-dash", []),
    ("", []),
])
def test_cited_ids_finds_each_at_id_once_in_order(source: str, ids: list[str]) -> None:
    assert cited_ids(source) == ids


def test_cards_carry_a_ref_tag_for_each_cited_item() -> None:
    deck = parse_deck(SQL_DECK, "decks/sql-cards.md")
    assert [c.tags for c in deck.cards] == [
        ("sql", "leaf:9.1", "ref:sql-book"),
        ("sql", "leaf:9.1", "ref:sql-book", "ref:sql-docs"),
        ("sql", "leaf:9.1", "ref:sql-docs"),
    ]


def test_a_short_title_names_the_item_in_lists_and_must_be_shorter_than_the_title() -> None:
    """Issue 17, item 12: long titles were cut to ~20 characters in the reading view's list."""
    text = READING_YAML.replace('    title: "PostgreSQL Documentation"\n',
                                '    title: "PostgreSQL Documentation"\n    short_title: "  PostgreSQL   docs "\n')
    items = {i.id: i for i in parse_reading_list(text, PATH)}
    assert (items["sql-docs"].short_title, items["sql-docs"].list_title) == ("PostgreSQL docs", "PostgreSQL docs")
    assert items["sql-docs"].title == "PostgreSQL Documentation"
    assert (items["sql-book"].short_title, items["sql-book"].list_title) == ("", "SQL for Data People")
    as_long = text.replace('short_title: "  PostgreSQL   docs "', 'short_title: "PostgreSQL Documentation!"')
    assert problems_of(as_long) == [f"{PATH}:16: item sql-docs: 'short_title' must be shorter than the title "
                                    "(24 characters)"]
    same_length = text.replace('short_title: "  PostgreSQL   docs "', 'short_title: "PostgreSQL documentation"')
    assert problems_of(same_length) == [f"{PATH}:16: item sql-docs: 'short_title' must be shorter than the title "
                                        "(24 characters)"]
    assert problems_of(text.replace('short_title: "  PostgreSQL   docs "', "short_title: [a, b]")) == [
        f"{PATH}:16: item sql-docs: 'short_title' must be non-empty text"]
    empty = text.replace('short_title: "  PostgreSQL   docs "', "short_title:")
    assert parse_reading_list(empty, PATH)[1].short_title == ""
