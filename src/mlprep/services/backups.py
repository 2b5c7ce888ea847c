"""Backups of the collection (Anki's model), Check Database, and one instance per data folder.

Backups are whole copies taken with SQLite's online backup API into ``<data dir>/backups/`` named
``collection-YYYYMMDD-HHMMSS.sqlite3`` (UTC). Retention, as Anki's: the 10 newest, plus the newest of
each of the last 7 days, plus the newest of each of the last 4 weeks; older ones are deleted.

One instance per data folder: :class:`InstanceLock` takes an OS advisory lock (``fcntl.flock``) on
``<data dir>/collection.lock`` before migrations run. The OS releases it when the process ends, even
after ``kill -9``, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from mlprep.storage.collection_db import CollectionDb
from mlprep.storage.maintenance import backup_file, backup_to, integrity_problems, rebuild_derived

BACKUP_DIR = "backups"
KEEP_NEWEST, KEEP_DAILY, KEEP_WEEKLY = 10, 7, 4
LOCK_FILE = "collection.lock"
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Backup:
    """One backup file and the UTC instant it was taken (from its name)."""

    path: Path
    taken: datetime
    size: int


def backups(data_dir: Path) -> list[Backup]:
    """The backups in ``data_dir``, newest first (files not named like a backup are ignored)."""
    out = []
    for path in (data_dir / BACKUP_DIR).glob("collection-*.sqlite3"):
        try:
            taken = datetime.strptime(path.stem.removeprefix("collection-"), _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        out.append(Backup(path, taken, path.stat().st_size))
    return sorted(out, key=lambda b: b.taken, reverse=True)


def kept(found: list[Backup], now: datetime) -> set[Path]:
    """The backups retention keeps of ``found`` (newest first) as of ``now``: the 10 newest, the newest
    of each of the last 7 days and of each of the last 4 weeks (UTC)."""
    keep = {b.path for b in found[:KEEP_NEWEST]}
    for span, count in ((timedelta(days=1), KEEP_DAILY), (timedelta(weeks=1), KEEP_WEEKLY)):
        for k in range(count):
            start, end = now - (k + 1) * span, now - k * span
            newest = next((b for b in found if start < b.taken <= end), None)
            if newest is not None:
                keep.add(newest.path)
    return keep


def create_backup(storage: CollectionDb, data_dir: Path, now: datetime) -> Backup:
    """Back the open collection up into ``data_dir/backups`` at UTC instant ``now``, then prune by
    retention. Returns the new backup."""
    target = _target(data_dir, now)
    backup_to(storage.db, target)
    return _pruned(data_dir, target, now)


def backup_collection_file(collection_file: Path, data_dir: Path, now: datetime) -> Backup:
    """As :func:`create_backup`, from the collection's file through a connection of its own
    (:func:`mlprep.storage.maintenance.backup_file`): safe on a worker thread while the app writes."""
    target = _target(data_dir, now)
    backup_file(collection_file, target)
    return _pruned(data_dir, target, now)


def _target(data_dir: Path, now: datetime) -> Path:
    return data_dir / BACKUP_DIR / f"collection-{now.astimezone(UTC):{_STAMP}}.sqlite3"


def _pruned(data_dir: Path, target: Path, now: datetime) -> Backup:
    found = backups(data_dir)
    for old in found:
        if old.path not in kept(found, now):
            old.path.unlink(missing_ok=True)
    return Backup(target, now, target.stat().st_size)


def newest_sound_backup(data_dir: Path) -> Backup | None:
    """The newest backup in ``data_dir`` that passes ``integrity_check`` and holds a collection, or
    ``None``."""
    return next((b for b in backups(data_dir) if not integrity_problems(b.path)), None)


def restore_backup(source: Path, collection_file: Path) -> None:
    """Put the backup ``source`` in place of ``collection_file`` (closed: the caller closes the
    collection first and backs it up). Raises ``ValueError`` naming the problem when ``source`` fails
    ``integrity_check``; the collection is then untouched. The copy goes to a temporary name and is
    renamed in place; the old write-ahead log is removed so it cannot be replayed onto the backup."""
    problems = integrity_problems(source)
    if problems:
        raise ValueError(f"{source} is not a sound collection: {problems[0]}")
    partial = collection_file.with_name(collection_file.name + ".restoring")
    shutil.copyfile(source, partial)
    for suffix in ("-wal", "-shm"):
        Path(f"{collection_file}{suffix}").unlink(missing_ok=True)
    os.replace(partial, collection_file)


@dataclass(frozen=True)
class CheckReport:
    """What Check Database found: ``integrity`` problems (empty when sound) and the derived rows rebuilt."""

    integrity: tuple[str, ...]
    rebuilt: dict[str, int]

    def text(self) -> str:
        """One paragraph for the user."""
        state = "the file is sound" if not self.integrity else \
            f"integrity_check: {'; '.join(self.integrity[:5])}"
        fixed = ", ".join(f"{n} row(s) of {table} rebuilt" for table, n in self.rebuilt.items() if n)
        fixed = fixed or "nothing to fix"
        return f"Check Database: {state}; {fixed}."


def check_database(storage: CollectionDb, collection_file: Path | None) -> CheckReport:
    """``integrity_check`` of the file, then the derived tables rebuilt from the review log and every
    index rebuilt (:func:`mlprep.storage.maintenance.rebuild_derived`)."""
    storage.checkpoint()
    integrity = integrity_problems(collection_file) if collection_file is not None else []
    return CheckReport(tuple(integrity), rebuild_derived(storage.db))


class CollectionInUse(RuntimeError):
    """Another mlprep holds the data folder's lock; the message says what to do."""


class InstanceLock:
    """An exclusive advisory lock on ``data_dir/collection.lock``, held until :meth:`release` or the
    process ends. Raises :class:`CollectionInUse` when another process holds it (checked at once, no
    waiting)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / LOCK_FILE
        self._handle: IO[str] | None = self.path.open("a+", encoding="utf-8")
        try:
            _lock(self._handle)
        except OSError as error:
            self._handle.close()
            self._handle = None
            raise CollectionInUse(f"the collection in {data_dir} is open in another mlprep: close it first "
                                  "(read-only commands such as `mlprep stats` work meanwhile)") from error
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(f"{os.getpid()}\n")
        self._handle.flush()

    def release(self) -> None:
        """Give the lock up (closing the file releases it)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _lock(handle: IO[str]) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
