"""Study settings and scopes: plain values, validated, with Anki's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
            for name in ("new_per_day", "reviews_per_day"):
                value = getattr(limits, name)
                if value is not None and (not isinstance(value, int) or value < 0):
                    raise ValueError(f"deck_limits[{deck!r}].{name} must be a non-negative integer, got {value!r}")
        object.__setattr__(self, "new_order", NewOrder(self.new_order))
        object.__setattr__(self, "leech_action", LeechAction(self.leech_action))

    def limit_for(self, deck_id: str, kind: str) -> int | None:
        """The deck's own limit for ``kind`` (``"new"`` or ``"review"``), or ``None``."""
        limits = self.deck_limits.get(deck_id)
        if limits is None:
            return None
        return limits.new_per_day if kind == "new" else limits.reviews_per_day
