"""Typeset the collection's formulas in idle time, so cards rarely wait for the typesetter.

Typesetting costs ~6 ms per formula (a math-heavy card ~65 ms cold); from the formula cache
on disk the same card takes ~4 ms. After the first paint, :class:`MathWarmer` works through
the formulas of the cards most likely to be shown next (due first, then new), one formula
per event-loop turn, so the window stays responsive; formulas already on disk are skipped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer

from mlprep.core.math_text import find_math
from mlprep.ui.math_images import MathError, MathTypesetter, preload, typesetter_ready

IMPORT_POLL_MS = 20
"""How often (ms) the warmer looks whether the typesetter's import has finished."""


class MathWarmer(QObject):
    """Typesets ``texts``' formulas at ``px`` into ``typesetter``'s disk cache, in idle time."""

    def __init__(self, typesetter: MathTypesetter, texts: Iterable[str], px: float,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._typesetter = typesetter
        self._px = px
        self._jobs = list(dict.fromkeys((span.tex, span.display) for text in texts for span in find_math(text)))
        self.done = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def pending(self) -> int:
        """Formulas not yet visited."""
        return len(self._jobs) - self.done

    def start(self) -> None:
        """Begin (or resume) typesetting in idle time; the typesetter is imported on a worker thread first
        (:func:`~mlprep.ui.math_images.preload`), polled every :data:`IMPORT_POLL_MS`."""
        if self.pending:
            preload()
            self._timer.start()

    def stop(self) -> None:
        """Stop after the current formula."""
        self._timer.stop()

    def _step(self) -> None:
        if not self.pending:
            self._timer.stop()
            return
        if not typesetter_ready():
            self._timer.setInterval(IMPORT_POLL_MS)  # the import is still running: do not spin
            return
        self._timer.setInterval(0)
        tex, display = self._jobs[self.done]
        self.done += 1
        # A bad formula is shown as marked code when its card comes up; `mlprep check` reports it.
        with contextlib.suppress(MathError):
            self._typesetter.warm(tex, display=display, px=self._px)
