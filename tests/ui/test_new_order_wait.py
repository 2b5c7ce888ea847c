"""Study now while the new cards' order is computed on a worker (issue 16): a due card shows at once, the
new cards then come in the order the worker computed (not the stale stored one); with nothing due the
window says it is preparing the new cards and shows the first one when the order is ready.

The worker's ranking is held back by a test double (an event the test sets), so "not finished yet" is a
state, not a timing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import NewOrder
from mlprep.ui.main_window import MainWindow
from mlprep.ui.new_order_wait import PREPARING
from tests.new_order_fixtures import FRESH_ORDER, reopened
from tests.ui.windows import answer_good


def reopened_window(qtbot: QtBot, tmp_path: Path, clock: FixedClock, due: list[str],
                    new_order: NewOrder = NewOrder.MIXED) -> MainWindow:
    """A window over a collection opened a second time (nothing changed: its ranking is left for Study
    now), whose stored new-card ranks are stale (reversed) and whose cards ``due`` are due today."""
    window = MainWindow(reopened(tmp_path, clock, due, new_order))
    qtbot.addWidget(window)
    window.show()
    return window


def shown(window: MainWindow) -> str:
    card = window.review.card
    assert card is not None
    return card.id


@pytest.mark.parametrize("new_order", [NewOrder.MIXED, NewOrder.BEFORE])
def test_a_due_card_shows_before_the_order_is_ready_and_new_cards_follow_in_the_new_order(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, gate: threading.Event, new_order: NewOrder) -> None:
    """Even with new cards set to come before reviews: while their order is not known they wait."""
    window = reopened_window(qtbot, tmp_path, clock, due=["sq-3"], new_order=new_order)
    window.deck_list.study_button.click()

    assert window.stack.currentWidget() is window.review
    assert shown(window) == "sq-3"  # the due card needs no order
    order = window.review.session.queue.new_order  # type: ignore[union-attr]
    assert order is not None and not order.ready()

    gate.set()
    qtbot.waitUntil(lambda: order.settled)  # read on the worker, stored in idle time, with no answer given
    seen = []
    for _ in range(9):
        seen.append(shown(window))
        answer_good(qtbot, window, 1)
    assert seen == ["sq-3", *(c for c in FRESH_ORDER if c != "sq-3")]


def test_with_only_new_cards_the_window_says_it_prepares_them_then_shows_the_first(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    window = reopened_window(qtbot, tmp_path, clock, due=[])
    window.deck_list.study_button.click()

    assert window.stack.currentWidget() is window.deck_list
    assert window.statusBar().currentMessage() == PREPARING

    gate.set()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review)
    assert shown(window) == FRESH_ORDER[0]
    assert window.statusBar().currentMessage() == ""


def test_a_small_collection_ranks_first_and_shows_its_first_new_card_at_once(qtbot: QtBot, tmp_path: Path,
                                                                           clock: FixedClock) -> None:
    """Under BACKGROUND_FROM new cards the order is computed before the session starts (tens of ms)."""
    window = reopened_window(qtbot, tmp_path, clock, due=[])
    window.deck_list.study_button.click()

    assert window.stack.currentWidget() is window.review
    assert window.review.session.queue.new_order is None  # type: ignore[union-attr]
    assert shown(window) == FRESH_ORDER[0]


def test_closing_the_window_while_new_cards_are_prepared_starts_nothing(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    window = reopened_window(qtbot, tmp_path, clock, due=[])
    window.deck_list.study_button.click()
    assert window.statusBar().currentMessage() == PREPARING
    release = threading.Timer(0.05, gate.set)  # close() waits for the worker, which waits for the gate
    release.start()
    window.close()
    release.join()

    assert window.collection.closed
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() != PREPARING)  # the relay came back
    assert window.stack.currentWidget() is window.deck_list


def test_the_order_is_prepared_while_the_deck_list_is_shown_so_study_now_shows_a_new_card_at_once(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    """The deck list's idle warm-up reads the order on the worker and stores it in idle time: a person who looks
    at the deck list for a moment before Study now does not see "Preparing new cards…"."""
    window = reopened_window(qtbot, tmp_path, clock, due=[])
    qtbot.waitUntil(lambda: window._study_warmup is not None
                    and window._study_warmup.pending == 0)  # the warm-up ran to its end
    gate.set()
    order = window.collection._new_order  # synchronisation only: wait until it is stored
    assert order is not None
    qtbot.waitUntil(lambda: order.settled)

    window.deck_list.study_button.click()

    assert window.stack.currentWidget() is window.review
    assert window.statusBar().currentMessage() != PREPARING
    seen = []
    for _ in range(len(FRESH_ORDER)):
        seen.append(shown(window))
        answer_good(qtbot, window, 1)
    assert seen == FRESH_ORDER  # the order computed ahead, not the stale stored one
