"""``mlprep cards --search QUERY``: the Browse syntax on the command line (in-process ``main(argv)``)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from mlprep.core.clock import SystemClock
from mlprep.core.models import CardId
from mlprep.services.collection import open_collection
from tests.test_cli import mlprep


def _data_dir(tmp_path: Path, deck_dir: Path) -> tuple[Path, date]:
    """A collection over the shipped decks plus the two test decks (in ``<data dir>/decks``), with a-one
    due 3 days ago at interval 6 and b-one suspended."""
    data = tmp_path / "data"
    (data / "decks").mkdir(parents=True)
    for deck in deck_dir.iterdir():
        (data / "decks" / deck.name).write_text(deck.read_text(encoding="utf-8"), encoding="utf-8")
    col = open_collection(data, SystemClock())
    browser = col.browse()
    due = browser.today() - timedelta(days=3)
    browser.set_due([CardId("a-one")], due)
    browser.suspend([CardId("b-one")])
    col.close()
    return data, due


def test_search_prints_id_deck_due_and_interval_of_each_match(tmp_path: Path, deck_dir: Path) -> None:
    data, due = _data_dir(tmp_path, deck_dir)
    result = mlprep("cards", "--search", "deck:deck-* -is:suspended", data_dir=data)
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == ["a-one", "deck-a", due.isoformat(), "0"]  # soonest due first; set due keeps the interval
    assert [line[0] for line in lines[1:]] == ["a-three", "a-two", "b-two"]
    assert [line[2:] for line in lines[1:]] == [["new", "0"]] * 3


def test_search_json_gives_one_object_per_card(tmp_path: Path, deck_dir: Path) -> None:
    data, _ = _data_dir(tmp_path, deck_dir)
    result = mlprep("cards", "--search", "is:suspended", "--json", data_dir=data)
    assert result.returncode == 0, result.stderr
    (card,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (card["card_id"], card["deck"], card["state"], card["due"], card["front"]) == (
        "b-one", "Deck B", "suspended", None, "B one?")


def test_a_malformed_search_prints_the_problem_and_its_column_and_exits_2(tmp_path: Path, deck_dir: Path) -> None:
    data, _ = _data_dir(tmp_path, deck_dir)
    result = mlprep("cards", "--search", 'is:new "unclosed', data_dir=data)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unclosed quote at column 8" in result.stderr
    assert result.stderr.splitlines()[-1] == "  " + " " * 7 + "^"
    assert "Traceback" not in result.stderr


def test_search_without_a_collection_searches_the_shipped_decks_and_writes_nothing(tmp_path: Path) -> None:
    result = mlprep("cards", "--search", '"gradient descent"', data_dir=tmp_path / "none")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= 3
    assert not (tmp_path / "none").exists()
