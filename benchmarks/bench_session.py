"""Session speed on a large collection, mlprep against Anki's own library.

    python benchmarks/bench_session.py [--cards 100000] [--reviews 1000000] [--answers 2000]

Builds a synthetic collection of ``--cards`` cards in 100 decks with ``--reviews``
review-log rows through mlprep's storage, and an equal collection with Anki's library
(``pip install ".[bench]"``). Then, on each, measures: answer + next card at the service
level (p50, p99 over ``--answers`` answers; mlprep's idle-time upkeep, which the review
screen runs once the next card is shown, is timed apart), the deck list's counts, and opening
the collection. Prints a Markdown table with the ratio mlprep / Anki. Also measures the review
screen's answer -> next card shown (Qt offscreen). Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import DECKS, NOW, build_session_collection, conditions, ms, percentile, timed

from mlprep.core.clock import FixedClock, day_start, study_day
from mlprep.core.models import Button
from mlprep.core.study_settings import StudySettings
from mlprep.services.overview import deck_overview
from mlprep.services.study import StudySession
from mlprep.storage.collection_db import CollectionDb, open_collection_db

__all__ = ["ms", "percentile"]  # bench_stats used to import them from here
DUE_SHARE = 0.10  # 10 % of cards due today or overdue, like a busy day (harness.build_session_collection)
NEW_SHARE = 0.10  # 10 % never reviewed
BIG = StudySettings(new_per_day=9999, reviews_per_day=99999)
SYNCHRONOUS: str | None = None
"""``--synchronous``: the same setting on both sides; ``None`` keeps each side's shipped one (both FULL)."""


# -- mlprep ---------------------------------------------------------------------------------

def build_mlprep(path: Path, n_cards: int, n_reviews: int, rng: random.Random) -> None:
    build_session_collection(path, n_cards, n_reviews, rng)


def _open(path: Path) -> CollectionDb:
    store = open_collection_db(path)
    if SYNCHRONOUS is not None:
        store.db.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    return store


def bench_mlprep(path: Path, answers: int) -> dict[str, list[float]]:
    clock = FixedClock(NOW)
    store = _open(path)
    session = StudySession(store, clock, settings=BIG)
    session.next_card()
    answer_next, idle = [], []
    grades = [Button.GOOD, Button.EASY, Button.HARD, Button.GOOD]
    for i in range(answers):
        start = time.perf_counter()
        session.answer(grades[i % 4])
        session.next_card()
        answer_next.append(ms(time.perf_counter() - start))
        start = time.perf_counter()
        session.idle()  # what the review screen does once the card is on screen
        idle.append(ms(time.perf_counter() - start))
    today = study_day(NOW)
    counts = timed(lambda: deck_overview(store, BIG, today, day_start(today)), 30)
    store.db.close()

    def reopen() -> None:
        open_collection_db(path).close()
    opening = timed(reopen, 10)
    return {"answer_next": answer_next, "idle": idle, "counts": counts, "open": opening}


# -- Anki -------------------------------------------------------------------------------------

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


def bench_anki(path: Path, answers: int) -> dict[str, list[float]]:
    from anki.cards import Card as AnkiCard
    from anki.collection import Collection
    from anki.scheduler.v3 import CardAnswer

    col = Collection(str(path))
    if SYNCHRONOUS is not None:
        col.db.execute(f"pragma synchronous = {SYNCHRONOUS}")
    ratings = [CardAnswer.GOOD, CardAnswer.EASY, CardAnswer.HARD, CardAnswer.GOOD]
    top = col.sched.get_queued_cards().cards[0]
    answer_next = []
    for i in range(answers):
        start = time.perf_counter()
        card = AnkiCard(col, backend_card=top.card)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=ratings[i % 4]))
        top = col.sched.get_queued_cards().cards[0]
        answer_next.append(ms(time.perf_counter() - start))
    counts = timed(col.sched.deck_due_tree, 30)
    col.close()

    def reopen() -> None:
        Collection(str(path)).close()
    opening = timed(reopen, 10)
    return {"answer_next": answer_next, "counts": counts, "open": opening}


# -- UI ---------------------------------------------------------------------------------------

def bench_ui(path: Path, answers: int) -> list[float]:
    """The review screen: key 3 (Good) on a revealed card -> the next card's front set."""
    from PySide6.QtWidgets import QApplication

    from mlprep.ui.review_view import ReviewView

    app = QApplication.instance() or QApplication(sys.argv)
    store = _open(path)
    view = ReviewView()
    view.resize(1000, 700)
    view.show()
    view.start(StudySession(store, FixedClock(NOW + timedelta(days=400)), settings=BIG))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--no-anki", action="store_true")
    parser.add_argument("--dir", type=Path, default=None, help="where the collections go (e.g. /dev/shm/x: tmpfs)")
    parser.add_argument("--synchronous", default=None, choices=["OFF", "NORMAL", "FULL"],
                        help="the same PRAGMA synchronous on both sides (default: each side's shipped one)")
    parser.add_argument("--mlprep-db", type=Path, default=None, help="a built mlprep collection to copy")
    parser.add_argument("--anki-db", type=Path, default=None, help="a built Anki collection to copy")
    args = parser.parse_args()
    global SYNCHRONOUS
    SYNCHRONOUS = args.synchronous
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        mine, theirs = Path(tmp) / "mlprep.sqlite3", Path(tmp) / "anki.anki2"
        t = time.perf_counter()
        if args.mlprep_db:
            shutil.copyfile(args.mlprep_db, mine)
        else:
            build_mlprep(mine, args.cards, args.reviews, random.Random(7))
        print(f"built mlprep collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        m = bench_mlprep(mine, args.answers)
        a = None
        if not args.no_anki:
            t = time.perf_counter()
            if args.anki_db:
                shutil.copyfile(args.anki_db, theirs)
            else:
                build_anki(theirs, args.cards, args.reviews, random.Random(7))
            print(f"built Anki collection in {time.perf_counter() - t:.1f} s", file=sys.stderr)
            a = bench_anki(theirs, args.answers)
        ui = bench_ui(mine, min(300, args.answers))
        where = conditions(Path(tmp), synchronous=SYNCHRONOUS or "FULL both (shipped)")
    rows = [("answer + next card, p50", "answer_next", 50), ("answer + next card, p99", "answer_next", 99),
            ("deck list counts, median", "counts", 50), ("open collection, median", "open", 50)]
    print(f"| {args.cards:,} cards, {args.reviews:,} review-log rows | mlprep (ms) | Anki {_anki_version()} (ms) "
          "| ratio mlprep/Anki |")
    print("|---|---:|---:|---:|")
    for label, key, p in rows:
        mv = percentile(m[key], p)
        if a is not None:
            av = percentile(a[key], p)
            print(f"| {label} | {mv:.3f} | {av:.3f} | {mv / av:.2f} |")
        else:
            print(f"| {label} | {mv:.3f} | – | – |")
    checkpoints = sorted(v for v in m["idle"] if v > 0.05)
    print(f"| idle time after a card is shown (checkpoints: {len(checkpoints)} of {len(m['idle'])}), p50 / max | "
          f"{statistics.median(m['idle']):.3f} / {max(m['idle']):.3f} | – | – |")
    print(f"| review screen: answer → next card shown, p50 / p99 | {statistics.median(ui):.2f} / "
          f"{percentile(ui, 99):.2f} | – | – |")
    print(f"\nconditions: {where}")


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
