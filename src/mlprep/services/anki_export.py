"""Export decks as an Anki package (``.apkg``, through genanki) or as CSV.

The package (genanki writes the legacy ``collection.anki2`` format, which Anki and AnkiDroid import):

* one deck per mlprep deck, named ``mlprep::<area>::<deck title>`` (Anki nests decks on ``::``), with a
  deck id derived from that name, so a second export lands in the same decks;
* one note type, :data:`MODEL_NAME` with the fixed id :data:`MODEL_ID`, fields Front, Back, Source and a
  hidden ``mlprep`` field (JSON: the card id, its Markdown, a digest of the exported HTML and the media name
  of each image ``src``) that lets
  :mod:`mlprep.services.anki_import` give back the exact Markdown of a note not edited in Anki since;
* one note per card whose GUID is ``genanki.guid_for(card id)``: importing a later export into Anki updates
  the notes instead of duplicating them;
* HTML from :class:`mlprep.services.card_html.MarkdownToHtml` (math as MathJax ``\\(..\\)``/``\\[..\\]``,
  which Anki and AnkiDroid typeset; code highlighted with inline styles), the card's tags, the source on
  the back, and every image a card shows (from its deck's folder) as package media, renamed to a flat
  unique name (Anki's media folder has no subfolders).

The CSV has the columns :data:`mlprep.services.csv_import.COLUMNS` (front, back, tags, source, deck) and is
read back by ``mlprep import``. Both files are written to a temporary file and renamed into place.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlprep.core.models import Card, Deck
from mlprep.services.card_html import MarkdownToHtml
from mlprep.services.deck_writer import write_atomically

MODEL_ID = 1_731_515_026
"""The note type's id: fixed forever, so that every export's notes share one note type in Anki."""
MODEL_NAME = "mlprep Basic"
_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; color: black; background: white; }
.source { margin-top: 1.2em; font-size: 0.8em; color: #666; }
table { border-collapse: collapse; } td, th { border: 1px solid #aaa; padding: 2px 6px; }
"""


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: ``path``, ``cards`` notes in ``decks`` decks, ``media`` image files."""

    path: Path
    cards: int
    decks: int
    media: int

    def text(self) -> str:
        """One line for the CLI and the GUI."""
        media = f", {self.media} images" if self.media else ""
        return f"exported {self.cards} cards in {self.decks} decks{media} to {self.path}"


def html_digest(front_html: str, back_html: str) -> str:
    """The SHA-1 (hex) of a note's Front and Back HTML as exported: on import, equal means not edited."""
    return hashlib.sha1(f"{front_html}\x1f{back_html}".encode()).hexdigest()


def anki_deck_name(deck: Deck) -> str:
    """``mlprep::<area>::<title>`` (``::`` inside the title becomes ``:``, so it does not nest further)."""
    return f"mlprep::{deck.area}::{deck.title.replace('::', ':')}"


def _deck_id(name: str) -> int:
    """A stable Anki deck id for ``name``: 31 bits of its SHA-1, above 2**30 (ids Anki's own decks use)."""
    return (1 << 30) | int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) & ((1 << 30) - 1)


def _model() -> Any:
    import genanki

    return genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}, {"name": "mlprep"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}{{#Source}}<div class="source">{{Source}}</div>{{/Source}}',
        }],
        css=_CSS,
    )


class _Media:
    """The images of exported cards: each deck-relative ``src`` -> a flat unique file name in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[Path, str] = {}

    def name_for(self, deck: Deck, src: str) -> str | None:
        from urllib.parse import unquote

        base = Path(deck.path).parent
        path = (base / unquote(src)).resolve()
        if base.resolve() not in path.parents or not path.is_file():
            return None
        if path not in self.files:
            flat = f"{deck.id}-{'-'.join(path.relative_to(base.resolve()).parts)}"
            (self.folder / flat).write_bytes(path.read_bytes())
            self.files[path] = flat
        return self.files[path]


def export_apkg(decks: Sequence[Deck], out: Path) -> ExportSummary:
    """Write ``decks`` as an Anki package at ``out`` (module docstring). Raises ``OSError`` when ``out``
    cannot be written (then it is left as it was)."""
    import genanki

    model = _model()
    to_html = MarkdownToHtml("default")
    anki_decks = []
    with tempfile.TemporaryDirectory(prefix="mlprep-export-") as folder:
        media = _Media(Path(folder))
        count = 0
        for deck in decks:
            name = anki_deck_name(deck)
            anki_deck = genanki.Deck(_deck_id(name), name)
            for card in deck.cards:
                anki_deck.add_note(_note(genanki, model, to_html, media, deck, card))
                count += 1
            anki_decks.append(anki_deck)
        package = genanki.Package(anki_decks, media_files=[str(Path(folder) / n) for n in media.files.values()])
        fd, temp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        os.close(fd)
        try:
            package.write_to_file(temp_name)
            os.replace(temp_name, out)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
    return ExportSummary(out, count, len(anki_decks), len(media.files))


def _note(genanki: Any, model: Any, to_html: MarkdownToHtml, media: _Media, deck: Deck, card: Card) -> Any:
    import html

    images: dict[str, str] = {}

    def image(src: str) -> str | None:
        name = media.name_for(deck, src)
        if name is not None:
            images[src] = name
        return name

    front, back = to_html(card.front, image), to_html(card.back, image)
    saved = json.dumps({"id": card.id, "front": card.front, "back": card.back, "html": html_digest(front, back),
                        "images": images}, ensure_ascii=False)
    return genanki.Note(model=model, fields=[front, back, html.escape(card.source), saved],
                        tags=list(dict.fromkeys(card.tags)), guid=genanki.guid_for(card.id))


def export_csv(decks: Sequence[Deck], out: Path) -> ExportSummary:
    """Write every card of ``decks`` as CSV at ``out``: front, back, tags (space-separated), source, deck
    (its title). Raises ``OSError`` when ``out`` cannot be written (then it is left as it was)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["front", "back", "tags", "source", "deck"])
    count = 0
    for deck in decks:
        for card in deck.cards:
            writer.writerow([card.front, card.back, " ".join(card.tags), card.source, deck.title])
            count += 1
    write_atomically(out, buffer.getvalue())
    return ExportSummary(out, count, len(decks), 0)
