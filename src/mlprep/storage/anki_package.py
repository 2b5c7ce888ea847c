"""Read the collection database inside an Anki package (``.apkg``/``.colpkg``), read-only.

The services layer unpacks the package (zip, zstd, protobuf: :mod:`mlprep.services.anki_import`) into a
temporary folder and hands this module the extracted SQLite file. Two schemas are read, as Anki's own
source describes them (ankitects/anki, ``rslib/src/storage/schema11.sql`` and
``rslib/src/storage/upgrades/schema14_upgrade.sql``/``schema15_upgrade.sql``; read, not copied):

* **schema 11** (``collection.anki2``/``collection.anki21``, genanki and "support older Anki versions"
  exports): the ``col`` row holds ``crt`` (the collection's creation, epoch seconds) and the note types
  (``models``) and decks (``decks``) as JSON; a model's ``type`` is 0 (standard) or 1 (cloze), its
  ``flds``/``tmpls`` lists carry ``name`` and ``ord``; deck names nest with ``::``.
* **schema ≥ 15** (``collection.anki21b``, schema 18 in Anki ≥ 2.1.50): tables ``notetypes`` (``config``
  a protobuf ``Notetype.Config`` blob, decoded by the caller), ``fields`` and ``templates`` (``ntid``,
  ``ord``, ``name``) and ``decks`` (``id``, ``name`` nesting with ``\\x1f``).

Both share ``notes`` (``id``, ``guid``, ``mid``, ``tags`` space-separated, ``flds`` split on ``\\x1f``) and
``cards`` (``nid``, ``did``, ``ord``, ``type``, ``queue``, ``due``, ``ivl``, ``factor``, ``reps``,
``lapses``, ``odue``, ``odid``). Nothing here writes; the file is opened with ``mode=ro``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NEWEST_SCHEMA = 18
"""The newest ``col.ver`` this reader knows (Anki 2.1.50 to 25.x write 18)."""


class PackageDbError(ValueError):
    """The package's database cannot be read: not SQLite, truncated, or a schema this reader does not
    know. ``str(err)`` says which."""


@dataclass(frozen=True)
class AnkiNotetype:
    """One note type: ``id``; ``name`` (e.g. ``"Basic"``); ``field_names`` and ``template_names`` in
    ``ord`` order; ``cloze`` from schema 11's ``type`` (``None`` in schema ≥ 15, where ``config`` holds
    the protobuf ``Notetype.Config`` whose field 1 is the kind)."""

    id: int
    name: str
    field_names: tuple[str, ...]
    template_names: tuple[str, ...]
    cloze: bool | None
    config: bytes = b""


@dataclass(frozen=True)
class AnkiNote:
    """One note: ``fields`` (HTML) in the note type's field order, ``tags`` as Anki stores them."""

    id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class AnkiCard:
    """One card with Anki's scheduling, as stored: ``ord`` the template (or cloze number − 1); ``type``
    0 new, 1 learning, 2 review, 3 relearning; ``queue`` −1 suspended, −2/−3 buried, 0 new, 1 learning,
    2 review, 3 day-learning; ``due`` days since the collection's creation for review and day-learning
    cards, epoch seconds for learning cards, a position for new ones; ``interval`` in days (negative:
    seconds, learning); ``factor`` the ease factor × 1000 (0 while new); ``reps`` answers, ``lapses``
    lapses. A card in a filtered deck keeps its home deck in ``original_deck_id`` and its due there in
    ``original_due`` (both 0 otherwise)."""

    id: int
    note_id: int
    deck_id: int
    ord: int
    type: int
    queue: int
    due: int
    interval: int
    factor: int
    reps: int
    lapses: int
    original_due: int = 0
    original_deck_id: int = 0


@dataclass(frozen=True)
class AnkiCollection:
    """Everything read from one package database: ``created`` (``col.crt``, epoch seconds: the start of
    the day the collection was made, from which review ``due`` days count), ``schema`` (``col.ver``),
    note types and deck names (levels joined with ``::``) by id, notes and cards in id order."""

    created: int
    schema: int
    notetypes: dict[int, AnkiNotetype]
    decks: dict[int, str]
    notes: tuple[AnkiNote, ...]
    cards: tuple[AnkiCard, ...]


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise PackageDbError(f"the collection cannot be opened: {error}") from error
    with closing(conn):
        yield conn


def read_collection(path: Path) -> AnkiCollection:
    """Read the Anki collection database at ``path`` (an extracted ``collection.anki2``/``.anki21``/
    ``.anki21b``). Raises :class:`PackageDbError` for a file that is not SQLite or is truncated
    (``PRAGMA quick_check``), a ``col.ver`` above :data:`NEWEST_SCHEMA`, or a table or column missing."""
    with _read_only(path) as conn:
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise PackageDbError(f"the collection is damaged or truncated ({check[0] if check else 'no answer'})")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"col", "notes", "cards"} <= tables:
                raise PackageDbError("not an Anki collection: tables col, notes and cards are missing")
            created, schema, models, decks = conn.execute("SELECT crt, ver, models, decks FROM col").fetchone()
            if schema > NEWEST_SCHEMA:
                raise PackageDbError(f"collection schema {schema} is newer than this importer knows "
                                     f"(at most {NEWEST_SCHEMA}): export it from Anki with "
                                     "\"Support older Anki versions\" ticked")
            if "notetypes" in tables:
                notetypes, deck_names = _notetypes_18(conn), _decks_18(conn)
            else:
                notetypes, deck_names = _notetypes_11(models), _decks_11(decks)
            notes = tuple(AnkiNote(nid, guid, mid, tuple(flds.split("\x1f")), tuple(tags.split()))
                          for nid, guid, mid, tags, flds in conn.execute(
                              "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"))
            cards = tuple(AnkiCard(*row) for row in conn.execute(
                "SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, odue, odid "
                "FROM cards ORDER BY id"))
        except sqlite3.DatabaseError as error:
            raise PackageDbError(f"the collection cannot be read: {error}") from error
        except (TypeError, ValueError, KeyError) as error:
            if isinstance(error, PackageDbError):
                raise
            raise PackageDbError(f"the collection's note types or decks cannot be read: {error!r}") from error
    return AnkiCollection(int(created), int(schema), notetypes, deck_names, notes, cards)


def _notetypes_11(models: str) -> dict[int, AnkiNotetype]:
    """Schema 11's ``col.models`` JSON: ``{"<id>": {"name", "type", "flds": [{name, ord}], "tmpls": [...]}}``."""
    out: dict[int, AnkiNotetype] = {}
    parsed: dict[str, Any] = json.loads(models or "{}")
    for key, model in parsed.items():
        fields = tuple(f["name"] for f in sorted(model.get("flds", []), key=lambda f: f.get("ord", 0)))
        templates = tuple(t["name"] for t in sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0)))
        out[int(key)] = AnkiNotetype(int(key), str(model.get("name", "")), fields, templates,
                                     cloze=int(model.get("type", 0)) == 1)
    return out


def _decks_11(decks: str) -> dict[int, str]:
    parsed: dict[str, Any] = json.loads(decks or "{}")
    return {int(key): str(deck.get("name", "")) for key, deck in parsed.items()}


def _names(conn: sqlite3.Connection, table: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for ntid, name in conn.execute(f"SELECT ntid, name FROM {table} ORDER BY ntid, ord"):
        out.setdefault(ntid, []).append(name)
    return out


def _notetypes_18(conn: sqlite3.Connection) -> dict[int, AnkiNotetype]:
    fields, templates = _names(conn, "fields"), _names(conn, "templates")
    return {ntid: AnkiNotetype(ntid, name, tuple(fields.get(ntid, ())), tuple(templates.get(ntid, ())),
                               cloze=None, config=bytes(config or b""))
            for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes")}


def _decks_18(conn: sqlite3.Connection) -> dict[int, str]:
    return {did: name.replace("\x1f", "::") for did, name in conn.execute("SELECT id, name FROM decks")}
