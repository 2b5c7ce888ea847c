"""The done screen says which limit ended the session and offers custom study (+10 / +20 new cards
today, review ahead, cram); a cram or review-ahead session says so on screen (issue 17, items 3, 10)."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.models import CardId, DeckId
from mlprep.core.study_settings import DeckLimits, LimitKind, ScopeKind, StudyScope, StudySettings
from mlprep.services.queue import LimitReached, Stop
from mlprep.services.session import SessionMode
from mlprep.ui.done_view import stop_text
from tests.helpers import storage_of
from tests.ui.windows import answer_good, open_window, plain

BIG_CARDS = 30


def big_deck(tmp_path: Path) -> Path:
    """A folder with one deck of :data:`BIG_CARDS` new cards."""
    folder = tmp_path / "big-decks"
    folder.mkdir()
    cards = "\n".join(f"## big-{i:02d}\nsource: Test source\n\nQ: Question {i}?\n\nA: Answer {i}.\n"
                      for i in range(BIG_CARDS))
    (folder / "big.md").write_text(f"---\ntitle: Big deck\narea: math\n---\n\n{cards}", encoding="utf-8")
    return folder



def test_the_new_card_limit_is_named_and_plus_10_studies_ten_more(qtbot: QtBot, tmp_path: Path,
                                                                  clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", big_deck(tmp_path), clock, StudySettings(new_per_day=2))
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    answer_good(qtbot, window, 2)
    done = window.done
    assert window.stack.currentWidget() is done
    assert done.title.text() == "Today's limit is reached"
    assert "You answered 2 cards in this session." in done.message.text()
    assert "The daily limit of 2 new cards is reached; 28 new cards are left." in done.message.text()
    assert "The next card is due tomorrow" in done.message.text()
    plus10, plus20 = done.extend_buttons[10], done.extend_buttons[20]
    assert plus10.isVisible() and plus20.isVisible() and done.ahead_button.isVisible()

    qtbot.mouseClick(plus10, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.review
    assert plain(window.review.counts.text()).startswith("10 new")
    answer_good(qtbot, window, 10)
    assert window.stack.currentWidget() is done
    assert ("The daily limit of 12 new cards (2 + 10 added today) is reached; 18 new cards are left."
            in done.message.text())

    qtbot.keyClick(done, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # +20, from the keyboard
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review)  # a button's key clicks it animated
    assert plain(window.review.counts.text()).startswith("18 new")  # only 18 are left
    answer_good(qtbot, window, 18)
    assert done.title.text() == "Done for today"
    assert "Nothing is left to study today" in done.message.text()
    assert not plus10.isVisible() and not plus20.isVisible()
    qtbot.keyClick(done, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list


def test_the_extra_cards_survive_a_restart_the_same_day_and_are_gone_the_next(qtbot: QtBot, tmp_path: Path,
                                                                               clock: FixedClock) -> None:
    decks = big_deck(tmp_path)
    window = open_window(qtbot, tmp_path / "data", decks, clock, StudySettings(new_per_day=2))
    window.study()
    answer_good(qtbot, window, 2)
    qtbot.keyClick(window.done, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # +10
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review)
    answer_good(qtbot, window, 3)
    window.close()

    clock.advance(hours=2)  # the same study day
    again = open_window(qtbot, tmp_path / "data", decks, clock)
    assert again.deck_list.study_button.isEnabled()
    again.study()
    assert plain(again.review.counts.text()).startswith("7 new")
    again.close()

    clock.advance(days=1)  # the next study day: the settings' limit again
    next_day = open_window(qtbot, tmp_path / "data", decks, clock)
    next_day.study()
    assert plain(next_day.review.counts.text()).startswith("2 new · 0 learn · 5 due")


def test_nothing_left_offers_no_more_new_cards(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                               clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study()
    answer_good(qtbot, window, 5)
    done = window.done
    assert done.title.text() == "Done for today"
    assert ("Nothing is left to study today: no card is due and every new card has been introduced."
            in done.message.text())
    assert not any(b.isVisible() for b in done.extend_buttons.values())
    assert done.ahead_button.isVisible()  # the five are due tomorrow: they can be reviewed ahead


def test_a_deck_limit_names_the_deck_and_plus_10_raises_it(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                           clock: FixedClock) -> None:
    settings = StudySettings(deck_limits=MappingProxyType({"deck-a": DeckLimits(new_per_day=1)}))
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock, settings)
    window.study(StudyScope(ScopeKind.DECK, "deck-a"))
    answer_good(qtbot, window, 1)
    done = window.done
    assert "Deck A's own limit of 1 new card a day is reached; 2 new cards are left in it." in done.message.text()
    assert done.extend_buttons[10].isVisible() and not done.extend_buttons[20].isVisible()  # 2 left
    qtbot.mouseClick(done.extend_buttons[10], Qt.MouseButton.LeftButton)
    assert window.review.card is not None and window.review.card.id == "a-two"
    assert plain(window.review.counts.text()).startswith("2 new")


def test_the_review_limit_is_named_and_offers_no_new_cards(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                           clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock, StudySettings(reviews_per_day=2))
    storage_of(window.collection).db.execute(
        "UPDATE cards SET due = '2026-03-09', interval = 6, repetitions = 2, reviews = 2")
    window.study()
    answer_good(qtbot, window, 2)
    done = window.done
    assert "The daily limit of 2 reviews is reached; 3 more cards are due." in done.message.text()
    assert "beyond today's limits" not in done.message.text()  # said once, by the limit
    assert not done.extend_buttons[10].isVisible()


def test_review_ahead_from_the_done_screen_says_the_schedule_stays(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                                   clock: FixedClock,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    answer_good(qtbot, window, 2)
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args: (asked.append(args[1]), (7, True))[1])
    qtbot.keyClick(window.done, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: asked == ["Review ahead"])
    review = window.review
    assert window.stack.currentWidget() is review and review.session is not None
    assert review.session.mode is SessionMode.AHEAD and review.session.scope == StudyScope(ScopeKind.DECK, "deck-b")
    assert review.banner.isVisible() and "do not change the schedule" in review.banner.text()
    assert plain(review.counts.text()) == "2 left to review ahead"
    answer_good(qtbot, window, 2)
    assert storage_of(window.collection).cards.progress(CardId("b-one")).due is not None
    assert window.stack.currentWidget() is window.done


def test_cram_shows_a_banner_counts_cards_left_and_buries_visibly(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                                 clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    answer_good(qtbot, window, 2)
    qtbot.keyClick(window.done, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Cram these 2 cards
    review = window.review
    qtbot.waitUntil(lambda: window.stack.currentWidget() is review)
    assert review.banner.isVisible()
    assert review.banner.text().startswith("Cram: answers here do not change the schedule")
    assert plain(review.counts.text()) == "2 left in this cram"
    assert "due" not in plain(review.counts.text())
    assert review.bury_button.isVisible() and review.suspend_button.isVisible()
    buried = review.card
    assert buried is not None
    qtbot.keyClick(review, Qt.Key.Key_Minus)
    assert "buried" in review.notice.text()
    assert plain(review.counts.text()) == "1 left in this cram" and review.card != buried
    assert storage_of(window.collection).cards.progress(buried.id).buried_until is not None
    qtbot.keyClick(review, Qt.Key.Key_U)
    assert review.card == buried and plain(review.counts.text()) == "2 left in this cram"
    assert storage_of(window.collection).cards.progress(buried.id).buried_until is None

    window.study()  # a study session: no banner, the usual counts
    assert not review.banner.isVisible()
    assert plain(review.counts.text()).startswith("3 new · 0 learn · 0 due")


def test_review_ahead_cancelled_stays_on_the_done_screen(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                         clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    answer_good(qtbot, window, 2)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args: (7, False))
    qtbot.mouseClick(window.done.ahead_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.done


def test_stop_text_names_up_to_three_decks_then_sums_them_and_says_a_plan_quota() -> None:
    def deck(name: str, kind: LimitKind = LimitKind.NEW, left: int = 2) -> LimitReached:
        return LimitReached(kind, 1, left, DeckId(name))

    titles = {DeckId("d1"): "Linear algebra"}
    assert stop_text(Stop((deck("d1"), deck("d2", LimitKind.REVIEW, 1)), 0), titles) == (
        "Linear algebra's own limit of 1 new card a day is reached; 2 new cards are left in it. "
        "d2's own limit of 1 review a day is reached; 1 more card is due in it.")
    four = tuple(deck(f"d{i}", left=1000) for i in range(4))
    assert stop_text(Stop(four, 0), titles) == (
        "The own daily limits of 4 decks are reached; 4,000 new cards are left in them.")
    plan = Stop((LimitReached(LimitKind.NEW, 22, 1, None),), 0, extra_new=10, by_plan=True)
    assert stop_text(plan) == ("Your interview plan's 22 new cards (12 + 10 added today) for today are introduced; "
                               "1 new card is left.")
