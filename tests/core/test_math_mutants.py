"""Math spans with their exact offsets, and the LaTeX checker at each of its limits."""

from __future__ import annotations

import pytest

from mlprep.core import latex_check
from mlprep.core.latex_check import MAX_FORMULA_CHARS, formula_problems, latex_problem
from mlprep.core.math_text import MathSpan, find_math


def test_spans_after_a_code_span_keep_their_offsets_in_the_text() -> None:
    text = "`a` $x$ and $$y$$"
    assert find_math(text) == [MathSpan("x", False, 4, 7), MathSpan("y", True, 12, 17)]
    assert text[4:7] == "$x$" and text[12:17] == "$$y$$"


def test_a_code_span_with_dollars_is_blanked_to_its_own_length() -> None:
    text = "``$a$`` then $b$"
    assert find_math(text) == [MathSpan("b", False, 13, 16)]


def test_inline_math_does_not_run_across_a_code_block() -> None:
    # The fence lines are blanked but keep their line ends, so the block is a paragraph break.
    assert find_math("$x\n```\n```\ny$") == []
    assert find_math("$x\n~~~\ncode\n~~~\ny$") == []


def test_math_after_a_code_block_keeps_its_offset() -> None:
    text = "```\n$no$\n```\n $yes$"
    assert find_math(text) == [MathSpan("yes", False, 14, 19)]


def test_the_length_limit_is_600_characters_inclusive() -> None:
    assert latex_problem("x" * MAX_FORMULA_CHARS) is None
    assert latex_problem("x" * (MAX_FORMULA_CHARS + 1)) == "formula longer than 600 characters"


def test_nesting_of_6_is_allowed_and_7_is_not() -> None:
    assert latex_problem("{" * 6 + "x" + "}" * 6) is None
    assert latex_problem("{" * 7 + "x" + "}" * 7) == "nested more than 6 levels deep"


@pytest.mark.parametrize(("tex", "problem"), [
    ("}x{", "unbalanced braces: '}' without '{'"),
    ("{x", "unbalanced braces: '{' is never closed"),
    (r"\{ x \}", None),  # escaped braces are not grouping
    (r"a\}b", None),
    (r"\{{x}", None),
    (r"x\\}", "unbalanced braces: '}' without '{'"),  # an escaped backslash escapes nothing after it
])
def test_braces_are_counted_except_escaped_ones(tex: str, problem: str | None) -> None:
    assert latex_problem(tex) == problem


def test_unknown_commands_are_all_named_once_in_order() -> None:
    assert latex_problem(r"\zzz + \yyy - \zzz") == "unknown command \\yyy, \\zzz"


def test_formula_problems_give_offset_and_the_formula() -> None:
    assert formula_problems("a $x$ b $}$") == [(8, "formula $}$: unbalanced braces: '}' without '{'")]


def test_the_renderers_command_table_holds_its_names_without_the_backslash() -> None:
    # Built once when the module loads; checked here on its own so that its rule is tested, too.
    names = latex_check._command_names()
    assert isinstance(names, frozenset)
    assert {"frac", "sqrt", "sum", "prod", "prime", "overline", "begin", "mathrm"} <= names
    assert not {"rac", "^", "}", "\\frac"} & names  # '^' and '}' are plain symbols in the tables, not commands
