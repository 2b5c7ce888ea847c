"""How cards look: the colour theme and the card text zoom (stored with the collection)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ZOOM_MIN, ZOOM_MAX = -4, 8
ZOOM_FACTOR = 1.1  # each Ctrl+/Ctrl- step scales card text (and its math) by 10 %


class ThemeMode(StrEnum):
    """Follow the system's colour scheme, or force light or dark."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class DisplaySettings:
    """``theme`` mode and ``zoom`` in steps (``ZOOM_MIN``..``ZOOM_MAX``; 0 is the default size).

    Raises ``ValueError`` naming the field if ``zoom`` is out of range.
    """

    theme: ThemeMode = ThemeMode.SYSTEM
    zoom: int = 0

    def __post_init__(self) -> None:
        if not ZOOM_MIN <= self.zoom <= ZOOM_MAX:
            raise ValueError(f"zoom must be {ZOOM_MIN}..{ZOOM_MAX}, got {self.zoom}")

    @property
    def scale(self) -> float:
        """The factor applied to the card's base text size: ``1.1 ** zoom``."""
        return float(ZOOM_FACTOR ** self.zoom)

    def zoomed(self, steps: int) -> DisplaySettings:
        """A copy with ``zoom`` moved by ``steps``, clamped to the allowed range."""
        return DisplaySettings(self.theme, max(ZOOM_MIN, min(ZOOM_MAX, self.zoom + steps)))
