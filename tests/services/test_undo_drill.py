"""Undo gives back the drill (SM-2 step 7's same-day repeats) exactly, whether or not the step undone
changed it (issue 16: a step that leaves the drill alone no longer copies it)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.core.study_settings import StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.session import QueueCounts
from mlprep.services.study import StudySession
from tests.helpers import storage_of


@pytest.fixture
def col(tmp_path: Path, clock: FixedClock) -> Collection:
    decks = tmp_path / "decks"
    decks.mkdir()
    cards = "".join(f"\n## aa-{i}\nsource: s\n\nQ: question {i}?\n\nA: answer {i}.\n" for i in range(1, 5))
    (decks / "aa.md").write_text(f"---\ntitle: AA\narea: math\n---\n{cards}", encoding="utf-8")
    return open_collection(tmp_path / "data", clock, [decks], tz=UTC)


def test_undo_walks_the_drill_back_through_answers_that_change_it_and_answers_that_do_not(
        col: Collection, clock: FixedClock) -> None:
    s = StudySession(storage_of(col), clock, settings=StudySettings(new_per_day=3), tz=UTC)
    steps = [("aa-1", Button.AGAIN, QueueCounts(2, 1, 0)),  # drilled
             ("aa-2", Button.GOOD, QueueCounts(1, 1, 0)),   # the drill as it was
             ("aa-3", Button.HARD, QueueCounts(0, 2, 0)),   # drilled after aa-1
             ("aa-1", Button.GOOD, QueueCounts(0, 1, 0)),   # the drill's first card passes
             ("aa-3", Button.AGAIN, QueueCounts(0, 1, 0))]  # fails again: back at the drill's end
    for card, grade, counts in steps:
        shown = s.next_card()
        assert shown is not None and shown.id == card
        s.answer(grade)
        assert s.counts() == counts
    assert s.next_card().id == "aa-3"  # type: ignore[union-attr]
    before = [QueueCounts(3, 0, 0)] + [counts for _card, _grade, counts in steps[:-1]]
    for (card, _grade, _counts), counts in zip(reversed(steps), reversed(before), strict=True):
        assert s.undo().id == card
        assert s.counts() == counts
    assert not s.can_undo
    shown = []
    while (next_card := s.next_card()) is not None:
        shown.append(next_card.id)
        s.answer(Button.GOOD)
    assert shown == ["aa-1", "aa-2", "aa-3"]


def test_undoing_a_drill_repeat_or_a_burial_puts_the_card_back_at_its_place_in_the_drill(
        col: Collection, clock: FixedClock) -> None:
    s = StudySession(storage_of(col), clock, settings=StudySettings(new_per_day=3), tz=UTC)
    for card in ("aa-1", "aa-2", "aa-3"):
        assert s.next_card().id == card  # type: ignore[union-attr]
        s.answer(Button.AGAIN)  # the drill: aa-1, aa-2, aa-3
    assert s.next_card().id == "aa-1"  # type: ignore[union-attr]
    s.answer(Button.AGAIN)  # to the drill's end: aa-2, aa-3, aa-1
    assert s.next_card().id == "aa-2"  # type: ignore[union-attr]
    s.bury_current()  # out of the drill: aa-3, aa-1
    assert s.next_card().id == "aa-3"  # type: ignore[union-attr]
    assert s.undo().id == "aa-2"
    assert s.undo().id == "aa-1"
    assert s.counts() == QueueCounts(0, 3, 0)
    shown = []
    while (next_card := s.next_card()) is not None:
        shown.append(next_card.id)
        s.answer(Button.GOOD)
    assert shown == ["aa-1", "aa-2", "aa-3"]
