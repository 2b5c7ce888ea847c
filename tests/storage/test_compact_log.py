"""The compact review log (m010, issue 16): a log written as the schema before it stored it (ISO texts,
kind names) opens with every row kept and every value converted exactly, reads back as the same
entries, and the summaries and storage API give what they gave before the conversion."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprep.core.models import CardId, ReviewKind, ReviewLogEntry
from mlprep.storage import log_codec
from mlprep.storage import migrations as m
from mlprep.storage.cards import CardStore
from mlprep.storage.db import Db, open_db
from mlprep.storage.schema import MIGRATION_NAMES

M010 = MIGRATION_NAMES[MIGRATION_NAMES.index("m010_compact_log")]
COLUMNS = ("card_id, reviewed_at, quality, kind, repetitions_before, repetitions_after, interval_before, "
           "interval_after, easiness_before, easiness_after, due_before, due_after, answer_ms, due_sm2")


def at_m009(path: Path | None = None) -> Db:
    """A collection with the schema every release up to m009 made (ISO texts in the log)."""
    db = Db(sqlite3.connect(str(path))) if path else Db.memory()
    m.migrations.apply(db.utils, stop_before=M010)
    db.execute("INSERT INTO decks (id, title, area, present) VALUES ('d', 'D', 'math', 1)")
    for card in ("a", "b"):
        db.execute("INSERT INTO cards (id, deck_id, position, front, back) VALUES (?, 'd', 0, 'Q', 'A')", [card])
    return db


def write_as_m009(db: Db, entry: ReviewLogEntry, reviewed_at: str | None = None) -> None:
    """``entry`` as the app stored it before m010 (card_rows.log_params at m009): ISO texts, kind names."""
    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    db.execute(f"INSERT INTO review_log ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        entry.card_id, reviewed_at or entry.reviewed_at.isoformat(), entry.quality, str(entry.kind),
        entry.repetitions_before, entry.repetitions_after, entry.interval_before, entry.interval_after,
        entry.easiness_before, entry.easiness_after, iso(entry.due_before), iso(entry.due_after), entry.answer_ms,
        iso(entry.due_sm2)])


def entry(card: str, at: datetime, kind: ReviewKind = ReviewKind.REVIEW, quality: int = 4, *,
          due: date | None = date(2026, 3, 1)) -> ReviewLogEntry:
    return ReviewLogEntry(card_id=CardId(card), reviewed_at=at, quality=quality, kind=kind, repetitions_before=2,
                          repetitions_after=3, interval_before=6, interval_after=15, easiness_before=2.36,
                          easiness_after=2.5000000000000004, due_before=due, due_after=date(2026, 3, 17),
                          answer_ms=4321, due_sm2=date(2026, 3, 18))


instants = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 12, 31),
                        timezones=st.just(UTC))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(instants, st.sampled_from(list(ReviewKind)), st.integers(0, 5)), min_size=1, max_size=20))
def test_a_log_written_before_m010_reads_back_as_the_same_entries(rows: list[tuple[datetime, ReviewKind, int]]) -> None:
    db = at_m009()
    written = [entry("ab"[i % 2], at, kind, quality) for i, (at, kind, quality) in enumerate(rows)]
    for e in written:
        write_as_m009(db, e)
    before = {(r[0], r[1], r[2]): r[3] for r in db.execute("SELECT deck_id, day, 0, reviews FROM review_days")}
    m.migrations.apply(db.utils)
    read = CardStore(db).review_log()
    assert [r.id for r in read] == list(range(1, len(written) + 1))  # ids kept
    assert [replace(r, id=None) for r in read] == written
    assert [r.reviewed_at.isoformat() for r in read] == [e.reviewed_at.isoformat() for e in written]  # same text
    after = {(deck, log_codec.date_of(day).isoformat(), 0): n
             for deck, day, n in db.execute("SELECT deck_id, day, reviews FROM review_days")}
    assert after == before  # the per-day review counts, on the same UTC days


def test_every_form_of_instant_is_converted_exactly_and_an_unreadable_one_is_kept() -> None:
    db = at_m009()
    base = entry("a", datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    texts = {
        "2026-03-09T08:00:00+00:00": datetime(2026, 3, 9, 8, tzinfo=UTC),  # whole seconds (the fixtures)
        "2026-03-09T08:00:00.000123+00:00": datetime(2026, 3, 9, 8, 0, 0, 123, tzinfo=UTC),  # the app's microseconds
        "2026-03-09T13:30:00+05:30": datetime(2026, 3, 9, 8, tzinfo=UTC),  # an offset: its UTC instant
        "2026-03-09T08:00:00": datetime(2026, 3, 9, 8, tzinfo=UTC),  # none: UTC, as the statistics read it
        "2026-03-09T03:00:00-05:00": datetime(2026, 3, 9, 3, tzinfo=timezone(timedelta(hours=-5))),
    }
    for text in texts:
        write_as_m009(db, base, text)
    write_as_m009(db, base, "not an instant")
    db.execute("UPDATE review_log SET kind = 'mystery', due_after = 'someday' WHERE reviewed_at = 'not an instant'")
    m.migrations.apply(db.utils)
    stored = db.execute("SELECT reviewed_at, kind, due_after FROM review_log ORDER BY id").fetchall()
    assert [s[0] for s in stored[:-1]] == [log_codec.instant_us(v) for v in texts.values()]
    assert stored[-1] == ("not an instant", "mystery", "someday")  # kept as it was: nothing is lost
    assert db.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == len(texts) + 1
    store = CardStore(db)
    with pytest.raises(ValueError):  # as before m010: the row cannot be read as an entry
        store.review_log()
    db.execute("DELETE FROM review_log WHERE reviewed_at = 'not an instant'")
    assert [e.reviewed_at for e in store.review_log()] == list(texts.values())


def test_an_answer_written_after_m010_is_stored_compact_and_undo_restores_last_review(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.sqlite3")
    db.execute("INSERT INTO decks (id, title, area, present) VALUES ('d', 'D', 'math', 1)")
    db.execute("INSERT INTO cards (id, deck_id, position, front, back) VALUES ('a', 'd', 0, 'Q', 'A')")
    store = CardStore(db)
    first = entry("a", datetime(2026, 3, 9, 8, 0, 0, 5, tzinfo=UTC))
    second = entry("a", datetime(2026, 3, 10, 9, 30, 0, 777, tzinfo=UTC), ReviewKind.DRILL)
    before = store.progress(CardId("a"))
    assert before is not None
    store.record_answer(before, first)
    log_id = store.record_answer(before, second)
    assert db.execute("SELECT typeof(reviewed_at), typeof(kind), typeof(due_before) FROM review_log").fetchall() == [
        ("integer", "integer", "integer")] * 2
    assert db.execute("SELECT kind, due_sm2 FROM review_log WHERE id = ?", [log_id]).fetchone() == (
        log_codec.KIND_CODES["drill"], log_codec.day_number(date(2026, 3, 18)))
    store.restore(before, log_id)
    assert db.execute("SELECT last_review FROM cards WHERE id = 'a'").fetchone()[0] == first.reviewed_at.isoformat()
    assert [e.reviewed_at for e in store.review_log()] == [first.reviewed_at]


def test_the_history_fixture_of_m009_opens_with_the_same_review_log(tmp_path: Path) -> None:
    """2fcfd70's collection (the last schema before m010, written by that commit's code): every entry it
    held reads back equal (the json beside it holds each row as it was stored)."""
    import json
    import shutil

    history = Path(__file__).parents[1] / "fixtures" / "history"
    shutil.copyfile(history / "2fcfd70.sqlite3", tmp_path / "c.sqlite3")
    rows = json.loads((history / "2fcfd70.json").read_text(encoding="utf-8"))["data"]["review_log"]
    read = CardStore(open_db(tmp_path / "c.sqlite3")).review_log()
    assert [(e.id, e.card_id, e.reviewed_at.isoformat(), e.kind, e.quality, e.due_before, e.due_after, e.due_sm2)
            for e in read] == [
        (r["id"], r["card_id"], r["reviewed_at"], r["kind"], r["quality"],
         *(date.fromisoformat(r[c]) if r[c] else None for c in ("due_before", "due_after", "due_sm2")))
        for r in rows]


def test_the_codec_and_the_migration_agree() -> None:
    """log_codec (read and write at the boundary) and m010 (frozen history) spell the same forms."""
    assert log_codec.KIND_CODES == m._M010_KINDS
    assert (log_codec.US_PER_DAY, log_codec.US_PER_HOUR) == (m._US_PER_DAY, m._US_PER_HOUR)
    assert f"({log_codec.log_class_sql('NEW')})" == m._m010_class("NEW")
    assert log_codec.log_class_sql("x").replace("x.", "") == log_codec.LOG_CLASS_SQL
    for text in ("2026-03-09T08:00:00.000123+00:00", "1999-12-31T23:59:59+01:00"):
        assert m._m010_instant(text) == log_codec.iso_us(text)
    assert m._m010_day("2026-03-09") == log_codec.day_number(date(2026, 3, 9))
    at = datetime(2026, 11, 21, 12, 0, 0, 999999, tzinfo=UTC)
    assert log_codec.instant_of(log_codec.instant_us(at)) == at
    assert log_codec.date_of(log_codec.day_number(date(2026, 3, 9))) == date(2026, 3, 9)


def test_the_migration_is_one_transaction(tmp_path: Path) -> None:
    """A failure late in m010 (after the rows are copied and the old table dropped: here an index name it
    needs is taken) leaves the collection as it was, at m009."""
    path = tmp_path / "c.sqlite3"
    db = at_m009(path)
    write_as_m009(db, entry("a", datetime(2026, 3, 9, 8, tzinfo=UTC)))
    db.execute("DROP INDEX idx_review_log_card_kind")
    db.execute("CREATE INDEX idx_review_log_card_kind ON cards(front)")
    with pytest.raises(sqlite3.OperationalError, match="idx_review_log_card_kind already exists"):
        m.migrations.apply(db.utils)
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT typeof(reviewed_at), kind FROM review_log").fetchall() == [("text", "review")]
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'review_log_m010'").fetchone() == (0,)
    assert "m010_compact_log" not in {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}


def test_the_csv_export_rows_hold_the_texts_the_log_held_before_m010() -> None:
    """The statistics' review-log export (services/stats_export) writes what the log held before m010:
    the instant's ISO text, the kind's name, ISO due days."""
    from mlprep.storage.stats_queries import StatsQueries

    db = at_m009()
    written = [entry("a", datetime(2026, 3, 9, 8, 0, 0, 123, tzinfo=UTC)),
               entry("b", datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC), ReviewKind.NEW, due=None)]
    for e in written:
        write_as_m009(db, e)
    columns = StatsQueries.LOG_COLUMNS
    before = [dict(zip(columns, r, strict=True)) for batch in StatsQueries(db).review_log_rows() for r in batch]
    m.migrations.apply(db.utils)
    after = [dict(zip(columns, r, strict=True)) for batch in StatsQueries(db).review_log_rows() for r in batch]
    assert [(r["reviewed_at"], r["kind"], r["due_before"], r["due_after"]) for r in after] == [
        ("2026-03-09T08:00:00.000123+00:00", "review", "2026-03-01", "2026-03-17"),
        ("2026-03-10T23:59:59+00:00", "new", None, "2026-03-17")]
    assert after == before


def test_an_upgraded_file_is_compacted_and_its_search_index_still_matches_the_cards(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """m010 rebuilds the log whole and frees the old table's pages; the upgrade then VACUUMs (the file
    shrinks) and refills the full-text index, whose rowids a VACUUM may renumber."""
    from mlprep.storage import legacy

    monkeypatch.setattr(legacy, "COMPACT_MIN_FREE_PAGES", 8)  # a small log frees a few pages only
    path = tmp_path / "c.sqlite3"
    db = at_m009(path)
    with db.atomic():
        db.execute("UPDATE cards SET front = 'gradient descent' WHERE id = 'b'")
        for i in range(3000):
            write_as_m009(db, entry("ab"[i % 2], datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)))
    db.close()
    before = path.stat().st_size
    db = open_db(path)
    assert db.execute("PRAGMA freelist_count").fetchone()[0] < 8
    assert path.stat().st_size < before
    assert db.execute("SELECT c.id FROM cards_fts f JOIN cards c ON c.rowid = f.rowid "
                      "WHERE cards_fts MATCH 'gradient'").fetchall() == [("b",)]
    db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('integrity-check')")
    assert len(CardStore(db).review_log()) == 3000


def test_a_small_or_new_collection_is_not_compacted(tmp_path: Path) -> None:
    from mlprep.storage import legacy

    db = at_m009(tmp_path / "c.sqlite3")
    write_as_m009(db, entry("a", datetime(2026, 1, 1, tzinfo=UTC)))
    m.migrations.apply(db.utils)
    assert legacy.compact(db.utils) is False  # a few free pages: not worth copying the file
    assert legacy.compact(Db.memory().utils) is False
