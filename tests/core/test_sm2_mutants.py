"""SM-2's EF precision, the float guard on very long intervals, and the message for a bad quality."""

from __future__ import annotations

import pytest

from mlprep.core.sm2 import NEW_CARD, Sm2State, review


def test_the_ef_is_kept_to_two_decimals() -> None:
    # An EF from elsewhere (an import) with a third decimal is rounded on the next answer: 2.504 + 0 -> 2.5;
    # the interval uses the EF from before the answer: ceil(6 x 2.504) = ceil(15.024) = 16.
    assert review(Sm2State(2, 2.504, 6), 4) == Sm2State(3, 2.5, 16)


def test_a_very_long_interval_is_the_exact_product_not_one_more() -> None:
    # 299700 x 1.36 = 407592 exactly; in binary floating point it is 407592.00000000006.
    assert 299700 * 1.36 != 407592
    assert review(Sm2State(9, 1.36, 299700), 4) == Sm2State(10, 1.36, 407592)


@pytest.mark.parametrize("bad", [6, True])
def test_a_quality_outside_0_to_5_is_named_in_the_error(bad: object) -> None:
    with pytest.raises(ValueError) as info:
        review(NEW_CARD, bad)  # type: ignore[arg-type]
    assert str(info.value) == f"SM-2 quality must be an int from 0 to 5, got {bad!r}"
