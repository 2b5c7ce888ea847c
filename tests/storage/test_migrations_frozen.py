"""Landed migrations are history: a hash of each one's source is recorded here, and editing,
renaming, removing or reordering one fails the suite. Change the schema with a new migration.

A migration's hash covers its source (decorator included) and the value of every module-level
string it reads (``ROW_CLASS_SQL``, ``_ROW_ADD`` ...): changing one of those changes what the
migration does. When a new migration lands, add its name and hash (the failure message gives
it) at the end of ``LANDED`` and regenerate the history fixtures
(``scripts/make_history_fixtures.py``).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from mlprep.storage import migrations as module

HISTORY = "landed migrations are history: add a new one"

LANDED = {
    "m001_initial": "8da5943b76ff739148dfffa67ceee9feabf1fe7dd24d8354d7ee239cd2768407",
    "m002_reading": "03c868c7316aa294c76099f2075ec41d4b5344b42fc3e511a9b8c2d7d5c5889c",
    "m003_stats_indexes": "e8edfe171a570f9b20f1d8c81da7255c5abe099b14bfdfd398a42432fa4887bc",
    "m004_stats_summaries": "5367b02c6914760f93fb80873c48b5e25063b826a7f5353f0b838d84759909ef",
    "m005_plan": "03de4cb52f5c92f453d1d19aa15213154a98160e7d2d9a97757fe7d94edeb24a",
    "m006_card_search": "84b04ef9f6a35ccc8d9db2b22e292c66414a2dced44fb43d60502906b1de71ec",
    "m007_deck_files": "ed8cf10a3b42e7aacf25ddff19f1ed11e3949e0a6b0fea307302d359c50e9de2",
    "m008_due_id_index": "f7b79c3bad6486b5ae7d58ac9e226b67004ba3e337a347f83639020a9b44f2f3",
    "m009_answer_hours": "3e36f3523f27dcc63e746bc90bef73644ff644c578ad563af84370a7d089006a",
    "m010_compact_log": "b0f522c47d26036f81c99acd54b4b9264f63d4116a2dffc32570a0665c59e50f",
    "m011_answer_card_indexes": "962f49a2c1836f6e02d1b2aaca30027b3e77b917731ac6c5f92aa014e6fdc0ea",
}


def source_hash(fn: Callable[[Database], None]) -> str:
    """SHA-256 of ``fn``'s source and of the module-level strings it reads."""
    parts = [inspect.getsource(fn).replace("\r\n", "\n")]
    for name in sorted(set(fn.__code__.co_names)):
        value = fn.__globals__.get(name)
        if isinstance(value, str):
            parts.append(f"{name} = {value!r}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def registered() -> list[Migrations._Migration]:
    return module.migrations.pending(Database(memory=True))


def test_no_landed_migration_was_edited() -> None:
    functions = {m.name: m.fn for m in registered()}
    edited = [name for name, digest in LANDED.items() if name in functions and source_hash(functions[name]) != digest]
    assert not edited, f"{HISTORY} ({', '.join(edited)} changed; put the old text back)"


def test_landed_migrations_keep_their_names_and_order() -> None:
    names = [m.name for m in registered()]
    assert names[:len(LANDED)] == list(LANDED), f"{HISTORY} (registered: {names}; landed: {list(LANDED)})"


def test_every_migration_has_its_hash_recorded() -> None:
    new = {m.name: source_hash(m.fn) for m in registered() if m.name not in LANDED}
    assert not new, f"record each new migration in LANDED when it lands: {new}"


def test_every_migration_runs_in_a_transaction() -> None:
    # mlprep.storage.legacy.upgrade runs the whole upgrade in one transaction, so that a failure
    # leaves the file as it was; a migration outside a transaction would break that.
    assert [m.name for m in registered() if not m.transactional] == []


def test_the_hash_sees_an_edit_of_a_body_and_of_a_string_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    original = source_hash(module.m003_stats_indexes)

    def m003_stats_indexes(db: Database) -> None:  # the same name, another body
        db.execute("SELECT 1")

    assert source_hash(m003_stats_indexes) != original
    monkeypatch.setattr(module, "ROW_CLASS_SQL", module.ROW_CLASS_SQL.replace("21", "30"))
    assert source_hash(module.m003_stats_indexes) != original
