"""Browse search speed on a large collection (issue 15): each query form, count + the first page of ids.

    python benchmarks/bench_browse.py [--cards 100000] [--runs 25] [--db PATH]

Builds a synthetic collection of ``--cards`` cards in 100 decks over the nine curriculum areas (bulk
inserts in one transaction, through the FTS5 triggers of migration m006), with card texts drawn from the
words of the shipped decks (so free-text searches hit as many cards as real words do), two tags a card,
SM-2 states spread like a collection studied for two years (10 % new, a few learning, 2 % suspended,
1 % buried, 0.5 % leeches) and about three review-log rows a card over two years. ``--db`` keeps the
collection at PATH and reuses it.

Then, in a warm process (one warm-up run per form), it times through the services façade's
:class:`mlprep.services.browse.Browser` what the Browse window does on Enter: ``count(query)`` plus
``search(query, limit=100)`` (the first page, sorted by due day), ``--runs`` times per form, and prints
median and p95. Also: the whole id list for the table model, and one page of rows; then what a click on a
column header asks: every card's ids sorted by each table column (``search("", order)``), and ``gradient``
sorted by front text. Not a test.

    python benchmarks/bench_browse.py --gui [--cards 100000] [--db PATH]

adds the Browse window itself (offscreen): for each column header, ascending then descending, the longest
the event loop went without running a 1 ms timer (the window "blocked") from the click until 30 ms after
the sorted rows are in the table (painted by then); the GUI thread's own CPU time in its longest stretch
between two ticks (its work, without the waits for a CPU or the GIL that a loaded machine adds; an
idle-window row gives the machine's floor); and how long until the rows are in the table.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if not __package__:  # run as a script: the repository root, for benchmarks.harness and tests.helpers
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import log_row_codec, ms, percentile, timed

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
DECKS = 100
PAGE = 100

QUERIES = [
    ("free text, a common word", "gradient"),
    ("free text, two words", "loss function"),
    ("quoted phrase", '"gradient descent"'),
    ("deck:", "deck:deck-042"),
    ("deck: with *", "deck:deck-04*"),
    ("area:", "area:deep-learning"),
    ("tag:", "tag:t17"),
    ("is:new", "is:new"),
    ("is:due", "is:due"),
    ("is:learn", "is:learn"),
    ("is:review", "is:review"),
    ("is:suspended", "is:suspended"),
    ("is:buried", "is:buried"),
    ("is:leech", "is:leech"),
    ("prop:ivl>10", "prop:ivl>10"),
    ("prop:ease<2", "prop:ease<2"),
    ("prop:lapses>=3", "prop:lapses>=3"),
    ("prop:due<0", "prop:due<0"),
    ("rated:7", "rated:7"),
    ("negation", "-is:new"),
    ("or", "is:suspended or is:leech"),
    ("combined", "area:deep-learning -is:suspended prop:ivl>10"),
    ("empty (every card)", ""),
]


def vocabulary() -> list[str]:
    """The words of the shipped decks (at least 3 letters), with repeats: their real frequencies."""
    from mlprep.services.deck_loader import shipped_decks_dir

    words: list[str] = []
    for path in sorted(shipped_decks_dir().glob("*.md")):
        words += re.findall(r"[A-Za-z]{3,}", path.read_text(encoding="utf-8"))
    return words or ["gradient", "descent", "loss", "function"]


def _sentence(rng: random.Random, words: list[str], chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(words)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def build(path: Path, n_cards: int, rng: random.Random) -> None:
    """A collection at ``path`` with ``n_cards`` cards and about three review-log rows each."""
    from mlprep.core.taxonomy import AREAS
    from mlprep.storage.db import open_db

    db = open_db(path)
    words = vocabulary()
    today = NOW.date()
    per_deck = max(1, n_cards // DECKS)
    decks = [{"id": f"deck-{d:03d}", "title": f"Deck {d:03d}", "area": AREAS[d % len(AREAS)].slug,
              "leaf": f"{AREAS[d % len(AREAS)].number}.{d // len(AREAS) + 1}", "path": f"deck-{d:03d}.md",
              "tags": "[]", "description": "", "card_count": per_deck, "present": 1} for d in range(DECKS)]
    with db.atomic():
        db["decks"].insert_all(decks)
        db.conn.executemany(
            "INSERT INTO cards (id, deck_id, position, front, back, source, due, repetitions, easiness, interval, "
            "lapses, reviews, suspended, buried_until, tags, user_tags, added_at) "
            "VALUES (?, ?, ?, ?, ?, 'Synthetic source', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2024-11-01')",
            _cards(rng, words, today, per_deck))
        ids = [r[0] for r in db.execute("SELECT id FROM cards WHERE due IS NOT NULL").fetchall()]
        db.conn.executemany(
            "INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, repetitions_after, "
            "interval_before, interval_after, easiness_before, easiness_after, due_before, due_after, answer_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _log(rng, ids, today))
    db.close()


def _cards(rng: random.Random, words: list[str], today: date, per_deck: int) -> Iterator[tuple[object, ...]]:
    for d in range(DECKS):
        for i in range(per_deck):
            front, back = _sentence(rng, words, 104), _sentence(rng, words, 365)
            if rng.random() < 0.03:  # a phrase for the quoted-phrase search to find
                front = "gradient descent " + front
            tags = f'["t{rng.randrange(40)}", "t{rng.randrange(40)}"]'
            leech = '["leech"]' if rng.random() < 0.005 else "[]"
            if rng.random() < 0.10:
                yield (f"c{d:03d}-{i:05d}", f"deck-{d:03d}", i, front, back, None, 0, 2.5, 0, 0, 0, 0, None, tags,
                       leech)
                continue
            interval = 1 + int(rng.expovariate(1 / 30))
            repetitions = 0 if rng.random() < 0.05 else rng.randint(1, 10)
            due = today + timedelta(days=rng.randint(-10, interval))
            buried = (today + timedelta(days=1)).isoformat() if rng.random() < 0.01 else None
            yield (f"c{d:03d}-{i:05d}", f"deck-{d:03d}", i, front, back, due.isoformat(), repetitions,
                   round(rng.uniform(1.3, 3.0), 2), interval, rng.choice((0, 0, 0, 1, 2, 4)), rng.randint(1, 30),
                   int(rng.random() < 0.02), buried, tags, leech)


def _log(rng: random.Random, ids: list[str], today: date) -> Iterator[tuple[object, ...]]:
    """Review rows in the stored form of the mlprep on ``sys.path`` (:func:`harness.log_row_codec`: integers
    since m010, ISO texts before)."""
    stored = log_row_codec()
    start = datetime.combine(today - timedelta(days=730), datetime.min.time(), UTC)
    for _ in range(3 * len(ids)):
        at = start + timedelta(seconds=rng.randrange(730 * 86400))
        yield stored((rng.choice(ids), at, rng.choice((2, 3, 4, 4, 4, 5)), "review", 1, 2, 6, 15, 2.5, 2.5, None,
                      None, 5000))


def bench(path: Path, runs: int) -> list[tuple[str, str, int, list[float]]]:
    """(label, query, matches, timings in ms) of count + first page per query form, then the whole id list
    and one page of rows."""
    from mlprep.core.clock import FixedClock
    from mlprep.services.browse import BrowseOrder
    from mlprep.services.collection import open_collection

    col = open_collection(path.parent, FixedClock(NOW), [], read_only=True, tz=UTC)
    browser = col.browse()
    results = []
    for label, query in QUERIES:
        def first_page(q: str = query) -> object:
            return browser.count(q), browser.search(q, limit=PAGE)
        results.append((label, query, browser.count(query), timed(first_page, runs, warmup=1)))
    every = browser.search("")
    results.append(("the whole id list (table model), every card", "", len(every),
                    timed(lambda: browser.search(""), runs, warmup=1)))
    middle = every[len(every) // 2:len(every) // 2 + PAGE]
    results.append(("one page of rows (100)", "", PAGE, timed(lambda: browser.rows(middle), runs, warmup=1)))
    sort_runs = max(1, runs // 5)
    for order in (BrowseOrder.DUE, BrowseOrder.FRONT, BrowseOrder.DECK, BrowseOrder.AREA, BrowseOrder.INTERVAL,
                  BrowseOrder.EASE, BrowseOrder.REVIEWS, BrowseOrder.LAPSES):  # the table's columns
        results.append((f"every card's ids sorted by {order.value}", "", len(every),
                        timed(lambda o=order: browser.search("", o), sort_runs, warmup=1)))
    results.append(("`gradient` sorted by front", "gradient", browser.count("gradient"),
                    timed(lambda: browser.search("gradient", BrowseOrder.FRONT), sort_runs, warmup=1)))
    col.close()
    return results


def gui_sorts(path: Path) -> list[tuple[str, float, float, float]]:
    """(column and direction, longest event-loop stall in ms, the GUI thread's CPU time in its longest busy
    stretch in ms, ms until the sorted rows are in the table) for each column header of the Browse window
    over the collection at ``path``, offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QPoint, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from mlprep.core.clock import FixedClock
    from mlprep.services.collection import open_collection
    from mlprep.ui.browse_model import COLUMNS
    from mlprep.ui.browse_window import BrowseWindow

    app = QApplication.instance() or QApplication([])  # (kept: the window needs it alive)
    app.setApplicationName("bench_browse")
    col = open_collection(path.parent, FixedClock(NOW), [], read_only=True, tz=UTC)
    window = BrowseWindow(col.browse())
    window.show()
    model = window.model

    loop = QEventLoop()  # (its exec() lets the worker have the GIL; processEvents() would keep it)
    model.search_finished.connect(lambda *_: loop.quit())
    model.search_failed.connect(lambda *_: loop.quit())
    if model.pending:
        loop.exec()
    QTimer.singleShot(300, loop.quit)  # the window's first paints
    loop.exec()
    clock = QElapsedTimer()
    gaps: list[float] = []
    busy: list[float] = []  # the GUI thread's own CPU time in each gap: its work, not the machine's load
    last = [0.0, 0.0]

    def tick() -> None:
        now, cpu = clock.nsecsElapsed() / 1e6, ms(time.thread_time())
        gaps.append(now - last[0])
        busy.append(cpu - last[1])
        last[0], last[1] = now, cpu
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    header = window.table.horizontalHeader()

    def click(section: int) -> None:
        x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    gaps.clear()  # the floor: the same timer over an idle window for 500 ms (other processes, the OS)
    busy.clear()
    clock.start()
    last[0], last[1] = 0.0, ms(time.thread_time())
    timer.start()
    QTimer.singleShot(500, loop.quit)
    loop.exec()
    timer.stop()
    out = [("(no click: the idle window for 500 ms)", max(gaps), max(busy), 0.0)]
    for section, (title, _order) in enumerate(COLUMNS[:-1]):  # (the state column sorts as the due column)
        for _direction in range(2):  # the first click sorts ascending (descending for Due: it was ascending)
            gaps.clear()
            busy.clear()
            clock.start()
            last[0], last[1] = 0.0, ms(time.thread_time())
            timer.start()
            QTimer.singleShot(0, lambda s=section: click(s))
            loop.exec()  # until the sorted ids are in the table
            arrived = clock.nsecsElapsed() / 1e6
            QTimer.singleShot(30, loop.quit)  # and the table painted with them
            loop.exec()
            timer.stop()
            ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
            out.append((f"{title} {'ascending' if ascending else 'descending'}", max(gaps), max(busy), arrived))
    window.close()
    col.close()
    return out


def conditions(path: Path) -> str:
    """Where the file lives (file system type), SQLite's synchronous setting, the machine."""
    from mlprep.storage.db import SYNCHRONOUS

    fs = subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True, text=True).stdout.strip()
    return (f"file on {fs or 'unknown'} ({'tmpfs' if fs == 'tmpfs' else 'disk'}), synchronous={SYNCHRONOUS}, "
            f"warm cache, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> list[tuple[str, str, int, list[float]]]:
    """Build (or reuse) the collection, time every form, print a Markdown table; return the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--gui", action="store_true", help="also time the Browse window's header sorts (offscreen)")
    parser.add_argument("--db", type=Path, default=None,
                        help="a folder: build the collection there once (collection.sqlite3) and reuse it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.db or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "collection.sqlite3"
        if not path.exists():
            t = time.perf_counter()
            build(path, args.cards, random.Random(15))
            print(f"built the collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        results = bench(path, args.runs)
        sorts = gui_sorts(path) if args.gui else []
        where = conditions(path)
    print(f"| {args.cards:,} cards, {args.runs} runs: count + first {PAGE} ids | matches | median (ms) | p95 (ms) |")
    print("|---|---:|---:|---:|")
    for label, query, n, values in results:
        shown = f" `{query}`" if query and query != label else ""
        print(f"| {label}{shown} | {n:,} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} |")
    if sorts:
        print(f"\n| {args.cards:,} cards: a click on a column header | longest event-loop stall (ms) | "
              "GUI thread's CPU, longest stretch (ms) | rows sorted in the table after (ms) |")
        print("|---|---:|---:|---:|")
        for label, stall, cpu, arrived in sorts:
            print(f"| {label} | {stall:.1f} | {cpu:.1f} | {arrived:.1f} |")
    print(f"\n{where}")
    return results


if __name__ == "__main__":
    main()
