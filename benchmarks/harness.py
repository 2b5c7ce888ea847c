"""Shared pieces of the benchmarks: timing, percentiles, an alternating runner, collection builders.

Not a test and not part of the app: timings belong here and in docs/benchmarks.md, never in tests/.
Every benchmark prints its conditions (:func:`conditions`): the disk or tmpfs the files live on, SQLite's
``synchronous`` setting, warm or cold page cache, the machine's load.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path, PurePath
from typing import Any

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
"""The fixed "now" every benchmark collection is built and studied at."""

DECKS = 100
# Card texts as long as the shipped decks' means (front 104, back 365 characters), so that a
# pass over the cards table costs what it would in a real collection.
FRONT_CHARS, BACK_CHARS = 104, 365


def ms(seconds: float) -> float:
    """Seconds to milliseconds."""
    return seconds * 1000


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def timed(fn: Callable[[], object], runs: int, *, warmup: int = 0) -> list[float]:
    """Run ``fn`` ``warmup`` times untimed, then ``runs`` times; each run's wall time in ms."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(ms(time.perf_counter() - start))
    return out


def alternate(cases: dict[str, Callable[[], object]], runs: int, *, warmup: int = 1) -> dict[str, list[float]]:
    """Time every case of ``cases`` ``runs`` times, in turn (A, B, A, B ...), so that a change in the
    machine's load hits every case alike; each run's wall time in ms, by case name."""
    for fn in cases.values():
        for _ in range(warmup):
            fn()
    out: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            out[name].append(ms(time.perf_counter() - start))
    return out


def ask_worker(proc: subprocess.Popen[str], command: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send ``command`` (if any) to a benchmark's worker process as one JSON line on its stdin and return the
    JSON line it answers on stdout (the protocol of bench_session's and bench_stats' workers). Raises
    ``RuntimeError`` when the worker has ended."""
    assert proc.stdin is not None and proc.stdout is not None
    if command is not None:
        proc.stdin.write(json.dumps(command) + "\n")
        proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"worker {proc.args} ended (exit {proc.wait()})")
    return dict(json.loads(line))


def summary(values: Sequence[float]) -> str:
    """``p50 / p95 / max`` of ``values`` in ms, for a table cell."""
    return f"{median(values):.2f} / {percentile(values, 95):.2f} / {max(values):.2f}"


def storage_kind(path: Path) -> str:
    """``"tmpfs"`` or ``"disk (<fs type>)"`` for the file system holding ``path`` (from /proc/mounts)."""
    best, kind = "", "unknown"
    target = str(path.resolve())
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    for line in mounts:
        fields = line.split()
        if len(fields) > 2 and (target == fields[1] or target.startswith(fields[1].rstrip("/") + "/")) \
                and len(fields[1]) > len(best):
            best, kind = fields[1], fields[2]
    return "tmpfs" if kind == "tmpfs" else f"disk ({kind})"


def conditions(path: Path | None = None, *, synchronous: str | None = None, cache: str = "warm") -> str:
    """One line naming the conditions of a measurement: machine, Python, SQLite, the file system of
    ``path``, ``synchronous``, page cache warm or cold, load average."""
    parts = [f"{platform.machine()}, {os.cpu_count()} cores", f"Python {platform.python_version()}",
             f"SQLite {sqlite3.sqlite_version}"]
    if path is not None:
        parts.append(f"files on {storage_kind(path)}")
    if synchronous is not None:
        parts.append(f"synchronous={synchronous}")
    parts.append(f"{cache} cache")
    parts.append(f"load average {os.getloadavg()[0]:.2f}")
    return ", ".join(parts)


# -- builders ----------------------------------------------------------------------------------

def _text(prefix: str, n: int, chars: int) -> str:
    head = f"{prefix} {n}: "
    return head + "lorem ipsum dolor sit amet " * ((chars - len(head)) // 27 + 1)


def deck_markdown(deck: int, cards: int) -> str:
    """A deck file in mlprep's format (docs/deck-format.md): ``cards`` cards with ids
    ``b<deck>-<i>``, texts as long as the shipped decks' means."""
    from mlprep.core.taxonomy import AREAS

    area = AREAS[deck % len(AREAS)].slug
    parts = [f"---\ntitle: Bench deck {deck:03d}\narea: {area}\ntags: [bench]\n---\n\nA synthetic deck.\n"]
    for i in range(cards):
        parts.append(f"\n## b{deck:03d}-{i:05d}\ntags: bench\nsource: synthetic\n\n"
                     f"Q: {_text('Question', i, FRONT_CHARS)[:FRONT_CHARS]}\n\n"
                     f"A: {_text('Answer', i, BACK_CHARS)[:BACK_CHARS]}\n")
    return "".join(parts)


def build_deck_folder(folder: Path, n_cards: int, decks: int = DECKS) -> list[Path]:
    """Write ``decks`` deck files holding ``n_cards`` cards in all into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in range(decks):
        path = folder / f"bench-{d:03d}.md"
        path.write_text(deck_markdown(d, n_cards // decks), encoding="utf-8")
        paths.append(path)
    return paths


def build_session_collection(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    """A collection at ``path`` for the review benchmarks: ``n_cards`` cards in :data:`DECKS` decks,
    10 % new, 10 % due today or overdue (up to 30 days), the rest due within 300 days, and
    ``n_reviews`` review-log rows; written through mlprep's storage in bulk, one transaction."""
    from mlprep.core.clock import study_day
    from mlprep.core.models import Card, CardId, Deck, DeckId
    from mlprep.storage.collection_db import open_collection_db

    storage = open_collection_db(path)
    store = storage.cards
    per_deck = n_cards // DECKS
    for d in range(DECKS):
        deck_id = DeckId(f"deck-{d:03d}")
        cards = tuple(Card(id=CardId(f"c{d:03d}-{i:05d}"), deck=deck_id, front=f"Question {d}/{i}?",
                           back=f"Answer {d}/{i}.", tags=("bench",), source="synthetic")
                      for i in range(per_deck))
        store.save_deck(Deck(id=deck_id, title=f"Deck {d:03d}", area="math", path=PurePath(f"{deck_id}.md"),
                             cards=cards), NOW)
    today = study_day(NOW)
    ids = [r[0] for r in store.db.execute("SELECT id FROM cards").fetchall()]
    store.set_new_ranks({CardId(card_id): rank for rank, card_id in enumerate(ids)})  # introduction order
    updates = []
    for card_id in ids:
        roll = rng.random()
        if roll < 0.10:
            continue
        due = today - timedelta(days=rng.randint(0, 30)) if roll < 0.20 else today + timedelta(days=rng.randint(1, 300))
        updates.append((due.isoformat(), card_id))
    with store.db.atomic():
        store.db.conn.executemany("UPDATE cards SET repetitions = 3, easiness = 2.5, interval = 15, due = ?, "
                                  "reviews = 10 WHERE id = ?", updates)
        stored = log_row_codec()
        rows = (stored((rng.choice(ids), NOW - timedelta(minutes=rng.randint(1440, 10**6), microseconds=_micros(i)),
                        rng.randint(2, 5), "review", 2, 3, 6, 15, 2.5, 2.5, date(2026, 1, 1), date(2026, 1, 16), 5000))
                for i in range(n_reviews))
        store.db.conn.executemany(
            "INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, repetitions_after, "
            "interval_before, interval_after, easiness_before, easiness_after, due_before, due_after, answer_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    store.db.close()


def _micros(i: int) -> int:
    """A microsecond part for log row ``i`` (no random draw: the builders' random sequences stay as they
    were), so that instants carry microseconds as the app's do (its clock's ``datetime.now``)."""
    return (i * 7919 + 1) % 1_000_000


LogRow = tuple[Any, ...]


def log_row_codec() -> Callable[[LogRow], LogRow]:
    """The stored form of a review-log row ``(card_id, reviewed_at datetime, quality, kind, repetitions_before,
    repetitions_after, interval_before, interval_after, easiness_before, easiness_after, due_before date|None,
    due_after date|None, answer_ms)`` for the mlprep on ``sys.path``: integers since m010
    (:mod:`mlprep.storage.log_codec`), ISO texts before (a baseline's src)."""
    try:
        from mlprep.storage import log_codec as c
    except ImportError:
        def iso(row: LogRow) -> LogRow:
            return (row[0], row[1].isoformat(), *row[2:10], *(d.isoformat() if d else None for d in row[10:12]),
                    row[12])
        return iso

    def compact(row: LogRow) -> LogRow:
        return (row[0], c.instant_us(row[1]), row[2], c.KIND_CODES[row[3]], *row[4:10], c.stored_day(row[10]),
                c.stored_day(row[11]), row[12])
    return compact


STATS_DAYS = 730
_KINDS = ("new", "review", "drill", "cram")
_KIND_WEIGHTS = (8, 72, 17, 3)
_QUALITY_WEIGHTS = (2, 3, 9, 20, 46, 20)  # 0-5: mostly Good, some Again/Hard/Easy


def build_stats_collection(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    """A collection at ``path`` for the statistics benchmarks: ``n_cards`` cards in :data:`DECKS` decks
    over the nine curriculum areas, ``n_reviews`` review-log rows over two years shaped like what the
    app logs (a daily session with a few days missed, new cards, reviews on or after their due day,
    drill repeats, a little cram, grades weighted towards Good); bulk inserts in one transaction."""
    from mlprep.core.taxonomy import AREAS
    from mlprep.storage.db import open_db

    db = open_db(path)
    today = NOW.date()
    per_deck = n_cards // DECKS
    front, back = "Q" * FRONT_CHARS, "A" * BACK_CHARS
    decks = [{"id": f"deck-{d:03d}", "title": f"Deck {d:03d}", "area": AREAS[d % len(AREAS)].slug,
              "leaf": f"{AREAS[d % len(AREAS)].number}.{d // len(AREAS) + 1}", "path": f"deck-{d:03d}.md",
              "tags": "[]", "description": "", "card_count": per_deck, "present": 1} for d in range(DECKS)]
    cards = []
    for d in range(DECKS):
        for i in range(per_deck):
            card_id = f"c{d:03d}-{i:05d}"
            if rng.random() < 0.10:  # never studied
                cards.append((card_id, f"deck-{d:03d}", i, front, back, None, 0, 2.5, 0, 0, 0, 0))
                continue
            interval = 1 + int(rng.expovariate(1 / 30))
            repetitions = 0 if rng.random() < 0.05 else rng.randint(1, 10)
            due = today + timedelta(days=rng.randint(-10, interval))
            cards.append((card_id, f"deck-{d:03d}", i, front, back, due.isoformat(), repetitions,
                          round(rng.uniform(1.3, 3.0), 2), interval, rng.choice((0, 0, 0, 1, 2)),
                          rng.randint(1, 30), int(rng.random() < 0.02)))
    ids = [c[0] for c in cards if c[5] is not None]
    per_day = n_reviews // STATS_DAYS
    missed = {today - timedelta(days=rng.randint(30, STATS_DAYS)) for _ in range(25)}
    with db.atomic():
        db["decks"].insert_all(decks)
        db.conn.executemany(
            "INSERT INTO cards (id, deck_id, position, front, back, due, repetitions, easiness, interval, lapses, "
            "reviews, suspended, tags, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '2024-11-01')",
            cards)
        db.conn.executemany(
            "INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, repetitions_after, "
            "interval_before, interval_after, easiness_before, easiness_after, due_before, due_after, answer_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _stats_log_rows(rng, ids, today, per_day, n_reviews, missed))
    db.close()


def _stats_log_rows(rng: random.Random, ids: list[str], today: date, per_day: int, n_reviews: int,
                    missed: set[date]) -> Iterator[tuple[object, ...]]:
    from mlprep.core.clock import day_start

    stored = log_row_codec()
    written = 0
    day = today - timedelta(days=STATS_DAYS - 1)
    while written < n_reviews:
        if day in missed:
            day += timedelta(days=1)
            continue
        start = day_start(day, UTC, 4) + timedelta(hours=rng.choice((3, 4, 14, 15)))  # a morning or evening session
        for k in range(min(per_day, n_reviews - written)):
            kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0]
            quality = rng.choices(range(6), _QUALITY_WEIGHTS)[0]
            interval = 0 if kind == "new" else int(rng.expovariate(1 / 25))
            repetitions = 0 if kind == "new" or rng.random() < 0.08 else rng.randint(1, 8)
            if kind == "review":  # due on or before today; now and then answered ahead (a same-day repeat)
                due = day + timedelta(days=1) if rng.random() < 0.002 else day - timedelta(days=rng.randint(0, 3))
            else:
                due = None if kind == "new" else day + timedelta(days=max(1, interval))
            yield stored((rng.choice(ids), start + timedelta(seconds=6 * k, microseconds=_micros(k)), quality, kind,
                          repetitions, repetitions + (quality >= 3), interval, max(1, interval * 2), 2.5, 2.5,
                          due, day + timedelta(days=max(1, interval * 2)), rng.randint(2000, 20000)))
        written += min(per_day, n_reviews - written)
        day += timedelta(days=1)


ON_QT_WIDGETS = r"""
class OnQtWidgets:
    # A meta-path finder that calls hook() right after mlprep's own first import of PySide6.QtWidgets, so that
    # the modules mlprep imports before Qt load as in a real start (PySide6's import hook reads the source of
    # every module imported after PySide6). Use: sys.meta_path.insert(0, OnQtWidgets(hook)).
    def __init__(self, hook):
        self.hook = hook

    def find_spec(self, name, path=None, target=None):
        if name != "PySide6.QtWidgets":
            return None
        sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_then_hook(module):
            exec_module(module)
            self.hook()

        spec.loader.exec_module = exec_then_hook
        return spec
"""
"""Source text for a benchmark's child process (it needs ``sys`` imported): the finder class
``OnQtWidgets(hook)``, which runs ``hook()`` once mlprep has imported ``PySide6.QtWidgets`` (bench_startup,
bench_memory)."""
