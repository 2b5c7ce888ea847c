"""A collection file that cannot be used, found before it is opened, and the way back from it.

:func:`diagnose` runs at start-up before the collection is opened (and migrated): a file that is empty,
unreadable, not SQLite, fails ``PRAGMA quick_check`` or has no cards table is reported with the problem
in one line, so the app can say so instead of silently making a new collection over it or failing on the
first answer. :func:`recover` moves the damaged file aside (never overwrites or deletes it) and puts the
chosen backup in its place, or leaves the place empty for a new collection.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from mlprep.services.backups import Backup, InstanceLock, restore_backup
from mlprep.services.errors import Damage
from mlprep.storage.maintenance import integrity_problems

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file (https://sqlite.org/fileformat.html, 1.3)."""


def diagnose(collection_file: Path) -> Damage | None:
    """``None`` when ``collection_file`` is missing (a new collection will be made) or looks sound;
    else the :class:`Damage`: not a regular file, unreadable, empty (0 bytes), not an SQLite database
    (its header), or what ``PRAGMA quick_check`` reports (the first line) or no cards table. Reads the
    file only; never writes it."""
    if not collection_file.exists() and not collection_file.is_symlink():
        return None
    if not collection_file.is_file():
        return Damage(collection_file, "it is not a regular file")
    try:
        with collection_file.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return Damage(collection_file, f"it cannot be read ({error.strerror or error})")
    if not header:
        return Damage(collection_file, "the file is empty (0 bytes)")
    if header != SQLITE_HEADER:
        return Damage(collection_file, "it is not an SQLite database (its first bytes are wrong)")
    problems = integrity_problems(collection_file, quick=True)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        return Damage(collection_file, f"the database is damaged: {problems[0]}{more}")
    return None


def move_aside(collection_file: Path, now: datetime) -> Path:
    """Rename ``collection_file`` and its ``-wal``/``-shm`` files to
    ``collection.damaged-YYYYMMDD-HHMMSS.sqlite3`` (UTC ``now``) in the same folder, so nothing opens or
    overwrites them; returns the new name. Raises ``OSError`` if the rename fails (nothing moved)."""
    stem = f"{collection_file.stem}.damaged-{now.astimezone(UTC):%Y%m%d-%H%M%S}"
    aside = collection_file.with_name(stem + collection_file.suffix)
    n = 1
    while aside.exists():
        aside, n = collection_file.with_name(f"{stem}-{n}{collection_file.suffix}"), n + 1
    os.replace(collection_file, aside)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{collection_file}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{aside}{suffix}"))
    return aside


def recover(collection_file: Path, now: datetime, backup: Backup | None) -> Path:
    """Move the damaged ``collection_file`` aside (:func:`move_aside`) and, with ``backup``, restore it in
    place (:func:`mlprep.services.backups.restore_backup`); without, the next start makes a new, empty
    collection. Holds the data folder's lock meanwhile. Returns where the damaged file now is. Raises
    :class:`~mlprep.services.backups.CollectionInUse` when another mlprep holds the lock (nothing
    moved), ``ValueError`` when ``backup`` fails its integrity check (the damaged file is moved aside
    all the same, and kept) and ``OSError`` from the file system."""
    lock = InstanceLock(collection_file.parent)  # CollectionInUse if another mlprep has it open
    try:
        aside = move_aside(collection_file, now)
        if backup is not None:
            restore_backup(backup.path, collection_file)
    finally:
        lock.release()
    return aside
