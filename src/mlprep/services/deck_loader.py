"""Find and parse deck files from several folders; one bad deck never stops the others."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from mlprep.core.deck_format import DeckError, parse_deck
from mlprep.core.models import CardId, Deck, DeckId

if TYPE_CHECKING:
    from mlprep.services.parsed_decks import StoredDecks


@dataclass(frozen=True)
class LoadResult:
    """Decks that parsed, and every problem found (in deck files or across decks)."""

    decks: tuple[Deck, ...]
    errors: tuple[DeckError, ...]
    unchanged: tuple[DeckId, ...] = ()
    """Decks left unread because their files had not changed (``load_decks(unchanged=...)``)."""


def _shipped_dir(name: str) -> Path:
    """A data folder shipped with mlprep: inside the package in an installed wheel
    (``mlprep/<name>``), or the checkout's top-level ``<name>/`` when running from source
    (editable install, ``PYTHONPATH=src``)."""
    packaged = Path(str(resources.files("mlprep"))) / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / name


def shipped_decks_dir() -> Path:
    """The folder of decks shipped with mlprep."""
    return _shipped_dir("decks")


def shipped_resources_dir() -> Path:
    """The folder of resources (style sheet, reading list) shipped with mlprep."""
    return _shipped_dir("resources")


MAX_DECK_BYTES = 2 * 1024 * 1024
"""A deck file larger than this (2 MB: the largest shipped deck is about 80 kB) is refused unread."""


def deck_files(dirs: Iterable[Path]) -> list[Path]:
    """Every ``*.md`` deck file under ``dirs`` (non-recursive), sorted by name per folder.

    ``README.md`` files are skipped so a deck folder can explain itself.
    """
    files: list[Path] = []
    for folder in dirs:
        if folder.is_dir():
            files.extend(p for p in sorted(folder.glob("*.md")) if p.name.lower() != "readme.md")
    return files


def read_deck_text(path: Path) -> str:
    """The text of deck file ``path``, read only if it is safe to: a regular file (not a FIFO, device or
    socket, which could block or never end), inside its folder once links are followed, at most
    :data:`MAX_DECK_BYTES`, UTF-8 (a byte-order mark is dropped). Raises :class:`DeckError` (line 0)
    naming the file and the reason."""
    try:
        info, real = os.lstat(path), path  # one system call for a plain file (issue 16: 64 files per fresh sync)
        if stat.S_ISLNK(info.st_mode):
            real = path.resolve(strict=True)
            if path.parent.resolve() not in real.parents:
                raise DeckError(path, 0, f"the deck is a link to {real}, outside its folder: not read")
            info = real.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DeckError(path, 0, "not a regular file (a pipe, device or socket): not read")
        if info.st_size > MAX_DECK_BYTES:
            raise DeckError(path, 0, f"the deck is {info.st_size / 1e6:.1f} MB: at most {MAX_DECK_BYTES // 2**20} MB")
        with real.open("rb") as handle:
            data = handle.read(info.st_size + 1)  # not a 2 MB buffer per file (issue 16) ...
            if len(data) > info.st_size:  # ... but a file that grew since is read on, to the limit
                data += handle.read(MAX_DECK_BYTES + 1 - len(data))
        if len(data) > MAX_DECK_BYTES:
            raise DeckError(path, 0, f"the deck is over {MAX_DECK_BYTES // 2**20} MB: not read")
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DeckError(path, line, f"not UTF-8 text (byte {exc.start}): save the deck as UTF-8") from exc
    except OSError as exc:
        raise DeckError(path, 0, f"cannot read deck: {exc.strerror or exc}") from exc


def load_decks(dirs: Iterable[Path], owner: Callable[[CardId], DeckId | None] | None = None, *,
               unchanged: Mapping[Path, Sequence[CardId]] | None = None,
               read: Callable[[Path], str] = read_deck_text) -> LoadResult:
    """Parse every deck under ``dirs``.

    A deck that fails to parse (or cannot be read) is left out and its problems are
    returned; the others load. A card id that appears in two decks is kept by the deck that
    ``owner`` says holds it already (the collection: its progress stays with the card that earned
    it), else by the first deck in file order; the other deck's card is an error and dropped.
    ``owner`` is asked only for repeated ids. A deck whose file stem repeats an earlier
    folder's deck is reported and skipped.

    ``unchanged`` (the deck sync's skip, :func:`mlprep.services.deck_sync.sync_decks`): files known
    not to have changed since they last loaded without a problem, with the ids of the cards they hold;
    they are neither read nor parsed, keep every one of their cards against a repeated id, and are
    listed in :attr:`LoadResult.unchanged`. ``read`` gives a file's text (default
    :func:`read_deck_text`; it raises :class:`DeckError`). A text that is a shipped deck's, under its file
    name, is not parsed: its stored parse is used (:mod:`mlprep.services.parsed_decks`, the same result).
    """
    parsed: list[tuple[Path, Deck]] = []
    errors: list[DeckError] = []
    seen_decks: dict[str, Path] = {}
    known = unchanged or {}
    skipped: list[tuple[Path, Sequence[CardId]]] = []
    files = list(deck_files(dirs))
    stored = _stored_decks() if len(known) < len(files) else None
    for path in files:
        if path.stem in seen_decks:
            errors.append(DeckError(path, 0, f"deck id {path.stem!r} is already used by {seen_decks[path.stem]}"))
            continue
        if path in known:
            seen_decks[path.stem] = path
            skipped.append((path, known[path]))
            continue
        try:
            text = read(path)
            found = stored.lookup(text, path) if stored is not None else None
            deck = found if found is not None else parse_deck(text, path)
        except DeckError as exc:
            errors.extend(exc.problems)
            continue
        except Exception as exc:  # a bug of ours on a strange file must not stop the other decks
            errors.append(DeckError(path, 0, f"cannot load deck ({type(exc).__name__}): {exc}"))
            continue
        seen_decks[path.stem] = path
        parsed.append((path, deck))
    holders: dict[CardId, list[int]] = {}
    for index, (_, deck) in enumerate(parsed):
        for card in deck.cards:
            holders.setdefault(card.id, []).append(index)
    if parsed:  # a card id repeated in a skipped deck stays there: the skipped deck keeps all its cards
        for index, (_, ids) in enumerate(skipped, start=len(parsed)):
            for card_id in ids:
                if card_id in holders:
                    holders[card_id].append(index)
    keeper = {card_id: indexes[-1] if indexes[-1] >= len(parsed) else _keeper(card_id, indexes, parsed, owner)
              for card_id, indexes in holders.items() if len(indexes) > 1}
    decks: list[Deck] = []
    for index, (path, deck) in enumerate(parsed):
        kept = []
        for card in deck.cards:
            if keeper.get(card.id, index) != index:
                holder = parsed[keeper[card.id]][0] if keeper[card.id] < len(parsed) \
                    else skipped[keeper[card.id] - len(parsed)][0]
                errors.append(DeckError(path, card.line, f"card id {card.id!r} is already used in {holder.name}"))
            else:
                kept.append(card)
        decks.append(deck if len(kept) == len(deck.cards) else replace(deck, cards=tuple(kept)))
    rank = {str(path): i for i, path in enumerate(files)}
    errors.sort(key=lambda e: (rank.get(e.path, len(rank)), e.line))  # file order, then line
    return LoadResult(tuple(decks), tuple(errors), tuple(DeckId(path.stem) for path, _ in skipped))


def _stored_decks() -> StoredDecks:
    """The shipped decks' stored parse (:class:`mlprep.services.parsed_decks.StoredDecks`), read for one load
    (imported when a file is to be parsed: an unchanged start-up parses nothing)."""
    from mlprep.services.parsed_decks import StoredDecks

    return StoredDecks.load()


def _keeper(card_id: CardId, indexes: list[int], parsed: list[tuple[Path, Deck]],
            owner: Callable[[CardId], DeckId | None] | None) -> int:
    """Which of the decks ``indexes`` keeps ``card_id``: its owner in the collection, else the first."""
    held_by = owner(card_id) if owner is not None else None
    return next((i for i in indexes if parsed[i][1].id == held_by), indexes[0])
