"""Check that the LaTeX in card text is well formed for the math renderer.

The renderer (ziamath) converts LaTeX with latex2mathml, which silently accepts some
broken input (an unclosed ``{``, an unknown ``\\command`` drawn as its name). This
module rejects those too, so ``mlprep check`` can report them.
"""

from __future__ import annotations

import re

from latex2mathml import commands as _commands
from latex2mathml import symbols_parser as _symbols
from latex2mathml.converter import convert as _convert

from mlprep.core.math_text import find_math

_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")


def _command_names() -> frozenset[str]:
    """Every ``\\name`` that latex2mathml's command tables mention."""
    names: set[str] = set()
    for attr in dir(_commands):
        if not attr.isupper():
            continue
        value = getattr(_commands, attr)
        if isinstance(value, str):
            values = [value]
        elif isinstance(value, (tuple, list, set, frozenset, dict)):
            values = list(value)
        else:
            continue
        names.update(v[1:] for v in values if isinstance(v, str) and v.startswith("\\"))
    return frozenset(names)


_KNOWN = _command_names()
_EXTRA = frozenset({"text", "textbf", "textit", "mathrm", "operatorname", "tfrac", "dfrac", "binom",
                    "lVert", "rVert", "lvert", "rvert", "displaystyle", "quad", "qquad", "boldsymbol",
                    "mathbf", "mathcal", "mathbb", "top", "intercal", "varepsilon", "Pr", "ldots", "cdots",
                    "aligned", "left", "right", "big", "Big", "bigg", "Bigg"})


def is_known_command(name: str) -> bool:
    """True if ``\\name`` is a command or symbol the renderer knows."""
    return name in _KNOWN or name in _EXTRA or _symbols.convert_symbol("\\" + name) is not None


# The typesetter's time grows exponentially with nesting (depth 8 of \frac: 0.6 s, 12: 16 s)
# and formulas this long are not flashcard material: refuse both before typesetting. The
# shipped decks reach depth 4 and 292 characters.
MAX_NESTING = 6
MAX_FORMULA_CHARS = 600
MAX_LEFT_NESTING = 3
"""``\\left``…``\\right`` pairs nested deeper than this are refused: ziamath re-lays out every inner pair
for each outer one, so the time doubles per level (measured here, ziamath 0.13: 3 deep 56 ms, 4 deep 94 ms,
6 deep 333 ms, 9 deep 2.7 s; 14 deep took 43 s in the reliability campaign). The shipped decks nest 2 deep
at most."""
_LEFT_RIGHT_RE = re.compile(r"\\(left|right)(?![A-Za-z])")


def left_nesting(tex: str) -> int:
    """The deepest nesting of ``\\left``…``\\right`` pairs in ``tex``."""
    depth = deepest = 0
    for match in _LEFT_RIGHT_RE.finditer(tex):
        depth = depth + 1 if match.group(1) == "left" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def latex_problem(tex: str) -> str | None:
    """Return why ``tex`` (one formula, no dollars) cannot be typeset, or None if it can.

    Besides syntax, refuses formulas longer than ``MAX_FORMULA_CHARS``, with braces nested deeper than
    ``MAX_NESTING`` or ``\\left``/``\\right`` pairs deeper than ``MAX_LEFT_NESTING``, which would take
    seconds to typeset.
    """
    if len(tex) > MAX_FORMULA_CHARS:
        return f"formula longer than {MAX_FORMULA_CHARS} characters"
    depth = deepest = 0
    escaped = False
    for ch in tex:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return "unbalanced braces: '}' without '{'"
    if depth:
        return "unbalanced braces: '{' is never closed"
    if deepest > MAX_NESTING:
        return f"nested more than {MAX_NESTING} levels deep"
    if (lefts := left_nesting(tex)) > MAX_LEFT_NESTING:
        return (f"\\left...\\right nested {lefts} deep: at most {MAX_LEFT_NESTING} "
                "(each level doubles the time to typeset)")
    unknown = sorted({m.group(1) for m in _COMMAND_RE.finditer(tex) if not is_known_command(m.group(1))})
    if unknown:
        return "unknown command " + ", ".join("\\" + u for u in unknown)
    try:
        _convert(tex)
    except Exception as exc:  # latex2mathml raises many unrelated exception types
        return f"{type(exc).__name__} {exc}".strip()
    return None


def formula_problems(text: str) -> list[tuple[int, str]]:
    """Every formula in Markdown ``text`` that cannot be typeset, as (offset, message)."""
    out = []
    for span in find_math(text):
        problem = latex_problem(span.tex)
        if problem:
            out.append((span.start, f"formula ${span.tex}$: {problem}"))
    return out
