"""Resident memory and time of a real start on a big data folder: deck list painted, Study now, first card
painted, then 300 answers (issue 16: RSS on the review screen at 100k cards <= 150 MB).

    python benchmarks/bench_memory.py --data DIR [--baseline SRC] [--runs 5] [--answers 300] [--trace]

``DIR`` is a data folder opened before (e.g. one built by ``bench_sync.py``'s builder: 100,000 cards in 100
deck files plus the shipped decks). Each version gets its own copy, opened twice beforehand by that version
(migrated, the deck files recorded as unchanged, the new-card limit set to 9999 so that 300 answers are
possible); every run starts from that same collection file again, then spawns ``mlprep`` (``mlprep.cli.main``,
offscreen) and records, at the deck list's first paint, at the first card's paint (Study now clicked as soon as
the deck list is painted) and after ``--answers`` answers (Space then Good, one per event-loop turn), the time since the
spawn and ``/proc/self/status``' ``VmRSS`` (resident now) and ``VmHWM`` (peak so far). Versions alternate run
by run. ``--trace`` instead runs each version once under ``tracemalloc`` and prints the 12 largest live
allocation sites (file:line) at each point (tracemalloc slows everything and adds its own memory: its
figures are for where the memory is, not how much the process holds). Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ON_QT_WIDGETS, conditions, median

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = r"""
import json, os, sys, time
data, answers, trace = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "trace"
if trace:
    import tracemalloc; tracemalloc.start()
points = {}

def status():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}

def mark(name):
    points[name] = {"t": time.time(), **status()}
    if trace:
        import tracemalloc
        top = tracemalloc.take_snapshot().statistics("lineno")[:12]
        points[name]["top"] = [f"{s.size / 2**20:.1f} MB {s.count} {s.traceback[0].filename.split('/src/')[-1]}:"
                               f"{s.traceback[0].lineno}" for s in top]

def watch():
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    from mlprep.core.models import Button

    class Watch(QObject):
        def __init__(self, window):
            super().__init__()
            self.window, self.left = window, answers

        def eventFilter(self, watched, event):
            if event.type() != QEvent.Type.Paint:
                return False
            if watched is self.window.deck_list.tree.viewport() and "deck list" not in points:
                mark("deck list")
                watched.removeEventFilter(self)
                self.window.review.browser.viewport().installEventFilter(self)
                QTimer.singleShot(0, self.window.deck_list.study_button.click)
            elif watched is self.window.review.browser.viewport() and "first card" not in points:
                mark("first card")
                watched.removeEventFilter(self)
                QTimer.singleShot(0, self.answer)
            return False

        def answer(self):
            review = self.window.review
            if self.left and review.card is not None:
                review.reveal()
                review.grade(int(Button.GOOD))
                self.left -= 1
                QTimer.singleShot(0, self.answer)
                return
            mark(f"after {answers - self.left} answers")
            print(json.dumps(points), flush=True)
            os._exit(0)

    def exec_(app):
        window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
        app._watch = Watch(window)
        window.deck_list.tree.viewport().installEventFilter(app._watch)
        return original()

    original = QApplication.exec
    QApplication.exec = exec_

""" + ON_QT_WIDGETS + r"""
sys.meta_path.insert(0, OnQtWidgets(watch))  # as bench_startup.py
from mlprep.cli import main
sys.exit(main(["--data-dir", data]))
"""

PREPARE = r"""
import sys
from dataclasses import replace
from pathlib import Path
from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection
col = open_collection(Path(sys.argv[1]), SystemClock())
col.save_settings(replace(col.settings, new_per_day=9999))
col.close()
"""


def _env(src: Path, pycache: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(src), "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _prepare(source: Path, root: Path, name: str, src: Path, pycache: Path) -> Path:
    """The data folder of version ``name``: a copy of ``source``'s collection opened once by ``src`` there
    (migrated, deck files recorded under this folder's path, new-card limit 9999), kept as ``pristine``."""
    folder = root / f"data-{name}"
    folder.mkdir()
    shutil.copy2(source / "collection.sqlite3", folder / "collection.sqlite3")
    (folder / "decks").symlink_to((source / "decks").resolve(), target_is_directory=True)
    for _ in range(2):  # the second open finds every deck file unchanged (none "racy")
        subprocess.run([sys.executable, "-c", PREPARE, str(folder)], check=True, env=_env(src, pycache), timeout=900)
        time.sleep(2.1)
    shutil.copy2(folder / "collection.sqlite3", root / f"pristine-{name}.sqlite3")
    return folder


def _run(folder: Path, pristine: Path, src: Path, pycache: Path, answers: int,
         trace: bool) -> dict[str, dict[str, float]]:
    for extra in ("-wal", "-shm"):
        (folder / f"collection.sqlite3{extra}").unlink(missing_ok=True)
    shutil.copy2(pristine, folder / "collection.sqlite3")  # the same collection every run
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(answers), "trace" if trace else "-"],
                         capture_output=True, text=True, env=_env(src, pycache), timeout=900)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr[-3000:]}")
    points: dict[str, dict[str, float]] = json.loads(out.stdout.splitlines()[-1])
    for point in points.values():
        point["ms"] = (point.pop("t") - start) * 1000
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a data folder opened before")
    parser.add_argument("--baseline", type=Path, default=None, help="another version's src (decks/ beside it)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None, help="where the copies go (default: beside --data)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc's top allocation sites, one run each")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-memory-", dir=args.dir or args.data.parent))
    pycache = root / "pycache"
    versions = {"this version": SRC, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    folders = {name: _prepare(args.data, root, name.replace(" ", "-"), src, pycache) for name, src in versions.items()}
    results: dict[str, list[dict[str, dict[str, float]]]] = {name: [] for name in versions}
    for _ in range(1 if args.trace else args.runs):
        for name, src in versions.items():
            pristine = root / f"pristine-{name.replace(' ', '-')}.sqlite3"
            results[name].append(_run(folders[name], pristine, src, pycache, args.answers, args.trace))
    print(f"conditions: {conditions(root, synchronous='FULL', cache='warm')}, "
          f"{1 if args.trace else args.runs} runs per version, alternating")
    for name, runs in results.items():
        if args.trace:
            for point, values in runs[0].items():
                print(f"\n{name} — {point}: VmRSS {values['VmRSS']:.0f} MB, VmHWM {values['VmHWM']:.0f} MB")
                for line in values.get("top", []):  # type: ignore[union-attr]
                    print(f"  {line}")
            continue
        print(f"\n{name}: median (min-max) over {len(runs)} runs")
        for point in runs[0]:
            cells = []
            for key, unit in (("ms", "ms"), ("VmRSS", "MB"), ("VmHWM", "MB")):
                values = [run[point][key] for run in runs if point in run]
                cells.append(f"{key} {median(values):.0f} {unit} ({min(values):.0f}-{max(values):.0f})")
            print(f"  {point}: " + ", ".join(cells))
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
