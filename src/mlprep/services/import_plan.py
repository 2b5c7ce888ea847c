"""What an import will write, worked out before anything is written (CSV and Anki packages alike).

An importer (:mod:`mlprep.services.csv_import`, :mod:`mlprep.services.anki_import`) turns its file into
:class:`DraftCard` s; :func:`build_plan` gives them card ids unique across the collection, groups them
into user decks (one file per deck, under :data:`MAX_PART_BYTES` each: the loader refuses deck files over
2 MB) and renders each deck's Markdown with :mod:`mlprep.services.deck_writer`. The plan is checked whole
(every deck file name free, every card writable) before :meth:`mlprep.services.collection.Collection.
apply_import` writes anything, so bad input leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Collection as Container
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mlprep.core.deck_format import CARD_ID_RE
from mlprep.core.models import CardId, CardProgress, DeckId
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.deck_writer import CardWriteError, NewCard, deck_markdown, new_card_id, sanitized, slug

DEFAULT_AREA = "challenges"
"""The curriculum area an imported deck goes under when neither the caller nor the package names one."""

MAX_PART_BYTES = 1_500_000
"""A deck's Markdown above this many bytes is split into parts ("Title (2)", ...): the loader refuses
deck files over 2 MB (:data:`mlprep.services.deck_loader.MAX_DECK_BYTES`)."""

Progress = Callable[[int, int], None]
"""``progress(done, total)``: notes (or rows) converted so far out of all of them."""


class ImportProblem(ValueError):
    """A file that cannot be imported: ``path``, a 1-based ``line`` (0: the whole file) and ``message``.
    ``str(err)`` reads ``"deck.csv:12: message"`` (``"deck.apkg: message"`` without a line). Nothing was
    written when it is raised."""

    def __init__(self, path: Path | str, message: str, line: int = 0) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path.name}:{line}" if line else self.path.name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Scheduling:
    """Progress carried over for one imported card (SM-2 terms): ``repetitions`` successful recalls in a
    row, ``easiness`` the ease factor EF, ``interval`` in days, ``due`` the study day it is next due
    (``None``: still new, e.g. a suspended new card),
    ``lapses``, ``reviews`` (answers given) and ``suspended``."""

    repetitions: int
    easiness: float
    interval: int
    due: date | None
    lapses: int = 0
    reviews: int = 0
    suspended: bool = False


@dataclass(frozen=True)
class DraftCard:
    """One card to import: Markdown ``front``/``back``, ``tags``, ``source``, the name of the deck it
    belongs in (``deck``: "" for the import's default deck), its carried ``scheduling`` (``None``: new)
    ``area`` (a curriculum slug the package names, or "") and the ``card_id`` it wants (kept when free)."""

    front: str
    back: str
    tags: tuple[str, ...] = ()
    source: str = ""
    deck: str = ""
    scheduling: Scheduling | None = None
    area: str = ""
    card_id: str = ""


@dataclass(frozen=True)
class Drafts:
    """What an importer read from ``source``: the cards, the media files the cards reference (path
    relative to the deck folder -> bytes), ``notes`` read, skipped notes or cards by reason, and
    ``notices``."""

    source: Path
    cards: tuple[DraftCard, ...]
    notes: int
    skipped: Counter[str] = field(default_factory=Counter)
    media: dict[str, bytes] = field(default_factory=dict)
    notices: Counter[str] = field(default_factory=Counter)
    """Notes read in a way the user should know about (e.g. an unknown note type: first field the
    front), by what was done."""


@dataclass(frozen=True)
class PlannedDeck:
    """One deck file to write: ``deck_id`` (the file stem), ``title``, ``area``, its Markdown ``text`` and
    its ``cards``."""

    deck_id: DeckId
    title: str
    area: str
    text: str
    cards: tuple[NewCard, ...]


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import writes: deck files, media files (relative to ``<data dir>/decks``) and the
    progress of the cards that had some; ``drafts`` is what was read."""

    drafts: Drafts
    decks: tuple[PlannedDeck, ...]
    progress: tuple[CardProgress, ...]
    media: dict[str, bytes]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: from ``source``, ``notes`` read into ``cards`` cards in ``decks``
    (``(deck id, title)``), ``with_progress`` of them carrying their scheduling, ``media`` files copied,
    ``skipped`` by reason."""

    source: Path
    notes: int
    cards: int
    decks: tuple[tuple[DeckId, str], ...]
    with_progress: int
    media: int
    skipped: dict[str, int]
    notices: dict[str, int] = field(default_factory=dict)

    def text(self) -> str:
        """The summary as the CLI and the dialog show it, e.g. ``imported 3 notes → 4 cards into deck
        "Spanish" (2 with their progress); skipped 1: empty note (1)``."""
        names = ", ".join(f'"{title}"' for _, title in self.decks) or "no deck"
        deck_word = "deck" if len(self.decks) == 1 else "decks"
        notes = f"{self.notes} note" + ("" if self.notes == 1 else "s")
        cards = f"{self.cards} card" + ("" if self.cards == 1 else "s")
        out = f"imported {notes} → {cards} into {deck_word} {names}"
        extras = []
        if self.with_progress:
            extras.append(f"{self.with_progress} with their progress")
        if self.media:
            extras.append(f"{self.media} media files")
        if extras:
            out += f" ({', '.join(extras)})"
        for notice, count in sorted(self.notices.items()):
            out += f"; {count} {notice}"
        skipped = sum(self.skipped.values())
        if skipped:
            reasons = ", ".join(f"{reason} ({count})" for reason, count in sorted(self.skipped.items()))
            out += f"; skipped {skipped}: {reasons}"
        return out


def summary_of(plan: ImportPlan) -> ImportSummary:
    """The :class:`ImportSummary` of ``plan`` once applied."""
    return ImportSummary(plan.drafts.source, plan.drafts.notes, sum(len(d.cards) for d in plan.decks),
                         tuple((d.deck_id, d.title) for d in plan.decks), len(plan.progress), len(plan.media),
                         dict(plan.drafts.skipped), dict(plan.drafts.notices))


def build_plan(drafts: Drafts, *, deck_title: str | None, area: str | None, taken_cards: Container[str],
               taken_decks: Container[str]) -> ImportPlan:
    """Group ``drafts`` into deck files. With ``deck_title`` every card goes into that one deck, else each
    card into a deck named after its ``deck`` (the file's name without suffix when empty). ``area``
    (default: the card's own, else :data:`DEFAULT_AREA`) is the deck's curriculum area. Card ids come
    from each front (:func:`~mlprep.services.deck_writer.new_card_id`), unique against ``taken_cards``
    (every id in the collection); deck ids from the title (:func:`deck_id_for`).
    Raises :class:`ImportProblem` when there is nothing to import, an area is unknown, a deck id is in
    ``taken_decks`` (a deck file or shipped deck of that name exists) or a card cannot be written."""
    source = drafts.source
    if area is not None and area not in AREAS_BY_SLUG:
        raise ImportProblem(source, f"unknown area {area!r}: use one of {', '.join(AREAS_BY_SLUG)}")
    if not drafts.cards:
        raise ImportProblem(source, "nothing to import" + _skipped_note(drafts.skipped))
    groups: dict[str, list[DraftCard]] = {}
    for card in drafts.cards:
        name = (deck_title or card.deck or source.stem).strip() or source.stem
        groups.setdefault(name, []).append(card)
    used_ids: set[str] = set()
    taken = _Union(taken_cards, used_ids)
    decks: list[PlannedDeck] = []
    progress: list[CardProgress] = []
    for title, cards in groups.items():
        deck_area = area or next((c.area for c in cards if c.area in AREAS_BY_SLUG), DEFAULT_AREA)
        written: list[NewCard] = []
        for card in cards:
            wanted = card.card_id if card.card_id and CARD_ID_RE.match(card.card_id) else ""
            card_id = wanted if wanted and wanted not in taken else new_card_id(card.front, taken)
            new = sanitized(NewCard(card_id, card.front, card.back, card.tags, card.source))
            used_ids.add(new.id)
            written.append(new)
            if card.scheduling is not None:
                s = card.scheduling
                progress.append(CardProgress(CardId(new.id), s.repetitions, s.easiness, s.interval, s.due,
                                             lapses=s.lapses, reviews=s.reviews, suspended=s.suspended))
        decks.extend(_parts(source, title, deck_area, written))
    seen: set[str] = set()
    for deck in decks:
        if deck.deck_id in taken_decks or deck.deck_id in seen:
            raise ImportProblem(source, f'a deck "{deck.title}" (file {deck.deck_id}.md) already exists: '
                                        "import under another name (--deck NAME)")
        seen.add(deck.deck_id)
    return ImportPlan(drafts, tuple(decks), tuple(progress), dict(drafts.media))


def _skipped_note(skipped: Counter[str]) -> str:
    if not skipped:
        return ""
    return " (skipped: " + ", ".join(f"{reason} ({count})" for reason, count in sorted(skipped.items())) + ")"


class _Union:
    """``x in _Union(a, b)``: ``x`` in ``a`` or in ``b`` (the collection's ids plus the import's own)."""

    def __init__(self, *parts: Container[str]) -> None:
        self._parts = parts

    def __contains__(self, item: object) -> bool:
        return any(item in part for part in self._parts)


def _parts(source: Path, title: str, area: str, cards: Sequence[NewCard]) -> list[PlannedDeck]:
    """One deck (or several "Title (n)" parts, each under :data:`MAX_PART_BYTES`) holding ``cards``."""
    chunks: list[list[NewCard]] = [[]]
    size = 0
    for card in cards:
        length = len(card.front.encode()) + len(card.back.encode()) + len(card.source.encode()) + 120
        if chunks[-1] and size + length > MAX_PART_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(card)
        size += length
    out = []
    for number, chunk in enumerate(chunks, 1):
        name = title if len(chunks) == 1 else f"{title} ({number})"
        try:
            text = deck_markdown(name, area, chunk)
        except CardWriteError as error:
            raise ImportProblem(source, f'deck "{name}": {error}') from error
        out.append(PlannedDeck(DeckId(deck_id_for(name)), name, area, text, tuple(chunk)))
    return out


def deck_id_for(title: str) -> str:
    """The deck id (file stem) of a deck named ``title``: its :func:`~mlprep.services.deck_writer.slug`, or
    ``deck-<8 hex digits of its SHA-1>`` when it has no ASCII letter or digit ("日本語" would slug to "card",
    like every other such title)."""
    if re.search(r"[A-Za-z0-9]", title):
        return slug(title)
    return "deck-" + hashlib.sha1(title.encode()).hexdigest()[:8]

