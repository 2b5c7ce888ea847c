"""Durability of acknowledged answers: random SIGKILL during a scripted session, then every answer the
session acknowledged must be in the collection (issue 13). Also the cost of the answer commit under
``synchronous = NORMAL`` and ``FULL`` on this disk, alternating.

    python scripts/durability.py [--trials 30] [--answers-timing 300]

Each trial copies one prepared collection (the shipped decks, new-card limit 9999) into a fresh folder,
starts a child process that answers cards through the service façade as fast as it can and prints each
card id after ``answer()`` returned (the moment the review screen would show the next card), kills it with
SIGKILL at a random moment between 0.3 and 2.0 s, then opens the collection and counts the acknowledged
answers missing from the review log, and runs ``PRAGMA integrity_check``. A process crash is what this
can test; a power cut cannot be simulated here (that is what ``synchronous = FULL`` is for: see the README,
"Your data").
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.services.collection import open_collection

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
BUTTONS = [Button.AGAIN, Button.HARD, Button.GOOD, Button.EASY]


def child(data: Path) -> None:
    """Answer cards until killed; print each id once its answer is acknowledged."""
    collection = open_collection(data, FixedClock(NOW), lock=True)
    session = collection.study()
    rng = random.Random(os.getpid())
    out = sys.stdout
    while (card := session.next_card()) is not None:
        session.answer(rng.choice(BUTTONS))
        out.write(f"{card.id}\n")
        out.flush()
    out.write("DONE\n")
    out.flush()


def prepare(folder: Path) -> Path:
    data = folder / "prepared"
    collection = open_collection(data, FixedClock(NOW))
    collection.save_settings(dataclasses.replace(collection.settings, new_per_day=9999, reviews_per_day=99999))
    collection.close()
    return data


def trial(prepared: Path, folder: Path, rng: random.Random) -> tuple[int, int, bool]:
    """One kill: (acknowledged answers, of them missing from the log, integrity_check ok)."""
    data = folder / "trial"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(prepared, data)
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(data)], stdout=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.3, 2.0))
    proc.send_signal(signal.SIGKILL)
    output, _ = proc.communicate()
    acknowledged = [line for line in output.splitlines() if line and line != "DONE"]
    with sqlite3.connect(data / "collection.sqlite3") as conn:
        logged = [row[0] for row in conn.execute("SELECT card_id FROM review_log ORDER BY id")]
        sound = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # Every acknowledged answer is in the log, in order (the log may hold one more: committed, not yet printed).
    missing = sum(1 for i, card in enumerate(acknowledged) if i >= len(logged) or logged[i] != card)
    return len(acknowledged), missing, sound


def commit_cost(prepared: Path, folder: Path, answers: int) -> dict[str, list[float]]:
    """Answer + next card (ms), ``answers`` per mode, the two modes alternating one answer at a time."""
    sessions = {}
    for mode in ("NORMAL", "FULL"):
        data = folder / f"timing-{mode}"
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(prepared, data)
        collection = open_collection(data, FixedClock(NOW))
        collection._storage.db.execute(f"PRAGMA synchronous = {mode}")  # the benchmark's one reach-through
        sessions[mode] = collection.study()
    times: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    for _ in range(answers):
        for mode, session in sessions.items():
            assert session.next_card() is not None
            start = time.perf_counter()
            session.answer(Button.GOOD)
            session.next_card()
            times[mode].append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--answers-timing", type=int, default=300)
    parser.add_argument("--child", type=Path)
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary folder on disk under /var/tmp)")
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="mlprep-durability-", dir=args.dir or "/var/tmp"))
    prepared = prepare(folder)
    rng = random.Random(13)
    acknowledged = missing = unsound = 0
    for _ in range(args.trials):
        acked, lost, sound = trial(prepared, folder, rng)
        acknowledged, missing, unsound = acknowledged + acked, missing + lost, unsound + (not sound)
    print(f"kill -9: {args.trials} trials, {acknowledged} acknowledged answers, {missing} missing, "
          f"{unsound} failed integrity_check (folder {folder}, WAL)")
    if args.answers_timing:
        times = commit_cost(prepared, folder, args.answers_timing)
        for name, values in times.items():
            ordered = sorted(values)
            print(f"answer + next card, synchronous={name}: p50 {statistics.median(values):.2f} ms, "
                  f"p99 {ordered[int(0.99 * (len(ordered) - 1))]:.2f} ms ({len(values)} answers, alternating)")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
