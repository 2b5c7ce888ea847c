"""Bring the deck files into the collection at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mlprep.core.clock import Clock
from mlprep.core.deck_format import DeckError
from mlprep.services.deck_loader import load_decks
from mlprep.storage.cards import CardStore


@dataclass(frozen=True)
class SyncReport:
    """What a sync did: card counts, decks loaded, and every deck problem found."""

    added: int
    updated: int
    unchanged: int
    removed: int
    decks: int
    errors: tuple[DeckError, ...]


def sync_decks(store: CardStore, dirs: Iterable[Path], clock: Clock) -> SyncReport:
    """Load every deck under ``dirs`` into ``store``.

    New cards are added, cards whose text changed are updated, and progress is never
    touched. Cards gone from their file, and decks gone or failing to parse, leave the
    study queue but keep their progress and review log (a deck that fails to parse
    comes back intact once fixed).
    """
    result = load_decks(dirs)
    totals = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    now = clock.now()
    for deck in result.decks:
        for key, value in store.save_deck(deck, now).items():
            totals[key] += value
    store.mark_decks_absent(d.id for d in result.decks)
    return SyncReport(decks=len(result.decks), errors=result.errors, **totals)
