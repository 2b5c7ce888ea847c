"""After the deck list's first paint, load what Study now → the first card needs, one small step per event-loop
turn (issue 16), so that a click a moment later finds it loaded and a click at once waits for one step at most.

The steps, in order: Python-Markdown's core, then its extensions (fenced code pulls Pygments' core in, through
Markdown's code highlighter), then one card side drawn offscreen with them (the card parser and the code
style's formatter built); then the study session's module and the interview planner's (Study now computes the
new cards' introduction order with it when opening the collection left that for later). Nothing here touches
the collection's data but the reading list, opened last (~60 ms: the links of the first card's answer side come
from it); ranking the new cards (1.6 s at 100k cards) stays with Study now. Each step is an import, one
rendering or that one read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer

STUDY_MODULES = ("mlprep.services.study", "mlprep.services.planning")
"""What Study now imports before its first card (``Collection.study``)."""

MARKDOWN_MODULES = ("markdown", "markdown.extensions.fenced_code", "markdown.extensions.tables",
                    "markdown.extensions.sane_lists")
"""Python-Markdown and the extensions every card side is parsed with (``services.card_html.card_markdown_parser``)."""


class StepRunner(QObject):
    """Runs ``steps`` one per event-loop turn, from the next turn on, while ``wanted()`` is true (the first
    step that finds it false ends the run: e.g. Study now was clicked, whose card loads what it needs)."""

    def __init__(self, steps: Sequence[Callable[[], object]], wanted: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps = list(steps)
        self._wanted = wanted
        self.done = 0  # steps run
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)
        self._timer.start()

    @property
    def pending(self) -> int:
        """Steps not yet run (0 also once the run has ended)."""
        return len(self._steps)

    def stop(self) -> None:
        """End the run now."""
        self._timer.stop()
        self._steps.clear()

    def _step(self) -> None:
        if not self._steps:
            return
        if not self._wanted():
            self._steps.clear()
            return
        self._steps.pop(0)()
        self.done += 1
        if self._steps:
            self._timer.start()


def importer(name: str) -> Callable[[], object]:
    """A step that imports module ``name`` (nothing when it is imported already)."""
    return lambda: importlib.import_module(name)


def study_path_steps(draw_card: Callable[[], object], *more: Callable[[], object]) -> list[Callable[[], object]]:
    """The warm-up's steps (module docstring): Markdown's modules, ``draw_card`` (one card side drawn
    offscreen), :data:`STUDY_MODULES`, then ``more`` (e.g. opening the reading list, whose links the first
    card's answer side shows)."""
    return [*(importer(name) for name in MARKDOWN_MODULES), draw_card, *(importer(name) for name in STUDY_MODULES),
            *more]
