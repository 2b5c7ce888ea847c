"""The new-card order ranked inside SQLite (mlprep.storage.rank_queries) is the order the planner's Python
version stored: new_card_order over every new card in curriculum order (kept here as the reference), on
seeded random collections with plans, ties, unknown areas, answered, suspended and removed cards."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath

import pytest

from mlprep.core.models import Card, CardId, Deck, DeckId
from mlprep.core.planner import PlanSettings, Weight, new_card_order
from mlprep.core.taxonomy import AREAS
from mlprep.services.planning import PLAN_KEY, Planner, _curriculum_key, _plan_card, plan_to_json
from mlprep.storage.collection_db import CollectionDb, open_collection_db

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 8, tzinfo=UTC)
SLUGS = [a.slug for a in AREAS[:4]] + ["zz-unknown", "yy-unknown"]  # two areas outside the curriculum (number 99)
TITLES = ["Alpha", "alpha", "Beta", "Gamma"]  # "Alpha"/"alpha": equal keys once lower-cased
LEAVES = ["", "1.2", "1.10", "2", "x.3"]


def reference_ranks(storage: CollectionDb, plan: PlanSettings | None) -> dict[CardId, int | None]:
    """The ranks the planner stored before ranking moved into SQLite (its code as it was)."""
    cards = sorted(storage.plans.cards(), key=_curriculum_key)
    new = [_plan_card(c, None) for c in cards if c.due is None]
    order = new_card_order(new, plan.area_weights if plan else {}, plan.deck_weights if plan else {})
    ranks: dict[CardId, int | None] = {card.id: None for card in new}
    ranks.update({card.id: rank for rank, card in enumerate(order)})
    return ranks


def stored_ranks(storage: CollectionDb, ids: set[CardId]) -> dict[CardId, int | None]:
    rows = storage.db.execute("SELECT id, new_rank FROM cards").fetchall()
    return {CardId(i): rank for i, rank in rows if i in ids}


def seeded_collection(rng: random.Random) -> tuple[CollectionDb, list[Deck]]:
    storage = open_collection_db(None)
    decks = []
    for d in range(rng.randint(1, 9)):
        deck_id = DeckId(f"d{d}")
        cards = tuple(Card(id=CardId(f"d{d}-{i}"), deck=deck_id, front=f"Q {d} {i}", back="A")
                      for i in range(rng.randint(1, 12)))
        decks.append(Deck(id=deck_id, title=rng.choice(TITLES), area=rng.choice(SLUGS), leaf=rng.choice(LEAVES),
                          path=PurePath(f"d{d}.md"), cards=cards))
    storage.cards.save_decks(decks, NOW)
    ids = [r[0] for r in storage.db.execute("SELECT id FROM cards").fetchall()]
    rng.shuffle(ids)
    for card in ids[: len(ids) // 4]:  # some answered, suspended or removed: no longer new cards
        column = rng.choice(["due = '2026-03-12'", "suspended = 1", "present = 0"])
        storage.db.execute(f"UPDATE cards SET {column} WHERE id = ?", [card])
    for card in ids[len(ids) // 4: len(ids) // 2]:  # stale ranks from an earlier order
        storage.db.execute("UPDATE cards SET new_rank = ? WHERE id = ?", [rng.choice([None, 0, 3, 7]), card])
    return storage, decks


def random_plan(rng: random.Random, decks: list[Deck]) -> PlanSettings | None:
    if rng.random() < 0.3:
        return None
    weights = list(Weight)
    return PlanSettings(interview=TODAY + timedelta(days=30), start=TODAY,
                        area_weights={a: rng.choice(weights) for a in SLUGS if rng.random() < 0.6},
                        deck_weights={d.id: rng.choice(weights) for d in decks if rng.random() < 0.5})


@pytest.mark.parametrize("seed", range(60))
def test_the_order_ranked_in_sqlite_is_the_planners_order(seed: int) -> None:
    rng = random.Random(seed)
    storage, decks = seeded_collection(rng)
    plan = random_plan(rng, decks)
    if plan is not None:
        storage.settings.set_json(PLAN_KEY, plan_to_json(plan))
    expected = reference_ranks(storage, plan)
    changed = sum(1 for card, rank in stored_ranks(storage, set(expected)).items() if rank != expected[card])

    assert Planner(storage).rank_new_cards(TODAY) == changed
    assert stored_ranks(storage, set(expected)) == expected
    assert Planner(storage).rank_new_cards(TODAY) == 0  # ranked again: nothing changes


def test_a_ranking_computed_before_a_new_one_is_stored_is_refused() -> None:
    """rank_changes (another connection's read) handed back after rank_new_cards ran is stale: not stored."""
    storage, _decks = seeded_collection(random.Random(1))
    planner = Planner(storage)
    generation = planner.ranking_generation
    changes = planner.rank_changes(TODAY)
    assert changes  # the stale ranks above differ from the order
    storage.db.execute("UPDATE cards SET new_rank = NULL")
    planner.rank_new_cards(TODAY)
    storage.db.execute("UPDATE cards SET new_rank = 99")  # what a stored stale ranking would overwrite

    assert planner.store_ranks(changes, generation) is False
    assert {r[0] for r in storage.db.execute("SELECT new_rank FROM cards")} == {99}
    assert planner.store_ranks(planner.rank_changes(TODAY), planner.ranking_generation) is True
    assert planner.rank_changes(TODAY) == []


def test_areas_whose_first_cards_tie_go_in_the_order_the_cards_were_stored() -> None:
    """Two areas outside the curriculum, decks with equal keys: the area of the card stored first leads
    (as the stable sort over the table did), not the deck id's order."""
    storage = open_collection_db(None)
    decks = [Deck(id=DeckId(name), title="Alpha", area=area, path=PurePath(f"{name}.md"),
                  cards=tuple(Card(id=CardId(f"{name}-{i}"), deck=DeckId(name), front="Q", back="A") for i in range(3)))
             for name, area in (("b", "zz-unknown"), ("a", "yy-unknown"))]
    storage.cards.save_decks(decks, NOW)
    expected = reference_ranks(storage, None)

    Planner(storage).rank_new_cards(TODAY)

    assert stored_ranks(storage, set(expected)) == expected
    assert min(expected, key=lambda card: expected[card] or 0) == "b-0"

