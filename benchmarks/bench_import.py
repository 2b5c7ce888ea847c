"""Importing a large Anki package: ``mlprep import`` of a 10,000-note .apkg (issue 15: ≤ 10 s).

    python benchmarks/bench_import.py [--notes 10000] [--runs 3] [--dir /tmp/x]

Builds one legacy package with genanki (as the tests make theirs): 80 % Basic, 10 % Basic-and-reversed,
10 % Cloze notes (two deletions each), note HTML with bold text, a line break and a MathJax formula, a
third of the cards carrying review progress (set in the package's SQLite copy). Then, ``--runs`` times,
into a fresh data folder with the shipped decks (as the app opens it): ``Collection.import_job(...).run``
(unzip, read, convert notes to Markdown, plan the deck files: the part the GUI runs on a worker thread)
and ``apply_import`` (write the deck files, sync them into the collection, write the progress in one
transaction), timed apart, and their sum. Prints the conditions and median / max per phase. Not a test:
timings belong here.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.services.anki_packages import LegacyNote, Sched, legacy_apkg  # noqa: E402

from mlprep.core.clock import FixedClock  # noqa: E402
from mlprep.services.collection import open_collection  # noqa: E402


def build_package(folder: Path, notes: int) -> Path:
    """The package described in the module docstring, at ``folder/big.apkg``."""
    made = []
    for i in range(notes):
        sched = {0: Sched(2, 2, 400 + i % 60, 3 + i % 90, 1800 + i % 12 * 100, 4 + i % 9, i % 4)} if i % 3 == 0 else {}
        if i % 10 == 0:
            made.append(LegacyNote("cloze", [f"The {{{{c1::gradient}}}} of loss {i} points {{{{c2::uphill}}}}", ""],
                                   [], sched))
        elif i % 10 == 1:
            made.append(LegacyNote("reversed", [f"term {i}", f"the <b>definition</b> of term {i}"], ["vocab"], sched))
        else:
            made.append(LegacyNote("basic", [f"Question {i}: what is \\(x_{{{i}}}^2\\)?",
                                             f"The <b>answer</b> {i}<br>with a second line"], ["ml", f"set{i % 7}"],
                                   sched))
    return legacy_apkg(folder / "big.apkg", made, deck="Big::Deck", tmp=folder)


def main() -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-import-", dir=args.dir))
    start = time.perf_counter()
    package = build_package(base, args.notes)
    print(f"package: {args.notes:,} notes, {package.stat().st_size / 1e6:.1f} MB, built in "
          f"{time.perf_counter() - start:.1f} s")
    print(f"conditions: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, files under {base}, load average {os.getloadavg()[0]:.2f}")
    phases: dict[str, list[float]] = {"read + convert (worker thread)": [], "write + sync + progress": [],
                                      "total": []}
    for run in range(args.runs):
        collection = open_collection(base / f"data-{run}", FixedClock(datetime(2026, 3, 10, 12, tzinfo=UTC)))
        try:
            t0 = time.perf_counter()
            plan = collection.import_job(package).run()
            t1 = time.perf_counter()
            summary = collection.apply_import(plan)
            t2 = time.perf_counter()
        finally:
            collection.close()
        phases["read + convert (worker thread)"].append(t1 - t0)
        phases["write + sync + progress"].append(t2 - t1)
        phases["total"].append(t2 - t0)
        print(f"run {run + 1}: {t2 - t0:.2f} s — {summary.text()}")
    print("| phase | median s | max s |\n|---|---:|---:|")
    for name, values in phases.items():
        print(f"| {name} | {statistics.median(values):.2f} | {max(values):.2f} |")


if __name__ == "__main__":
    main()
