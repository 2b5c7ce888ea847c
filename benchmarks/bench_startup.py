"""Start-up: a fresh process to mlprep's first painted screen, against a bare PySide6 window.

    python benchmarks/bench_startup.py [--runs 15] [--dir DIR] [--baseline SRC]

Spawns fresh Python processes of this venv, one at a time, the cases alternating (A, B, C, ... A, B, C):

- ``bare window``: import PySide6, a ``QMainWindow`` holding a ``QLabel``, shown; until the label's first
  paint event (the floor any PySide6 app pays);
- ``mlprep deck list, warm``: ``mlprep`` (``mlprep.cli.main``, the real entry point) on a data folder that
  has been opened before (once to create it, then once as a person would: the deck list shown for
  ``LATE_MS``, which leaves the warm-up its idle time, e.g. to keep the first cards' fronts drawn,
  :mod:`mlprep.ui.render_store`, then Study now), until the deck list's first paint;
- ``mlprep first card, warm``: the same, then Study now clicked as soon as the deck list is painted, until
  the card's first paint;
- ``mlprep first card, warm, no front kept``: the same with the fronts an earlier start kept
  (``cache/cards/``, :mod:`mlprep.ui.render_store`) deleted before the spawn: the card is drawn (Markdown
  imported) as in a version without them;
- ``mlprep first card, fresh``: the same on a new, empty data folder each run (the collection is created and
  the shipped decks synced);
- ``mlprep Study now → card, clicked 500 ms after the deck list, warm``: Study now clicked as a person would, a
  while after the deck list is painted; from the click (not the process start) to the card's first paint.

Time is from just before the process is spawned to the paint event (wall clock, ``time.time()`` in both
processes), so it includes the interpreter's start and every import. Qt runs offscreen
(``QT_QPA_PLATFORM=offscreen``). The paint is seen through mlprep's own ``painted`` signals (the deck
list's tree, the card browser: emitted as their paint begins), or, in a version without them, an event filter
on the viewport, connected when the app enters Qt's event loop (``QApplication.exec``, patched in the child
the moment mlprep first imports ``PySide6.QtWidgets``, so that mlprep's modules load in the order of a real
start; ``--qt-first`` imports PySide6 first instead, as
the first version of this benchmark did): nothing in mlprep is changed for the benchmark.
Prints medians, p90 and each mlprep case's ratio to the bare window, in wall-clock time and in the child's CPU
time at the paint (user + system: on shared cores a busy neighbour stretches the wall clock far more than it).
With ``--baseline SRC`` every mlprep case also runs on another version's ``src`` folder, alternating. Not a test:
timings belong here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ON_QT_WIDGETS, conditions, median, percentile

SRC = Path(__file__).resolve().parents[1] / "src"

BARE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            import resource; use = resource.getrusage(resource.RUSAGE_SELF)
            print(time.time(), (use.ru_utime + use.ru_stime) * 1000, use.ru_maxrss, flush=True)
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

target, data, qt_first, late_ms = sys.argv[1], sys.argv[2], sys.argv[3] == "qt-first", int(sys.argv[4])
clicked = []  # target "late": when Study now was clicked (time.time())

def watch_paints():
    # Patch QApplication.exec to watch the first paints: called once PySide6.QtWidgets is imported.
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class Watch(QObject):
        # mlprep's own paint signals where it has them (DeckTree.painted, CardBrowser.painted: emitted as the
        # paint begins, as a viewport event filter sees it), else an event filter on the viewport (older versions,
        # which ask for the viewport themselves; a first viewport() call here would cost the child ~6 ms).
        def __init__(self, window):
            super().__init__()
            self.window = window

        def watch(self, view, slot):
            if hasattr(view, "painted"):
                view.painted.connect(slot)
            else:
                self.filtered = (view.viewport(), slot)
                view.viewport().installEventFilter(self)

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and watched is self.filtered[0]:
                watched.removeEventFilter(self)
                self.filtered[1]()
            return False

        def click(self):
            if target == "late":
                clicked.append(time.time())
            self.window.deck_list.study_button.click()

        def deck_list_painted(self):
            if target in ("card", "late"):
                if hasattr(self.window.deck_list.tree, "painted"):
                    self.window.deck_list.tree.painted.disconnect(self.deck_list_painted)
                self.watch(self.window.review.browser, self.report)
                QTimer.singleShot(0 if target == "card" else late_ms, self.click)
            else:
                self.report()

        def report(self):
            import resource; use = resource.getrusage(resource.RUSAGE_SELF)
            print(*clicked, time.time(), (use.ru_utime + use.ru_stime) * 1000, use.ru_maxrss, flush=True)
            os._exit(0)

    def exec_(app):
        window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
        app._watch = Watch(window)
        app._watch.watch(window.deck_list.tree, app._watch.deck_list_painted)
        return original()

    original = QApplication.exec
    QApplication.exec = exec_

""" + ON_QT_WIDGETS + r"""
if qt_first:  # the first round's child: PySide6 imported before mlprep
    watch_paints()
else:
    sys.meta_path.insert(0, OnQtWidgets(watch_paints))
from mlprep.cli import main
sys.exit(main(["--data-dir", data]))
"""


PYCACHE: Path | None = None
"""``--bytecode cached``: the children's compiled-bytecode folder (``PYTHONPYCACHEPREFIX``), outside the source
tree; ``None`` (``--bytecode none``): every child compiles mlprep's modules from source."""


LATE_MS = 500
"""Case ``Study now, 500 ms after the deck list``: Study now is clicked this long after the deck list's first
paint (as a person would), and the time is from the click to the card's paint."""

QT_ORDER = "real"
"""``real`` (default): the mlprep child imports mlprep first and PySide6 when mlprep does, as ``mlprep`` does;
``qt-first`` (``--qt-first``): the child imports PySide6 before mlprep, as this benchmark's first version did
(PySide6's import hook then reads the source of every mlprep module imported after it: slower)."""


RSS: dict[str, list[float]] = {}
"""Peak resident memory (MB) of each case's children at the paint, by case name (filled by :func:`main`)."""

CPU: dict[str, list[float]] = {}
"""CPU time (user + system, ms) each case's children had used at the paint, by case name (filled by
:func:`main`): less sensitive than the wall clock to other processes sharing the cores, since a child waiting
for a core uses none."""


def spawn(code: str, args: list[str], src: Path, rss: list[float] | None = None,
          cpu: list[float] | None = None) -> float:
    """ms from just before the spawn to the paint the child reports; the child's peak RSS (MB) is appended to
    ``rss`` and its CPU time at the paint (ms, user + system) to ``cpu``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(src)}
    if PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args, QT_ORDER, str(LATE_MS)], capture_output=True,
                         text=True, env=env, timeout=120)
    lines = out.stdout.split()
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr[-2000:]}")
    if rss is not None:
        rss.append(float(lines[-1]) / 1024)
    if cpu is not None:
        cpu.append(float(lines[-2]))
    if len(lines) == 4:  # target "late": from the click to the paint
        start = float(lines[0])
    return (float(lines[-3]) - start) * 1000


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
    parser.add_argument("--qt-first", action="store_true",
                        help="the mlprep child imports PySide6 before mlprep (the first round's figures)")
    args = parser.parse_args()
    global QT_ORDER
    QT_ORDER = "qt-first" if args.qt_first else "real"
    if args.baseline is not None and not (args.baseline.resolve().parent / "decks").is_dir():
        # without the shipped decks beside src/ the deck list is empty, Study now stays disabled: the child waits
        parser.error(f"--baseline {args.baseline}: no decks/ folder beside it (extract src, decks and resources)")
    root = Path(tempfile.mkdtemp(prefix="bench-startup-", dir=args.dir))
    global PYCACHE
    PYCACHE = root / "pycache" if args.bytecode == "cached" else None
    versions = {"": SRC, **({" (baseline)": args.baseline.resolve()} if args.baseline else {})}
    warm = {tag: root / f"warm{i}" for i, tag in enumerate(versions)}
    for tag, src in versions.items():  # opened before: the collection made, then a start used as a person would
        spawn(MLPREP, ["decks", str(warm[tag])], src)
        spawn(MLPREP, ["late", str(warm[tag])], src)  # the deck list shown a moment (its idle-time work) first
    cases: dict[str, tuple[str, list[str] | None, Path]] = {"bare window": (BARE, [], SRC)}
    for tag, src in versions.items():
        cases[f"mlprep deck list, warm{tag}"] = (MLPREP, ["decks", str(warm[tag])], src)
        cases[f"mlprep first card, warm{tag}"] = (MLPREP, ["card", str(warm[tag])], src)
        cases[f"mlprep first card, warm, no front kept{tag}"] = (MLPREP, ["card-unkept", str(warm[tag])], src)
        cases[f"mlprep first card, fresh{tag}"] = (MLPREP, None, src)
        cases[f"mlprep Study now → card, clicked {LATE_MS} ms after the deck list, warm{tag}"] = (
            MLPREP, ["late", str(warm[tag])], src)
    if args.data is not None:
        cases[f"mlprep deck list, {args.data.name}"] = (MLPREP, ["decks", str(args.data)], SRC)
        cases[f"mlprep first card, {args.data.name}"] = (MLPREP, ["card", str(args.data)], SRC)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(args.runs):
        for name, (code, case_args, src) in cases.items():
            if case_args is None:
                case_args = ["card", str(root / f"fresh-{run}-{len(times[name])}-{abs(hash(name))}")]
            elif case_args[:1] == ["card-unkept"]:  # the kept fronts removed first: the card drawn as without them
                shutil.rmtree(Path(case_args[1]) / "cache" / "cards", ignore_errors=True)
                case_args = ["card", case_args[1]]
            times[name].append(spawn(code, case_args, src, RSS.setdefault(name, []), CPU.setdefault(name, [])))
    bare = median(times["bare window"])
    print(f"conditions: {conditions(root, synchronous='FULL (shipped)', cache='warm')}, Qt offscreen, "
          f"{args.runs} runs per case, alternating, bytecode {args.bytecode}, child imports {QT_ORDER}")
    bare_cpu = median(CPU["bare window"])
    print("| process start → first paint | median (ms) | p90 (ms) | ratio to the bare window (medians) "
          "| CPU at the paint, median (ms) | CPU ratio | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, values in times.items():
        late = "clicked" in name  # timed from the click; its CPU column is still the whole process's
        ratio = "–" if late else f"{median(values) / bare:.2f}×"
        cpu_ratio = "–" if late else f"{median(CPU[name]) / bare_cpu:.2f}×"
        print(f"| {name} | {median(values):.0f} | {percentile(values, 90):.0f} | {ratio} | {median(CPU[name]):.0f} "
              f"| {cpu_ratio} | {median(RSS[name]):.0f} |")


if __name__ == "__main__":
    main()
