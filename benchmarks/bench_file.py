"""The collection file's size against Anki's for equal content (issue 16: ≤ 1.5×).

    python benchmarks/bench_file.py [--cards 100000] [--reviews 1000000] [--dir DIR]
                                    [--mlprep-db PATH] [--anki-db PATH] [--top 12]

Builds (or copies, with ``--mlprep-db`` / ``--anki-db``) a collection of ``--cards`` cards and ``--reviews``
review-log rows through mlprep's storage (:func:`bench_stats.build`: the statistics benchmark's shape,
instants with microseconds as the app writes them) and the same through Anki's library
(:func:`bench_stats.build_anki`), into ``--dir`` (default: a temporary folder; use ``/dev/shm/...`` for
tmpfs). A given ``--mlprep-db`` of an older schema is migrated by opening it with this src (the open's
wall and CPU time are printed: that is the upgrade's cost). Both copies are VACUUMed (Anki through
``col.optimize()``, which VACUUMs and ANALYZEs), then the file sizes, the ratio mlprep / Anki and the
bytes per table and index (SQLite's ``dbstat``) are printed, with the conditions. Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from harness import conditions

MB = 1e6


def objects(path: Path) -> list[tuple[str, int]]:
    """``(table or index name, bytes)`` from ``dbstat``, largest first."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    finally:
        conn.close()


def vacuum(path: Path) -> None:
    """VACUUM an mlprep collection (the stdlib driver; WAL folded into the file first)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    finally:
        conn.close()


def migrate(path: Path) -> tuple[float, float]:
    """Open ``path`` with this src's ``open_db`` (running any pending migration); (wall s, CPU s)."""
    from mlprep.storage.db import open_db

    wall, cpu = time.perf_counter(), time.process_time()
    open_db(path).close()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--mlprep-db", type=Path, default=None, help="a built mlprep collection to copy (any schema)")
    parser.add_argument("--anki-db", type=Path, default=None, help="a built Anki collection to copy")
    parser.add_argument("--top", type=int, default=12, help="objects listed per file")
    args = parser.parse_args()
    from bench_stats import build, build_anki

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        mine, anki = Path(tmp) / "mlprep.sqlite3", Path(tmp) / "anki.anki2"
        if args.mlprep_db:
            shutil.copyfile(args.mlprep_db, mine)
            wall, cpu = migrate(mine)
            print(f"opened (migrations) the given mlprep collection in {wall:.2f} s wall, {cpu:.2f} s CPU")
        else:
            t = time.perf_counter()
            build(mine, args.cards, args.reviews, random.Random(7))
            print(f"built the mlprep collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        if args.anki_db:
            shutil.copyfile(args.anki_db, anki)
        else:
            t = time.perf_counter()
            build_anki(anki, args.cards, args.reviews, random.Random(7))
            print(f"built the Anki collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        vacuum(mine)
        from anki.collection import Collection
        col = Collection(str(anki))
        col.optimize()
        col.close()
        rows = sqlite3.connect(mine).execute(
            "SELECT (SELECT COUNT(*) FROM cards), (SELECT COUNT(*) FROM review_log), "
            "(SELECT name FROM _sqlite_migrations ORDER BY id DESC LIMIT 1)").fetchone()
        size, anki_size = mine.stat().st_size, anki.stat().st_size
        print(f"{rows[0]:,} cards, {rows[1]:,} review-log rows, schema {rows[2]}; both VACUUMed")
        print(f"mlprep {size / MB:.1f} MB, Anki {anki_size / MB:.1f} MB: ratio {size / anki_size:.2f}")
        for label, path in (("mlprep", mine), ("Anki", anki)):
            print(f"\n| {label} object | MB |\n|---|---:|")
            listed = objects(path)
            for name, n in listed[:args.top]:
                print(f"| {name} | {n / MB:.1f} |")
            rest = sum(n for _, n in listed[args.top:])
            if rest:
                print(f"| the other {len(listed) - args.top} | {rest / MB:.1f} |")
        print(f"\nconditions: {conditions(mine.parent, synchronous='(not relevant: sizes)')}")
    sys.stdout.flush()
    os._exit(0)  # Anki's extension can crash while the interpreter tears down (see bench_session.py)


if __name__ == "__main__":
    main()
