"""Study now while the new cards' order is still being computed (issue 16).

At 100,000 cards the order takes about a second on a worker thread (:mod:`mlprep.services.new_order`), and
storing it (most ranks move the day after new cards were answered) is done here in idle time, a chunk of
ranks per event-loop turn. A session with due cards starts at once (new cards wait for the order, due cards
need none); one that has only new cards to show first says "Preparing new cards…" in the status bar and
starts once the order is stored. "Read" comes back from the worker thread through a queued signal.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QWidget

if TYPE_CHECKING:
    from mlprep.services.queue import OrderPending
    from mlprep.services.study import StudySession

PREPARING = "Preparing new cards…"


class _OrderWriter(QObject):
    """Stores ``order`` once the worker has read it, one chunk per event-loop turn (``store_some``), then
    emits :attr:`stored` and deletes itself; "read" comes from the worker thread as a queued signal."""

    read = Signal()
    stored = Signal()

    def __init__(self, order: OrderPending, parent: QObject) -> None:
        super().__init__(parent)
        self._order = order
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)
        self.read.connect(self._timer.start)
        order.when_ready(self._emit_read)

    def _emit_read(self) -> None:  # on the worker thread
        with suppress(RuntimeError):  # the window was closed meanwhile (this object deleted): nothing to store
            self.read.emit()

    def _step(self) -> None:
        if self._order.store_some():
            self.stored.emit()
            self.deleteLater()
        else:
            self._timer.start()


def store_ahead(window: QMainWindow, order: OrderPending | None) -> None:
    """Store ``order`` (a new-card order computed ahead, before any session asks for it) in idle time, in
    chunks, as soon as the worker has read it, so that a Study now after that finds it stored; ``None`` or a
    settled order: nothing to do."""
    if order is not None and not order.settled:
        _OrderWriter(order, window)


def start_when_ordered(window: QMainWindow, session: StudySession, start: Callable[[StudySession], None],
                       still_wanted: Callable[[], bool]) -> None:
    """Call ``start(session)`` now, unless its first card would wait for the new cards' order: then show
    :data:`PREPARING` in ``window``'s status bar and call it on the GUI thread once the order is stored, if
    ``window`` is still open and ``still_wanted()`` is then true (the user has not gone to another screen).
    Either way the order is stored in idle time, in chunks, as soon as the worker has read it."""
    order = session.queue.new_order
    waiting = order is not None and session.queue.waits_for_order()
    if order is not None and not order.settled:
        writer = _OrderWriter(order, window)
        if waiting:
            writer.stored.connect(lambda: _arrived(window, session, start, still_wanted))
    if not waiting:
        start(session)
        return
    window.statusBar().showMessage(PREPARING)


def _arrived(window: QMainWindow, session: StudySession, start: Callable[[StudySession], None],
             still_wanted: Callable[[], bool]) -> None:
    if window.statusBar().currentMessage() == PREPARING:
        window.statusBar().clearMessage()
    if window.isVisible() and still_wanted():  # not after the window was closed (its collection too)
        start(session)


def is_current(window: QMainWindow, screen: QWidget) -> Callable[[], bool]:
    """Whether ``screen`` is still the screen ``window`` shows (its central stack's current widget)."""
    stack = window.centralWidget()
    return lambda: getattr(stack, "currentWidget", lambda: None)() is screen
