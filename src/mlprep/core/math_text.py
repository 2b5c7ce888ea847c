"""Find LaTeX math in Markdown card text.

``$...$`` is inline math and ``$$...$$`` display math. A ``\\$`` is a literal dollar;
dollars inside code spans and fenced code blocks are not math. An inline ``$`` must be
followed by a non-space and closed by a ``$`` preceded by a non-space on the same
paragraph (Pandoc's ``tex_math_dollars`` rule), so "$5 and $10" stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlprep.core.fences import LineKind, classify_lines

_CODE_SPAN_RE = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_MATH_RE = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?![\s$])(?P<inline>(?:\\.|[^$\\\n]|\n(?!\s*\n))+?)(?<![\s\\])\$(?![0-9$])",
    re.S,
)


@dataclass(frozen=True)
class MathSpan:
    """One formula: its LaTeX (without dollars), display or inline, and where it sits
    in the text (``start``/``end`` are character offsets of the whole ``$...$``)."""

    tex: str
    display: bool
    start: int
    end: int


def _masked(text: str) -> str:
    """``text`` with code blocks and code spans blanked out (same length)."""
    lines = text.splitlines(keepends=True)
    out = []
    for line, kind in zip(lines, classify_lines(lines), strict=True):
        if kind is LineKind.TEXT:
            out.append(line)
        else:
            body = line.rstrip("\r\n")
            out.append(" " * len(body) + line[len(body):])
    masked = "".join(out)
    return _CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), masked)


def find_math(text: str) -> list[MathSpan]:
    """Every formula in ``text``, in order (see the module docstring for the rules)."""
    spans = []
    for m in _MATH_RE.finditer(_masked(text)):
        display = m.group("display") is not None
        start, end = m.span()
        inner = text[start + (2 if display else 1): end - (2 if display else 1)]
        spans.append(MathSpan(tex=inner.strip(), display=display, start=start, end=end))
    return spans
