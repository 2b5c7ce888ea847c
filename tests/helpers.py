"""Helpers for tests that set up collections below the façade (services and storage tests)."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from mlprep.core.clock import Clock
from mlprep.services.collection import Collection
from mlprep.services.deck_sync import SyncReport
from mlprep.storage.collection_db import CollectionDb


def storage_of(col: Collection) -> CollectionDb:
    """The stores under a façade, for arranging a test's data directly (never done by the UI)."""
    return col._storage


def collection_over(storage: CollectionDb, clock: Clock, tz: tzinfo | None = None) -> Collection:
    """A façade over already-open ``storage`` (no deck sync)."""
    return Collection(storage, clock, storage.path.parent if storage.path else Path(), SyncReport(0, 0, 0, 0, 0, ()),
                      tz=tz)
