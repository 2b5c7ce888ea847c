"""The shipped decks' stored parse (``resources/parsed_decks.json``, :mod:`mlprep.services.parsed_decks`): used
only for a text that is exactly a shipped deck's, under its file name, and then equal to parsing it; anything else
is parsed as before (issue 16)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.deck_format import DeckError, parse_deck, reads_without_yaml
from mlprep.services import parsed_decks
from mlprep.services.deck_loader import deck_files, load_decks, read_deck_text, shipped_decks_dir
from mlprep.services.deck_sync import sync_decks
from mlprep.services.parsed_decks import StoredDecks
from mlprep.storage.collection_db import open_collection_db

SHIPPED = deck_files([shipped_decks_dir()])


def test_the_stored_file_is_what_the_decks_and_the_parser_give_now() -> None:
    made = parsed_decks.render(parsed_decks.make((path, read_deck_text(path)) for path in SHIPPED))
    assert parsed_decks.stored_file().read_text(encoding="utf-8") == made, "run scripts/make_parsed_decks.py"


def test_every_shipped_deck_is_stored_and_equals_its_parse() -> None:
    assert len(SHIPPED) > 10
    stored = StoredDecks.load()
    for path in SHIPPED:
        text = read_deck_text(path)
        found = stored.lookup(text, path)
        assert found is not None, path.name
        assert found == parse_deck(text, path)


def test_a_fresh_sync_of_the_shipped_decks_parses_none_and_stores_what_parsing_stores(
        tmp_path: Path, clock: FixedClock, parsed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def cards(name: str) -> list[tuple[object, ...]]:
        storage = open_collection_db(tmp_path / name)
        report = sync_decks(storage.cards, [shipped_decks_dir()], clock)
        assert report.errors == () and report.added > 1000
        storage.close()
        conn = sqlite3.connect(tmp_path / name)
        rows = conn.execute("SELECT * FROM cards ORDER BY rowid").fetchall()
        rows += conn.execute("SELECT * FROM decks ORDER BY rowid").fetchall()
        rows += conn.execute("SELECT rowid, * FROM cards_fts WHERE cards_fts MATCH 'gradient' "
                             "ORDER BY rowid").fetchall()
        conn.close()
        return rows

    stored = cards("stored.sqlite3")
    assert parsed == []
    monkeypatch.setattr(StoredDecks, "lookup", lambda self, text, path: None)
    assert cards("parsed.sqlite3") == stored
    assert sorted(parsed) == sorted(path.name for path in SHIPPED)


def shipped_copy(folder: Path, name: str | None = None) -> tuple[Path, str]:
    """A shipped deck copied into ``folder`` (as ``name``, default its own), and its text."""
    source = SHIPPED[0]
    text = read_deck_text(source)
    folder.mkdir(exist_ok=True)
    target = folder / (name or source.name)
    target.write_text(text, encoding="utf-8")
    return target, text


def test_a_copy_of_a_shipped_deck_in_another_folder_is_read_from_the_stored_parse(tmp_path: Path,
                                                                                 parsed: list[str]) -> None:
    target, text = shipped_copy(tmp_path / "decks")
    result = load_decks([tmp_path / "decks"])
    assert parsed == []
    assert result.decks == (parse_deck(text, target),)
    assert result.decks[0].path == target


def test_a_file_whose_bytes_differ_is_parsed(tmp_path: Path, parsed: list[str]) -> None:
    target, text = shipped_copy(tmp_path / "decks")
    card = parse_deck(text, target).cards[-1]
    changed = text.replace(card.back, card.back + " (edited)")
    assert changed != text
    target.write_text(changed, encoding="utf-8")
    assert StoredDecks.load().lookup(changed, target) is None
    result = load_decks([tmp_path / "decks"])
    assert parsed == [target.name]
    assert result.decks[0].cards[-1].back == card.back + " (edited)"
    assert result.decks == (parse_deck(changed, target),)


def test_the_same_text_under_another_file_name_is_parsed_as_that_deck(tmp_path: Path, parsed: list[str]) -> None:
    target, text = shipped_copy(tmp_path / "decks", "renamed.md")
    assert StoredDecks.load().lookup(text, target) is None
    deck = load_decks([tmp_path / "decks"]).decks[0]
    assert parsed == ["renamed.md"]
    assert deck.id == "renamed" and {card.deck for card in deck.cards} == {"renamed"}


def test_a_broken_copy_of_a_shipped_deck_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    target, text = shipped_copy(tmp_path / "decks")
    card = parse_deck(text, target).cards[1]
    broken = text.replace(f"A: {card.back.splitlines()[0]}", card.back.splitlines()[0], 1)
    assert broken != text
    target.write_text(broken, encoding="utf-8")
    result = load_decks([tmp_path / "decks"])
    assert result.decks == ()
    assert [(error.path, error.line) for error in result.errors][:1] == [(str(target), card.line)]
    assert "no 'A:' line" in result.errors[0].message


def test_stored_decks_of_another_parser_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    path = SHIPPED[0]
    monkeypatch.setattr(parsed_decks, "parser_digest", lambda: "another parser")
    assert StoredDecks.load().lookup(read_deck_text(path), path) is None


@pytest.mark.parametrize("content", [None, "", '{"format": 1, "parser": ', "[1, 2]", '{"format": 99}'])
def test_a_missing_or_damaged_file_means_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 content: str | None, parsed: list[str]) -> None:
    file = tmp_path / "parsed_decks.json"
    if content is not None:
        file.write_text(content, encoding="utf-8")
    monkeypatch.setattr(parsed_decks, "stored_file", lambda: file)
    target, text = shipped_copy(tmp_path / "decks")
    assert StoredDecks.load().lookup(text, target) is None
    assert load_decks([tmp_path / "decks"]).decks == (parse_deck(text, target),)
    assert parsed == [target.name]


def test_a_damaged_entry_means_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]) -> None:
    content = json.loads(parsed_decks.stored_file().read_bytes())
    target, text = shipped_copy(tmp_path / "decks")
    content["decks"][parsed_decks.text_digest(text)]["cards"] = [["only-an-id"]]
    file = tmp_path / "parsed_decks.json"
    file.write_text(json.dumps(content), encoding="utf-8")
    monkeypatch.setattr(parsed_decks, "stored_file", lambda: file)
    assert StoredDecks.load().lookup(text, target) is None
    assert load_decks([tmp_path / "decks"]).decks == (parse_deck(text, target),)


def test_a_header_read_by_yaml_is_not_stored(tmp_path: Path) -> None:
    plain = read_deck_text(SHIPPED[0])
    assert reads_without_yaml(plain)
    quoted = plain.replace("title: ", "title: 'Quoted' #", 1)
    assert not reads_without_yaml(quoted)
    assert not reads_without_yaml("no front matter\n") and not reads_without_yaml("---\ntitle: Open\n")
    made = parsed_decks.make([(tmp_path / "a.md", plain), (tmp_path / "b.md", quoted)])
    assert list(made["decks"]) == [parsed_decks.text_digest(plain)]


def test_a_deck_with_a_problem_is_not_stored(tmp_path: Path) -> None:
    text = read_deck_text(SHIPPED[0]) + "\n## bad id!\nQ: x\n"
    with pytest.raises(DeckError):
        parse_deck(text, tmp_path / "a.md")
    assert parsed_decks.make([(tmp_path / "a.md", text)])["decks"] == {}


def test_an_unchanged_start_does_not_read_the_stored_decks(tmp_path: Path, clock: FixedClock,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from mlprep.services.collection import open_collection

    loads: list[int] = []
    real = StoredDecks.load

    def load() -> StoredDecks:
        loads.append(1)
        return real()

    monkeypatch.setattr(StoredDecks, "load", load)
    open_collection(tmp_path / "data", clock).close()
    assert loads == [1]  # the first sync: every deck file is new
    loads.clear()
    open_collection(tmp_path / "data", clock).close()
    assert loads == []
    assert load_decks([shipped_decks_dir()], unchanged={path: [] for path in SHIPPED}).decks == ()
    assert loads == []  # nothing to parse, nothing read
