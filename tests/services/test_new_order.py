"""The new-card order computed on a worker thread (mlprep.services.new_order) through the façade: a session
shows due cards while it is computed and waits for it only when nothing else is left; a ranking stored
meanwhile makes it stale; closing while it runs writes nothing. The worker's read is held back by an event
(a test double), so "still computing" is a state, not a timing."""

from __future__ import annotations

import threading
from pathlib import Path

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.core.study_settings import NewOrder
from mlprep.services.collection import open_collection
from tests.helpers import storage_of
from tests.new_order_fixtures import FRESH_ORDER, reopened


def test_a_session_shows_due_cards_first_and_waits_for_the_order_when_only_new_cards_are_left(
        tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    col = reopened(tmp_path, clock, due=["ma-4"], new_order=NewOrder.BEFORE)
    col.prepare_new_order()
    session = col.study(order_in_background=True)
    assert session.queue.waits_for_order() is False  # a due card comes first
    card = session.next_card()
    assert card is not None and card.id == "ma-4"
    session.answer(Button.GOOD)
    assert session.queue.waits_for_order() is True

    gate.set()
    shown = []
    while (card := session.next_card()) is not None:  # the first new card waits for the order, then all follow it
        shown.append(card.id)
        session.answer(Button.GOOD)
    assert shown == [c for c in FRESH_ORDER if c != "ma-4"]
    col.close()


def test_without_the_worker_the_order_is_computed_before_the_session_starts(tmp_path: Path,
                                                                             clock: FixedClock) -> None:
    col = reopened(tmp_path, clock, due=[], new_order=NewOrder.BEFORE)
    session = col.study()
    assert session.queue.new_order is None
    card = session.next_card()
    assert card is not None and card.id == FRESH_ORDER[0]
    col.close()


def test_an_order_stored_meanwhile_makes_the_workers_stale(tmp_path: Path, clock: FixedClock,
                                                           gate: threading.Event) -> None:
    col = reopened(tmp_path, clock, due=[], new_order=NewOrder.BEFORE)
    session = col.study(order_in_background=True)
    order = session.queue.new_order
    assert order is not None
    col.planner.rank_new_cards(col.today())  # e.g. a plan saved: ranked at once on this thread
    storage_of(col).db.execute("UPDATE cards SET new_rank = 100 - new_rank")  # what the stale one would undo
    gate.set()
    order.settle()
    ranks = dict(storage_of(col).db.execute("SELECT id, new_rank FROM cards").fetchall())
    assert sorted(ranks, key=ranks.__getitem__) == list(reversed(FRESH_ORDER))
    col.close()


def test_closing_while_the_order_is_read_waits_for_the_worker_and_stores_nothing(
        tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    col = reopened(tmp_path, clock, due=[], new_order=NewOrder.BEFORE)
    order = col.study(order_in_background=True).queue.new_order
    assert order is not None and not order.ready()
    threading.Timer(0.05, gate.set).start()
    col.close()
    assert col.closed and order.ready()  # the worker's connection is closed too
    again = open_collection(tmp_path / "data", clock, [tmp_path / "decks"])
    ranks = dict(storage_of(again).db.execute("SELECT id, new_rank FROM cards").fetchall())
    assert sorted(ranks, key=ranks.__getitem__) == list(reversed(FRESH_ORDER))  # still the stale order
    again.close()



def test_the_order_is_stored_a_chunk_at_a_time_and_new_cards_wait_until_all_of_it_is(
        tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    col = reopened(tmp_path, clock, due=["ma-4"], new_order=NewOrder.BEFORE)
    session = col.study(order_in_background=True)
    order = session.queue.new_order
    assert order is not None
    assert order.store_some(3) is False  # not read yet: nothing stored, and no wait
    read = threading.Event()
    order.when_ready(read.set)
    gate.set()
    assert read.wait(20)

    assert order.store_some(3) is False  # 3 of the 8 new cards' changed ranks
    card = session.next_card()
    assert card is not None and card.id == "ma-4"  # the due card; the new ones still wait
    session.answer(Button.GOOD)
    assert session.queue.waits_for_order() is True
    chunks = 1
    while not order.store_some(3):
        chunks += 1
    assert chunks == 2 and order.settled
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card.id)
        session.answer(Button.GOOD)
    assert shown == [c for c in FRESH_ORDER if c != "ma-4"]
    col.close()
