"""Drive the real main window with keys; reopen the app and find the progress kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.models import CardId, ReviewKind
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow


def open_window(qtbot: QtBot, data_dir: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    window = MainWindow(open_collection(data_dir, clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def row_counts(window: MainWindow) -> dict[str, tuple[str, str]]:
    tree = window.deck_list.tree
    out = {}
    for i in range(tree.topLevelItemCount()):
        area = tree.topLevelItem(i)
        for j in range(area.childCount()):
            item = area.child(j)
            out[item.text(0)] = (item.text(1), item.text(2))
    return out


def test_review_with_keys_then_reopen_finds_progress_and_log(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                             clock: FixedClock) -> None:
    data_dir = tmp_path / "data"
    window = open_window(qtbot, data_dir, deck_dir, clock)
    assert row_counts(window) == {"Deck A": ("3", "0"), "Deck B": ("2", "0")}

    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.review
    assert window.review.card is not None and window.review.card.id == "a-one"
    assert "What is one?" in window.review.browser.toPlainText()
    assert "The first." not in window.review.browser.toPlainText()

    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_3)  # grading before the answer is shown does nothing
    assert review.card.id == "a-one"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert "The first." in review.browser.toPlainText()
    assert review.grade_buttons[next(iter(review.grade_buttons))].text().endswith("1d")
    qtbot.keyClick(review, Qt.Key.Key_3)  # Good
    assert review.card.id == "a-two"
    qtbot.keyClick(review, Qt.Key.Key_Return)
    qtbot.keyClick(review, Qt.Key.Key_1)  # Again
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)  # Easy on a-three
    assert review.card.id == "b-one"
    window.close()

    reopened = open_window(qtbot, data_dir, deck_dir, clock)
    store = reopened.collection.store
    assert [(e.card_id, e.quality, e.kind) for e in store.review_log()] == [
        ("a-one", 4, ReviewKind.NEW), ("a-two", 2, ReviewKind.NEW), ("a-three", 5, ReviewKind.NEW)]
    assert (store.progress(CardId("a-one")).interval, store.progress(CardId("a-one")).easiness) == (1, 2.5)
    assert (store.progress(CardId("a-two")).repetitions, store.progress(CardId("a-two")).easiness) == (0, 2.18)
    assert store.progress(CardId("a-three")).easiness == 2.6
    assert row_counts(reopened) == {"Deck A": ("0", "0"), "Deck B": ("2", "0")}

    clock.advance(days=1)
    reopened.show_decks()
    assert row_counts(reopened) == {"Deck A": ("0", "3"), "Deck B": ("2", "0")}


def test_finishing_the_queue_shows_when_the_next_card_is_due(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                             clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study("deck-b")
    for _ in range(2):
        qtbot.keyClick(window.review, Qt.Key.Key_Space)
        qtbot.keyClick(window.review, Qt.Key.Key_3)
    assert window.stack.currentWidget() is window.done
    assert "You answered 2 cards" in window.done.message.text()
    assert "due tomorrow" in window.done.message.text()
    qtbot.mouseClick(window.done.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.deck_list
    assert row_counts(window)["Deck B"] == ("0", "0")
