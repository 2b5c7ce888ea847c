"""deck_cards' packed sum of the three card states gives what a sum per state gives, for odd stored
values too (NULL columns, a suspended flag other than 0/1), and a deck too large for it is read with
a sum per state."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.storage import stats_queries as q
from tests.stats_history import TODAY, card_states, collection

# (card, suspended, repetitions, interval, due): learning, young, mature, a NULL here and there
ODD = [("a-one", None, 0, 1, "2026-03-05"), ("a-two", 0, None, 30, "2026-03-10"), ("a-three", 0, 2, None, "2026-03-01"),
       ("b-one", 2, 3, 40, "2026-03-20"), ("b-two", 0, 0, 0, None)]


def test_the_packed_states_are_the_sums_per_state(tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = collection(tmp_path / "data", deck_dir, clock)
    card_states(store.db)
    queries = q.StatsQueries(store.db)
    packed = queries.deck_cards(TODAY, ALL_DECKS)
    # a-one learning, a-two young, a-three mature; b-one new, b-two suspended (tests/stats_history.py)
    assert [row[4:7] for row in packed] == [(1, 1, 1), (0, 0, 0)]
    for card, suspended, reps, interval, due in ODD:
        store.db.execute("UPDATE cards SET suspended = ?, repetitions = ?, interval = ?, due = ? WHERE id = ?",
                         [suspended, reps, interval, due, card])
    for scope in (ALL_DECKS, StudyScope(ScopeKind.AREA, "math"), StudyScope(ScopeKind.DECK, "deck-b")):
        packed = queries.deck_cards(TODAY, scope)
        with monkeypatch.context() as patch:
            patch.setattr(q, "_STATE_BITS", 1)  # every deck "too large": one sum per state
            per_state = queries.deck_cards(TODAY, scope)
        assert packed == per_state, scope
    # NULL suspended counts in no state (as NOT NULL is not true); NULL repetitions or interval neither.
    assert {row[0]: row[4:7] for row in queries.deck_cards(TODAY, ALL_DECKS)} == {"deck-a": (0, 0, 0),
                                                                                  "deck-b": (0, 0, 0)}
    store.db.execute("UPDATE cards SET suspended = 0, repetitions = 1, interval = 21 WHERE id = 'b-one'")
    store.db.execute("UPDATE cards SET due = '2026-03-01' WHERE id = 'b-two'")
    assert {row[0]: row[4:7] for row in queries.deck_cards(TODAY, ALL_DECKS)}["deck-b"] == (1, 0, 1)


EASE = (2.58, 2.35, 2.72, 2.4, 1.9, 2.21, 2.4, 2.66)  # mean exactly 2.4025: at a rounding half
"""Ease factors whose float sum depends on the order they are added in (19.22 one way, 19.220000000000002 another)."""


@pytest.mark.parametrize("shift", range(len(EASE)))
def test_a_decks_ease_factor_total_does_not_depend_on_the_order_its_cards_are_read_in(
        tmp_path: Path, clock: FixedClock, shift: int) -> None:
    """The deck's ease factors are summed in millionths, exact: the mean EF the statistics show and export
    (``mean_ef``, 3 decimals) came out 2.402 or 2.403 for the same cards as the index order changed (m011)."""
    decks = tmp_path / "decks"
    decks.mkdir()
    cards = "".join(f"## e-{i}\nsource: Test source\n\nQ: Card {i}?\n\nA: Answer {i}.\n\n" for i in range(len(EASE)))
    (decks / "deck-e.md").write_text(f"---\ntitle: Deck E\narea: math\nleaf: \"1.1\"\n---\n\n{cards}", encoding="utf-8")
    store = collection(tmp_path / "data", decks, clock)
    order = EASE[shift:] + EASE[:shift]  # the same ease factors over the cards in another order
    for i, ease in enumerate(order):
        store.db.execute("UPDATE cards SET repetitions = 2, interval = 6, due = '2026-03-12', easiness = ? "
                         "WHERE id = ?", [ease, f"e-{i}"])
    (row,) = q.StatsQueries(store.db).deck_cards(TODAY, ALL_DECKS)
    assert row[7] == 19.22 and round(row[7] / len(EASE), 3) == round(19.22 / len(EASE), 3)
