"""Open a user's collection: the database plus the decks synced into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlprep.core.clock import Clock
from mlprep.services.deck_loader import shipped_decks_dir
from mlprep.services.deck_sync import SyncReport, sync_decks
from mlprep.storage.cards import CardStore
from mlprep.storage.db import open_db

DB_FILE = "collection.sqlite3"


@dataclass
class Collection:
    """An open collection: its store, the clock it uses and the start-up sync report."""

    data_dir: Path
    store: CardStore
    clock: Clock
    sync: SyncReport

    def close(self) -> None:
        """Close the database connection."""
        self.store.db.close()


def open_collection(data_dir: Path, clock: Clock, deck_dirs: list[Path] | None = None) -> Collection:
    """Open (creating) the collection in ``data_dir`` and sync the decks into it.

    ``deck_dirs`` defaults to the shipped decks plus ``data_dir/decks`` (the user's own).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "decks").mkdir(exist_ok=True)
    store = CardStore(open_db(data_dir / DB_FILE))
    dirs = deck_dirs if deck_dirs is not None else [shipped_decks_dir(), data_dir / "decks"]
    report = sync_decks(store, dirs, clock)
    return Collection(data_dir=data_dir, store=store, clock=clock, sync=report)
