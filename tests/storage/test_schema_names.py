"""The start-up's pending-migrations check reads the names in mlprep.storage.schema, without sqlite-utils:
those names must be the registered migrations, or a new migration would never run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mlprep.storage.db import Db, open_db, pending_migrations
from mlprep.storage.migrations import migrations
from mlprep.storage.schema import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE


def test_the_listed_names_are_the_registered_migrations_in_order() -> None:
    assert [m.name for m in migrations.pending(Db.memory().utils)] == list(MIGRATION_NAMES)
    assert (migrations.name, migrations.migrations_table) == (MIGRATION_SET, MIGRATIONS_TABLE)


def test_pending_migrations_agrees_with_sqlite_utils_on_a_partly_migrated_collection() -> None:
    db = Db.memory()
    migrations.apply(db.utils, stop_before=MIGRATION_NAMES[3])
    assert pending_migrations(db) == [m.name for m in migrations.pending(db.utils)] == list(MIGRATION_NAMES[3:])


def test_an_empty_file_gets_every_migration_and_reopens_with_none_pending(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    assert pending_migrations(Db(sqlite3.connect(path))) == list(MIGRATION_NAMES)
    open_db(path).close()
    assert pending_migrations(Db(sqlite3.connect(path))) == []
    assert migrations.pending(Db(sqlite3.connect(path)).utils) == []
