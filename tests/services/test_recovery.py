"""A damaged collection file at start-up: found before anything is written, named with its problem, and
recovered from a backup or into a new collection with the damaged file kept (issue 13, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlprep.cli import main
from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.services.backups import InstanceLock, newest_sound_backup
from mlprep.services.collection import open_collection
from mlprep.services.errors import DamagedCollection
from mlprep.services.recovery import diagnose, recover
from tests.helpers import storage_of

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def studied(data: Path, deck_dir: Path, clock: FixedClock, answers: int) -> Path:
    """A collection with ``answers`` Good answers, closed (so its file holds them); returns the file."""
    col = open_collection(data, clock, [deck_dir])
    session = col.study()
    for _ in range(answers):
        assert session.next_card() is not None
        session.answer(Button.GOOD)
    col.close()
    return data / "collection.sqlite3"


def scramble(file: Path) -> None:
    """Overwrite every page after the first two with a byte pattern: the header and schema stay readable,
    the tables' pages are garbage (as after a torn write or a bad sector)."""
    data = bytearray(file.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[2 * page:] = bytes((i * 37) % 251 for i in range(len(data) - 2 * page))
    file.write_bytes(bytes(data))


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "the file is empty (0 bytes)"),
    (b"just some text, not a database\n" * 10, "it is not an SQLite database (its first bytes are wrong)"),
])
def test_an_empty_or_foreign_file_is_named_and_never_replaced(tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                                              content: bytes, problem: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    file = data / "collection.sqlite3"
    file.write_bytes(content)
    for read_only in (False, True):
        with pytest.raises(DamagedCollection) as error:
            open_collection(data, clock, [deck_dir], read_only=read_only, lock=not read_only)
        assert error.value.damage.file == file and error.value.damage.problem == problem
        assert str(error.value) == f"{file}: {problem}"
    assert file.read_bytes() == content  # not silently made into a new, empty collection
    InstanceLock(data).release()  # the refused open gave the data folder's lock back


def test_a_file_with_garbage_pages_is_damaged_and_the_cli_says_so_without_a_traceback(
        tmp_path: Path, deck_dir: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]) -> None:
    file = studied(tmp_path / "data", deck_dir, clock, 3)
    scramble(file)
    damage = diagnose(file)
    assert damage is not None and damage.problem.startswith("the database is damaged: ")
    before = file.read_bytes()
    assert main(["--data-dir", str(tmp_path / "data"), "stats", "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"mlprep: cannot open the collection: {file}: the database is damaged")
    assert "mlprep restore FILE" in err and "Traceback" not in err
    assert file.read_bytes() == before


def test_recover_keeps_the_damaged_file_and_restores_the_newest_sound_backup(
        tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    data = tmp_path / "data"
    file = studied(data, deck_dir, clock, 2)
    col = open_collection(data, clock, [deck_dir])
    older = col.backup()
    col.close()
    (data / "backups" / "collection-20991231-000000.sqlite3").write_bytes(b"")  # newer, but not sound
    scramble(file)
    damaged = file.read_bytes()
    backup = newest_sound_backup(data)
    assert backup is not None and backup.path == older.path
    aside = recover(file, NOW, backup)
    assert aside == data / "collection.damaged-20260310-120000.sqlite3" and aside.read_bytes() == damaged
    reopened = open_collection(data, clock, [deck_dir])
    assert [e.quality for e in storage_of(reopened).cards.review_log()] == [4, 4]
    reopened.close()


def test_recover_without_a_backup_leaves_room_for_a_new_collection(tmp_path: Path, deck_dir: Path,
                                                                   clock: FixedClock) -> None:
    data = tmp_path / "data"
    file = studied(data, deck_dir, clock, 1)
    file.write_bytes(b"")
    assert recover(file, NOW, None).exists() and not file.exists()
    fresh = open_collection(data, clock, [deck_dir])
    assert storage_of(fresh).cards.review_log() == [] and fresh.overview().new > 0
    fresh.close()


def test_mlprep_restore_over_a_damaged_collection_moves_it_aside_first(
        tmp_path: Path, deck_dir: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    file = studied(data, deck_dir, clock, 2)
    col = open_collection(data, clock, [deck_dir])
    saved = col.backup()
    col.close()
    scramble(file)
    assert main(["--data-dir", str(data), "restore", str(saved.path)]) == 0
    out = capsys.readouterr()
    assert "moved the damaged collection aside to" in out.err and out.out.startswith("restored ")
    assert len(list(data.glob("collection.damaged-*.sqlite3"))) == 1
    assert diagnose(file) is None
