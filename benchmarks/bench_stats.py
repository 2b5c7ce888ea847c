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
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.helpers

from harness import NOW, build_stats_collection, conditions, ms, percentile
from tests.helpers import collection_over

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.core.taxonomy import AREAS
from mlprep.services.stats import compute_stats
from mlprep.storage.collection_db import open_collection_db
from mlprep.storage.db import open_db

__all__ = ["ms"]


def build(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    """A collection at ``path`` with ``n_cards`` cards and ``n_reviews`` review-log rows
    (:func:`harness.build_stats_collection`)."""
    build_stats_collection(path, n_cards, n_reviews, rng)


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
    print(f"\nconditions: {conditions(path.parent, synchronous='FULL (shipped)')}", file=sys.stderr)
    print(json.dumps({label: round(statistics.median(v), 1) for label, v in results}), file=sys.stderr)


if __name__ == "__main__":
    main()
