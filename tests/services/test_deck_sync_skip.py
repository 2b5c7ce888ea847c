"""The deck sync skips files that have not changed (issue 16): what it parses is observed through a spy on
the parser, never through timings."""

from __future__ import annotations

import os
from pathlib import Path

from mlprep.core.clock import FixedClock
from mlprep.core.models import CardId, DeckId
from mlprep.services.collection import Collection, open_collection
from mlprep.services.deck_sync import sync_decks
from tests.helpers import storage_of

HOUR_NS = 3600 * 10**9


def reopen(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    """Open the collection of ``tmp_path / "data"`` over ``deck_dir`` again (the app's start-up sync)."""
    return open_collection(tmp_path / "data", clock, [deck_dir])


def age(path: Path, hours: int = 1) -> None:
    """Set ``path``'s modification time ``hours`` back (a file last edited a while ago, not racy)."""
    mtime = path.stat().st_mtime_ns - hours * HOUR_NS
    os.utime(path, ns=(mtime, mtime))


def test_an_unchanged_file_is_not_parsed_again(tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                               parsed: list[str]) -> None:
    for path in deck_dir.iterdir():
        age(path)
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    assert sorted(parsed) == ["deck-a.md", "deck-b.md"]
    parsed.clear()
    col = reopen(tmp_path, deck_dir, clock)
    report = col.sync
    assert parsed == []
    assert (report.added, report.updated, report.unchanged, report.removed, report.decks, report.errors) == \
        (0, 0, 5, 0, 2, ())
    assert {c.deck_id for c in storage_of(col).cards.deck_counts(clock.now().date())} == {"deck-a", "deck-b"}


def test_a_just_written_file_is_compared_by_its_hash_not_parsed(tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                                                parsed: list[str]) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir])  # mtimes a moment ago: not trusted alone
    parsed.clear()
    col = reopen(tmp_path, deck_dir, clock)
    report = col.sync
    assert parsed == [] and report.unchanged == 5


def test_an_edited_file_is_parsed_and_only_it(tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                             parsed: list[str]) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    parsed.clear()
    path = deck_dir / "deck-a.md"
    path.write_text(path.read_text().replace("What is one?", "What is the number one?"))
    col = reopen(tmp_path, deck_dir, clock)
    report = col.sync
    assert parsed == ["deck-a.md"]
    assert (report.added, report.updated, report.unchanged) == (0, 1, 4)
    assert storage_of(col).cards.card(CardId("a-one")).front == "What is the number one?"


def test_a_same_size_edit_within_the_same_mtime_is_still_seen(tmp_path: Path, deck_dir: Path,
                                                              clock: FixedClock) -> None:
    # A coarse file-system clock can leave size and mtime equal after an edit made just after a sync.
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    path = deck_dir / "deck-a.md"
    before = path.stat()
    path.write_text(path.read_text().replace("What is one?", "What is uno?"))
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    col = reopen(tmp_path, deck_dir, clock)
    report = col.sync
    assert report.updated == 1
    assert storage_of(col).cards.card(CardId("a-one")).front == "What is uno?"


def test_a_touched_file_with_the_same_text_updates_its_mtime_only(tmp_path: Path, deck_dir: Path,
                                                                  clock: FixedClock, parsed: list[str]) -> None:
    path = deck_dir / "deck-a.md"
    age(path, hours=2)
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    parsed.clear()
    age(path, hours=-1)  # touched: an hour later than it was, same text
    touched = path.stat().st_mtime_ns
    col = reopen(tmp_path, deck_dir, clock)
    report = col.sync
    assert parsed == [] and (report.updated, report.unchanged) == (0, 5)
    assert storage_of(col).cards.deck_files()[str(path)].mtime_ns == touched


def test_a_broken_file_reports_its_error_on_every_open(tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                                       parsed: list[str]) -> None:
    broken = deck_dir / "broken.md"
    broken.write_text("---\ntitle: Broken\narea: math\n---\n## x-one\nQ: front only\n")
    for path in deck_dir.iterdir():
        age(path)
    expected = [f"{broken}:5: card x-one: no 'A:' line (the back)"]
    assert [str(e) for e in open_collection(tmp_path / "data", clock, [deck_dir]).sync.errors] == expected
    parsed.clear()
    again = open_collection(tmp_path / "data", clock, [deck_dir])
    assert [str(e) for e in again.sync.errors] == expected
    assert parsed == ["broken.md"]


def test_a_card_id_repeated_in_an_edited_file_stays_with_the_unchanged_deck(
        tmp_path: Path, deck_dir: Path, clock: FixedClock, parsed: list[str]) -> None:
    for path in deck_dir.iterdir():
        age(path)
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    parsed.clear()
    path = deck_dir / "deck-b.md"
    path.write_text(path.read_text() + "\n## a-one\n\nQ: Again?\n\nA: Copied.\n")
    col = reopen(tmp_path, deck_dir, clock)
    report = col.sync
    assert parsed == ["deck-b.md"]
    assert [e.message for e in report.errors] == ["card id 'a-one' is already used in deck-a.md"]
    assert storage_of(col).cards.deck_of(CardId("a-one")) == DeckId("deck-a")
    again = reopen(tmp_path, deck_dir, clock).sync  # reported again: deck-b has a problem
    assert [e.message for e in again.errors] == ["card id 'a-one' is already used in deck-a.md"]


def test_a_removed_file_put_back_unchanged_returns_its_deck(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    path = deck_dir / "deck-b.md"
    age(path)
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    aside = tmp_path / "deck-b.md"
    path.rename(aside)
    assert reopen(tmp_path, deck_dir, clock).sync.decks == 1
    aside.rename(path)  # the same size and mtime as when it was last synced
    col = reopen(tmp_path, deck_dir, clock)
    report = col.sync
    assert report.decks == 2
    assert {c.deck_id for c in storage_of(col).cards.deck_counts(clock.now().date())} == {"deck-a", "deck-b"}


def test_a_changed_input_such_as_an_override_parses_every_file_again(
        tmp_path: Path, deck_dir: Path, clock: FixedClock, parsed: list[str]) -> None:
    for path in deck_dir.iterdir():
        age(path)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    store = storage_of(col).cards
    sync_decks(store, [deck_dir], clock, inputs=[overrides])
    parsed.clear()
    sync_decks(store, [deck_dir], clock, inputs=[overrides])
    assert parsed == []
    (overrides / "a-one.md").write_text("## a-one\n\nQ: Mine?\n\nA: Mine.\n")
    sync_decks(store, [deck_dir], clock, inputs=[overrides])
    assert sorted(parsed) == ["deck-a.md", "deck-b.md"]


def test_cards_stored_before_the_digests_existed_are_compared_by_text_once(
        tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    db = storage_of(col).cards.db
    with db.atomic():  # a collection synced before m007: no digests, no file records
        db.execute("UPDATE cards SET content_hash = NULL, updated_at = 'before'")
        db.execute("DELETE FROM deck_files")
    report = reopen(tmp_path, deck_dir, clock).sync
    assert (report.added, report.updated, report.unchanged) == (0, 0, 5)
    assert db.execute("SELECT COUNT(*) FROM cards WHERE content_hash IS NULL OR updated_at <> 'before'").fetchone() \
        == (0,)
