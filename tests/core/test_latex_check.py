"""Finding math in card text and rejecting formulas the renderer cannot typeset."""

from __future__ import annotations

import pytest

from mlprep.core.latex_check import formula_problems, latex_problem
from mlprep.core.math_text import find_math


def test_inline_and_display_math_are_found_but_not_prices_code_or_escapes() -> None:
    text = "Costs $5 and $10. Inline $x^2$, display $$\\frac{a}{b}$$, code `$y$`, escaped \\$z\\$."
    assert [(s.tex, s.display) for s in find_math(text)] == [("x^2", False), ("\\frac{a}{b}", True)]


def test_math_inside_fenced_code_is_ignored() -> None:
    assert find_math("```python\nprint('$a$')\n```\nthen $b$") [0].tex == "b"
    assert len(find_math("```python\nprint('$a$')\n```\nthen $b$")) == 1


@pytest.mark.parametrize("tex", [
    r"\hat{\beta}=(X^\top X)^{-1}X^\top y", r"\mathbb{E}[X]", r"\operatorname{Var}(X)",
    r"\frac{1}{1+e^{-z}}", r"\lVert x \rVert_2", r"\begin{cases} a & x>0 \\ b & \text{else} \end{cases}",
    r"\sum_{i=1}^n x_i", r"\mathcal{N}(\mu, \sigma^2)", r"\left(\frac{a}{b}\right)",
])
def test_good_formulas_pass(tex: str) -> None:
    assert latex_problem(tex) is None


@pytest.mark.parametrize(("tex", "start"), [
    (r"\frac{1}{2", "unbalanced braces"),
    (r"a}b", "unbalanced braces"),
    (r"\undefinedcmd{x}", "unknown command \\undefinedcmd"),
    (r"x^", "MissingSuperScriptOrSubscriptError"),
    (r"\left( x", "ExtraLeftOrMissingRightError"),
])
def test_broken_formulas_are_named(tex: str, start: str) -> None:
    problem = latex_problem(tex)
    assert problem is not None and problem.startswith(start)


def test_formula_problems_reports_offset_and_formula() -> None:
    text = "ok $x$ then $\\frac{1}{2$ end"
    ((offset, message),) = formula_problems(text)
    assert text[offset:].startswith("$\\frac") and "$\\frac{1}{2$" in message


DEEP_LEFT = "\\left(" * 14 + "x" + "\\right)" * 14  # 183 characters: 43 s in ziamath before this check


def test_left_right_nesting_past_three_is_refused_before_typesetting() -> None:
    assert len(DEEP_LEFT) == 183
    assert latex_problem(DEEP_LEFT) == ("\\left...\\right nested 14 deep: at most 3 "
                                        "(each level doubles the time to typeset)")
    assert latex_problem("\\left(" * 3 + "x" + "\\right)" * 3) is None
    assert latex_problem("a \\leftarrow b \\rightarrow c") is None  # \leftarrow is not \left
    assert "nested 14 deep" in formula_problems(f"Q: ${DEEP_LEFT}$")[0][1]
