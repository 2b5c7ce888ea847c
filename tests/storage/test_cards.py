"""Storage round trips: decks in, progress and review log out, through a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path, PurePath

from mlprep.core.models import Card, CardId, CardProgress, Deck, DeckId, ReviewKind, ReviewLogEntry
from mlprep.core.study_settings import LimitKind, ScopeKind, StudyScope
from mlprep.storage import study_queries as q
from mlprep.storage.cards import CardStore
from mlprep.storage.db import checkpoint, open_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def make_deck(*cards: tuple[str, str, str]) -> Deck:
    return Deck(id=DeckId("d"), title="D", area="math", path=PurePath("d.md"), cards=tuple(
        Card(id=CardId(i), deck=DeckId("d"), front=f, back=b, tags=("t",), source="s") for i, f, b in cards))


def test_migrations_create_the_schema_wal_and_the_due_index(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.sqlite3")
    assert {"decks", "cards", "review_log"} <= set(db.table_names())
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: an acknowledged answer survives a power cut
    plan = " ".join(str(r) for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM cards WHERE (due IS NULL) = 0 AND due <= '2026-01-01' ORDER BY due "
        "LIMIT 20").fetchall())  # a due range names idx_cards_browse's first column (m011)
    assert "idx_cards_browse" in plan and "SCAN cards" not in plan and "TEMP B-TREE" not in plan


def test_answer_round_trips_through_a_reopened_file(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = CardStore(open_db(path))
    assert store.save_deck(make_deck(("c1", "F", "B")), NOW) == {"added": 1, "updated": 0, "unchanged": 0,
                                                                 "removed": 0}
    after = CardProgress(CardId("c1"), repetitions=1, easiness=2.5, interval=1, due=date(2026, 3, 11), reviews=1)
    entry = ReviewLogEntry(card_id=CardId("c1"), reviewed_at=NOW, quality=4, kind=ReviewKind.NEW,
                           repetitions_before=0, repetitions_after=1, interval_before=0, interval_after=1,
                           easiness_before=2.5, easiness_after=2.5, due_before=None, due_after=date(2026, 3, 11),
                           answer_ms=4200)
    log_id = store.record_answer(after, entry)
    store.db.close()

    reopened = CardStore(open_db(path))
    assert reopened.progress(CardId("c1")) == after
    assert reopened.review_log(CardId("c1")) == [ReviewLogEntry(**{**entry.__dict__, "id": log_id})]
    assert reopened.card(CardId("c1")).front == "F"


def test_due_and_new_queries_respect_day_scope_suspension_and_burial(tmp_path: Path) -> None:
    store = CardStore(open_db(None))
    store.save_deck(make_deck(("c1", "F1", "B"), ("c2", "F2", "B"), ("c3", "F3", "B"), ("c4", "F4", "B")), NOW)
    assert store.set_new_ranks({CardId(f"c{i}"): i for i in range(1, 5)}) == 4
    assert store.set_new_ranks({CardId("c1"): 1, CardId("c2"): 2}) == 0  # unchanged ranks are not written
    store.db.execute("UPDATE cards SET due = '2026-03-09', reviews = 1 WHERE id = 'c1'")
    store.db.execute("UPDATE cards SET due = '2026-03-11', reviews = 1 WHERE id = 'c2'")
    day, all_decks = date(2026, 3, 10), StudyScope()
    assert q.StudyQueries(store.db).next_due(day, all_decks) == ("c1", "d")
    assert q.StudyQueries(store.db).next_due(date(2026, 3, 8), all_decks) is None
    assert q.StudyQueries(store.db).next_due(day, StudyScope(ScopeKind.DECK, "other")) is None
    assert q.StudyQueries(store.db).next_new(day, all_decks) == ("c3", "d")
    assert q.StudyQueries(store.db).next_new(day, all_decks, blocked=[DeckId("d")]) is None
    assert q.StudyQueries(store.db).available_by_deck(day, all_decks) == {"d": {LimitKind.NEW: 2, LimitKind.REVIEW: 1}}
    store.db.execute("UPDATE cards SET suspended = 1 WHERE id = 'c1'")
    store.db.execute("UPDATE cards SET buried_until = '2026-03-11' WHERE id = 'c3'")
    assert q.StudyQueries(store.db).next_due(day, all_decks) is None
    assert q.StudyQueries(store.db).next_new(day, all_decks) == ("c4", "d")
    (counts,) = store.deck_counts(date(2026, 3, 11))
    assert (counts.new, counts.due, counts.total) == (2, 1, 4)
    (counts,) = store.deck_counts(day)
    assert (counts.new, counts.due) == (1, 0)
    assert store.next_due_day() == date(2026, 3, 11)


def test_next_new_and_deck_counts_use_indexes_not_table_scans() -> None:
    db = open_db(None)
    plans = []
    for sql in ("SELECT c.id FROM cards c INDEXED BY idx_cards_new WHERE c.due IS NULL AND c.present = 1 "
                "AND c.suspended = 0 ORDER BY c.deck_id, c.position LIMIT 1",
                "SELECT COUNT(*) FROM cards c WHERE c.deck_id = 'd' AND c.present = 1 AND c.suspended = 0 "
                "AND c.due <= '2026-01-01'"):
        plans.append(" ".join(str(r) for r in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()))
    assert "SCAN c USING" in plans[0] and "idx_cards_new" in plans[0]
    assert "COVERING INDEX idx_cards_stats" in plans[1]


def test_all_tags_and_deck_leaves() -> None:
    store = CardStore(open_db(None))
    deck = make_deck(("c1", "F", "B"))
    store.save_deck(Deck(id=deck.id, title="D", area="math", leaf="1.1", path=deck.path, cards=deck.cards), NOW)
    store.db.execute("UPDATE cards SET user_tags = '[\"leech\"]' WHERE id = 'c1'")
    assert store.all_tags() == ["leech", "t"]
    assert store.deck_leaves() == {"d": "1.1"}


def wal_pending(store: CardStore) -> int:
    """Frames in the write-ahead log not yet copied into the database file (checkpointing
    what it can, which is why the test asks only after the checkpoint under test)."""
    _busy, log, done = store.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(log - done)


def test_answers_stay_in_the_wal_until_the_idle_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = CardStore(open_db(path))
    store.save_deck(make_deck(("c1", "F", "B")), NOW)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()

    def answer(i: int) -> None:
        after = CardProgress(CardId("c1"), repetitions=i, easiness=2.5, interval=i, due=date(2026, 3, 11), reviews=i)
        store.record_answer(after, ReviewLogEntry(
            card_id=CardId("c1"), reviewed_at=NOW, quality=4, kind=ReviewKind.REVIEW, repetitions_before=i,
            repetitions_after=i + 1, interval_before=i, interval_after=i + 1, easiness_before=2.5,
            easiness_after=2.5, due_before=None, due_after=date(2026, 3, 11), answer_ms=1000 + i))

    for i in range(CardStore.CHECKPOINT_AFTER_ANSWERS - 1):
        answer(i)
        assert not store.checkpoint_if_due()
    assert path.read_bytes() == before  # every answer so far is in the log only
    answer(99)
    assert store.checkpoint_if_due()
    assert path.read_bytes() != before and wal_pending(store) == 0
    assert not store.checkpoint_if_due()  # the count starts again


def test_no_checkpoint_inside_a_transaction_or_in_memory(tmp_path: Path) -> None:
    assert not checkpoint(open_db(None))
    db = open_db(tmp_path / "c.sqlite3")
    db.execute("BEGIN")
    db.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
    assert not checkpoint(db)
    db.execute("COMMIT")
    assert checkpoint(db)
