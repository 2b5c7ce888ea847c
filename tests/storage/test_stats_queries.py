"""The statistics queries: exact study days, repeat reviews, plans that never sort the log, and the
small-log path of the per-day counts giving the same figures as the range counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from mlprep.core.clock import FixedClock, day_start, study_day
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.storage import stats_queries as q
from mlprep.storage.db import open_db
from mlprep.storage.log_codec import KIND_CODES, date_of, instant_us
from mlprep.storage.stats_queries import StatsQueries
from tests.stats_history import TODAY, card_states, collection, log, retention_history

EST = timezone(timedelta(hours=-5))


def windows(last: date, days: int, tz: Any = UTC) -> list[q.Window]:
    first = last - timedelta(days=days - 1)
    return [(first + timedelta(days=i), day_start(first + timedelta(days=i), tz).isoformat(),
             day_start(first + timedelta(days=i + 1), tz).isoformat()) for i in range(days)]


class PlanSpy:
    """Runs each query after recording SQLite's plan for it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.plans: list[str] = []

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.plans.append("\n".join(r[3] for r in self.db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()))
        return self.db.execute(sql, params)


@pytest.fixture
def db(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Database:
    store = collection(tmp_path / "data", deck_dir, clock)
    retention_history(store.db)
    card_states(store.db)
    return store.db


def test_the_log_is_read_through_covering_indexes_without_sorting(db: Database) -> None:
    """The large-collection path (range counts, forced here on a small log) and the other queries
    read covering indexes and never sort the log: this guards the 100k / 1M figures."""
    spy = PlanSpy(db)
    large = StatsQueries(spy, small_log_rows_per_day=0)  # type: ignore[arg-type]
    large.answer_counts(windows(TODAY, 30), ALL_DECKS, TODAY - timedelta(days=29))
    large.active_days(windows(TODAY, 30), ALL_DECKS)
    large.repeat_reviews(windows(TODAY, 30), ALL_DECKS)
    large.deck_rows(TODAY, ALL_DECKS, "2026-02-01T04:00:00+00:00", "2026-03-10T04:00:00+00:00")
    large.card_spread(TODAY, 30, ALL_DECKS, [0, 1, 21])
    hours, totals, active, repeats, decks, reviews, spread = spy.plans  # no capped count with the small path off
    sizing = PlanSpy(db)
    StatsQueries(sizing, small_log_rows_per_day=1).answer_counts(  # type: ignore[arg-type]
        windows(TODAY, 30), ALL_DECKS, TODAY - timedelta(days=29))
    assert "COVERING INDEX idx_review_log_time" in sizing.plans[0]  # the capped count that picks the path
    # Per-day counts and active days: one range of the answer_hours summary's key (m009), in key order,
    # never the log. The period's class x grade totals group the range's rows (at most 6 an hour) by class.
    summary_range = "SEARCH answer_hours USING PRIMARY KEY (hour>? AND hour<?)"
    assert hours == active == summary_range
    assert totals == f"{summary_range}\nUSE TEMP B-TREE FOR GROUP BY"
    assert "idx_review_log_ahead " in repeats and "idx_review_log_ahead_utc" in repeats
    assert "COVERING INDEX idx_cards_stats" in decks and "COVERING INDEX idx_cards_stats" in spread
    # Whole days from the summary, the cut ends of the range from the log's time index.
    assert reviews.count("idx_review_log_time") == 2
    assert any(line.split()[:2] in (["SCAN", "r"], ["SEARCH", "r"]) for line in reviews.splitlines()), reviews
    assert "SCAN review_log" not in reviews and "SCAN l" not in reviews
    for plan in (decks,):  # the repeats, reviews and spread are few groups: they may sort
        assert "TEMP B-TREE" not in plan, plan


def test_a_small_log_is_read_row_by_row_without_sorting(db: Database) -> None:
    """While the period holds few answers a day, each day is one seek into the time index and
    its rows are read in index order: no scan of the log, no sort."""
    spy = PlanSpy(db)
    StatsQueries(spy, small_log_rows_per_day=60).answer_counts(  # type: ignore[arg-type]
        windows(TODAY, 30), ALL_DECKS, TODAY - timedelta(days=29))
    _size, per_day = spy.plans
    assert "idx_review_log_time (reviewed_at>? AND reviewed_at<?)" in per_day and "SCAN review_log" not in per_day
    assert "TEMP B-TREE" not in per_day, per_day


def test_both_paths_give_the_hand_worked_counts(db: Database) -> None:
    """The figures of test_day_class_counts_per_class_and_grade, summed by class, from either path."""
    for queries in (StatsQueries(db), StatsQueries(db, small_log_rows_per_day=0)):
        counts = queries.answer_counts(windows(TODAY, 30), ALL_DECKS, date(2026, 3, 9))
        assert set(counts.days) == {date(2026, 3, 8), date(2026, 3, 9)}
        assert counts.days[date(2026, 3, 9)] == (1, 2, 1, 3, 0, 1)  # new, drill, relearn, young, -, mature
        grades = counts.grades  # from the 9th only: the 8th is left out
        assert grades[q.NEW * 6 + 3] == 1 and grades[q.DRILL * 6 + 2] == 1 and grades[q.DRILL * 6 + 4] == 1
        assert grades[q.RELEARN * 6 + 4] == 1 and grades[q.MATURE * 6 + 2] == 1
        assert (grades[q.YOUNG * 6 + 1], grades[q.YOUNG * 6 + 4], grades[q.YOUNG * 6 + 5]) == (1, 1, 1)
        assert sum(grades) == 8


# -- the two paths of answer_counts on random logs ---------------------------------------------------

LOG_START = datetime(2026, 3, 20, tzinfo=UTC)  # Berlin's summer time begins on 29 March 2026
LOG_DAYS = 20
KINDS = ("new", "drill", "review", "review", "review", "cram")


def _zone(name: str) -> Any:
    if name == "UTC":
        return UTC
    if name == "EST":
        return EST
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        return zoneinfo.ZoneInfo(name)
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")


def _oracle(rows: list[tuple[int, int, str, int, int]], wins: list[q.Window], since: date, tz: Any,
            rollover: int) -> q.AnswerCounts:
    """The definition, row by row in Python: study day, row class, cram left out."""
    days = {d for d, _, _ in wins}
    per_day: dict[date, list[int]] = {}
    grades = [0] * 36
    for minute, quality, kind, reps, interval in rows:
        day = study_day(LOG_START + timedelta(minutes=minute), tz, rollover)
        if day not in days or kind == "cram":
            continue
        cls = {"new": 0, "drill": 1}.get(kind, 2 + (reps > 0) + 2 * (interval >= 21))
        per_day.setdefault(day, [0] * 6)[cls] += 1
        if day >= since:
            grades[cls * 6 + quality] += 1
    return q.AnswerCounts({d: tuple(v) for d, v in per_day.items()}, tuple(grades))


log_rows = st.lists(st.tuples(st.integers(0, LOG_DAYS * 24 * 60 + 600), st.integers(0, 5), st.sampled_from(KINDS),
                              st.integers(0, 2), st.sampled_from((0, 1, 20, 21, 60))), max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=log_rows, zone=st.sampled_from(("UTC", "EST", "Europe/Berlin", "Asia/Kolkata")),
       rollover=st.integers(0, 23), first=st.integers(0, 6), days=st.integers(1, 14), since=st.integers(0, 14))
def test_the_small_log_path_equals_the_range_counts(rows: list[tuple[int, int, str, int, int]], zone: str,
                                                   rollover: int, first: int, days: int, since: int) -> None:
    tz = _zone(zone)
    db = open_db(None)
    db.conn.executemany(
        "INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, interval_before) "
        "VALUES ('c', ?, ?, ?, ?, ?)",
        [(instant_us(LOG_START + timedelta(minutes=m)), g, KIND_CODES[k], r, i) for m, g, k, r, i in rows])
    start = LOG_START.date() + timedelta(days=first)
    wins = [(start + timedelta(days=i), day_start(start + timedelta(days=i), tz, rollover).isoformat(),
             day_start(start + timedelta(days=i + 1), tz, rollover).isoformat()) for i in range(days)]
    since_day = start + timedelta(days=min(since, days - 1))
    small = StatsQueries(db, small_log_rows_per_day=10**6).answer_counts(wins, ALL_DECKS, since_day)
    large = StatsQueries(db, small_log_rows_per_day=0).answer_counts(wins, ALL_DECKS, since_day)
    assert small == large == _oracle(rows, wins, since_day, tz, rollover)


def test_the_path_follows_the_log_size() -> None:
    """The capped count: at most ``small_log_rows_per_day`` rows a day on average (cram included)
    reads rows; one more takes the range counts. Both give the same figures."""
    db = open_db(None)
    wins = windows(date(2026, 3, 2), 2)
    for minute in range(5):  # 5 rows on 1 March's study day (from 04:00 UTC), none on the 2nd
        db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind) VALUES ('c', ?, 4, ?)",
                   [instant_us(datetime(2026, 3, 1, 10, minute, tzinfo=UTC)), KIND_CODES["cram"]])
    db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind) VALUES ('c', ?, 3, ?)",
               [instant_us(datetime(2026, 3, 2, 10, tzinfo=UTC)), KIND_CODES["new"]])
    for per_day, small in ((3, True), (2, False)):  # 6 rows over 2 days
        spy = PlanSpy(db)
        counts = StatsQueries(spy, small_log_rows_per_day=per_day).answer_counts(  # type: ignore[arg-type]
            wins, ALL_DECKS, date(2026, 3, 1))
        assert counts.days == {date(2026, 3, 2): (1, 0, 0, 0, 0, 0)} and sum(counts.grades) == 1
        assert ("idx_review_log_time (reviewed_at>? AND reviewed_at<?)" in spy.plans[1]) is small, spy.plans[1]


def test_the_study_session_keeps_its_index_on_card_id(db: Database) -> None:
    """m003 replaces (card_id, reviewed_at) by (card_id, kind, ...): lookups by card still seek."""
    plan = " ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT MAX(reviewed_at) FROM review_log WHERE card_id = ?", ["a-one"]).fetchall())
    assert "idx_review_log_card_kind (card_id=?)" in plan


def test_day_expr_gives_the_study_day_across_dst(tmp_path: Path) -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tz = zoneinfo.ZoneInfo("Europe/Berlin")  # summer time from 29 March, winter from 25 October 2026
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")
    wins = windows(date(2026, 10, 30), 240, tz)
    expr = q.day_expr(q.spans_of(wins), "t.x")
    db = Database(memory=True)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for hours in range(0, 240 * 24, 7):
        for minute in (0, 59):
            instant = start + timedelta(hours=hours, minutes=minute)
            got = db.execute(f"WITH t(x) AS (VALUES (?)) SELECT {expr} FROM t", [instant_us(instant)]).fetchone()[0]
            assert date_of(got) == study_day(instant, tz), instant


def test_day_class_counts_per_class_and_grade(db: Database) -> None:
    counts = StatsQueries(db).day_class_counts(windows(TODAY, 30), ALL_DECKS)
    assert set(counts) == {date(2026, 3, 8), date(2026, 3, 9)}
    ninth = counts[date(2026, 3, 9)]
    assert ninth[q.NEW * 6 + 3] == 1 and ninth[q.DRILL * 6 + 2] == 1 and ninth[q.DRILL * 6 + 4] == 1
    assert ninth[q.RELEARN * 6 + 4] == 1  # b-two: a review with repetitions 0
    assert ninth[q.YOUNG * 6 + 4] == 1 and ninth[q.YOUNG * 6 + 5] == 1 and ninth[q.YOUNG * 6 + 1] == 1
    assert ninth[q.MATURE * 6 + 2] == 1 and sum(ninth) == 8  # the cram row is not counted
    queries = StatsQueries(db)
    assert queries.day_class_counts(windows(TODAY, 30), StudyScope(ScopeKind.DECK, "deck-b")) == {
        d: c for d, c in queries.day_class_counts(windows(TODAY, 30), StudyScope(ScopeKind.AREA, "sql")).items()}


def test_repeat_reviews_are_the_second_reviews_of_a_day(db: Database) -> None:
    repeats = StatsQueries(db).repeat_reviews(windows(TODAY, 30), ALL_DECKS)
    assert sorted(repeats) == [("deck-a", q.MATURE, 0, 1), ("deck-b", q.YOUNG, 1, 1)]
    assert StatsQueries(db).repeat_reviews(windows(TODAY, 30), StudyScope(ScopeKind.DECK, "deck-a")) == [
        ("deck-a", q.MATURE, 0, 1)]


def test_a_repeat_in_the_evening_west_of_utc_is_found(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    """At 23:00 EST it is already the next UTC date, so a card due "tomorrow" looks due today
    by its UTC date: the search reads those hours separately."""
    store = collection(tmp_path / "data", deck_dir, clock)
    log(store.db, "a-one", "2026-03-09 04:00", 4, due="2026-03-08")  # 23:00 EST on the 8th: first
    log(store.db, "a-one", "2026-03-09 04:30", 2, due="2026-03-09")  # 23:30 EST: answered ahead, a repeat
    log(store.db, "a-two", "2026-03-09 04:40", 4, due="2026-03-08")  # another card: first
    wins = windows(date(2026, 3, 9), 5, EST)
    assert StatsQueries(store.db).repeat_reviews(wins, ALL_DECKS) == [("deck-a", q.YOUNG, 2, 1)]


def test_today_totals_and_first_review(db: Database) -> None:
    assert StatsQueries(db).today_totals(windows(TODAY, 1)[0], ALL_DECKS) == q.TodayRow(0, 0, 0, 0)
    yesterday = windows(TODAY - timedelta(days=1), 1)[0]
    assert StatsQueries(db).today_totals(yesterday, ALL_DECKS) == q.TodayRow(9, 5, 5, 45000)
    assert StatsQueries(db).first_review(ALL_DECKS) == datetime(2026, 1, 5, 10, tzinfo=UTC)
    deck_b = StudyScope(ScopeKind.DECK, "deck-b")
    assert StatsQueries(db).first_review(deck_b) == datetime(2026, 3, 8, 10, 5, tzinfo=UTC)


def test_deck_rows(db: Database) -> None:
    rows = {r.deck_id: r for r in StatsQueries(db).deck_rows(TODAY, ALL_DECKS, "2026-02-01", "2026-03-11")}
    a = rows["deck-a"]
    assert (a.cards, a.seen, a.learning, a.young, a.mature, a.new, a.due_now, a.lapses) == (3, 3, 1, 1, 1, 0, 2, 3)
    assert (a.reviews, a.passed) == (5, 3)  # the repeat of a-two on the 8th is still in: see repeat_reviews
    b = rows["deck-b"]
    assert (b.cards, b.seen, b.suspended, b.new, b.reviews, b.passed) == (2, 1, 1, 1, 5, 2)
