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

With ``--baseline SRC`` (a src folder of another version, e.g. ``git archive HEAD src | tar -x -C /tmp/h``),
each compute_stats case runs in two worker processes, this tree's and the baseline's, each on its own copy
of the collection (built by the baseline when no ``--db`` is given), ``--block`` runs at a time in turn
(the order of the sides turning each round; with ``--anki`` Anki's graphs(days=365) is a third side): wall
and CPU time per side, medians, p95 and the ratio this / baseline. Each side first gives the SHA-256 of
``stats_to_json`` of every case, so the table says whether both versions computed the same figures.
Cases :data:`CASES` add the system's zone (``tz=None``, what the app passes) to the four above.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.helpers

from harness import (
    BACK_CHARS,
    FRONT_CHARS,
    NOW,
    alternate,
    ask_worker,
    build_stats_collection,
    conditions,
    ms,
    percentile,
)
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


def fresh(store: Any, fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` after dropping what the statistics remember between refreshes of an unchanged collection
    (``StatsQueries.forget``; a version without it has nothing to drop): every run computes everything,
    as the first refresh after an answer does."""
    forget = getattr(store.stats, "forget", None)
    if forget is None:
        return fn

    def run() -> object:
        forget()
        return fn()
    return run


def bench(path: Path, runs: int) -> list[tuple[str, list[float]]]:
    store = open_collection_db(path)
    clock = FixedClock(NOW)
    area = StudyScope(ScopeKind.AREA, AREAS[0].slug)
    results = [
        ("compute_stats, everything, 365 days",
         timed(fresh(store, lambda: compute_stats(store, clock, ALL_DECKS, 365, UTC)), runs)),
        ("compute_stats, everything, all time",
         timed(fresh(store, lambda: compute_stats(store, clock, ALL_DECKS, None, UTC)), runs)),
        (f"compute_stats, one area ({AREAS[0].slug}), 365 days",
         timed(fresh(store, lambda: compute_stats(store, clock, area, 365, UTC)), runs)),
        ("compute_stats, everything, 30 days",
         timed(fresh(store, lambda: compute_stats(store, clock, ALL_DECKS, 30, UTC)), runs)),
        ("compute_stats, everything, 365 days, unchanged collection (card passes remembered)",
         timed(lambda: compute_stats(store, clock, ALL_DECKS, 365, UTC), runs)),
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


# -- against a baseline src, in worker processes ---------------------------------------------------

CASES: dict[str, tuple[str, int | None, bool, bool]] = {
    "everything, 365 days": ("all", 365, True, True), "everything, all time": ("all", None, True, True),
    f"one area ({AREAS[0].slug}), 365 days": (f"area:{AREAS[0].slug}", 365, True, True),
    "everything, 30 days": ("all", 30, True, True), "everything, 365 days, system zone": ("all", 365, False, True),
    "everything, 365 days, unchanged collection": ("all", 365, True, False)}
"""The compared cases: label -> (scope, period, whether in UTC, else ``tz=None``, the system's zone; whether
every run computes everything (:func:`fresh`), else what a version remembers while nothing changed is used)."""


def _case(store: Any, label: str) -> Callable[[], object]:
    scope_text, period, utc, everything = CASES[label]
    kind, _, value = scope_text.partition(":")
    scope = ALL_DECKS if kind == "all" else StudyScope(ScopeKind(kind), value)
    clock, tz = FixedClock(NOW), (UTC if utc else None)

    def run() -> object:
        return compute_stats(store, clock, scope, period, tz)
    return fresh(store, run) if everything else run


def _serve(kind: str, path: Path) -> None:
    """A worker: one JSON command a line on stdin (``{"case": label, "n": N}``), one line of timings back
    (``{"wall": [ms...], "cpu": [ms...]}``); first line out: the ready line with the figures' hashes."""
    if kind == "anki":
        from anki.collection import Collection

        col = Collection(str(path))
        cases: dict[str, Callable[[], object]] = {"anki": lambda: col._backend.graphs(search="", days=365)}
        hashes = {}
    else:
        from mlprep.services.stats_export import stats_to_json

        store = open_collection_db(path)
        cases = {label: _case(store, label) for label in CASES}
        hashes = {label: hashlib.sha256(stats_to_json(fn()).encode()).hexdigest()  # type: ignore[arg-type]
                  for label, fn in cases.items()}
    for fn in cases.values():
        fn()  # warm-up
    print(json.dumps({"ready": True, "hashes": hashes}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("op") == "quit":
            break
        fn = cases[command["case"]]
        wall, cpu = [], []
        for _ in range(command["n"]):
            w, c = time.perf_counter(), time.process_time()
            fn()
            cpu.append(ms(time.process_time() - c))
            wall.append(ms(time.perf_counter() - w))
        print(json.dumps({"wall": wall, "cpu": cpu}), flush=True)
    sys.stdout.flush()
    os._exit(0)  # Anki's extension can crash at teardown (see the end of this file)


class _Worker:
    def __init__(self, src: Path | None, kind: str, path: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(src)} if src else dict(os.environ)
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", kind, str(path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.ready = self.ask(None)

    def ask(self, command: dict[str, Any] | None) -> dict[str, Any]:
        return ask_worker(self.proc, command)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.proc.stdin.close()
        self.proc.wait()


def against_baseline(path: Path, baseline: Path, anki_path: Path | None, runs: int, block: int, tmp: Path,
                     ) -> None:
    """Print, per case, this tree and ``baseline`` (a src folder) side by side: alternating blocks of
    ``block`` runs in two worker processes, each on its own copy of ``path``; Anki's graphs(days=365) as a
    third side when ``anki_path`` is given."""
    mine, theirs = tmp / "this.sqlite3", tmp / "baseline.sqlite3"
    for copy in (mine, theirs):
        shutil.copyfile(path, copy)
    here = Path(__file__).resolve().parents[1] / "src"
    workers = {"this": _Worker(here, "mlprep", mine), "baseline": _Worker(baseline, "mlprep", theirs)}
    if anki_path is not None:
        workers["anki"] = _Worker(None, "anki", anki_path)
    same = {label: workers["this"].ready["hashes"][label] == workers["baseline"].ready["hashes"].get(label)
            for label in CASES}
    names = list(workers)
    print(f"| {runs} runs a side, blocks of {block}, alternating | this: median / p95 wall (ms) | CPU median "
          f"| baseline ({baseline}): wall | CPU | this / baseline wall, CPU | stats_to_json |")
    print("|---|---:|---:|---:|---:|---:|---|")
    anki: dict[str, list[float]] = {"wall": [], "cpu": []}
    for label in CASES:
        out: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in names}
        done = round_ = 0
        while done < runs:
            n = min(block, runs - done)
            for name in names[round_ % len(names):] + names[:round_ % len(names)]:
                case = "anki" if name == "anki" else label
                if name == "anki" and label != "everything, 365 days":
                    continue
                for key, values in workers[name].ask({"case": case, "n": n}).items():
                    out[name][key].extend(values)
            done += n
            round_ += 1
        a, b = out["this"], out["baseline"]
        print(f"| {label} | {statistics.median(a['wall']):.2f} / {percentile(a['wall'], 95):.2f} | "
              f"{statistics.median(a['cpu']):.2f} | {statistics.median(b['wall']):.2f} / "
              f"{percentile(b['wall'], 95):.2f} | {statistics.median(b['cpu']):.2f} | "
              f"{statistics.median(a['wall']) / statistics.median(b['wall']):.2f}, "
              f"{statistics.median(a['cpu']) / statistics.median(b['cpu']):.2f} | "
              f"{'identical' if same[label] else 'DIFFERENT'} |")
        if "anki" in out and out["anki"]["wall"]:
            anki = out["anki"]
            ratios = (statistics.median(a["wall"]) / statistics.median(anki["wall"]),
                      statistics.median(b["wall"]) / statistics.median(anki["wall"]))
    if anki["wall"]:
        print(f"\nAnki {_anki_version()} graphs(days=365), alternating with 'everything, 365 days': "
              f"{statistics.median(anki['wall']):.2f} / {percentile(anki['wall'], 95):.2f} ms wall, CPU "
              f"{statistics.median(anki['cpu']):.2f}; this / Anki {ratios[0]:.2f}, baseline / Anki {ratios[1]:.2f}")
    for worker in workers.values():
        worker.close()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _serve(sys.argv[2], Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, default=None, help="build the collection here once and reuse it")
    parser.add_argument("--anki", action="store_true", help="also time Anki's graphs(days=365), alternating")
    parser.add_argument("--anki-db", type=Path, default=None, help="build the Anki collection here once, reuse it")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a src folder of the version to compare with, in worker processes (see above)")
    parser.add_argument("--block", type=int, default=5, help="with --baseline: runs a side at a time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "stats.sqlite3"
        if not path.exists():
            t = time.perf_counter()
            if args.baseline:  # the baseline's schema: both versions open it (the newer one migrates its copy)
                subprocess.run([sys.executable, "-c", "import sys, random; from pathlib import Path; "
                                f"sys.path[:0] = [{str(Path(__file__).parent)!r}]; from bench_stats import build; "
                                f"build(Path({str(path)!r}), {args.cards}, {args.reviews}, random.Random(7))"],
                               check=True, env={**os.environ, "PYTHONPATH": str(args.baseline.resolve())})
            else:
                build(path, args.cards, args.reviews, random.Random(7))
            print(f"built the collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        if args.baseline:
            anki_path = None
            if args.anki or args.anki_db:
                anki_path = args.anki_db or Path(tmp) / "anki.anki2"
                if not anki_path.exists():
                    build_anki(anki_path, args.cards, args.reviews, random.Random(7))
            against_baseline(path, args.baseline.resolve(), anki_path, args.runs, args.block, Path(tmp))
            print(f"\nconditions: {conditions(path.parent, synchronous='FULL (shipped; only reads are timed)')}",
                  file=sys.stderr)
            return
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
        return alternate({"mlprep": fresh(store, lambda: compute_stats(store, clock, ALL_DECKS, 365, UTC)),
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
