"""A card's row as read and written on the review path: the columns, their conversion to core
dataclasses, and the answer's two statements (issue 16).

The study queue's pick (:meth:`mlprep.storage.study_queries.StudyQueries.pick_due`) reads the card it
picks with these columns in the same statement, and :meth:`mlprep.storage.cards.CardStore.record_answer`
writes an answer with :data:`PROGRESS_UPDATE` and :data:`LOG_INSERT`: fixed texts, which SQLite's
statement cache keeps prepared.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from mlprep.core.models import Card, CardProgress, ReviewLogEntry
from mlprep.storage.log_codec import KIND_CODES, instant_us, stored_day

CARD_COLUMNS = ("id", "deck_id", "front", "back", "tags", "source", "repetitions", "easiness", "interval", "due",
                "lapses", "reviews", "suspended", "buried_until", "user_tags")
"""The columns :func:`card_and_progress_of` reads a card from, in this order."""

CARD_SELECT = ", ".join(f"c.{column}" for column in CARD_COLUMNS)
""":data:`CARD_COLUMNS` as a select list over the table alias ``c``."""

PROGRESS_UPDATE = ("UPDATE cards SET repetitions = ?, easiness = ?, interval = ?, due = ?, lapses = ?, reviews = ?, "
                   "suspended = ?, buried_until = ?, user_tags = ?, last_review = ? WHERE id = ?")
"""A card's scheduling record and ``last_review``; parameters from :func:`progress_params`."""

LOG_INSERT = ("INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, repetitions_after, "
              "interval_before, interval_after, easiness_before, easiness_after, due_before, due_after, answer_ms, "
              "due_sm2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
"""One review-log row; parameters from :func:`log_params`."""


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


@functools.lru_cache(maxsize=1024)
def _day(text: str | None) -> date | None:
    """A stored ISO day (``cards.due``, ``cards.buried_until``) as a date, ``None`` for none; a session reads
    the same few hundred days over and over."""
    return date.fromisoformat(text) if text else None


def _tags(text: str | None) -> tuple[str, ...]:
    """A stored JSON list of tags as a tuple (``None``, ``""`` and ``"[]"`` without parsing)."""
    return () if not text or text == "[]" else _parsed_tags(text)


@functools.lru_cache(maxsize=512)
def _parsed_tags(text: str) -> tuple[str, ...]:
    """``text`` parsed, once per distinct text: a deck's cards mostly share their tags."""
    return tuple(json.loads(text))


def card_and_progress_of(row: Sequence[Any]) -> tuple[Card, CardProgress]:
    """A card's content and scheduling record from a row of :data:`CARD_COLUMNS` (in that order)."""
    (card_id, deck_id, front, back, tags, source, repetitions, easiness, interval, due, lapses, reviews, suspended,
     buried_until, user_tags) = row
    # By position (the fields' order in core.models), as the review path reads one card per answer (issue 16).
    return (Card(card_id, deck_id, front, back, _tags(tags), source or ""),
            CardProgress(card_id, repetitions, easiness, interval, _day(due), lapses, reviews, bool(suspended),
                         _day(buried_until), _tags(user_tags)))


def progress_params(p: CardProgress, last_review: str | None) -> tuple[Any, ...]:
    """:data:`PROGRESS_UPDATE`'s parameters for ``p`` and the ``last_review`` ISO instant (no user tags
    are written ``"[]"`` without encoding)."""
    return (p.repetitions, p.easiness, p.interval, _iso(p.due), p.lapses, p.reviews, int(p.suspended),
            _iso(p.buried_until), json.dumps(list(p.user_tags)) if p.user_tags else "[]", last_review, p.card_id)


def log_params(entry: ReviewLogEntry) -> tuple[Any, ...]:
    """:data:`LOG_INSERT`'s parameters for ``entry`` in the log's stored forms (migration m010,
    :mod:`mlprep.storage.log_codec`): the instant in microseconds since the epoch (UTC), the kind's code,
    the due days as day numbers."""
    code = KIND_CODES.get(entry.kind)  # a ReviewKind is a str: no str() per answer
    return (entry.card_id, instant_us(entry.reviewed_at), entry.quality, str(entry.kind) if code is None else code,
            entry.repetitions_before, entry.repetitions_after, entry.interval_before, entry.interval_after,
            entry.easiness_before, entry.easiness_after, stored_day(entry.due_before), stored_day(entry.due_after),
            entry.answer_ms, stored_day(entry.due_sm2))
