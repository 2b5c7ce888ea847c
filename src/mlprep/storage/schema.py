"""The names of the collection's migrations, readable without importing sqlite-utils (issue 16).

Opening a collection checks for pending migrations on every start; importing
:mod:`mlprep.storage.migrations` (and with it sqlite-utils, ~80 ms) only to learn that none are pending
would cost more than the rest of the open. So the names are listed here too, in registration order, and
``tests/storage/test_schema_names.py`` fails while this list and the registered migrations differ:
**adding a migration to** :mod:`mlprep.storage.migrations` **means adding its name here.** After adding
(or editing) a migration, also run ``scripts/make_fresh_schema.py``: it rewrites the fresh-schema snapshot
(:mod:`mlprep.storage.fresh_schema_snapshot`, which new collections are made from), and
``tests/storage/test_fresh_schema.py`` fails until it matches the migrations.
"""

from __future__ import annotations

MIGRATION_SET = "mlprep"
"""The name of the collection's ``sqlite_utils.migrations.Migrations`` set (its ``migration_set`` column)."""

MIGRATIONS_TABLE = "_sqlite_migrations"
"""The table where sqlite-utils' ``Migrations`` records each applied migration by name
(``Migrations.migrations_table``)."""

MIGRATION_NAMES: tuple[str, ...] = (
    "m001_initial",
    "m002_reading",
    "m003_stats_indexes",
    "m004_stats_summaries",
    "m005_plan",
    "m006_card_search",
    "m007_deck_files",
    "m008_due_id_index",
    "m009_answer_hours",
    "m010_compact_log",
    "m011_answer_card_indexes",
)
"""Every migration of :data:`mlprep.storage.migrations.migrations`, by name, in registration order."""
