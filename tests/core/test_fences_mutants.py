"""Fence edge cases: closing fences with trailing characters, Windows line ends, empty input."""

from __future__ import annotations

from mlprep.core.fences import LineKind, classify_lines, ends_inside_block

T, OPEN, C, X = LineKind.TEXT, LineKind.OPEN, LineKind.CODE, LineKind.CLOSE


def test_a_closing_fence_may_be_followed_by_spaces_only() -> None:
    assert classify_lines(["```", "```   ", "x"]) == [OPEN, X, T]
    assert classify_lines(["```", "```\t", "```X", "```"]) == [OPEN, C, C, X]  # a tab or a letter is content
    assert classify_lines(["~~~", "~~~ X", "~~~"]) == [OPEN, C, X]


def test_line_ends_are_ignored_windows_ones_included() -> None:
    assert classify_lines(["```\r\n", "x\r\n", "```\r\n", "y\n"]) == [OPEN, C, X, T]
    assert classify_lines(["~~~\n", "~~~\n"]) == [OPEN, X]


def test_a_tilde_fence_does_not_close_a_backtick_block() -> None:
    assert classify_lines(["```", "~~~", "````"]) == [OPEN, C, X]


def test_no_lines_end_outside_any_block() -> None:
    assert not ends_inside_block([])
    assert not ends_inside_block(classify_lines(["text"]))
    assert ends_inside_block(classify_lines(["text", "~~~", "code"]))
