"""The review-days summary (m004; day numbers since m010) stays equal to the aggregate it stands for, whatever happens
to the log or the cards, and per-deck review counts read from it match a count of the log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.storage import stats_queries as q
from mlprep.storage.db import Db, open_db
from mlprep.storage.log_codec import KIND_CODES, US_PER_DAY, iso_us
from mlprep.storage.migrations import m004_stats_summaries, migrations

DECKS = ("d1", "d2", "d3")
CARDS = tuple(f"c{i}" for i in range(5))
START = datetime(2026, 3, 1, tzinfo=UTC)

AGGREGATE = (f"SELECT c.deck_id, l.reviewed_at / {US_PER_DAY}, COUNT(*), SUM(l.quality >= 3) "
             "FROM review_log l JOIN cards c ON c.id = l.card_id WHERE l.kind = 2 AND c.present = 1 "
             "GROUP BY 1, 2 ORDER BY 1, 2")


def fresh_db() -> Database:
    db = open_db(None)
    db["decks"].insert_all([{"id": d, "title": d, "area": "sql" if d == "d3" else "math", "present": 1}
                            for d in DECKS])
    for i, card in enumerate(CARDS):
        db.execute("INSERT INTO cards (id, deck_id, position, front, back) VALUES (?, ?, ?, 'Q', 'A')",
                   [card, DECKS[i % len(DECKS)], i])
    return db


def instant(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def stored(minutes: int) -> int:
    """:func:`instant` as the log stores it (m010: microseconds since the epoch)."""
    return iso_us(instant(minutes))


answers = st.tuples(st.just("answer"), st.sampled_from(CARDS), st.integers(0, 3 * 24 * 60),
                    st.integers(0, 5), st.sampled_from(("review", "review", "review", "drill", "new", "cram")))
operations = st.one_of(
    answers,
    st.tuples(st.just("undo"), st.integers(0, 40)),
    st.tuples(st.just("present"), st.sampled_from(CARDS), st.booleans()),
    st.tuples(st.just("move"), st.sampled_from(CARDS), st.sampled_from(DECKS)),
    st.tuples(st.just("regrade"), st.integers(0, 40), st.integers(0, 5), st.sampled_from(("review", "drill"))),
    st.tuples(st.just("delete card"), st.sampled_from(CARDS)),
    st.tuples(st.just("add card"), st.sampled_from(CARDS), st.sampled_from(DECKS)),
)


def apply(db: Database, op: tuple) -> None:  # type: ignore[type-arg]
    kind = op[0]
    rows = [r[0] for r in db.execute("SELECT id FROM review_log ORDER BY id").fetchall()]
    if kind == "answer":
        _, card, minutes, quality, log_kind = op
        db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind) VALUES (?, ?, ?, ?)",
                   [card, stored(minutes), quality, KIND_CODES[log_kind]])
    elif kind == "undo" and rows:
        db.execute("DELETE FROM review_log WHERE id = ?", [rows[op[1] % len(rows)]])
    elif kind == "present":
        db.execute("UPDATE cards SET present = ? WHERE id = ?", [int(op[2]), op[1]])
    elif kind == "move":
        db.execute("UPDATE cards SET deck_id = ? WHERE id = ?", [op[2], op[1]])
    elif kind == "regrade" and rows:
        db.execute("UPDATE review_log SET quality = ?, kind = ? WHERE id = ?",
                   [op[2], KIND_CODES[op[3]], rows[op[1] % len(rows)]])
    elif kind == "delete card":
        db.execute("DELETE FROM cards WHERE id = ?", [op[1]])
    elif kind == "add card":
        db.execute("INSERT OR IGNORE INTO cards (id, deck_id, front, back) VALUES (?, ?, 'Q', 'A')", [op[1], op[2]])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(answers, min_size=3, max_size=25), st.lists(operations, max_size=25))
def test_the_summary_always_equals_the_log_aggregate(history: list[tuple], ops: list[tuple]) -> None:  # type: ignore[type-arg]
    db = fresh_db()
    for op in history + ops:
        apply(db, op)
    summary = db.execute("SELECT deck_id, day, reviews, passed FROM review_days ORDER BY 1, 2").fetchall()
    assert summary == db.execute(AGGREGATE).fetchall()


def test_the_migration_counts_an_existing_log(tmp_path: Path) -> None:
    """A collection at m003 with reviews gets its summary filled by m004."""
    db = Db.memory()
    migrations.apply(db.utils, stop_before="m004_stats_summaries")  # as on a collection from session 2
    db.execute("INSERT INTO cards (id, deck_id, position, front, back) VALUES ('c0', 'd1', 0, 'Q', 'A')")
    for minutes, quality in ((10, 4), (20, 1), (60 * 30, 5)):
        db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind) VALUES ('c0', ?, ?, 'review')",
                   [instant(minutes), quality])
    m004_stats_summaries(db)
    assert db.execute("SELECT deck_id, day, reviews, passed FROM review_days").fetchall() == [
        ("d1", "2026-03-01", 2, 1), ("d1", "2026-03-02", 1, 1)]


END = "9999-12-31"  # after every instant of the log (the test stood for its end with "9" before m010)
bounds = st.one_of(
    st.integers(-60, 7 * 24 * 60 + 60).map(instant),  # any instant, most cutting a UTC day
    st.integers(-1, 8).map(lambda d: (date(2026, 3, 1) + timedelta(days=d)).isoformat()),  # a bare date
    st.just(""),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(answers, max_size=30), bounds, bounds,
       st.sampled_from((ALL_DECKS, StudyScope(ScopeKind.AREA, "math"), StudyScope(ScopeKind.DECK, "d3"))))
def test_deck_reviews_match_a_count_of_the_log(log: list[tuple], since: str, until: str,  # type: ignore[type-arg]
                                               scope: StudyScope) -> None:
    db = fresh_db()
    for op in log:
        apply(db, op)
    db.execute("UPDATE cards SET present = 0 WHERE id = 'c4'")  # its reviews no longer count
    scope_sql, params = q._card_scope(scope)
    expected = {deck: (n, passed) for deck, n, passed in db.execute(
        "SELECT c.deck_id, COUNT(*), SUM(l.quality >= 3) FROM review_log l JOIN cards c ON c.id = l.card_id "
        f"WHERE l.kind = 2 AND c.present = 1 AND l.reviewed_at >= :since AND l.reviewed_at < :until{scope_sql} "
        "GROUP BY 1", {"since": iso_us(since) if since else -2**63, "until": iso_us(until or END), **params}
    ).fetchall()}
    assert q.StatsQueries(db).deck_reviews(scope, since, until or END) == expected
