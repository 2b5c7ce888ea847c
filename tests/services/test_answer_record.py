"""What one answer stores, field by field, against SM-2 itself (the answer path builds its values by position
for speed, issue 16: a swapped field would show here)."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from mlprep.core import sm2
from mlprep.core.clock import FixedClock
from mlprep.core.models import CardId, CardProgress, ReviewKind
from mlprep.core.study_settings import StudySettings
from mlprep.services.collection import open_collection
from mlprep.services.study import StudySession
from tests.helpers import storage_of

STATES = [(1, 2.5, 1, 0, 1), (2, 2.36, 6, 1, 4), (5, 1.3, 40, 3, 9), (3, 2.9, 17, 0, 3)]
"""(repetitions, easiness, interval, lapses, reviews) of a card seen before."""


@pytest.mark.parametrize("quality", range(6))
@pytest.mark.parametrize("state", STATES)
def test_a_review_stores_what_sm2_gives_and_logs_before_and_after(tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                                                  state: tuple[int, float, int, int, int],
                                                                  quality: int) -> None:
    reps, ef, interval, lapses, reviews = state
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    store = storage_of(col)
    due = date(2026, 3, 8)
    store.db.execute("UPDATE cards SET due = ?, interval = ?, repetitions = ?, easiness = ?, lapses = ?, reviews = ?, "
                     "user_tags = '[\"mine\"]' WHERE id = 'a-one'",
                     [due.isoformat(), interval, reps, ef, lapses, reviews])
    s = StudySession(store, clock, settings=StudySettings(six_grades=True, leech_threshold=99), tz=UTC)
    assert s.next_card().id == "a-one"  # type: ignore[union-attr]
    expected = sm2.review(sm2.Sm2State(reps, ef, interval), quality)
    assert [p.interval for p in s.previews()] == [sm2.review(sm2.Sm2State(reps, ef, interval), q).interval
                                                  for q in range(6)]
    clock.advance(seconds=3)
    answered = s.answer(quality)
    lapse = int(quality < 3)
    after = CardProgress(CardId("a-one"), expected.repetitions, expected.easiness, expected.interval,
                         date(2026, 3, 10) + timedelta(days=expected.interval), lapses + lapse, reviews + 1, False,
                         None, ("mine",))
    assert answered.progress == after
    assert (answered.kind, answered.became_leech) == (ReviewKind.REVIEW, False)
    assert store.cards.progress(CardId("a-one")) == after
    (entry,) = store.cards.review_log(CardId("a-one"))
    assert entry.id == answered.log_id
    assert (entry.card_id, entry.reviewed_at, entry.quality, entry.kind) == (
        "a-one", clock.now(), quality, ReviewKind.REVIEW)
    assert (entry.repetitions_before, entry.repetitions_after, entry.interval_before, entry.interval_after,
            entry.easiness_before, entry.easiness_after) == (
        reps, expected.repetitions, interval, expected.interval, ef, expected.easiness)
    assert (entry.due_before, entry.due_after, entry.due_sm2, entry.answer_ms) == (due, after.due, after.due, 3000)
