"""The study session with a pinned clock: order, limits, the day, drill, undo, suspend, bury, leeches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId, ReviewKind
from mlprep.core.study_settings import DeckLimits, LeechAction, NewOrder, ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.session import QueueCounts
from mlprep.services.study import StudySession
from tests.helpers import storage_of


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    return open_collection(tmp_path / "data", clock, [deck_dir])


def session(col: Collection, clock: FixedClock, **settings: object) -> StudySession:
    scope = settings.pop("scope", StudyScope())
    return StudySession(storage_of(col), clock, settings=StudySettings(**settings), scope=scope,  # type: ignore[arg-type]
                        tz=UTC)


def drain(s: StudySession, grade: int = Button.GOOD) -> list[str]:
    shown = []
    while (card := s.next_card()) is not None:
        shown.append(card.id)
        s.answer(grade)
    return shown


def make_due(col: Collection, card_id: str, due: str, interval: int = 6, reps: int = 2, ef: float = 2.5) -> None:
    storage_of(col).db.execute("UPDATE cards SET due = ?, interval = ?, repetitions = ?, easiness = ?, reviews = ? "
                         "WHERE id = ?", [due, interval, reps, ef, reps, card_id])


def test_answer_stores_state_and_a_log_row_with_the_answer_time(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock)
    assert s.next_card().id == "a-one"  # type: ignore[union-attr]
    clock.advance(seconds=7)
    result = s.answer(Button.GOOD)
    assert (result.progress.interval, result.progress.due, result.kind) == (1, date(2026, 3, 11), ReviewKind.NEW)
    (entry,) = storage_of(col).cards.review_log(CardId("a-one"))
    assert (entry.quality, entry.answer_ms, entry.easiness_after, entry.due_after) == (4, 7000, 2.5, date(2026, 3, 11))


def test_answer_time_is_capped_at_60_seconds(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock)
    s.next_card()
    clock.advance(minutes=5)
    s.answer(Button.GOOD)
    assert storage_of(col).cards.review_log()[0].answer_ms == 60_000


def test_due_reviews_come_first_most_overdue_first(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-two", "2026-03-09")
    make_due(col, "a-three", "2026-03-01")
    make_due(col, "b-one", "2026-03-11")  # tomorrow: not due
    assert drain(session(col, clock, new_order=NewOrder.AFTER)) == ["a-three", "b-two", "a-one", "a-two"]


def test_new_order_before_and_mixed(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-one", "2026-03-09")
    make_due(col, "b-two", "2026-03-09")
    assert drain(session(col, clock, new_order=NewOrder.BEFORE))[:3] == ["a-one", "a-two", "a-three"]


def test_mixed_order_spreads_new_cards_among_reviews(col: Collection, clock: FixedClock) -> None:
    for card in ("a-two", "a-three", "b-one", "b-two"):
        make_due(col, card, "2026-03-09")
    # 4 due, 1 new: one new card after every 4 reviews.
    assert drain(session(col, clock)) == ["a-three", "a-two", "b-one", "b-two", "a-one"]
    make_due(col, "a-one", "2026-03-09")
    storage_of(col).db.execute("UPDATE cards SET due = NULL, reviews = 0 WHERE id IN ('b-one', 'b-two')")
    clock.advance(days=30)
    order = drain(session(col, clock))  # 3 due (a-*), 2 new (b-*): a new card after each review
    assert order == ["a-one", "b-one", "a-three", "b-two", "a-two"]


def test_previews_equal_what_answering_gives(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-one", "2026-03-10", interval=6, reps=2, ef=2.36)
    for grade in range(6):
        s = session(col, clock, six_grades=True)
        assert s.next_card().id == "b-one"  # type: ignore[union-attr]
        preview = next(p for p in s.previews() if p.quality == grade)
        storage_of(col).db.execute("SAVEPOINT probe")
        assert s.answer(grade).progress.interval == preview.interval
        storage_of(col).db.execute("ROLLBACK TO probe")
        storage_of(col).db.execute("RELEASE probe")
    # ceil(6 x 2.36) = ceil(14.16) = 15 for every pass; 1 day for every fail.
    assert [(p.quality, p.interval) for p in session(col, clock).previews()] == [(2, 1), (3, 15), (4, 15), (5, 15)]
    assert [p.interval for p in session(col, clock, six_grades=True).previews()] == [1, 1, 1, 15, 15, 15]


def test_cards_below_4_come_back_the_same_day_without_changing_their_schedule(col: Collection,
                                                                               clock: FixedClock) -> None:
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-a"))
    grades = {"a-one": Button.AGAIN, "a-two": Button.HARD, "a-three": Button.GOOD}
    for _ in range(3):
        card = s.next_card()
        assert card is not None
        s.answer(grades[card.id])
    after_first_pass = {c: storage_of(col).cards.progress(CardId(c)) for c in grades}
    # Drill: a-one and a-two return in the order they were answered; a-one fails again.
    assert (s.next_card().id, s.current_kind) == ("a-one", ReviewKind.DRILL)  # type: ignore[union-attr]
    assert [p.again_today for p in s.previews()] == [True, True, False, False]
    s.answer(Button.HARD)
    assert s.next_card().id == "a-two"  # type: ignore[union-attr]
    s.answer(Button.GOOD)
    assert s.next_card().id == "a-one"  # type: ignore[union-attr]
    s.answer(Button.EASY)
    assert s.next_card() is None
    assert {c: storage_of(col).cards.progress(CardId(c)) for c in grades} == after_first_pass
    kinds = [(e.card_id, e.kind, e.quality) for e in storage_of(col).cards.review_log()]
    assert kinds[3:] == [("a-one", ReviewKind.DRILL, 3), ("a-two", ReviewKind.DRILL, 4), ("a-one", ReviewKind.DRILL, 5)]
    assert all(e.interval_before == e.interval_after and e.easiness_before == e.easiness_after
               for e in storage_of(col).cards.review_log() if e.kind is ReviewKind.DRILL)


def test_the_drill_survives_closing_the_app(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"))
    s.answer(Button.AGAIN)  # b-one
    clock.advance(minutes=3)
    reopened = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"))
    assert reopened.next_card().id == "b-two"  # type: ignore[union-attr]
    reopened.answer(Button.GOOD)
    assert (reopened.next_card().id, reopened.current_kind) == ("b-one", ReviewKind.DRILL)  # type: ignore[union-attr]


def test_limits_and_the_4am_rollover_across_midnight(col: Collection, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
    s = session(col, clock, new_per_day=2)
    assert s.counts() == QueueCounts(new=2, learn=0, review=0)
    assert drain(s) == ["a-one", "b-one"]  # curriculum order, interleaved across areas (math, sql)
    clock.set(datetime(2026, 3, 11, 1, 0, tzinfo=UTC))  # 1 AM: still the study day of March 10
    s = session(col, clock, new_per_day=2)
    assert (s.today, s.next_card()) == (date(2026, 3, 10), None)
    clock.set(datetime(2026, 3, 11, 4, 0, tzinfo=UTC))  # 4 AM: a new day; yesterday's cards are due
    s = session(col, clock, new_per_day=2, new_order=NewOrder.AFTER)
    assert s.today == date(2026, 3, 11)
    assert s.counts() == QueueCounts(new=2, learn=0, review=2)
    assert drain(s, Button.GOOD) == ["a-one", "b-one", "a-two", "b-two"]


def test_an_open_session_rolls_over_at_4am(col: Collection, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 11, 3, 59, tzinfo=UTC))
    s = session(col, clock, new_per_day=1)
    drain(s)
    clock.advance(minutes=1)
    assert s.next_card().id == "a-one"  # type: ignore[union-attr]  (due again on the new day)


def test_review_limit_and_per_deck_limits(col: Collection, clock: FixedClock) -> None:
    for card in ("a-one", "a-two", "b-one"):
        make_due(col, card, "2026-03-09")
    assert drain(session(col, clock, reviews_per_day=2, new_per_day=0)) == ["a-one", "a-two"]
    clock.advance(days=30)  # a-one and a-two (due March 25) and b-one (March 9) are due
    limited = MappingProxyType({"deck-a": DeckLimits(new_per_day=0, reviews_per_day=1)})
    assert drain(session(col, clock, deck_limits=limited, new_order=NewOrder.AFTER)) == ["b-one", "a-one", "b-two"]


def test_scope_by_area_and_by_tag(col: Collection, clock: FixedClock) -> None:
    assert drain(session(col, clock, scope=StudyScope(ScopeKind.AREA, "sql"))) == ["b-one", "b-two"]
    clock.advance(days=1)
    assert drain(session(col, clock, scope=StudyScope(ScopeKind.TAG, "math"))) == ["a-one", "a-two", "a-three"]


def test_undo_restores_state_exactly_several_steps_back(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-one", "2026-03-08", interval=6, reps=2, ef=2.36)
    before = {c: storage_of(col).cards.progress(CardId(c)) for c in ("b-one", "a-one", "a-two")}
    s = session(col, clock, new_order=NewOrder.AFTER)
    s.answer(Button.AGAIN)  # b-one: a lapse
    s.answer(Button.EASY)  # a-one
    s.bury_current()  # a-two
    assert s.next_card().id == "b-two"  # type: ignore[union-attr]
    assert s.undo().id == "a-two"
    assert s.undo().id == "a-one"
    assert s.undo().id == "b-one"
    assert {c: storage_of(col).cards.progress(CardId(c)) for c in before} == before
    assert storage_of(col).cards.review_log() == []
    assert not s.can_undo
    with pytest.raises(LookupError):
        s.undo()
    assert drain(s) == ["b-one", "a-one", "a-two", "b-two", "a-three"]


def test_suspend_hides_a_card_until_unsuspended_and_bury_until_tomorrow(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-a"))
    assert s.suspend_current().suspended  # a-one
    assert s.bury_current().buried_until == date(2026, 3, 11)  # a-two
    assert drain(s) == ["a-three"]
    clock.advance(days=1)
    assert drain(session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-a"))) == ["a-three", "a-two"]
    storage_of(col).cards.set_progress(replace(storage_of(col).cards.progress(CardId("a-one")), suspended=False))
    assert drain(session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-a"))) == ["a-one"]


@pytest.mark.parametrize(("action", "suspended"), [(LeechAction.SUSPEND, True), (LeechAction.TAG, False)])
def test_the_eighth_lapse_makes_a_leech(col: Collection, clock: FixedClock, action: LeechAction,
                                        suspended: bool) -> None:
    scope = StudyScope(ScopeKind.DECK, "deck-b")
    storage_of(col).db.execute("UPDATE cards SET suspended = 1 WHERE id = 'b-two'")
    make_due(col, "b-one", "2026-03-10", interval=1, reps=1)
    for lapse in range(1, 9):
        s = session(col, clock, scope=scope, leech_action=action)
        result = s.answer(Button.AGAIN)  # a lapse (learned, then q < 3)
        assert result.progress.lapses == lapse
        assert result.became_leech == (lapse == 8)
        s.next_card()
        if lapse < 8 or not suspended:
            s.answer(Button.GOOD)  # pass the drill
        clock.advance(days=1)
        storage_of(col).db.execute("UPDATE cards SET repetitions = 1 WHERE id = 'b-one'")
    progress = storage_of(col).cards.progress(CardId("b-one"))
    assert "leech" in progress.user_tags and progress.suspended == suspended
    assert drain(session(col, clock, scope=StudyScope(ScopeKind.TAG, "leech"))) == ([] if suspended else ["b-one"])


def test_answering_with_no_card_or_a_bad_quality_raises(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, new_per_day=1)
    with pytest.raises(ValueError):
        s.answer(7)
    s.answer(Button.EASY)
    assert s.next_card() is None
    with pytest.raises(LookupError):
        s.answer(Button.GOOD)


def test_next_due_day_and_card_count_are_the_scopes(col: Collection, clock: FixedClock) -> None:
    make_due(col, "a-one", "2026-03-20")
    make_due(col, "b-one", "2026-03-12")
    storage_of(col).db.execute("UPDATE cards SET suspended = 1 WHERE id = 'a-three'")
    deck_a = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-a"))
    assert (deck_a.next_due_day(), deck_a.cards_in_scope()) == (date(2026, 3, 20), 2)
    everything = session(col, clock)
    assert (everything.next_due_day(), everything.cards_in_scope()) == (date(2026, 3, 12), 4)
    deck_b = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"))
    storage_of(col).db.execute("UPDATE cards SET due = NULL WHERE id = 'b-one'")
    assert deck_b.next_due_day() is None


def test_a_card_shown_before_the_rollover_and_answered_after_it_is_scheduled_from_the_new_day(
        col: Collection, clock: FixedClock) -> None:
    """Issue 13, item 7: shown at 03:58, answered at 04:02, it used to be scheduled from the previous
    study day, came straight back as a review and was scheduled twice."""
    make_due(col, "b-one", "2026-03-10", interval=1, reps=1)
    clock.set(datetime(2026, 3, 11, 3, 58, tzinfo=UTC))  # still the study day of March 10
    s = session(col, clock, new_per_day=0)
    assert (s.today, s.next_card().id) == (date(2026, 3, 10), "b-one")  # type: ignore[union-attr]
    clock.set(datetime(2026, 3, 11, 4, 2, tzinfo=UTC))
    result = s.answer(Button.GOOD)
    assert (result.progress.interval, result.progress.due) == (6, date(2026, 3, 17))  # from March 11
    assert s.today == date(2026, 3, 11) and s.next_card() is None


def test_with_the_clock_set_back_a_day_that_days_new_card_limit_is_not_used_up(col: Collection,
                                                                              clock: FixedClock) -> None:
    """Issue 13, item 8: answers from a later day counted against an earlier day's limits."""
    clock.set(datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    assert drain(session(col, clock, new_per_day=2)) == ["a-one", "b-one"]
    clock.set(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))  # the clock set back a day
    s = session(col, clock, new_per_day=2)
    assert s.today == date(2026, 3, 10)
    assert s.counts() == QueueCounts(new=2, learn=0, review=0)
    assert drain(s) == ["a-two", "b-two"]
