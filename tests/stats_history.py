"""Hand-built review histories for the statistics tests (storage, services, CLI, GUI).

Times are UTC and the rollover hour is 4, so with ``tz=UTC`` study day D runs from
D 04:00 to D+1 04:00 UTC. The ``clock`` fixture's "now" is 2026-03-10 12:00 UTC (study day
2026-03-10).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlite_utils import Database

from mlprep.services.collection import open_collection
from mlprep.storage.collection_db import CollectionDb
from mlprep.storage.log_codec import KIND_CODES, day_number, iso_us
from tests.helpers import storage_of

TODAY = date(2026, 3, 10)


def at(text: str) -> str:
    """``"2026-03-09 10:00"`` -> the stored ISO form of that UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat()


def log(db: Database, card: str, when: str, quality: int, kind: str = "review", *, reps: int = 1,
        interval: int = 5, due: str | None = "2026-03-01", ms: int = 5000) -> None:
    """Append one review-log row as the app would store it (``when`` in UTC, see :func:`at`; in the
    log's stored forms since m010, :mod:`mlprep.storage.log_codec`)."""
    db.execute(
        "INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, repetitions_after, "
        "interval_before, interval_after, easiness_before, easiness_after, due_before, due_after, answer_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 2.5, 2.5, ?, NULL, ?)",
        [card, iso_us(at(when)), quality, KIND_CODES[kind], reps, reps + 1, interval, interval * 2,
         None if due is None else day_number(date.fromisoformat(due)), ms])


def set_card(db: Database, card: str, *, reps: int, interval: int, due: str | None, ef: float = 2.5,
             lapses: int = 0, suspended: bool = False) -> None:
    db.execute("UPDATE cards SET repetitions = ?, interval = ?, due = ?, easiness = ?, lapses = ?, suspended = ? "
               "WHERE id = ?", [reps, interval, due, ef, lapses, int(suspended), card])


def collection(data_dir: Path, deck_dir: Path, clock: object) -> CollectionDb:
    """A collection with the test decks: Deck A (math: a-one, a-two, a-three) and Deck B
    (sql: b-one, b-two), no history."""
    return storage_of(open_collection(data_dir, clock, [deck_dir]))  # type: ignore[arg-type]


def retention_history(db: Database) -> None:
    """Two study days of reviews with drill repeats, a same-day repeat review, cram, a new
    card, the 20/21-day line and a rollover-hour boundary; plus one review in January.

    Known answers (period 30 days): true retention young 3/5 (a-one 9th pass, b-one 9th pass,
    b-one 8th fail, b-two 8th fail, b-two 9th pass), mature 2/3 (a-two 9th fail, a-one 8th
    pass at interval 21, a-two 8th pass; its second review that day is not counted).
    Per deck: A 3/4, B 2/4. 9 March by type: new 1, learning 3, young 3, mature 1.
    """
    # 9 March (study day): first reviews, their drill repeats, a repeat answered ahead, cram, new.
    log(db, "a-one", "2026-03-09 08:00", 4, interval=5)                        # young pass
    log(db, "a-one", "2026-03-09 08:05", 2, "drill", interval=1)              # drill: not retention
    log(db, "a-two", "2026-03-09 08:10", 2, interval=25)                       # mature fail
    log(db, "a-two", "2026-03-09 08:15", 4, "drill", reps=0, interval=1)      # drill
    log(db, "b-one", "2026-03-09 08:20", 5, interval=20)                       # young pass (20 < 21)
    log(db, "b-one", "2026-03-09 09:00", 1, interval=20, due="2026-03-10")    # repeat, ahead: not counted
    log(db, "b-two", "2026-03-09 05:00", 4, reps=0, interval=1, due="2026-03-09")  # learning type, young pass
    log(db, "b-two", "2026-03-09 09:30", 1, "cram", interval=1)               # cram: nowhere but today/CSV
    log(db, "a-three", "2026-03-09 09:40", 3, "new", reps=0, interval=0, due=None)  # new
    # 8 March (study day): the 21-day line, two reviews of a card with no due date, rollover.
    log(db, "a-one", "2026-03-08 10:00", 3, interval=21)                       # mature pass (21)
    log(db, "b-one", "2026-03-08 10:05", 2, interval=20)                       # young fail
    log(db, "a-two", "2026-03-08 10:10", 5, interval=30, due=None)             # mature pass
    log(db, "a-two", "2026-03-08 10:20", 0, interval=30, due=None)             # second that day: not counted
    log(db, "b-two", "2026-03-09 03:30", 2, interval=3)                        # 03:30 UTC = study day 8th, young fail
    # Long ago: outside a 30-day period.
    log(db, "a-one", "2026-01-05 10:00", 5, interval=3)


def card_states(db: Database) -> None:
    """a-one learning (overdue since 5 March), a-two young (20 days, due today), a-three mature
    (21 days, due on the 12th), b-one new, b-two suspended (due tomorrow)."""
    set_card(db, "a-one", reps=0, interval=1, due="2026-03-05", ef=2.0, lapses=2)
    set_card(db, "a-two", reps=3, interval=20, due="2026-03-10", ef=2.5)
    set_card(db, "a-three", reps=2, interval=21, due="2026-03-12", ef=2.8, lapses=1)
    set_card(db, "b-two", reps=4, interval=30, due="2026-03-11", ef=1.3, lapses=3, suspended=True)
