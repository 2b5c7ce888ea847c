"""Custom study never changes the schedule."""

from __future__ import annotations

import random
from pathlib import Path

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId, ReviewKind
from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.services.collection import open_collection
from mlprep.services.cram import CramSession
from tests.helpers import storage_of


def test_cram_logs_answers_repeats_failures_and_keeps_every_schedule(tmp_path: Path, deck_dir: Path,
                                                                      clock: FixedClock) -> None:
    col = open_collection(tmp_path / "d", clock, [deck_dir])
    before = {c: storage_of(col).cards.progress(CardId(c)) for c in ("a-one", "a-two", "a-three")}
    cram = CramSession(storage_of(col), clock, scope=StudyScope(ScopeKind.DECK, "deck-a"), rng=random.Random(1))
    seen = []
    while (card := cram.next_card()) is not None:
        seen.append(card.id)
        cram.answer(Button.AGAIN if seen.count(card.id) == 1 and card.id == "a-two" else Button.GOOD)
    assert sorted(seen) == ["a-one", "a-three", "a-two", "a-two"] and seen[-1] == "a-two"
    assert {c: storage_of(col).cards.progress(CardId(c)) for c in before} == before
    assert {e.kind for e in storage_of(col).cards.review_log()} == {ReviewKind.CRAM}
    cram.undo()
    assert len(storage_of(col).cards.review_log()) == 3 and cram.next_card().id == "a-two"  # type: ignore[union-attr]


def test_review_ahead_takes_only_cards_due_within_the_window(tmp_path: Path, deck_dir: Path,
                                                             clock: FixedClock) -> None:
    col = open_collection(tmp_path / "d", clock, [deck_dir])
    storage_of(col).db.execute("UPDATE cards SET due = '2026-03-13', reviews = 1 WHERE id = 'b-one'")
    storage_of(col).db.execute("UPDATE cards SET due = '2026-04-30', reviews = 1 WHERE id = 'b-two'")
    ahead = CramSession(storage_of(col), clock, ahead_days=7)
    assert ahead.remaining == 1 and ahead.next_card().id == "b-one"  # type: ignore[union-attr]
