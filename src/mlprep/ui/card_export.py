"""``mlprep render``: draw one card offscreen to a PNG (for sharing a card and for the docs)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mlprep.core.models import Card, Deck


def find_card(decks: Sequence[Deck], card_id: str) -> tuple[Card, Deck] | None:
    """The card with id ``card_id`` and its deck, or ``None``."""
    for deck in decks:
        for card in deck.cards:
            if card.id == card_id:
                return card, deck
    return None


def render_to_png(card: Card, deck: Deck, out: Path, *, back: bool, dark: bool, width: int = 760,
                  scale: float = 2.0) -> tuple[int, int]:
    """Write ``card`` (front, or front and back) to ``out`` as PNG; return its pixel size.

    Starts an offscreen ``QGuiApplication`` if none runs. Raises ``OSError`` if the file
    cannot be written.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from mlprep.ui.card_view import render_card_image
    from mlprep.ui.theme import DARK, LIGHT

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = render_card_image(card.front, card.back if back else None, DARK if dark else LIGHT,
                              width=width, scale=scale, deck_dir=Path(deck.path).parent,
                              source=card.source if back else "")
    if not image.save(str(out), "PNG"):  # type: ignore[call-overload]  # PySide6's stub says bytes; the binding takes str
        raise OSError(f"{out}: cannot write the PNG")
    return image.width(), image.height()
