"""The "done for today" screen: why the session stopped (which daily limit, with the cards it holds
back, or nothing left at all) and custom study right there, as Anki's overview offers once a deck is
done: more new cards today (+10 / +20, Anki's "increase today's new card limit"), review ahead, cram."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mlprep.core.models import DeckId
from mlprep.core.study_settings import LimitKind
from mlprep.services.queue import LimitReached, Stop, StopReason

EXTRA_NEW_STEPS = (10, 20)
"""The "+N new cards today" buttons, as Anki's custom study offers by default (its spin box starts at 10)."""

MAX_DECKS_NAMED = 3
"""Decks whose own limits are reached are named one by one up to this many, then summed up."""

EXTEND_KEYS = {10: "Alt+1", 20: "Alt+2"}
AHEAD_KEY, CRAM_KEY, BACK_KEY = "Alt+A", "Alt+C", "Esc"
DONE_KEYS = (*((key, f"+{step} new cards today") for step, key in EXTEND_KEYS.items()),
             (AHEAD_KEY, "Review ahead"), (CRAM_KEY, "Cram the cards of the session just done"),
             (BACK_KEY, "Back to the decks"))
"""The done screen's keys with what each does (for Help ▸ Keyboard shortcuts). The buttons take
Alt+ keys, not bare ones: a grade key pressed twice on the last card must not start more study."""


def next_due_text(today: date, next_due: date | None) -> str:
    """A sentence saying when the next card is due, relative to ``today``."""
    if next_due is None:
        return "No reviews are scheduled yet. New cards are introduced each day."
    days = (next_due - today).days
    if days <= 0:
        return "More cards are due today, beyond today's limits."
    when = "tomorrow" if days == 1 else f"in {days} days"
    return f"The next card is due {when}, on {next_due:%A %d %B %Y}."


def _cards(n: int, kind: LimitKind) -> str:
    noun = "new card" if kind is LimitKind.NEW else "review"
    return f"{n:,} {noun}{'s' if n != 1 else ''}"


def _left(n: int, kind: LimitKind, where: str = "") -> str:
    if kind is LimitKind.NEW:
        return f"{n:,} new card{' is' if n == 1 else 's are'} left{where}"
    return f"{n:,} more card{' is' if n == 1 else 's are'} due{where}"


def _limit(hit: LimitReached, extra: int) -> str:
    """``"20 new cards"``, or with today's extra new cards ``"30 new cards (20 + 10 added today)"``."""
    text = _cards(hit.limit, hit.kind)
    if hit.kind is LimitKind.NEW and 0 < extra <= hit.limit:
        text += f" ({hit.limit - extra} + {extra} added today)"
    return text


def stop_text(stop: Stop, deck_titles: Mapping[DeckId, str] | None = None) -> str:
    """Why the session stopped, in sentences with the cards left: ``"The daily limit of 20 new cards is
    reached; 903 new cards are left."``, a deck's own limit by the deck's title (``deck_titles``: deck id
    to title; the id where unknown), or that nothing is left to study today."""
    if stop.reason is StopReason.NOTHING_LEFT:
        return "Nothing is left to study today: no card is due and every new card has been introduced."
    titles = deck_titles or {}
    sentences = []
    for kind in LimitKind:
        hits = [hit for hit in stop.limits if hit.kind is kind]
        overall = [hit for hit in hits if hit.deck is None]
        decks = [hit for hit in hits if hit.deck is not None]
        for hit in overall:
            if kind is LimitKind.NEW and stop.by_plan:
                sentences.append(f"Your interview plan's {_limit(hit, stop.extra_new)} for today are introduced; "
                                 f"{_left(hit.left, kind)}.")
            else:
                sentences.append(f"The daily limit of {_limit(hit, stop.extra_new)} is reached; "
                                 f"{_left(hit.left, kind)}.")
        if len(decks) > MAX_DECKS_NAMED:
            sentences.append(f"The own daily limits of {len(decks)} decks are reached; "
                             f"{_left(sum(hit.left for hit in decks), kind, ' in them')}.")
            continue
        for hit in decks:
            title = titles.get(hit.deck, hit.deck) if hit.deck is not None else ""
            sentences.append(f"{title}'s own limit of {_limit(hit, stop.extra_new)} a day is reached; "
                             f"{_left(hit.left, kind, ' in it')}.")
    return " ".join(sentences)


class DoneView(QWidget):
    """Says the session is over and why, and when the next card is due; emits ``back_requested``
    (Esc, or the button), ``extend_requested(extra)`` for "+N new cards today" (Alt+1, Alt+2),
    ``ahead_requested`` for review ahead (Alt+A) and ``cram_requested`` to go through the scope's
    cards anyway (Alt+C)."""

    back_requested = Signal()
    cram_requested = Signal()
    extend_requested = Signal(int)
    ahead_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DoneView")
        self.title = QLabel("Done for today")
        self.title.setObjectName("doneTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setObjectName("doneMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(680)
        self.back_button = back = QPushButton("Back to decks  (Esc)")
        back.setObjectName("primary")
        back.clicked.connect(self.back_requested)

        self.more_label = QLabel("Study more today:")
        self.more_label.setObjectName("summary")
        self.more_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.extend_buttons: dict[int, QPushButton] = {}
        for step in EXTRA_NEW_STEPS:
            key = EXTEND_KEYS[step]
            button = QPushButton(f"+{step} new cards today")
            button.setShortcut(QKeySequence(key))
            button.setToolTip(f"Raise today's new-card limit by {step} for these cards and go on studying; "
                              f"tomorrow the usual limit applies again ({key})")
            button.clicked.connect(lambda _=False, n=step: self.extend_requested.emit(n))
            self.extend_buttons[step] = button
        self.ahead_button = QPushButton("Review ahead…")
        self.ahead_button.setShortcut(QKeySequence(AHEAD_KEY))
        self.ahead_button.setToolTip("Review the cards due in the next few days now; their schedule does not "
                                     f"change ({AHEAD_KEY})")
        self.ahead_button.clicked.connect(self.ahead_requested)
        self.cram_button = QPushButton()
        self.cram_button.setToolTip("Go through every card of the session's deck, area, tag or all decks now, in a "
                                    f"shuffled order; cramming does not change when cards are due ({CRAM_KEY})")
        self.cram_button.clicked.connect(self.cram_requested)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (*self.extend_buttons.values(), self.ahead_button, self.cram_button):
            button.setAutoDefault(False)
            row.addWidget(button)
            button.hide()
        row.addStretch(1)
        self.more_label.hide()

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        centred = QHBoxLayout()  # no alignment flag: a word-wrapped label then gets the height it needs
        centred.addStretch(1)
        centred.addWidget(self.message, 4)
        centred.addStretch(1)
        layout.addLayout(centred)
        layout.addSpacing(16)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(20)
        layout.addWidget(self.more_label)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_summary(self, reviewed: int, today: date, next_due: date | None, cram_count: int = 0, *,
                     stop: Stop | None = None, deck_titles: Mapping[DeckId, str] | None = None) -> None:
        """Fill in how many cards were answered this session, why it stopped (``stop``, from
        :meth:`mlprep.services.collection.Collection.stop_reason`; ``None`` after a cram or review
        ahead) and when the next card is due; offer more new cards today when a new-card limit holds
        some back, review ahead when a card of the scope has been studied, and with ``cram_count`` > 0
        to cram that many cards of the session's scope."""
        sentences = [f"You answered {reviewed} card{'s' if reviewed != 1 else ''} in this session."] if reviewed else []
        limited = stop is not None and stop.reason is not StopReason.NOTHING_LEFT
        if stop is not None:
            sentences.append(stop_text(stop, deck_titles))
        if stop is None or not any(hit.kind is LimitKind.REVIEW for hit in stop.limits):
            sentences.append(next_due_text(today, next_due))  # else the limit already says what is due
        self.title.setText("Today's limit is reached" if limited else "Done for today")
        self.message.setText("\n".join(sentences))
        new_left = stop.new_left if stop is not None else 0
        for step, button in self.extend_buttons.items():  # +20 only when more than 10 are left
            button.setVisible(new_left > 0 and (step == EXTRA_NEW_STEPS[0] or new_left > EXTRA_NEW_STEPS[0]))
        self.ahead_button.setVisible(stop is not None and next_due is not None)
        self.cram_button.setText("Cram this card" if cram_count == 1 else f"Cram these {cram_count:,} cards")
        self.cram_button.setShortcut(QKeySequence(CRAM_KEY))  # after setText, which resets it to the text's mnemonic
        self.cram_button.setVisible(cram_count > 0)
        self.more_label.setVisible(new_left > 0 or self.ahead_button.isVisibleTo(self) or cram_count > 0)
        self.back_button.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc goes back to the deck list."""
        if event.key() == Qt.Key.Key_Escape:
            self.back_requested.emit()
        else:
            super().keyPressEvent(event)
