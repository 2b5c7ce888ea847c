"""Overrides of shipped cards: the user's edit of a card that lives in the package.

A shipped deck is replaced by every update of mlprep, so an edit of one of its cards is kept in the data
folder instead, one file a card: ``<data dir>/overrides/<card-id>.md`` holding that card's block in the deck
format (``## id``, ``tags:``, ``source:``, ``Q:``, ``A:``; docs/deck-format.md). When the decks load, the
override's block takes the place of the card's block in the shipped deck's text before it is parsed
(:func:`with_overrides`), so the card gets the override's front, back, source and own tags plus its deck's
area, leaf and tags, and keeps its id and therefore its progress. The override survives any update of the
shipped text; removing the file ("Revert to shipped") brings the shipped text back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mlprep.core.deck_format import CARD_ID_RE, DeckError, parse_deck
from mlprep.services.deck_loader import read_deck_text
from mlprep.services.deck_writer import NewCard, card_markdown, write_atomically

_HOLDER = "---\ntitle: override\narea: sql\n---\n\n"
"""A front matter that makes an override's one block a deck the parser reads."""

Reader = Callable[[Path], str]
"""Gives a deck file's text (:func:`mlprep.services.deck_loader.read_deck_text`)."""


@dataclass(frozen=True)
class OverrideSet:
    """The overrides in force for one sync: ``blocks`` maps card id to its block text (``\\n`` line
    breaks, no final one); ``problems`` lists override files that were not used, and why; decks in
    ``exclude`` (the user's own deck folder: those cards are edited in place) are never overridden."""

    blocks: dict[str, str]
    problems: tuple[DeckError, ...] = ()
    exclude: frozenset[Path] = field(default_factory=frozenset)

    def apply(self, path: Path, text: str) -> str:
        """Deck ``text`` (file ``path``) with the block of each overridden card it holds replaced by the
        override's block, in the file's line breaks; ``text`` itself when it holds none."""
        if not self.blocks or path.parent in self.exclude:
            return text
        hits = [card_id for card_id in self.blocks if card_id in text]  # a cheap test before the line scan
        if not hits:
            return text
        from mlprep.services.card_edit import card_spans  # card editing (and its LaTeX checks) loads on use

        spans = card_spans(text)
        for card_id in sorted((i for i in hits if i in spans), key=lambda i: spans[i].start, reverse=True):
            span = spans[card_id]
            text = text[:span.start] + self.blocks[card_id].replace("\n", span.newline) + text[span.end:]
        return text


class Overrides:
    """The folder of shipped-card overrides (``<data dir>/overrides``); ``exclude`` are deck folders whose
    cards are never overridden (the user's decks). Nothing is created until the first :meth:`save`."""

    def __init__(self, folder: Path, *, exclude: Iterable[Path] = ()) -> None:
        self.folder = folder
        self.exclude = frozenset(exclude)

    def path(self, card_id: str) -> Path:
        """The override file of ``card_id``; ``ValueError`` for an id that is not a card id (which could
        name a file outside the folder)."""
        if not CARD_ID_RE.match(card_id):
            raise ValueError(f"not a card id: {card_id!r}")
        return self.folder / f"{card_id}.md"

    def ids(self) -> frozenset[str]:
        """The card ids that have an override file (usable or not), for marking many cards at once."""
        if not self.folder.is_dir():
            return frozenset()
        return frozenset(p.stem for p in self.folder.glob("*.md") if CARD_ID_RE.match(p.stem))

    def has(self, card_id: str) -> bool:
        """Whether ``card_id`` has an override file."""
        return CARD_ID_RE.match(card_id) is not None and self.path(card_id).is_file()

    def save(self, card: NewCard) -> Path:
        """Write (or replace) ``card``'s override, atomically; returns its file. Raises ``CardWriteError``
        for text the format cannot hold, ``OSError`` for a failed write (the old override then stays)."""
        block = card_markdown(card)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(card.id)
        write_atomically(path, block)
        return path

    def remove(self, card_id: str) -> bool:
        """Delete ``card_id``'s override ("Revert to shipped"); False when it had none."""
        path = self.path(card_id)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            return True
        return False

    def card(self, card_id: str) -> NewCard | None:
        """``card_id``'s override as a card (its own tags), or ``None`` without a usable one."""
        path = self.path(card_id)
        if not path.is_file():
            return None
        from mlprep.services.card_edit import own_card  # not at import: every open builds an Overrides

        try:
            text = _HOLDER + read_deck_text(path)
            return own_card(parse_deck(text, path), text, card_id)
        except (DeckError, KeyError):
            return None

    def snapshot(self) -> OverrideSet:
        """The overrides in force now. An override file that cannot be read, does not parse, holds other
        than one card or a card whose id is not its file name is left out and listed in ``problems``
        (its card keeps the shipped text)."""
        blocks: dict[str, str] = {}
        problems: list[DeckError] = []
        files = sorted(self.folder.glob("*.md")) if self.folder.is_dir() else []
        for path in files:
            try:
                text = read_deck_text(path)
                deck = parse_deck(_HOLDER + text, path)
            except DeckError as exc:
                line = max(0, exc.line - _HOLDER.count("\n"))
                problems.append(DeckError(path, line, f"override not used: {exc.message}"))
                continue
            if [card.id for card in deck.cards] != [path.stem]:
                problems.append(DeckError(path, 0, f"override not used: it must hold one card, ## {path.stem}"))
                continue
            blocks[path.stem] = "\n".join(text.splitlines()).strip()
        return OverrideSet(blocks, tuple(problems), self.exclude)


def with_overrides(read: Reader, overrides: OverrideSet | None) -> Reader:
    """``read`` with ``overrides`` applied to the text of every deck it reads (:meth:`OverrideSet.apply`);
    ``read`` itself when ``overrides`` is ``None``. The deck sync's one hook for overrides."""
    if overrides is None:
        return read
    return lambda path: overrides.apply(path, read(path))
