"""The review screen: the front, Space/Enter reveals the back, grades on 1–4 (or 0–5), and on the
answer side Space/Enter answers Good (as Anki).

Also: U / Ctrl+Z undo, ``-`` bury, ``@`` suspend, Esc back to the deck list. The keys are
:data:`mlprep.ui.shortcuts.REVIEW_KEYS`, the table Help ▸ Keyboard shortcuts shows. E edits the card on
screen (``edit_requested``; not in that table yet).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.grades import Grade
from mlprep.core.math_text import find_math
from mlprep.core.models import Button, Card, ReviewKind
from mlprep.services.session import AnswerNotSaved, Preview, ReviewSession, SessionMode, grade_range
from mlprep.ui.card_render import MATH_SCALE, LearnMoreLink, RenderedCard
from mlprep.ui.card_view import BASE_TEXT_PX, CardBrowser, deck_image, deck_images
from mlprep.ui.math_images import MathError, preload, typesetter_ready
from mlprep.ui.shortcuts import ReviewAction, grade_for, review_action
from mlprep.ui.theme import LIGHT, Theme, grade_colours

MODE_BANNERS = {
    SessionMode.CRAM: "Cram: answers here do not change the schedule. Bury and suspend still hide the card "
                      "everywhere.",
    SessionMode.AHEAD: "Review ahead: answers here do not change the schedule; the cards stay due on their "
                       "days. Bury and suspend still hide the card everywhere.",
}
"""The banner over a session that only logs answers (cram, review ahead)."""

MODE_COUNTS = {SessionMode.CRAM: "in this cram", SessionMode.AHEAD: "to review ahead"}
"""How the counts name the cards left in such a session: they are not "due"."""

IDLE_FALLBACK_MS = 250
"""If the card shown is not painted within this many ms (a hidden or minimised window), the idle work
(pre-rendering the answer side and the next front, the session's upkeep) runs anyway."""

IMPORT_POLL_MS = 20
"""While ziamath is being imported on its worker thread, the idle steps look this often (ms) whether it is done."""


class IdleStep(Enum):
    """What one idle step of the review screen did (:meth:`ReviewView._idle_plan`)."""

    WAIT = "wait"  # ziamath still importing on its thread: nothing done, look again in IMPORT_POLL_MS
    FORMULA = "formula"  # one formula typeset (into memory and the disk cache)
    BACK = "back"  # the card's answer side rendered ahead
    FRONT = "front"  # the front of a card likely next rendered ahead
    IMAGE = "image"  # one deck image of a side rendered ahead decoded
    UPKEEP = "upkeep"  # the session's upkeep (a checkpoint now and then)


def format_interval(days: int) -> str:
    """Anki-style short interval: ``"1d"``, ``"16d"``, ``"2.1mo"``, ``"1.3y"``."""
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


REPEAT_DONE = {
    SessionMode.STUDY: ("done for today", "Leaves today's session; its schedule is already set."),
    SessionMode.CRAM: ("done in this cram", "Leaves this cram; the card's schedule does not change."),
    SessionMode.AHEAD: ("reviewed ahead", "Leaves this review ahead; the card is still due on its day."),
}
"""Per session mode, the line under a grade button (and its tooltip) for a repeat that does not come
back: a drill repeat in a study session, any answer in a cram or review ahead."""

REPEAT_AGAIN = {
    SessionMode.STUDY: "again today",
    SessionMode.CRAM: "again in this cram",
    SessionMode.AHEAD: "again in this session",
}
"""Per session mode, the line under a grade button for a repeat that comes back in the session (a cram's
answers schedule nothing, so "today" would promise a re-drill that is not one)."""


def preview_text(preview: Preview, kind: ReviewKind | None, mode: SessionMode = SessionMode.STUDY) -> str:
    """The line under a grade button: what will really happen. On a first answer the interval it gives
    (as Anki), after "today, then" when SM-2's step 7 brings the card back in this session first; on a
    drill or cram repeat, whether the card comes back today, else that it is done for today, in this
    cram or reviewed ahead (by the session's ``mode``)."""
    if kind in (ReviewKind.DRILL, ReviewKind.CRAM):
        return REPEAT_AGAIN[mode] if preview.again_today else REPEAT_DONE[mode][0]
    interval = format_interval(preview.interval)
    return f"today, then {interval}" if preview.again_today else interval


def preview_tooltip(preview: Preview, kind: ReviewKind | None, mode: SessionMode = SessionMode.STUDY) -> str:
    """The grade button's tooltip: the same, said in full, with SM-2's re-drill explained once."""
    if kind in (ReviewKind.DRILL, ReviewKind.CRAM):
        return "Comes back later in this session." if preview.again_today else REPEAT_DONE[mode][1]
    days = f"{preview.interval} day{'s' if preview.interval != 1 else ''}"
    if preview.again_today:
        return (f"Comes back later in this session (SM-2 re-drills a card answered below Good until you "
                f"answer Good or Easy); its next review is then in {days}.")
    return f"Next review in {days}."


class ReviewView(QWidget):
    """Reviews the cards of a study or cram session; emits ``finished`` when none are left
    and ``leave_requested`` when the user goes back to the deck list (Esc)."""

    finished = Signal()
    leave_requested = Signal()
    zoom_requested = Signal(int)  # +1 / -1 steps, from Ctrl + mouse wheel over the card
    edit_requested = Signal(str)  # E: edit the card on screen (its id)

    def __init__(self, parent: QWidget | None = None,
                 deck_dir_for: Callable[[Card], Path | None] = lambda card: None,
                 links_for: Callable[[Card], tuple[LearnMoreLink, ...]] = lambda card: ()) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewView")
        self._deck_dir_for = deck_dir_for
        self._links_for = links_for
        self._theme: Theme = LIGHT
        self._px = BASE_TEXT_PX
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._session: ReviewSession | None = None
        self._card: Card | None = None
        self._grades: dict[int, Grade] = {}
        self.revealed = False

        self.counts = QLabel()
        self.counts.setObjectName("reviewCounts")
        self.banner = QLabel()  # says what a cram or review-ahead session is; hidden while studying
        self.banner.setObjectName("reviewBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.notice = QLabel()
        self.notice.setObjectName("reviewNotice")
        self.undo_button = self._tool_button("Undo (U)", self.undo)
        self.bury_button = self._tool_button("Bury (-)", self.bury)
        self.suspend_button = self._tool_button("Suspend (@)", self.suspend)
        top = QHBoxLayout()
        top.addWidget(self._tool_button("← Decks", self.leave_requested.emit))
        top.addWidget(self.counts)
        top.addStretch(1)
        top.addWidget(self.notice)
        top.addSpacing(12)
        for button in (self.undo_button, self.bury_button, self.suspend_button):
            top.addWidget(button)

        self.browser = CardBrowser()
        self.browser.setObjectName("cardBrowser")
        self.browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.browser.painted.connect(self._card_painted)  # the idle work starts after the card's paint
        self.browser.zoom_wheel.connect(self.zoom_requested.emit)  # Ctrl + mouse wheel over the card
        # Idle work (issue 16): started by the card's paint event, one step per event-loop turn; the
        # fallback runs it when no paint comes (a hidden window).
        self._idle_pending = False
        self._idle_work: Iterator[IdleStep] | None = None  # the steps left (_idle_plan)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(0)
        self._idle_timer.timeout.connect(self._idle_step)
        self._idle_fallback = QTimer(self)
        self._idle_fallback.setSingleShot(True)
        self._idle_fallback.setInterval(IDLE_FALLBACK_MS)
        self._idle_fallback.timeout.connect(self._start_idle)

        self.show_button = QPushButton("Show answer   (Space)")
        self.show_button.setObjectName("primary")
        self.show_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_button.clicked.connect(self.reveal)
        self.grade_row = QWidget()
        self.grade_layout = QHBoxLayout(self.grade_row)
        self.grade_layout.setContentsMargins(0, 0, 0, 0)
        self.grade_buttons: dict[int, QPushButton] = {}
        self.bottom = QStackedWidget()
        self.bottom.addWidget(self.show_button)
        self.bottom.addWidget(self.grade_row)
        self.bottom.setFixedHeight(60)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 18)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.bottom)

    def _tool_button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("toolButton")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _build_grade_buttons(self) -> None:
        for button in self.grade_buttons.values():
            button.hide()  # gone from the row now, not only once the event loop deletes it
            button.deleteLater()
        self.grade_buttons = {}
        for quality, grade in self._grades.items():
            push = QPushButton()
            push.setObjectName(f"grade{grade.name}")
            push.setProperty("quality", quality)
            push.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            push.setMinimumHeight(52)
            push.clicked.connect(lambda _=False, q=quality: self.grade(q))
            self.grade_buttons[quality] = push
            self.grade_layout.addWidget(push)
        self._colour_grade_buttons()

    def _colour_grade_buttons(self) -> None:
        """Every grade button's underline in its grade's colour (:func:`mlprep.ui.theme.grade_colours`)."""
        for quality, colour in grade_colours(self._theme, list(self.grade_buttons)).items():
            self.grade_buttons[quality].setStyleSheet(f"QPushButton {{ border-bottom: 3px solid {colour}; }}")

    # -- keys -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The keys of :data:`~mlprep.ui.shortcuts.REVIEW_KEYS` and the grade digits. The review
        screen keeps the focus (its children take none)."""
        grade = grade_for(event, self._grades.values())
        action = review_action(event, self.revealed) if grade is None else None
        if grade is not None:
            self.grade(grade.quality)
        elif event.key() == Qt.Key.Key_E and not event.modifiers() and self._card is not None:
            self.edit_requested.emit(self._card.id)
        elif action is not None:
            self._actions[action]()
        else:
            super().keyPressEvent(event)

    @property
    def _actions(self) -> dict[ReviewAction, Callable[[], object]]:
        return {ReviewAction.REVEAL: self.reveal, ReviewAction.GOOD: lambda: self.grade(Button.GOOD),
                ReviewAction.UNDO: self.undo, ReviewAction.BURY: self.bury, ReviewAction.SUSPEND: self.suspend,
                ReviewAction.LEAVE: self.leave_requested.emit}

    # -- session ----------------------------------------------------------------------

    def start(self, session: ReviewSession) -> None:
        """Review ``session``'s cards from its next one."""
        self._session = session
        self._grades = {g.quality: g for g in grade_range(session.settings)}
        self._build_grade_buttons()
        self.bury_button.setVisible(session.can_hide)
        self.suspend_button.setVisible(session.can_hide)
        self.notice.clear()
        self._show_next()

    @property
    def session(self) -> ReviewSession | None:
        return self._session

    @property
    def card(self) -> Card | None:
        """The card on screen, or ``None``."""
        return self._card

    def show_edited(self, card: Card) -> None:
        """Redraw with ``card``'s new text if it is the card on screen (after an edit), on the same side;
        the session is not touched."""
        if self._card is not None and card.id == self._card.id:
            self._card = card
            self._render()
            self.setFocus()

    def _show_next(self) -> None:
        assert self._session is not None
        self._card = self._session.next_card()
        self.undo_button.setEnabled(self._session.can_undo)
        if self._card is None:
            self.finished.emit()
            return
        self.revealed = False
        self._idle_timer.stop()  # no step of the card before may delay this one's paint
        self._render()
        self._pause_idle(restart=True)  # the idle work starts once this card is painted (_card_painted)
        self.bottom.setCurrentIndex(0)
        self._show_counts()
        self.setFocus()

    def _show_counts(self) -> None:
        """"N new · N learn · N due" left in a study session, in the deck list's words and order (Learn: the
        cards owed a same-day re-drill, SM-2 step 7, Anki's Learn) and the theme's answer colours; in a cram
        or review ahead "N left in this cram" (its cards are not due: none of them is owed today) under
        the banner that says the schedule does not change."""
        if self._session is None:
            return
        left = self._session.counts()
        t = self._theme
        mode = self._session.mode
        self.banner.setVisible(mode is not SessionMode.STUDY)
        if mode is not SessionMode.STUDY:
            self.banner.setText(MODE_BANNERS[mode])
            self.banner.setStyleSheet(f"QLabel {{ background: {t.alt_base}; color: {t.text}; border: 1px solid "
                                      f"{t.accent}; border-radius: 6px; padding: 6px 10px; font-size: 13px; }}")
            self.counts.setText(f'<span style="color:{t.good}">{left.total} left {MODE_COUNTS[mode]}</span>')
            return
        self.counts.setText(f'<span style="color:{t.new}">{left.new} new</span> · '
                            f'<span style="color:{t.again}">{left.learn} learn</span> · '
                            f'<span style="color:{t.good}">{left.review} due</span>')

    def reveal(self) -> None:
        """Show the back and the grade buttons with their next intervals."""
        if self._card is None or self._session is None or self.revealed:
            return
        self.revealed = True
        self.notice.clear()  # a notice is about the card before this one: gone once this one is answered
        self._idle_timer.stop()
        self._render()
        self._pause_idle(restart=False)  # the rest of the idle work goes on after the answer's paint
        kind = self._session.current_kind
        for preview in self._session.previews():
            grade = self._grades[preview.quality]
            button = self.grade_buttons[preview.quality]
            button.setText(f"{grade.name}  ({grade.key})\n{preview_text(preview, kind, self._session.mode)}")
            button.setToolTip(preview_tooltip(preview, kind, self._session.mode))
        self.bottom.setCurrentIndex(1)

    def grade(self, quality: int) -> None:
        """Answer the current card with ``quality`` (only once the back is shown)."""
        if self._card is None or self._session is None or not self.revealed:
            return
        try:
            result = self._session.answer(quality)
        except AnswerNotSaved as error:  # nothing was stored: the card stays on screen, unanswered
            self.notice.setText("Answer not saved")
            from PySide6.QtWidgets import QMessageBox  # only when an answer fails: not on the start path

            QMessageBox.critical(self, "Answer not saved",
                                 f"{str(error)[:1].upper()}{str(error)[1:]}.\n\nThe card stays on screen: answer "
                                 "it again to retry. If this keeps happening, close mlprep and run "
                                 "Check Database (Tools menu, or `mlprep check-db`).")
            return
        self.notice.setText("Leech: the last card lapsed too often" + (
            " and is suspended" if result.progress.suspended else " and is tagged “leech”")
            if result.became_leech else "")
        self._show_next()

    def undo(self) -> None:
        """Take back the last answer (or bury/suspend) and show that card again."""
        if self._session is None or not self._session.can_undo:
            return
        self._session.undo()
        self.notice.setText("Undone: the card is back")
        self._show_next()

    def bury(self) -> None:
        """Hide the current card until tomorrow."""
        if self._session is not None and self._session.can_hide and self._card is not None:
            self._session.bury_current()
            self.notice.setText("Last card buried until tomorrow (U to undo)")
            self._show_next()

    def suspend(self) -> None:
        """Suspend the current card until it is unsuspended."""
        if self._session is not None and self._session.can_hide and self._card is not None:
            self._session.suspend_current()
            self.notice.setText("Last card suspended (U to undo)")
            self._show_next()

    # -- display ----------------------------------------------------------------------

    def set_display(self, theme: Theme, scale: float = 1.0) -> None:
        """Draw cards in ``theme`` with text at ``scale`` times the base size; redraws the card."""
        self._theme, self._px = theme, BASE_TEXT_PX * scale
        self._colour_grade_buttons()
        if self._card is not None:
            self._render()
            self._show_counts()

    @property
    def text_px(self) -> float:
        """The card body text size in device-independent pixels."""
        return self._px

    def _render(self) -> None:
        card = self._card
        if card is None:
            return
        back = card.back if self.revealed else None
        links = self._links_for(card) if self.revealed else ()
        self.browser.show_card(card.front, back, self._theme, self._px, self._deck_dir_for(card), links,
                               card.source)

    def _idle_plan(self) -> Iterator[IdleStep]:
        """The idle work after a card's paint (issue 16), one step per ``next()``, in this order: the
        formulas of the answer side, one per step, then the answer side itself (so revealing it costs a
        cache hit), then its deck images, one per step; then for each card likely to come next
        (:meth:`_likely_next`) the formulas of its front, one per step, then that front and its images (so
        the next card's key costs a cache hit; those fronts are also offered to the renderer's store, kept across
        starts: :mod:`mlprep.ui.render_store`); last the session's upkeep (a database checkpoint now and then,
        and the front on screen offered to the store, which is written when the screen is left or closed:
        :meth:`keep_renders`). Each step is
        small: one formula, one image, one rendering of formulas already typeset, or the look-up of the cards
        likely next; the review screen runs them one per event-loop turn
        (:meth:`_start_idle`), so a key press waits for one step at most. A key that comes before the next
        front is ready renders that front on demand, the answer side later, as before."""
        card = self._card
        if card is not None and not self.revealed:
            yield from self._typeset_steps(card.back)
            back = self._prerender_back()
            yield IdleStep.BACK
            if back is not None:
                yield from self._image_steps(back, card)
        for upcoming in self._likely_next():
            yield from self._typeset_steps(upcoming.front)
            front = self.browser.renderer.remember(upcoming.front, None, self._theme, self._px, (), upcoming.source)
            yield IdleStep.FRONT
            yield from self._image_steps(front, upcoming)
        self._upkeep()
        yield IdleStep.UPKEEP

    def _image_steps(self, rendered: RenderedCard, card: Card) -> Iterator[IdleStep]:
        """Decode the deck images ``rendered`` shows, one per step (:func:`~mlprep.ui.card_view.deck_image`
        keeps them), so that showing it decodes none."""
        deck_dir = self._deck_dir_for(card)
        for relative in deck_images(rendered):
            deck_image(deck_dir, relative)
            yield IdleStep.IMAGE

    def _typeset_steps(self, text: str) -> Iterator[IdleStep]:
        """Typeset ``text``'s formulas at the card's size, one per step, into the renderer's typesetter
        (memory, and its disk cache); a formula already typeset costs no step. While ziamath is still
        being imported on its worker thread (:func:`~mlprep.ui.math_images.preload`) the steps wait
        (:attr:`IdleStep.WAIT`) instead of importing it on this thread."""
        typesetter = self.browser.renderer.typesetter
        px = self._px * MATH_SCALE
        for span in find_math(text):
            if typesetter.has(span.tex, display=span.display, px=px):
                continue
            while not typesetter_ready():
                preload()
                yield IdleStep.WAIT
            with contextlib.suppress(MathError):  # a bad formula is shown as marked code with the card
                typesetter.warm(span.tex, display=span.display, px=px)
            yield IdleStep.FORMULA

    def _likely_next(self) -> list[Card]:
        """The cards the session says may come after this one (none for a session that cannot tell)."""
        lookahead = getattr(self._session, "likely_next", None)
        return list(lookahead()) if callable(lookahead) else []

    def _start_idle(self) -> None:
        """The card is on screen (its paint event was handled, or the fallback fired): run the idle steps
        (:meth:`_idle_plan`), each in its own event-loop turn, so a key press or a paint can come between
        them."""
        if not self._idle_pending:
            return
        self._idle_pending = False
        self._idle_fallback.stop()
        if self._idle_work is not None:
            self._idle_timer.setInterval(0)
            self._idle_timer.start()

    def _pause_idle(self, *, restart: bool) -> None:
        """Hold the idle steps until the screen's next paint; with ``restart`` (another card is shown)
        the steps begin again for it."""
        self._idle_timer.stop()
        if restart:
            self._idle_work = self._idle_plan()
        self._idle_pending = True
        self._idle_fallback.start()

    def working_ahead(self) -> bool:
        """Whether the card on screen is not painted yet or the screen's own idle work for it (the answer
        side, the next card's front, :meth:`_idle_plan`) is not done."""
        return self._idle_pending or self._idle_work is not None

    def holds_idle_time(self) -> bool:
        """Whether other idle work (the formula warmer) should wait: while the review screen is on screen, a
        step of it (a formula can take 50 ms and more) would delay the next key, and the screen's own idle
        work already renders what the next keys show."""
        return self.isVisible()

    def stop_idle(self) -> None:
        """Drop the idle work left (the window is closing: the collection is about to close)."""
        self._idle_timer.stop()
        self._idle_fallback.stop()
        self._idle_work = None
        self._idle_pending = False

    def _idle_step(self) -> None:
        if self._idle_work is None:
            return
        try:
            step = next(self._idle_work, None)
        except BaseException:
            self._idle_work = None  # a failed step ends this card's idle work (the error still shows)
            raise
        if step is None:
            self._idle_work = None
            return
        self._idle_timer.setInterval(IMPORT_POLL_MS if step is IdleStep.WAIT else 0)
        self._idle_timer.start()

    def _prerender_back(self) -> RenderedCard | None:
        card = self._card
        if card is None or self.revealed:
            return None
        return self.browser.renderer.render(card.front, card.back, self._theme, self._px, self._links_for(card),
                                            card.source)

    def _upkeep(self) -> None:
        self._offer_front()
        if self._session is not None:
            self._session.idle()

    def _offer_front(self) -> None:
        """Offer the front on screen to the renderer's store (a start that opens on this card again shows it
        without drawing it); a dictionary entry, written by :meth:`keep_renders`."""
        card = self._card
        if card is not None:
            self.browser.renderer.remember(card.front, None, self._theme, self._px, (), card.source)

    def keep_renders(self) -> None:
        """Offer the front on screen to the renderer's store and write the sides offered since: when the review
        screen is left (:meth:`hideEvent`) and when the window closes, not once per card."""
        self._offer_front()
        self.browser.renderer.save_store()

    def hideEvent(self, event: QHideEvent) -> None:
        self.keep_renders()
        super().hideEvent(event)

    def _card_painted(self) -> None:
        if self._idle_pending:
            # Started from inside the paint event: its 0-ms timer fires only after this paint is done.
            self._start_idle()
