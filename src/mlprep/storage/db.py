"""Open the collection database."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from mlprep.storage.legacy import upgrade

SYNCHRONOUS = "FULL"
"""The answer commit's durability (https://sqlite.org/pragma.html#pragma_synchronous). In WAL mode
``NORMAL`` survives a crash of the app but can lose the last commits on a power cut or an OS crash;
``FULL`` syncs the write-ahead log at every commit, so an answer the review screen acknowledged survives
both (Anki's choice too). Measured on these machines' disk (``scripts/durability.py``, 500 answers each,
alternating, warm cache): answer + next card p50 0.20 ms under NORMAL, 0.44 ms under FULL."""


def open_db(path: Path | str | None) -> Database:
    """Open (creating if needed) the collection at ``path``; ``None`` opens an in-memory one.

    Turns on WAL journaling (file databases) with ``synchronous = FULL`` (:data:`SYNCHRONOUS`) and foreign
    keys, and applies pending migrations. Raises ``sqlite3.DatabaseError`` if the file is not a SQLite
    database.
    """
    if path is None:
        db = Database(memory=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.enable_wal()
    db.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    upgrade(db)
    return db


def checkpoint(db: Database) -> bool:
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
