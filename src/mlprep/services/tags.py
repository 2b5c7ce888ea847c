"""The tags a user can study, with their card counts and human names (the tag picker's rows).

Cards carry machine tags next to the deck's and their own: their curriculum area's slug (``math``),
``leaf:<id>`` for their curriculum leaf (:mod:`mlprep.core.taxonomy`) and ``ref:<id>`` for each
reading-list item their ``source:`` cites (:func:`mlprep.services.reading.ref_tag`). Each is named here
as a person would: the area's or leaf's title, the reading item's title.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from mlprep.core.deck_format import REF_TAG_PREFIX
from mlprep.core.taxonomy import AREAS_BY_SLUG, LEAVES
from mlprep.storage.collection_db import CollectionDb
from mlprep.storage.tag_queries import tag_card_counts

LEAF_TAG_PREFIX = "leaf:"
"""The prefix of a curriculum leaf's tag (``leaf:1.1``), as :func:`mlprep.core.deck_format.parse_deck` writes it."""


class TagGroup(Enum):
    """The heading a tag is listed under, in the order the picker shows them; the value is the heading."""

    AREA = "Areas"
    LEAF = "Curriculum leaves"
    READING = "Reading list"
    TAG = "Tags"  # the long list (hundreds) last


@dataclass(frozen=True)
class TagCount:
    """One tag: the ``tag`` itself (what a tag scope studies), its human ``name``, its ``group`` and how
    many present ``cards`` carry it."""

    tag: str
    name: str
    group: TagGroup
    cards: int


def _leaf_key(leaf_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in leaf_id.split(".") if part.isdigit())


def describe_tag(tag: str, reading_titles: Mapping[str, str]) -> tuple[TagGroup, str]:
    """The heading and human name of ``tag``: an area slug gives the area's title (``"Math &
    statistics"``), ``leaf:1.1`` the leaf's id and title (``"1.1 Linear algebra"``), ``ref:islr`` the
    reading item's title from ``reading_titles`` (item id -> title; the bare id when unknown); any other
    tag is its own name."""
    if tag.startswith(LEAF_TAG_PREFIX):
        leaf_id = tag.removeprefix(LEAF_TAG_PREFIX)
        leaf = LEAVES.get(leaf_id)
        return TagGroup.LEAF, f"{leaf_id} {leaf.title}" if leaf else leaf_id
    if tag.startswith(REF_TAG_PREFIX):
        item_id = tag.removeprefix(REF_TAG_PREFIX)
        return TagGroup.READING, reading_titles.get(item_id, item_id)
    if (area := AREAS_BY_SLUG.get(tag)) is not None:
        return TagGroup.AREA, area.title
    return TagGroup.TAG, tag


def _order(row: TagCount) -> tuple[int, tuple[int, ...], str, str]:
    groups = list(TagGroup)
    leaf = _leaf_key(row.tag.removeprefix(LEAF_TAG_PREFIX)) if row.group is TagGroup.LEAF else ()
    return groups.index(row.group), leaf, row.name.casefold(), row.tag


def tag_counts(storage: CollectionDb, reading_titles: Mapping[str, str]) -> list[TagCount]:
    """Every tag on a present card with how many present cards carry it, named by
    :func:`describe_tag`; by group (:class:`TagGroup` order), then by name (leaves by their number,
    ``1.2`` before ``1.10``)."""
    rows = []
    for tag, cards in tag_card_counts(storage.db).items():
        group, name = describe_tag(tag, reading_titles)
        rows.append(TagCount(tag, name, group, cards))
    return sorted(rows, key=_order)
