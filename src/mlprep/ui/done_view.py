"""The "done for today" screen."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


def next_due_text(today: date, next_due: date | None) -> str:
    """A sentence saying when the next card is due, relative to ``today``."""
    if next_due is None:
        return "No reviews are scheduled yet. New cards are introduced each day."
    days = (next_due - today).days
    if days <= 0:
        return "More cards are due today, beyond today's limits."
    when = "tomorrow" if days == 1 else f"in {days} days"
    return f"The next card is due {when}, on {next_due:%A %d %B %Y}."


class DoneView(QWidget):
    """Congratulates the user and says when the next card is due; emits ``back_requested``,
    or ``cram_requested`` when the user chooses to go through the scope's cards anyway."""

    back_requested = Signal()
    cram_requested = Signal()

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
        self.back_button = back = QPushButton("Back to decks")
        back.setObjectName("primary")
        back.clicked.connect(self.back_requested)
        self.cram_button = QPushButton()
        self.cram_button.setToolTip("Go through every card of this deck, area or tag now, in a shuffled order; "
                                    "cramming does not change when cards are due")
        self.cram_button.clicked.connect(self.cram_requested)
        self.cram_button.hide()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addSpacing(16)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.cram_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)

    def show_summary(self, reviewed: int, today: date, next_due: date | None, cram_count: int = 0) -> None:
        """Fill in how many cards were answered this session and when the next is due; with
        ``cram_count`` > 0, offer to cram that many cards of the session's scope."""
        answered = f"You answered {reviewed} card{'s' if reviewed != 1 else ''} in this session. " if reviewed else ""
        self.message.setText(answered + next_due_text(today, next_due))
        self.cram_button.setText("Cram this card" if cram_count == 1 else f"Cram these {cram_count} cards")
        self.cram_button.setVisible(cram_count > 0)
