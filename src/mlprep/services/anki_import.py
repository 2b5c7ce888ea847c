"""Read an Anki package (``.apkg`` deck export or ``.colpkg`` collection export) into draft cards.

The package format, as Anki's source defines it (ankitects/anki, read, not copied: its code is AGPL;
``rslib/src/import_export/package/meta.rs``, ``media.rs``, ``proto/anki/import_export.proto``):

* a zip archive. A ``meta`` member, when present, is a protobuf ``PackageMetadata`` whose field 1
  (varint) is the version: 1 ``collection.anki2``, 2 ``collection.anki21`` (both plain SQLite, schema 11),
  3 ``collection.anki21b`` (zstd-compressed SQLite, schema 18). Without ``meta``: ``collection.anki21``
  if present, else ``collection.anki2``. A current package also holds a dummy ``collection.anki2``
  whose one note asks to update Anki: it is never read when ``meta`` says version 3.
* ``media``: for versions 1–2 a JSON map ``{"0": "photo.jpg", ...}`` from zip member name to file name;
  for version 3 a zstd-compressed protobuf ``MediaEntries``: field 1 repeated ``MediaEntry`` (field 1
  ``name`` string, 2 ``size``, 3 ``sha1``, 255 ``legacy_zip_filename`` varint); the *n*-th entry's file
  is the member named ``str(n)`` (or its ``legacy_zip_filename``), zstd-compressed in version 3.
* a note type's kind, in schema 18, is field 1 (varint: 0 normal, 1 cloze) of the protobuf
  ``Notetype.Config`` in ``notetypes.config`` (``proto/anki/notetypes.proto``).

Notes become cards (:func:`read_package`): Basic-like note types (two fields, one or two templates) one
card per card Anki generated (template 2 is the reverse); Cloze notes one card per cloze number that has a
card, front with ``[...]`` (or the hint), back with the text; other note types the first field as the
front and the rest as the back (counted in the summary). Scheduling is carried (:func:`scheduling`).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from mlprep.core.sm2 import INITIAL_EASINESS, MIN_EASINESS
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.card_html import html_to_markdown, plain_text
from mlprep.services.import_plan import DraftCard, Drafts, ImportProblem, Progress, Scheduling
from mlprep.storage.anki_package import (
    AnkiCard,
    AnkiCollection,
    AnkiNote,
    AnkiNotetype,
    PackageDbError,
    read_collection,
)

MAX_COLLECTION_BYTES = 4 * 2**30
"""An unpacked collection larger than this (4 GB) is refused: a zip or zstd bomb, not a deck."""
MAX_MEDIA_BYTES = 50 * 2**20
"""A media file larger than this (50 MB) is not copied (counted as skipped)."""
EXPORT_MODEL = "mlprep Basic"
"""The note type :mod:`mlprep.services.anki_export` writes; its hidden ``mlprep`` field holds the card's
id and Markdown, used on import when the note's HTML is still what was exported."""

_CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
_PROGRESS_EVERY = 200


# -- protobuf, by hand: only varints and length-delimited fields are needed ------------------------------


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def protobuf_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """``(field number, value)`` for each field of a protobuf message: an int for varints (wire type 0),
    bytes for length-delimited fields (2); fixed-size fields (1, 5) are skipped. Raises ``ValueError`` on
    malformed bytes. Source: the protobuf encoding guide (protobuf.dev/programming-guides/encoding)."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, value
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated field")
            yield number, data[pos:pos + length]
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")


def package_version(meta: bytes) -> int:
    """``PackageMetadata.version`` (field 1) from the ``meta`` member's bytes (0 when absent)."""
    return next((int(v) for n, v in protobuf_fields(meta) if n == 1 and isinstance(v, int)), 0)


def media_entries(data: bytes) -> dict[str, str]:
    """A version-3 ``MediaEntries`` message (already decompressed) as ``{zip member: file name}``."""
    out: dict[str, str] = {}
    index = 0
    for number, value in protobuf_fields(data):
        if number != 1 or not isinstance(value, bytes):
            continue
        name, member = "", str(index)
        for inner, field in protobuf_fields(value):
            if inner == 1 and isinstance(field, bytes):
                name = field.decode("utf-8")
            elif inner == 255 and isinstance(field, int):
                member = str(field)
        out[member] = name
        index += 1
    return out


# -- the package ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Package:
    collection: AnkiCollection
    media_names: dict[str, str]  # file name -> zip member
    compressed: bool


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise ImportProblem(path, "no such file") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportProblem(path, f"not an Anki package: not a zip archive, or truncated ({error})") from error


def _read_member(archive: zipfile.ZipFile, name: str, path: Path, compressed: bool) -> bytes:
    """Member ``name``, zstd-decompressed when ``compressed``; more than :data:`MAX_MEDIA_BYTES` of it (packed or
    unpacked) is cut there, so the caller sees it is too large. Raises ``KeyError`` for a missing member and
    :class:`ImportProblem` for a damaged one."""
    try:
        if archive.getinfo(name).file_size > MAX_MEDIA_BYTES:
            return b"\0" * (MAX_MEDIA_BYTES + 1)  # too large: refused by the caller, never unpacked
        data = archive.read(name)
        if compressed:
            import zstandard

            chunks, size = [], 0
            with zstandard.ZstdDecompressor().stream_reader(data) as reader:
                while size <= MAX_MEDIA_BYTES and (chunk := reader.read(1 << 20)):
                    chunks.append(chunk)
                    size += len(chunk)
            data = b"".join(chunks)
        return data
    except KeyError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ImportProblem(path, f"member {name!r} is damaged or truncated ({error})") from error
    except Exception as error:  # zstandard.ZstdError
        raise ImportProblem(path, f"member {name!r} cannot be decompressed ({error})") from error


def _extract_collection(archive: zipfile.ZipFile, member: str, target: Path, path: Path, compressed: bool) -> None:
    try:
        with archive.open(member) as source, target.open("wb") as out:
            if compressed:
                import zstandard

                reader = zstandard.ZstdDecompressor().stream_reader(source)
                written = 0
                while chunk := reader.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_COLLECTION_BYTES:
                        raise ImportProblem(path, f"{member} unpacks to more than {MAX_COLLECTION_BYTES >> 30} GB")
                    out.write(chunk)
            elif archive.getinfo(member).file_size > MAX_COLLECTION_BYTES:
                raise ImportProblem(path, f"{member} unpacks to more than {MAX_COLLECTION_BYTES >> 30} GB")
            else:
                shutil.copyfileobj(source, out, 1 << 20)
    except ImportProblem:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ImportProblem(path, f"{member} is damaged or truncated ({error})") from error
    except OSError as error:
        raise ImportProblem(path, f"{member} cannot be unpacked: {error}") from error
    except Exception as error:  # zstandard.ZstdError: not zstd data, or cut short
        raise ImportProblem(path, f"{member} cannot be decompressed: damaged or truncated ({error})") from error


def _load(path: Path) -> _Package:
    with _open_zip(path) as archive, tempfile.TemporaryDirectory(prefix="mlprep-import-") as folder:
        names = set(archive.namelist())
        if "meta" in names:
            try:
                version = package_version(_read_member(archive, "meta", path, compressed=False))
            except ValueError as error:
                raise ImportProblem(path, f"the package's meta is not readable ({error})") from error
        else:
            version = 2 if "collection.anki21" in names else 1
        members = {1: "collection.anki2", 2: "collection.anki21", 3: "collection.anki21b"}
        if version not in members:
            raise ImportProblem(path, f"package version {version} is unknown (made by a newer Anki?): export it "
                                      'again with "Support older Anki versions" ticked')
        member = members[version]
        if member not in names:
            raise ImportProblem(path, f"not an Anki package: {member} is missing")
        compressed = version == 3
        extracted = Path(folder) / "collection.sqlite"
        _extract_collection(archive, member, extracted, path, compressed)
        try:
            collection = read_collection(extracted)
        except PackageDbError as error:
            raise ImportProblem(path, str(error)) from error
        media = _media_map(archive, names, path, compressed)
    return _Package(collection, {name: member for member, name in media.items()}, compressed)


def _media_map(archive: zipfile.ZipFile, names: set[str], path: Path, compressed: bool) -> dict[str, str]:
    if "media" not in names:
        return {}
    raw = _read_member(archive, "media", path, compressed)
    try:
        if compressed:
            return media_entries(raw)
        parsed = json.loads(raw.decode("utf-8") or "{}")
        return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportProblem(path, f"the package's media list is not readable ({error})") from error


# -- scheduling ---------------------------------------------------------------------------------------------


def scheduling(card: AnkiCard, created: date, tz: tzinfo | None) -> Scheduling | None:
    """Anki's scheduling of ``card`` in SM-2 terms, or ``None`` for a new card that is not suspended.

    ``created`` is the collection's creation day (``col.crt``), from which review ``due`` counts days.
    Interval: Anki's ``ivl`` in days (review and relearning cards; 0 for learning cards); ease factor:
    ``factor / 1000`` (2.5 when Anki has none yet, never below SM-2's 1.3); due: review and day-learning
    cards ``created + due`` days, learning cards the local date of ``due`` (epoch seconds, in ``tz``); a
    card in a filtered deck its home ``odue``. SM-2's repetitions (recalls in a row) are not in the
    package: 1 below a 6-day interval, else 2, so the next pass gives 6 days or interval × EF as SM-2 would;
    0 while (re)learning. Reviews and lapses are Anki's ``reps`` and ``lapses``; queue −1 is suspended."""
    suspended = card.queue == -1
    due_value = card.original_due if card.original_deck_id else card.due
    easiness = round(max(MIN_EASINESS, card.factor / 1000), 3) if card.factor > 0 else INITIAL_EASINESS
    if card.type == 0:
        if not suspended:
            return None
        return Scheduling(0, INITIAL_EASINESS, 0, None, suspended=True)
    if card.type == 2:
        interval = max(1, card.interval)
        return Scheduling(1 if interval < 6 else 2, easiness, interval, created + timedelta(days=due_value),
                          lapses=card.lapses, reviews=card.reps, suspended=suspended)
    day_based = card.queue == 3 or (card.queue < 0 and due_value < 1_000_000_000)
    due = (created + timedelta(days=due_value) if day_based
           else datetime.fromtimestamp(due_value, tz).date())
    interval = max(1, card.interval) if card.type == 3 else 0
    return Scheduling(0, easiness, interval, due, lapses=card.lapses, reviews=card.reps, suspended=suspended)


# -- notes into cards ------------------------------------------------------------------------------------------


def _kind(notetype: AnkiNotetype) -> str:
    """``"cloze"``, ``"basic"`` (two fields, one or two templates), ``"mlprep"`` or ``"other"``."""
    cloze = notetype.cloze
    if cloze is None:
        try:
            cloze = any(n == 1 and v == 1 for n, v in protobuf_fields(notetype.config))
        except ValueError:
            cloze = False
    if cloze:
        return "cloze"
    names = [name.lower() for name in notetype.field_names]
    if notetype.name == EXPORT_MODEL and names[:3] == ["front", "back", "source"]:
        return "mlprep"
    if len(names) == 2 and 1 <= len(notetype.template_names) <= 2:
        return "basic"
    return "other"


def _cloze_sides(text: str, number: int) -> tuple[str, str] | None:
    """The front (deletion ``number`` as ``[...]`` or ``[hint]``, the others shown) and back (the
    deletion's text in bold) of cloze ``number`` in ``text``; ``None`` when there is no such deletion."""
    found = False

    def front(match: re.Match[str]) -> str:
        nonlocal found
        if int(match.group(1)) != number:
            return match.group(2)
        found = True
        return f"<b>[{match.group(3) or '...'}]</b>"

    def back(match: re.Match[str]) -> str:
        return f"<b>{match.group(2)}</b>" if int(match.group(1)) == number else match.group(2)

    shown = _CLOZE_RE.sub(front, text)
    return (shown, _CLOZE_RE.sub(back, text)) if found else None


class _Converter:
    """Turns one package's notes into :class:`DraftCard` s (see :func:`read_package`)."""

    def __init__(self, source: Path, package: _Package, media_folder: str, tz: tzinfo | None) -> None:
        self.source = source
        self.package = package
        self.media_folder = media_folder
        self.tz = tz
        created = package.collection.created
        self.created = datetime.fromtimestamp(created, tz).date() if created > 0 else date(1970, 1, 1)
        self.skipped: Counter[str] = Counter()
        self.notices: Counter[str] = Counter()
        self.wanted_media: dict[str, str] = {}  # file name -> path under the deck folder

    def image(self, src: str) -> str | None:
        name = PurePosixPath(src.replace("\\", "/")).name
        if not name or name in (".", "..") or name not in self.package.media_names:
            return None
        target = f"{self.media_folder}/{name}"
        self.wanted_media[name] = target
        return quote(target)

    def markdown(self, field: str) -> str:
        return html_to_markdown(field, self.image)

    def cards(self, note: AnkiNote, cards: list[AnkiCard]) -> list[DraftCard]:
        notetype = self.package.collection.notetypes.get(note.notetype_id)
        if notetype is None:
            self.skipped["note type missing from the package"] += 1
            return []
        kind = _kind(notetype)
        if kind == "cloze":
            return self._cloze(note, notetype, cards)
        if kind == "other":
            self.notices[f"notes of note type {notetype.name!r} read as first field → front, the rest → back"] += 1
            extra = len(cards) - 1
            if extra > 0:
                self.skipped[f"extra cards of note type {notetype.name!r} (one card per note)"] += extra
            cards = cards[:1]
        out = []
        for card in cards:
            sides = self._sides(note, notetype, kind, card.ord)
            if sides is None:
                self.skipped["card of a missing template"] += 1
                continue
            out.append(self._draft(note, card, notetype, *sides))
        return out

    def _sides(self, note: AnkiNote, notetype: AnkiNotetype, kind: str, ord_: int) -> tuple[str, str] | None:
        fields = list(note.fields) + [""] * (len(notetype.field_names) - len(note.fields))
        if kind == "basic":
            if ord_ > 1:
                return None
            return (fields[0], fields[1]) if ord_ == 0 else (fields[1], fields[0])
        if kind == "mlprep":
            return fields[0], fields[1]
        rest = [(name, value) for name, value in zip(notetype.field_names[1:], fields[1:], strict=False)
                if value.strip() and name.lower() != "source"]
        if len(rest) == 1:
            return fields[0], rest[0][1]
        return fields[0], "".join(f"<p><b>{name}:</b></p>{value}" for name, value in rest)

    def _cloze(self, note: AnkiNote, notetype: AnkiNotetype, cards: list[AnkiCard]) -> list[DraftCard]:
        text = note.fields[0] if note.fields else ""
        extra = [f for f in note.fields[1:] if f.strip()]
        out = []
        for card in cards:
            sides = _cloze_sides(text, card.ord + 1)
            if sides is None:
                self.skipped["cloze card without its deletion in the text"] += 1
                continue
            front, back = sides
            out.append(self._draft(note, card, notetype, front, back, extra))
        return out

    def _draft(self, note: AnkiNote, card: AnkiCard, notetype: AnkiNotetype, front: str, back: str,
               extra: Sequence[str] = ()) -> DraftCard:
        deck_id = card.original_deck_id or card.deck_id
        deck_name = self.package.collection.decks.get(deck_id, "")
        area, title = "", deck_name.replace("::", " / ")
        parts = deck_name.split("::")
        if len(parts) >= 3 and parts[0] == "mlprep" and parts[1] in AREAS_BY_SLUG:
            area, title = parts[1], "::".join(parts[2:])
        fields = dict(zip((n.lower() for n in notetype.field_names), note.fields, strict=False))
        source = plain_text(fields.get("source", ""))
        card_id = ""
        front_md = self.markdown(front)
        back_md = "\n\n".join(self.markdown(part) for part in (back, *extra))
        if _kind(notetype) == "mlprep" and "mlprep" in fields:
            card_id, front_md, back_md = _exported_markdown(fields, front_md, back_md, self.image)
        if not source:
            source = f"Anki deck {deck_name!r} ({self.source.name})" if deck_name else f"Anki ({self.source.name})"
        return DraftCard(front_md, back_md, note.tags, source, title, scheduling(card, self.created, self.tz),
                         area=area, card_id=card_id)


def _exported_markdown(fields: dict[str, str], front: str, back: str,
                       image: Callable[[str], str | None]) -> tuple[str, str, str]:
    """A note mlprep exported: its card id and, when Front and Back are still the HTML exported (not
    edited in Anki since), the exact Markdown (``fields["mlprep"]``, JSON) with each image's ``src``
    pointed at its copy (``image(media name)``); else ``front``/``back``."""
    try:
        saved = json.loads(fields["mlprep"])
    except ValueError:
        return "", front, back
    if not isinstance(saved, dict):
        return "", front, back
    from mlprep.services.anki_export import html_digest

    card_id = str(saved.get("id", ""))
    if saved.get("html") != html_digest(fields.get("front", ""), fields.get("back", "")):
        return card_id, front, back
    sides = [str(saved.get("front", front)), str(saved.get("back", back))]
    images = saved.get("images")
    for src, name in (images.items() if isinstance(images, dict) else ()):
        target = image(str(name))
        if target is not None:
            sides = [side.replace(f"]({src})", f"]({target})") for side in sides]
    return card_id, sides[0], sides[1]


def read_package(path: Path, *, media_folder: str, tz: tzinfo | None = None,
                 progress: Progress | None = None) -> Drafts:
    """Read the Anki package at ``path`` into :class:`Drafts`: every note's cards (module docstring) with
    their scheduling (:func:`scheduling`, dates in ``tz``), and the media files the cards show, to be
    copied under ``media_folder`` (a folder name inside the decks folder; the cards' images reference
    ``media_folder/<file>``). ``progress(done, total)`` is called every few hundred notes. Raises
    :class:`ImportProblem` for a file that is not a zip, an unknown package version or schema, a missing or
    truncated collection; nothing is written anywhere but a temporary folder, removed on return."""
    package = _load(path)
    converter = _Converter(path, package, media_folder, tz)
    by_note: dict[int, list[AnkiCard]] = {}
    for card in package.collection.cards:
        by_note.setdefault(card.note_id, []).append(card)
    notes = package.collection.notes
    drafts: list[DraftCard] = []
    for done, note in enumerate(notes, 1):
        cards = sorted(by_note.get(note.id, []), key=lambda c: c.ord)
        if not cards:
            converter.skipped["note without cards"] += 1
        else:
            for draft in converter.cards(note, cards):
                if not draft.front.strip() or not draft.back.strip():
                    converter.skipped["empty front or back"] += 1
                else:
                    drafts.append(draft)
        if progress is not None and (done % _PROGRESS_EVERY == 0 or done == len(notes)):
            progress(done, len(notes))
    media = _copy_media(path, package, converter)
    return Drafts(path, tuple(drafts), len(notes), converter.skipped, media, converter.notices)


def _copy_media(path: Path, package: _Package, converter: _Converter) -> dict[str, bytes]:
    if not converter.wanted_media:
        return {}
    out: dict[str, bytes] = {}
    with _open_zip(path) as archive:
        for name, target in converter.wanted_media.items():
            try:
                data = _read_member(archive, package.media_names[name], path, package.compressed)
            except KeyError:
                converter.skipped["media file missing from the package"] += 1
                continue
            if len(data) > MAX_MEDIA_BYTES:
                converter.skipped["media file over 50 MB"] += 1
                continue
            out[target] = data
    return out
