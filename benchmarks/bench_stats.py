"""Statistics speed (issues 7 and 16): ``compute_stats``, the stats view, and Anki's statistics.

    python benchmarks/bench_stats.py [--cards 100000] [--reviews 1000000] [--runs 15] [--db PATH]
                                     [--anki] [--anki-db PATH]

Builds a synthetic collection of ``--cards`` cards in 100 decks over the nine curriculum
areas with ``--reviews`` review-log rows spread over two years (bulk inserts in one
transaction), shaped like what the app logs: a daily session (a few days missed), new cards,
reviews answered on or after their due day, SM-2 step-7 drill repeats, a little cram, grades
weighted towards Good. ``--db`` keeps the built collection at PATH and reuses it next time.
Then measures, in a warm process, the median and p95 of ``--runs`` full refreshes:
``compute_stats`` for everything (period 365 days and all time), for one area, and the
``StatsView`` refresh including its charts (Qt offscreen).

With ``--anki``, also an Anki collection of the same size and shape (:func:`build_anki`, kept at
``--anki-db`` if given) and its statistics screen's data, ``graphs(search="", days=365)``, timed
alternately with ``compute_stats`` for everything over 365 days in the same process: the ratio
mlprep / Anki. Not a test: timings belong here.
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

from harness import BACK_CHARS, FRONT_CHARS, NOW, alternate, build_stats_collection, conditions, ms, percentile
from harness import timed as harness_timed
from tests.helpers import collection_over

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.core.taxonomy import AREAS
from mlprep.services.stats import compute_stats
from mlprep.storage.collection_db import open_collection_db
from mlprep.storage.db import open_db


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """``runs`` timings (ms) of ``fn`` after one warm-up call (caches, first-use imports)."""
    return harness_timed(fn, runs, warmup=1)


__all__ = ["ms"]


def build(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    """A collection at ``path`` with ``n_cards`` cards and ``n_reviews`` review-log rows
    (:func:`harness.build_stats_collection`)."""
    build_stats_collection(path, n_cards, n_reviews, rng)


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


# -- Anki ----------------------------------------------------------------------------------------

def build_anki(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    """An Anki collection at ``path`` shaped like :func:`harness.build_stats_collection`: ``n_cards``
    Basic notes in 100 decks (10 % new, the rest review cards with varied intervals, ease and due
    days), ``n_reviews`` revlog rows over the last two years in one session a day (types learn /
    review / relearn / filtered 8 / 72 / 17 / 3 %, buttons weighted towards Good). Bulk SQL through
    Anki's own library (``col.db.executemany``)."""
    from anki.collection import AddNoteRequest, Collection

    col = Collection(str(path))
    model = col.models.by_name("Basic")
    per_deck = n_cards // 100
    front, back = "Q" * FRONT_CHARS, "A" * BACK_CHARS
    requests = []
    for d in range(100):
        did = col.decks.id(f"Bench::Deck {d:03d}")
        for i in range(per_deck):
            note = col.new_note(model)
            note["Front"], note["Back"] = f"{front} {d}/{i}", f"{back} {d}/{i}"
            requests.append(AddNoteRequest(note=note, deck_id=did))
    col.add_notes(requests)
    today = col.sched.today
    card_ids = col.db.list("select id from cards")
    updates = []
    for cid in card_ids:
        if rng.random() < 0.10:
            continue
        ivl = 1 + int(rng.expovariate(1 / 30))
        updates.append((ivl, rng.randint(1300, 3000), rng.randint(1, 10), today + rng.randint(-10, ivl),
                        -1 if rng.random() < 0.02 else 2, cid))
    col.db.executemany("update cards set type = 2, ivl = ?, factor = ?, reps = ?, due = ?, queue = ? where id = ?",
                       updates)
    per_day = max(1, n_reviews // 730)
    start_day = int(time.time()) // 86400 - 729
    missed = {start_day + rng.randint(0, 700) for _ in range(25)}
    rows, day = [], start_day
    while len(rows) < n_reviews:
        if day not in missed:
            base = (day * 86400 + rng.choice((7, 8, 18, 19)) * 3600) * 1000
            for k in range(min(per_day, n_reviews - len(rows))):
                kind = rng.choices((0, 1, 2, 3), (8, 72, 17, 3))[0]
                ivl = int(rng.expovariate(1 / 25)) if kind else 0
                rows.append((base + 6000 * k, rng.choice(card_ids), -1, rng.choices((1, 2, 3, 4), (11, 20, 46, 23))[0],
                             max(1, ivl * 2), ivl, 2500, rng.randint(2000, 20000), kind))
        day += 1
    col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    col.close()


def bench_anki(path: Path, runs: int) -> list[float]:
    """Anki's statistics screen data, ``graphs(search="", days=365)`` (every chart of the new stats
    screen, computed in Anki's Rust backend), timed ``runs`` times after one warm-up."""
    from anki.collection import Collection

    col = Collection(str(path))
    try:
        return timed(lambda: col._backend.graphs(search="", days=365), runs)
    finally:
        col.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, default=None, help="build the collection here once and reuse it")
    parser.add_argument("--anki", action="store_true", help="also time Anki's graphs(days=365), alternating")
    parser.add_argument("--anki-db", type=Path, default=None, help="build the Anki collection here once, reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "stats.sqlite3"
        if not path.exists():
            t = time.perf_counter()
            build(path, args.cards, args.reviews, random.Random(7))
            print(f"built the collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        counts = "SELECT (SELECT COUNT(*) FROM cards), (SELECT COUNT(*) FROM review_log)"
        rows = open_db(path).execute(counts).fetchone()
        versus = None
        if args.anki or args.anki_db:
            anki_path = args.anki_db or Path(tmp) / "anki.anki2"
            if not anki_path.exists():
                t = time.perf_counter()
                build_anki(anki_path, args.cards, args.reviews, random.Random(7))
                print(f"built the Anki collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
            versus = against_anki(path, anki_path, args.runs)
        results = bench(path, args.runs)
    print(f"| {rows[0]:,} cards, {rows[1]:,} review-log rows, {args.runs} runs | median (ms) | p95 (ms) |")
    print("|---|---:|---:|")
    for label, values in results:
        print(f"| {label} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} |")
    if versus:
        mine, theirs = versus["mlprep"], versus["anki"]
        print(f"\n| alternating, {args.runs} runs each | mlprep compute_stats, everything, 365 d "
              f"| Anki {_anki_version()} graphs(days=365) | ratio mlprep / Anki |")
        print("|---|---:|---:|---:|")
        print(f"| median / p95 (ms) | {statistics.median(mine):.1f} / {percentile(mine, 95):.1f} | "
              f"{statistics.median(theirs):.1f} / {percentile(theirs, 95):.1f} | "
              f"{statistics.median(mine) / statistics.median(theirs):.2f} |")
    print(f"\nconditions: {conditions(path.parent, synchronous='FULL (shipped; only reads are timed)')}",
          file=sys.stderr)
    print(json.dumps({label: round(statistics.median(v), 1) for label, v in results}), file=sys.stderr)


def against_anki(path: Path, anki_path: Path, runs: int) -> dict[str, list[float]]:
    """``compute_stats`` (everything, 365 days) and Anki's ``graphs(days=365)``, alternating in this
    process, ``runs`` times each after one warm-up of each."""
    from anki.collection import Collection

    store = open_collection_db(path)
    clock = FixedClock(NOW)
    col = Collection(str(anki_path))
    try:
        return alternate({"mlprep": lambda: compute_stats(store, clock, ALL_DECKS, 365, UTC),
                          "anki": lambda: col._backend.graphs(search="", days=365)}, runs)
    finally:
        col.close()
        store.db.close()


def _anki_version() -> str:
    try:
        from importlib.metadata import version
        return version("anki")
    except Exception:
        return "(not installed)"


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # Anki's extension and PySide6 together can crash while the interpreter tears down
    # ("none_dealloc", see bench_session.py); every figure is printed by now.
    os._exit(0)
