"""Bring the deck files into the collection at start-up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mlprep.core.clock import Clock
from mlprep.core.deck_format import DeckError
from mlprep.core.models import Deck, DeckId
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
    renamed: tuple[tuple[DeckId, DeckId], ...] = ()
    """Decks whose file was renamed, ``(old id, new id)``: a deck new to the collection that holds
    at least half of the cards of a deck whose file is gone (ids are file stems)."""


def sync_decks(store: CardStore, dirs: Iterable[Path], clock: Clock) -> SyncReport:
    """Load every deck under ``dirs`` into ``store``.

    New cards are added, cards whose text changed are updated, and progress is never
    touched. Cards gone from their file, and decks gone or failing to parse, leave the
    study queue but keep their progress and review log (a deck that fails to parse
    comes back intact once fixed). A card id found in two decks stays with the deck that holds it
    in ``store`` (:func:`~mlprep.services.deck_loader.load_decks`).
    """
    result = load_decks(dirs, owner=store.deck_of)
    renamed = _renamed(store, result.decks)
    totals = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    now = clock.now()
    for deck in result.decks:
        for key, value in store.save_deck(deck, now).items():
            totals[key] += value
    store.mark_decks_absent(d.id for d in result.decks)
    return SyncReport(decks=len(result.decks), errors=result.errors, renamed=renamed, **totals)


def _renamed(store: CardStore, decks: Sequence[Deck]) -> tuple[tuple[DeckId, DeckId], ...]:
    """Before ``decks`` are saved: each deck new to ``store`` whose cards mostly belong to one deck
    that is not among ``decks`` any more (its file was renamed), as ``(old id, new id)``."""
    known = store.deck_ids()
    loaded = {deck.id for deck in decks}
    out = []
    for deck in decks:
        if deck.id in known or not deck.cards:
            continue
        holders = store.decks_holding([card.id for card in deck.cards])
        if not holders:
            continue
        old, held = max(holders.items(), key=lambda item: item[1])
        if old not in loaded and 2 * held >= len(deck.cards):
            out.append((old, deck.id))
    return tuple(out)
