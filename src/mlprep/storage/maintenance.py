"""Whole-file work on a collection: online backups, integrity checks, rebuilding derived tables.

Backups use SQLite's online backup API (https://sqlite.org/backup.html, Python's
``sqlite3.Connection.backup``): a consistent copy of a live database, taken page by page without
stopping writers for long. ``PRAGMA integrity_check`` (https://sqlite.org/pragma.html#pragma_integrity_check)
reads every page and index.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from mlprep.storage.db import Db as Database
from mlprep.storage.log_codec import REVIEW, US_PER_DAY, US_PER_HOUR, log_class_sql


def backup_to(db: Database, target: Path, *, pages: int = 1024) -> None:
    """Copy the open collection ``db`` to ``target`` (written to a temporary name, fsynced, then renamed
    in place: a crash never leaves a half-written backup under the final name), ``pages`` pages a step
    (-1: all in one step, one read transaction, so writes by other connections never restart it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(partial)
    try:
        db.conn.backup(dest, pages=pages)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)


def backup_file(source: Path, target: Path) -> None:
    """Copy the collection file ``source`` to ``target`` through a connection of its own (read-only),
    as :func:`backup_to`: for a backup taken on another thread while the app keeps writing (WAL lets
    one writer and readers work at once; the copy is the state when it began)."""
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        backup_to(Database(conn), target, pages=-1)
    finally:
        conn.close()


def integrity_problems(path: Path, *, quick: bool = False) -> list[str]:
    """What ``PRAGMA integrity_check`` reports for the file at ``path`` (empty when it is sound); a file
    SQLite cannot open at all gives one line saying why. ``quick`` runs ``PRAGMA quick_check`` instead
    (every page read, but index contents not matched against their tables: O(N), not O(N log N))."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute(f"PRAGMA {'quick_check' if quick else 'integrity_check'}").fetchall()]
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'cards'").fetchone():
                rows.append("not a collection: it has no cards table")
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


_ANSWER_HOURS = (f"INSERT INTO answer_hours (hour, cls, n0, n1, n2, n3, n4, n5) "
                 f"SELECT l.reviewed_at / {US_PER_HOUR}, {log_class_sql('l')}, "
                 + ", ".join(f"SUM(l.quality = {g})" for g in range(6))
                 + f" FROM review_log l WHERE {log_class_sql('l')} < 6 AND l.quality IN (0, 1, 2, 3, 4, 5) "
                 "GROUP BY 1, 2")
"""``answer_hours`` from the review log, as migrations m009 and m010 fill it (UTC hour number, row class, the
answers of each grade 0-5)."""


def rebuild_derived(db: Database) -> dict[str, int]:
    """Recompute the tables derived from the review log (``review_days``: reviews and passes per deck
    and UTC day number, see migrations m004 and m010; ``answer_hours``: answers per UTC hour, row class and
    grade, m009 and m010), rebuild the Browse search's full-text index
    ``cards_fts`` from the cards (migration m006; FTS5's ``'rebuild'`` command, https://sqlite.org/fts5.html#the_rebuild_command)
    in one transaction, then rebuild every index. Returns the rows of ``review_days`` and of ``answer_hours``
    that were wrong (changed, missing or extra) and, when there were any, the cards the search index lacked or held in
    excess (``cards_fts``; an entry with stale text is not counted, but rebuilt too)."""
    with db.atomic():
        fts_wrong = int(db.execute(
            "SELECT (SELECT COUNT(*) FROM cards WHERE rowid NOT IN (SELECT id FROM cards_fts_docsize)) "
            "+ (SELECT COUNT(*) FROM cards_fts_docsize WHERE id NOT IN (SELECT rowid FROM cards))").fetchone()[0])
        db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('rebuild')")
        before = {(d, day): (n, p) for d, day, n, p in db.execute("SELECT * FROM review_days").fetchall()}
        db.execute("DELETE FROM review_days")
        db.execute(f"INSERT INTO review_days SELECT c.deck_id, l.reviewed_at / {US_PER_DAY}, COUNT(*), "
                   "SUM(l.quality >= 3) FROM review_log l JOIN cards c ON c.id = l.card_id "
                   f"WHERE l.kind = {REVIEW} AND c.present = 1 GROUP BY 1, 2")
        after = {(d, day): (n, p) for d, day, n, p in db.execute("SELECT * FROM review_days").fetchall()}
        hours_before = {tuple(row[:2]): tuple(row[2:]) for row in db.execute("SELECT * FROM answer_hours").fetchall()}
        db.execute("DELETE FROM answer_hours")
        db.execute(_ANSWER_HOURS)
        hours_after = {tuple(row[:2]): tuple(row[2:]) for row in db.execute("SELECT * FROM answer_hours").fetchall()}
    db.execute("REINDEX")
    wrong = {"review_days": sum(before.get(key) != after.get(key) for key in before.keys() | after.keys()),
             "answer_hours": sum(hours_before.get(key) != hours_after.get(key)
                                 for key in hours_before.keys() | hours_after.keys())}
    return wrong | ({"cards_fts": fts_wrong} if fts_wrong else {})
