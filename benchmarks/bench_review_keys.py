"""The review screen's key → next paint: Space (show the answer) and 3 (Good: the next card) on the shipped decks.

    python benchmarks/bench_review_keys.py [--cards 60] [--runs 2] [--think 0.4] [--baseline SRC] [--dir DIR]

Each run is a fresh process (offscreen Qt) on a fresh data folder holding the shipped decks, with the new-card
limit raised so that ``--cards`` new cards come up. Cases:

- ``cold``: the formula cache is empty, in memory (a new process) and on disk (a new ``cache/math`` folder);
- ``warm``: the disk cache already holds every shipped formula (typeset once by a preparatory process and
  copied into the run's data folder), memory empty.

The window is built as the app builds it (``MainWindow`` over ``open_collection``); Study now is clicked 500 ms
after the deck list's first paint (as a person would). Then a driver thread plays the user: ``--think`` seconds
after each paint of the card it posts the next key (Space on a front, 3 on a back) into Qt's event queue
(``QCoreApplication.postEvent``, thread-safe), so a key may arrive while an idle step is running, as a real one
would. Time is from the post to the card view's next paint (an event filter on its viewport, as
``bench_startup`` does), split into **wait** (post → the review screen's key handler starts: an idle step that
was running), **handle** (the handler: answer, next card, render) and **paint** (handler end → paint).

For each key it also records the card, its formulas and code blocks, and how many formulas the handler had to
typeset (the process-wide typesetter's count). Prints p50/p95/p99/max per case and key, and the slowest keys.
With ``--baseline SRC`` every case also runs on another version's ``src`` (with ``decks/`` and ``resources/``
beside it), alternating run by run. Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import conditions, median, percentile

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = r"""
import json, os, sys, threading, time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
mode, data, cards_wanted, think = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])

from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection

collection = open_collection(data, SystemClock())
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv)

if mode == "prefill":  # type every shipped formula into data/cache/math, at the review screen's size
    import contextlib
    from mlprep.core.math_text import find_math
    from mlprep.ui.card_render import MATH_SCALE
    from mlprep.ui.card_view import BASE_TEXT_PX
    from mlprep.ui.math_images import MathError, MathTypesetter
    typesetter = MathTypesetter(data / "cache" / "math")
    jobs = dict.fromkeys((s.tex, s.display) for text in collection.study_texts(100_000) for s in find_math(text))
    for tex, display in jobs:
        with contextlib.suppress(MathError):
            typesetter.warm(tex, display=display, px=BASE_TEXT_PX * MATH_SCALE)
    print(json.dumps({"formulas": len(jobs)}))
    sys.exit(0)

from dataclasses import replace
collection.save_settings(replace(collection.settings, new_per_day=max(cards_wanted + 5, 20)))
from mlprep.core.math_text import find_math
from mlprep.ui.main_window import MainWindow
from mlprep.ui.math_images import default_typesetter

window = MainWindow(collection)
review = window.review
records = []
state = {"posted": None, "key": None, "handle_start": None, "handle_end": None, "card": None}
go = threading.Event()
stop = threading.Event()


class Watch(QObject):
    def eventFilter(self, watched, event):
        kind = event.type()
        if watched is review and kind == QEvent.Type.KeyPress and state["posted"] is not None:
            state["handle_start"] = time.perf_counter()
            state["typeset_before"] = default_typesetter().typeset_count
        elif watched is review.browser.viewport() and kind == QEvent.Type.Paint and state["handle_end"] is not None:
            now = time.perf_counter()
            card = review.card
            side = state["key"]
            text = "" if card is None else (card.front if side == "3" else card.back)
            records.append({
                "key": side, "ms": (now - state["posted"]) * 1000,
                "wait": (state["handle_start"] - state["posted"]) * 1000,
                "handle": (state["handle_end"] - state["handle_start"]) * 1000,
                "paint": (now - state["handle_end"]) * 1000,
                "card": None if card is None else card.id,
                "formulas": len(find_math(text)), "code": text.count("```") // 2,
                "typeset": default_typesetter().typeset_count - state["typeset_before"]})
            state.update(posted=None, handle_start=None, handle_end=None)
            go.set()
        return False


watch = Watch()
review.installEventFilter(watch)
original_key = type(review).keyPressEvent


def key_press(self, event):
    original_key(self, event)
    if state["handle_start"] is not None:
        state["handle_end"] = time.perf_counter()
        if self.card is None:
            stop.set(); go.set()


type(review).keyPressEvent = key_press


def first_card_painted():
    go.set()


def driver():
    # waits for the card's paint, thinks, posts the next key
    done = 0
    while not stop.is_set() and done < 2 * cards_wanted:
        go.wait(); go.clear()
        if stop.is_set():
            break
        time.sleep(think)
        key = " " if not review.revealed else "3"
        qt_key = Qt.Key.Key_Space if key == " " else Qt.Key.Key_3
        state["key"] = key
        state["posted"] = time.perf_counter()
        QCoreApplication.postEvent(review, QKeyEvent(QEvent.Type.KeyPress, qt_key, Qt.KeyboardModifier.NoModifier, key))
        done += 1
    stop.set()
    QTimer.singleShot(0, app, app.quit)


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if watched is window.deck_list.tree.viewport():
                QTimer.singleShot(500, window.deck_list.study_button.click)
                review.browser.viewport().installEventFilter(self)
            else:
                review.browser.viewport().installEventFilter(watch)
                QTimer.singleShot(0, first_card_painted)
        return False


first = FirstPaint()
window.deck_list.tree.viewport().installEventFilter(first)
thread = threading.Thread(target=driver, daemon=True)
thread.start()
watchdog = QTimer(); watchdog.setSingleShot(True); watchdog.timeout.connect(app.quit); watchdog.start(600_000)
window.show()
app.exec()
stop.set(); go.set()
print(json.dumps(records))
os._exit(0)
"""


def run_child(src: Path, mode: str, data: Path, cards: int, think: float) -> object:
    """Run the child in a fresh process on ``src``; its JSON output."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(data), str(cards), str(think)],
                         capture_output=True, text=True, env=env, timeout=900)
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def describe(values: list[float]) -> str:
    """``p50 / p95 / p99 / max`` in ms."""
    return (f"{median(values):.1f} / {percentile(values, 95):.1f} / {percentile(values, 99):.1f} / "
            f"{max(values):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=60, help="cards answered per run")
    parser.add_argument("--runs", type=int, default=2, help="runs per case and version")
    parser.add_argument("--think", type=float, default=0.4, help="seconds between a paint and the next key")
    parser.add_argument("--dir", type=Path, default=None, help="where the data folders go (default: a temp folder)")
    parser.add_argument("--baseline", type=Path, default=None, help="a src folder of the version to compare with")
    parser.add_argument("--src", type=Path, default=SRC, help="the src folder measured (default: this one)")
    parser.add_argument("--cases", default="cold,warm")
    parser.add_argument("--prefill-each", action="store_true",
                        help="fill the warm formula cache with each version's own typesetter (when they differ)")
    parser.add_argument("--slowest", type=int, default=8, help="how many of the slowest keys to list per case")
    args = parser.parse_args()
    if args.baseline is not None and not (args.baseline.resolve().parent / "decks").is_dir():
        parser.error(f"--baseline {args.baseline}: no decks/ folder beside it (extract src, decks and resources)")
    root = Path(tempfile.mkdtemp(prefix="bench-keys-", dir=args.dir))
    versions = {"after": args.src.resolve(), **({"before": args.baseline.resolve()} if args.baseline else {})}
    cases = args.cases.split(",")
    templates: dict[str, Path] = {}
    if "warm" in cases:  # one formula cache for every version (same CACHE_VERSION: same files), unless --prefill-each
        for name, src in versions.items():
            if name == "after" or args.prefill_each:
                templates[name] = root / f"template-{name}"
                print(f"prefill {name}: {run_child(src, 'prefill', templates[name], 0, 0)}", flush=True)
            else:
                templates[name] = templates["after"]
    results: dict[tuple[str, str], list[dict[str, object]]] = {}
    load = []
    for run in range(args.runs):
        for case in cases:
            for name, src in versions.items():
                data = root / f"{case}-{name}-{run}"
                if case == "warm":
                    shutil.copytree(templates[name] / "cache", data / "cache")
                load.append(os.getloadavg()[0])
                records = run_child(src, "session", data, args.cards, args.think)
                assert isinstance(records, list)
                results.setdefault((case, name), []).extend(records)
                print(f"run {run} {case} {name}: {len(records)} keys, load {load[-1]:.2f}", flush=True)
                (root / "records.json").write_text(json.dumps({f"{c} {n}": r for (c, n), r in results.items()}))
    print(f"\nconditions: {conditions(root, synchronous='FULL (shipped)', cache='warm page')}, Qt offscreen, "
          f"{args.runs} runs per case and version, {args.cards} cards each, think {args.think} s, "
          f"alternating; load during the runs {min(load):.2f}-{max(load):.2f}")
    print("\n| case | version | key | n | total p50 / p95 / p99 / max (ms) | wait p99 | handle p99 | paint p99 |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for (case, name), records in results.items():
        for key, label in ((" ", "Space → back"), ("3", "3 → next card")):
            mine = [r for r in records if r["key"] == key]
            if not mine:
                continue
            total = [float(r["ms"]) for r in mine]  # type: ignore[arg-type]
            parts = {p: percentile([float(r[p]) for r in mine], 99) for p in ("wait", "handle", "paint")}  # type: ignore[arg-type]
            print(f"| {case} | {name} | {label} | {len(mine)} | {describe(total)} | {parts['wait']:.1f} | "
                  f"{parts['handle']:.1f} | {parts['paint']:.1f} |")
    for (case, name), records in results.items():
        print(f"\nslowest keys, {case} {name}:")
        for r in sorted(records, key=lambda r: -float(r["ms"]))[:args.slowest]:  # type: ignore[arg-type]
            print(f"  {r['ms']:7.1f} ms  key {r['key']!r}  wait {r['wait']:.1f} handle {r['handle']:.1f} "
                  f"paint {r['paint']:.1f}  {r['card']}  formulas {r['formulas']} typeset {r['typeset']} "
                  f"code {r['code']}")


if __name__ == "__main__":
    main()
