"""Typeset the collection's formulas in idle time, so cards rarely wait for the typesetter.

Typesetting costs ~6 ms per formula (a math-heavy card ~65 ms cold); from the formula cache
on disk the same card takes ~4 ms. After the first paint, :class:`MathWarmer` works through
the formulas of the cards most likely to be shown next (due first, then new), one formula
per event-loop turn, so the window stays responsive; formulas already on disk are skipped.

It also loads, first and one per turn, the Pygments lexer of every code-block language those cards use
(a lexer's first use costs ~60-130 ms: importing its module and compiling its rules; then ~0.5 ms), and
the code style's formatter, so that the first code block of a language never delays an answer.

While its ``hold()`` is true (the window passes "the review screen is shown") it does nothing: one of its steps
(a formula typeset: 6 ms for most, 50 ms and more for the big ones on a loaded machine) running when a key comes
would delay that key, and the review screen renders what its next keys show in its own idle steps (issue 16).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer

from mlprep.core.math_text import find_math
from mlprep.ui.math_images import MathError, MathTypesetter, preload, typesetter_ready

IMPORT_POLL_MS = 20
"""How often (ms) the warmer looks whether the typesetter's import has finished."""

TEXT_CHUNK = 20
"""Texts read for formulas per step (20: 2-5 ms at a load of 6 here)."""

_FENCE_LANGUAGE_RE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*\{?\.?([A-Za-z0-9_+#.-]+)", re.M)


def code_languages(texts: Iterable[str]) -> list[str]:
    """The languages named by the fenced code blocks of ``texts`` (```` ```python ````), in first-seen
    order, lower-cased, each once."""
    return list(dict.fromkeys(m.group(1).lower() for text in texts for m in _FENCE_LANGUAGE_RE.finditer(text)))


def warm_lexer(language: str) -> None:
    """Load Pygments' lexer for ``language`` and run it once (an unknown name is ignored: the card shows
    its code unhighlighted)."""
    from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
    from pygments.util import ClassNotFound  # type: ignore[import-untyped]

    with contextlib.suppress(ClassNotFound):
        list(get_lexer_by_name(language).get_tokens("x = 1\n"))


def warm_code_style(style: str) -> None:
    """Build Pygments' HTML formatter for ``style`` once (loads the style's module)."""
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
    from pygments.util import ClassNotFound

    with contextlib.suppress(ClassNotFound):
        HtmlFormatter(noclasses=True, style=style)


class MathWarmer(QObject):
    """Typesets ``texts``' formulas at ``px`` into ``typesetter``'s disk cache, in idle time, one formula
    (or one lexer) per event-loop turn; while ``hold()`` is true it does nothing and looks again every
    :data:`IMPORT_POLL_MS`."""

    def __init__(self, typesetter: MathTypesetter, texts: Iterable[str], px: float,
                 parent: QObject | None = None, *, code_style: str = "",
                 hold: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self._typesetter = typesetter
        self._hold = hold  # while true the warmer waits (the review screen is shown: its own idle work goes first)
        self._px = px
        texts = list(texts)
        # Finding the formulas of 3,000 texts takes 0.1-0.3 s: done in steps of TEXT_CHUNK texts (_read_texts),
        # and only in the texts with a dollar; fences are rare, so their languages are found now.
        self._unread = [text for text in texts if "$" in text]
        self._seen: set[tuple[str, bool]] = set()
        self._jobs: list[tuple[str, bool]] = []
        self._code_jobs: list[Callable[[], None]] = [
            *([lambda: warm_code_style(code_style)] if code_style else []),
            *(lambda language=language: warm_lexer(language)
              for language in code_languages(text for text in texts if "```" in text or "~~~" in text))]
        self.done = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def pending(self) -> int:
        """Formulas (and code lexers) not yet visited, and texts with a dollar not yet read for formulas."""
        return len(self._jobs) - self.done + len(self._code_jobs) + len(self._unread)

    def start(self) -> None:
        """Begin (or resume) in idle time: the texts are read for formulas :data:`TEXT_CHUNK` per step, the
        lexers loaded, then the formulas typeset; the typesetter is imported on a worker thread first
        (:func:`~mlprep.ui.math_images.preload`, when the first formula is due), polled every
        :data:`IMPORT_POLL_MS`."""
        if self.pending:
            self._timer.start()

    def stop(self) -> None:
        """Stop after the current formula."""
        self._timer.stop()

    def _step(self) -> None:
        if not self.pending:
            self._timer.stop()
            return
        if self._hold():  # e.g. the review screen is shown: a step now could delay a key
            self._timer.setInterval(IMPORT_POLL_MS)
            return
        self._timer.setInterval(0)
        if self._unread:
            self._read_texts()
            return
        if self._code_jobs:  # lexers before formulas: few, and each first use is a long stall
            self._code_jobs.pop(0)()
            return
        if not typesetter_ready():
            preload()
            self._timer.setInterval(IMPORT_POLL_MS)  # the import is still running: do not spin
            return
        self._timer.setInterval(0)
        tex, display = self._jobs[self.done]
        self.done += 1
        # A bad formula is shown as marked code when its card comes up; `mlprep check` reports it.
        with contextlib.suppress(MathError):
            self._typesetter.warm(tex, display=display, px=self._px)

    def _read_texts(self) -> None:
        """Find the formulas of the next :data:`TEXT_CHUNK` unread texts (each formula once, in order)."""
        chunk, self._unread = self._unread[:TEXT_CHUNK], self._unread[TEXT_CHUNK:]
        for text in chunk:
            for span in find_math(text):
                job = (span.tex, span.display)
                if job not in self._seen:
                    self._seen.add(job)
                    self._jobs.append(job)
