"""The Add and Edit card dialog, driven with keys and clicks (issue 15): typing shows the preview and the problems,
Save waits for a card that can be written, Ctrl+Enter writes the deck file (or a shipped card's override), E on the
review screen edits the card on screen and the session goes on with its new text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.services.collection import open_collection
from mlprep.ui.card_editor import CardEditorDialog
from mlprep.ui.main_window import MainWindow

MINE = "---\ntitle: Mine\narea: sql\n---\n\n## m-one\nsource: me\n\nQ: Mine one?\n\nA: Yes.\n"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    data = tmp_path / "data"
    (data / "decks").mkdir(parents=True)
    (data / "decks" / "mine.md").write_text(MINE, encoding="utf-8")
    win = MainWindow(open_collection(data, clock, [deck_dir, data / "decks"]))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _editor(qtbot: QtBot, window: MainWindow) -> CardEditorDialog:
    qtbot.waitUntil(lambda: window.card_editor is not None and window.card_editor.isVisible())
    assert window.card_editor is not None
    return window.card_editor


def _type(qtbot: QtBot, dialog: CardEditorDialog, widget: object, text: str) -> None:
    """Replace the text of a field by typing ``text`` into it (select all, then keys)."""
    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClicks(widget, line)


def test_a_on_the_deck_list_adds_a_card_to_the_users_deck(qtbot: QtBot, window: MainWindow) -> None:
    window.deck_list.tree.setFocus()
    qtbot.keyClick(window.deck_list.tree, Qt.Key.Key_A)
    dialog = _editor(qtbot, window)
    assert dialog.windowTitle() == "Add card"
    assert dialog.deck.currentText() == "Mine"
    assert not dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: "front: is empty" in dialog.problems.text())

    _type(qtbot, dialog, dialog.front, "What is $\\frac{1}{2$?")
    _type(qtbot, dialog, dialog.back, "A half.")
    qtbot.waitUntil(lambda: "front, line 1: formula $\\frac{1}{2$: unbalanced braces" in dialog.problems.text())
    assert not dialog.save_button.isEnabled()
    assert dialog.card_id.text() == "what-is-frac-1-2"

    _type(qtbot, dialog, dialog.front, "What is $\\frac{1}{2}$?")
    _type(qtbot, dialog, dialog.tags, "fractions basics")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    assert dialog.problems.isHidden()
    assert "What is" in dialog.preview.toPlainText() and "A half." in dialog.preview.toPlainText()
    qtbot.keyClick(dialog.back, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    text = (window.collection.data_dir / "decks" / "mine.md").read_text(encoding="utf-8")
    assert text == MINE + ("\n## what-is-frac-1-2\ntags: fractions, basics\n\nQ: What is $\\frac{1}{2}$?\n\n"
                           "A: A half.\n")
    mine = next(d for d in window.collection.decks() if d.deck_id == "mine")
    assert mine.total == 2


def test_add_to_a_new_deck_needs_its_title(qtbot: QtBot, window: MainWindow) -> None:
    window.add_card()
    dialog = _editor(qtbot, window)
    dialog.deck.setCurrentIndex(dialog.deck.findData("__new__"))
    _type(qtbot, dialog, dialog.front, "Q")
    _type(qtbot, dialog, dialog.back, "A")
    qtbot.waitUntil(lambda: "deck: give the new deck a title" in dialog.problems.text())
    _type(qtbot, dialog, dialog.deck_title, "Window functions")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert (window.collection.data_dir / "decks" / "window-functions.md").is_file()


def test_e_on_the_review_screen_edits_the_card_and_the_session_goes_on(qtbot: QtBot, window: MainWindow,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window.study()
    review = window.review
    assert review.card is not None and review.card.id == "a-one"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_E)
    dialog = _editor(qtbot, window)
    assert dialog.windowTitle() == "Edit card"
    assert (dialog.card_id.text(), dialog.card_id.isReadOnly()) == ("a-one", True)
    assert dialog.front.toPlainText() == "What is one?"
    assert dialog.note.isVisible() and not dialog.revert_button.isVisible()  # a shipped card, not yet edited

    _type(qtbot, dialog, dialog.front, "What is one, really?\n## Two")
    qtbot.waitUntil(lambda: "front, line 2: a line starting with '## ' would start a new card"
                    in dialog.problems.text())
    qtbot.keyClick(dialog.front, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # refused: nothing saved
    assert dialog.isVisible()
    _type(qtbot, dialog, dialog.front, "What is one, really?")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    with qtbot.waitSignal(window.card_changed) as changed:
        qtbot.keyClick(dialog.front, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert changed.args == ["a-one"] and not dialog.isVisible()
    assert window.stack.currentWidget() is review
    assert review.card is not None and review.card.id == "a-one" and review.revealed
    assert "What is one, really?" in review.browser.toPlainText()
    assert (window.collection.data_dir / "overrides" / "a-one.md").is_file()
    qtbot.keyClick(review, Qt.Key.Key_3)  # the session goes on: Good on the edited card
    assert review.card is not None and review.card.id != "a-one"

    window.edit_card("a-one")  # as the browser does
    dialog = _editor(qtbot, window)
    assert dialog.revert_button.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.revert_button, Qt.MouseButton.LeftButton)
    assert not (window.collection.data_dir / "overrides" / "a-one.md").exists()
    assert window.collection.card("a-one").front == "What is one?"


def test_esc_asks_before_dropping_changes(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window.edit_card("m-one")
    dialog = _editor(qtbot, window)
    assert not dialog.note.isVisible()  # a user card: edited in its file
    _type(qtbot, dialog, dialog.back, "No.")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def question(parent: object, title: str, *args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.keyClick(dialog.back, Qt.Key.Key_Escape)
    assert dialog.isVisible() and asked == ["Discard changes?"]
    qtbot.keyClick(dialog.back, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert (window.collection.data_dir / "decks" / "mine.md").read_text(encoding="utf-8") == MINE


def test_esc_without_changes_closes_at_once(qtbot: QtBot, window: MainWindow) -> None:
    window.edit_card("m-one")
    dialog = _editor(qtbot, window)
    qtbot.keyClick(dialog.front, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
