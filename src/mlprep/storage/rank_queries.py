"""The new cards' introduction order (``cards.new_rank``) computed inside SQLite.

The order is :func:`mlprep.core.planner.new_card_order` over the new cards in curriculum order; the planner
(:mod:`mlprep.services.planning`) decides, per deck, where its cards go (:class:`DeckPlace`, from a few
hundred decks at most) and this module ranks the cards themselves with window functions, so that no Python
object is built per card (at 100,000 cards the Python version built ~300,000 objects, ~85 MB at its peak,
and took 1.6 s; see docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mlprep.core.models import CardId, DeckId
from mlprep.storage.db import Db

_NEW = "c.present = 1 AND c.suspended = 0 AND c.due IS NULL"
"""A new card as the planner counts it: present, not suspended, never answered."""


@dataclass(frozen=True)
class NewDeck:
    """A deck holding at least one new card: its ``area`` slug, curriculum ``leaf`` (``""`` when none),
    ``title``, and its first new card (smallest place in the deck file): ``first_position`` and that
    card's row id ``first_row`` (which breaks ties between equal curriculum keys)."""

    deck_id: DeckId
    area: str
    leaf: str
    title: str
    first_position: int
    first_row: int


@dataclass(frozen=True)
class DeckPlace:
    """Where one deck's new cards go in the order: ``curriculum`` (decks in curriculum order, equal
    for decks whose curriculum keys are equal: their cards then go by position, then by row), the
    ``area`` index (areas in order of first appearance), whether the deck is a ``focus`` deck of its
    area (else normal), the area's ``area_factor`` (0 skipped, 1 normal, 2 focus: see
    :class:`mlprep.core.planner.Weight`) and whether the deck itself is ``skipped``."""

    curriculum: int
    area: int
    focus: bool
    area_factor: int
    skipped: bool = False


# Ranks as mlprep.core.planner.interleave does, in three window passes (a card's row id breaks ties of
# equal curriculum keys as the stable sort over a table scan did):
#   j: the card's index among its area's focus (or normal) cards, in curriculum order;
#   i: its index in the area's stream: focus card j at time (2j + 1), normal card j at 2(2j + 1);
#   rank: its place overall: stream item i of an area of factor f at time (2i + 1)·(lcm / f), ties by area.
_RANKED = f"""
WITH place AS (
    SELECT json_extract(value, '$[0]') AS deck_id, json_extract(value, '$[1]') AS curriculum,
           json_extract(value, '$[2]') AS area, json_extract(value, '$[3]') AS focus,
           json_extract(value, '$[4]') AS factor, json_extract(value, '$[5]') AS skipped
    FROM json_each(:places)
), new AS (
    SELECT c.id, c.new_rank, c.rowid AS row, c.position, p.curriculum, p.area, p.focus, p.factor,
           p.factor > 0 AND NOT p.skipped AS kept
    FROM cards c JOIN place p ON p.deck_id = c.deck_id
    WHERE {_NEW}
), indexed AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY kept, area, focus ORDER BY curriculum, position, row) - 1 AS j
    FROM new
), streamed AS (
    {{streamed}}
), ranked AS (
    SELECT id, new_rank, CASE WHEN kept THEN
               ROW_NUMBER() OVER (PARTITION BY kept ORDER BY (2 * i + 1) * (:lcm / MAX(factor, 1)), area) - 1
           END AS rank
    FROM streamed
)
SELECT id, rank FROM ranked WHERE new_rank IS NOT rank
"""


_MIXED = ("SELECT *, ROW_NUMBER() OVER (PARTITION BY kept, area ORDER BY (2 * j + 1) * (2 - focus)) - 1 AS i "
          "FROM indexed")
_UNMIXED = "SELECT *, j AS i FROM indexed"  # no focus deck: an area's stream is its normal cards (a sort saved)


class RankQueries:
    """Reads and writes of the new-card order over one open collection ``db``."""

    def __init__(self, db: Db) -> None:
        self._db = db

    def new_decks(self) -> list[NewDeck]:
        """Every deck holding a new card (present, unsuspended, never answered), unordered."""
        rows = self._db.execute(
            "SELECT d.id, d.area, COALESCE(d.leaf, ''), d.title, n.first, n.row FROM decks d JOIN "
            "(SELECT c.deck_id, MIN(c.position) AS first, c.rowid AS row FROM cards c "
            f"WHERE {_NEW} GROUP BY c.deck_id) n ON n.deck_id = d.id").fetchall()  # row: the first card's (SQLite)
        return [NewDeck(DeckId(deck), area, leaf, title, int(first), int(row))
                for deck, area, leaf, title, first, row in rows]

    def new_cards_reach(self, count: int) -> bool:
        """Whether the collection holds at least ``count`` new cards (present, unsuspended, never answered);
        reads at most ``count`` entries of the new-card index."""
        return bool(self._db.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM cards c WHERE {_NEW} LIMIT ?)",
                                     [count]).fetchone()[0] >= count)

    def rank_changes(self, places: Mapping[DeckId, DeckPlace], lcm: int) -> list[tuple[CardId, int | None]]:
        """The new cards of the decks in ``places`` whose stored rank differs from the one ``places``
        give them (``None``: a skipped area or deck, never introduced), as ``(card, rank)``; ranks are
        0-based over the kept cards. ``lcm``: the least common multiple of the kept areas' factors
        (1 or 2). New cards of decks not in ``places`` are left out."""
        payload = json.dumps([[deck, p.curriculum, p.area, int(p.focus), p.area_factor, int(p.skipped)]
                              for deck, p in places.items()])
        mixed = any(p.focus and p.area_factor and not p.skipped for p in places.values())
        rows = self._db.execute(_RANKED.format(streamed=_MIXED if mixed else _UNMIXED),
                                {"places": payload, "lcm": lcm}).fetchall()
        return [(CardId(card), None if rank is None else int(rank)) for card, rank in rows]

    def write_ranks(self, changes: Iterable[tuple[CardId, int | None]]) -> int:
        """Store each ``(card, rank)`` of ``changes`` in one transaction; return how many were given."""
        rows = [(rank, card) for card, rank in changes]
        if rows:
            with self._db.atomic():
                self._db.conn.executemany("UPDATE cards SET new_rank = ? WHERE id = ?", rows)
        return len(rows)

