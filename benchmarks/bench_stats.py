"""Statistics speed on a large collection (issue 7): ``compute_stats`` and the stats view.

    python benchmarks/bench_stats.py [--cards 100000] [--reviews 1000000] [--runs 15] [--db PATH]

Builds a synthetic collection of ``--cards`` cards in 100 decks over the nine curriculum
areas with ``--reviews`` review-log rows spread over two years (bulk inserts in one
transaction), shaped like what the app logs: a daily session (a few days missed), new cards,
reviews answered on or after their due day, SM-2 step-7 drill repeats, a little cram, grades
weighted towards Good. ``--db`` keeps the built collection at PATH and reuses it next time.
Then measures, in a warm process, the median and p95 of ``--runs`` full refreshes:
``compute_stats`` for everything (period 365 days and all time), for one area, and the
``StatsView`` refresh including its charts (Qt offscreen). Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_session import ms, percentile
from tests.helpers import collection_over

from mlprep.core.clock import FixedClock, day_start
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.core.taxonomy import AREAS
from mlprep.services.stats import compute_stats
from mlprep.storage.collection_db import open_collection_db
from mlprep.storage.db import open_db

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
DECKS = 100
DAYS = 730
KINDS = ("new", "review", "drill", "cram")
KIND_WEIGHTS = (8, 72, 17, 3)
QUALITY_WEIGHTS = (2, 3, 9, 20, 46, 20)  # 0-5: mostly Good, some Again/Hard/Easy
# Card texts as long as the shipped decks' means (front 104, back 365 characters), so that a
# pass over the cards table costs what it would in a real collection.
FRONT, BACK = "Q" * 104, "A" * 365


def build(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    """A collection at ``path`` with ``n_cards`` cards and ``n_reviews`` review-log rows."""
    db = open_db(path)
    today = NOW.date()
    per_deck = n_cards // DECKS
    decks = [{"id": f"deck-{d:03d}", "title": f"Deck {d:03d}", "area": AREAS[d % len(AREAS)].slug,
              "leaf": f"{AREAS[d % len(AREAS)].number}.{d // len(AREAS) + 1}", "path": f"deck-{d:03d}.md",
              "tags": "[]", "description": "", "card_count": per_deck, "present": 1} for d in range(DECKS)]
    cards = []
    for d in range(DECKS):
        for i in range(per_deck):
            card_id = f"c{d:03d}-{i:05d}"
            if rng.random() < 0.10:  # never studied
                cards.append((card_id, f"deck-{d:03d}", i, FRONT, BACK, None, 0, 2.5, 0, 0, 0, 0))
                continue
            interval = 1 + int(rng.expovariate(1 / 30))
            repetitions = 0 if rng.random() < 0.05 else rng.randint(1, 10)
            due = today + timedelta(days=rng.randint(-10, interval))
            cards.append((card_id, f"deck-{d:03d}", i, FRONT, BACK, due.isoformat(), repetitions,
                          round(rng.uniform(1.3, 3.0), 2), interval, rng.choice((0, 0, 0, 1, 2)),
                          rng.randint(1, 30), int(rng.random() < 0.02)))
    ids = [c[0] for c in cards if c[5] is not None]
    per_day = n_reviews // DAYS
    missed = {today - timedelta(days=rng.randint(30, DAYS)) for _ in range(25)}
    with db.atomic():
        db["decks"].insert_all(decks)
        db.conn.executemany(
            "INSERT INTO cards (id, deck_id, position, front, back, due, repetitions, easiness, interval, lapses, "
            "reviews, suspended, tags, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '2024-11-01')",
            cards)
        db.conn.executemany(
            "INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, repetitions_after, "
            "interval_before, interval_after, easiness_before, easiness_after, due_before, due_after, answer_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _log_rows(rng, ids, today, per_day, n_reviews, missed))
    db.close()


def _log_rows(rng: random.Random, ids: list[str], today: date, per_day: int, n_reviews: int,
              missed: set[date]) -> object:
    written = 0
    day = today - timedelta(days=DAYS - 1)
    while written < n_reviews:
        if day in missed:
            day += timedelta(days=1)
            continue
        start = day_start(day, UTC, 4) + timedelta(hours=rng.choice((3, 4, 14, 15)))  # a morning or evening session
        for k in range(min(per_day, n_reviews - written)):
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            quality = rng.choices(range(6), QUALITY_WEIGHTS)[0]
            interval = 0 if kind == "new" else int(rng.expovariate(1 / 25))
            repetitions = 0 if kind == "new" or rng.random() < 0.08 else rng.randint(1, 8)
            if kind == "review":  # due on or before today; now and then answered ahead (a same-day repeat)
                due = day + timedelta(days=1) if rng.random() < 0.002 else day - timedelta(days=rng.randint(0, 3))
            else:
                due = None if kind == "new" else day + timedelta(days=max(1, interval))
            yield (rng.choice(ids), (start + timedelta(seconds=6 * k)).isoformat(), quality, kind, repetitions,
                   repetitions + (quality >= 3), interval, max(1, interval * 2), 2.5, 2.5,
                   due.isoformat() if due else None, (day + timedelta(days=max(1, interval * 2))).isoformat(),
                   rng.randint(2000, 20000))
        written += min(per_day, n_reviews - written)
        day += timedelta(days=1)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up: caches, first-use imports
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(ms(time.perf_counter() - start))
    return out


def bench(path: Path, runs: int) -> list[tuple[str, list[float]]]:
    store = open_collection_db(path)
    clock = FixedClock(NOW)
    area = StudyScope(ScopeKind.AREA, AREAS[0].slug)
    results = [
        ("compute_stats, everything, 365 days", timed(lambda: compute_stats(store, clock, ALL_DECKS, 365, UTC), runs)),
        ("compute_stats, everything, all time", timed(lambda: compute_stats(store, clock, ALL_DECKS, None, UTC), runs)),
        (f"compute_stats, one area ({AREAS[0].slug}), 365 days",
         timed(lambda: compute_stats(store, clock, area, 365, UTC), runs)),
        ("compute_stats, everything, 30 days", timed(lambda: compute_stats(store, clock, ALL_DECKS, 30, UTC), runs)),
    ]
    from PySide6.QtWidgets import QApplication

    from mlprep.ui.stats_view import StatsView

    app = QApplication.instance() or QApplication(sys.argv)
    view = StatsView(collection_over(store, clock, UTC))
    view.resize(1100, 900)
    view.show()
    view.set_period(365)

    def refresh() -> None:
        view.refresh()
        app.processEvents()
    results.append(("StatsView.refresh() incl. charts, everything, 365 days", timed(refresh, runs)))
    view.close()
    store.db.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, default=None, help="build the collection here once and reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "stats.sqlite3"
        if not path.exists():
            t = time.perf_counter()
            build(path, args.cards, args.reviews, random.Random(7))
            print(f"built the collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        counts = "SELECT (SELECT COUNT(*) FROM cards), (SELECT COUNT(*) FROM review_log)"
        rows = open_db(path).execute(counts).fetchone()
        results = bench(path, args.runs)
    print(f"| {rows[0]:,} cards, {rows[1]:,} review-log rows, {args.runs} runs | median (ms) | p95 (ms) |")
    print("|---|---:|---:|")
    for label, values in results:
        print(f"| {label} | {statistics.median(values):.0f} | {percentile(values, 95):.0f} |")
    print(f"\n{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
          f"{sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print(json.dumps({label: round(statistics.median(v), 1) for label, v in results}), file=sys.stderr)


if __name__ == "__main__":
    main()
