"""Upgrade a collection to the current schema in one transaction, repairing the two
migrations that were edited after they had landed.

sqlite-utils' ``Migrations`` (sqlite_utils/migrations.py) records a migration by *name*
only, in ``_sqlite_migrations``; ``apply`` runs every registered migration whose name is
not recorded, in registration order, each in its own transaction together with its
record. So a collection whose ``m001_initial`` ran in an older form still counts it as
applied, and a later migration that assumes the newer form fails on it. Two landed
migrations were edited afterwards (never again: see :mod:`mlprep.storage.migrations`):

- ``m001_initial`` as it landed in aa12903: ``cards`` had no ``buried_until`` or
  ``user_tags``, there was no ``settings`` table, and the only per-deck index was
  ``idx_cards_deck_due (deck_id, due)`` instead of ``idx_cards_deck_state``,
  ``idx_cards_new`` and ``idx_cards_buried``. ``m004_stats_summaries`` then fails with
  "no such index: idx_cards_deck_state".
- ``m003_stats_indexes`` as it landed in af6cc1b: it also made ``idx_cards_stats`` (on
  ``present, deck_id, ...``), ``idx_cards_interval`` and ``idx_cards_forecast``, and kept
  ``idx_review_log_card``. ``m004_stats_summaries`` then fails with "index
  idx_cards_stats already exists".

:func:`upgrade` (called by :func:`mlprep.storage.db.open_db`) recognises each old version
by an index only it made, with that index's exact SQL (:data:`LANDED_EDITS`); drops what
that version made and the current one does not; completes the schema to what the current
versions of the recorded migrations make (built by running them on an empty in-memory
database, so the text is exactly a fresh collection's); checks that nothing else differs;
and then applies the pending migrations. A collection with no old version (every one made
since f85bcdf, apart from af6cc1b's) is only read.

Why one transaction, not a backup copy restored on failure: SQLite's DDL is transactional,
so BEGIN around the repair and every pending migration (each one's own transaction becomes
a savepoint inside it) makes the upgrade all-or-nothing by SQLite's own journal, even
through a crash or power loss: an interrupted upgrade rolls back when the file is next
opened. A copy would have to cover the ``-wal`` file too, double the disk traffic of every
upgrade, leave a stale copy behind after a crash, and can itself fail half-way through the
restore. The one thing a transaction cannot hold is a ``transactional=False`` migration
(e.g. VACUUM); :func:`upgrade` refuses to run one rather than lose atomicity. After an upgrade that
rebuilt a large table whole (m010), :func:`compact` VACUUMs the file once the transaction has committed:
optional, a failure leaves the upgraded file as it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from mlprep.storage.migrations import migrations

MIGRATIONS_TABLE = Migrations.migrations_table


class UpgradeError(sqlite3.DatabaseError):
    """The collection's schema is not one any release made, so it cannot be upgraded safely.
    Raised after the transaction rolled back: the file is as it was."""


@dataclass(frozen=True)
class LandedEdit:
    """A migration whose landed version differs from the current one.

    ``drop`` maps each index that version left and the current one does not (by name) to
    its exact SQL as that version made it; an index is dropped only if its SQL matches.
    ``fingerprint`` names one of them that no other version ever made: its presence with
    that SQL says the collection ran the landed version.
    """

    migration: str
    landed_in: str
    fingerprint: str
    drop: Mapping[str, str]


LANDED_EDITS = (
    LandedEdit("m001_initial", "aa12903", "idx_cards_deck_due", MappingProxyType({
        "idx_cards_deck_due": "CREATE INDEX idx_cards_deck_due ON cards(deck_id, due)",
    })),
    LandedEdit("m003_stats_indexes", "af6cc1b", "idx_cards_interval", MappingProxyType({
        "idx_cards_interval": "CREATE INDEX idx_cards_interval ON cards(present, suspended, interval, easiness, due, "
                              "deck_id)",
        "idx_cards_forecast": "CREATE INDEX idx_cards_forecast ON cards(present, suspended, due, deck_id)",
        "idx_cards_stats": "CREATE INDEX idx_cards_stats ON cards(present, deck_id, suspended, due, repetitions, "
                           "interval, easiness, lapses, id)",
        "idx_review_log_card": "CREATE INDEX idx_review_log_card ON review_log(card_id, reviewed_at)",
    })),
)


@dataclass(frozen=True)
class UpgradeReport:
    """What :func:`upgrade` did: the landed edits it repaired (``"m001_initial@aa12903"``)
    and the migrations it applied, in order. Both empty when the collection was current."""

    repaired: tuple[str, ...]
    applied: tuple[str, ...]


def upgrade(db: Database, migration_set: Migrations = migrations) -> UpgradeReport:
    """Bring the collection ``db`` to the current schema in one transaction: repair the
    landed edits it carries (:data:`LANDED_EDITS`), then apply ``migration_set``'s pending
    migrations. On a current collection it only reads.

    Raises ``ValueError`` (before changing anything) if a pending migration is registered
    with ``transactional=False``; :class:`UpgradeError` if the schema after the repairs is
    not what the recorded migrations make; and whatever a failing migration raises (e.g.
    ``sqlite3.OperationalError``). In every failure the transaction is rolled back, so the
    file is left exactly as it was.
    """
    with db.atomic():
        pending = migration_set.pending(db)
        blocked = [m.name for m in pending if not m.transactional]
        if blocked:
            raise ValueError(f"migrations {blocked} cannot run inside the upgrade's transaction: "
                             "a migration that needs to run outside one must not be added")
        repaired = repair_landed_edits(db, migration_set)
        migration_set.apply(db)
    applied = tuple(m.name for m in pending)
    if COMPACTING_MIGRATIONS.intersection(applied):
        compact(db)
    return UpgradeReport(repaired, applied)


COMPACTING_MIGRATIONS = frozenset({"m010_compact_log"})
"""Migrations that rebuild a large table whole (SQLite's table rebuild), leaving its old pages free in the
file: after the upgrade that ran one, :func:`upgrade` compacts the file (:func:`compact`). m010 at 1M review-log
rows frees 187 MB of a 390 MB file (issue 16)."""


COMPACT_MIN_FREE_PAGES = 2048
"""Free pages (8 MB at SQLite's default 4 KB pages) from which :func:`compact` copies the file."""


def compact(db: Database) -> bool:
    """Give the free pages of the collection file back to the file system, after the upgrade committed:
    ``VACUUM`` (https://sqlite.org/lang_vacuum.html; it cannot run inside a transaction), then refill the
    Browse search's full-text index from the cards (FTS5's ``'rebuild'``, one transaction), because VACUUM
    may renumber the rowids of ``cards`` (no INTEGER PRIMARY KEY), which ``cards_fts`` is keyed by (m006).
    0.8 s + 0.15 s for a 1M-row log on tmpfs. Last, a checkpoint that truncates the write-ahead log, which
    the upgrade and the VACUUM grew to the size of the file (it would stay that large until the file closes).

    Returns whether it compacted: not for an in-memory database (nothing to give back: a read-only open's
    migrated copy, a fresh-schema build), inside an open transaction, or when fewer than
    :data:`COMPACT_MIN_FREE_PAGES` pages or under a quarter of the file are free (a new or small
    collection: its file stays as the migrations made it). A VACUUM that fails (e.g. no disk room
    for the copy it writes) leaves the file as it was, by SQLite's own atomicity, and is not an error: the
    upgrade is complete, and later writes reuse the free pages."""
    conn = db.conn
    files = [row[2] for row in conn.execute("PRAGMA database_list").fetchall() if row[1] == "main"]
    if conn.in_transaction or not files or not files[0]:
        return False
    (free,), (pages,) = conn.execute("PRAGMA freelist_count").fetchone(), conn.execute("PRAGMA page_count").fetchone()
    if free < COMPACT_MIN_FREE_PAGES or free * 4 < pages:  # little to give back: not worth a copy of the file
        return False
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError:
        return False
    with db.atomic():
        db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the upgrade's and the VACUUM's pages out of the -wal file
    return True


def repair_landed_edits(db: Database, migration_set: Migrations = migrations) -> tuple[str, ...]:
    """Rewrite the parts of ``db`` made by an old version of a recorded migration into what
    the current version makes; returns the repaired edits as ``"<migration>@<commit>"``.

    Call it inside a transaction (:func:`upgrade` does). Does nothing, with reads only, when
    no landed edit's fingerprint is present. Raises :class:`UpgradeError` if the recorded
    migrations are not a prefix of ``migration_set``'s, if the collection has an object the
    recorded migrations do not make, or if the result still differs from what they make.
    """
    objects = _objects(db)
    recorded = [m.name for m in migration_set.applied(db)]
    found = [e for e in LANDED_EDITS if e.migration in recorded
             and _sql(objects.get(e.fingerprint)) == e.drop[e.fingerprint]]
    if not found:
        return ()
    for edit in found:
        for name, sql in edit.drop.items():
            if _sql(objects.get(name)) == sql:
                db.execute(f'DROP INDEX "{name}"')
    reference = _reference(migration_set, recorded)
    extra = sorted(set(_objects(db)) - set(reference))
    if extra:
        raise UpgradeError(f"the collection has {extra}, which its migrations {recorded} do not make")
    _complete(db, reference)
    differences = _differences(db, reference)
    if differences:
        raise UpgradeError(f"after repairing {[e.migration for e in found]} the collection still differs "
                           f"from what its migrations make: {differences}")
    return tuple(f"{e.migration}@{e.landed_in}" for e in found)


# -- schema objects ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Object:
    type: str
    table: str
    sql: str


def _objects(db: Database) -> dict[str, _Object]:
    """The collection's tables, indexes and triggers by name, in creation order, without
    SQLite's own objects and the migrations table (sqlite-utils keeps that one)."""
    rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') "
                      "AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND tbl_name != ? ORDER BY rowid",
                      [MIGRATIONS_TABLE]).fetchall()
    return {name: _Object(kind, table, sql or "") for kind, name, table, sql in rows}


def _sql(obj: _Object | None) -> str | None:
    return None if obj is None else " ".join(obj.sql.split())


def _columns(db: Database, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_xinfo("{table}")').fetchall()]


def _reference(migration_set: Migrations, recorded: list[str]) -> dict[str, _Object]:
    """What the current versions of the ``recorded`` migrations make on an empty database."""
    scratch = Database(memory=True)
    try:
        names = [m.name for m in migration_set.pending(scratch)]
        if names[:len(recorded)] != recorded:
            raise UpgradeError(f"the recorded migrations {recorded} are not the first of {names}")
        later = names[len(recorded):]
        migration_set.apply(scratch, stop_before=later[0] if later else None)
        return _objects(scratch)
    finally:
        scratch.close()


def _complete(db: Database, reference: dict[str, _Object]) -> None:
    """Create what ``reference`` has and ``db`` lacks: tables, columns (by rebuilding the
    table with the reference's definition, keeping every row), then indexes and triggers."""
    current = _objects(db)
    for name, obj in reference.items():
        if obj.type != "table":
            continue
        if name not in current:
            db.execute(obj.sql)
        elif _columns(db, name) != _columns_of(obj.sql):
            _rebuild(db, name, obj.sql)
    current = _objects(db)
    for name, obj in reference.items():
        if obj.type != "table" and name not in current:
            db.execute(obj.sql)


def _columns_of(sql: str) -> list[str]:
    scratch = Database(memory=True)
    try:
        scratch.execute(sql)
        return _columns(scratch, scratch.table_names()[0])
    finally:
        scratch.close()


def _rebuild(db: Database, table: str, sql: str) -> None:
    """Recreate ``table`` as ``sql`` defines it (SQLite's "make other kinds of table schema
    changes" procedure, https://sqlite.org/lang_altertable.html#otheralter), copying every row;
    new columns take their defaults. Its indexes and triggers go with the old table.
    Raises :class:`UpgradeError` if the new definition would lose a column."""
    old, new = _columns(db, table), _columns_of(sql)
    lost = [c for c in old if c not in new]
    if lost:
        raise UpgradeError(f"rebuilding {table} would lose its columns {lost}")
    keep = ", ".join(f'"{c}"' for c in old)
    db.execute(f'CREATE TEMP TABLE "_legacy_{table}" AS SELECT * FROM main."{table}"')
    db.execute(f'DROP TABLE main."{table}"')
    db.execute(sql)
    db.execute(f'INSERT INTO main."{table}" ({keep}) SELECT {keep} FROM temp."_legacy_{table}"')
    db.execute(f'DROP TABLE temp."_legacy_{table}"')


def _differences(db: Database, reference: dict[str, _Object]) -> list[str]:
    """How ``db`` differs from ``reference``: objects missing or extra, indexes or triggers
    with other SQL, tables with other columns (column types and the tables' SQL text are not
    compared: they depend on the sqlite-utils version that made them)."""
    current = _objects(db)
    found = [f"missing {n}" for n in reference if n not in current]
    found += [f"extra {n}" for n in current if n not in reference]
    for name, obj in reference.items():
        have = current.get(name)
        if have is None:
            continue
        if obj.type == "table":
            if _columns(db, name) != _columns_of(obj.sql):
                found.append(f"columns of {name}")
        elif _sql(have) != _sql(obj):
            found.append(f"definition of {name}")
    return found

