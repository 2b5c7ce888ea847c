"""Counts with the right noun form."""

from __future__ import annotations

from mlprep.core.wording import count_of


def test_one_is_singular_and_everything_else_plural() -> None:
    assert count_of(1, "day") == "1 day"
    assert [count_of(n, "day") for n in (0, 2, 21)] == ["0 days", "2 days", "21 days"]
    assert count_of(-1, "day") == "-1 days"
    assert count_of(2, "entry", "entries") == "2 entries" and count_of(1, "entry", "entries") == "1 entry"
