"""Card rendering speed, and that typesetting stays out of the app's first paint.

    python benchmarks/bench_render.py [--cards 30]

Takes the ``--cards`` shipped cards with the most formulas (front and back shown, as after
"Show answer") and times ``CardBrowser.show_card`` including the document's layout, in
three states:

* cold: no formula typeset yet in this process or on disk (a new typesetter per card);
* disk: a new session whose formula cache folder already holds the card's formulas;
* memory: formulas typeset earlier this session, the card itself not yet rendered;
* cached: the card rendered before (what "Show answer" costs after the idle-time prefetch).

Then starts the app in a fresh process (offscreen) and reports the time to the deck list's
first paint, and whether ziamath, Pygments or Markdown were imported by then. Prints Markdown.
Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from mlprep.core.math_text import find_math
from mlprep.services.deck_loader import load_decks, shipped_decks_dir
from mlprep.ui.card_render import CardRenderer
from mlprep.ui.card_view import BASE_TEXT_PX, CardBrowser
from mlprep.ui.math_images import MathTypesetter
from mlprep.ui.theme import LIGHT

FIRST_PAINT = r"""
import os, sys, tempfile, time
from pathlib import Path
start = time.perf_counter()
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow
app = QApplication(sys.argv)
window = MainWindow(open_collection(Path(sys.argv[1]), SystemClock()))
window.show()
app.processEvents()
window.grab()
elapsed = time.perf_counter() - start
print(elapsed, *(name in sys.modules for name in ("ziamath", "pygments", "markdown")))
"""


def ms(seconds: float) -> float:
    return seconds * 1000


def show_ms(browser: CardBrowser, front: str, back: str) -> float:
    start = time.perf_counter()
    browser.show_card(front, back, LIGHT, BASE_TEXT_PX)
    browser.document().size()  # force layout
    return ms(time.perf_counter() - start)


def first_paint(runs: int) -> tuple[list[float], list[str]]:
    times, imported = [], []
    with tempfile.TemporaryDirectory() as data:
        subprocess.run([sys.executable, "-c", FIRST_PAINT, data], check=True, capture_output=True)  # sync decks once
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", FIRST_PAINT, data], check=True, capture_output=True,
                                 text=True).stdout.split()
            times.append(ms(float(out[0])))
            imported = [name for name, flag in zip(("ziamath", "pygments", "markdown"), out[1:], strict=True)
                        if flag == "True"]
    return times, imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=30)
    parser.add_argument("--paint-runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    cards = [c for d in load_decks([shipped_decks_dir()]).decks for c in d.cards]
    cards.sort(key=lambda c: -len(find_math(c.front + "\n" + c.back)))
    cards = cards[:args.cards]
    n_formulas = [len(find_math(c.front + "\n" + c.back)) for c in cards]
    warm = CardBrowser()
    warm.show_card("warm-up $x^2$ `code`\n\n```python\nx = 1\n```", "y", LIGHT, BASE_TEXT_PX)  # imports

    results: dict[str, list[float]] = {"cold": [], "disk": [], "memory": [], "cached": []}
    with tempfile.TemporaryDirectory() as cache:
        for card in cards:
            cold = CardBrowser()
            cold.renderer = CardRenderer(MathTypesetter(cache_dir=Path(cache)))
            results["cold"].append(show_ms(cold, card.front, card.back))
            disk = CardBrowser()
            disk.renderer = CardRenderer(MathTypesetter(cache_dir=Path(cache)))
            results["disk"].append(show_ms(disk, card.front, card.back))
            memory = CardBrowser()
            memory.renderer = CardRenderer(cold.renderer.typesetter)
            results["memory"].append(show_ms(memory, card.front, card.back))
            results["cached"].append(show_ms(memory, card.front, card.back))
    paint, imported = first_paint(args.paint_runs)
    del app

    print(f"{len(cards)} shipped cards with the most formulas ({min(n_formulas)}–{max(n_formulas)} formulas, "
          f"median {statistics.median(n_formulas):.0f}), front and back, `CardBrowser.show_card` + layout:\n")
    print("| state | median ms | p90 ms | max ms |")
    print("|---|---:|---:|---:|")
    for state, values in results.items():
        ordered = sorted(values)
        print(f"| {state} | {statistics.median(values):.1f} | {ordered[int(0.9 * (len(ordered) - 1))]:.1f} "
              f"| {max(values):.1f} |")
    print(f"\nApp start to first paint of the deck list (fresh process, {args.paint_runs} runs): "
          f"median {statistics.median(paint):.0f} ms, min {min(paint):.0f} ms; "
          f"imported by then: {', '.join(imported) or 'none of ziamath, pygments, markdown'}.")


if __name__ == "__main__":
    main()
