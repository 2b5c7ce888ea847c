"""The curriculum table: leaf ids number their area's leaves from 1, and each leaf finds its area."""

from __future__ import annotations

import pytest

from mlprep.core import taxonomy
from mlprep.core.taxonomy import AREAS, LEAVES, Leaf, area_of_leaf


def test_leaves_are_numbered_from_1_inside_their_area() -> None:
    # The tables are built when the module is imported; the builder is checked on its own too, so that
    # a change to its rule shows here and not only in the shipped table.
    assert taxonomy._leaves(3, ("PyTorch", 34), ("TensorFlow/Keras", 20)) == (
        Leaf("3.1", "PyTorch", 34), Leaf("3.2", "TensorFlow/Keras", 20))
    assert taxonomy._leaves(7) == ()
    assert LEAVES["2.11"] == Leaf("2.11", "Numerical computing", 11)
    assert [leaf.id for leaf in AREAS[8].leaves] == ["9.1", "9.2", "9.3", "9.4", "9.5"]


@pytest.mark.parametrize(("leaf", "slug"), [("1.1", "math"), ("2.3", "algorithms"), ("4.8", "deep-learning"),
                                            ("9.5", "sql")])
def test_a_leaf_belongs_to_the_area_of_its_first_number(leaf: str, slug: str) -> None:
    assert area_of_leaf(leaf).slug == slug


def test_an_unknown_leaf_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError) as info:
        area_of_leaf("9.9")
    assert info.value.args == ("9.9",)
