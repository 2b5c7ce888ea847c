"""Statistics against hand-built review histories with known answers (see tests/stats_history.py)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.services.stats import compute_stats, parse_period, parse_scope, scope_choices, streaks
from mlprep.services.stats_export import MASTERY_COLUMNS, export_csv, stats_to_json
from mlprep.services.stats_model import RetentionCounts
from mlprep.services.stats_report import summary_text
from mlprep.storage.stats_queries import StatsQueries
from tests.stats_history import TODAY, card_states, collection, log, retention_history

DECK_A, DECK_B = StudyScope(ScopeKind.DECK, "deck-a"), StudyScope(ScopeKind.DECK, "deck-b")


@pytest.fixture(params=["small-log path", "range counts"])
def history(request: pytest.FixtureRequest, tmp_path: Path, deck_dir: Path,  # type: ignore[no-untyped-def]
            clock: FixedClock):
    """The hand-built history, its per-day counts read row by row (as a small log is) or by the
    range counts a large collection uses: every figure below must hold for both."""
    store = collection(tmp_path / "data", deck_dir, clock)
    retention_history(store.db)
    card_states(store.db)
    if request.param == "range counts":
        store.stats = StatsQueries(store.db, small_log_rows_per_day=0)
    return store


def test_true_retention_counts_first_reviews_only(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    stats = compute_stats(history, clock, ALL_DECKS, 30, UTC)
    assert stats.retention.young == RetentionCounts(passed=3, total=5)
    assert stats.retention.mature == RetentionCounts(passed=2, total=3)
    assert stats.retention.overall == RetentionCounts(passed=5, total=8)
    assert stats.retention.overall.rate == pytest.approx(62.5)
    # All time adds the January review (young, passed).
    assert compute_stats(history, clock, ALL_DECKS, None, UTC).retention.young == RetentionCounts(4, 6)


def test_reviews_per_day_by_type_and_the_21_day_line(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    stats = compute_stats(history, clock, ALL_DECKS, 30, UTC)
    assert len(stats.days) == 30 and stats.days[-1].day == TODAY
    by_day = {d.day: d for d in stats.days}
    ninth, eighth = by_day[date(2026, 3, 9)], by_day[date(2026, 3, 8)]
    assert (ninth.new, ninth.learning, ninth.young, ninth.mature) == (1, 3, 3, 1)  # cram left out
    # 8 March: interval 20 is young, 21 mature; the 03:30 UTC answer of the 9th belongs to the 8th.
    assert (eighth.new, eighth.learning, eighth.young, eighth.mature) == (0, 0, 2, 3)
    assert stats.reviews == 13


def test_answer_buttons_per_type(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    buttons = compute_stats(history, clock, ALL_DECKS, 30, UTC).buttons.by_type
    assert buttons == {"new": (0, 0, 0, 1, 0, 0), "learning": (0, 0, 1, 0, 2, 0),
                       "young": (0, 1, 2, 0, 1, 1), "mature": (1, 0, 1, 1, 0, 1)}


def test_card_states_forecast_and_histograms(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    stats = compute_stats(history, clock, ALL_DECKS, 30, UTC)
    s = stats.states
    assert (s.new, s.learning, s.young, s.mature, s.suspended) == (1, 1, 1, 1, 1)
    # Overdue a-one and a-two count today; a-three on the 12th; suspended b-two (tomorrow) is left out.
    assert stats.forecast.start == TODAY and len(stats.forecast.counts) == 30
    assert stats.forecast.counts[:4] == (2, 0, 1, 0) and sum(stats.forecast.counts) == 3
    assert stats.forecast.overdue == 1
    intervals = dict(zip(stats.intervals.labels, stats.intervals.counts, strict=True))
    assert (intervals["1d"], intervals["2-3w"], intervals["3w-1m"], stats.intervals.total) == (1, 1, 1, 3)
    ease = dict(zip(stats.ease.labels, stats.ease.counts, strict=True))
    assert (ease["2.0"], ease["2.5"], ease["2.8"], stats.ease.total) == (1, 1, 1, 3)


def test_mastery_per_area_and_deck(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    rows = {(m.level, m.key): m for m in compute_stats(history, clock, ALL_DECKS, 30, UTC).mastery}
    a, b = rows[("deck", "deck-a")], rows[("deck", "deck-b")]
    assert (a.cards, a.seen, a.seen_pct, a.due_now, a.lapses) == (3, 3, 100.0, 2, 3)
    assert a.mean_ef == pytest.approx((2.0 + 2.5 + 2.8) / 3)
    assert a.retention == RetentionCounts(3, 4)
    assert (b.cards, b.seen, b.seen_pct, b.due_now, b.lapses, b.mean_ef) == (2, 1, 50.0, 0, 3, 1.3)
    assert b.retention == RetentionCounts(2, 4)
    assert rows[("area", "math")].retention == a.retention and rows[("area", "sql")].title == "SQL"
    order = [(m.level, m.key) for m in compute_stats(history, clock, ALL_DECKS, 30, UTC).mastery]
    assert order == [("area", "math"), ("deck", "deck-a"), ("area", "sql"), ("deck", "deck-b")]


def test_a_deck_scope_sees_only_its_cards(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    b = compute_stats(history, clock, DECK_B, 30, UTC)
    assert b.retention.overall == RetentionCounts(2, 4)
    assert b.states.total == 2 and b.states.new == 1 and b.states.suspended == 1
    assert [(m.level, m.key) for m in b.mastery] == [("area", "sql"), ("deck", "deck-b")]
    ninth = next(d for d in b.days if d.day == date(2026, 3, 9))
    assert (ninth.new, ninth.learning, ninth.young, ninth.mature) == (0, 1, 2, 0)


def test_scoped_figures_add_up_to_everything(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    """The whole collection (range counts over the log) and each deck (its cards' rows) are
    computed by different queries; they must agree."""
    for period in (30, None):
        whole = compute_stats(history, clock, ALL_DECKS, period, UTC)
        parts = [compute_stats(history, clock, scope, period, UTC) for scope in (DECK_A, DECK_B)]
        totals = {d.day: d.total for d in whole.days}
        for part in parts:
            for d in part.days:
                totals[d.day] -= d.total
        assert set(totals.values()) == {0}
        assert whole.heatmap.counts == tuple(map(sum, zip(*(p.heatmap.counts for p in parts), strict=True)))
        assert whole.retention.overall == parts[0].retention.overall + parts[1].retention.overall
        for review_type, counts in whole.buttons.by_type.items():
            assert counts == tuple(map(sum, zip(*(p.buttons.by_type[review_type] for p in parts), strict=True)))


def test_today_counts_cram_and_time(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    store = collection(tmp_path / "data", deck_dir, clock)
    log(store.db, "a-one", "2026-03-10 09:00", 4, ms=6000)
    log(store.db, "a-one", "2026-03-10 09:01", 2, "drill", ms=3000)
    log(store.db, "b-two", "2026-03-10 09:02", 1, "cram", ms=2000)
    log(store.db, "b-one", "2026-03-10 03:00", 5)  # before 4 AM: yesterday
    today = compute_stats(store, clock, ALL_DECKS, 30, UTC).today
    assert (today.answers, today.cards, today.correct, today.time_ms) == (3, 2, 1, 11000)
    assert today.correct_pct == pytest.approx(100 / 3)
    assert compute_stats(store, clock, DECK_B, 30, UTC).today.answers == 1


def test_streaks_across_a_missed_day_and_before_today_is_studied(tmp_path: Path, deck_dir: Path,
                                                                clock: FixedClock) -> None:
    store = collection(tmp_path / "data", deck_dir, clock)
    for day in (1, 2, 3, 5, 6, 7, 8, 9):  # 4 March missed (only cram that day)
        log(store.db, "a-one", f"2026-03-{day:02d} 10:00", 4)
    log(store.db, "b-one", "2026-03-04 10:00", 4, "cram")
    log(store.db, "b-one", "2026-03-05 03:00", 4)  # 03:00 UTC on the 5th is study day 4th... of deck B only
    heat = compute_stats(store, clock, DECK_A, 30, UTC).heatmap
    assert (heat.current_streak, heat.longest_streak) == (5, 5)  # today not studied yet: the streak holds
    assert heat.start == TODAY - timedelta(days=364) and len(heat.counts) == 365 and heat.counts[-1] == 0
    assert heat.days_studied == 8
    # For everything, deck B's answer before the rollover fills 4 March: one streak of nine.
    assert compute_stats(store, clock, ALL_DECKS, 30, UTC).heatmap.longest_streak == 9
    log(store.db, "a-two", "2026-03-10 08:00", 3, "new", reps=0, interval=0, due=None)
    heat = compute_stats(store, clock, DECK_A, 30, UTC).heatmap
    assert (heat.current_streak, heat.longest_streak) == (6, 6)
    clock.advance(days=2)  # two days later without studying: broken
    assert compute_stats(store, clock, DECK_A, 30, UTC).heatmap.current_streak == 0


def test_streak_function() -> None:
    d = date(2026, 3, 10)
    assert streaks([], d) == (0, 0)
    assert streaks([d - timedelta(days=1)], d) == (1, 1)
    assert streaks([d - timedelta(days=2)], d) == (0, 1)
    assert streaks([d, d - timedelta(days=1), d - timedelta(days=5)], d) == (2, 2)


def test_days_follow_the_time_zone_across_a_dst_change(tmp_path: Path, deck_dir: Path) -> None:
    """New York moves to summer time at 2 AM on 8 March 2026: study day 7 March (04:00 EST to
    04:00 EDT) is 23 hours long. A fixed UTC offset would put one of these answers on the
    wrong day."""
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tz = zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")
    from datetime import datetime
    clock = FixedClock(datetime(2026, 3, 10, 16, tzinfo=UTC))
    store = collection(tmp_path / "data", deck_dir, clock)
    for when, card in (("2026-03-07 08:59", "a-one"),    # 03:59 EST: still the 6th
                       ("2026-03-07 09:00", "a-two"),    # 04:00 EST: the 7th begins
                       ("2026-03-08 07:59", "a-three"),  # 03:59 EDT: still the 7th
                       ("2026-03-08 08:00", "b-one")):   # 04:00 EDT: the 8th
        log(store.db, card, when, 4)
    expected = {ALL_DECKS: {date(2026, 3, 6): 1, date(2026, 3, 7): 2, date(2026, 3, 8): 1},
                StudyScope(ScopeKind.AREA, "math"): {date(2026, 3, 6): 1, date(2026, 3, 7): 2},
                DECK_B: {date(2026, 3, 8): 1}}
    for scope, days in expected.items():
        assert {d.day: d.total for d in compute_stats(store, clock, scope, 30, tz).days if d.total} == days, scope


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"])
def test_study_day_bounds_are_day_start_across_dst(zone: str) -> None:
    """The windows are built without an aware datetime per day; each bound must still be
    day_start's, on the 23- and 25-hour days (Lord Howe shifts by 30 minutes) at every rollover."""
    from datetime import timezone

    from mlprep.core.clock import day_start
    from mlprep.services.stats import _windows
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tz = UTC if zone == "UTC" else zoneinfo.ZoneInfo(zone)
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")
    first, last = date(2025, 12, 1), date(2026, 12, 1)
    for rollover in range(24):
        expected = [(first + timedelta(days=i), day_start(first + timedelta(days=i), tz, rollover).isoformat(),
                     day_start(first + timedelta(days=i + 1), tz, rollover).isoformat())
                    for i in range((last - first).days + 1)]
        assert _windows(first, last, tz, rollover) == expected, rollover
    assert _windows(first, first, timezone(timedelta(hours=-3, minutes=-30)), 4)[0][1] == "2025-12-01T07:30:00+00:00"


def test_empty_collection(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    stats = compute_stats(collection(tmp_path / "data", deck_dir, clock), clock, ALL_DECKS, 30, UTC)
    assert stats.empty and stats.first_day is None and stats.reviews == 0
    assert stats.states.new == 5 and stats.retention.overall.rate is None
    assert stats.heatmap.current_streak == 0 and sum(stats.forecast.counts) == 0
    assert "No reviews yet" in summary_text(stats)


def test_json_has_every_figure(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(stats_to_json(compute_stats(history, clock, ALL_DECKS, 30, UTC)))
    assert data["scope"] == "all" and data["period_days"] == 30 and data["today_date"] == "2026-03-10"
    assert data["retention"]["young"] == {"passed": 3, "total": 5, "rate": 60.0}
    assert data["states"] == {"new": 1, "learning": 1, "young": 1, "mature": 1, "suspended": 1}
    assert data["forecast"]["counts"][:3] == [2, 0, 1] and data["streak"]["current"] == 2
    assert len(data["days"]) == 30 and data["days"][-2] == {"day": "2026-03-09", "new": 1, "learning": 3,
                                                             "young": 3, "mature": 1}
    assert [m["key"] for m in data["mastery"]] == ["math", "deck-a", "sql", "deck-b"]
    assert data["mastery"][1]["retention"] == {"passed": 3, "total": 4, "rate": 75.0}


def test_csv_export_writes_the_log_and_the_mastery_table(history, clock: FixedClock,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    stats = compute_stats(history, clock, ALL_DECKS, 30, UTC)
    log_path, mastery_path = export_csv(history, stats, tmp_path / "out")
    with log_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 15 and rows[0]["card_id"] == "a-one" and rows[0]["deck_id"] == "deck-a"
    assert rows[0]["area"] == "math" and rows[0]["reviewed_at"] == "2026-03-09T08:00:00+00:00"
    assert sum(r["kind"] == "cram" for r in rows) == 1  # cram is in the export
    with mastery_path.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == MASTERY_COLUMNS
    assert table[2] == ["deck", "math", "deck-a", "Deck A", "3", "3", "100.0", "75.0", "4", "3", "2.433", "2", "3"]
    assert len(table) == 5


def test_parsing_scopes_and_periods(history) -> None:  # type: ignore[no-untyped-def]
    assert parse_scope("all") == ALL_DECKS and parse_scope("deck:deck-b") == DECK_B
    assert parse_scope("area:sql") == StudyScope(ScopeKind.AREA, "sql")
    for bad in ("", "tag:x", "deck:", "everything"):
        with pytest.raises(ValueError):
            parse_scope(bad)
    assert parse_period("all") is None and parse_period("90") == 90
    with pytest.raises(ValueError):
        parse_period("7")
    labels = [(c.label, c.scope) for c in scope_choices(history)]
    assert labels == [("Everything", ALL_DECKS), ("Math & statistics", StudyScope(ScopeKind.AREA, "math")),
                      ("Deck A", StudyScope(ScopeKind.DECK, "deck-a")), ("SQL", StudyScope(ScopeKind.AREA, "sql")),
                      ("Deck B", DECK_B)]


def test_a_tag_scope_is_refused(history, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="scope"):
        compute_stats(history, clock, StudyScope(ScopeKind.TAG, "math"), 30, UTC)
