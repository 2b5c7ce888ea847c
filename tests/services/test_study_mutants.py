"""The study session's done screen, undo in every case, and what it tells an interview plan's placer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId, ReviewKind
from mlprep.core.study_settings import ALL_DECKS, LeechAction, ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.session import Finished, QueueCounts
from mlprep.services.study import StudySession
from tests.helpers import storage_of

DECK_A = StudyScope(ScopeKind.DECK, "deck-a")
TODAY = date(2026, 3, 10)


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    return open_collection(tmp_path / "data", clock, [deck_dir])


def session(col: Collection, clock: FixedClock, *, scope: StudyScope = ALL_DECKS, placer: object = None,
            **settings: object) -> StudySession:
    return StudySession(storage_of(col), clock, settings=StudySettings(**settings), scope=scope,  # type: ignore[arg-type]
                        tz=UTC, placer=placer)  # type: ignore[arg-type]


def make_due(col: Collection, card_id: str, due: str, interval: int = 6, reps: int = 2, ef: float = 2.5) -> None:
    storage_of(col).db.execute("UPDATE cards SET due = ?, interval = ?, repetitions = ?, easiness = ?, reviews = ? "
                               "WHERE id = ?", [due, interval, reps, ef, reps, card_id])


class RecordingPlacer:
    """A stand-in for :class:`mlprep.services.planning.DuePlacer`: moves every review to ``to`` and
    records what the session asked of it."""

    def __init__(self, to: date) -> None:
        self.to = to
        self.calls: list[tuple[object, ...]] = []

    def place(self, card_id: CardId, *, answered_on: date, at: datetime, quality: int, sm2_due: date,
              old_due: date | None) -> date:
        self.calls.append(("place", card_id, answered_on, at, quality, sm2_due, old_due))
        return self.to

    def unplace(self, old_due: date | None, due: date | None) -> None:
        self.calls.append(("unplace", old_due, due))


# -- the done screen ---------------------------------------------------------------------------------

def test_finished_in_a_deck_offers_to_cram_its_visible_cards(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, scope=DECK_A)
    s.answer(Button.GOOD)  # a-one: due March 11
    s.answer(Button.EASY)  # a-two: due March 11
    s.bury_current()  # a-three: hidden until tomorrow, so not crammable today
    assert s.next_card() is None
    assert s.finished() == Finished(answered=2, today=TODAY, next_due=date(2026, 3, 11), cram_scope=DECK_A,
                                    cram_count=2)


def test_finished_in_all_decks_offers_to_cram_every_visible_card(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-one", "2026-03-15")
    s = session(col, clock, new_per_day=1)
    s.answer(Button.GOOD)  # a-one: due March 11
    assert s.finished() == Finished(answered=1, today=TODAY, next_due=date(2026, 3, 11), cram_scope=ALL_DECKS,
                                    cram_count=5)


def test_finished_before_any_answer_counts_nothing_and_knows_no_due_day(col: Collection, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 11, 3, 0, tzinfo=UTC))  # 3 AM: still the study day of March 10
    s = session(col, clock, scope=StudyScope(ScopeKind.AREA, "sql"))
    assert s.finished() == Finished(0, TODAY, None, StudyScope(ScopeKind.AREA, "sql"), 2)


# -- undo ----------------------------------------------------------------------------------------------

def test_undo_with_nothing_done_says_so(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock)
    assert not s.can_undo
    with pytest.raises(LookupError) as info:
        s.undo()
    assert str(info.value) == "nothing to undo"


def test_undoing_an_answer_gives_back_the_count_the_limit_and_the_card_on_screen(col: Collection,
                                                                                  clock: FixedClock) -> None:
    s = session(col, clock, scope=DECK_A, new_per_day=2)
    s.answer(Button.GOOD)  # a-one
    assert (s.answered, s.counts()) == (1, QueueCounts(new=1, learn=0, review=0))
    clock.advance(seconds=30)
    card = s.undo()
    assert card.id == "a-one" and s.next_card() == card and s.current_kind is ReviewKind.NEW
    assert (s.answered, s.counts()) == (0, QueueCounts(new=2, learn=0, review=0))
    assert storage_of(col).cards.review_log() == []
    clock.advance(seconds=5)  # the answer time counts from the undo, when the card came back
    s.answer(Button.HARD)
    (entry,) = storage_of(col).cards.review_log()
    assert (entry.card_id, entry.quality, entry.answer_ms, entry.kind) == ("a-one", 3, 5000, ReviewKind.NEW)
    assert s.finished().answered == 1


def test_undoing_a_burial_gives_the_card_back_without_touching_the_answer_count(col: Collection,
                                                                                  clock: FixedClock) -> None:
    s = session(col, clock, scope=DECK_A, new_per_day=2)
    s.answer(Button.GOOD)  # a-one
    s.bury_current()  # a-two
    assert (s.answered, s.counts()) == (1, QueueCounts(new=1, learn=0, review=0))
    assert s.undo().id == "a-two"
    assert (s.answered, s.counts()) == (1, QueueCounts(new=1, learn=0, review=0))
    assert storage_of(col).cards.progress(CardId("a-two")).buried_until is None
    assert len(storage_of(col).cards.review_log()) == 1
    assert s.undo().id == "a-one"
    assert (s.answered, s.counts()) == (0, QueueCounts(new=2, learn=0, review=0))


def test_the_undone_card_comes_back_even_when_the_queue_would_pick_another(col: Collection,
                                                                          clock: FixedClock) -> None:
    for card in ("a-two", "a-three", "b-one", "b-two"):
        make_due(col, card, "2026-03-09")
    s = session(col, clock)  # mixed: 4 due, 1 new -> the new card after every 4 reviews
    for expected in ("a-three", "a-two", "b-one", "b-two"):
        assert s.next_card().id == expected  # type: ignore[union-attr]
        s.answer(Button.GOOD)
    assert s.undo().id == "b-two"
    assert (s.next_card().id, s.current_kind) == ("b-two", ReviewKind.REVIEW)  # type: ignore[union-attr]
    s.answer(Button.GOOD)
    assert (s.next_card().id, s.current_kind) == ("a-one", ReviewKind.NEW)  # type: ignore[union-attr]


def test_undoing_a_drill_answer_puts_the_drill_back(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"))
    s.answer(Button.AGAIN)  # b-one: drilled
    s.answer(Button.GOOD)  # b-two
    assert (s.next_card().id, s.current_kind) == ("b-one", ReviewKind.DRILL)  # type: ignore[union-attr]
    s.answer(Button.GOOD)
    assert s.next_card() is None
    assert s.undo().id == "b-one" and s.current_kind is ReviewKind.DRILL
    assert s.counts() == QueueCounts(new=0, learn=1, review=0)
    assert s.answered == 2


# -- an interview plan's placer ----------------------------------------------------------------------

def test_a_placed_review_stores_the_placers_day_and_logs_sm2s(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-one", "2026-03-09", interval=6, reps=2, ef=2.5)  # SM-2: ceil(6 x 2.5) = 15 days
    placer = RecordingPlacer(to=date(2026, 3, 14))
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"), placer=placer)
    result = s.answer(Button.GOOD)
    assert result.progress.due == date(2026, 3, 14) and result.progress.interval == 15
    assert placer.calls == [("place", "b-one", TODAY, clock.now(), 4, date(2026, 3, 25), date(2026, 3, 9))]
    (entry,) = storage_of(col).cards.review_log()
    assert (entry.due_before, entry.due_after, entry.due_sm2) == (date(2026, 3, 9), date(2026, 3, 14),
                                                                  date(2026, 3, 25))
    s.undo()
    assert placer.calls[1:] == [("unplace", date(2026, 3, 9), date(2026, 3, 14))]
    assert storage_of(col).cards.progress(CardId("b-one")).due == date(2026, 3, 9)


def test_drills_and_burials_are_not_placed_nor_unplaced(col: Collection, clock: FixedClock) -> None:
    placer = RecordingPlacer(to=date(2026, 3, 12))
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"), placer=placer)
    s.answer(Button.AGAIN)  # b-one, new: placed (SM-2 gives March 11)
    s.bury_current()  # b-two
    assert s.next_card().id == "b-one" and s.current_kind is ReviewKind.DRILL  # type: ignore[union-attr]
    s.answer(Button.GOOD)  # the drill: the schedule is left alone
    assert [c[0] for c in placer.calls] == ["place"]
    assert storage_of(col).cards.progress(CardId("b-one")).due == date(2026, 3, 12)
    s.undo()  # the drill answer
    s.undo()  # the burial
    assert [c[0] for c in placer.calls] == ["place"]
    s.undo()  # the first answer
    assert placer.calls[1:] == [("unplace", None, date(2026, 3, 12))]


# -- the study day in the user's zone and rollover hour ---------------------------------------------

PLUS_10 = timezone(timedelta(hours=10))


def zoned(col: Collection, clock: FixedClock, tz: tzinfo, **settings: object) -> StudySession:
    return StudySession(storage_of(col), clock, settings=StudySettings(**settings), tz=tz)  # type: ignore[arg-type]


def test_the_study_day_and_its_start_are_the_users_zones(col: Collection, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 10, 19, 0, tzinfo=UTC))  # 05:00 on March 11 at UTC+10: study day March 11
    s = zoned(col, clock, PLUS_10, new_per_day=1)
    assert s.today == date(2026, 3, 11)
    s.answer(Button.GOOD)
    # The day began at 04:00 UTC+10 (18:00 UTC on March 10): the answer at 19:00 UTC counts against today.
    clock.set(datetime(2026, 3, 10, 20, 0, tzinfo=UTC))
    assert zoned(col, clock, PLUS_10, new_per_day=1).counts() == QueueCounts(new=0, learn=0, review=0)


def test_an_open_session_rolls_over_at_the_users_midnight_plus_rollover(col: Collection, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))  # 22:00 at UTC+10: study day March 10
    s = zoned(col, clock, PLUS_10, new_per_day=1)
    s.answer(Button.GOOD)
    assert s.next_card() is None
    clock.set(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))  # 04:00 on March 11 at UTC+10 (14:00 in UTC)
    assert s.next_card() is not None and s.today == date(2026, 3, 11)


def test_a_rollover_hour_of_0_starts_the_day_at_midnight(col: Collection, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 11, 1, 0, tzinfo=UTC))
    s = zoned(col, clock, UTC, new_per_day=1, rollover_hour=0)
    assert s.today == date(2026, 3, 11)
    s.answer(Button.GOOD)  # 01:00: after the day began at 00:00, so it counts against March 11
    clock.set(datetime(2026, 3, 11, 2, 0, tzinfo=UTC))
    assert zoned(col, clock, UTC, new_per_day=1, rollover_hour=0).counts() == QueueCounts(new=0, learn=0, review=0)


def test_an_open_session_rolls_over_at_midnight_with_rollover_0(col: Collection, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
    s = zoned(col, clock, UTC, new_per_day=1, rollover_hour=0)
    s.answer(Button.GOOD)
    assert s.next_card() is None
    clock.set(datetime(2026, 3, 11, 0, 30, tzinfo=UTC))
    assert s.next_card() is not None and s.today == date(2026, 3, 11)


# -- previews, answers and the drill ----------------------------------------------------------------

def test_first_answer_previews_say_which_grades_come_back_today(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock)
    assert [(p.quality, p.interval, p.again_today) for p in s.previews()] == [
        (2, 1, True), (3, 1, True), (4, 1, False), (5, 1, False)]


def test_drill_previews_keep_the_cards_interval(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-one", "2026-03-09", interval=6, reps=2)
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"), new_per_day=0)
    assert s.answer(Button.AGAIN).progress.interval == 1  # a lapse: SM-2 gives 1 day
    assert s.current_kind is None and s.next_card().id == "b-one"  # type: ignore[union-attr]
    assert [(p.quality, p.interval, p.again_today) for p in s.previews()] == [
        (2, 1, True), (3, 1, True), (4, 1, False), (5, 1, False)]
    result = s.answer(Button.HARD)
    assert (result.kind, result.became_leech, result.progress.interval) == (ReviewKind.DRILL, False, 1)


def test_only_grades_below_good_are_drilled(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, scope=DECK_A)
    s.answer(Button.GOOD)
    assert s.counts().learn == 0
    s.answer(Button.HARD)
    assert s.counts().learn == 1


def test_a_review_stores_sm2s_new_state_and_returns_its_log_row(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-one", "2026-03-09", interval=6, reps=2, ef=2.5)
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"), new_per_day=0)
    result = s.answer(Button.HARD)  # EF 2.5 - 0.14 = 2.36; interval ceil(6 x 2.5) = 15; a pass, not a lapse
    p = result.progress
    assert (p.repetitions, p.easiness, p.interval, p.due, p.lapses, p.reviews) == (3, 2.36, 15, date(2026, 3, 25),
                                                                                 0, 3)
    (entry,) = storage_of(col).cards.review_log()
    assert result.log_id == entry.id and entry.due_sm2 == date(2026, 3, 25)


def test_answering_when_the_session_is_done_says_so(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, new_per_day=0)
    with pytest.raises(LookupError) as info:
        s.answer(Button.GOOD)
    assert str(info.value) == "no card to answer: the session is done"


# -- Anki's leech rule ------------------------------------------------------------------------------

@pytest.mark.parametrize(("threshold", "lapses", "leech"), [
    (8, 7, False), (8, 8, True), (8, 9, False), (8, 10, False), (8, 12, True),  # every 4 after 8
    (7, 7, True), (7, 9, False), (7, 10, True),  # every 3 (7 // 2) after 7
    (4, 5, False), (4, 6, True),  # every 2 after 4
    (2, 3, True), (1, 1, True), (1, 2, True),  # every lapse from the threshold on
])
def test_a_card_is_a_leech_at_the_threshold_and_every_half_threshold_after(
        col: Collection, clock: FixedClock, threshold: int, lapses: int, leech: bool) -> None:
    # A card whose leech tag was removed by the user: the lapse that makes it a leech again is tagged again.
    before = storage_of(col).cards.progress(CardId("b-one"))
    storage_of(col).cards.set_progress(replace(before, repetitions=3, interval=10, due=TODAY, lapses=lapses - 1,
                                               reviews=lapses + 5))
    s = session(col, clock, scope=StudyScope(ScopeKind.DECK, "deck-b"), new_per_day=0, leech_threshold=threshold,
                leech_action=LeechAction.TAG)
    result = s.answer(Button.AGAIN)
    assert (result.progress.lapses, result.became_leech) == (lapses, leech)
    assert result.progress.user_tags == (("leech",) if leech else ())
