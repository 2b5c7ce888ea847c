"""Where a card's image may come from: a relative path inside its deck's folder, shown through the
``deckimg:`` scheme that :class:`mlprep.ui.card_view.CardDocument` alone resolves. On its own (no Qt, no
Markdown), so that showing a card kept by :mod:`mlprep.ui.render_store` needs neither (issue 16)."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

DECK_IMAGE_SCHEME = "deckimg"


def deck_relative_path(src: str) -> str | None:
    """The normalised relative path ``src`` names inside a deck folder, or ``None`` when it
    has a scheme or host, is absolute, or climbs out of the folder with ``..``."""
    parts = urlsplit(src)
    if not src or parts.scheme or parts.netloc or parts.query:
        return None
    path = unquote(parts.path).replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return None
    normal = posixpath.normpath(path)
    if normal == "." or normal.startswith("../") or normal == "..":
        return None
    return normal
