"""The main window ties the screens together: a card's "Learn more" link opens its reading
item, the item studies exactly its citing cards, and the statistics screen opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow

DECK = """---
title: Cites
area: math
---

## c-esl
source: @esl, ch. 7

Q: What does ESL chapter 7 cover?

A: Model assessment and selection.

## c-plain
source: A textbook

Q: An uncited card?

A: Yes.
"""


def cites_window(qtbot, tmp_path: Path, clock) -> MainWindow:
    """The main window on a collection of the deck above only."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "cites.md").write_text(DECK, encoding="utf-8")
    window = MainWindow(open_collection(tmp_path / "data", clock, [decks]))
    qtbot.addWidget(window)
    return window


def test_learn_more_link_opens_the_item_and_studies_its_cards(qtbot, tmp_path: Path, clock):
    window = cites_window(qtbot, tmp_path, clock)
    window.resize(1000, 700)
    window.show()
    window.study()
    assert window.review.card is not None and window.review.card.id == "c-esl"
    assert "Learn more" not in window.review.browser.toPlainText()  # not on the front
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    browser = window.review.browser
    # The source line names the item by its title, keeps the chapter, and is the link (issue 17, item 2).
    assert ("Source: The Elements of Statistical Learning: Data Mining, Inference, and Prediction (2nd ed.), ch. 7"
            in browser.toPlainText())
    assert "Learn more" not in browser.toPlainText() and "@esl" not in browser.toPlainText()
    cursor = browser.document().find("Elements of Statistical")
    cursor.setPosition(cursor.selectionStart() + 3)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=browser.cursorRect(cursor).center())
    assert window.stack.currentWidget() is window.reading
    assert window.reading is not None and window.reading.current_item_id() == "esl"
    assert window.reading.detail.study_button.text() == "Study 1 card"
    qtbot.mouseClick(window.reading.detail.study_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.review
    assert window.review.card is not None and window.review.card.id == "c-esl"
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_4)
    assert window.review.card is None  # only the citing card was in that study


def test_a_card_without_a_reading_item_shows_its_source_on_the_answer_side(qtbot, tmp_path: Path, clock):
    window = cites_window(qtbot, tmp_path, clock)
    window.show()
    window.study()
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_4)
    assert window.review.card is not None and window.review.card.id == "c-plain"
    assert "Source:" not in window.review.browser.toPlainText()  # the front does not give it away
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    assert "Source: A textbook" in window.review.browser.toPlainText()


def test_an_item_whose_cards_are_all_scheduled_later_offers_to_cram_them(qtbot, tmp_path: Path, clock):
    window = cites_window(qtbot, tmp_path, clock)
    window.show()
    window.show_reading("esl")
    assert window.reading is not None
    qtbot.mouseClick(window.reading.detail.study_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_4)  # Easy on a new card: SM-2 gives 1 day
    done = window.done
    assert window.stack.currentWidget() is done
    assert "The next card is due tomorrow" in done.message.text()
    assert done.cram_button.isVisible() and done.cram_button.text() == "Cram this card"

    window.show_reading("esl")  # again: nothing is due, so the session is over at once
    qtbot.mouseClick(window.reading.detail.study_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is done and "answered" not in done.message.text()
    qtbot.mouseClick(done.cram_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.review
    assert window.review.card is not None and window.review.card.id == "c-esl"
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_3)  # Good, in cram: the schedule stays
    assert window.stack.currentWidget() is done and not done.cram_button.isVisible()
    assert "The next card is due tomorrow" in done.message.text()

    window.study()  # everything: the deck's other card is new, then all decks can be crammed
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_3)
    assert window.stack.currentWidget() is done and done.cram_button.isVisible()
    assert done.cram_button.text() == "Cram these 2 cards"


def test_statistics_and_reading_open_from_the_keyboard_and_escape_returns(qtbot, tmp_path: Path, clock, deck_dir):
    window = MainWindow(open_collection(tmp_path / "data", clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.stats_view is not None and window.stack.currentWidget() is window.stats_view
    qtbot.keyClick(window.stats_view, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.reading
    assert window.reading is not None
    qtbot.keyClick(window.reading, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list
