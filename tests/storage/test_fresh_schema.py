"""A new collection gets its schema from the snapshot (``storage/fresh_schema.py``): exactly what the
migrations make, in one transaction, without importing sqlite-utils (issue 16)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mlprep.storage import fresh_schema_snapshot
from mlprep.storage.db import Db, open_db, pending_migrations
from mlprep.storage.fresh_schema import create_fresh_schema, migrated_schema, migrations_digest
from mlprep.storage.schema import MIGRATION_NAMES

SRC = Path(__file__).resolve().parents[2] / "src"


def test_the_snapshot_is_what_the_migrations_make_now() -> None:
    names, statements = migrated_schema()
    assert names == MIGRATION_NAMES
    assert names == fresh_schema_snapshot.SNAPSHOT_MIGRATIONS, "run scripts/make_fresh_schema.py"
    assert statements == fresh_schema_snapshot.SNAPSHOT_STATEMENTS, "run scripts/make_fresh_schema.py"
    assert migrations_digest() == fresh_schema_snapshot.SNAPSHOT_SOURCE, "run scripts/make_fresh_schema.py"


def contents(path: Path) -> dict[str, Any]:
    """The schema (``sqlite_master`` in order, without rowids and root pages) and every table's rows,
    the migrations' ``applied_at`` left out."""
    conn = sqlite3.connect(path)
    master = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall()
    tables = [name for kind, name, _, _ in master if kind == "table" and name != "cards_fts"]
    rows = {name: conn.execute(f'SELECT * FROM "{name}"').fetchall() for name in tables}
    rows["_sqlite_migrations"] = conn.execute("SELECT id, migration_set, name FROM _sqlite_migrations "
                                              "ORDER BY id").fetchall()
    out = {"master": master, "rows": rows, "integrity": conn.execute("PRAGMA integrity_check").fetchall(),
           "user_version": conn.execute("PRAGMA user_version").fetchone()}
    conn.close()
    return out


def test_a_new_file_from_the_snapshot_equals_one_the_migrations_made(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from mlprep.storage.legacy import upgrade

    migrated = Database(sqlite3.connect(tmp_path / "migrated.sqlite3"))
    upgrade(migrated)
    migrated.close()
    fresh = open_db(tmp_path / "fresh.sqlite3")
    assert pending_migrations(fresh) == []
    fresh.close()
    made = contents(tmp_path / "fresh.sqlite3")
    assert made == contents(tmp_path / "migrated.sqlite3")
    assert made["integrity"] == [("ok",)] and len(made["master"]) > 40
    assert [row[2] for row in made["rows"]["_sqlite_migrations"]] == list(MIGRATION_NAMES)


def test_the_migrations_are_recorded_as_sqlite_utils_records_them(tmp_path: Path) -> None:
    db = Db(sqlite3.connect(tmp_path / "c.sqlite3"))
    at = datetime(2026, 12, 3, 14, 0, 0, 123456, tzinfo=UTC)
    assert create_fresh_schema(db, at)
    rows = db.execute("SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id").fetchall()
    assert rows == [("mlprep", name, "2026-12-03 14:00:00.123456+00:00") for name in MIGRATION_NAMES]


def test_a_new_collection_opens_without_importing_sqlite_utils(tmp_path: Path) -> None:
    code = ("import sys; from mlprep.storage.db import open_db; db = open_db(sys.argv[1]); "
            "print(sorted(m for m in ('sqlite_utils', 'mlprep.storage.migrations', 'mlprep.storage.legacy') "
            "if m in sys.modules), db.execute('SELECT COUNT(*) FROM _sqlite_migrations').fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "c.sqlite3")], check=True, capture_output=True,
                         text=True, env={"PYTHONPATH": str(SRC), "PATH": ""}).stdout
    assert out.split() == ["[]", str(len(MIGRATION_NAMES))]


def test_a_file_with_anything_in_it_is_left_to_the_migrations(tmp_path: Path) -> None:
    db = Db(sqlite3.connect(tmp_path / "c.sqlite3"))
    db.execute("CREATE TABLE notes (x)")
    assert not create_fresh_schema(db)
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


def test_a_snapshot_of_other_migrations_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fresh_schema_snapshot, "SNAPSHOT_MIGRATIONS", MIGRATION_NAMES[:-1])
    monkeypatch.setattr(fresh_schema_snapshot, "SNAPSHOT_STATEMENTS", ("CREATE TABLE stale (x)",))
    assert not create_fresh_schema(Db(sqlite3.connect(tmp_path / "unused.sqlite3")))
    db = open_db(tmp_path / "c.sqlite3")  # the migrations run instead
    assert pending_migrations(db) == []
    assert db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'stale'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'cards_fts'").fetchone()[0] == 1


def test_a_snapshot_of_another_migrations_file_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fresh_schema_snapshot, "SNAPSHOT_SOURCE", "0" * 64)  # m009 edited since, same names
    monkeypatch.setattr(fresh_schema_snapshot, "SNAPSHOT_STATEMENTS", ("CREATE TABLE stale (x)",))
    assert not create_fresh_schema(Db(sqlite3.connect(tmp_path / "unused.sqlite3")))
    db = open_db(tmp_path / "c.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('stale', 'cards_fts')").fetchone()[0] == 1


def test_a_failure_half_way_leaves_the_file_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statements = fresh_schema_snapshot.SNAPSHOT_STATEMENTS
    monkeypatch.setattr(fresh_schema_snapshot, "SNAPSHOT_STATEMENTS", (*statements[:10], "CREATE TABLE broken ("))
    db = Db(sqlite3.connect(tmp_path / "c.sqlite3"))
    with pytest.raises(sqlite3.OperationalError):
        create_fresh_schema(db)
    assert not db.conn.in_transaction
    assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
