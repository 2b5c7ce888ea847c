"""Every collection an earlier release made opens at HEAD with nothing lost, ends with a fresh
collection's schema, and opening it again changes nothing; a failed upgrade leaves the file
as it was.

The collections in tests/fixtures/history were made by each schema-changing commit's own code
(scripts/make_history_fixtures.py, which documents them); each ``.json`` beside them holds the
card states and every review-log row read back when it was made.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from mlprep.storage import migrations as m
from mlprep.storage.db import open_db
from mlprep.storage.legacy import UpgradeError, upgrade
from mlprep.storage.log_codec import KIND_CODES, US_PER_DAY, day_number, iso_us

HISTORY = Path(__file__).parents[1] / "fixtures" / "history"
FIXTURES = sorted(p.stem for p in HISTORY.glob("*.sqlite3"))
# The commits whose migrations differ (git log -- src/mlprep/storage/migrations.py).
SCHEMA_COMMITS = ("aa12903", "f85bcdf", "af6cc1b", "3181ca4", "925efae")
ROW_ORDER = {"decks": "id", "cards": "id", "review_log": "id", "settings": "key", "reading_status": "item_id"}


def stored(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row read back when the fixture was made (ISO texts, kind names) in the stored forms of m010
    (:mod:`mlprep.storage.log_codec`): what the converted row must hold. Other tables' rows as they are."""
    if table != "review_log" or not isinstance(row["reviewed_at"], str):  # a fixture made since m010: as stored
        return row
    out = dict(row, reviewed_at=iso_us(row["reviewed_at"]), kind=KIND_CODES[row["kind"]])
    for column in ("due_before", "due_after", "due_sm2"):
        if out.get(column) is not None:
            out[column] = day_number(date.fromisoformat(out[column]))
    return out


def manifest(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((HISTORY / f"{name}.json").read_text(encoding="utf-8"))
    return result


def copy_of(name: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(HISTORY / f"{name}.sqlite3", target)
    return target


def rows(db: Database, table: str) -> dict[Any, dict[str, Any]]:
    key = ROW_ORDER[table]
    hexed = ({k: v.hex() if isinstance(v, bytes) else v for k, v in row.items()}  # as the manifests hold BLOBs
             for row in db.query(f"SELECT * FROM {table}"))
    return {row[key]: row for row in hexed}


def schema(db: Database) -> list[tuple[Any, ...]]:
    """sqlite_master (type, name, table, SQL) and every table's columns."""
    objects = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    columns = [(table, *column) for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                           "ORDER BY name").fetchall()
               for column in db.execute(f'PRAGMA table_xinfo("{table}")').fetchall()]
    return [*objects, *columns]


def snapshot(path: Path) -> list[str]:
    """The whole file, schema and rows, as SQL text."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Database, dict[str, Any]]]:
    db = open_db(copy_of(request.param, tmp_path))
    yield db, manifest(request.param)
    db.close()


def test_there_is_a_collection_from_every_commit_that_changed_the_schema() -> None:
    assert set(SCHEMA_COMMITS) <= set(FIXTURES)
    assert all((HISTORY / f"{name}.json").is_file() for name in FIXTURES)
    # The two states the reliability campaign found stranded, as users have them.
    assert manifest("aa12903+925efae")["opened_by"]["error"] == "OperationalError: no such index: idx_cards_deck_state"
    assert manifest("af6cc1b")["migrations"][-1] == "m003_stats_indexes"


@pytest.mark.parametrize("upgraded", FIXTURES, indirect=True)
def test_every_card_state_and_review_log_row_is_kept(upgraded: tuple[Database, dict[str, Any]]) -> None:
    db, expected = upgraded
    cards = rows(db, "cards")
    assert len(cards) == len(expected["card_states"]) >= 15
    for state in expected["card_states"]:
        assert {k: cards[state["id"]][k] for k in state} == state
    log = rows(db, "review_log")
    assert len(log) == len(expected["data"]["review_log"]) > 50
    for old in expected["data"]["review_log"]:
        row = stored("review_log", old)  # converted exactly by m010
        assert {k: log[row["id"]][k] for k in row} == row  # columns added later (due_sm2) may extend it


@pytest.mark.parametrize("upgraded", FIXTURES, indirect=True)
def test_every_other_row_is_kept_and_new_columns_take_their_defaults(
        upgraded: tuple[Database, dict[str, Any]]) -> None:
    db, expected = upgraded
    for table, old_rows in expected["data"].items():
        have = rows(db, table)
        assert len(have) == len(old_rows), table
        defaults = {c.name: db.execute(f"SELECT {c.default_value}").fetchone()[0] if c.default_value else None
                    for c in db[table].columns}
        for old in [stored(table, r) for r in old_rows]:  # the log's rows as m010 converts them
            row = have[old[ROW_ORDER[table]]]
            assert {k: row[k] for k in old} == old, table
            assert {k: v for k, v in row.items() if k not in old} == {k: defaults[k] for k in row if k not in old}
    if "user_tags" not in expected["data"]["cards"][0]:  # aa12903's cards had neither column
        assert {(c["buried_until"], c["user_tags"]) for c in rows(db, "cards").values()} == {(None, "[]")}


@pytest.mark.parametrize("upgraded", FIXTURES, indirect=True)
def test_the_schema_is_a_fresh_collections(upgraded: tuple[Database, dict[str, Any]], tmp_path: Path) -> None:
    db, _ = upgraded
    fresh = open_db(tmp_path / "fresh.sqlite3")
    assert schema(db) == schema(fresh)
    assert [r["name"] for r in db.query("SELECT name FROM _sqlite_migrations ORDER BY rowid")] == \
        [r["name"] for r in fresh.query("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    fresh.close()


@pytest.mark.parametrize("upgraded", FIXTURES, indirect=True)
def test_the_review_days_summary_matches_the_kept_log(upgraded: tuple[Database, dict[str, Any]]) -> None:
    db, _ = upgraded
    aggregate = (f"SELECT c.deck_id, l.reviewed_at / {US_PER_DAY}, COUNT(*), SUM(l.quality >= 3) "
                 "FROM review_log l JOIN cards c ON c.id = l.card_id WHERE l.kind = 2 AND c.present = 1 "
                 "GROUP BY 1, 2 ORDER BY 1, 2")
    summary = db.execute("SELECT deck_id, day, reviews, passed FROM review_days ORDER BY 1, 2").fetchall()
    assert summary == db.execute(aggregate).fetchall()
    assert summary


@pytest.mark.parametrize("name", FIXTURES)
def test_opening_again_changes_nothing(name: str, tmp_path: Path) -> None:
    path = copy_of(name, tmp_path)
    open_db(path).close()
    before = snapshot(path)
    db = open_db(path)
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    report = upgrade(db)
    assert (report.repaired, report.applied, db.conn.total_changes) == ((), (), 0)
    assert db.execute("PRAGMA schema_version").fetchone()[0] == version
    db.close()
    assert snapshot(path) == before


def test_a_fresh_collection_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    assert upgrade(open_db(None)).applied == ()
    open_db(path).close()
    before = snapshot(path)
    db = open_db(path)
    assert db.conn.total_changes == 0
    db.close()
    assert snapshot(path) == before


def test_a_migration_that_fails_late_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    # f85bcdf's collection needs m002, m003 and m004; a table in m004's way makes the last
    # fail after the others ran (as aa12903's failed at HEAD before). Nothing of them may stay.
    path = copy_of("f85bcdf", tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE review_days (x)")
    conn.close()
    before = snapshot(path)
    with pytest.raises(sqlite3.OperationalError, match="review_days already exists"):
        open_db(path)
    assert snapshot(path) == before
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE review_days")
    conn.close()
    assert open_db(path).execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 124


def test_a_failure_after_the_last_migration_rolls_all_of_them_back(tmp_path: Path) -> None:
    def m005_fails(db: Database) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk full")

    failing = Migrations("mlprep")
    for fn in (m.m001_initial, m.m002_reading, m.m003_stats_indexes, m.m004_stats_summaries, m005_fails):
        failing()(fn)
    path = copy_of("af6cc1b", tmp_path)
    before = snapshot(path)
    db = Database(path)
    with pytest.raises(RuntimeError, match="disk full"):
        upgrade(db, failing)
    db.close()
    assert snapshot(path) == before


def test_a_migration_that_cannot_run_in_a_transaction_is_refused(tmp_path: Path) -> None:
    def m005_vacuum(db: Database) -> None:
        db.execute("VACUUM")

    outside = Migrations("mlprep")
    for fn in (m.m001_initial, m.m002_reading, m.m003_stats_indexes, m.m004_stats_summaries):
        outside()(fn)
    outside(transactional=False)(m005_vacuum)
    path = copy_of("3181ca4", tmp_path)
    before = snapshot(path)
    db = Database(path)
    with pytest.raises(ValueError, match="m005_vacuum"):
        upgrade(db, outside)
    db.close()
    assert snapshot(path) == before


@pytest.mark.parametrize(("name", "change", "problem"), [
    ("aa12903", "CREATE INDEX idx_mine ON cards(front)", "idx_mine"),  # an object no migration makes
    ("aa12903", "DROP INDEX idx_review_log_time; CREATE INDEX idx_review_log_time ON review_log(quality)",
     "definition of idx_review_log_time"),  # an index the repair does not touch, defined otherwise
    ("af6cc1b", "DROP INDEX idx_cards_stats; CREATE INDEX idx_cards_stats ON cards(due)",
     "idx_cards_stats"),  # named like one af6cc1b made, but not its definition: not dropped
])
def test_a_schema_no_release_made_is_refused_unchanged(name: str, change: str, problem: str, tmp_path: Path) -> None:
    path = copy_of(name, tmp_path)
    conn = sqlite3.connect(path)
    conn.executescript(change)
    conn.close()
    before = snapshot(path)
    with pytest.raises(UpgradeError, match=problem):
        open_db(path)
    assert snapshot(path) == before



@pytest.mark.parametrize("name", FIXTURES)
def test_every_old_collection_opens_read_only_without_being_changed(name: str, tmp_path: Path) -> None:
    """Read-only commands (stats, reading) upgrade an old schema in a memory copy, never on disk."""
    from mlprep.core.study_settings import ALL_DECKS
    from mlprep.storage.collection_db import open_collection_db

    path = copy_of(name, tmp_path)
    before = path.read_bytes()
    storage = open_collection_db(path, read_only=True)
    log = manifest(name)
    assert storage.stats.first_review(ALL_DECKS) is not None
    assert len(storage.cards.review_log()) == len(log["data"]["review_log"])
    storage.close()
    assert path.read_bytes() == before
