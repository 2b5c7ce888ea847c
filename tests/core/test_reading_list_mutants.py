"""The reading-list parser: each field's rule on both sides, and every message exactly as the user reads it."""

from __future__ import annotations

import pytest
import yaml

from mlprep.core.deck_format import DeckError
from mlprep.core.reading_list import Level, ReadingItem, ReadingKind, parse_reading_list

PATH = "r.yaml"
EXPECTED_FIELDS = "id, title, kind, url, areas, level, free, why, authors, organisation, year, notes, short_title"
AREAS = "math, algorithms, frameworks, deep-learning, preprocessing, evaluation, challenges, mlops, sql"

# One valid item, a field a line: line 2 is "- id: x", line 3 "title: T", ..., line 10 "free: true".
FIELDS = {"id": "x", "title": "T", "authors": "[Ann]", "kind": "book", "url": "https://a.example/b",
          "areas": "[sql]", "level": "beginner", "why": "Because.", "free": "true"}


def listing(**changes: str | None) -> str:
    """The one-item list with ``changes`` (a value of ``None`` drops the field; new keys go last)."""
    fields = {**FIELDS, **changes}
    lines = [f"{key}: {value}" for key, value in fields.items() if value is not None]
    return "items:\n  - " + "\n    ".join(lines) + "\n"


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as info:
        parse_reading_list(text, PATH)
    return [str(p) for p in info.value.problems]


def only(text: str) -> ReadingItem:
    (item,) = parse_reading_list(text, PATH)
    return item


def test_the_valid_item_and_its_every_field() -> None:
    assert only(listing(organisation="Press", year="2021", notes="n")) == ReadingItem(
        id="x", title="T", authors=("Ann",), organisation="Press", kind=ReadingKind.BOOK, url="https://a.example/b",
        areas=("sql",), level=Level.BEGINNER, free=True, why="Because.", year=2021, notes="n", line=2)


# -- the file --------------------------------------------------------------------------------------

def test_invalid_yaml_gives_the_parsers_problem_at_its_line() -> None:
    # Read with libyaml when PyYAML has it (5x faster); its wording is what the user sees.
    reason = "did not find expected node content" if yaml.__with_libyaml__ else \
        "expected the node content, but found '<stream end>'"
    assert problems("items: [\n") == [f"{PATH}:2: not valid YAML: {reason}"]


def test_a_character_yaml_refuses_is_reported_at_line_1() -> None:
    (found,) = problems("items: [\x07]\n")
    assert found.startswith(f"{PATH}:1: not valid YAML: unacceptable character #x0007: ")


@pytest.mark.parametrize(("text", "expected"), [
    ("", [f"{PATH}:1: the file must be a mapping with an 'items:' list"]),
    ("\n\n- a\n", [f"{PATH}:3: the file must be a mapping with an 'items:' list"]),
    ("{}\n", [f"{PATH}:1: 'items:' must be a list of items"]),
    ("\nitems: {}\n", [f"{PATH}:2: 'items:' must be a list of items"]),
    ("things: []\n", [f"{PATH}:1: unknown top-level key 'things' (expected 'items')",
                      f"{PATH}:1: 'items:' must be a list of items"]),
    ("items:\n  - a\n  - b\n", [f"{PATH}:2: an item must be a mapping of fields (id:, title:, ...)",
                                f"{PATH}:3: an item must be a mapping of fields (id:, title:, ...)"]),
])
def test_the_files_shape(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


# -- keys ------------------------------------------------------------------------------------------

def test_a_key_that_is_not_a_name() -> None:
    assert problems(listing() + "    ? [a]\n    : v\n") == [
        f"{PATH}:11: item x: unknown field '<not a name>' (expected {EXPECTED_FIELDS})"]


def test_a_value_of_an_unsafe_type() -> None:
    assert problems(listing(notes="!!python/object x")) == [
        f"{PATH}:11: item x: 'notes' is not a plain YAML value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object'"]


def test_an_item_without_an_id_is_labelled_item() -> None:
    assert problems(listing(id=None)) == [f"{PATH}:2: item: missing required field 'id'"]


def test_an_id_that_is_not_text_labels_the_rest_item() -> None:
    assert problems(listing(id="[a]", kind="film")) == [
        f"{PATH}:2: item: 'id' must be non-empty text",
        f"{PATH}:5: item: unknown kind 'film' (expected book | course | site | community | certification | paper "
        "| docs)"]


def test_an_invalid_id_is_reported_at_the_id_line() -> None:
    text = "items:\n  - title: T\n    id: Bad_Id\n" + "".join(
        f"    {k}: {v}\n" for k, v in FIELDS.items() if k not in ("id", "title"))
    assert problems(text) == [
        f"{PATH}:3: item Bad_Id: invalid id 'Bad_Id': use lower-case letters, digits and '-'"]


# -- text fields -----------------------------------------------------------------------------------

def test_text_collapses_its_whitespace_but_why_keeps_its_lines() -> None:
    text = listing(title="'A   B'", why="|-\n      First line.\n\n      Second  line.", organisation="'  P  Q '")
    item = only(text)
    assert (item.title, item.organisation, item.why) == ("A B", "P Q", "First line.\n\nSecond  line.")


def test_numbers_are_text_too() -> None:
    assert only(listing(title="1984")).title == "1984"


@pytest.mark.parametrize(("value", "line"), [("~", 3), ("true", 3), ("[a]", 3), ("''", 3)])
def test_a_required_text_must_be_non_empty_text(value: str, line: int) -> None:
    assert problems(listing(title=value)) == [f"{PATH}:{line}: item x: 'title' must be non-empty text"]


def test_an_empty_optional_text_is_blank() -> None:
    item = only(listing(notes="~", organisation="~"))
    assert (item.notes, item.organisation) == ("", "")


# -- authors, areas, url, free, year, kind, level ---------------------------------------------------

def test_one_author_may_be_written_without_brackets() -> None:
    assert only(listing(authors="Ann  Query")).authors == ("Ann Query",)


@pytest.mark.parametrize("value", ["[]", "['  ']", "[3]", "{a: b}"])
def test_authors_must_be_a_list_of_names(value: str) -> None:
    assert problems(listing(authors=value, organisation="P")) == [
        f"{PATH}:4: item x: 'authors' must be a list of names"]


def test_one_area_may_be_written_without_brackets_and_repeats_are_dropped() -> None:
    assert only(listing(areas="sql")).areas == ("sql",)
    assert only(listing(areas="[sql, math, sql]")).areas == ("sql", "math")


def test_unknown_areas_are_all_named() -> None:
    assert problems(listing(areas="[cooking, sql, music]")) == [
        f"{PATH}:7: item x: unknown area 'cooking', 'music' (expected {AREAS})"]


def test_a_url_may_not_hold_a_space() -> None:
    assert problems(listing(url="'https://a.example/b c'")) == [
        f"{PATH}:6: item x: url must be an https:// address; got 'https://a.example/b c'"]


@pytest.mark.parametrize("field", ["kind", "level", "free", "areas", "url"])
def test_a_missing_required_field_is_named_at_the_item(field: str) -> None:
    assert problems(listing(**{field: None})) == [f"{PATH}:2: item x: missing required field {field!r}"]


@pytest.mark.parametrize("year", [1000, 2999])
def test_a_year_from_1000_to_2999_is_taken(year: int) -> None:
    assert only(listing(year=str(year))).year == year


@pytest.mark.parametrize("year", ["999", "3000", "true", "'2021'"])
def test_any_other_year_is_refused(year: str) -> None:
    shown = {"true": "True", "'2021'": "'2021'"}.get(year, year)
    assert problems(listing(year=year)) == [f"{PATH}:11: item x: 'year' must be a four-digit year; got {shown}"]


def test_an_empty_year_is_no_year() -> None:
    assert only(listing(year="~")).year is None
