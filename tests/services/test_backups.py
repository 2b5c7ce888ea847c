"""Backups, restore, Check Database and one instance per data folder (issue 13)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.services.backups import Backup, CollectionInUse, backups, kept
from mlprep.services.collection import open_collection
from tests.helpers import storage_of


def test_a_backup_restores_every_answer_and_the_current_collection_is_kept_as_a_backup(
        tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    from mlprep.services.backups import restore_backup

    col = open_collection(tmp_path / "data", clock, [deck_dir])
    session = col.study()
    session.answer(Button.GOOD)
    saved = col.backup()
    clock.advance(minutes=5)
    session.answer(Button.AGAIN)  # after the backup: lost by the restore, but kept in the pre-restore backup
    col.close()
    assert [b.path for b in backups(tmp_path / "data")] == [saved.path]
    restore_backup(saved.path, tmp_path / "data" / "collection.sqlite3")
    again = open_collection(tmp_path / "data", clock, [deck_dir])
    assert [(e.card_id, e.quality) for e in storage_of(again).cards.review_log()] == [("a-one", 4)]


def test_restore_refuses_a_damaged_backup_and_leaves_the_collection_alone(tmp_path: Path, deck_dir: Path,
                                                                          clock: FixedClock) -> None:
    from mlprep.services.backups import restore_backup

    col = open_collection(tmp_path / "data", clock, [deck_dir])
    col.close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    before = (tmp_path / "data" / "collection.sqlite3").read_bytes()
    with pytest.raises(ValueError, match="is not a sound collection"):
        restore_backup(bad, tmp_path / "data" / "collection.sqlite3")
    assert (tmp_path / "data" / "collection.sqlite3").read_bytes() == before


def test_retention_keeps_the_ten_newest_one_a_day_for_a_week_and_one_a_week_for_four_weeks() -> None:
    now = datetime(2026, 3, 31, 12, tzinfo=UTC)
    found = [Backup(Path(f"b{h}"), now - timedelta(hours=h), 1) for h in range(0, 24 * 40, 6)]  # every 6 h, 40 days
    keep = kept(found, now)
    newest = {f"b{h}" for h in range(0, 60, 6)}  # 10 newest
    daily = {f"b{24 * d}" for d in range(7)}  # the newest of each of the last 7 days
    weekly = {f"b{24 * 7 * w}" for w in range(4)}
    assert {p.name for p in keep} == newest | daily | weekly


def test_check_database_rebuilds_a_damaged_summary_table(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    storage_of(col).db.execute("UPDATE cards SET due = '2026-03-09', repetitions = 2, interval = 6 WHERE id = 'a-one'")
    col.study().answer(Button.GOOD)  # a review: counted in review_days
    storage_of(col).db.execute("UPDATE review_days SET reviews = 99")
    report = col.check_database()
    assert report.integrity == () and report.rebuilt == {"review_days": 1, "answer_hours": 0}
    assert report.text() == "Check Database: the file is sound; 1 row(s) of review_days rebuilt."
    assert col.check_database().rebuilt == {"review_days": 0, "answer_hours": 0}


def test_check_database_rebuilds_the_answers_per_hour_the_statistics_read(
        tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    """answer_hours (m009) is derived from the review log like review_days: a damaged row, a missing one and
    one the log does not justify are each put right, and the statistics read the log's counts again."""
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    session = col.study()
    for grade in (Button.GOOD, Button.AGAIN, Button.EASY):
        session.answer(grade)
    db = storage_of(col).db
    good = db.execute("SELECT * FROM answer_hours ORDER BY hour, cls").fetchall()
    stats_before = col.stats()
    db.execute("UPDATE answer_hours SET n4 = n4 + 7")  # every row damaged
    db.execute("INSERT INTO answer_hours (hour, cls, n0) VALUES (1, 0, 3)")  # a row no answer made
    assert col.stats() != stats_before  # the statistics read it
    report = col.check_database()
    assert report.rebuilt == {"review_days": 0, "answer_hours": len(good) + 1}
    assert report.text() == f"Check Database: the file is sound; {len(good) + 1} row(s) of answer_hours rebuilt."
    assert db.execute("SELECT * FROM answer_hours ORDER BY hour, cls").fetchall() == good
    db.execute("DELETE FROM answer_hours")  # all rows missing
    assert col.check_database().rebuilt["answer_hours"] == len(good)
    assert db.execute("SELECT * FROM answer_hours ORDER BY hour, cls").fetchall() == good
    assert col.stats() == stats_before


def test_a_second_instance_on_the_same_data_folder_is_refused_until_the_first_closes(
        tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    first = open_collection(tmp_path / "data", clock, [deck_dir], lock=True)
    with pytest.raises(CollectionInUse, match="open in another mlprep"):
        open_collection(tmp_path / "data", clock, [deck_dir], lock=True)
    reader = open_collection(tmp_path / "data", clock, [deck_dir], read_only=True)  # read-only still works
    reader.close()
    first.close()
    open_collection(tmp_path / "data", clock, [deck_dir], lock=True).close()
    shutil.rmtree(tmp_path / "data")
