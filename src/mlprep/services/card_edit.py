"""Edit and add cards in a deck file's Markdown, touching nothing else in the file.

A card's *block* runs from its ``## id`` heading to its last non-blank line; the blank lines after it, the
front matter, the description and every other card stay byte for byte as they were (line endings and a
byte-order mark included). A change is written only if the new file still parses and holds the same cards
in the same order with only the changed one different (:func:`mlprep.core.deck_format.parse_deck`), through
:func:`~mlprep.services.deck_writer.write_atomically`. Card blocks are found with the parser's own rules: a
heading counts only outside fenced code (:mod:`mlprep.core.fences`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlprep.core.deck_format import CARD_ID_RE, DeckError, parse_deck, parse_tags
from mlprep.core.fences import LineKind, classify_lines
from mlprep.core.latex_check import formula_problems
from mlprep.core.models import Card, CardId, Deck, DeckCounts, DeckId
from mlprep.services.deck_loader import MAX_DECK_BYTES
from mlprep.services.deck_writer import (
    CardWriteError,
    NewCard,
    card_markdown,
    card_problems,
    deck_markdown,
    new_card_id,
    normalize_text,
    slug,
    write_atomically,
)
from mlprep.storage.cards import CardStore

if TYPE_CHECKING:
    from mlprep.services.overrides import Overrides

_HEADING_RE = re.compile(r"^##[ \t]+(\S.*)$")  # mlprep.core.deck_format's card heading
_TAGS_RE = re.compile(r"^tags:\s*(.*)$", re.IGNORECASE)
_SIDE_RE = re.compile(r"^(Q|A):(?:\s|$)")


class CardEditError(ValueError):
    """An edit that cannot be made: ``str(err)`` names the file (and line when there is one) and why.
    Nothing was written."""


@dataclass(frozen=True)
class Span:
    """Where a card's block lies in a deck text: ``start``/``end`` are character offsets (``end`` is just
    after its last non-blank line, before that line's line break); ``line`` is its heading's 1-based line;
    ``newline`` the heading line's line break (``"\\n"`` when it has none)."""

    start: int
    end: int
    line: int
    newline: str


def card_spans(text: str) -> dict[str, Span]:
    """The :class:`Span` of every card heading in deck ``text`` (without a byte-order mark), by card id as
    the parser reads it; a repeated id keeps its first span. Lines are split as ``str.splitlines``
    splits them, like the parser."""
    lines = text.splitlines(keepends=True)
    kinds = classify_lines([_bare(line) for line in lines])
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    heads = [(i, m.group(1).rstrip()) for i, line in enumerate(lines)
             if kinds[i] is LineKind.TEXT and (m := _HEADING_RE.match(_bare(line)))]
    spans: dict[str, Span] = {}
    for number, (index, card_id) in enumerate(heads):
        stop = heads[number + 1][0] if number + 1 < len(heads) else len(lines)
        last = max(i for i in range(index, stop) if i == index or _bare(lines[i]).strip())
        end = offsets[last] + len(_bare(lines[last]))
        newline = lines[index][len(_bare(lines[index])):] or "\n"
        spans.setdefault(card_id, Span(offsets[index], end, index + 1, newline))
    return spans


def _bare(line: str) -> str:
    """``line`` without its line break (any that ``str.splitlines`` splits on)."""
    return line.splitlines()[0] if line.splitlines() else ""


def own_card(deck: Deck, text: str, card_id: str) -> NewCard:
    """The card ``card_id`` of parsed ``deck`` (whose file text is ``text``) as the writer takes it: its
    front, back, source and its *own* tags (its ``tags:`` line, without the deck's area, leaf and tags and
    the ``ref:`` tags of its source). Raises ``KeyError`` if the deck has no such card."""
    card = next((c for c in deck.cards if c.id == card_id), None)
    span = card_spans(text).get(card_id)
    if card is None or span is None:
        raise KeyError(card_id)
    tags: tuple[str, ...] = ()
    for line in text[span.start:span.end].splitlines()[1:]:
        if _SIDE_RE.match(line):
            break
        if (match := _TAGS_RE.match(line)) is not None:
            tags = parse_tags(match.group(1).strip())
    return NewCard(id=card.id, front=card.front, back=card.back, tags=tags, source=card.source)


def read_deck_file(path: Path) -> tuple[str, str]:
    """``(byte-order mark or "", text)`` of deck file ``path``, line breaks as they are on disk. Raises
    :class:`CardEditError` for a file that cannot be read, is over the loader's size limit or is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CardEditError(f"{path}: cannot read the deck: {exc.strerror or exc}") from exc
    if len(data) > MAX_DECK_BYTES:
        raise CardEditError(f"{path}: the deck is over {MAX_DECK_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardEditError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom, text[len(bom):]


def _parse(text: str, path: Path) -> Deck:
    try:
        return parse_deck(text, path)
    except DeckError as exc:
        raise CardEditError(f"{exc} (fix the file first: nothing was changed)") from exc


def replace_card_text(text: str, path: Path, card: NewCard) -> str:
    """Deck ``text`` with the block of ``card.id`` replaced by :func:`card_markdown` of ``card`` (in the
    file's line breaks); every character outside the block is kept. Raises :class:`CardEditError` if
    ``text`` does not parse, has no such card, or the result would not parse back to the same cards with
    only this one changed; :class:`~mlprep.services.deck_writer.CardWriteError` for text the format
    cannot hold."""
    before = _parse(text, path)
    span = card_spans(text).get(card.id)
    if span is None or all(c.id != card.id for c in before.cards):
        raise CardEditError(f"{path}: no card {card.id!r} in this deck (was the file changed outside mlprep?)")
    block = card_markdown(card).removesuffix("\n").replace("\n", span.newline)
    result = text[:span.start] + block + text[span.end:]
    _check_same_cards(before, _parse(result, path), card, path)
    return result


def _check_same_cards(before: Deck, after: Deck, card: NewCard, path: Path) -> None:
    """The edit changed exactly ``card``: same ids in the same order, the others' content as it was."""
    if [c.id for c in after.cards] != [c.id for c in before.cards]:
        raise CardEditError(f"{path}: the edit of {card.id!r} would change the deck's cards: not written")
    for old, new in zip(before.cards, after.cards, strict=True):
        if new.id != card.id and _content(old) != _content(new):
            raise CardEditError(f"{path}: the edit of {card.id!r} would change card {old.id!r}: not written")


def _content(card: Card) -> tuple[str, str, tuple[str, ...], str]:
    return card.front, card.back, card.tags, card.source


def append_card_text(text: str, path: Path, card: NewCard) -> str:
    """Deck ``text`` with ``card`` added as its last card (a blank line before it, in the file's line
    breaks); ``text`` is kept as it is, a missing final line break added. Raises :class:`CardEditError` if
    ``text`` does not parse or already uses the id, :class:`~mlprep.services.deck_writer.CardWriteError`
    for text the format cannot hold."""
    before = _parse(text, path)
    if any(c.id == card.id for c in before.cards):
        raise CardEditError(f"{path}: card id {card.id!r} is already used in this deck")
    lines = text.splitlines(keepends=True)
    newline = next((line[len(_bare(line)):] for line in lines if line[len(_bare(line)):]), "\n")
    head = text if not lines or lines[-1] != _bare(lines[-1]) else text + newline
    result = head + newline + card_markdown(card).replace("\n", newline)
    after = _parse(result, path)
    if [c.id for c in after.cards] != [*(c.id for c in before.cards), card.id]:
        raise CardEditError(f"{path}: adding {card.id!r} would change the deck's other cards: not written")
    return result


def edit_card_file(path: Path, card: NewCard) -> None:
    """Write ``card``'s new text into its block of user deck file ``path`` (:func:`replace_card_text`),
    atomically. Raises :class:`CardEditError`, ``CardWriteError`` or ``OSError``; nothing is written then."""
    bom, text = read_deck_file(path)
    write_atomically(path, bom + replace_card_text(text, path, card))


def add_card_file(path: Path, card: NewCard) -> None:
    """Append ``card`` to user deck file ``path`` (:func:`append_card_text`), atomically. Raises
    :class:`CardEditError`, ``CardWriteError`` or ``OSError``; nothing is written then."""
    bom, text = read_deck_file(path)
    write_atomically(path, bom + append_card_text(text, path, card))


def new_deck_file(folder: Path, title: str, area: str, cards: list[NewCard], taken: set[str]) -> Path:
    """Create a new deck file in ``folder`` holding ``cards``: named by the :func:`slug` of ``title``
    (``-2``, ``-3``... when that stem is in ``taken``, the deck ids in use, or a file exists). Returns its
    path. Raises ``CardWriteError`` for a bad title, area or card, ``OSError`` for a failed write."""
    text = deck_markdown(title, area, cards)
    base = slug(title) if slug(title) != "card" else "my-deck"
    stem, number = base, 2
    while stem in taken or (folder / f"{stem}.md").exists():
        stem, number = f"{base}-{number}", number + 1
    path = folder / f"{stem}.md"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)
    return path


# -- the use case: edit, add and revert through the collection ------------------------------------------------


@dataclass(frozen=True)
class NewDeck:
    """A user deck to create for a new card: its ``title`` (one line) and curriculum ``area`` slug."""

    title: str
    area: str


@dataclass(frozen=True)
class EditableCard:
    """A card as the editor shows it: ``card`` (its own tags), its deck, whether it is ``shipped`` (edits
    become an override) and whether it is ``overridden`` now."""

    card: NewCard
    deck_id: DeckId
    deck_title: str
    shipped: bool
    overridden: bool


class _Taken:
    """Every card id the collection has held (present or not): a deleted card's id is never reused."""

    def __init__(self, cards: CardStore) -> None:
        self._cards = cards

    def __contains__(self, card_id: object) -> bool:
        return isinstance(card_id, str) and self._cards.deck_of(CardId(card_id)) is not None


class CardEditor:
    """Edit, add and revert cards of a collection (the façade's :meth:`~mlprep.services.collection.Collection.
    edit_card` and friends). ``user_dir`` is the user's deck folder: its cards are edited in place, every
    other deck's through ``overrides``; ``decks`` lists the present decks; ``resync`` syncs the deck files
    into the collection after a write, so the change shows at once."""

    def __init__(self, cards: CardStore, user_dir: Path, overrides: Overrides,
                 decks: Callable[[], list[DeckCounts]], resync: Callable[[], None]) -> None:
        self._cards = cards
        self._user_dir = user_dir
        self._overrides = overrides
        self._decks = decks
        self._resync = resync

    def _deck_file(self, deck_id: DeckId) -> Path:
        path = self._cards.deck_path(deck_id)
        if path is None:
            raise CardEditError(f"no deck {deck_id!r} in the collection")
        return Path(path)

    def _is_user_file(self, path: Path) -> bool:
        return path.parent.resolve() == self._user_dir.resolve()

    def _deck_of(self, card_id: str) -> DeckId:
        deck_id = self._cards.deck_of(CardId(card_id))
        if deck_id is None:
            raise KeyError(card_id)
        return deck_id

    def is_overridden(self, card_id: str) -> bool:
        """Whether ``card_id`` is a shipped card with a saved override (not for a user card)."""
        deck_id = self._cards.deck_of(CardId(card_id))
        return (deck_id is not None and not self._is_user_file(self._deck_file(deck_id))
                and self._overrides.has(card_id))

    def editable(self, card_id: str) -> EditableCard:
        """``card_id`` as the editor shows it, its text as loaded now (an override's when there is one).
        Raises ``KeyError`` for an unknown card, :class:`CardEditError` when its deck file cannot be read."""
        deck_id = self._deck_of(card_id)
        path = self._deck_file(deck_id)
        shipped = not self._is_user_file(path)
        override = self._overrides.card(card_id) if shipped else None
        card = override or self._file_card(path, card_id)
        title = next((d.title for d in self._decks() if d.deck_id == deck_id), str(deck_id))
        return EditableCard(card, deck_id, title, shipped, override is not None)

    def _file_card(self, path: Path, card_id: str) -> NewCard:
        _bom, text = read_deck_file(path)
        try:
            return own_card(_parse(text, path), text, card_id)
        except KeyError:
            raise CardEditError(f"{path}: no card {card_id!r} in this deck (was the file changed "
                                "outside mlprep?)") from None

    def edit(self, card_id: str, front: str, back: str, tags: Sequence[str], source: str) -> Path:
        """Save new text for ``card_id``; its id and progress stay. A user card is rewritten in its deck
        file (only its block changes); a shipped card gets an override (removed again when the text is
        the shipped one). Returns the file written (or removed). Raises ``KeyError`` (unknown card),
        ``CardWriteError`` (text the format cannot hold), :class:`CardEditError` or ``OSError``."""
        path = self._deck_file(self._deck_of(card_id))
        card = NewCard(card_id, front, back, tuple(tags), source)
        if self._is_user_file(path):
            edit_card_file(path, card)
            written = path
        elif _same(card, self._file_card(path, card_id)):
            written = self._overrides.path(card_id)
            self._overrides.remove(card_id)
        else:
            written = self._overrides.save(card)
        self._resync()
        return written

    def add(self, deck: DeckId | NewDeck, front: str, back: str, tags: Sequence[str], source: str,
            card_id: str | None = None) -> CardId:
        """Add a card to user deck ``deck`` (or to a new user deck file, :func:`new_deck_file`), with
        ``card_id`` or an id made from its front (:func:`~mlprep.services.deck_writer.new_card_id`), unique
        across all decks. Returns the id. Raises :class:`CardEditError` for a shipped deck or an id in use,
        ``CardWriteError``, ``OSError``."""
        taken = _Taken(self._cards)
        new_id = card_id if card_id is not None else new_card_id(front, taken)
        if new_id in taken:
            raise CardEditError(f"card id {new_id!r} is already used in deck {self._cards.deck_of(CardId(new_id))}")
        card = NewCard(new_id, front, back, tuple(tags), source)
        if isinstance(deck, NewDeck):
            stems = {str(d) for d in self._cards.deck_ids()}
            new_deck_file(self._user_dir, deck.title, deck.area, [card], stems)
        else:
            path = self._deck_file(deck)
            if not self._is_user_file(path):
                raise CardEditError(f"{path}: a shipped deck takes no new cards: add to one of your decks")
            add_card_file(path, card)
        self._resync()
        return CardId(new_id)

    def suggested_id(self, text: str) -> str:
        """:func:`~mlprep.services.deck_writer.new_card_id` of ``text`` among every id the collection holds."""
        return new_card_id(text, _Taken(self._cards))

    def revert(self, card_id: str) -> bool:
        """Remove ``card_id``'s override: the shipped text is back. False when it had none."""
        removed = self._overrides.remove(card_id)
        if removed:
            self._resync()
        return removed

    def user_decks(self) -> list[tuple[DeckId, str]]:
        """The present user decks as ``(id, title)``, in the deck list's order."""
        return [(d.deck_id, d.title) for d in self._decks() if self._is_user_file(self._deck_file(d.deck_id))]

    def problems(self, front: str, back: str, tags: Sequence[str] = (), source: str = "", *,
                 card_id: str | None = None, new: bool = False) -> list[str]:
        """What keeps this text from being saved, one message a problem (``"front, line 2: ..."``): an empty
        side, a line the deck format cannot hold, an invalid tag, a formula that cannot be typeset
        (:func:`mlprep.core.latex_check.formula_problems`, as ``mlprep check``), and for a ``new`` card with a
        ``card_id``: an invalid id or one already used. ``[]`` when it can be saved."""
        card = NewCard(card_id or "card", front, back, tuple(tags), source)
        out = [_without_card(p) for p in card_problems(card) if p.field != "id" or (new and card_id)]
        for side, text in (("front", normalize_text(front)), ("back", normalize_text(back))):
            for offset, message in formula_problems(text):
                out.append(f"{side}, line {text[:offset].count(chr(10)) + 1}: {message}")
        if new and card_id and CARD_ID_RE.match(card_id) and card_id in _Taken(self._cards):
            out.append(f"id: {card_id!r} is already used by a card of deck "
                       f"{self._cards.deck_of(CardId(card_id))}")
        return out


def _same(a: NewCard, b: NewCard) -> bool:
    return (normalize_text(a.front), normalize_text(a.back), tuple(dict.fromkeys(a.tags)), a.source.strip()) == (
        normalize_text(b.front), normalize_text(b.back), tuple(dict.fromkeys(b.tags)), b.source.strip())


def _without_card(problem: CardWriteError) -> str:
    where = f"{problem.field}, line {problem.line}" if problem.line else problem.field
    return f"{where}: {problem.message}"
