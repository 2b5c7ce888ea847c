"""The answer-hours summary (m009; hour numbers since m010) stays equal to the log aggregate it stands
for through answers, undos, deletes and edits of log rows, m009 fills it from an existing log, and the per-day counts
read from it equal a row-by-row count of the log, in zones whose study days cut UTC hours too."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlprep.core.clock import day_start, study_day
from mlprep.core.study_settings import ALL_DECKS
from mlprep.storage import stats_queries as q
from mlprep.storage.db import Db, open_db
from mlprep.storage.log_codec import KIND_CODES, LOG_CLASS_SQL, US_PER_HOUR, iso_us, read_instant, read_kind
from mlprep.storage.migrations import m009_answer_hours, migrations

START = datetime(2026, 3, 27, 22, tzinfo=UTC)  # Berlin's summer time begins on 29 March 2026
KINDS = ("new", "drill", "review", "review", "review", "cram", "other")


def oracle(db: Db) -> dict[int, tuple[int, ...]]:
    """Per UTC hour (its number since the epoch), 36 counts (class * 6 + quality) of the log's rows of
    class 0-5 and quality 0-5, read row by row in Python; hours with none left out."""
    out: dict[int, list[int]] = {}
    for at, quality, stored_kind, reps, interval in db.execute(
            "SELECT reviewed_at, quality, kind, repetitions_before, interval_before FROM review_log").fetchall():
        kind = read_kind(stored_kind)
        if kind == "review" and (reps is None or interval is None):
            continue  # no class: counted nowhere
        cls = {"new": 0, "drill": 1}.get(kind, 2 + (reps > 0) + 2 * (interval >= 21) if kind == "review" else 6)
        if cls < 6 and quality in range(6):
            out.setdefault(at // US_PER_HOUR, [0] * 36)[cls * 6 + quality] += 1
    return {hour: tuple(v) for hour, v in out.items()}


def summary(db: Db) -> dict[Any, tuple[int, ...]]:
    """The table as the oracle gives it; also checks that no row is left with every count 0."""
    out: dict[Any, list[int]] = {}
    columns = ", ".join(q.GRADE_COLUMNS)
    for hour, cls, *counts in db.execute(f"SELECT hour, cls, {columns} FROM answer_hours").fetchall():
        assert any(counts), (hour, cls)
        out.setdefault(hour, [0] * 36)[cls * 6:cls * 6 + 6] = counts
    return {hour: tuple(v) for hour, v in out.items()}


def instant(minutes: int) -> int:
    """The stored instant (m010: microseconds since the epoch) ``minutes`` after START."""
    return iso_us((START + timedelta(minutes=minutes)).isoformat())


def hour(text: str) -> int:
    """The stored hour number of a UTC hour ``YYYY-MM-DDTHH``."""
    return iso_us(f"{text}:00:00+00:00") // US_PER_HOUR


answers = st.tuples(st.just("answer"), st.integers(0, 3 * 24 * 60), st.integers(-1, 6), st.sampled_from(KINDS),
                    st.one_of(st.none(), st.integers(0, 2)), st.sampled_from((0, 1, 20, 21, 60)))
operations = st.one_of(
    answers,
    st.tuples(st.just("undo"), st.integers(0, 60)),
    st.tuples(st.just("regrade"), st.integers(0, 60), st.integers(0, 5), st.sampled_from(KINDS)),
    st.tuples(st.just("move"), st.integers(0, 60), st.integers(0, 3 * 24 * 60)),
    st.tuples(st.just("relearn"), st.integers(0, 60), st.integers(0, 2), st.sampled_from((0, 20, 21))),
    st.tuples(st.just("clear")),
)


def apply(db: Db, op: tuple[Any, ...]) -> None:
    rows = [r[0] for r in db.execute("SELECT id FROM review_log ORDER BY id").fetchall()]
    kind = op[0]
    if kind == "answer":
        _, minutes, quality, log_kind, reps, interval = op
        db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, interval_before) "
                   "VALUES ('c', ?, ?, ?, ?, ?)", [instant(minutes), quality, KIND_CODES.get(log_kind, log_kind), reps,
                                                   interval])
    elif kind == "undo" and rows:
        db.execute("DELETE FROM review_log WHERE id = ?", [rows[op[1] % len(rows)]])
    elif kind == "regrade" and rows:
        db.execute("UPDATE review_log SET quality = ?, kind = ? WHERE id = ?",
                   [op[2], KIND_CODES.get(op[3], op[3]), rows[op[1] % len(rows)]])
    elif kind == "move" and rows:
        db.execute("UPDATE review_log SET reviewed_at = ? WHERE id = ?", [instant(op[2]), rows[op[1] % len(rows)]])
    elif kind == "relearn" and rows:
        db.execute("UPDATE review_log SET repetitions_before = ?, interval_before = ? WHERE id = ?",
                   [op[2], op[3], rows[op[1] % len(rows)]])
    elif kind == "clear":
        db.execute("DELETE FROM review_log WHERE kind = ?", [KIND_CODES["review"]])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(answers, min_size=1, max_size=30), st.lists(operations, max_size=30))
def test_the_summary_always_equals_the_log_aggregate(history: list[tuple[Any, ...]],
                                                     ops: list[tuple[Any, ...]]) -> None:
    db = open_db(None)
    for op in history + ops:
        apply(db, op)
    assert summary(db) == oracle(db)


def test_the_migration_counts_an_existing_log() -> None:
    """A collection at m008 with answers gets its summary filled by m009, and loses the class index."""
    db = Db.memory()
    migrations.apply(db.utils, stop_before="m009_answer_hours")  # the schema before m009 (ISO texts)
    for minutes, quality, kind, reps in ((10, 4, "review", 1), (20, 1, "review", 0), (70, 5, "new", 0),
                                         (75, 3, "cram", 0), (80, 9, "drill", 0)):
        db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, interval_before) "
                   "VALUES ('c', ?, ?, ?, ?, 30)", [(START + timedelta(minutes=minutes)).isoformat(), quality, kind,
                                                    reps])
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name = 'idx_review_log_class'").fetchone()
    m009_answer_hours(db)
    mature_pass, relearn_long_fail, new_easy = q.MATURE * 6 + 4, q.RELEARN_LONG * 6 + 1, q.NEW * 6 + 5
    assert summary(db) == {
        "2026-03-27T22": tuple(int(i in (mature_pass, relearn_long_fail)) for i in range(36)),
        "2026-03-27T23": tuple(int(i == new_easy) for i in range(36)),  # cram and quality 9 count nowhere
    }
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name = 'idx_review_log_class'").fetchone() is None


def test_an_answer_adds_to_its_hour_and_an_undo_takes_it_back() -> None:
    db = open_db(None)
    apply(db, ("answer", 5, 4, "review", 1, 30))
    apply(db, ("answer", 50, 3, "review", 1, 30))  # the same UTC hour
    assert summary(db) == {hour("2026-03-27T22"): tuple(int(i in (q.MATURE * 6 + 4, q.MATURE * 6 + 3))
                                                       for i in range(36))}
    apply(db, ("undo", 1))
    apply(db, ("undo", 0))
    assert summary(db) == {}  # a row whose counts all reach 0 is gone


# -- the per-day counts read from the summary ---------------------------------------------------------

def _zone(name: str) -> Any:
    if name == "UTC":
        return UTC
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        return zoneinfo.ZoneInfo(name)
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")


def row_by_row(db: Db, wins: list[q.Window], tz: Any, rollover: int) -> dict[date, tuple[int, ...]]:
    """Per study day of ``wins``, 36 counts, from each row's own study day (the definition)."""
    days = {d for d, _, _ in wins}
    out: dict[date, Counter[int]] = {}
    for at, quality, cls in db.execute(f"SELECT reviewed_at, quality, {LOG_CLASS_SQL} FROM review_log").fetchall():
        day = study_day(read_instant(at), tz, rollover)
        if day in days and cls is not None and cls < 6 and quality in range(6):
            out.setdefault(day, Counter())[cls * 6 + quality] += 1
    return {d: tuple(c[i] for i in range(36)) for d, c in out.items()}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(answers, max_size=40), st.lists(operations, max_size=10),
       st.sampled_from(("UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu")),
       st.integers(0, 23), st.integers(-1, 3), st.integers(1, 5), st.integers(0, 5))
def test_the_counts_per_day_equal_a_count_of_the_log(history: list[tuple[Any, ...]], ops: list[tuple[Any, ...]],
                                                     zone: str, rollover: int, first: int, days: int,
                                                     since: int) -> None:
    tz = _zone(zone)
    db = open_db(None)
    for op in history + ops:
        apply(db, op)
    start = START.date() + timedelta(days=first)
    wins = [(start + timedelta(days=i), day_start(start + timedelta(days=i), tz, rollover).isoformat(),
             day_start(start + timedelta(days=i + 1), tz, rollover).isoformat()) for i in range(days)]
    expected = row_by_row(db, wins, tz, rollover)
    queries = q.StatsQueries(db)
    assert queries.day_class_counts(wins, ALL_DECKS) == {d: v for d, v in expected.items() if any(v)}
    since_day = start + timedelta(days=min(since, days - 1))
    counts = queries.answer_counts(wins, ALL_DECKS, since_day)
    assert counts.days == {d: tuple(sum(v[c * 6:c * 6 + 6]) for c in range(6)) for d, v in expected.items() if any(v)}
    assert counts.grades == tuple(sum(v[i] for d, v in expected.items() if d >= since_day) for i in range(36))
    assert queries.active_days(wins, ALL_DECKS) == {d for d, v in expected.items() if any(v)}
