"""``StudySession.likely_next``: the cards the review screen renders ahead (issue 16). Whatever the grade, the
card the session shows next is among them; asking changes nothing."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.core.study_settings import NewOrder, StudyScope, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.study import StudySession
from tests.helpers import storage_of


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    return open_collection(tmp_path / "data", clock, [deck_dir])


def session(col: Collection, clock: FixedClock, **settings: object) -> StudySession:
    return StudySession(storage_of(col), clock, settings=StudySettings(**settings),  # type: ignore[arg-type]
                        scope=StudyScope(), tz=UTC)


def make_due(col: Collection, card_id: str, due: str) -> None:
    storage_of(col).db.execute("UPDATE cards SET due = ?, interval = 6, repetitions = 2, easiness = 2.5, reviews = 2 "
                               "WHERE id = ?", [due, card_id])


@pytest.mark.parametrize("grade", [Button.AGAIN, Button.HARD, Button.GOOD, Button.EASY])
def test_the_card_shown_next_is_always_one_of_the_likely_next(col: Collection, clock: FixedClock, grade: int) -> None:
    make_due(col, "b-two", "2026-03-09")
    make_due(col, "a-three", "2026-03-01")
    s = session(col, clock, new_order=NewOrder.MIXED)
    shown = 0
    while (card := s.next_card()) is not None and shown < 30:
        likely = s.likely_next()
        assert s.next_card() == card  # asking changed nothing
        assert card not in likely or [card] == likely  # the current card only when it alone can come back
        s.answer(grade if shown < 8 else Button.GOOD)  # then Good, so that the session ends
        following = s.next_card()
        if following is not None:
            assert following.id in [c.id for c in likely], (card.id, following.id, [c.id for c in likely])
        shown += 1
    assert s.next_card() is None
    assert s.likely_next() == []


def test_after_again_on_the_last_card_it_is_the_card_itself(col: Collection, clock: FixedClock) -> None:
    s = session(col, clock, new_per_day=1)
    card = s.next_card()
    assert card is not None
    assert s.likely_next() == [card]  # nothing else left today: only an answer below Good brings one back
    s.answer(Button.AGAIN)
    assert s.next_card() == card


def test_the_next_due_and_the_next_new_card_skip_the_current_one(col: Collection, clock: FixedClock) -> None:
    make_due(col, "b-two", "2026-03-09")
    make_due(col, "a-three", "2026-03-01")
    s = session(col, clock, new_order=NewOrder.AFTER)
    assert s.next_card().id == "a-three"  # type: ignore[union-attr]
    assert [c.id for c in s.likely_next()] == ["b-two", "a-one"]
