"""The daily limits' arithmetic (:class:`mlprep.services.queue.DailyLimits`): hand-worked figures, and the
shortcut taken when no deck has its own limit giving what the per-deck rule gives (issue 16: the review
screen asks for the counts at every card)."""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from mlprep.core.models import DeckId
from mlprep.core.study_settings import DeckLimits, LimitKind, StudySettings
from mlprep.services.queue import DailyLimits

DECKS = [DeckId(f"d{i}") for i in range(5)]


def test_hand_worked_limits_with_and_without_a_decks_own_limit() -> None:
    answered = {DeckId("d0"): {LimitKind.NEW: 3, LimitKind.REVIEW: 10}, DeckId("d1"): {LimitKind.NEW: 1}}
    available = {DeckId("d0"): 8, DeckId("d1"): 2, DeckId("d2"): 5}
    plain = DailyLimits(StudySettings(new_per_day=10, reviews_per_day=100), answered)
    assert plain.left(LimitKind.NEW) == 6  # 10 - (3 + 1)
    assert plain.capped(LimitKind.NEW, available) == {"d0": 6, "d1": 2, "d2": 5}
    assert plain.total(LimitKind.NEW, available) == 6
    own = DailyLimits(StudySettings(new_per_day=10, reviews_per_day=100, deck_limits=MappingProxyType(
        {"d0": DeckLimits(new_per_day=4)})), answered)
    assert own.capped(LimitKind.NEW, available) == {"d0": 1, "d1": 2, "d2": 5}  # d0: 4 - 3
    assert own.total(LimitKind.NEW, available) == 6
    own.count(DeckId("d2"), LimitKind.NEW, 2)
    assert (own.left(LimitKind.NEW), own.total(LimitKind.NEW, available)) == (4, 4)
    own.count(DeckId("d2"), LimitKind.NEW, -2)  # an undo gives them back
    assert own.left(LimitKind.NEW) == 6


counts = st.dictionaries(st.sampled_from(DECKS), st.integers(-3, 40), max_size=5)
done = st.dictionaries(st.sampled_from(DECKS), st.fixed_dictionaries({LimitKind.NEW: st.integers(0, 30),
                                                                      LimitKind.REVIEW: st.integers(0, 30)}),
                       max_size=5)


@given(available=counts, answered=done, limit=st.integers(0, 60), later=st.lists(st.sampled_from(DECKS), max_size=6))
def test_without_deck_limits_the_totals_are_the_per_deck_rules(available: dict[DeckId, int],
                                                               answered: dict[DeckId, dict[LimitKind, int]],
                                                               limit: int, later: list[DeckId]) -> None:
    plain = DailyLimits(StudySettings(new_per_day=limit, reviews_per_day=limit), answered)
    # A limit of its own on a deck that holds none of the cards: the per-deck rule runs, with the same result.
    ruled = DailyLimits(StudySettings(new_per_day=limit, reviews_per_day=limit, deck_limits=MappingProxyType(
        {"elsewhere": DeckLimits(new_per_day=1000, reviews_per_day=1000)})), answered)
    for deck in later:
        plain.count(deck, LimitKind.REVIEW)
        ruled.count(deck, LimitKind.REVIEW)
    for kind in LimitKind:
        expected_left = max(0, limit - sum(d.get(kind, 0) for d in answered.values())
                            - (len(later) if kind is LimitKind.REVIEW else 0))
        assert plain.left(kind) == ruled.left(kind) == expected_left
        capped = {deck: min(n, expected_left) for deck, n in available.items()}
        assert plain.capped(kind, available) == ruled.capped(kind, available) == capped
        assert plain.total(kind, available) == ruled.total(kind, available) == min(expected_left, sum(capped.values()))
