"""The bar for one card, as far as a program can check it: one question a front, a back short enough to
recall whole.

Source: the curriculum's "bar for one card" (``shared/content/TAXONOMY.md``): "A front asks one question;
a back is short enough to recall whole (about 70 words at most, the why line included)". Words are
whitespace-separated tokens of the back with each fenced code block and each figure counted as one word
(code is read and a figure looked at, not recited); question marks are counted outside code and math,
so ``$P(A \\mid B)?$`` or ``x ? y : z`` in code do not count.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from mlprep.core.fences import LineKind, classify_lines
from mlprep.core.math_text import find_math
from mlprep.core.models import Card

MAX_BACK_WORDS = 70
_CODE_SPAN_RE = re.compile(r"`+[^`]*`+")
_IMAGE_RE = re.compile(r"!\[(?:\\.|[^\]\\])*\]\([^)]*\)")  # a figure is looked at, not recited: one word


@dataclass(frozen=True)
class StyleProblem:
    """One card that misses the bar: its id and what is wrong (``"front asks 2 questions"``,
    ``"back has 84 words (at most 70)"``)."""

    card_id: str
    message: str


def _prose(text: str) -> str:
    """``text`` without fenced code (each block becomes one word ``code``), code spans and math."""
    lines = text.splitlines()
    kept: list[str] = []
    for line, kind in zip(lines, classify_lines(lines), strict=True):
        if kind is LineKind.TEXT:
            kept.append(line)
        elif kind is LineKind.OPEN:
            kept.append("code")
    prose = "\n".join(kept)
    for span in reversed(find_math(prose)):
        prose = prose[:span.start] + " math " + prose[span.end:]
    return _IMAGE_RE.sub(" figure ", _CODE_SPAN_RE.sub(" code ", prose))


def back_words(card: Card) -> int:
    """Words in ``card``'s back (see the module docstring for how code counts)."""
    return len(_prose(card.back).split())


def front_questions(card: Card) -> int:
    """Question marks in ``card``'s front outside code and math."""
    return _prose(card.front).count("?")


_LIST_ITEM_RE = re.compile(r"^ {0,3}(\d{1,9})\.[ \t]+\S", re.M)


def literal_number_start(text: str) -> str | None:
    """The number (``"2"``) a card side opens with as ``2. ...`` when no item ``3.`` follows it: Markdown
    (Python-Markdown's ordered lists, any start number) shows that line as a numbered list of one item,
    though "2. For the NULL row ..." is almost always an answer that starts with a number. ``None`` when
    the side does not start so, or goes on with the next number (a real list). ``2\\.`` is text."""
    first = _LIST_ITEM_RE.match(text.lstrip("\n"))
    if first is None:
        return None
    following = str(int(first.group(1)) + 1)
    if any(m.group(1).lstrip("0") == following for m in _LIST_ITEM_RE.finditer(text, first.end())):
        return None
    return first.group(1)


def style_problems(card: Card, allowed: Collection[str] = ()) -> list[StyleProblem]:
    """What ``card`` misses of the bar, unless its id is in ``allowed`` (a two-part front that is truly
    one idea, see ``resources/style-allow.txt``): a front with two or more questions, a back over
    :data:`MAX_BACK_WORDS` words."""
    if card.id in allowed:
        return []
    out = []
    if (questions := front_questions(card)) > 1:
        out.append(StyleProblem(card.id, f"front asks {questions} questions (one a card)"))
    if (words := back_words(card)) > MAX_BACK_WORDS:
        out.append(StyleProblem(card.id, f"back has {words} words (at most {MAX_BACK_WORDS})"))
    return out
