"""Importing Anki packages (issue 15): both formats, made in the tests (tests/services/anki_packages.py)."""

from __future__ import annotations

import contextlib
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprep.core.clock import FixedClock
from mlprep.core.deck_format import parse_deck
from mlprep.core.models import Card, CardProgress
from mlprep.services.collection import Collection, open_collection
from mlprep.services.import_plan import ImportProblem
from mlprep.storage.collection_db import open_collection_db
from tests.services.anki_packages import (
    BASIC_ID,
    CLOZE_ID,
    CurrentCard,
    CurrentNote,
    LegacyNote,
    Sched,
    current_apkg,
    legacy_apkg,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path) -> Collection:
    collection = open_collection(tmp_path / "data", FixedClock(NOW), [deck_dir, tmp_path / "data" / "decks"], tz=UTC)
    yield collection
    collection.close()


def _cards(col: Collection) -> dict[str, tuple[Card, CardProgress]]:
    """Every imported card (from the written deck files) by front, with its progress in the collection."""
    files = sorted((col.data_dir / "decks").glob("*.md"))
    db = open_collection_db(col.file, read_only=True)
    try:
        out = {}
        for file in files:
            for card in parse_deck(file.read_text(encoding="utf-8"), file).cards:
                out[card.front] = (card, db.cards.progress(card.id))
        return out
    finally:
        db.close()


def _legacy(tmp_path: Path) -> Path:
    return legacy_apkg(tmp_path / "spanish.apkg", [
        LegacyNote("basic", ["hablar", 'to speak \\(x_i^2 &lt; 1\\) <img src="speak.png">'], ["verbs", "a1"],
                   {0: Sched(type=2, queue=2, due=100, ivl=15, factor=2300, reps=7, lapses=1)}),
        LegacyNote("reversed", ["comer", "to <b>eat</b>"], [],
                   {1: Sched(type=2, queue=-1, due=90, ivl=3, factor=2650, reps=2, lapses=0)}),
        LegacyNote("cloze", ["{{c1::Madrid}} is the capital of {{c2::Spain::country}}", ""]),
    ], media={"speak.png": PNG}, tmp=tmp_path)


def test_legacy_package_carries_notes_cards_and_scheduling(col: Collection, tmp_path: Path) -> None:
    summary = col.import_package(_legacy(tmp_path))

    assert (summary.notes, summary.cards, summary.with_progress) == (3, 5, 2)
    assert [title for _, title in summary.decks] == ["Spanish / Verbs"]
    cards = _cards(col)
    assert sorted(cards) == ["**[...]** is the capital of Spain", "Madrid is the capital of **[country]**",
                             "comer", "hablar", "to **eat**"]
    hablar, progress = cards["hablar"]
    assert hablar.back == "to speak $x_i^2 < 1$ ![](spanish-media/speak.png)"
    assert (col.data_dir / "decks" / "spanish-media" / "speak.png").read_bytes() == PNG
    assert {"verbs", "a1"} <= set(hablar.tags)
    # Anki: review card, 15 days, factor 2300, due 100 days after col.crt (2025-01-01), 7 reps, 1 lapse.
    assert (progress.interval, progress.easiness, progress.due) == (15, 2.3, date(2025, 4, 11))
    assert (progress.reviews, progress.lapses, progress.suspended, progress.repetitions) == (7, 1, False, 2)
    reverse = cards["to **eat**"][1]  # the reversed card (ord 1) held the scheduling, and was suspended
    assert (reverse.interval, reverse.easiness, reverse.due, reverse.suspended) == (3, 2.65, date(2025, 4, 1), True)
    assert cards["comer"][1].due is None  # the forward card is still new
    assert cards["**[...]** is the capital of Spain"][0].back == "**Madrid** is the capital of Spain"


def test_imported_deck_is_studied_like_any_other(col: Collection, tmp_path: Path) -> None:
    col.import_package(_legacy(tmp_path))

    titles = {deck.title: deck for deck in col.decks()}
    assert titles["Spanish / Verbs"].total == 5
    assert titles["Spanish / Verbs"].due == 1  # hablar (overdue since 2025-04-11); the suspended one is not


def _current(tmp_path: Path, name: str = "bio.apkg", **kwargs: object) -> Path:
    learning_due = int(datetime(2026, 3, 11, 9, 0, tzinfo=UTC).timestamp())
    return current_apkg(tmp_path / name, [
        CurrentNote(BASIC_ID, ["cell", "smallest unit of life <img src='cell.png'>"],
                    [CurrentCard(0, Sched(type=2, queue=2, due=430, ivl=40, factor=2100, reps=9, lapses=2)),
                     CurrentCard(1)]),
        CurrentNote(CLOZE_ID, ["{{c1::Mitochondria}} make {{c2::ATP}}; {{c3::ribosomes}} make proteins", "Back"],
                    [CurrentCard(0), CurrentCard(1, Sched(type=1, queue=1, due=learning_due, ivl=0, factor=0,
                                                          reps=1, lapses=0)),
                     CurrentCard(4)]),  # cloze 5 has no deletion in the text
        CurrentNote(BASIC_ID, ["filtered", "deck card"],
                    [CurrentCard(0, Sched(type=2, queue=2, due=-5, ivl=8, factor=2500, reps=3, lapses=0),
                                 odid=77, odue=400)]),
    ], tmp=tmp_path, media={"cell.png": PNG}, **kwargs)


def test_current_package_reads_the_zstd_collection_not_the_dummy(col: Collection, tmp_path: Path) -> None:
    summary = col.import_package(_current(tmp_path))

    cards = _cards(col)
    assert "Please update to the latest Anki version" not in cards
    assert (summary.notes, summary.cards) == (3, 5)
    assert summary.skipped == {"cloze card without its deletion in the text": 1}
    assert "skipped 1: cloze card without its deletion in the text (1)" in summary.text()
    cell, progress = cards["cell"]
    assert cell.back == "smallest unit of life ![](bio-media/cell.png)"
    assert (col.data_dir / "decks" / "bio-media" / "cell.png").read_bytes() == PNG
    assert (progress.interval, progress.easiness, progress.due, progress.lapses) == (40, 2.1, date(2026, 3, 7), 2)
    assert cards["smallest unit of life ![](bio-media/cell.png)"][1].due is None
    # cloze 1 and 2 of the three deletions had cards; cloze 2 was learning, due at an epoch second
    assert cards["**[...]** make ATP; ribosomes make proteins"][0].back == (
        "**Mitochondria** make ATP; ribosomes make proteins\n\nBack")
    learning = cards["Mitochondria make **[...]**; ribosomes make proteins"][1]
    assert (learning.due, learning.interval, learning.repetitions) == (date(2026, 3, 11), 0, 0)
    # a card in a filtered deck: its home deck's due (odue) counts, not the filtered one
    assert cards["filtered"][1].due == date(2026, 2, 5)


def test_deck_option_puts_every_card_into_one_named_deck(col: Collection, tmp_path: Path) -> None:
    summary = col.import_package(_current(tmp_path), "Cell biology", area="math")

    assert [deck_id for deck_id, _ in summary.decks] == ["cell-biology"]
    text = (col.data_dir / "decks" / "cell-biology.md").read_text(encoding="utf-8")
    deck = parse_deck(text, "cell-biology.md")
    assert (deck.title, deck.area, len(deck.cards)) == ("Cell biology", "math", 5)


def _deck_files(col: Collection) -> list[str]:
    return sorted(p.name for p in (col.data_dir / "decks").iterdir())


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("front,back\n"), "not a zip archive"),
    (lambda p: p.write_bytes(b""), "not a zip archive"),
])
def test_a_file_that_is_not_a_package_is_refused(col: Collection, tmp_path: Path, make, message: str) -> None:
    bad = tmp_path / "bad.apkg"
    make(bad)
    with pytest.raises(ImportProblem, match=message) as error:
        col.import_package(bad)
    assert str(error.value).startswith("bad.apkg: ")
    assert _deck_files(col) == []


def test_a_truncated_package_is_refused_and_leaves_nothing(col: Collection, tmp_path: Path) -> None:
    whole = _current(tmp_path).read_bytes()
    cut = tmp_path / "cut.apkg"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(ImportProblem, match=r"cut.apkg: .*(truncated|damaged)"):
        col.import_package(cut)
    assert _deck_files(col) == []


def test_a_truncated_collection_inside_the_zip_is_refused(col: Collection, tmp_path: Path) -> None:
    package = _legacy(tmp_path)
    with zipfile.ZipFile(package) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["collection.anki2"] = members["collection.anki2"][:3000]
    with zipfile.ZipFile(package, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ImportProblem, match=r"spanish.apkg: .*(damaged|truncated|malformed|cannot be read)"):
        col.import_package(package)
    assert _deck_files(col) == []


def test_an_unknown_package_version_or_schema_is_refused(col: Collection, tmp_path: Path) -> None:
    with pytest.raises(ImportProblem, match="package version 9 is unknown"):
        col.import_package(_current(tmp_path, "v9.apkg", version=9))
    with pytest.raises(ImportProblem, match="schema 19 is newer"):
        col.import_package(_current(tmp_path, "s19.apkg", ver=19))
    assert _deck_files(col) == []


def test_a_deck_name_that_is_taken_is_refused_and_the_first_deck_kept(col: Collection, tmp_path: Path) -> None:
    col.import_package(_legacy(tmp_path))
    first = (col.data_dir / "decks" / "spanish-verbs.md").read_bytes()
    with pytest.raises(ImportProblem, match=r'a deck "Spanish / Verbs" .* already exists'):
        col.import_package(_legacy(tmp_path))
    with pytest.raises(ImportProblem, match=r'a deck "Deck A" .* already exists'):  # a deck of another folder
        col.import_package(_legacy(tmp_path), "Deck A")
    assert _deck_files(col) == ["spanish-media", "spanish-verbs.md"]
    assert (col.data_dir / "decks" / "spanish-verbs.md").read_bytes() == first


def test_a_failed_progress_write_removes_the_deck_again(col: Collection, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from mlprep.storage.import_store import ImportStore

    def fail(self: ImportStore, progress: object) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(ImportStore, "write_progress", fail)
    before = _rows(col)
    with pytest.raises(ImportProblem, match="disk I/O error"):
        col.import_package(_legacy(tmp_path))
    assert _deck_files(col) == []
    assert "Spanish / Verbs" not in {deck.title for deck in col.decks()}
    assert _rows(col) == before  # not even rows of absent cards are left behind


def _rows(col: Collection) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    db = open_collection_db(col.file, read_only=True)
    try:
        return (db.db.execute("SELECT id, present FROM cards ORDER BY id").fetchall(),
                db.db.execute("SELECT id, present FROM decks ORDER BY id").fetchall())
    finally:
        db.close()


def test_progress_is_reported_while_notes_are_read(col: Collection, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    col.import_package(_legacy(tmp_path), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3)


def test_a_colpkg_and_an_unknown_note_type_are_read(col: Collection, tmp_path: Path) -> None:
    import genanki

    vocab = genanki.Model(1_555_000_111, "Vocab (3 fields)", fields=[{"name": "Word"}, {"name": "Reading"},
                                                                     {"name": "Meaning"}],
                          templates=[{"name": "Card 1", "qfmt": "{{Word}}", "afmt": "{{Reading}} {{Meaning}}"},
                                     {"name": "Card 2", "qfmt": "{{Meaning}}", "afmt": "{{Word}}"}])
    deck = genanki.Deck(1_555_000_222, "Japanese")
    deck.add_note(genanki.Note(model=vocab, fields=["猫", "ねこ", "cat"]))
    package = tmp_path / "japanese.colpkg"
    genanki.Package(deck).write_to_file(str(package))

    summary = col.import_package(package)

    cards = _cards(col)
    assert list(cards) == ["猫"]
    assert cards["猫"][0].back == "**Reading:**\n\nねこ\n\n**Meaning:**\n\ncat"
    assert summary.notices == {"notes of note type 'Vocab (3 fields)' read as first field → front, the rest → back": 1}
    assert summary.skipped == {"extra cards of note type 'Vocab (3 fields)' (one card per note)": 1}
    assert "1 notes of note type 'Vocab (3 fields)' read as first field" in summary.text()


def test_protobuf_fields_media_entries_and_package_version() -> None:
    from mlprep.services.anki_import import media_entries, package_version, protobuf_fields
    from tests.services.anki_packages import pb_bytes, pb_varint

    entry = pb_bytes(1, b"a.png") + pb_varint(2, 300) + pb_bytes(3, bytes(20))
    legacy = pb_bytes(1, "b é.jpg".encode()) + pb_varint(255, 7)
    assert media_entries(pb_bytes(1, entry) + pb_bytes(1, legacy) + pb_bytes(1, entry)) == {
        "0": "a.png", "7": "b é.jpg", "2": "a.png"}
    assert package_version(pb_varint(1, 3)) == 3
    assert package_version(b"") == 0
    assert list(protobuf_fields(pb_varint(5, 2**40) + b"\x0d\x01\x02\x03\x04" + pb_varint(6, 1))) == [
        (5, 2**40), (6, 1)]  # a fixed32 field (wire type 5) between them is skipped
    with pytest.raises(ValueError, match="truncated"):
        list(protobuf_fields(pb_bytes(1, b"abcdef")[:-2]))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_protobuf_reader_never_fails_but_with_value_error(data: bytes) -> None:
    from mlprep.services.anki_import import protobuf_fields

    with contextlib.suppress(ValueError):
        list(protobuf_fields(data))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_html_to_markdown_never_raises(text: str) -> None:
    from mlprep.services.card_html import html_to_markdown

    assert isinstance(html_to_markdown(text, lambda src: None), str)
