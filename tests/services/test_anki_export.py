"""Exporting decks as an Anki package (genanki) and as CSV, read back (issue 15)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.deck_format import parse_deck
from mlprep.services.collection import Collection, open_collection

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(30))
RICH_DECK = """\
---
title: Rich deck
area: math
tags: [linalg]
---

## rich-math
tags: matrices
source: @strang, ch. 1 "Vectors_and_matrices"

Q: What is $A_{ij}$ when $A = I$?

A: $$\\delta_{ij}$$ and *one* on the diagonal:

```python
eye = np.eye(3)
```

![the identity](figs/eye.png)

## rich-table
source: Test source

Q: Name | Value?

A: | a | b |
|---|---|
| 1 | 2 |
"""


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path) -> Collection:
    (deck_dir / "rich.md").write_text(RICH_DECK, encoding="utf-8")
    (deck_dir / "figs").mkdir()
    (deck_dir / "figs" / "eye.png").write_bytes(PNG)
    collection = open_collection(tmp_path / "data", FixedClock(datetime(2026, 3, 10, 12, tzinfo=UTC)),
                                 [deck_dir, tmp_path / "data" / "decks"], tz=UTC)
    yield collection
    collection.close()


def _read_apkg(path: Path, tmp_path: Path) -> tuple[list[tuple[str, str, str]], dict[str, str], dict[str, bytes]]:
    """(guid, fields, tags) per note, deck names by id, and media by file name, from the package."""
    with zipfile.ZipFile(path) as archive:
        db_file = tmp_path / f"{path.stem}.anki2"
        db_file.write_bytes(archive.read("collection.anki2"))
        media_map = json.loads(archive.read("media"))
        media = {name: archive.read(member) for member, name in media_map.items()}
    conn = sqlite3.connect(db_file)
    try:
        notes = conn.execute("SELECT guid, flds, tags FROM notes ORDER BY guid").fetchall()
        decks = {str(k): v["name"] for k, v in json.loads(conn.execute("SELECT decks FROM col").fetchone()[0]).items()}
        used = {row[0] for row in conn.execute("SELECT DISTINCT did FROM cards")}
    finally:
        conn.close()
    return notes, {k: v for k, v in decks.items() if int(k) in used}, media


def test_apkg_holds_every_card_as_a_note_with_stable_guids(col: Collection, tmp_path: Path) -> None:
    summary = col.export_decks(tmp_path / "one.apkg")
    col.export_decks(tmp_path / "two.apkg")

    notes, decks, media = _read_apkg(tmp_path / "one.apkg", tmp_path)
    again, _, _ = _read_apkg(tmp_path / "two.apkg", tmp_path)
    assert summary.cards == len(notes) == 7  # deck A (3), deck B (2), rich (2)
    assert sorted(decks.values()) == ["mlprep::math::Deck A", "mlprep::math::Rich deck", "mlprep::sql::Deck B"]
    assert [guid for guid, _, _ in notes] == [guid for guid, _, _ in again]
    assert len({guid for guid, _, _ in notes}) == 7
    assert media == {"rich-figs-eye.png": PNG}


def test_apkg_fields_are_html_with_mathjax_inline_styled_code_and_the_source(col: Collection, tmp_path: Path) -> None:
    col.export_decks(tmp_path / "rich.apkg", ["rich"])

    notes, decks, _ = _read_apkg(tmp_path / "rich.apkg", tmp_path)
    assert list(decks.values()) == ["mlprep::math::Rich deck"]
    fields = {f.split("\x1f")[0]: (f.split("\x1f"), tags) for _, f, tags in notes}
    (_, back, source, _), tags = fields["<p>What is \\(A_{ij}\\) when \\(A = I\\)?</p>"]
    assert "\\[\\delta_{ij}\\]" in back and "<em>one</em>" in back
    assert 'style="color:' in back or "style=\"color: " in back  # Pygments with inline styles, no classes
    assert 'class="' not in back.replace('class="codehilite"', "")
    assert '<img src="rich-figs-eye.png">' in back
    assert source == "@strang, ch. 1 &quot;Vectors_and_matrices&quot;"
    assert set(tags.split()) == {"math", "linalg", "matrices", "ref:strang"}  # ref: from the source's @strang
    table_back = fields["<p>Name | Value?</p>"][0][1]
    assert "<table>" in table_back


def test_unknown_deck_id_is_refused(col: Collection, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no deck with id 'nope'"):
        col.export_decks(tmp_path / "x.apkg", ["nope"])
    assert not (tmp_path / "x.apkg").exists()


def _cards(folder: Path) -> dict[str, tuple[str, str, frozenset[str], str]]:
    out = {}
    for file in folder.glob("*.md"):
        for card in parse_deck(file.read_text(encoding="utf-8"), file).cards:
            out[card.front] = (card.front, card.back, frozenset(card.tags), card.source)
    return out


@pytest.mark.parametrize("as_csv", [False, True])
def test_importing_our_own_export_gives_back_the_same_cards(col: Collection, deck_dir: Path, tmp_path: Path,
                                                            as_csv: bool) -> None:
    out = tmp_path / ("all.csv" if as_csv else "all.apkg")
    col.export_decks(out, ["deck-a", "rich"], as_csv=as_csv)
    fresh = open_collection(tmp_path / "fresh", FixedClock(datetime(2026, 3, 10, 12, tzinfo=UTC)),
                            [tmp_path / "fresh" / "decks"], tz=UTC)
    try:
        summary = fresh.import_package(out, area=None if not as_csv else "math")
    finally:
        fresh.close()

    original = {k: v for k, v in _cards(deck_dir).items() if not k.startswith("B ")}
    if not as_csv:  # the package's copy of the image sits in the imported deck's media folder
        front, back, tags, source = original["What is $A_{ij}$ when $A = I$?"]
        original[front] = (front, back.replace("](figs/eye.png)", "](all-media/rich-figs-eye.png)"), tags, source)
    assert summary.cards == len(original) == 5
    assert _cards(tmp_path / "fresh" / "decks") == original
    if not as_csv:  # the image came along, under the imported deck's media folder
        assert (tmp_path / "fresh" / "decks" / "all-media" / "rich-figs-eye.png").read_bytes() == PNG


def test_csv_has_the_import_columns(col: Collection, tmp_path: Path) -> None:
    import csv

    col.export_decks(tmp_path / "b.csv", ["deck-b"], as_csv=True)
    with (tmp_path / "b.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["front", "back", "tags", "source", "deck"]
    assert rows[1] == ["B one?", "Yes.", "sql", "Test source", "Deck B"]


def test_an_edited_shipped_card_is_exported_with_the_edit(col: Collection, tmp_path: Path) -> None:
    """A user's edit of a shipped card (an override in the data folder) is what the app shows and
    studies, so it is what an export carries, not the shipped text underneath."""
    import csv

    col.edit_card("b-one", "B one, edited?", "Yes, edited.", ["sql"], "Test source")
    col.export_decks(tmp_path / "b.csv", ["deck-b"], as_csv=True)
    with (tmp_path / "b.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:2] == ["B one, edited?", "Yes, edited."]
    col.export_decks(tmp_path / "b.apkg", ["deck-b"])
    with zipfile.ZipFile(tmp_path / "b.apkg") as package:
        (tmp_path / "unz").mkdir()
        package.extract("collection.anki2", tmp_path / "unz")
    with sqlite3.connect(tmp_path / "unz" / "collection.anki2") as db:
        fields = [row[0] for row in db.execute("SELECT flds FROM notes")]
    assert any("edited" in f for f in fields)
