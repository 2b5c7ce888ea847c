"""Study settings, scopes, per-deck limits, display settings and grades: every bound, both sides of it,
and the exact message a user reads when a value is refused."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from mlprep.core.display_settings import DisplaySettings, ThemeMode
from mlprep.core.grades import FOUR_BUTTONS, SIX_GRADES, Grade, check_quality, grades
from mlprep.core.models import Button
from mlprep.core.study_settings import (
    DeckLimits,
    LeechAction,
    LimitKind,
    NewOrder,
    ScopeKind,
    StudyScope,
    StudySettings,
)

# -- StudySettings ---------------------------------------------------------------------------

BOUNDS = [("new_per_day", 0, 9999), ("reviews_per_day", 0, 99999), ("rollover_hour", 0, 23),
          ("leech_threshold", 1, 999)]


@pytest.mark.parametrize(("name", "low", "high"), BOUNDS)
def test_each_setting_takes_its_bounds(name: str, low: int, high: int) -> None:
    assert getattr(StudySettings(**{name: low}), name) == low  # type: ignore[arg-type]
    assert getattr(StudySettings(**{name: high}), name) == high  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "low", "high"), BOUNDS)
@pytest.mark.parametrize("side", ["below", "above"])
def test_each_setting_refuses_one_past_its_bounds_naming_the_field(name: str, low: int, high: int, side: str) -> None:
    value = low - 1 if side == "below" else high + 1
    with pytest.raises(ValueError) as info:
        StudySettings(**{name: value})  # type: ignore[arg-type]
    assert str(info.value) == f"{name} must be an integer from {low} to {high}, got {value}"


@pytest.mark.parametrize("bad", [True, 3.0, "3"])
def test_settings_must_be_ints_not_bools_floats_or_text(bad: object) -> None:
    with pytest.raises(ValueError) as info:
        StudySettings(new_per_day=bad)  # type: ignore[arg-type]
    assert str(info.value) == f"new_per_day must be an integer from 0 to 9999, got {bad!r}"


def test_defaults_are_ankis() -> None:
    s = StudySettings()
    assert (s.new_per_day, s.reviews_per_day, s.rollover_hour, s.leech_threshold) == (20, 200, 4, 8)
    assert s.new_order is NewOrder.MIXED and s.leech_action is LeechAction.SUSPEND and not s.six_grades


def test_order_and_leech_action_strings_become_enums() -> None:
    s = StudySettings(new_order="before", leech_action="tag")  # type: ignore[arg-type]
    assert s.new_order is NewOrder.BEFORE and s.leech_action is LeechAction.TAG
    with pytest.raises(ValueError):
        StudySettings(new_order="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        StudySettings(leech_action="delete")  # type: ignore[arg-type]


def test_deck_limits_must_be_deck_limits() -> None:
    with pytest.raises(ValueError) as info:
        StudySettings(deck_limits=MappingProxyType({"deck-a": 3}))  # type: ignore[dict-item]
    assert str(info.value) == "deck_limits['deck-a'] must be DeckLimits, got 3"


def test_global_and_per_deck_limits_by_kind() -> None:
    s = StudySettings(new_per_day=7, reviews_per_day=70,
                      deck_limits=MappingProxyType({"deck-a": DeckLimits(new_per_day=1, reviews_per_day=2),
                                                    "deck-b": DeckLimits(reviews_per_day=5)}))
    assert (s.daily_limit(LimitKind.NEW), s.daily_limit(LimitKind.REVIEW)) == (7, 70)
    assert (s.limit_for("deck-a", LimitKind.NEW), s.limit_for("deck-a", LimitKind.REVIEW)) == (1, 2)
    assert (s.limit_for("deck-b", LimitKind.NEW), s.limit_for("deck-b", LimitKind.REVIEW)) == (None, 5)
    assert s.limit_for("deck-a", "new") == 1  # type: ignore[arg-type]  (a kind stored as text)
    assert s.limit_for("deck-z", LimitKind.NEW) is None


# -- StudyScope and DeckLimits -------------------------------------------------------------------

def test_scopes_need_a_value_except_all() -> None:
    assert StudyScope() == StudyScope(ScopeKind.ALL, "")
    assert StudyScope(ScopeKind.TAG, "leech").value == "leech"
    with pytest.raises(ValueError) as info:
        StudyScope(ScopeKind.ALL, "deck-a")
    assert str(info.value) == "scope 'all' takes no value"
    with pytest.raises(ValueError) as info:
        StudyScope(ScopeKind.DECK)
    assert str(info.value) == "scope 'deck' needs a value"


def test_deck_limits_take_zero_and_none() -> None:
    assert DeckLimits(0, 0) == DeckLimits(new_per_day=0, reviews_per_day=0)
    assert DeckLimits().unset and not DeckLimits(reviews_per_day=0).unset
    limits = DeckLimits(3, 4)
    assert (limits.get(LimitKind.NEW), limits.get(LimitKind.REVIEW)) == (3, 4)


@pytest.mark.parametrize(("field", "bad"), [("new_per_day", -1), ("reviews_per_day", -1), ("new_per_day", True),
                                            ("reviews_per_day", 2.0), ("new_per_day", "3")])
def test_deck_limits_refuse_anything_but_whole_numbers(field: str, bad: object) -> None:
    with pytest.raises(ValueError) as info:
        DeckLimits(**{field: bad})  # type: ignore[arg-type]
    assert str(info.value) == f"{field} must be a whole number ≥ 0, got {bad!r}"


def test_typed_limits_are_trimmed_and_blank_is_none() -> None:
    assert DeckLimits.parse(" 3 ", "12") == DeckLimits(3, 12)
    assert DeckLimits.parse("", "  ") == DeckLimits(None, None)
    assert DeckLimits.parse("0", "") == DeckLimits(0, None)


@pytest.mark.parametrize(("new", "reviews", "shown"), [("x", "", "'x'"), ("", "-1", "'-1'"), ("²", "", "'²'"),
                                                       ("1.5", "", "'1.5'"), ("", " 4 a ", "'4 a'")])
def test_typed_limits_that_are_not_whole_numbers_are_refused(new: str, reviews: str, shown: str) -> None:
    with pytest.raises(ValueError) as info:
        DeckLimits.parse(new, reviews)
    assert str(info.value) == f"a limit must be a whole number ≥ 0, got {shown}"


# -- DisplaySettings -------------------------------------------------------------------------------

def test_zoom_takes_minus_4_to_8() -> None:
    assert DisplaySettings(zoom=-4).zoom == -4 and DisplaySettings(zoom=8).zoom == 8
    for bad in (-5, 9):
        with pytest.raises(ValueError) as info:
            DisplaySettings(zoom=bad)
        assert str(info.value) == f"zoom must be -4..8, got {bad}"


def test_zooming_moves_by_steps_keeps_the_theme_and_stops_at_the_ends() -> None:
    dark = DisplaySettings(ThemeMode.DARK, 2)
    assert dark.zoomed(3) == DisplaySettings(ThemeMode.DARK, 5)
    assert dark.zoomed(-3) == DisplaySettings(ThemeMode.DARK, -1)
    assert dark.zoomed(100) == DisplaySettings(ThemeMode.DARK, 8)
    assert dark.zoomed(-100) == DisplaySettings(ThemeMode.DARK, -4)
    assert DisplaySettings(ThemeMode.LIGHT, 7).zoomed(1) == DisplaySettings(ThemeMode.LIGHT, 8)
    assert DisplaySettings(zoom=2).scale == pytest.approx(1.21)


# -- grades -------------------------------------------------------------------------------------

def test_the_two_grading_modes() -> None:
    assert grades(False) == FOUR_BUTTONS == (Grade(2, "Again", "1"), Grade(3, "Hard", "2"), Grade(4, "Good", "3"),
                                             Grade(5, "Easy", "4"))
    assert grades(True) == SIX_GRADES
    assert [(g.quality, g.name, g.key) for g in SIX_GRADES] == [
        (0, "Blackout", "0"), (1, "Wrong", "1"), (2, "Again", "2"), (3, "Hard", "3"), (4, "Good", "4"),
        (5, "Easy", "5")]


def test_check_quality_takes_0_to_5_and_buttons_as_plain_ints() -> None:
    assert [check_quality(q) for q in range(6)] == [0, 1, 2, 3, 4, 5]
    good = check_quality(Button.GOOD)
    assert good == 4 and type(good) is int


@pytest.mark.parametrize("bad", [-1, 6, True, False, 3.0, "4", None])
def test_check_quality_refuses_anything_else(bad: object) -> None:
    with pytest.raises(ValueError) as info:
        check_quality(bad)
    assert str(info.value) == f"quality must be an int from 0 to 5, got {bad!r}"
