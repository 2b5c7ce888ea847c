"""The deck list's figures: per deck and per area, new and due cards as today's queue allows them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from mlprep.core.models import DeckCounts
from mlprep.core.study_settings import ALL_DECKS, LimitKind, StudySettings
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.queue import TodayQueue
from mlprep.storage.collection_db import CollectionDb


@dataclass(frozen=True)
class AreaCounts:
    """One curriculum area of the deck list: its slug, its label (``"1. Math & statistics"``),
    its decks in curriculum order, and its totals (capped, like every total, by the global limits)."""

    area: str
    label: str
    decks: tuple[DeckCounts, ...]
    new: int
    due: int


@dataclass(frozen=True)
class Overview:
    """The deck list: areas in curriculum order with their decks, and the day's totals (``new``,
    ``due``, ``learn`` = cards owed a same-day re-drill) after every limit."""

    areas: tuple[AreaCounts, ...]
    new: int
    due: int
    learn: int

    @property
    def decks(self) -> list[DeckCounts]:
        """Every deck row, in the order shown."""
        return [deck for area in self.areas for deck in area.decks]


def _curriculum_order(row: DeckCounts, leaf: str) -> tuple[int, tuple[int, ...], str]:
    area = AREAS_BY_SLUG.get(row.area)
    return (area.number if area else 99, tuple(int(p) for p in leaf.split(".") if p.isdigit()), row.title)


def area_label(slug: str) -> str:
    """``"1. Math & statistics"`` for a curriculum area, the slug itself for any other."""
    area = AREAS_BY_SLUG.get(slug)
    return f"{area.number}. {area.title}" if area else slug


def deck_overview(storage: CollectionDb, settings: StudySettings, today: date, since: datetime) -> Overview:
    """Per present deck, the new and due counts Anki's deck browser would show on study day
    ``today`` (which began at the UTC instant ``since``): what is available, capped by the deck's
    own limits and the global limits left after today's answers (:class:`TodayQueue`); decks in
    curriculum order (area, then leaf); area and day totals capped by the global limits."""
    rows = storage.cards.deck_counts(today)
    available = {row.deck_id: {LimitKind.NEW: row.new, LimitKind.REVIEW: row.due} for row in rows}
    queue = TodayQueue(storage, settings, ALL_DECKS, today, since, available=available)
    capped = queue.deck_counts()
    leaves = storage.cards.deck_leaves()
    decks = sorted((replace(row, new=capped[row.deck_id].new, due=capped[row.deck_id].review) for row in rows),
                   key=lambda r: _curriculum_order(r, leaves.get(r.deck_id, "")))
    by_area: dict[str, list[DeckCounts]] = {}
    for row in decks:
        by_area.setdefault(row.area, []).append(row)
    new_left, due_left = queue.limits.left(LimitKind.NEW), queue.limits.left(LimitKind.REVIEW)
    areas = tuple(AreaCounts(slug, area_label(slug), tuple(group), min(new_left, sum(r.new for r in group)),
                             min(due_left, sum(r.due for r in group))) for slug, group in by_area.items())
    totals = queue.counts()
    return Overview(areas, totals.new, totals.review, totals.learn)
