"""One open collection file and the stores over it: the only way services reach SQLite.

Services hold a :class:`CollectionDb` and call its stores' methods; none of them sees a connection
or writes SQL. It opens read-write (creating the file and applying pending migrations) or read-only
(``mode=ro``: never written, never migrated).
"""

from __future__ import annotations

import sqlite3
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from mlprep.storage.cards import CardStore
from mlprep.storage.db import Db, checkpoint, open_db, pending_migrations
from mlprep.storage.errors import NotACollection
from mlprep.storage.settings_store import SettingsStore
from mlprep.storage.study_queries import StudyQueries

if TYPE_CHECKING:  # built on first use: the deck list needs none of them (issue 16)
    from mlprep.storage.plan_queries import PlanQueries
    from mlprep.storage.reading_store import ReadingStore
    from mlprep.storage.stats_queries import StatsQueries


def read_only_uri(path: Path) -> str:
    """SQLite's URI for opening ``path`` read-only (https://sqlite.org/uri.html): the absolute path
    percent-encoded, so a ``#`` or ``?`` in a folder name is part of the name, not of the URI."""
    return f"{path.resolve().as_uri()}?mode=ro"


class CollectionDb:
    """The stores of one open collection ``db``; ``path`` is its file (``None`` in memory) and
    ``read_only`` tells whether writes reach the file (they never do when it is set)."""

    def __init__(self, db: Db, path: Path | None = None, *, read_only: bool = False) -> None:
        self.db = db
        self.path = path
        self.read_only = read_only
        self.cards = CardStore(db)
        self.study = StudyQueries(db)
        self.settings = SettingsStore(db)

    @cached_property
    def stats(self) -> StatsQueries:
        """The statistics' queries (made on first use)."""
        from mlprep.storage.stats_queries import StatsQueries

        return StatsQueries(self.db)

    @cached_property
    def reading(self) -> ReadingStore:
        """The reading list's statuses and notes (made on first use)."""
        from mlprep.storage.reading_store import ReadingStore

        return ReadingStore(self.db)

    @cached_property
    def plans(self) -> PlanQueries:
        """The interview plan's queries (made on first use)."""
        from mlprep.storage.plan_queries import PlanQueries

        return PlanQueries(self.db)

    def reader(self) -> CollectionDb | None:
        """A second, read-only connection to the same file for use on another thread (SQLite
        releases the GIL while it reads), or ``None`` when a second connection would not see what
        this one sees: in memory, or while this one has a transaction open."""
        if self.path is None or self.db.conn.in_transaction:
            return None
        return CollectionDb(_connect_read_only(self.path), self.path, read_only=True)

    def total_changes(self) -> int:
        """Rows this connection has inserted, updated or deleted since it opened (SQLite's
        ``total_changes``): a change counter for "anything written since"."""
        return int(self.db.conn.total_changes)

    def checkpoint_if_due(self) -> bool:
        """Idle-time upkeep: see :meth:`mlprep.storage.cards.CardStore.checkpoint_if_due`."""
        return self.cards.checkpoint_if_due()

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the file now (see :func:`mlprep.storage.db.checkpoint`)."""
        return checkpoint(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()


def _connect_read_only(path: Path) -> Db:
    return Db(sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False))


def open_collection_db(path: Path | None, *, read_only: bool = False) -> CollectionDb:
    """Open the collection at ``path`` (``None``: a new one in memory).

    Read-write (the default) creates the file and its folder if needed and applies pending
    migrations (:func:`mlprep.storage.db.open_db`). Read-only never writes the file: a missing file
    gives an empty collection in memory, and a file whose schema is older than this version's is
    copied into memory (SQLite's online backup) and upgraded there
    (:func:`mlprep.storage.legacy.upgrade`). Raises :class:`~mlprep.storage.errors.NotACollection`
    if SQLite finds the file corrupt or not a database (a locked or busy one raises SQLite's
    ``OperationalError`` as it is).
    """
    try:
        return _open(path, read_only=read_only)
    except sqlite3.DatabaseError as error:
        busy = isinstance(error, sqlite3.OperationalError) and any(
            word in str(error) for word in ("locked", "busy", "readonly", "disk I/O", "unable to open"))
        if busy:
            raise
        raise NotACollection(str(error)) from error


def _open(path: Path | None, *, read_only: bool) -> CollectionDb:
    if not read_only or path is None:
        return CollectionDb(open_db(path), path, read_only=read_only)
    if not path.exists():
        return CollectionDb(open_db(None), None, read_only=True)
    db = _connect_read_only(path)
    if pending_migrations(db):
        from mlprep.storage.legacy import upgrade

        # A private temporary database (SQLite's "" file name: on disk, deleted when it closes), not ":memory:":
        # a copy of a 1M-row log, migrated, held 720 MB in memory; this one holds SQLite's page cache.
        copy = sqlite3.connect("")
        db.conn.backup(copy)
        db.close()
        migrated = Db(copy)
        upgrade(migrated.utils)  # repairs the schemas of the two migrations edited after landing
        return CollectionDb(migrated, None, read_only=True)
    return CollectionDb(db, path, read_only=True)
