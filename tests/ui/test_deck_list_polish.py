"""Issue 17, items 5 and 6: the deck list's Learn column, the selection kept across a session, a Study
button that names and studies its scope, and a deck error banner that is short, accurate and dismissable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ScopeKind
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow


def open_window(qtbot: QtBot, data_dir: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    window = MainWindow(open_collection(data_dir, clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def row(window: MainWindow, title: str) -> QTreeWidgetItem:
    tree = window.deck_list.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    items += [top.child(j) for top in list(items) for j in range(top.childCount())]
    return next(item for item in items if item.text(0) == title)


def columns(item: QTreeWidgetItem) -> dict[str, str]:
    header = item.treeWidget().headerItem()
    return {header.text(c): item.text(c) for c in range(1, item.columnCount())}


def click(qtbot: QtBot, window: MainWindow, title: str) -> None:
    tree = window.deck_list.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(row(window, title)).center())


def label(window: MainWindow) -> str:
    """The Study button's text as the user reads it (Qt shows "&&" as "&")."""
    return window.deck_list.study_button.text().replace("&&", "&")


def answer(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, key)


# -- item 5: the Learn column -------------------------------------------------------------------------


def test_the_learn_column_shows_a_re_drill_after_again_and_the_review_screen_agrees(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    tree = window.deck_list.tree
    assert [tree.headerItem().text(c) for c in range(tree.columnCount())] == ["Deck", "New", "Learn", "Due"]
    assert columns(row(window, "Deck A")) == {"New": "3", "Learn": "0", "Due": "0"}
    click(qtbot, window, "Deck A")
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert window.review.card is not None and window.review.card.id == "a-one"
    answer(qtbot, window, Qt.Key.Key_1)  # Again: SM-2 step 7 re-drills it today
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    assert columns(row(window, "Deck A")) == {"New": "2", "Learn": "1", "Due": "0"}
    assert columns(row(window, "Deck B")) == {"New": "2", "Learn": "0", "Due": "0"}
    assert columns(row(window, "1. Math & statistics"))["Learn"] == "1"
    assert columns(row(window, "All decks")) == {"New": "4", "Learn": "1", "Due": "0"}
    assert "1 to re-drill" in window.deck_list.summary.text()

    click(qtbot, window, "Deck B")  # the review screen counts what the row says: Deck A's re-drill is not Deck B's
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    assert "2 new" in window.review.counts.text() and "0 learn" in window.review.counts.text()
    shown = []
    while window.stack.currentWidget() is window.review:
        assert window.review.card is not None
        shown.append(window.review.card.id)
        answer(qtbot, window, Qt.Key.Key_3)
    assert shown == ["b-one", "b-two"]
    qtbot.mouseClick(window.done.back_button, Qt.MouseButton.LeftButton)
    assert columns(row(window, "Deck A"))["Learn"] == "1"  # still owed, to Deck A

    click(qtbot, window, "Deck A")
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    assert "1 learn" in window.review.counts.text()


# -- item 5: the selection after a session -----------------------------------------------------------------


def test_after_a_session_the_studied_deck_is_still_selected(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                            clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    tree = window.deck_list.tree
    click(qtbot, window, "Deck B")
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    answer(qtbot, window, Qt.Key.Key_3)
    answer(qtbot, window, Qt.Key.Key_3)
    assert window.stack.currentWidget() is window.done
    qtbot.keyClick(window.done.back_button, Qt.Key.Key_Space)
    assert window.stack.currentWidget() is window.deck_list
    current = tree.currentItem()
    assert current is not None and current.text(0) == "Deck B" and current.isSelected()
    assert label(window) == "Study Deck B"

    click(qtbot, window, "Deck A")  # leaving with Esc keeps it too
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)
    current = tree.currentItem()
    assert current is not None and current.text(0) == "Deck A" and current.isSelected()


# -- item 5: the Study button -----------------------------------------------------------------------------


def test_the_study_button_names_the_selection_and_studies_exactly_that(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    decks = window.deck_list
    assert label(window) == "Study all decks"
    qtbot.mouseClick(decks.study_button, Qt.MouseButton.LeftButton)
    session = window.review.session
    assert session is not None and session.scope.kind is ScopeKind.ALL and "5 new" in window.review.counts.text()
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)

    click(qtbot, window, "Deck B")
    assert label(window) == "Study Deck B"
    qtbot.mouseClick(decks.study_button, Qt.MouseButton.LeftButton)
    assert window.review.card is not None and window.review.card.id == "b-one"
    assert "2 new" in window.review.counts.text()
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)

    click(qtbot, window, "1. Math & statistics")
    assert label(window) == "Study Math & statistics"
    assert QKeySequence.mnemonic(decks.study_button.text()).isEmpty()  # the "&" is shown, not made a shortcut
    qtbot.mouseClick(decks.study_button, Qt.MouseButton.LeftButton)
    session = window.review.session
    assert session is not None and (session.scope.kind, session.scope.value) == (ScopeKind.AREA, "math")
    assert "3 new" in window.review.counts.text()
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)

    click(qtbot, window, "All decks")
    assert label(window) == "Study all decks"
    qtbot.keyClick(decks.tree, Qt.Key.Key_Down)  # keys move the selection, and the label follows
    assert label(window) == "Study Math & statistics"
    decks.tree.clearSelection()
    assert label(window) == "Study all decks"
    qtbot.mouseClick(decks.study_button, Qt.MouseButton.LeftButton)
    session = window.review.session
    assert session is not None and session.scope.kind is ScopeKind.ALL


# -- item 6: the deck error banner -------------------------------------------------------------------------

BAD_YAML = "---\ntitle: Broken: header\narea: math\n---\n\n## y-one\nQ: q\n\nA: a\n"
NO_BACK = "---\ntitle: Broken\narea: math\n---\n## x-one\nQ: front only\n"
REPEATS_A_CARD = """\
---
title: Deck C
area: sql
---

## c-one
Q: C one?

A: Yes.

## a-one
Q: A card id Deck A holds already

A: Yes.
"""


def broken_decks(deck_dir: Path) -> Path:
    (deck_dir / "bad-yaml.md").write_text(BAD_YAML, encoding="utf-8")
    (deck_dir / "deck-c.md").write_text(REPEATS_A_CARD, encoding="utf-8")
    (deck_dir / "no-back.md").write_text(NO_BACK, encoding="utf-8")
    return deck_dir


def test_the_error_banner_gives_one_short_line_per_problem_and_says_what_was_skipped(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", broken_decks(deck_dir), clock)
    decks = window.deck_list
    assert decks.error_banner.isVisible()
    assert decks.error_title.text() == "3 deck files have problems: 2 skipped, 1 loaded with 1 card skipped"
    lines = decks.errors.text().splitlines()
    assert lines == [
        "bad-yaml.md: skipped (not loaded)",
        f"  {deck_dir / 'bad-yaml.md'}:2: front matter is not valid YAML: mapping values are not allowed here",
        "deck-c.md: loaded, 1 card skipped",
        f"  {deck_dir / 'deck-c.md'}:11: card id 'a-one' is already used in deck-a.md",
        "no-back.md: skipped (not loaded)",
        f"  {deck_dir / 'no-back.md'}:5: card x-one: no 'A:' line (the back)",
    ]
    assert "Deck C" in [row(window, "Deck C").text(0)]  # it did load
    assert not decks.error_details.isVisible()
    qtbot.mouseClick(decks.details_button, Qt.MouseButton.LeftButton)  # the full PyYAML text, on demand
    assert decks.error_details.isVisible()
    assert '"<unicode string>", line 1, column 14' in decks.error_details.toPlainText()
    assert decks.details_button.text() == "Hide details"
    qtbot.mouseClick(decks.details_button, Qt.MouseButton.LeftButton)
    assert not decks.error_details.isVisible()


def test_the_error_banner_closes_with_a_click_until_the_decks_change(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", broken_decks(deck_dir), clock)
    decks = window.deck_list
    assert decks.error_banner.isVisible()
    qtbot.mouseClick(decks.close_errors_button, Qt.MouseButton.LeftButton)
    assert not decks.error_banner.isVisible()
    window.show_decks()  # back from a session: the same problems stay dismissed
    assert not decks.error_banner.isVisible()

    problems = window.collection.deck_problems()
    decks.set_overview(window.collection.overview(), problems[:1])  # the decks changed
    assert decks.error_banner.isVisible()
    assert decks.errors.text().splitlines()[0] == "bad-yaml.md: skipped (not loaded)"
    qtbot.mouseClick(decks.close_errors_button, Qt.MouseButton.LeftButton)
    decks.set_overview(window.collection.overview(), ())  # fixed...
    assert not decks.error_banner.isVisible()
    decks.set_overview(window.collection.overview(), problems[:1])  # ...and broken again: news again
    assert decks.error_banner.isVisible()
