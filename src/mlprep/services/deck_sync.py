"""Bring the deck files into the collection at start-up, skipping the files that have not changed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlprep import __version__
from mlprep.core.clock import Clock
from mlprep.core.deck_format import DeckError
from mlprep.core.models import CardId, Deck, DeckId
from mlprep.services.deck_loader import LoadResult, deck_files, load_decks, read_deck_text
from mlprep.storage.cards import CardStore, DeckFileRecord

if TYPE_CHECKING:  # imported only when a file is parsed: not on an unchanged start-up (issue 16)
    from mlprep.services.overrides import OverrideSet

RACY_NS = 2_000_000_000
"""A file modified less than this long (2 s, in ns) before the sync looked at it may change again within
the same timestamp tick without its size or modification time changing (git's "racy" files: FAT keeps
mtimes to 2 s): such a file is read and its hash compared at the next sync, not trusted on its stat."""


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
    parsed: int = 0
    """Deck files read and parsed (the others were unchanged since the last sync and skipped)."""


def sync_decks(store: CardStore, dirs: Iterable[Path], clock: Clock, *, inputs: Iterable[Path] = (),
               overrides: OverrideSet | None = None) -> SyncReport:
    """Load every deck under ``dirs`` into ``store``.

    New cards are added, cards whose text changed are updated, and progress is never
    touched. Cards gone from their file, and decks gone or failing to parse, leave the
    study queue but keep their progress and review log (a deck that fails to parse
    comes back intact once fixed). A card id found in two decks stays with the deck that holds it
    in ``store`` (:func:`~mlprep.services.deck_loader.load_decks`).

    A file that loaded without a problem last time is skipped (neither parsed nor compared) when its
    size and modification time are what the collection stored (:class:`DeckFileRecord`), or else when
    its text hashes (SHA-256) to the stored hash; then only its new modification time is stored. Files
    with problems are parsed at every sync, so their problems are reported every time. ``inputs`` are
    further files or folders whose content shapes the loaded cards (e.g. shipped-card overrides): when
    their content, or mlprep's version, differs from the last sync's, every file is parsed again.

    ``overrides`` (the user's edits of shipped cards, :mod:`mlprep.services.overrides`) replace those
    cards' text in every deck file read; pass their folder in ``inputs`` too, so that a changed override
    makes its deck be read again.
    """
    files = deck_files(dirs)
    key = inputs_key(inputs)
    reader = _Reader(store.deck_files(), key)
    present = store.present_decks()
    unchanged = [path for path in files if reader.unchanged(path, present)]
    if len(unchanged) == len(files) and len({path.stem for path in files}) == len(files):
        result = LoadResult((), (), tuple(DeckId(path.stem) for path in files))
    else:
        from mlprep.services.overrides import with_overrides

        ids = store.present_card_ids(DeckId(path.stem) for path in unchanged)
        result = load_decks(dirs, owner=store.deck_of, unchanged={p: ids.get(DeckId(p.stem), []) for p in unchanged},
                            read=with_overrides(reader.read, overrides))
    loaded = {deck.id for deck in result.decks} | set(result.unchanged)
    renamed = _renamed(store, result.decks, loaded)
    totals = {"added": 0, "updated": 0, "unchanged": sum(present.get(deck, 0) for deck in result.unchanged),
              "removed": 0}
    now = clock.now()
    with store.atomic():
        for name, value in store.save_decks(result.decks, now).items():
            totals[name] += value
        store.mark_decks_absent(loaded)
        troubled = {error.path for error in result.errors}
        fresh = [record for deck in result.decks if (record := reader.record(deck.path, deck.id)) is not None
                 and record.path not in troubled]
        fresh.extend(record for path in unchanged if (record := reader.restat(path)) is not None)
        store.save_deck_files(fresh, keep=[str(path) for path in unchanged])
    skipped = set(unchanged)
    return SyncReport(decks=len(loaded), errors=result.errors, renamed=renamed,
                      parsed=sum(path not in skipped for path in reader.texts), **totals)


def inputs_key(inputs: Iterable[Path]) -> str:
    """A SHA-256 (hex) of mlprep's version and of the name and bytes of every file in ``inputs`` (a
    folder stands for the files directly in it, by name): what the loaded cards depend on besides
    the deck files themselves. A missing input counts as empty."""
    digest = hashlib.sha256(__version__.encode())
    for item in inputs:
        paths = sorted(p for p in item.iterdir() if p.is_file()) if item.is_dir() else [item]
        for path in paths:
            digest.update(b"\0" + str(path).encode())
            try:
                digest.update(b"\0" + path.read_bytes())
            except OSError:
                digest.update(b"\0missing")
    return digest.hexdigest()


class _Reader:
    """One sync's view of the deck files: which are unchanged, their texts once read, and the records
    to store (:class:`DeckFileRecord`). ``now_ns`` is the file-system clock (not study time)."""

    def __init__(self, stored: Mapping[str, DeckFileRecord], key: str,
                 now_ns: Callable[[], int] = time.time_ns) -> None:
        self._stored = stored
        self._key = key
        self._now_ns = now_ns
        self._stats: dict[Path, tuple[int, int, int]] = {}
        self.texts: dict[Path, str] = {}
        self._hashes: dict[Path, str] = {}

    def _stat(self, path: Path) -> tuple[int, int, int] | None:
        """``(size, mtime_ns, when looked at)``, or ``None`` when the file cannot be looked at."""
        if path not in self._stats:
            checked = self._now_ns()
            try:
                info = path.stat()
            except OSError:
                return None
            self._stats[path] = (info.st_size, info.st_mtime_ns, checked)
        return self._stats[path]

    def unchanged(self, path: Path, present: Mapping[DeckId, int]) -> bool:
        """Whether ``path`` holds what it held when it last loaded without a problem, into a deck still
        present: by size and mtime (unless racy), else by reading it and comparing its hash."""
        record = self._stored.get(str(path))
        if record is None or record.inputs != self._key or record.deck_id != path.stem \
                or record.deck_id not in present or path.is_symlink():
            return False
        seen = self._stat(path)
        if seen is None:
            return False
        size, mtime_ns, _ = seen
        if (size, mtime_ns) == (record.size, record.mtime_ns) and mtime_ns < record.checked_ns - RACY_NS:
            return True
        try:
            self.read(path)
        except DeckError:
            return False
        return self._hashes[path] == record.sha256

    def read(self, path: Path) -> str:
        """The text of ``path`` (:func:`read_deck_text`), read once per sync; its hash is kept."""
        if path not in self.texts:
            self._stat(path)  # before reading: a change after this is seen by the next sync
            text = read_deck_text(path)
            self.texts[path] = text
            self._hashes[path] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.texts[path]

    def record(self, path: object, deck_id: DeckId) -> DeckFileRecord | None:
        """What to store for ``path`` after it was read and loaded into ``deck_id``."""
        file = Path(str(path))
        seen = self._stat(file)
        if seen is None or file not in self._hashes:
            return None
        return DeckFileRecord(str(file), deck_id, seen[0], seen[1], self._hashes[file], self._key, seen[2])

    def restat(self, path: Path) -> DeckFileRecord | None:
        """For an unchanged file: its record with the new size, mtime and time looked at, or ``None``
        when the stored record is still exact."""
        record = self._stored[str(path)]
        seen = self._stat(path)
        if seen is None or ((seen[0], seen[1]) == (record.size, record.mtime_ns) \
                and record.mtime_ns < record.checked_ns - RACY_NS):
            return None
        return DeckFileRecord(record.path, record.deck_id, seen[0], seen[1], record.sha256, self._key, seen[2])


def _renamed(store: CardStore, decks: Sequence[Deck], loaded: set[DeckId]) -> tuple[tuple[DeckId, DeckId], ...]:
    """Before ``decks`` are saved: each deck new to ``store`` whose cards mostly belong to one deck
    that is not among the ``loaded`` decks (parsed or unchanged) any more (its file was renamed), as
    ``(old id, new id)``."""
    if not decks or not store.has_cards():  # a new collection: no card to have moved
        return ()
    known = store.deck_ids()
    out = []
    for deck in decks:
        if deck.id in known or not deck.cards:
            continue
        holders = store.decks_holding([CardId(card.id) for card in deck.cards])
        if not holders:
            continue
        old, held = max(holders.items(), key=lambda item: item[1])
        if old not in loaded and 2 * held >= len(deck.cards):
            out.append((old, deck.id))
    return tuple(out)
