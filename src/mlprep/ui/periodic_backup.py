"""The periodic backup (Anki's model: every 30 minutes of use when something changed, on a worker thread so
the review screen never waits for it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:  # the backup worker's thread pool is started by the first backup, not at start (issue 16)
    from concurrent.futures import Future

    from mlprep.services.backups import Backup
    from mlprep.services.collection import Collection

BACKUP_EVERY_MS = 30 * 60 * 1000
"""The periodic backup's interval while the app is open (Anki: 30 minutes)."""


class PeriodicBackup(QObject):
    """Every :data:`BACKUP_EVERY_MS` starts :meth:`Collection.backup_in_background` (nothing when
    nothing changed); a failed backup is reported through ``report`` (one line) at the next tick.
    ``pending`` is the backup still running, ``last`` the last one that finished."""

    def __init__(self, collection: Callable[[], Collection], report: Callable[[str], None],
                 parent: QObject | None = None, interval_ms: int = BACKUP_EVERY_MS) -> None:
        super().__init__(parent)
        self._collection, self._report = collection, report
        self.pending: Future[Backup] | None = None
        self.last: Future[Backup] | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(interval_ms)

    def tick(self) -> None:
        """Report the last backup's failure, if any, and start the next one if something changed."""
        if self.pending is not None and self.pending.done():
            self.last, self.pending = self.pending, None
            error = self.last.exception()
            if error is not None:
                self._report(f"Backup failed: {error}")
        if self.pending is None:
            self.pending = self._collection().backup_in_background()

    def stop(self) -> None:
        """Stop the timer (the collection's close waits for a backup still running)."""
        self.timer.stop()
