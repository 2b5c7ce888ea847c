"""The study session: order, limits, previews and what an answer stores."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId, ReviewKind
from mlprep.services.collection import open_collection
from mlprep.services.study import StudyLimits, StudySession


def test_new_cards_come_in_deck_order_and_answers_schedule_by_study_day(tmp_path: Path, deck_dir: Path,
                                                                          clock: FixedClock) -> None:
    col = open_collection(tmp_path / "d", clock, [deck_dir])
    session = StudySession(col.store, clock)
    assert session.remaining == 5
    assert session.next_card().id == "a-one"  # type: ignore[union-attr]
    clock.advance(seconds=7)
    result = session.answer(Button.GOOD)
    assert (result.progress.interval, result.progress.due) == (1, date(2026, 3, 11))
    (entry,) = col.store.review_log(CardId("a-one"))
    assert (entry.kind, entry.quality, entry.answer_ms, entry.easiness_after) == (ReviewKind.NEW, 4, 7000, 2.5)
    assert session.next_card().id == "a-two"  # type: ignore[union-attr]


def test_answer_time_is_capped_at_60_seconds(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    col = open_collection(tmp_path / "d", clock, [deck_dir])
    session = StudySession(col.store, clock)
    session.next_card()
    clock.advance(minutes=5)
    session.answer(Button.GOOD)
    assert col.store.review_log()[0].answer_ms == 60_000


def test_previews_equal_what_answering_gives(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    col = open_collection(tmp_path / "d", clock, [deck_dir])
    col.store.db.execute("UPDATE cards SET repetitions = 2, interval = 6, easiness = 2.36, due = '2026-03-10', "
                         "reviews = 2 WHERE id = 'b-one'")
    for button in Button:
        session = StudySession(col.store, clock)
        assert session.next_card().id == "b-one"  # type: ignore[union-attr]  (due cards come first)
        preview = session.previews()[button]
        col.store.db.execute("SAVEPOINT probe")
        assert session.answer(button).progress.interval == preview
        col.store.db.execute("ROLLBACK TO probe")
        col.store.db.execute("RELEASE probe")
    # SM-2 multiplies by the EF from before the answer: ceil(6 x 2.36) = ceil(14.16) = 15 for every pass.
    assert StudySession(col.store, clock).previews() == {
        Button.AGAIN: 1, Button.HARD: 15, Button.GOOD: 15, Button.EASY: 15}


def test_new_card_limit_counts_what_was_answered_earlier_today(tmp_path: Path, deck_dir: Path,
                                                                clock: FixedClock) -> None:
    col = open_collection(tmp_path / "d", clock, [deck_dir])
    limits = StudyLimits(new_per_day=3)
    first = StudySession(col.store, clock, limits=limits)
    assert first.remaining == 3
    first.answer(Button.GOOD)
    first.answer(Button.GOOD)
    assert StudySession(col.store, clock, limits=limits).remaining == 1
    clock.advance(days=1)  # tomorrow: the two answered cards are due, three new cards are allowed again
    assert StudySession(col.store, clock, limits=limits).remaining == 2 + 3


def test_answering_with_no_card_or_a_bad_quality_raises(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    col = open_collection(tmp_path / "d", clock, [deck_dir])
    session = StudySession(col.store, clock, limits=StudyLimits(new_per_day=1))
    with pytest.raises(ValueError):
        session.answer(7)
    session.answer(Button.EASY)
    assert session.next_card() is None
    with pytest.raises(LookupError):
        session.answer(Button.GOOD)
