"""The deck list's last warm-up step: Study now's first fronts drawn into the render store (issue 16).

:func:`keep_first_cards` asks a study session in the scope Study now would study for its first card and the
cards likely after it, and draws their fronts into the review renderer's :class:`~mlprep.ui.render_store.RenderStore`,
which it then writes: the next start shows its first card from there, without Python-Markdown, Pygments or
the formula typesetter (:mod:`mlprep.ui.render_store`). Nothing is answered or written to the collection."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from mlprep.core.math_text import find_math
from mlprep.core.models import Card
from mlprep.core.study_settings import ScopeKind, StudyScope

if TYPE_CHECKING:
    from mlprep.ui.main_window import MainWindow

TRIES = 40
RETRY_MS = 250
"""How often and how long apart :func:`keep_first_cards` tries while the first cards wait for the new cards'
order or the formula typesetter."""


def keep_first_cards(window: MainWindow, cards: list[Card] | None = None, tries: int = TRIES) -> None:
    """Draw the fronts Study now would show first in ``window`` (the session's first card and the cards likely
    after it) into its review renderer's store, and write the store. A session is only asked for its cards, once
    the new cards' order is stored (while it is still computed or stored, this looks again :data:`RETRY_MS`
    later, asking the pending order only). A front is drawn once its formulas are typeset (in the disk cache):
    each call typesets one missing formula at most, once the math warmer has imported ziamath on its worker
    thread (never on this one), and looks again later with the same ``cards``; ``tries`` calls at most, while
    the deck list is shown and the collection open."""
    if window.stack.currentWidget() is not window.deck_list or window.collection.closed:
        return
    if cards is None:
        pending = window.collection.prepare_new_order()  # the warm-up's order, or None once stored
        if pending is not None and not pending.settled:
            if tries > 1:
                QTimer.singleShot(RETRY_MS, window, lambda: keep_first_cards(window, None, tries - 1))
            return
        kind, value = window.deck_list.study_scope()
        session = window.collection.study(StudyScope(ScopeKind(kind), value), order_in_background=True)
        first = None if session.queue.waits_for_order() else session.next_card()
        cards = [] if first is None else [first, *session.likely_next()]
    from mlprep.ui.card_render import MATH_SCALE
    from mlprep.ui.math_images import MathError, typesetter_ready

    px = window.review.text_px
    renderer = window.review.browser.renderer
    typesetter = renderer.typesetter
    missing = next(((span.tex, span.display) for card in cards for span in find_math(card.front)
                    if not typesetter.has(span.tex, display=span.display, px=px * MATH_SCALE)), None)
    if missing is None:
        for card in cards:
            renderer.remember(card.front, None, window.theme, px, (), card.source)
        renderer.save_store()
        return
    if typesetter_ready():  # imported by the math warmer (WARM_DELAY_MS), on its worker thread
        with contextlib.suppress(MathError):  # a bad formula is drawn as marked code: not kept then
            typesetter.warm(missing[0], display=missing[1], px=px * MATH_SCALE)
    if tries > 1:
        QTimer.singleShot(RETRY_MS, window, lambda: keep_first_cards(window, cards, tries - 1))
