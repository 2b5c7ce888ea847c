"""Study settings and scopes: plain values, validated, with Anki's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from mlprep.core.clock import DEFAULT_ROLLOVER_HOUR


class NewOrder(StrEnum):
    """Where new cards go in the day's queue: spread among reviews, before or after them."""

    MIXED = "mixed"
    BEFORE = "before"
    AFTER = "after"


class LeechAction(StrEnum):
    """What happens to a leech: tagged and suspended, or only tagged."""

    SUSPEND = "suspend"
    TAG = "tag"


class LimitKind(StrEnum):
    """The two daily limits: new cards introduced, and reviews of cards seen before."""

    NEW = "new"
    REVIEW = "review"


class ScopeKind(StrEnum):
    """What a study session draws from."""

    ALL = "all"
    DECK = "deck"
    AREA = "area"
    TAG = "tag"


@dataclass(frozen=True)
class StudyScope:
    """All decks, one deck (``value`` = deck id), one area (area slug) or one tag."""

    kind: ScopeKind = ScopeKind.ALL
    value: str = ""

    def __post_init__(self) -> None:
        if (self.kind is ScopeKind.ALL) != (not self.value):
            need = "takes no" if self.kind is ScopeKind.ALL else "needs a"
            raise ValueError(f"scope {self.kind.value!r} {need} value")


ALL_DECKS = StudyScope()


@dataclass(frozen=True)
class DeckLimits:
    """Per-deck daily limits; ``None`` leaves only the global limit."""

    new_per_day: int | None = None
    reviews_per_day: int | None = None

    def __post_init__(self) -> None:
        for name in ("new_per_day", "reviews_per_day"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be a whole number ≥ 0, got {value!r}")

    @classmethod
    def parse(cls, new_per_day: str, reviews_per_day: str) -> DeckLimits:
        """Limits typed by a user: each a whole number ≥ 0, or blank for none. Raises
        ``ValueError`` saying what is wrong."""
        def one(text: str) -> int | None:
            text = text.strip()
            if text and not (text.isascii() and text.isdigit()):
                raise ValueError(f"a limit must be a whole number ≥ 0, got {text!r}")
            return int(text) if text else None
        return cls(one(new_per_day), one(reviews_per_day))

    @property
    def unset(self) -> bool:
        """True when neither limit is set (only the global limits apply)."""
        return self.new_per_day is None and self.reviews_per_day is None

    def get(self, kind: LimitKind) -> int | None:
        """The limit for ``kind``, or ``None`` when only the global limit applies."""
        return self.new_per_day if kind is LimitKind.NEW else self.reviews_per_day


@dataclass(frozen=True)
class StudySettings:
    """Everything the study session can be told.

    Limits are cards per study day; ``rollover_hour`` (0–23, local time) starts the day;
    ``leech_threshold`` is the lapse count that makes a card a leech. Defaults are Anki's.
    Raises ``ValueError`` naming the field for a value out of range.
    """

    new_per_day: int = 20
    reviews_per_day: int = 200
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    new_order: NewOrder = NewOrder.MIXED
    six_grades: bool = False
    leech_threshold: int = 8
    leech_action: LeechAction = LeechAction.SUSPEND
    deck_limits: Mapping[str, DeckLimits] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        for name, low, high in (("new_per_day", 0, 9999), ("reviews_per_day", 0, 99999),
                                ("rollover_hour", 0, 23), ("leech_threshold", 1, 999)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")
        for deck, limits in self.deck_limits.items():
            if not isinstance(limits, DeckLimits):
                raise ValueError(f"deck_limits[{deck!r}] must be DeckLimits, got {limits!r}")
        object.__setattr__(self, "new_order", NewOrder(self.new_order))
        object.__setattr__(self, "leech_action", LeechAction(self.leech_action))

    def extended(self, kind: LimitKind, extra: int) -> StudySettings:
        """These settings with ``extra`` more cards of ``kind`` allowed (Anki's "increase today's new card
        limit"): the global limit for ``kind`` and every deck's own limit for it raised by ``extra``
        cards, each capped at the largest limit allowed (9999 new cards, 99999 reviews a day).
        ``extra`` 0 returns these settings; raises ``ValueError`` for an ``extra`` below 0."""
        if isinstance(extra, bool) or not isinstance(extra, int) or extra < 0:
            raise ValueError(f"extra must be a whole number ≥ 0, got {extra!r}")
        if not extra:
            return self
        cap = 9999 if kind is LimitKind.NEW else 99999

        def raised(limit: int | None) -> int | None:
            return None if limit is None else min(cap, limit + extra)
        limits = self.deck_limits.items()
        if kind is LimitKind.NEW:
            new = {deck: replace(own, new_per_day=raised(own.new_per_day)) for deck, own in limits}
            return replace(self, new_per_day=min(cap, self.new_per_day + extra), deck_limits=MappingProxyType(new))
        due = {deck: replace(own, reviews_per_day=raised(own.reviews_per_day)) for deck, own in limits}
        return replace(self, reviews_per_day=min(cap, self.reviews_per_day + extra), deck_limits=MappingProxyType(due))

    def daily_limit(self, kind: LimitKind) -> int:
        """The global limit for ``kind``, cards per study day."""
        return self.new_per_day if kind is LimitKind.NEW else self.reviews_per_day

    def limit_for(self, deck_id: str, kind: LimitKind) -> int | None:
        """The deck's own limit for ``kind``, or ``None`` when only the global one applies."""
        limits = self.deck_limits.get(deck_id)
        return limits.get(LimitKind(kind)) if limits is not None else None
