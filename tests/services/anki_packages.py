"""Anki packages made in the tests: a legacy ``.apkg`` through genanki (``collection.anki2``), with its
cards' scheduling edited in the package's SQLite copy, and a current-format one (``collection.anki21b``,
zstd-compressed, schema 18 tables, protobuf ``meta`` and ``media``) built by hand."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import genanki
import zstandard

CREATED = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
"""``col.crt`` of every fixture package: 2025-01-01 00:00 UTC."""


@dataclass
class Sched:
    """Anki scheduling to set on one card (cards table columns)."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int


@dataclass
class LegacyNote:
    model: str  # "basic", "reversed", "cloze"
    fields: list[str]
    tags: list[str] = field(default_factory=list)
    sched: dict[int, Sched] = field(default_factory=dict)  # card ord -> scheduling


def _model(kind: str) -> genanki.Model:
    return {"basic": genanki.BASIC_MODEL, "reversed": genanki.BASIC_AND_REVERSED_CARD_MODEL,
            "cloze": genanki.CLOZE_MODEL}[kind]


def legacy_apkg(path: Path, notes: list[LegacyNote], *, deck: str = "Spanish::Verbs",
                media: dict[str, bytes] | None = None, tmp: Path) -> Path:
    """A genanki package at ``path`` holding ``notes`` in ``deck``, then each card's scheduling set."""
    anki_deck = genanki.Deck(2059400110, deck)
    made = []
    for number, note in enumerate(notes):
        n = genanki.Note(model=_model(note.model), fields=note.fields, tags=note.tags, guid=f"guid{number}")
        anki_deck.add_note(n)
        made.append(n)
    files = []
    for name, data in (media or {}).items():
        (tmp / name).write_bytes(data)
        files.append(str(tmp / name))
    genanki.Package(anki_deck, media_files=files).write_to_file(str(path))
    _edit_cards(path, notes, tmp)
    return path


def _edit_cards(path: Path, notes: list[LegacyNote], tmp: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    db_file = tmp / "edit.anki2"
    db_file.write_bytes(members["collection.anki2"])
    conn = sqlite3.connect(db_file)
    with conn:
        conn.execute("UPDATE col SET crt = ?", [CREATED])
        for number, note in enumerate(notes):
            (nid,) = conn.execute("SELECT id FROM notes WHERE guid = ?", [f"guid{number}"]).fetchone()
            for ord_, s in note.sched.items():
                conn.execute("UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=? "
                             "WHERE nid = ? AND ord = ?",
                             [s.type, s.queue, s.due, s.ivl, s.factor, s.reps, s.lapses, nid, ord_])
    conn.close()
    members["collection.anki2"] = db_file.read_bytes()
    db_file.unlink()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# -- the current format, by hand --------------------------------------------------------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def pb_varint(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def pb_bytes(number: int, value: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(value)) + value


SCHEMA_18 = """
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
  models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
  ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL,
  left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL, mtime_secs integer NOT NULL,
  usn integer NOT NULL, config blob NOT NULL);
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL, config blob NOT NULL,
  PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE templates (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL,
  mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL, mtime_secs integer NOT NULL,
  usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
"""

BASIC_ID, CLOZE_ID, DECK_ID = 1001, 1002, 77


@dataclass
class CurrentCard:
    ord: int
    sched: Sched | None = None
    odid: int = 0
    odue: int = 0


@dataclass
class CurrentNote:
    notetype: int  # BASIC_ID or CLOZE_ID
    fields: list[str]
    cards: list[CurrentCard]
    tags: str = ""


def current_collection(file: Path, notes: list[CurrentNote], *, ver: int = 18,
                       deck_name: str = "Biology\x1fCells") -> None:
    """A schema-18 collection database at ``file``."""
    conn = sqlite3.connect(file)
    with conn:
        conn.executescript(SCHEMA_18)
        conn.execute("INSERT INTO col VALUES (1, ?, 0, 0, ?, 0, 0, 0, '{}', '', '', '', '')", [CREATED, ver])
        conn.execute("INSERT INTO notetypes VALUES (?, 'Basic (and reversed card)', 0, 0, ?)",
                     [BASIC_ID, pb_varint(1, 0) + pb_bytes(3, b".card {}")])
        conn.execute("INSERT INTO notetypes VALUES (?, 'Cloze', 0, 0, ?)", [CLOZE_ID, pb_varint(1, 1)])
        for ntid, names in ((BASIC_ID, ["Front", "Back"]), (CLOZE_ID, ["Text", "Back Extra"])):
            for ord_, name in enumerate(names):
                conn.execute("INSERT INTO fields VALUES (?, ?, ?, x'')", [ntid, ord_, name])
        for ntid, names in ((BASIC_ID, ["Card 1", "Card 2"]), (CLOZE_ID, ["Cloze"])):
            for ord_, name in enumerate(names):
                conn.execute("INSERT INTO templates VALUES (?, ?, ?, 0, 0, x'')", [ntid, ord_, name])
        conn.execute("INSERT INTO decks VALUES (1, 'Default', 0, 0, x'', x'')")
        conn.execute("INSERT INTO decks VALUES (?, ?, 0, 0, x'', x'')", [DECK_ID, deck_name])
        conn.execute("INSERT INTO decks VALUES (78, 'Filtered', 0, 0, x'', x'')")
        card_id = 5000
        for number, note in enumerate(notes, 1):
            conn.execute("INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
                         [number, f"g{number}", note.notetype, note.tags, "\x1f".join(note.fields)])
            for card in note.cards:
                card_id += 1
                s = card.sched or Sched(0, 0, number, 0, 0, 0, 0)
                did = 78 if card.odid else DECK_ID
                conn.execute("INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, '')",
                             [card_id, number, did, card.ord, s.type, s.queue, s.due, s.ivl, s.factor, s.reps,
                              s.lapses, card.odue, card.odid])
    conn.close()


def current_apkg(path: Path, notes: list[CurrentNote], *, tmp: Path, ver: int = 18, version: int = 3,
                 media: dict[str, bytes] | None = None) -> Path:
    """A current-format package: ``meta`` (version), zstd ``collection.anki21b``, a dummy
    ``collection.anki2`` (one note asking to update Anki), zstd protobuf ``media`` and media files."""
    db_file = tmp / "current.anki21b"
    if db_file.exists():
        db_file.unlink()
    current_collection(db_file, notes, ver=ver)
    zstd = zstandard.ZstdCompressor()
    dummy = tmp / "dummy.anki2"
    if dummy.exists():
        dummy.unlink()
    current_collection(dummy, [CurrentNote(BASIC_ID, ["Please update to the latest Anki version", "x"],
                                           [CurrentCard(0)])], ver=11)
    entries = b"".join(pb_bytes(1, pb_bytes(1, name.encode()) + pb_varint(2, len(data)))
                       for name, data in (media or {}).items())
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta", pb_varint(1, version))
        archive.writestr("collection.anki2", dummy.read_bytes())
        archive.writestr("collection.anki21b", zstd.compress(db_file.read_bytes()))
        archive.writestr("media", zstd.compress(entries))
        for index, data in enumerate((media or {}).values()):
            archive.writestr(str(index), zstd.compress(data))
    return path


def legacy_media_json(names: list[str]) -> str:
    return json.dumps({str(i): name for i, name in enumerate(names)})
