"""Fenced code blocks, found once for every reader of card text (the deck parser, the math finder).

The rules are CommonMark 0.31's, §4.5 "Fenced code blocks" (https://spec.commonmark.org/0.31.2/#fenced-code-blocks),
for blocks that are not inside a container (card text has no block quotes, and lists in the shipped decks
hold no fences):

* an opening fence is a line with at most three spaces of indentation, then at least three backticks or at
  least three tildes; a backtick fence's info string may not contain a backtick (such a line is text);
* the block ends at a closing fence of the same character, at least as long as the opening one, with at most
  three spaces of indentation and nothing but spaces after it; a shorter run, another character or trailing
  text is content;
* a block never closed runs to the end of the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


class LineKind(Enum):
    """What one line of Markdown is with respect to fenced code blocks."""

    TEXT = "text"  # outside every block
    OPEN = "open"  # an opening fence
    CODE = "code"  # inside a block
    CLOSE = "close"  # a closing fence


def classify_lines(lines: Sequence[str]) -> list[LineKind]:
    """The kind of each line of ``lines`` (without their line endings; a trailing ``\\n`` is
    ignored): one :class:`LineKind` per line, in order."""
    kinds: list[LineKind] = []
    fence = ""  # the open block's fence run, "" outside a block
    for raw in lines:
        line = raw.rstrip("\r\n")
        marker = _FENCE_RE.match(line)
        if not fence:
            if marker and not (marker.group(1)[0] == "`" and "`" in marker.group(2)):
                fence = marker.group(1)
                kinds.append(LineKind.OPEN)
            else:
                kinds.append(LineKind.TEXT)
        elif (marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence)
              and not marker.group(2).strip(" ")):
            fence = ""
            kinds.append(LineKind.CLOSE)
        else:
            kinds.append(LineKind.CODE)
    return kinds


def ends_inside_block(kinds: Sequence[LineKind]) -> bool:
    """True if the text whose lines have ``kinds`` ends inside a block that was never closed."""
    for kind in reversed(kinds):
        if kind is LineKind.CLOSE or kind is LineKind.TEXT:
            return False
        if kind is LineKind.OPEN:
            return True
    return False
