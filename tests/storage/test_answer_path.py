"""The review path's storage (issue 16): the pick reads the card it picks, and an answer is one transaction,
committed before ``record_answer`` returns (or a savepoint in a caller's transaction), rolled back whole
when SQLite refuses any part of it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path, PurePath

import pytest

from mlprep.core.models import Card, CardId, CardProgress, Deck, DeckId, ReviewKind, ReviewLogEntry
from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.storage.cards import CardStore
from mlprep.storage.db import open_db
from mlprep.storage.errors import WriteFailed
from mlprep.storage.log_codec import day_number
from mlprep.storage.study_queries import StudyQueries

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


def store_with_cards(path: Path | None = None) -> CardStore:
    store = CardStore(open_db(path))
    for deck_id, ids in (("d", ("c1", "c2", "c3")), ("e", ("e1", "e2"))):
        store.save_deck(Deck(id=DeckId(deck_id), title=deck_id.upper(), area="math", path=PurePath(f"{deck_id}.md"),
                             cards=tuple(Card(id=CardId(i), deck=DeckId(deck_id), front=f"front {i}", back=f"back {i}",
                                              tags=("t", "u") if i == "c2" else (), source="")
                                         for i in ids)), NOW)
    store.set_new_ranks({CardId(i): n for n, i in enumerate(("c1", "c2", "c3", "e1", "e2"))})
    return store


def answer_entry(card: str, due: date | None = date(2026, 3, 16)) -> ReviewLogEntry:
    return ReviewLogEntry(card_id=CardId(card), reviewed_at=NOW, quality=4, kind=ReviewKind.REVIEW,
                          repetitions_before=1, repetitions_after=2, interval_before=1, interval_after=6,
                          easiness_before=2.5, easiness_after=2.5, due_before=date(2026, 3, 9), due_after=due,
                          answer_ms=3100, due_sm2=due)


def test_the_due_pick_reads_the_card_and_its_state_as_card_and_progress_does() -> None:
    store = store_with_cards()
    store.db.execute("UPDATE cards SET due = '2026-03-09', repetitions = 2, interval = 6, easiness = 2.36, lapses = 1, "
                     "reviews = 4, user_tags = '[\"leech\"]', buried_until = '2026-03-08' WHERE id = 'c2'")
    store.db.execute("UPDATE cards SET due = '2026-03-10', reviews = 1 WHERE id = 'c3'")
    queries = StudyQueries(store.db)
    picked = queries.pick_due(TODAY, StudyScope())
    assert picked == store.card_and_progress(CardId("c2"))
    assert picked == (Card(id=CardId("c2"), deck=DeckId("d"), front="front c2", back="back c2", tags=("t", "u")),
                      CardProgress(CardId("c2"), repetitions=2, easiness=2.36, interval=6, due=date(2026, 3, 9),
                                   lapses=1, reviews=4, buried_until=date(2026, 3, 8), user_tags=("leech",)))
    assert queries.next_due(TODAY, StudyScope()) == ("c2", "d")
    assert queries.pick_due(TODAY, StudyScope(), blocked=[DeckId("d")]) is None
    assert queries.pick_due(date(2026, 3, 8), StudyScope()) is None


def test_the_new_pick_follows_the_introduction_order_scope_and_blocked_decks() -> None:
    store = store_with_cards()
    queries = StudyQueries(store.db)
    first = queries.pick_new(TODAY, StudyScope())
    assert first is not None and first[0].id == "c1" and first[1] == CardProgress(CardId("c1"), 0, 2.5, 0, None)
    in_e = queries.pick_new(TODAY, StudyScope(ScopeKind.DECK, "e"))
    assert in_e is not None and in_e[0].id == "e1"
    not_d = queries.pick_new(TODAY, StudyScope(), blocked=[DeckId("d")])
    assert not_d is not None and not_d[0].id == "e1"
    store.db.execute("UPDATE cards SET suspended = 1 WHERE id = 'c1'")
    again = queries.pick_new(TODAY, StudyScope())
    assert again is not None and again[0].id == "c2"  # the same scope's statement sees the change


def test_an_answer_is_committed_when_record_answer_returns(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = store_with_cards(path)
    after = CardProgress(CardId("c1"), repetitions=2, easiness=2.5, interval=6, due=date(2026, 3, 16), reviews=2)
    log_id = store.record_answer(after, answer_entry("c1"))
    assert not store.db.conn.in_transaction
    other = sqlite3.connect(path)  # another connection sees only what is committed
    assert other.execute("SELECT due, repetitions, last_review FROM cards WHERE id = 'c1'").fetchone() == (
        "2026-03-16", 2, NOW.isoformat())
    assert other.execute("SELECT id, quality, due_sm2 FROM review_log").fetchall() == [
        (log_id, 4, day_number(date(2026, 3, 16)))]  # the stored day number (m010)


def test_a_refused_log_row_stores_nothing_and_leaves_no_transaction_open() -> None:
    store = store_with_cards()
    before = store.progress(CardId("c1"))
    store.db.execute("CREATE TEMP TRIGGER refuse BEFORE INSERT ON review_log BEGIN SELECT RAISE(ABORT, 'refused'); END")
    after = CardProgress(CardId("c1"), repetitions=2, easiness=2.5, interval=6, due=date(2026, 3, 16), reviews=2)
    with pytest.raises(WriteFailed, match="refused"):
        store.record_answer(after, answer_entry("c1"))
    assert not store.db.conn.in_transaction
    assert store.progress(CardId("c1")) == before
    assert store.review_log() == []
    store.db.execute("DROP TRIGGER refuse")
    store.record_answer(after, answer_entry("c1"))
    assert store.progress(CardId("c1")) == after and len(store.review_log()) == 1


def test_inside_a_callers_transaction_an_answer_is_a_savepoint_of_it() -> None:
    store = store_with_cards()
    before = store.progress(CardId("c1"))
    after = CardProgress(CardId("c1"), repetitions=2, easiness=2.5, interval=6, due=date(2026, 3, 16), reviews=2,
                         user_tags=("leech",), suspended=True)
    with pytest.raises(RuntimeError), store.atomic():
        store.record_answer(after, answer_entry("c1"))
        assert store.db.conn.in_transaction  # the caller's transaction is still open
        assert store.progress(CardId("c1")) == after
        raise RuntimeError("the caller gives up")
    assert store.progress(CardId("c1")) == before and store.review_log() == []
