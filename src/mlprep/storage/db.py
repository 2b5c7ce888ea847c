"""Open the collection database: :class:`Db`, the standard library's ``sqlite3`` with sqlite-utils on demand.

The stores speak SQL through ``sqlite3`` (``execute``, ``query``, ``atomic``); sqlite-utils (~80 ms to import:
click, pluggy, dateutil) is imported only for what it does better than a few lines of ours: migrations, bulk
writes (``insert_all``/``upsert_all``) and FTS set-up, reached through :attr:`Db.utils` or :meth:`Db.table`.
Opening an up-to-date collection imports none of it (issue 16).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlprep.storage.fresh_schema import create_fresh_schema
from mlprep.storage.schema import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.db import Table

SYNCHRONOUS = "FULL"
"""The answer commit's durability (https://sqlite.org/pragma.html#pragma_synchronous). In WAL mode
``NORMAL`` survives a crash of the app but can lose the last commits on a power cut or an OS crash;
``FULL`` syncs the write-ahead log at every commit, so an answer the review screen acknowledged survives
both (Anki's choice too). Measured on these machines' disk (``scripts/durability.py``, 500 answers each,
alternating, warm cache): answer + next card p50 0.20 ms under NORMAL, 0.44 ms under FULL."""

Params = Sequence[Any] | Mapping[str, Any]

_TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})
_savepoints = count(1)


class Db:
    """One open SQLite connection ``conn`` (the default transaction handling), with the part of
    sqlite-utils' ``Database`` API the stores use, written over ``sqlite3`` so it imports nothing:

    - :meth:`execute` commits a write at once unless a transaction is open, as sqlite-utils 4's
      ``Database.execute`` does (sqlite_utils/db.py), so a store never leaves an implicit transaction open;
    - :meth:`atomic` is ``BEGIN``/``COMMIT``, or a savepoint when nested (sqlite-utils' ``atomic``);
    - :meth:`query` yields rows as ``dict`` (column name -> value);
    - :attr:`utils` is a ``sqlite_utils.Database`` over the same connection, made on first use.

    Like ``Database(conn)`` it turns ``recursive_triggers`` on (sqlite-utils' default).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("PRAGMA recursive_triggers = on")

    @classmethod
    def memory(cls) -> Db:
        """A new, empty database in memory."""
        return cls(sqlite3.connect(":memory:"))

    @cached_property
    def utils(self) -> Database:
        """sqlite-utils over this connection (imported on first use): migrations, bulk writes, FTS."""
        from sqlite_utils import Database

        return Database(self.conn)

    def table(self, name: str) -> Table:
        """sqlite-utils' ``Table`` ``name`` (see :attr:`utils`), for its bulk writes."""
        return self.utils.table(name)

    def __getitem__(self, name: str) -> Table:
        return self.table(name)

    def execute(self, sql: str, params: Params | None = None) -> sqlite3.Cursor:
        """Run one statement with ``params`` (``?`` sequence or ``:name`` mapping) and return its cursor.

        A write outside a transaction is committed before this returns; a statement that fails after
        opening an implicit transaction rolls it back. Raises what ``sqlite3`` raises."""
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = self.conn.execute(sql) if params is None else self.conn.execute(sql, params)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if (not was_in_transaction and self.conn.in_transaction and cursor.description is None
                and _first_keyword(sql) not in _TRANSACTION_CONTROL):
            self.conn.execute("COMMIT")
        return cursor

    def executemany(self, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
        """Run ``sql`` once per parameter set in ``rows``; committed at once outside a transaction."""
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = self.conn.executemany(sql, rows)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if not was_in_transaction and self.conn.in_transaction:
            self.conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, params: Params | None = None) -> Iterator[dict[str, Any]]:
        """The rows of the ``SELECT`` ``sql`` as dicts (column name -> value), fetched as iterated.
        Raises ``ValueError`` if ``sql`` returns no rows (a statement, not a query)."""
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() can only be used with SQL that returns rows - use execute() for other statements")
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    @contextmanager
    def atomic(self) -> Iterator[Db]:
        """One transaction around the block (a savepoint inside an open one): committed when the block
        ends, rolled back if it raises (the exception propagates)."""
        if self.conn.in_transaction:
            savepoint = f"mlprep_{next(_savepoints)}"
            self.conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # a RAISE(ROLLBACK) trigger can have ended it
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @property
    def journal_mode(self) -> str:
        """SQLite's ``journal_mode`` (``"wal"`` for an open collection file, ``"memory"`` in memory)."""
        return str(self.execute("PRAGMA journal_mode").fetchone()[0])

    def table_names(self) -> list[str]:
        """The names of the tables, in creation order."""
        return [r[0] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _first_keyword(sql: str) -> str:
    """The first word of ``sql`` in upper case, after whitespace, ``;`` and ``--``/``/* */`` comments."""
    text = sql.lstrip(" \t\r\n;\ufeff")
    while text.startswith(("--", "/*")):
        end = text.find("\n") + 1 if text.startswith("--") else text.find("*/") + 2
        if end <= 1:
            return ""
        text = text[end:].lstrip(" \t\r\n;")
    word = text.split(None, 1)[0] if text else ""
    return "".join(c for c in word if c.isalpha()).upper()


def pending_migrations(db: Db) -> list[str]:
    """The names of :data:`~mlprep.storage.schema.MIGRATION_NAMES` not recorded in ``db``'s migrations
    table (sqlite-utils' ``Migrations.pending``, read with plain SQL so nothing imports sqlite-utils)."""
    if MIGRATIONS_TABLE not in db.table_names():
        return list(MIGRATION_NAMES)
    recorded = {r[0] for r in db.execute(f'SELECT name FROM "{MIGRATIONS_TABLE}" WHERE migration_set = ?',
                                         [MIGRATION_SET])}
    return [name for name in MIGRATION_NAMES if name not in recorded]


def open_db(path: Path | str | None) -> Db:
    """Open (creating if needed) the collection at ``path``; ``None`` opens an in-memory one.

    Turns on WAL journaling (file databases) with ``synchronous = FULL`` (:data:`SYNCHRONOUS`) and applies
    pending migrations (:func:`mlprep.storage.legacy.upgrade`, which imports sqlite-utils; an up-to-date
    collection never imports it). Raises ``sqlite3.DatabaseError`` if the file is not a SQLite database.
    """
    if path is None:
        db = Db.memory()
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = Db(sqlite3.connect(str(path)))
        if db.journal_mode != "wal":
            db.execute("PRAGMA journal_mode = wal")
    db.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    if pending_migrations(db) and not create_fresh_schema(db):  # a new file: the schema snapshot, no sqlite-utils
        from mlprep.storage.legacy import upgrade

        upgrade(db.utils)
    return db


def checkpoint(db: Db) -> bool:
    """Copy the pages in the write-ahead log into the database file, without waiting for
    readers or writers (SQLite's PASSIVE checkpoint: https://sqlite.org/wal.html#ckpt).

    Returns ``False`` without doing anything while ``db`` has a transaction open or for an
    in-memory database; ``True`` once the checkpoint ran (it may leave frames that a reader
    still needs, for the next one).
    """
    if db.conn.in_transaction or not db.execute("PRAGMA database_list").fetchone()[2]:
        return False
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    return True
