"""One fence scanner for the deck parser and the math finder (CommonMark §4.5)."""

from __future__ import annotations

from pathlib import PurePath

from hypothesis import given
from hypothesis import strategies as st

from mlprep.core.deck_format import DeckError, parse_deck
from mlprep.core.fences import LineKind, classify_lines, ends_inside_block
from mlprep.core.latex_check import formula_problems
from mlprep.core.math_text import find_math

T, OPEN, C, X = LineKind.TEXT, LineKind.OPEN, LineKind.CODE, LineKind.CLOSE

FOUR_BACKTICKS = "````markdown\nInline $\\frac{a}{b$ here\n```\nstill code, $x$\n````\nafter: $y$\n"


def test_a_four_backtick_block_closes_only_on_four_or_more() -> None:
    lines = FOUR_BACKTICKS.splitlines()
    assert classify_lines(lines) == [OPEN, C, C, C, X, T]


def test_math_inside_a_four_backtick_block_is_code_not_math() -> None:
    assert [span.tex for span in find_math(FOUR_BACKTICKS)] == ["y"]
    assert formula_problems(FOUR_BACKTICKS) == []


def test_the_parser_and_the_math_finder_agree_on_a_long_fence() -> None:
    deck = ("---\ntitle: T\narea: sql\n---\n\n## c-one\nsource: s\n\nQ: What?\n\nA: See\n\n"
            + FOUR_BACKTICKS.replace("after", "A: not a marker") + "\n## c-two\nsource: s\n\nQ: Two?\n\nA: $z$\n")
    parsed = parse_deck(deck, PurePath("t.md"))
    assert [c.id for c in parsed.cards] == ["c-one", "c-two"]
    assert "A: not a marker" in parsed.cards[0].back


def test_closing_rules() -> None:
    assert classify_lines(["~~~", "```", "~~", "~~~ x", "   ~~~~  "]) == [OPEN, C, C, C, X]
    assert classify_lines(["    ```", "```"]) == [T, OPEN]  # four spaces: an indented line, not a fence
    assert classify_lines(["``` a`b", "x"]) == [T, T]  # a backtick fence's info string has no backtick
    assert classify_lines(["~~~ a`b", "~~~"]) == [OPEN, X]


def test_a_block_never_closed_is_reported_with_the_last_line() -> None:
    assert ends_inside_block(classify_lines(["```", "x"]))
    assert not ends_inside_block(classify_lines(["```", "x", "```", "y"]))
    text = "---\ntitle: T\narea: sql\n---\n\n## c-one\nsource: s\n\nQ: What?\n\nA: ````\ncode\n```\n"
    try:
        parse_deck(text, PurePath("t.md"))
    except DeckError as error:
        assert [(p.line, p.message) for p in error.problems] == [(13, "a fenced code block is never closed")]
    else:
        raise AssertionError("an unclosed fence was accepted")


@given(st.lists(st.sampled_from(["```", "````", "~~~", "``` py", "text", "$x$", "   ```", "````  "]), max_size=12))
def test_math_is_found_only_on_text_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    kinds = classify_lines(lines)
    starts = {sum(len(line) + 1 for line in lines[:i]) for i, kind in enumerate(kinds) if kind is T}
    assert {span.start for span in find_math(text)} <= starts
    assert len(find_math(text)) == sum(1 for line, kind in zip(lines, kinds, strict=True)
                                       if kind is T and line == "$x$")
