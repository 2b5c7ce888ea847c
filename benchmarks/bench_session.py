"""Session speed on a large collection, mlprep against Anki's own library, the two sides alternating.

    python benchmarks/bench_session.py [--cards 100000] [--reviews 1000000] [--answers 2000] [--block 100]
                                       [--dir DIR] [--synchronous OFF|NORMAL|FULL] [--baseline SRC]
                                       [--mlprep-db PATH] [--anki-db PATH] [--no-anki] [--no-ui] [--what-if SQL]

Builds a synthetic collection of ``--cards`` cards in 100 decks with ``--reviews`` review-log rows through mlprep's
storage (:func:`harness.build_session_collection`), and an equal collection with Anki's library (``pip install
".[bench]"``), or copies the ones given. Each side then runs in its own worker process that keeps its session open,
and the parent has them answer in turn, ``--block`` answers at a time (mlprep, Anki, [baseline], then the next
block in the next order), so a change in the machine's load hits every side alike. Measured on each: answer + next
card at the service level (mlprep ``StudySession.answer()`` + ``next_card()``; Anki ``build_answer`` +
``answer_card`` + ``get_queued_cards``; p50, p95, p99 over ``--answers``, and the worker process's CPU time over
the same span, p50 and p95, ``time.process_time()``: what each side costs without the waits for a CPU that a loaded
machine adds; mlprep's idle-time upkeep, which the review screen runs once the next card is shown, is timed apart
and not counted), the deck list's counts and opening the collection (alternating too). With ``--baseline SRC``
(another version's ``src``, e.g. ``git archive HEAD src | tar -x``) that version runs as one more side on its own
copy of the collection, which is built by the baseline (the older schema), so that each version opens it with its
own migrations. Also measures the review screen's answer -> next card shown (Qt offscreen, this version only,
unless ``--no-ui``). Prints a Markdown table and the conditions.
Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import DECKS, NOW, ask_worker, build_session_collection, conditions, ms, percentile, timed

__all__ = ["ms", "percentile"]  # bench_stats used to import them from here
HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
DUE_SHARE = 0.10  # 10 % of cards due today or overdue, like a busy day (harness.build_session_collection)
NEW_SHARE = 0.10  # 10 % never reviewed


def _big_settings() -> Any:
    from mlprep.core.study_settings import StudySettings

    return StudySettings(new_per_day=9999, reviews_per_day=99999)


# -- mlprep (in a worker) ----------------------------------------------------------------------

def build_mlprep(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    build_session_collection(path, n_cards, n_reviews, rng)


class MlprepSide:
    """One open mlprep collection and its study session (in a worker process)."""

    def __init__(self, path: Path, synchronous: str | None, what_if: Sequence[str] = ()) -> None:
        from mlprep.core.clock import FixedClock
        from mlprep.services.study import StudySession

        self.path, self.synchronous = path, synchronous
        self.store = self._open()
        for sql in what_if:  # --what-if: a schema change tried on this side's copy only, after its migrations
            self.store.db.conn.execute(sql)
        self.session = StudySession(self.store, FixedClock(NOW), settings=_big_settings())
        self.session.next_card()
        self.answered = 0

    def _open(self) -> Any:
        from mlprep.storage.collection_db import open_collection_db

        store = open_collection_db(self.path)
        if self.synchronous is not None:
            store.db.execute(f"PRAGMA synchronous = {self.synchronous}")
        return store

    def answer(self, n: int) -> dict[str, list[float]]:
        from mlprep.core.models import Button

        grades = [Button.GOOD, Button.EASY, Button.HARD, Button.GOOD]
        answer_next, cpu, idle = [], [], []
        session = self.session
        for _ in range(n):
            grade = grades[self.answered % 4]
            cpu_start = time.process_time()
            start = time.perf_counter()
            session.answer(grade)
            session.next_card()
            end = time.perf_counter()
            cpu.append(ms(time.process_time() - cpu_start))
            answer_next.append(ms(end - start))
            self.answered += 1
            start = time.perf_counter()
            session.idle()  # what the review screen does once the card is on screen
            idle.append(ms(time.perf_counter() - start))
        return {"answer_next": answer_next, "answer_next_cpu": cpu, "idle": idle}

    def counts(self, n: int) -> dict[str, list[float]]:
        from mlprep.core.clock import day_start, study_day
        from mlprep.services.overview import deck_overview

        today = study_day(NOW)
        settings = _big_settings()
        return {"counts": timed(lambda: deck_overview(self.store, settings, today, day_start(today)), n)}


def reopen_mlprep(path: Path, n: int) -> list[float]:
    """Open and close the collection ``n`` times in this (warm) process."""
    from mlprep.storage.collection_db import open_collection_db

    open_collection_db(path).close()  # the imports
    return timed(lambda: open_collection_db(path).close(), n)


# -- Anki (in a worker) --------------------------------------------------------------------------

def build_anki(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    from anki.collection import AddNoteRequest, Collection

    col = Collection(str(path))
    model = col.models.by_name("Basic")
    per_deck = n_cards // DECKS
    requests = []
    for d in range(DECKS):
        did = col.decks.id(f"Bench::Deck {d:03d}")
        for i in range(per_deck):
            note = col.new_note(model)
            note["Front"], note["Back"] = f"Question {d}/{i}?", f"Answer {d}/{i}."
            requests.append(AddNoteRequest(note=note, deck_id=did))
    col.add_notes(requests)
    conf = col.decks.config_dict_for_deck_id(col.decks.id("Bench::Deck 000"))  # shared by every deck
    conf["new"]["perDay"], conf["rev"]["perDay"] = 9999, 9999
    col.decks.update_config(conf)
    col.decks.select(col.decks.id("Bench"))  # study the whole tree, as mlprep's "all decks"
    today = col.sched.today
    card_ids = col.db.list("select id from cards")
    updates = []
    for cid in card_ids:
        roll = rng.random()
        if roll < NEW_SHARE:
            continue
        due = today - rng.randint(0, 30) if roll < NEW_SHARE + DUE_SHARE else today + rng.randint(1, 300)
        updates.append((due, cid))
    col.db.executemany("update cards set type = 2, queue = 2, ivl = 15, factor = 2500, reps = 10, due = ? "
                       "where id = ?", updates)
    base = int((NOW.timestamp() - 10**6 * 60) * 1000)
    revlog = ((base + i, rng.choice(card_ids), -1, rng.randint(1, 4), 15, 6, 2500, 5000, 1)
              for i in range(n_reviews))
    col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "values (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(revlog))
    col.close()


class AnkiSide:
    """One open Anki collection and its v3 queue (in a worker process)."""

    def __init__(self, path: Path, synchronous: str | None) -> None:
        from anki.collection import Collection

        self.path = path
        self.col = Collection(str(path))
        if synchronous is not None:
            self.col.db.execute(f"pragma synchronous = {synchronous}")
        self.top = self.col.sched.get_queued_cards().cards[0]
        self.answered = 0

    def answer(self, n: int) -> dict[str, list[float]]:
        from anki.cards import Card as AnkiCard
        from anki.scheduler.v3 import CardAnswer

        ratings = [CardAnswer.GOOD, CardAnswer.EASY, CardAnswer.HARD, CardAnswer.GOOD]
        col, answer_next, cpu = self.col, [], []
        for _ in range(n):
            rating = ratings[self.answered % 4]
            cpu_start = time.process_time()
            start = time.perf_counter()
            card = AnkiCard(col, backend_card=self.top.card)
            card.start_timer()
            col.sched.answer_card(col.sched.build_answer(card=card, states=self.top.states, rating=rating))
            self.top = col.sched.get_queued_cards().cards[0]
            end = time.perf_counter()
            cpu.append(ms(time.process_time() - cpu_start))
            answer_next.append(ms(end - start))
            self.answered += 1
        return {"answer_next": answer_next, "answer_next_cpu": cpu}

    def counts(self, n: int) -> dict[str, list[float]]:
        return {"counts": timed(self.col.sched.deck_due_tree, n)}


def reopen_anki(path: Path, n: int) -> list[float]:
    """Open and close the collection ``n`` times in this (warm) process."""
    from anki.collection import Collection

    Collection(str(path)).close()  # the imports
    return timed(lambda: Collection(str(path)).close(), n)


# -- UI (in a worker) ----------------------------------------------------------------------------

def bench_ui(path: Path, answers: int, synchronous: str | None) -> list[float]:
    """The review screen: key 3 (Good) on a revealed card -> the next card's front set."""
    from PySide6.QtWidgets import QApplication

    from mlprep.core.clock import FixedClock
    from mlprep.services.study import StudySession
    from mlprep.storage.collection_db import open_collection_db
    from mlprep.ui.review_view import ReviewView

    app = QApplication.instance() or QApplication(sys.argv)
    store = open_collection_db(path)
    if synchronous is not None:
        store.db.execute(f"PRAGMA synchronous = {synchronous}")
    view = ReviewView()
    view.resize(1000, 700)
    view.show()
    view.start(StudySession(store, FixedClock(NOW + timedelta(days=400)), settings=_big_settings()))
    out = []
    for _ in range(answers):
        view.reveal()
        app.processEvents()
        start = time.perf_counter()
        view.grade(4)
        app.processEvents()
        out.append(ms(time.perf_counter() - start))
    store.db.close()
    return out


def _serve(kind: str, path: Path, synchronous: str | None, what_if: Sequence[str] = ()) -> None:
    """A worker's loop: one JSON command a line on stdin (``{"op": "answer"|"counts", "n": N}``),
    one JSON object of timings a line on stdout."""
    side: MlprepSide | AnkiSide = (MlprepSide(path, synchronous, what_if) if kind == "mlprep"
                                   else AnkiSide(path, synchronous))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        result = {"answer": side.answer, "counts": side.counts}[command["op"]](command["n"])
        print(json.dumps(result), flush=True)


def _worker_main(args: argparse.Namespace) -> None:
    kind, path, *rest = args.worker
    if kind == "build-mlprep":
        build_mlprep(Path(path), int(rest[0]), int(rest[1]), random.Random(7))
    elif kind == "build-anki":
        build_anki(Path(path), int(rest[0]), int(rest[1]), random.Random(7))
    elif kind in ("open-mlprep", "open-anki"):
        reopen = reopen_mlprep if kind == "open-mlprep" else reopen_anki
        print(json.dumps({"open": reopen(Path(path), int(rest[0]))}), flush=True)
    elif kind == "ui":
        print(json.dumps({"ui": bench_ui(Path(path), int(rest[0]), args.synchronous)}), flush=True)
    else:
        _serve(kind, Path(path), args.synchronous, args.what_if)


# -- the parent ------------------------------------------------------------------------------------

class Worker:
    """A side's worker process (``python bench_session.py --worker KIND DB``), with ``src`` first on its path."""

    def __init__(self, src: Path, kind: str, path: Path, synchronous: str | None, what_if: Sequence[str] = ()) -> None:
        sync = ["--synchronous", synchronous] if synchronous else []
        sync += [arg for sql in what_if for arg in ("--what-if", sql)]
        self.proc = subprocess.Popen([sys.executable, __file__, *sync, "--worker", kind, str(path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(src))
        self.ask_raw()  # {"ready": true}: the collection is open and the first card picked

    def ask_raw(self, command: dict[str, Any] | None = None) -> dict[str, Any]:
        return ask_worker(self.proc, command)

    def ask(self, op: str, n: int) -> dict[str, list[float]]:
        return self.ask_raw({"op": op, "n": n})

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.proc.stdin.close()
        self.proc.wait()


def _env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src)}


def _run_once(src: Path, *worker: str, synchronous: str | None = None) -> str:
    sync = ["--synchronous", synchronous] if synchronous else []
    out = subprocess.run([sys.executable, __file__, *sync, "--worker", *worker], check=True, capture_output=True,
                         text=True, env=_env(src))
    return out.stdout


def _collection(target: Path, given: Path | None, build: list[str], src: Path) -> None:
    started = time.perf_counter()
    if given is not None:
        shutil.copyfile(given, target)
    else:
        _run_once(src, build[0], str(target), *build[1:])
    print(f"{target.name}: {'copied' if given else 'built'} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def alternate_blocks(workers: dict[str, Worker], op: str, total: int, block: int) -> dict[str, dict[str, list[float]]]:
    """Run ``op`` on every worker ``block`` at a time until each has done ``total``, the order of the sides
    turning by one each round (A B C, B C A, ...)."""
    out: dict[str, dict[str, list[float]]] = {name: {} for name in workers}
    names = list(workers)
    done, round_ = 0, 0
    while done < total:
        n = min(block, total - done)
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            for key, values in workers[name].ask(op, n).items():
                out[name].setdefault(key, []).extend(values)
        done += n
        round_ += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--block", type=int, default=100, help="answers per side before the next side's turn")
    parser.add_argument("--no-anki", action="store_true")
    parser.add_argument("--no-ui", action="store_true")
    parser.add_argument("--dir", type=Path, default=None, help="where the collections go (e.g. /dev/shm/x: tmpfs)")
    parser.add_argument("--synchronous", default=None, choices=["OFF", "NORMAL", "FULL"],
                        help="the same PRAGMA synchronous on every side (default: each side's shipped one)")
    parser.add_argument("--baseline", type=Path, default=None, help="a src folder of the version to compare with")
    parser.add_argument("--mlprep-db", type=Path, default=None,
                        help="a built mlprep collection to copy (of the baseline's schema when --baseline is given)")
    parser.add_argument("--anki-db", type=Path, default=None, help="a built Anki collection to copy")
    parser.add_argument("--what-if", action="append", default=[], metavar="SQL",
                        help="a statement run on this version's copy after it opens (e.g. DROP INDEX ...), to "
                             "measure a schema change against the others; repeatable")
    parser.add_argument("--worker", nargs="+", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker_main(args)
        return
    sync = args.synchronous
    oldest = args.baseline.resolve() if args.baseline else SRC
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        built = root / "built.sqlite3"
        _collection(built, args.mlprep_db, ["build-mlprep", str(args.cards), str(args.reviews)], oldest)
        sides: dict[str, tuple[Path, str, Path]] = {"mlprep": (SRC, "mlprep", root / "mlprep.sqlite3")}
        if args.baseline:
            sides["baseline"] = (args.baseline.resolve(), "mlprep", root / "baseline.sqlite3")
        if not args.no_anki:
            anki = root / "anki.anki2"
            _collection(anki, args.anki_db, ["build-anki", str(args.cards), str(args.reviews)], SRC)
            sides["anki"] = (SRC, "anki", anki)
        for _src, kind, path in sides.values():
            if kind == "mlprep":
                shutil.copyfile(built, path)
        workers = {name: Worker(src, kind, path, sync, args.what_if if name == "mlprep" else ())
                   for name, (src, kind, path) in sides.items()}
        results = alternate_blocks(workers, "answer", args.answers, args.block)
        for name, values in alternate_blocks(workers, "counts", 30, 5).items():
            results[name].update(values)
        for worker in workers.values():
            worker.close()  # Anki holds its file exclusively: close every session before the reopening
        for _ in range(5):
            for name, (src, kind, path) in sides.items():
                out = json.loads(_run_once(src, f"open-{kind}", str(path), "2").splitlines()[-1])
                results[name].setdefault("open", []).extend(out["open"])
        ui = None if args.no_ui else json.loads(_run_once(
            SRC, "ui", str(sides["mlprep"][2]), str(min(300, args.answers)), synchronous=sync).splitlines()[-1])["ui"]
        where = conditions(root, synchronous=sync or "each side's shipped (FULL both)")
    _print(args, results, ui, where)


def _print(args: argparse.Namespace, results: dict[str, dict[str, list[float]]], ui: list[float] | None,
           where: str) -> None:
    names = list(results)
    rows = [("answer + next card, p50", "answer_next", 50), ("answer + next card, p95", "answer_next", 95),
            ("answer + next card, p99", "answer_next", 99),
            ("answer + next card, CPU time, p50", "answer_next_cpu", 50),
            ("answer + next card, CPU time, p95", "answer_next_cpu", 95), ("deck list counts, median", "counts", 50),
            ("open collection, median", "open", 50)]
    heads = {"mlprep": "mlprep", "baseline": f"baseline ({args.baseline})", "anki": f"Anki {_anki_version()}"}
    ratios = [f"{a}/{b}" for a, b in (("mlprep", "anki"), ("mlprep", "baseline"), ("baseline", "anki"))
              if a in results and b in results]
    print(f"| {args.cards:,} cards, {args.reviews:,} log rows (ms) | " + " | ".join(heads[n] for n in names)
          + "".join(f" | {r}" for r in ratios) + " |")
    print("|---|" + "---:|" * (len(names) + len(ratios)))
    for label, key, p in rows:
        values = {n: percentile(results[n][key], p) for n in names}
        cells = [f"{values[n]:.3f}" for n in names]
        cells += [f"{values[a] / values[b]:.2f}" for a, b in (r.split("/") for r in ratios)]
        print(f"| {label} | " + " | ".join(cells) + " |")
    for name in names:
        idle = results[name].get("idle")
        if idle:
            checkpoints = sorted(v for v in idle if v > 0.05)
            print(f"| {name}: idle time after a card is shown (checkpoints: {len(checkpoints)} of {len(idle)}), "
                  f"p50 / max | {statistics.median(idle):.3f} / {max(idle):.3f} |")
    if ui is not None:
        print(f"| mlprep: review screen, answer → next card shown, p50 / p99 | {statistics.median(ui):.2f} / "
              f"{percentile(ui, 99):.2f} |")
    print(f"\n{args.answers} answers per side in blocks of {args.block}, alternating; conditions: {where}")
    if args.what_if:
        print("mlprep's copy, after its migrations: " + "; ".join(args.what_if))


def _anki_version() -> str:
    try:
        from importlib.metadata import version
        return version("anki")
    except Exception:
        return "(not installed)"


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # Anki's extension and PySide6 together can crash while the interpreter tears down
    # ("none_dealloc"); every figure is printed by now, so leave without that teardown.
    os._exit(0)
