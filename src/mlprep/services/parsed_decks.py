"""The shipped decks parsed ahead of time, so that a fresh data folder's first sync does not parse them (issue 16).

A new collection syncs every shipped deck (64 files, ~1,500 cards): parsing them was ~25 ms of a ~125 ms fresh
open (disk, warm cache). ``resources/parsed_decks.json``, written by ``scripts/make_parsed_decks.py``, holds
for each shipped deck that parses without a problem the SHA-256 of its text and what
:func:`~mlprep.core.deck_format.parse_deck` returned for it; its long texts (the description, each card's
front and back) are stored as ``[start, end)`` offsets into that text, which the script checks.

:meth:`StoredDecks.lookup` gives a stored deck only for a text whose SHA-256 and file stem (the deck id) are
the stored ones, and only while the parser is the one the file was made from (:func:`parser_digest`); any other
text, a missing or unreadable file, or another parser: the text is parsed as before (so a deck with a problem
is still reported with its file and line, and a file whose bytes differ is never given the stored cards):
:func:`mlprep.services.deck_loader.load_decks` asks it before parsing.
tests/services/test_parsed_decks.py fails while the file differs from what the parser gives now: **editing a
shipped deck or the parser means running** ``scripts/make_parsed_decks.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import MISSING, fields
from pathlib import Path, PurePath
from typing import Any

from mlprep.core import deck_format
from mlprep.core.deck_format import parse_deck
from mlprep.core.models import Card, CardId, Deck, DeckId

FILE_NAME = "parsed_decks.json"
"""The file's name in the shipped resources folder (:func:`mlprep.services.deck_loader.shipped_resources_dir`)."""

FORMAT = 1
"""The file's layout version (bump when :func:`entry_of` changes what it writes)."""

PARSER_SOURCES = ("deck_format.py", "fences.py", "taxonomy.py", "front_matter_loader.py")
"""The files of ``mlprep/core`` whose bytes make :func:`parser_digest` (read, not imported: the last one
imports PyYAML)."""


def parser_digest() -> str | None:
    """SHA-256 (hex) of what shapes :func:`parse_deck`'s result: the bytes of ``core/deck_format.py``,
    ``fences.py``, ``taxonomy.py`` and ``front_matter_loader.py``, and the fields of :class:`Card` and
    :class:`Deck` (not the rest of ``models.py``); ``None`` when a source file cannot be read (then nothing
    stored is used). Costs reading four small files (< 1 ms)."""
    digest = hashlib.sha256(f"{FORMAT}".encode())
    if deck_format.__file__ is None:
        return None
    core = Path(deck_format.__file__).parent
    for name in PARSER_SOURCES:
        try:
            digest.update(b"\0" + (core / name).read_bytes())
        except OSError:
            return None
    for model in (Card, Deck):
        shape = [(f.name, str(f.type), "" if f.default is MISSING else repr(f.default)) for f in fields(model)]
        digest.update(f"\0{model.__name__}{shape}".encode())
    return digest.hexdigest()


def text_digest(text: str) -> str:
    """SHA-256 (hex) of ``text`` as UTF-8: a deck text's key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StoredDecks:
    """One reading of the stored decks (:meth:`load`): a sync holds it while it loads the deck files, then
    drops it (~1.6 MB of Python objects, not kept for the life of the process)."""

    def __init__(self, entries: dict[str, dict[str, Any]]) -> None:
        self._entries = entries

    @classmethod
    def load(cls) -> StoredDecks:
        """The stored decks of :func:`stored_file` (~3 ms for the shipped decks); none when the file is missing,
        unreadable, not of this :data:`FORMAT` or made by another parser (:func:`parser_digest`)."""
        try:
            content = json.loads(stored_file().read_bytes())
        except (OSError, ValueError):
            return cls({})
        if not isinstance(content, dict) or content.get("format") != FORMAT \
                or content.get("parser") != parser_digest() or not isinstance(content.get("decks"), dict):
            return cls({})
        return cls(content["decks"])

    def lookup(self, text: str, path: PurePath | str) -> Deck | None:
        """The stored deck for ``text`` read from ``path``, or ``None`` (not stored, or stored under another
        file stem, or damaged: then parse it)."""
        entry = self._entries.get(text_digest(text))
        if entry is None:
            return None
        try:
            return build(entry, text, path)
        except (LookupError, TypeError, ValueError):  # a damaged entry: parse instead
            return None


def build(entry: dict[str, Any], text: str, path: PurePath | str) -> Deck | None:
    """The :class:`Deck` ``entry`` (from :func:`entry_of`) describes, its texts cut from ``text``, read from
    ``path``; ``None`` when ``path``'s stem is not the entry's deck id. Raises ``LookupError``,
    ``TypeError`` or ``ValueError`` for an entry that is not of that shape."""
    path = PurePath(path)
    deck_id = DeckId(path.stem)
    if entry["id"] != deck_id:
        return None

    def cut(value: Any) -> str:
        if isinstance(value, str):
            return value
        start, end = value
        return text[start:end]

    cards = tuple(Card(id=CardId(card_id), deck=deck_id, front=cut(front), back=cut(back), tags=tuple(tags),
                       source=source, line=line)
                  for card_id, front, back, tags, source, line in entry["cards"])
    return Deck(id=deck_id, title=entry["title"], area=entry["area"], leaf=entry["leaf"], path=path,
                tags=tuple(entry["tags"]), description=cut(entry["description"]), cards=cards)


def entry_of(text: str, deck: Deck) -> dict[str, Any]:
    """What the file stores for ``deck``, parsed from ``text``: each long text as ``[start, end)`` offsets
    into ``text`` where it occurs there as it is (else the text itself). For the script."""
    cursor = 0

    def span(value: str) -> Any:
        nonlocal cursor
        start = text.find(value, cursor)
        if start < 0:
            start = text.find(value)
        if start < 0:
            return value
        cursor = start + len(value)
        return [start, start + len(value)]

    description = span(deck.description)
    cards = [[card.id, span(card.front), span(card.back), list(card.tags), card.source, card.line]
             for card in deck.cards]
    return {"id": deck.id, "title": deck.title, "area": deck.area, "leaf": deck.leaf, "tags": list(deck.tags),
            "description": description, "cards": cards}


def make(files: Iterable[tuple[Path, str]]) -> dict[str, Any]:
    """The file's content for the deck files ``(path, text)``: every one that parses without a problem and
    whose front matter is read without PyYAML (whose version could change the result), each checked to
    :func:`build` back to what :func:`parse_deck` gives. For ``scripts/make_parsed_decks.py`` and the test."""
    decks: dict[str, Any] = {}
    for path, text in files:
        if not deck_format.reads_without_yaml(text):
            continue
        try:
            deck = parse_deck(text, path)
        except deck_format.DeckError:
            continue
        entry = entry_of(text, deck)
        if build(entry, text, path) != deck:
            raise AssertionError(f"{path}: the stored deck would differ from the parsed one")
        decks[text_digest(text)] = entry
    return {"format": FORMAT, "parser": parser_digest(), "decks": dict(sorted(decks.items()))}


def render(content: dict[str, Any]) -> str:
    """``content`` (:func:`make`) as the file's text: JSON, UTF-8, one deck per line."""
    lines = [f'{{"format": {content["format"]}, "parser": {json.dumps(content["parser"])}, "decks": {{']
    items = list(content["decks"].items())
    for i, (key, entry) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(key)}: {json.dumps(entry, ensure_ascii=False, separators=(',', ':'))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def stored_file() -> Path:
    """Where the stored decks are: ``parsed_decks.json`` in the shipped resources folder."""
    from mlprep.services.deck_loader import shipped_resources_dir

    return shipped_resources_dir() / FILE_NAME
