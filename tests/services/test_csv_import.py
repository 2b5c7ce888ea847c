"""Importing CSV/TSV files with a header (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlprep.core.clock import FixedClock
from mlprep.core.deck_format import parse_deck
from mlprep.services.collection import Collection, open_collection
from mlprep.services.import_plan import ImportProblem


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path) -> Collection:
    collection = open_collection(tmp_path / "data", FixedClock(datetime(2026, 3, 10, 12, tzinfo=UTC)),
                                 [deck_dir, tmp_path / "data" / "decks"], tz=UTC)
    yield collection
    collection.close()


def _decks(col: Collection) -> dict[str, list[tuple[str, str, tuple[str, ...], str]]]:
    out = {}
    for file in sorted((col.data_dir / "decks").glob("*.md")):
        deck = parse_deck(file.read_text(encoding="utf-8"), file)
        out[deck.title] = [(c.front, c.back, c.tags, c.source) for c in deck.cards]
    return out


def test_csv_with_all_columns_goes_into_one_deck_per_deck_name(col: Collection, tmp_path: Path) -> None:
    file = tmp_path / "cards.csv"
    file.write_text('Front,Back,Tags,Source,Deck\n'
                    'What is $x^2$?,"A square,\nof x",math power,Book p. 3,Algebra\n'
                    'Q2,A2,,,Algebra\n'
                    ',empty front,,,Algebra\n'
                    'Q3,A3,"a, b",,Other\n', encoding="utf-8")
    summary = col.import_package(file, area="math")

    assert (summary.notes, summary.cards, summary.skipped) == (4, 3, {"row with an empty front or back": 1})
    decks = _decks(col)
    assert decks["Algebra"] == [("What is $x^2$?", "A square,\nof x", ("math", "power"), "Book p. 3"),
                                ("Q2", "A2", ("math",), "")]
    assert decks["Other"] == [("Q3", "A3", ("math", "a", "b"), "")]


def test_semicolons_are_sniffed_and_tsv_uses_tabs(col: Collection, tmp_path: Path) -> None:
    semi = tmp_path / "semi.csv"
    semi.write_text("front;back\nuno;one, really\n", encoding="utf-8")
    tsv = tmp_path / "tabs.tsv"
    tsv.write_text("front\tback\ndos\ttwo; or 2\n", encoding="utf-8")
    col.import_package(semi)
    col.import_package(tsv)
    decks = _decks(col)
    assert decks["semi"][0][:2] == ("uno", "one, really")
    assert decks["tabs"][0][:2] == ("dos", "two; or 2")


@pytest.mark.parametrize("text, message", [
    ("front,answer\nq,a\n", "bad.csv:1: unknown column 'answer'"),
    ("front,tags\nq,a\n", "bad.csv:1: the header has no 'back' column"),
    ("front,back\nq,a\nq2,a2,extra\n", "bad.csv:3: 3 cells in a row under a header of 2"),
    ('front,back\nq,"a\nstill a"\nq2,a2,x\n', "bad.csv:4: 3 cells"),
    ("", "bad.csv:1: the file is empty"),
])
def test_bad_csv_names_the_file_and_line_and_writes_nothing(col: Collection, tmp_path: Path, text: str,
                                                            message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ImportProblem) as error:
        col.import_package(bad)
    assert str(error.value).startswith(message)
    assert list((col.data_dir / "decks").iterdir()) == []


def test_not_utf8_names_the_line(col: Collection, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"front,back\nq,a\nq,\xe9t\xe9\n")
    with pytest.raises(ImportProblem, match=r"bad.csv:3: not UTF-8"):
        col.import_package(bad)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(alphabet='ab,;\t"\n\r front back tags', max_size=200).map(str.encode))
def test_any_file_reads_or_gives_an_import_problem(tmp_path: Path, data: bytes) -> None:
    from mlprep.services.csv_import import read_csv

    file = tmp_path / "any.csv"
    file.write_bytes(b"front,back\n" + data if data[:1] == b"\n" else data)
    try:
        drafts = read_csv(file)
    except ImportProblem as error:
        assert str(error).startswith("any.csv")
    else:
        assert all(card.front and card.back for card in drafts.cards)


def test_decks_named_without_ascii_letters_get_distinct_files(col: Collection, tmp_path: Path) -> None:
    file = tmp_path / "langs.csv"
    file.write_text("front,back,deck\n猫,cat,日本語\n猫,cat,中文\n", encoding="utf-8")
    summary = col.import_package(file)
    assert len({deck_id for deck_id, _ in summary.decks}) == 2
    assert sorted(_decks(col)) == ["中文", "日本語"]
