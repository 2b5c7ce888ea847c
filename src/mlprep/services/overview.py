"""The deck list's figures: per deck, new and due cards as the day's limits allow them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import tzinfo

from mlprep.core.clock import Clock, day_start, study_day
from mlprep.core.models import DeckCounts
from mlprep.core.study_settings import StudySettings
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.storage import study_queries as q
from mlprep.storage.cards import CardStore


@dataclass(frozen=True)
class Overview:
    """The deck list: per-deck rows in curriculum order, and how many new and review cards
    the global limits still allow today (the cap on any total)."""

    decks: list[DeckCounts]
    new_left: int
    reviews_left: int


def _curriculum_order(row: DeckCounts, leaf: str) -> tuple[int, tuple[int, ...], str]:
    area = AREAS_BY_SLUG.get(row.area)
    return (area.number if area else 99, tuple(int(p) for p in leaf.split(".") if p.isdigit()), row.title)


def deck_overview(store: CardStore, clock: Clock, settings: StudySettings,
                  tz: tzinfo | None = None) -> Overview:
    """Per present deck, the new and due counts Anki's deck browser would show: what is
    available today, capped by the deck's own limits and the global limits left after
    today's answers; decks in curriculum order (area, then leaf)."""
    today = study_day(clock.now(), tz, settings.rollover_hour)
    done = q.answered_since(store.db, day_start(today, tz, settings.rollover_hour))
    new_left = max(0, settings.new_per_day - sum(d["new"] for d in done.values()))
    reviews_left = max(0, settings.reviews_per_day - sum(d["review"] for d in done.values()))
    out = []
    for row in store.deck_counts(today):
        new_cap, due_cap = new_left, reviews_left
        deck_done = done.get(row.deck_id, {"new": 0, "review": 0})
        if (limit := settings.limit_for(row.deck_id, "new")) is not None:
            new_cap = min(new_cap, max(0, limit - deck_done["new"]))
        if (limit := settings.limit_for(row.deck_id, "review")) is not None:
            due_cap = min(due_cap, max(0, limit - deck_done["review"]))
        out.append(replace(row, new=min(row.new, new_cap), due=min(row.due, due_cap)))
    leaves = store.deck_leaves()
    out.sort(key=lambda r: _curriculum_order(r, leaves.get(r.deck_id, "")))
    return Overview(out, new_left, reviews_left)
