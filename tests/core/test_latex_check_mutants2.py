"""How deep \\left…\\right pairs nest: one after another, nested, and opened without being closed."""

from __future__ import annotations

import pytest

from mlprep.core.latex_check import latex_problem, left_nesting


@pytest.mark.parametrize(("tex", "depth"), [
    (r"\left( a \right) + \left[ b \right] + \left| c \right|", 1),  # side by side: never more than one open
    (r"\left( \left( a \right) \left( \left( \left( b \right) \right) \right) \right)", 4),
    (r"\left( \left( a \right) \left( \left( b \right) \right) \right)", 3),  # the depth after a close counts on
    (r"\left( \left( x", 2),  # opened and never closed: still open
    (r"\leftarrow x \rightarrow y", 0),  # \leftarrow and \rightarrow are not \left and \right
])
def test_left_nesting(tex: str, depth: int) -> None:
    assert left_nesting(tex) == depth


def test_four_unclosed_lefts_are_refused_for_their_depth() -> None:
    problem = latex_problem(r"\left( \left( \left( \left( x")
    assert problem is not None and "nested 4 deep" in problem
