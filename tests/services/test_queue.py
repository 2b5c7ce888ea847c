"""Today's queue: one owner of the counts and the next card, checked against hand-worked figures."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from types import MappingProxyType

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId, ReviewKind
from mlprep.core.study_settings import (
    ALL_DECKS,
    DeckLimits,
    LeechAction,
    NewOrder,
    ScopeKind,
    StudyScope,
    StudySettings,
)
from mlprep.services.collection import Collection, open_collection
from mlprep.services.session import QueueCounts
from mlprep.services.study import StudySession
from tests.helpers import storage_of


def deck(name: str, area: str, n: int) -> str:
    cards = "".join(f"\n## {name}-{i}\nsource: s\n\nQ: {name} question {i}?\n\nA: {name} answer {i}.\n"
                    for i in range(1, n + 1))
    return f"---\ntitle: {name.upper()}\narea: {area}\n---\n{cards}"


@pytest.fixture
def col(tmp_path: Path, clock: FixedClock) -> Collection:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "aa.md").write_text(deck("aa", "math", 6), encoding="utf-8")
    (decks / "bb.md").write_text(deck("bb", "sql", 4), encoding="utf-8")
    return open_collection(tmp_path / "data", clock, [decks], tz=UTC)


def make_due(col: Collection, *cards: str, due: str = "2026-03-09") -> None:
    for card in cards:
        storage_of(col).db.execute("UPDATE cards SET due = ?, interval = 6, repetitions = 2, reviews = 2 "
                                   "WHERE id = ?", [due, card])


def study(col: Collection, clock: FixedClock, scope: StudyScope = ALL_DECKS, **settings: object) -> StudySession:
    return StudySession(storage_of(col), clock, settings=StudySettings(**settings), scope=scope,  # type: ignore[arg-type]
                        tz=UTC)


def drain(s: StudySession, grade: int = Button.GOOD) -> list[str]:
    shown = []
    while (card := s.next_card()) is not None:
        shown.append(card.id)
        s.answer(grade)
    return shown


def test_a_decks_own_review_limit_caps_the_session_counts_and_the_deck_list_alike(
        col: Collection, clock: FixedClock) -> None:
    """Bug 1: with aa limited to 1 review a day, 3 due in aa and 1 in bb, the review screen said
    "4 due" (global cap only) while the deck list said 2 and 2 cards were shown."""
    make_due(col, "aa-1", "aa-2", "aa-3", "bb-1")
    limits = MappingProxyType({"aa": DeckLimits(reviews_per_day=1)})
    settings = dict(new_per_day=0, deck_limits=limits)
    s = study(col, clock, **settings)
    assert s.counts() == QueueCounts(new=0, learn=0, review=2)
    col.save_settings(StudySettings(**settings))  # type: ignore[arg-type]
    overview = col.overview()
    assert {d.deck_id: d.due for d in overview.decks} == {"aa": 1, "bb": 1}
    assert overview.due == 2
    assert drain(s) == ["aa-1", "bb-1"]


def test_a_deck_limit_above_the_global_limit_does_not_raise_it(col: Collection, clock: FixedClock) -> None:
    make_due(col, "aa-1", "aa-2", "aa-3")
    limits = MappingProxyType({"aa": DeckLimits(new_per_day=9, reviews_per_day=5)})
    s = study(col, clock, new_per_day=2, reviews_per_day=1, deck_limits=limits, new_order=NewOrder.AFTER)
    assert s.counts() == QueueCounts(new=2, learn=0, review=1)
    assert drain(s) == ["aa-1", "bb-1", "bb-2"]  # new cards interleave the areas: aa-1, bb-1, aa-2, bb-2, ...


def test_an_area_scope_counts_each_deck_under_its_own_limit(col: Collection, clock: FixedClock) -> None:
    limits = MappingProxyType({"aa": DeckLimits(new_per_day=1)})
    s = study(col, clock, scope=StudyScope(ScopeKind.AREA, "math"), deck_limits=limits)
    assert s.counts() == QueueCounts(new=1, learn=0, review=0)
    assert study(col, clock, deck_limits=limits).counts() == QueueCounts(new=5, learn=0, review=0)  # 1 + 4


def test_the_mix_spreads_only_the_new_cards_the_limit_allows(col: Collection, clock: FixedClock) -> None:
    """4 reviews and a new-card limit of 1: one new card after every 4 reviews (not after every one,
    as a mix computed from the 8 new cards available would give)."""
    make_due(col, "aa-1", "aa-2", "bb-1", "bb-2")
    assert drain(study(col, clock, new_per_day=1)) == ["aa-1", "aa-2", "bb-1", "bb-2", "aa-3"]


def test_running_counts_after_answers_bury_suspend_and_undo(col: Collection, clock: FixedClock) -> None:
    """Each step's counts worked out by hand (8 new cards less the one made due; bb-4 due)."""
    make_due(col, "bb-4")
    s = study(col, clock)
    expected = [
        (lambda: s.answer(Button.GOOD), QueueCounts(9, 0, 0)),   # bb-4, the review, goes first
        (lambda: s.answer(Button.AGAIN), QueueCounts(8, 1, 0)),  # aa-1 new, failed: drilled later
        (s.bury_current, QueueCounts(7, 1, 0)),                  # aa-2 buried
        (s.undo, QueueCounts(8, 1, 0)),
        (s.suspend_current, QueueCounts(7, 1, 0)),               # aa-2 suspended
        (lambda: s.answer(Button.HARD), QueueCounts(6, 2, 0)),   # aa-3, graded 3: drilled too
        (s.undo, QueueCounts(7, 1, 0)),
        (s.undo, QueueCounts(8, 1, 0)),
    ]
    for step, counts in expected:
        step()
        assert s.counts() == counts
        assert study(col, clock).counts() == counts  # what a reopened session counts from the database


def test_a_failed_new_card_is_not_a_lapse(col: Collection, clock: FixedClock) -> None:
    result = study(col, clock).answer(Button.AGAIN)
    assert (result.kind, result.progress.lapses, result.progress.repetitions) == (ReviewKind.NEW, 0, 0)
    make_due(col, "aa-2", due="2026-03-10")
    s = study(col, clock, new_order=NewOrder.BEFORE, new_per_day=0)
    assert s.answer(Button.AGAIN).progress.lapses == 1  # a learned card failed: a lapse


def test_a_leech_suspended_by_its_answer_is_not_drilled(col: Collection, clock: FixedClock) -> None:
    make_due(col, "bb-1", due="2026-03-10")
    storage_of(col).db.execute("UPDATE cards SET lapses = 7 WHERE id = 'bb-1'")
    s = study(col, clock, scope=StudyScope(ScopeKind.DECK, "bb"), new_per_day=0, leech_action=LeechAction.SUSPEND)
    result = s.answer(Button.AGAIN)
    assert result.became_leech and result.progress.suspended
    assert s.counts() == QueueCounts(0, 0, 0) and s.next_card() is None
    assert study(col, clock, scope=StudyScope(ScopeKind.DECK, "bb"), new_per_day=0).next_card() is None


def test_the_drill_keeps_its_order_when_the_app_is_reopened(col: Collection, clock: FixedClock) -> None:
    aa = StudyScope(ScopeKind.DECK, "aa")
    s = study(col, clock, aa, new_per_day=3)
    for grade in (Button.AGAIN, Button.GOOD, Button.HARD):  # aa-1 fails, aa-2 passes, aa-3 is hard
        s.answer(grade)
        clock.advance(seconds=10)
    reopened = study(col, clock, aa, new_per_day=3)
    assert list(reopened.queue.drill) == [CardId("aa-1"), CardId("aa-3")]
    assert drain(reopened) == ["aa-1", "aa-3"]
