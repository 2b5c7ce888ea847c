"""Small helpers for the words around numbers on screens and in the terminal."""

from __future__ import annotations


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, the noun in the plural unless ``n`` is 1: ``count_of(1, "day")`` is
    ``"1 day"``, ``count_of(3, "day")`` ``"3 days"``; ``plural`` gives an irregular plural
    (default: ``noun + "s"``)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
