"""Why today's queue is empty (:class:`Stop`), and today's extra new cards (Anki's "increase today's new
card limit"): kept for the rest of the study day, gone the next; cram and review ahead bury and suspend."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId, DeckId
from mlprep.core.study_settings import ALL_DECKS, DeckLimits, LimitKind, ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.cram import CramSession
from mlprep.services.queue import LimitReached, Stop, StopReason
from mlprep.services.study import StudySession
from tests.helpers import storage_of

DECK_A = StudyScope(ScopeKind.DECK, "deck-a")


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    return open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC)


def drain(s: StudySession | CramSession, grade: int = Button.GOOD) -> list[str]:
    shown = []
    while (card := s.next_card()) is not None:
        shown.append(card.id)
        s.answer(grade)
    return shown


def make_due(col: Collection, card_id: str, due: str) -> None:
    storage_of(col).db.execute("UPDATE cards SET due = ?, interval = 6, repetitions = 2, reviews = 2 WHERE id = ?",
                               [due, card_id])


# -- why the queue is empty -------------------------------------------------------------------------

def test_the_global_new_card_limit_ends_the_session_with_the_new_cards_left(col: Collection) -> None:
    col.save_settings(StudySettings(new_per_day=2))
    assert drain(col.study()) == ["a-one", "b-one"]
    stop = col.stop_reason()
    assert stop == Stop(limits=(LimitReached(LimitKind.NEW, limit=2, left=3, deck=None),), owed=0)
    assert stop.reason is StopReason.NEW_LIMIT
    assert stop.new_left == 3


def test_nothing_left_when_nothing_is_due_and_every_new_card_is_introduced(col: Collection) -> None:
    assert len(drain(col.study())) == 5
    stop = col.stop_reason()
    assert stop == Stop(limits=(), owed=0)
    assert stop.reason is StopReason.NOTHING_LEFT and stop.new_left == 0


def test_the_review_limit_is_named_with_the_reviews_still_due(col: Collection) -> None:
    for card in ("a-one", "a-two", "a-three", "b-one", "b-two"):
        make_due(col, card, "2026-03-09")
    col.save_settings(StudySettings(reviews_per_day=2))
    assert len(drain(col.study())) == 2
    stop = col.stop_reason()
    assert stop.limits == (LimitReached(LimitKind.REVIEW, limit=2, left=3, deck=None),)
    assert stop.reason is StopReason.REVIEW_LIMIT and stop.new_left == 0


def test_a_deck_limit_names_the_deck_whose_own_limit_is_used_up(col: Collection) -> None:
    col.save_settings(StudySettings(deck_limits=MappingProxyType({"deck-a": DeckLimits(new_per_day=1)})))
    assert drain(col.study(DECK_A)) == ["a-one"]
    stop = col.stop_reason(DECK_A)
    assert stop.limits == (LimitReached(LimitKind.NEW, limit=1, left=2, deck=DeckId("deck-a")),)
    assert stop.reason is StopReason.DECK_LIMIT
    # all decks: deck B's two new cards are still owed, deck A's limit holds back its last two
    assert col.stop_reason() == Stop(limits=(), owed=2)


def test_a_session_left_early_owes_cards(col: Collection) -> None:
    s = col.study()
    s.answer(Button.GOOD)
    assert col.stop_reason() == Stop(limits=(), owed=4)


def test_the_interview_plan_quota_is_said_to_be_the_plan(col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(col.planner), "new_card_limit", lambda self, today, since: 1)
    assert drain(col.study()) == ["a-one"]
    stop = col.stop_reason()
    assert stop.by_plan and stop.limits == (LimitReached(LimitKind.NEW, limit=1, left=4, deck=None),)


# -- today's extra new cards -----------------------------------------------------------------------

def test_extending_the_new_limit_studies_that_many_more_new_cards(col: Collection) -> None:
    col.save_settings(StudySettings(new_per_day=1))
    assert drain(col.study()) == ["a-one"]
    assert col.extend_new_limit(ALL_DECKS, 2) == 2
    s = col.study()
    assert s.counts().new == 2
    assert drain(s) == ["b-one", "a-two"]
    stop = col.stop_reason()
    assert stop.limits == (LimitReached(LimitKind.NEW, limit=3, left=2, deck=None),)
    assert stop.extra_new == 2
    assert col.extend_new_limit(ALL_DECKS, 10) == 12  # extensions add up
    assert drain(col.study()) == ["b-two", "a-three"]


def test_the_extra_allowance_survives_a_restart_the_same_day_and_is_gone_the_next(
        tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC)
    col.save_settings(StudySettings(new_per_day=1))
    col.extend_new_limit(ALL_DECKS, 2)
    col.close()
    clock.set(datetime(2026, 3, 11, 3, 0, tzinfo=UTC))  # 3 AM: still the study day of March 10
    again = open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC)
    assert again.study().counts().new == 3
    assert again.overview().new == 3  # the deck list's totals agree
    again.close()
    clock.set(datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    next_day = open_collection(tmp_path / "data", clock, [deck_dir], tz=UTC)
    assert next_day.study().counts().new == 1
    assert next_day.extra_new_today(ALL_DECKS) == 0
    assert next_day.extend_new_limit(ALL_DECKS, 5) == 5  # yesterday's does not add up into today's


def test_a_deck_extension_applies_to_that_deck_and_raises_its_own_limit(col: Collection) -> None:
    col.save_settings(StudySettings(new_per_day=1, deck_limits=MappingProxyType({"deck-a": DeckLimits(new_per_day=1)})))
    assert drain(col.study(DECK_A)) == ["a-one"]
    col.extend_new_limit(DECK_A, 1)
    assert col.study().counts().new == 0  # all decks: the global limit is used up, not raised
    assert drain(col.study(DECK_A)) == ["a-two"]  # deck A's own limit and the global one, each + 1
    assert col.extra_new_today(DECK_A) == 1 and col.extra_new_today(ALL_DECKS) == 0


def test_an_all_decks_extension_applies_to_every_scope(col: Collection) -> None:
    col.save_settings(StudySettings(new_per_day=1))
    drain(col.study())
    col.extend_new_limit(ALL_DECKS, 1)
    assert drain(col.study(StudyScope(ScopeKind.AREA, "sql"))) == ["b-one"]


def test_an_extension_past_the_largest_limit_is_capped(col: Collection) -> None:
    col.save_settings(StudySettings(new_per_day=9990))
    col.extend_new_limit(ALL_DECKS, 20)
    assert col.study().queue.settings.new_per_day == 9999


@pytest.mark.parametrize("extra", [0, -5, True, 2.5, 10_000])
def test_a_bad_extra_is_refused_and_nothing_stored(col: Collection, extra: object) -> None:
    with pytest.raises(ValueError, match="extra"):
        col.extend_new_limit(ALL_DECKS, extra)  # type: ignore[arg-type]
    assert col.extra_new_today(ALL_DECKS) == 0


def test_a_damaged_stored_allowance_is_ignored_not_fatal(col: Collection) -> None:
    storage_of(col).settings.set_json("today.extra_new", {"day": "2026-03-10", "scopes": "garbage"})
    assert col.extra_new_today(ALL_DECKS) == 0
    assert col.study().counts().new == 5
    assert col.extend_new_limit(ALL_DECKS, 3) == 3


def test_a_read_only_collection_cannot_extend(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    open_collection(tmp_path / "data", clock, [deck_dir]).close()
    ro = open_collection(tmp_path / "data", clock, [deck_dir], read_only=True)
    with pytest.raises(ValueError, match="read-only"):
        ro.extend_new_limit(ALL_DECKS, 10)


# -- bury and suspend in cram and review ahead ------------------------------------------------------

def test_cram_buries_and_suspends_the_card_for_real_and_undo_restores_it(col: Collection, clock: FixedClock) -> None:
    s = CramSession(storage_of(col), clock, scope=DECK_A, rng=random.Random(1), tz=UTC)
    assert s.can_hide and s.remaining == 3
    first = s.next_card()
    assert first is not None
    assert s.bury_current().buried_until == date(2026, 3, 11)
    assert s.remaining == 2 and s.next_card() != first
    second = s.next_card()
    assert second is not None
    assert s.suspend_current().suspended
    assert s.remaining == 1
    cards = storage_of(col).cards
    assert cards.progress(first.id).buried_until == date(2026, 3, 11) and cards.progress(second.id).suspended
    assert col.study(DECK_A).counts().new == 1  # today's study sees them hidden too
    assert s.undo() == second and not cards.progress(second.id).suspended and s.remaining == 2
    assert s.undo() == first and cards.progress(first.id).buried_until is None and s.remaining == 3
    assert s.answered == 0 and cards.review_log() == []


def test_review_ahead_buries_a_card_out_of_its_queue(col: Collection, clock: FixedClock) -> None:
    make_due(col, "a-one", "2026-03-12")
    s = col.cram(ALL_DECKS, ahead_days=7)
    assert s.remaining == 1
    s.bury_current()
    assert s.next_card() is None and s.answered == 0
    assert storage_of(col).cards.progress(CardId("a-one")).buried_until == date(2026, 3, 11)


def test_settings_extended_raise_the_global_and_each_own_limit_of_that_kind_only() -> None:
    base = StudySettings(new_per_day=20, reviews_per_day=99995, deck_limits=MappingProxyType({
        "d1": DeckLimits(new_per_day=5, reviews_per_day=50), "d2": DeckLimits(reviews_per_day=7)}))
    more_new = base.extended(LimitKind.NEW, 10)
    assert (more_new.new_per_day, more_new.reviews_per_day) == (30, 99995)
    assert dict(more_new.deck_limits) == {"d1": DeckLimits(15, 50), "d2": DeckLimits(None, 7)}
    more_due = base.extended(LimitKind.REVIEW, 10)
    assert (more_due.new_per_day, more_due.reviews_per_day) == (20, 99999)
    assert dict(more_due.deck_limits) == {"d1": DeckLimits(5, 60), "d2": DeckLimits(None, 17)}
    assert base.extended(LimitKind.NEW, 0) is base
    with pytest.raises(ValueError, match="extra"):
        base.extended(LimitKind.NEW, -1)
