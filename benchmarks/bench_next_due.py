"""The next-due pick and answer + next card with the cards' due index on ``(due)`` against ``(due, id)``.

    python benchmarks/bench_next_due.py --db PATH [--picks 3000] [--answers 1000] [--dir DIR]

``--db`` is a built collection (e.g. ``harness.build_session_collection``: 100k cards, 1M review-log rows).
Two copies are made under ``--dir`` (the same file system, so both see the same disk or tmpfs): one whose
due index is ``idx_cards_due (due)`` (m001's), one whose is ``idx_cards_due_id (due, id)`` (m008's), each
with nothing else changed. Prints SQLite's query plan of the pick on each, then, alternating between the
copies: the pick (``StudyQueries.next_due``, read only) and answer + next card (``StudySession``), p50 /
p95 / max in ms. Both copies run with the app's ``synchronous`` setting (FULL) unless ``--synchronous``.
Not a test: timings belong here.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import NOW, conditions, summary, timed
from sqlite_utils import Database

from mlprep.core.clock import FixedClock, study_day
from mlprep.core.models import Button
from mlprep.core.study_settings import ALL_DECKS, StudySettings
from mlprep.services.study import StudySession
from mlprep.storage.collection_db import CollectionDb
from mlprep.storage.study_queries import StudyQueries

BIG = StudySettings(new_per_day=9999, reviews_per_day=99999)
PICK = ("SELECT c.id, c.deck_id FROM cards c WHERE c.due <= :today AND c.present = 1 AND c.suspended = 0 AND "
        "(c.buried_until IS NULL OR c.buried_until <= :today) ORDER BY c.due, c.id LIMIT 1")
VARIANTS = {
    "index (due)": ["DROP INDEX IF EXISTS idx_cards_due_id",
                    "CREATE INDEX IF NOT EXISTS idx_cards_due ON cards(due) WHERE due IS NOT NULL"],
    "index (due, id)": ["DROP INDEX IF EXISTS idx_cards_due",
                        "CREATE INDEX IF NOT EXISTS idx_cards_due_id ON cards(due, id) WHERE due IS NOT NULL"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--picks", type=int, default=3000)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--synchronous", default="FULL", choices=["OFF", "NORMAL", "FULL"])
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-next-due-", dir=args.dir))
    today = study_day(NOW)
    stores: dict[str, CollectionDb] = {}
    for name, statements in VARIANTS.items():
        path = root / f"{name.replace(' ', '').replace(',', '-')}.sqlite3"
        shutil.copyfile(args.db, path)
        db = Database(path)
        for sql in statements:
            db.execute(sql)
        db.execute("ANALYZE")
        db.execute(f"PRAGMA synchronous = {args.synchronous}")
        db.execute("PRAGMA journal_mode = WAL")
        stores[name] = CollectionDb(db, path)
        plan = db.execute(f"EXPLAIN QUERY PLAN {PICK}", {"today": today.isoformat()}).fetchall()
        print(f"{name}: " + "; ".join(row[-1] for row in plan))
    print(f"conditions: {conditions(root, synchronous=args.synchronous)}")
    picks: dict[str, list[float]] = {name: [] for name in stores}
    queries = {name: StudyQueries(store.db) for name, store in stores.items()}
    for _ in range(10):
        for name, query in queries.items():
            picks[name] += timed(lambda q=query: q.next_due(today, ALL_DECKS), args.picks // 10, warmup=5)
    sessions = {name: StudySession(store, FixedClock(NOW), settings=BIG) for name, store in stores.items()}
    for session in sessions.values():
        session.next_card()
    answers: dict[str, list[float]] = {name: [] for name in stores}
    grades = [Button.GOOD, Button.EASY, Button.HARD, Button.GOOD]
    for i in range(args.answers):
        for name, session in sessions.items():

            def answer(s: StudySession = session, grade: Button = grades[i % 4]) -> None:
                s.answer(grade)
                s.next_card()
            answers[name] += timed(answer, 1)
            session.idle()
    print("| figure (ms): p50 / p95 / max | " + " | ".join(stores) + " |")
    print("|---|" + "---:|" * len(stores))
    print("| next-due pick | " + " | ".join(summary(picks[n]) for n in stores) + " |")
    print("| answer + next card | " + " | ".join(summary(answers[n]) for n in stores) + " |")
    for store in stores.values():
        store.close()
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
