"""The new-card order computed on a worker thread (mlprep.services.new_order) through the façade: a session
shows due cards while it is computed and waits for it only when nothing else is left; a ranking stored
meanwhile makes it stale; closing while it runs writes nothing. The worker's read is held back by an event
(a test double), so "still computing" is a state, not a timing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.core.study_settings import NewOrder, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.planning import Planner
from tests.helpers import storage_of

FRESH_ORDER = ["ma-1", "ml-1", "sq-1", "ma-2", "ml-2", "sq-2", "ma-3", "sq-3", "ma-4"]


def deck(name: str, area: str, n: int) -> str:
    cards = "".join(f"\n## {name}-{i}\nsource: s\n\nQ: {name} question {i}?\n\nA: {name} answer {i}.\n"
                    for i in range(1, n + 1))
    return f"---\ntitle: {name.upper()}\narea: {area}\n---\n{cards}"


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    event = threading.Event()
    real = Planner.rank_changes

    def slow(self: Planner, today: object) -> object:
        if threading.current_thread() is not threading.main_thread():
            assert event.wait(20)
        return real(self, today)  # type: ignore[arg-type]

    monkeypatch.setattr(Planner, "rank_changes", slow)
    monkeypatch.setattr("mlprep.services.new_order.BACKGROUND_FROM", 1)  # these collections are small
    yield event
    event.set()


def reopened(tmp_path: Path, clock: FixedClock, due: list[str]) -> Collection:
    """A collection opened a second time (its ranking left for later) with stale ranks and ``due`` due today."""
    decks = tmp_path / "decks"
    decks.mkdir()
    for name, area, n in (("ma", "math", 4), ("sq", "sql", 3), ("ml", "mlops", 2)):
        (decks / f"{name}.md").write_text(deck(name, area, n), encoding="utf-8")
    first = open_collection(tmp_path / "data", clock, [decks])
    first.save_settings(StudySettings(new_per_day=50, new_order=NewOrder.BEFORE))
    db = storage_of(first).db
    db.execute("UPDATE cards SET new_rank = 100 - new_rank")
    for card in due:
        db.execute("UPDATE cards SET due = ?, repetitions = 1, interval = 1 WHERE id = ?",
                   [first.today().isoformat(), card])
    first.close()
    return open_collection(tmp_path / "data", clock, [decks])


def test_a_session_shows_due_cards_first_and_waits_for_the_order_when_only_new_cards_are_left(
        tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    col = reopened(tmp_path, clock, due=["ma-4"])
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
    col = reopened(tmp_path, clock, due=[])
    session = col.study()
    assert session.queue.new_order is None
    card = session.next_card()
    assert card is not None and card.id == FRESH_ORDER[0]
    col.close()


def test_an_order_stored_meanwhile_makes_the_workers_stale(tmp_path: Path, clock: FixedClock,
                                                           gate: threading.Event) -> None:
    col = reopened(tmp_path, clock, due=[])
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
    col = reopened(tmp_path, clock, due=[])
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
    col = reopened(tmp_path, clock, due=["ma-4"])
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
