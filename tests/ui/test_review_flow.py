"""Drive the real main window with keys; reopen the app and find the progress kept."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.models import CardId, ReviewKind
from mlprep.core.study_settings import DeckLimits, ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import open_collection
from mlprep.storage.cards import CardStore
from mlprep.storage.settings_store import load_settings, save_settings
from mlprep.ui.main_window import MainWindow
from mlprep.ui.settings_dialog import SettingsDialog
from tests.helpers import storage_of


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
            out[item.text(0)] = (item.text(1), item.text(3))  # New, Due (column 2 is Learn)
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
    assert review.card.id == "b-one"  # new cards come in curriculum order, interleaved across areas
    qtbot.keyClick(review, Qt.Key.Key_Return)
    qtbot.keyClick(review, Qt.Key.Key_1)  # Again
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)  # Easy on a-two
    assert review.card.id == "b-two"
    window.close()

    reopened = open_window(qtbot, data_dir, deck_dir, clock)
    store = storage_of(reopened.collection).cards
    assert [(e.card_id, e.quality, e.kind) for e in store.review_log()] == [
        ("a-one", 4, ReviewKind.NEW), ("b-one", 2, ReviewKind.NEW), ("a-two", 5, ReviewKind.NEW)]
    assert (store.progress(CardId("a-one")).interval, store.progress(CardId("a-one")).easiness) == (1, 2.5)
    assert (store.progress(CardId("b-one")).repetitions, store.progress(CardId("b-one")).easiness) == (0, 2.18)
    assert store.progress(CardId("a-two")).easiness == 2.6
    assert row_counts(reopened) == {"Deck A": ("1", "0"), "Deck B": ("1", "0")}

    clock.advance(days=1)
    reopened.show_decks()
    assert row_counts(reopened) == {"Deck A": ("1", "2"), "Deck B": ("1", "1")}


def test_the_review_screen_checkpoints_the_database_while_the_user_reads(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The write-ahead log is copied into the database file after a card is shown, in idle
    time, not inside an answer's commit."""
    monkeypatch.setattr(CardStore, "CHECKPOINT_AFTER_ANSWERS", 2)
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    db = storage_of(window.collection).db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = tmp_path / "data" / "collection.sqlite3"
    before = path.read_bytes()
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    qtbot.wait(20)
    assert path.read_bytes() == before  # one answer: still only in the log
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: path.read_bytes() != before)
    _busy, log, done = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert log == done
    window.close()


def test_finishing_the_queue_shows_when_the_next_card_is_due(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                             clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    for _ in range(2):
        qtbot.keyClick(window.review, Qt.Key.Key_Space)
        qtbot.keyClick(window.review, Qt.Key.Key_3)
    assert window.stack.currentWidget() is window.done
    assert "You answered 2 cards" in window.done.message.text()
    assert "due tomorrow" in window.done.message.text()
    qtbot.mouseClick(window.done.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.deck_list
    assert row_counts(window)["Deck B"] == ("0", "0")


def test_full_session_with_reveal_grade_undo_and_drill_to_done(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                               clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-a"))
    review = window.review
    assert review.counts.text().count("3 new") == 1

    def answer(key: Qt.Key) -> None:
        qtbot.keyClick(review, Qt.Key.Key_Space)
        qtbot.keyClick(review, key)

    answer(Qt.Key.Key_1)  # a-one: Again -> comes back today
    answer(Qt.Key.Key_3)  # a-two: Good
    qtbot.keyClick(review, Qt.Key.Key_U)  # undo a-two
    assert review.card.id == "a-two" and not review.revealed
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo a-one too
    assert review.card.id == "a-one"
    assert storage_of(window.collection).cards.review_log() == []
    answer(Qt.Key.Key_1)  # a-one: Again
    answer(Qt.Key.Key_4)  # a-two: Easy
    answer(Qt.Key.Key_3)  # a-three: Good
    assert review.card.id == "a-one"  # the drill: SM-2 step 7
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.grade_buttons[2].text().endswith("again today")
    assert review.grade_buttons[4].text().endswith("done for today")
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert window.stack.currentWidget() is window.done
    assert "You answered 4 cards" in window.done.message.text()
    kinds = [(e.card_id, e.kind) for e in storage_of(window.collection).cards.review_log()]
    assert kinds == [("a-one", ReviewKind.NEW), ("a-two", ReviewKind.NEW), ("a-three", ReviewKind.NEW),
                     ("a-one", ReviewKind.DRILL)]


def test_bury_and_suspend_keys_and_six_grade_buttons(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                     clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    save_settings(storage_of(window.collection).db, StudySettings(six_grades=True))
    window.study(StudyScope(ScopeKind.DECK, "deck-a"))
    review = window.review
    assert sorted(review.grade_buttons) == [0, 1, 2, 3, 4, 5]
    qtbot.keyClick(review, Qt.Key.Key_Minus)  # bury a-one
    qtbot.keyClick(review, Qt.Key.Key_At, Qt.KeyboardModifier.ShiftModifier)  # suspend a-two
    assert "suspended" in review.notice.text()
    assert review.card.id == "a-three"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.grade_buttons[0].text().startswith("Blackout")
    qtbot.keyClick(review, Qt.Key.Key_5)
    assert window.stack.currentWidget() is window.done
    store = storage_of(window.collection).cards
    assert store.progress(CardId("a-one")).buried_until is not None
    assert store.progress(CardId("a-two")).suspended
    assert store.review_log()[0].quality == 5


def test_settings_dialog_saves_to_the_collection(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                 clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    dialog = SettingsDialog(window.settings, window.collection.decks(), window)
    qtbot.addWidget(dialog)
    dialog.new_per_day.setValue(1)
    dialog.rollover_hour.setValue(6)
    dialog.deck_table.item(1, 2).setText("x")  # Deck B reviews/day: not a number
    dialog.accept()
    assert "whole number" in dialog.error.text()
    assert "Deck B" in dialog.error.text()
    dialog.deck_table.item(1, 2).setText("5")
    dialog.accept()
    save_settings(storage_of(window.collection).db, dialog.result_settings)
    stored = load_settings(storage_of(window.collection).db)
    assert (stored.new_per_day, stored.rollover_hour) == (1, 6)
    assert stored.deck_limits["deck-b"] == DeckLimits(None, 5)
    window.show_decks()
    assert row_counts(window) == {"Deck A": ("1", "0"), "Deck B": ("1", "0")}


def test_the_deck_list_says_which_deck_failed_and_why(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                      clock: FixedClock) -> None:
    (deck_dir / "broken.md").write_text("---\ntitle: Broken\narea: math\n---\n## x-one\nQ: front only\n")
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    assert window.deck_list.errors.isVisible()
    assert f"{deck_dir / 'broken.md'}:5: card x-one: no 'A:' line (the back)" in window.deck_list.errors.text()
    assert set(row_counts(window)) == {"Deck A", "Deck B"}


def test_the_review_screen_counts_what_the_deck_list_counts_under_a_deck_limit(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    """Bug 1: Deck A limited to 1 review a day with 3 due, Deck B with 1 due: the deck list said
    2 due but the review screen said 4 and stopped after 2 cards."""
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    db = storage_of(window.collection).db
    db.execute("UPDATE cards SET due = '2026-03-09', repetitions = 2, interval = 6, reviews = 2 "
               "WHERE id IN ('a-one', 'a-two', 'a-three', 'b-one')")
    window.collection.save_settings(StudySettings(
        new_per_day=0, deck_limits=MappingProxyType({"deck-a": DeckLimits(reviews_per_day=1)})))
    window.show_decks()
    assert row_counts(window) == {"Deck A": ("0", "1"), "Deck B": ("0", "1")}
    assert "today: 2 due · 0 new" in window.deck_list.summary.text()
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    review = window.review
    assert "2 due" in review.counts.text()
    shown = []
    while window.stack.currentWidget() is review:
        assert review.card is not None
        shown.append(review.card.id)
        qtbot.keyClick(review, Qt.Key.Key_Space)
        qtbot.keyClick(review, Qt.Key.Key_3)
        if window.stack.currentWidget() is review:
            assert "1 due" in review.counts.text()
    assert shown == ["a-one", "b-one"]


def test_a_write_that_fails_shows_a_dialog_and_keeps_the_card_unanswered(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.critical",
                        lambda _parent, title, text: shown.append((title, text)))
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    review = window.review
    db = storage_of(window.collection).db
    db.execute("PRAGMA query_only = ON")  # every write now fails, as on a disk gone read-only
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert len(shown) == 1 and shown[0][0] == "Answer not saved"
    assert "readonly" in shown[0][1] or "read-only" in shown[0][1]
    assert review.card is not None and review.card.id == "a-one" and review.revealed  # still on screen
    assert storage_of(window.collection).cards.review_log() == []
    db.execute("PRAGMA query_only = OFF")  # the disk is back: the same key saves the answer
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert [e.card_id for e in storage_of(window.collection).cards.review_log()] == ["a-one"]
    assert review.card is not None and review.card.id != "a-one"


def test_the_answer_buttons_say_what_will_really_happen(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                        clock: FixedClock) -> None:
    """Issue 17, item 1: "Again 1d" and "Hard 1d" hid that SM-2's step 7 brings the card back today."""
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    lines = [b.text().split("\n")[1] for b in review.grade_buttons.values()]
    assert lines == ["today, then 1d", "today, then 1d", "1d", "1d"]  # a new card: SM-2 gives 1 day to all
    tips = [b.toolTip() for b in review.grade_buttons.values()]
    assert "comes back later in this session" in tips[0].lower() and "until you answer Good or Easy" in tips[0]
    assert tips[2] == "Next review in 1 day."
    first = review.card.id  # type: ignore[union-attr]
    qtbot.keyClick(review, Qt.Key.Key_3)  # Good: 1 day
    clock.advance(days=1)
    window.show_decks()
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    assert review.card is not None and review.card.id == first  # due again: a review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert [b.text().split("\n")[1] for b in review.grade_buttons.values()] == [
        "today, then 1d", "today, then 6d", "6d", "6d"]  # the second review: SM-2's I(2) = 6
    qtbot.keyClick(review, Qt.Key.Key_1)  # Again: re-drilled in this session
    while review.card is not None and review.card.id != first:
        qtbot.keyClick(review, Qt.Key.Key_Space)
        qtbot.keyClick(review, Qt.Key.Key_4)
    assert review.card is not None and review.card.id == first
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert [b.text().split("\n")[1] for b in review.grade_buttons.values()] == [
        "again today", "again today", "done for today", "done for today"]
