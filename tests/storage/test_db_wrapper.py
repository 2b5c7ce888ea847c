"""mlprep.storage.db.Db: the stores' connection, sqlite-utils' transaction rules over plain sqlite3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mlprep.storage.db import Db, open_db


def _db(tmp_path: Path) -> tuple[Db, Db]:
    """A table ``t`` in a file, through two connections: the writer and one that sees only committed rows."""
    writer = Db(sqlite3.connect(tmp_path / "t.db"))
    writer.execute("CREATE TABLE t (x INTEGER)")
    return writer, Db(sqlite3.connect(tmp_path / "t.db"))


def test_a_write_outside_a_transaction_is_committed_at_once(tmp_path: Path) -> None:
    writer, reader = _db(tmp_path)
    writer.execute("INSERT INTO t VALUES (?)", [1])
    writer.executemany("INSERT INTO t VALUES (?)", [[2], [3]])
    assert not writer.conn.in_transaction
    assert [r["x"] for r in reader.query("SELECT x FROM t ORDER BY x")] == [1, 2, 3]


def test_a_failed_write_leaves_no_transaction_open(tmp_path: Path) -> None:
    writer, _ = _db(tmp_path)
    writer.execute("CREATE TABLE u (x INTEGER NOT NULL)")
    with pytest.raises(sqlite3.IntegrityError):
        writer.execute("INSERT INTO u VALUES (NULL)")
    assert not writer.conn.in_transaction


def test_atomic_commits_at_the_end_and_rolls_back_on_an_error(tmp_path: Path) -> None:
    writer, reader = _db(tmp_path)
    with writer.atomic():
        writer.execute("INSERT INTO t VALUES (1)")
        assert reader.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0
    assert reader.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 1
    with pytest.raises(RuntimeError), writer.atomic():
        writer.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError
    assert [r["x"] for r in writer.query("SELECT x FROM t")] == [1]


def test_a_nested_atomic_block_rolls_back_alone(tmp_path: Path) -> None:
    writer, reader = _db(tmp_path)
    with writer.atomic():
        writer.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError), writer.atomic():
            writer.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError
        writer.execute("INSERT INTO t VALUES (3)")
    assert [r["x"] for r in reader.query("SELECT x FROM t ORDER BY x")] == [1, 3]


def test_query_refuses_a_statement() -> None:
    db = Db.memory()
    with pytest.raises(ValueError, match="returns rows"):
        db.query("CREATE TABLE t (x)")


def test_bulk_writes_go_through_sqlite_utils_on_the_same_connection(tmp_path: Path) -> None:
    writer, reader = _db(tmp_path)
    writer.table("t").insert_all([{"x": 1}, {"x": 2}])
    with writer.atomic():
        writer["t"].insert({"x": 3})
    assert writer.utils.conn is writer.conn
    assert [r["x"] for r in reader.query("SELECT x FROM t ORDER BY x")] == [1, 2, 3]


def test_an_opened_collection_file_is_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.sqlite3")
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1  # as sqlite-utils' Database sets it
