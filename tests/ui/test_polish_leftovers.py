"""Issue 17, leftovers of the first round: Cram on the done screen after an all-decks session, a deck's
"+10 new cards today" shown in its deck-list row, the review counts in the deck list's words, the
missing rows of Help ▸ Keyboard shortcuts, "done in this cram" on the grade buttons, and a disabled
primary button that looks disabled."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QPushButton, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.study_settings import ALL_DECKS, DeckLimits, ScopeKind, StudyScope, StudySettings
from mlprep.services.session import SessionMode
from mlprep.ui.done_view import DONE_KEYS, DoneView
from mlprep.ui.help_dialogs import ShortcutsDialog
from mlprep.ui.main_window import MainWindow
from mlprep.ui.theme import DARK, LIGHT, Theme
from tests.ui.windows import answer_good, open_window, plain

DECK_A = StudyScope(ScopeKind.DECK, "deck-a")
MATH = StudyScope(ScopeKind.AREA, "math")



def row(window: MainWindow, title: str) -> QTreeWidgetItem:
    tree = window.deck_list.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    items += [top.child(j) for top in list(items) for j in range(top.childCount())]
    return next(item for item in items if item.text(0) == title)


def new_column(window: MainWindow, title: str) -> str:
    tree = window.deck_list.tree
    header = [tree.headerItem().text(c) for c in range(tree.columnCount())]
    return row(window, title).text(header.index("New"))


# -- 1: Cram after an all-decks session ---------------------------------------------------------------------


def test_the_done_screen_after_all_decks_offers_to_cram_them(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                             clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)  # "Study all decks"
    answer_good(qtbot, window, 5)
    done = window.done
    assert window.stack.currentWidget() is done
    assert done.cram_button.isVisible() and done.cram_button.text() == "Cram these 5 cards"
    qtbot.keyClick(done, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    review = window.review
    qtbot.waitUntil(lambda: window.stack.currentWidget() is review)  # a button's key clicks it animated
    assert review.session is not None and review.session.mode is SessionMode.CRAM
    assert review.session.scope == ALL_DECKS
    assert plain(review.counts.text()) == "5 left in this cram"
    answer_good(qtbot, window, 5)
    assert window.stack.currentWidget() is done and not done.cram_button.isVisible()  # no cram of a cram


def test_the_cram_button_groups_thousands_as_the_message_does(qtbot: QtBot) -> None:
    done = DoneView()
    qtbot.addWidget(done)
    done.show_summary(4, date(2026, 3, 10), date(2026, 3, 11), 1467)
    assert done.cram_button.text() == "Cram these 1,467 cards"


# -- 2: a scope's extra new cards in the deck list ---------------------------------------------------------


def test_plus_10_on_a_deck_shows_in_that_decks_row(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                   clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock, StudySettings(new_per_day=1))
    window.study(DECK_A)
    answer_good(qtbot, window, 1)
    qtbot.mouseClick(window.done.extend_buttons[10], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.review
    assert plain(window.review.counts.text()).startswith("2 new")
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    assert new_column(window, "Deck A") == "2"  # what a Deck A session now shows
    assert new_column(window, "Deck B") == "0"  # the global limit of 1 still holds everywhere else
    assert new_column(window, "All decks") == "0"
    assert new_column(window, "1. Math & statistics") == "0"  # an area session does not get Deck A's extra
    window.study(DECK_A)
    assert plain(window.review.counts.text()).startswith("2 new")  # the row and the session agree


def test_plus_10_on_an_area_shows_in_its_row_and_a_deck_limit_still_caps_it(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    settings = StudySettings(new_per_day=1, deck_limits=MappingProxyType({"deck-a": DeckLimits(new_per_day=1)}))
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock, settings)
    window.study(MATH)
    answer_good(qtbot, window, 1)
    qtbot.mouseClick(window.done.extend_buttons[10], Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)
    assert new_column(window, "1. Math & statistics") == "2"  # Deck A's own limit is raised too: 1 + 10
    assert new_column(window, "Deck A") == "0"  # a Deck A session keeps its limit of 1
    assert new_column(window, "All decks") == "0"
    window.study(MATH)
    assert plain(window.review.counts.text()).startswith("2 new")


# -- 3: the review counts in the deck list's words -----------------------------------------------------------


def test_the_review_counts_use_the_deck_lists_words_in_its_order(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                                 clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    tree = window.deck_list.tree
    words = [tree.headerItem().text(c).lower() for c in range(1, tree.columnCount())]
    assert words == ["new", "learn", "due"]
    window.study()
    review = window.review
    assert plain(review.counts.text()) == "5 new · 0 learn · 0 due"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_1)  # Again: SM-2 step 7 re-drills it today
    assert plain(review.counts.text()) == "4 new · 1 learn · 0 due"
    assert "again" not in plain(review.counts.text())
    learn = re.search(r'<span style="color:([^"]+)">1 learn</span>', review.counts.text())
    assert learn is not None and learn.group(1) == LIGHT.again  # the colour stays the re-drill's


# -- 4: Help ▸ Keyboard shortcuts --------------------------------------------------------------------------


def test_the_shortcuts_dialog_lists_add_browse_edit_and_the_done_screen_keys(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    shown: list[list[tuple[str, str, str]]] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self.rows()) or 0)
    qtbot.keyClick(window.deck_list.tree, Qt.Key.Key_F1)
    rows = shown[0]
    by_keys = {(keys, where): action for keys, action, where in rows}
    assert by_keys[("A", "Deck list")].startswith("Add a card")
    assert by_keys[("B", "Deck list")].startswith("Browse")
    assert by_keys[("E", "Review")].startswith("Edit the card")
    for key, action in DONE_KEYS:  # the done screen's own table, as its buttons use it
        assert (QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText), action, "Done screen") in rows
    assert ("Alt+C", "Cram the cards of the session just done", "Done screen") in rows

    # The keys do what the dialog says.
    qtbot.keyClick(window.deck_list.tree, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: window.card_editor is not None and window.card_editor.isVisible())
    assert window.card_editor is not None
    window.card_editor.reject()
    qtbot.waitUntil(lambda: window.card_editor is None or not window.card_editor.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.deck_list.tree, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: window.browse_window is not None and window.browse_window.isVisible())
    assert window.browse_window is not None
    window.browse_window.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.study()
    qtbot.keyClick(window.review, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: window.card_editor is not None and window.card_editor.isVisible())


# -- 5: the grade buttons in a cram ---------------------------------------------------------------------------


def test_in_a_cram_good_and_easy_say_done_in_this_cram(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                       clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.cram(DECK_A)
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    lines = [button.text().split("\n")[1] for button in review.grade_buttons.values()]
    assert lines == ["again in this cram", "again in this cram", "done in this cram", "done in this cram"]
    assert review.grade_buttons[4].toolTip() == "Leaves this cram; the card's schedule does not change."
    assert "today" not in " ".join(lines)  # a cram is not today's study: its answers schedule nothing


def test_in_a_review_ahead_good_and_easy_say_so(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(DECK_A)
    answer_good(qtbot, window, 3)
    window.cram(DECK_A, ahead_days=7)
    review = window.review
    assert review.session is not None and review.session.mode is SessionMode.AHEAD
    qtbot.keyClick(review, Qt.Key.Key_Space)
    lines = [button.text().split("\n")[1] for button in review.grade_buttons.values()]
    assert lines == ["again in this session", "again in this session", "reviewed ahead", "reviewed ahead"]
    assert "still due on its day" in review.grade_buttons[4].toolTip()


# -- 6: a disabled primary button looks disabled ------------------------------------------------------------


def background(button: QPushButton) -> QColor:
    """The button's fill, read left of its text (inside the border and the rounded corner)."""
    return button.grab().toImage().pixelColor(QPoint(9, button.height() // 2))


def distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


@pytest.mark.parametrize(("mode", "theme"), [(ThemeMode.LIGHT, LIGHT), (ThemeMode.DARK, DARK)])
def test_a_disabled_primary_button_looks_disabled(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                                  mode: ThemeMode, theme: Theme) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    try:
        window.set_theme(mode)
        window.resize(1000, 700)
        window.show_reading("esl")  # a reading item no deck card cites: nothing to study
        assert window.reading is not None
        study = window.reading.detail.study_button
        assert study.objectName() == "primary" and not study.isEnabled()
        off = background(study)
        study.setEnabled(True)
        on = background(study)
        assert distance(on, QColor(theme.accent)) < 30  # enabled: the accent fill
        assert distance(off, QColor(theme.accent)) > 120  # disabled: not the accent, clearly
    finally:  # the theme is the application's (palette and style sheet): later tests expect the light one
        window.set_theme(ThemeMode.LIGHT)
