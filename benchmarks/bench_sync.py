"""Deck sync and opening speed: the shipped decks, and a 100k-card deck folder.

    python benchmarks/bench_sync.py [--cards 100000] [--dir /dev/shm/x] [--runs 15] [--baseline SRC]

Measures, in fresh worker processes (one per case and round, cases alternating):

- ``shipped``: syncing the shipped decks into a new collection file (cold: every card is new; wall clock,
  and the process's CPU time) and again into the same file with nothing changed (unchanged), in-process,
  ``--runs`` times each; then :func:`open_collection` of a new, empty data folder ``--runs`` times (what a
  first start does before the deck list: the file created, the shipped decks synced, the new cards ranked;
  the first run of each worker also pays the imports the open makes, e.g. the planner);
- ``open``: :func:`open_collection` of a data folder whose own deck folder holds ``--cards`` cards in
  100 files, first (cold: builds the collection) then again with nothing changed (warm), and
  ``mlprep stats --json`` on it (a whole process).

With ``--baseline SRC`` (a ``src`` folder of another version, e.g. ``git archive HEAD src | tar -x``)
every case also runs on that version, alternating with this one, so both see the same machine.
Files live under ``--dir`` (say ``/dev/shm/...`` for tmpfs or a folder on disk); the report names
which. Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import build_deck_folder, conditions, median, ms, percentile

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _worker_shipped(base: Path, runs: int) -> dict[str, list[float]]:
    from mlprep.core.clock import SystemClock
    from mlprep.services.deck_loader import shipped_decks_dir
    from mlprep.services.deck_sync import sync_decks
    from mlprep.storage.collection_db import open_collection_db

    clock, dirs = SystemClock(), [shipped_decks_dir()]
    cold, unchanged, cold_cpu = [], [], []
    for run in range(runs):
        storage = open_collection_db(base / f"shipped-{run}.sqlite3")
        start, cpu = time.perf_counter(), time.process_time()
        sync_decks(storage.cards, dirs, clock)
        cold.append(ms(time.perf_counter() - start))
        cold_cpu.append(ms(time.process_time() - cpu))
        start = time.perf_counter()
        sync_decks(storage.cards, dirs, clock)
        unchanged.append(ms(time.perf_counter() - start))
        storage.close()
    from mlprep.services.collection import open_collection

    fresh, fresh_cpu = [], []
    for run in range(runs):  # the app's open of a new data folder: schema, the shipped decks synced, ranking
        start, cpu = time.perf_counter(), time.process_time()
        collection = open_collection(base / f"data-{run}", clock, lock=True)
        fresh.append(ms(time.perf_counter() - start))
        fresh_cpu.append(ms(time.process_time() - cpu))
        collection.close()
    # CPU time (this process's user + system) is less at the mercy of the other processes on the machine
    # than the wall clock, but leaves out the time waiting for the disk (the commit's fsync).
    return {"shipped cold sync": cold, "shipped cold sync, CPU time": cold_cpu, "shipped unchanged sync": unchanged,
            "open a new data folder": fresh, "open a new data folder, CPU time": fresh_cpu}


def _worker_open(base: Path, decks: Path, runs: int) -> dict[str, list[float]]:
    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection

    data = base / "data"
    data.mkdir()
    (data / "decks").symlink_to(decks, target_is_directory=True)  # the user's decks: shipped + 100k cards
    start = time.perf_counter()
    open_collection(data, SystemClock()).close()
    cold = [ms(time.perf_counter() - start)]
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        open_collection(data, SystemClock()).close()
        warm.append(ms(time.perf_counter() - start))
    stats = []
    for _ in range(max(3, runs // 3)):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mlprep", "--data-dir", str(data), "stats", "--json"], check=True,
                       stdout=subprocess.DEVNULL)
        stats.append(ms(time.perf_counter() - start))
    return {"open, first (cold sync)": cold, "open, nothing changed": warm, "mlprep stats --json (process)": stats}


def _run_worker(src: Path, runs: int, args: list[str]) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, __file__, "--runs", str(runs), "--worker", *args], check=True,
                         capture_output=True, text=True, env=env)
    return dict(json.loads(out.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="worker processes per case and version")
    parser.add_argument("--dir", type=Path, default=None, help="where the files go (default: a temp folder)")
    parser.add_argument("--baseline", type=Path, default=None, help="a src folder of the version to compare with")
    parser.add_argument("--only", choices=["shipped", "open"], default=None)
    parser.add_argument("--worker", nargs="+", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, base, *rest = args.worker
        if kind == "shipped":
            result = _worker_shipped(Path(base), args.runs)
        else:
            result = _worker_open(Path(base), Path(rest[0]), args.runs)
        print(json.dumps(result))
        return
    root = Path(tempfile.mkdtemp(prefix="bench-sync-", dir=args.dir))
    versions = {"this version": SRC, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    decks = root / "decks"
    if args.only != "shipped":
        build_deck_folder(decks, args.cards)
    results: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
    for round_ in range(args.rounds):
        for name, src in versions.items():
            for kind in (["shipped", "open"] if args.only is None else [args.only]):
                if kind == "open" and round_ > 0:
                    continue  # building 100k cards is slow: one cold open per version
                base = root / f"{name.replace(' ', '-')}-{kind}-{round_}"
                base.mkdir()
                extra = [str(decks)] if kind == "open" else []
                for label, values in _run_worker(src, args.runs, [kind, str(base), *extra]).items():
                    results[name].setdefault(label, []).extend(values)
    print(f"conditions: {conditions(root, synchronous='FULL (shipped)', cache='warm')}")
    header = " | ".join(versions)
    print(f"| figure (ms, p50 / p95) | {header} |")
    print("|---|" + "---:|" * len(versions))
    for label in results["this version"]:
        cells = [f"{median(r[label]):.1f} / {percentile(r[label], 95):.1f} (n={len(r[label])})"
                 for r in results.values() if label in r]
        print(f"| {label} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
