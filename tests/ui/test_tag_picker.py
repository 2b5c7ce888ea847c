"""Issue 17, item 9: Study ▸ Study cards with a tag… opens a searchable list of tags with their card
counts, machine tags (``leaf:``, ``ref:``) under their human names; Enter studies the tag picked."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ScopeKind
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow
from mlprep.ui.tag_picker import TagPickerDialog
from tests.helpers import storage_of

CITING = """\
---
title: Deck R
area: algorithms
leaf: "2.2"
---

## r-one
tags: regression, worked-example
source: @islr, ch. 3

Q: R one?

A: Yes.

## r-two
tags: regression
source: @islr, ch. 6

Q: R two?

A: Yes.
"""

ISLR = "An Introduction to Statistical Learning, with Applications in R (2nd ed.)"


def open_window(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    (deck_dir / "deck-r.md").write_text(CITING, encoding="utf-8")
    window = MainWindow(open_collection(tmp_path / "data", clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # Ctrl+T is a window shortcut
    return window


def open_picker(qtbot: QtBot, window: MainWindow) -> TagPickerDialog:
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    picker = window.tag_picker
    assert picker is not None
    qtbot.waitExposed(picker)
    qtbot.waitUntil(picker.isActiveWindow)
    return picker


def shown(picker: TagPickerDialog) -> dict[str, list[tuple[str, str]]]:
    """Visible rows under each visible heading: ``{heading: [(name, count)]}``."""
    tree = picker.tree
    out: dict[str, list[tuple[str, str]]] = {}
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        if group.isHidden():
            continue
        rows: list[QTreeWidgetItem] = [group.child(j) for j in range(group.childCount())]
        out[group.text(0)] = [(r.text(0), r.text(1)) for r in rows if not r.isHidden()]
    return out


def test_the_picker_lists_tags_by_name_with_counts_and_machine_tags_by_their_human_names(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path, deck_dir, clock)
    picker = open_picker(qtbot, window)
    rows = shown(picker)
    assert list(rows) == ["Areas", "Curriculum leaves", "Reading list", "Tags"]  # the long list last
    assert rows["Tags"] == [("regression", "2"), ("worked-example", "1")]
    assert rows["Areas"] == [("Algorithms", "2"), ("Math & statistics", "3"), ("SQL", "2")]
    assert rows["Curriculum leaves"] == [("1.1 Linear algebra", "3"), ("2.2 Linear models & regularization", "2")]
    assert rows["Reading list"] == [(ISLR, "2")]
    names = [name for group in rows.values() for name, _ in group]
    assert not [n for n in names if n.startswith(("leaf:", "ref:"))]


def test_typing_filters_the_list_and_enter_studies_the_tag_picked(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path, deck_dir, clock)
    picker = open_picker(qtbot, window)
    assert picker.search.hasFocus()
    qtbot.keyClicks(picker.search, "linear")
    assert shown(picker) == {"Curriculum leaves": [("1.1 Linear algebra", "3"),
                                                   ("2.2 Linear models & regularization", "2")]}
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)  # the arrows move in the list while typing
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert not picker.isVisible()
    session = window.review.session
    assert session is not None and (session.scope.kind, session.scope.value) == (ScopeKind.TAG, "leaf:2.2")
    assert window.stack.currentWidget() is window.review
    assert window.review.card is not None and window.review.card.id == "r-one"


def test_a_reading_items_title_finds_its_ref_tag_and_a_double_click_studies_it(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path, deck_dir, clock)
    picker = open_picker(qtbot, window)
    qtbot.keyClicks(picker.search, "statistical learn")
    assert shown(picker) == {"Reading list": [(ISLR, "2")]}
    item = picker.tree.topLevelItem(2).child(0)  # under "Reading list"
    rect = picker.tree.visualItemRect(item)
    qtbot.mouseClick(picker.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(picker.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    session = window.review.session
    assert session is not None and (session.scope.kind, session.scope.value) == (ScopeKind.TAG, "ref:islr")
    assert "2 new" in window.review.counts.text()


def test_nothing_matches_says_so_and_escape_closes_without_studying(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path, deck_dir, clock)
    picker = open_picker(qtbot, window)
    qtbot.keyClicks(picker.search, "zzz-no-such-tag")
    assert shown(picker) == {}
    assert picker.empty_note.isVisible() and "No tag matches" in picker.empty_note.text()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)  # nothing to pick: stays open
    assert picker.isVisible()
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    assert window.stack.currentWidget() is window.deck_list


def test_the_picker_opens_again_with_fresh_counts_and_the_old_one_is_freed(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path, deck_dir, clock)
    first = open_picker(qtbot, window)
    assert "Tags" in shown(first) and ("leech", "1") not in shown(first)["Tags"]
    qtbot.keyClick(first.search, Qt.Key.Key_Escape)
    window.activateWindow()  # the offscreen platform does not hand activation back by itself
    qtbot.waitUntil(window.isActiveWindow)
    storage_of(window.collection).db.execute("UPDATE cards SET user_tags = '[\"leech\"]' WHERE id = 'a-one'")
    picker = open_picker(qtbot, window)
    assert ("leech", "1") in shown(picker)["Tags"]
    qtbot.waitUntil(lambda: not shiboken6.isValid(first))  # one dialog per Ctrl+T would pile up otherwise
