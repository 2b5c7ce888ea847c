"""Issue 17, "done when": a whole study session driven by the keyboard alone, as a user who knows Anki
would: Enter on a deck starts it, Space shows the answer, 1–4 grade, Space on the answer side is Good,
U undoes, Esc leaves, Ctrl+Return studies everything, Ctrl+Q quits; reopening finds every answer kept.

E / B / A (Edit the card, Browse, Add: issue 15) are being built at the same time; once they land,
add them here: E on the review screen opens the card's editor and Esc returns to the same card, B
opens the browser on it, A the add dialog (each closed with Esc, the session intact).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.models import ReviewKind
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow
from tests.helpers import storage_of


def open_window(qtbot: QtBot, data_dir: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    window = MainWindow(open_collection(data_dir, clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def keys(qtbot: QtBot, *pressed: Qt.Key) -> None:
    """Press ``pressed`` one by one on whatever has the keyboard focus, as a user does."""
    for key in pressed:
        focus = QApplication.focusWidget()
        assert focus is not None, f"nothing has the keyboard focus before {key!r}"
        qtbot.keyClick(focus, key)


def test_a_keyboard_only_session_from_the_deck_list_to_quit(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                            clock: FixedClock) -> None:
    data_dir = tmp_path / "data"
    window = open_window(qtbot, data_dir, deck_dir, clock)
    review = window.review
    qtbot.waitUntil(window.deck_list.tree.hasFocus)  # the deck list takes the keyboard on start

    keys(qtbot, Qt.Key.Key_Down)  # the first area (math: Deck A) ...
    tree = window.deck_list.tree
    assert tree.currentItem() is not None and tree.currentItem().text(0) != ""
    keys(qtbot, Qt.Key.Key_Return)  # ... Enter studies it
    assert window.stack.currentWidget() is review and review.hasFocus()
    assert review.card is not None and review.card.id == "a-one" and not review.revealed

    keys(qtbot, Qt.Key.Key_Space)  # Space shows the answer
    assert review.revealed and "The first." in review.browser.toPlainText()
    keys(qtbot, Qt.Key.Key_3)  # 3: Good
    assert review.card is not None and review.card.id == "a-two" and not review.revealed
    keys(qtbot, Qt.Key.Key_Space, Qt.Key.Key_Space)  # Space, then Space again: Good, as Anki
    assert review.card is not None and review.card.id == "a-three"
    keys(qtbot, Qt.Key.Key_Space, Qt.Key.Key_1)  # 1: Again (SM-2 brings it back today)
    keys(qtbot, Qt.Key.Key_U)  # U: undo that
    assert review.card is not None and review.card.id == "a-three" and not review.revealed
    keys(qtbot, Qt.Key.Key_Space, Qt.Key.Key_4)  # 4: Easy
    assert window.stack.currentWidget() is window.done  # Deck A is done for today

    keys(qtbot, Qt.Key.Key_Escape)  # Esc: back to the decks
    assert window.stack.currentWidget() is window.deck_list
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is review  # Ctrl+Return: Study all decks (what is left: Deck B)
    assert review.card is not None and review.card.id == "b-one"
    keys(qtbot, Qt.Key.Key_Space, Qt.Key.Key_2)  # 2: Hard
    assert review.card is not None and review.card.id == "b-two"
    keys(qtbot, Qt.Key.Key_Escape)  # Esc leaves in the middle ...
    assert window.stack.currentWidget() is window.deck_list
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert review.card is not None and review.card.id == "b-two"  # ... and the study goes on where it stopped
    keys(qtbot, Qt.Key.Key_Space, Qt.Key.Key_Space)

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Q quits
    assert not window.isVisible() and window.collection.closed

    reopened = open_window(qtbot, data_dir, deck_dir, clock)
    log = storage_of(reopened.collection).cards.review_log()
    assert [(e.card_id, e.quality, e.kind) for e in log] == [
        ("a-one", 4, ReviewKind.NEW), ("a-two", 4, ReviewKind.NEW), ("a-three", 5, ReviewKind.NEW),
        ("b-one", 3, ReviewKind.NEW), ("b-two", 4, ReviewKind.NEW)]
