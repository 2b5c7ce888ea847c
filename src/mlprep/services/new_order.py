"""The new cards' introduction order computed on a worker thread while a session starts (issue 16).

At 100,000 cards ranking the new cards takes about a second even inside SQLite
(:mod:`mlprep.storage.rank_queries`); a study session need not wait for it before its first review.
:class:`PendingOrder` reads the order on a second, read-only connection on its own thread and stores
it on the thread that asks for it (the GUI thread: one connection writes); until then the session's
queue shows due cards and the drill, and new cards wait (:class:`mlprep.services.queue.TodayQueue`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from mlprep.core.models import CardId
from mlprep.services.planning import Planner
from mlprep.storage.collection_db import CollectionDb

Changes = list[tuple[CardId, int | None]]

BACKGROUND_FROM = 2000
"""New cards from which Study now computes their order on a worker (:meth:`Collection.study` with
``order_in_background``): below, it is computed first, as it takes a few tens of ms (the shipped decks'
1,467 cards: 17–32 ms, 6,467: 131 ms median, tmpfs, load ~7) and the first card then needs no wait."""


STORE_CHUNK = 1000
"""Ranks one :meth:`PendingOrder.store_some` call writes (one transaction, one fsync): the day after new
cards were answered nearly every rank moves (the areas' round robin restarts): 91,303 of 91,321 at 100k
cards, written in 92 chunks of 1,000 in 20 ms median, 84 ms at most (2,000: 36 / 123 ms; disk, FULL,
load ~6)."""


class PendingOrder:
    """The new-card order of study day ``today`` being read by ``planner``'s rules over ``reader`` (a
    read-only connection, closed when the reading ends) on a daemon thread. It is stored on the writing
    connection's thread with ``store`` (default :meth:`Planner.store_ranks`): in chunks by
    :meth:`store_some` (a GUI, one per event-loop turn) or at once by :meth:`settle`; :attr:`settled` once
    all is stored (new cards can be picked by rank again). A ranking stored meanwhile by
    :meth:`Planner.rank_new_cards` makes this one stale: the rest is then dropped. An error on the worker
    is raised by :meth:`store_some` and :meth:`settle`."""

    def __init__(self, planner: Planner, reader: CollectionDb, today: date,
                 store: Callable[[Changes, int], bool] | None = None) -> None:
        self._planner = planner
        self._generation = planner.ranking_generation
        self._store = store or planner.store_ranks
        self._done = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._changes: Changes | None = None
        self._stored = 0  # of _changes
        self._error: BaseException | None = None
        self.settled = False
        self._thread = threading.Thread(target=self._read, args=(reader, today), name="mlprep-new-order",
                                        daemon=True)
        self._thread.start()

    def _read(self, reader: CollectionDb, today: date) -> None:
        try:
            self._changes = Planner(reader).rank_changes(today)  # ranking reads no memory model
        except BaseException as error:  # handed to settle(), on the caller's thread
            self._error = error
        finally:
            reader.close()
            with self._lock:
                self._done.set()
                callbacks, self._callbacks = self._callbacks, []
            for callback in callbacks:
                callback()

    def ready(self) -> bool:
        """Whether the order has been read (:meth:`settle` then stores it without waiting)."""
        return self._done.is_set()

    def when_ready(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the order has been read: at once if it has, else on the worker thread
        (a GUI hands it on to its own thread, e.g. through a queued Qt signal)."""
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def store_some(self, limit: int = STORE_CHUNK) -> bool:
        """Store up to ``limit`` more ranks if the order has been read (never waits); return
        :attr:`settled`. Call it on the writing connection's thread."""
        if self.settled or not self._done.is_set():
            return self.settled
        if self._error is not None:
            self.settled = True
            raise self._error
        assert self._changes is not None
        chunk = self._changes[self._stored:self._stored + limit]
        self._stored += len(chunk)
        if not chunk or not self._store(chunk, self._generation) or self._stored >= len(self._changes):
            self.settled, self._changes = True, None  # stored, or stale: the rest is dropped
        return self.settled

    def settle(self) -> None:
        """Wait for the order if need be and store all of it that is left (a session with nothing else
        to show). Call it on the writing connection's thread."""
        self._done.wait()
        while not self.store_some(1 << 62):
            pass

    def join(self) -> None:
        """Wait for the worker to end and store nothing more (the collection is closing)."""
        self._done.wait()
        self.settled, self._changes = True, None
