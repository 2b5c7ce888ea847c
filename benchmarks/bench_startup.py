"""Start-up: a fresh process to mlprep's first painted screen, against a bare PySide6 window.

    python benchmarks/bench_startup.py [--runs 15] [--dir DIR] [--baseline SRC]

Spawns fresh Python processes of this venv, one at a time, the cases alternating (A, B, C, ... A, B, C):

- ``bare window``: import PySide6, a ``QMainWindow`` holding a ``QLabel``, shown; until the label's first
  paint event (the floor any PySide6 app pays);
- ``mlprep deck list, warm``: ``mlprep`` (``mlprep.cli.main``, the real entry point) on a data folder that
  has been opened before, until the deck list's first paint;
- ``mlprep first card, warm``: the same, then Study now clicked as soon as the deck list is painted, until
  the card's first paint;
- ``mlprep first card, fresh``: the same on a new, empty data folder each run (the collection is created and
  the shipped decks synced).

Time is from just before the process is spawned to the paint event (wall clock, ``time.time()`` in both
processes), so it includes the interpreter's start and every import. Qt runs offscreen
(``QT_QPA_PLATFORM=offscreen``). The paint is seen by an event filter installed when the app enters Qt's
event loop (``QApplication.exec``, patched in the child): nothing in mlprep is changed for the benchmark.
Prints medians, p90 and each mlprep case's ratio to the bare window. With ``--baseline SRC`` every mlprep
case also runs on another version's ``src`` folder, alternating. Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import conditions, median, percentile

SRC = Path(__file__).resolve().parents[1] / "src"

BARE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            import resource; print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv)
window = QMainWindow()
label = QLabel("Hello")
window.setCentralWidget(label)
watch = Watch()
label.installEventFilter(watch)
window.resize(1000, 700)
window.show()
app.exec()
"""

MLPREP = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

target = sys.argv[1]

class Watch(QObject):
    def __init__(self, window):
        super().__init__()
        self.window = window

    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint:
            return False
        if watched is self.window.deck_list.tree.viewport() and target == "card":
            watched.removeEventFilter(self)
            self.window.review.browser.viewport().installEventFilter(self)
            QTimer.singleShot(0, self.window.deck_list.study_button.click)
            return False
        import resource; print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
        os._exit(0)

def exec_(app):
    window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
    app._watch = Watch(window)
    window.deck_list.tree.viewport().installEventFilter(app._watch)
    return original()

original = QApplication.exec
QApplication.exec = exec_
from mlprep.cli import main
sys.exit(main(["--data-dir", sys.argv[2]]))
"""


PYCACHE: Path | None = None
"""``--bytecode cached``: the children's compiled-bytecode folder (``PYTHONPYCACHEPREFIX``), outside the source
tree; ``None`` (``--bytecode none``): every child compiles mlprep's modules from source."""


RSS: dict[str, list[float]] = {}
"""Peak resident memory (MB) of each case's children at the paint, by case name (filled by :func:`main`)."""


def spawn(code: str, args: list[str], src: Path, rss: list[float] | None = None) -> float:
    """ms from just before the spawn to the paint the child reports; the child's peak RSS (MB) is appended to
    ``rss``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(src)}
    if PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120)
    lines = out.stdout.split()
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr[-2000:]}")
    if rss is not None:
        rss.append(float(lines[-1]) / 1024)
    return (float(lines[-2]) - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--dir", type=Path, default=None, help="where the data folders go (default: a temp folder)")
    parser.add_argument("--baseline", type=Path, default=None, help="a src folder of the version to compare with")
    parser.add_argument("--data", type=Path, default=None,
                        help="also time this existing data folder (e.g. a 100k-card one), this version only")
    parser.add_argument("--bytecode", choices=["cached", "none"], default="cached",
                        help="cached (default): modules' bytecode kept between runs, as in an installed wheel; "
                             "none: compiled from source in every process (PYTHONDONTWRITEBYTECODE=1)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-startup-", dir=args.dir))
    global PYCACHE
    PYCACHE = root / "pycache" if args.bytecode == "cached" else None
    versions = {"": SRC, **({" (baseline)": args.baseline.resolve()} if args.baseline else {})}
    warm = {tag: root / f"warm{i}" for i, tag in enumerate(versions)}
    for tag, src in versions.items():  # open once, so that later opens find the collection made
        spawn(MLPREP, ["decks", str(warm[tag])], src)
        spawn(MLPREP, ["decks", str(warm[tag])], src)
    cases: dict[str, tuple[str, list[str] | None, Path]] = {"bare window": (BARE, [], SRC)}
    for tag, src in versions.items():
        cases[f"mlprep deck list, warm{tag}"] = (MLPREP, ["decks", str(warm[tag])], src)
        cases[f"mlprep first card, warm{tag}"] = (MLPREP, ["card", str(warm[tag])], src)
        cases[f"mlprep first card, fresh{tag}"] = (MLPREP, None, src)
    if args.data is not None:
        cases[f"mlprep deck list, {args.data.name}"] = (MLPREP, ["decks", str(args.data)], SRC)
        cases[f"mlprep first card, {args.data.name}"] = (MLPREP, ["card", str(args.data)], SRC)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(args.runs):
        for name, (code, case_args, src) in cases.items():
            if case_args is None:
                case_args = ["card", str(root / f"fresh-{run}-{len(times[name])}-{abs(hash(name))}")]
            times[name].append(spawn(code, case_args, src, RSS.setdefault(name, [])))
    bare = median(times["bare window"])
    print(f"conditions: {conditions(root, synchronous='FULL (shipped)', cache='warm')}, Qt offscreen, "
          f"{args.runs} runs per case, alternating, bytecode {args.bytecode}")
    print("| process start → first paint | median (ms) | p90 (ms) | ratio to the bare window (medians) "
          "| peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {median(values):.0f} | {percentile(values, 90):.0f} | {median(values) / bare:.2f}× "
              f"| {median(RSS[name]):.0f} |")


if __name__ == "__main__":
    main()
