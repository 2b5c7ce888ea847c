"""A new collection's schema from a snapshot of what the migrations make, without sqlite-utils (issue 16).

Creating a collection by running m001... one by one imports sqlite-utils and the migrations (~80 ms) and
runs each migration's statements (~12 ms) on every fresh data folder. The snapshot
(:mod:`mlprep.storage.fresh_schema_snapshot`, written by ``scripts/make_fresh_schema.py``) holds the
``CREATE`` statements a fully migrated empty collection has in ``sqlite_master``, in their order, and the
names of the migrations that made them; :func:`create_fresh_schema` runs them on an empty file in one
transaction and records those migrations as applied, as sqlite-utils' ``Migrations`` would.

The migrations stay the only definition of the schema: the snapshot is used only while its names are
exactly :data:`~mlprep.storage.schema.MIGRATION_NAMES` and ``migrations.py`` is byte for byte the file it
was made from (:func:`migrations_digest`; else the migrations run, as before), and
tests/storage/test_fresh_schema.py fails while the snapshot differs from what the migrations make now:
**adding a migration means running** ``scripts/make_fresh_schema.py``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from mlprep.storage.schema import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE


class _Connection(Protocol):  # mlprep.storage.db.Db, or sqlite-utils' Database
    conn: sqlite3.Connection


def create_fresh_schema(db: _Connection, now: datetime | None = None) -> bool:
    """On an empty database (nothing in ``sqlite_master``): create the collection's schema from the
    snapshot and record every migration of :data:`~mlprep.storage.schema.MIGRATION_NAMES` as applied at
    ``now`` (default: the current UTC time, written as sqlite-utils writes ``applied_at``), all in one
    transaction (``BEGIN IMMEDIATE``: a crash leaves the file empty). Returns ``False``, writing
    nothing, when the database is not empty, a transaction is open, or the snapshot is not of the
    current migrations (other names, or another ``migrations.py``: the caller then runs the
    migrations). Raises what ``sqlite3`` raises (after rolling back)."""
    from mlprep.storage import fresh_schema_snapshot as snapshot

    conn = db.conn
    if snapshot.SNAPSHOT_MIGRATIONS != MIGRATION_NAMES or conn.in_transaction \
            or migrations_digest() != snapshot.SNAPSHOT_SOURCE:
        return False
    applied_at = str(now if now is not None else datetime.now(UTC))
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
            conn.execute("ROLLBACK")
            return False
        for statement in snapshot.SNAPSHOT_STATEMENTS:
            conn.execute(statement)
        conn.executemany(f'INSERT INTO "{MIGRATIONS_TABLE}" (migration_set, name, applied_at) VALUES (?, ?, ?)',
                         [(MIGRATION_SET, name, applied_at) for name in MIGRATION_NAMES])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True


MIGRATIONS_FILE = Path(__file__).with_name("migrations.py")


def migrations_digest() -> str | None:
    """SHA-256 (hex) of the bytes of :mod:`mlprep.storage.migrations`' source file, or ``None`` if it cannot
    be read: the snapshot is used only with the source it was made from, so that an edit of a migration
    not yet landed (same name, new body) can never give a new collection an old schema."""
    try:
        return hashlib.sha256(MIGRATIONS_FILE.read_bytes()).hexdigest()
    except OSError:
        return None


def migrated_schema() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(migration names, statements)`` of an empty in-memory collection built by running the
    migrations (:func:`mlprep.storage.legacy.upgrade`): the ``sql`` of every ``sqlite_master`` entry in
    creation order, without the entries SQLite makes itself (automatic indexes, a virtual table's shadow
    tables), then an FTS5 ``'rebuild'`` per full-text table. What the snapshot must equal; imports
    sqlite-utils."""
    from sqlite_utils import Database

    from mlprep.storage.legacy import upgrade

    db = Database(sqlite3.connect(":memory:"))
    upgrade(db)
    shadow = {row[1] for row in db.execute("PRAGMA table_list") if row[2] == "shadow"}
    entries = db.execute("SELECT name, sql FROM sqlite_master ORDER BY rowid").fetchall()
    statements = tuple(sql for name, sql in entries if sql is not None and name not in shadow)
    # A full-text index filled from its (empty) content table, as m006 fills it: FTS5 then writes its
    # averages record, which creating the table alone leaves empty.
    statements += tuple(f"INSERT INTO {name} ({name}) VALUES ('rebuild')" for name, sql in entries
                        if sql is not None and sql.upper().startswith("CREATE VIRTUAL TABLE") and "fts5" in sql)
    names = tuple(row[0] for row in db.execute(
        f'SELECT name FROM "{MIGRATIONS_TABLE}" WHERE migration_set = ? ORDER BY id', [MIGRATION_SET]))
    return names, statements
