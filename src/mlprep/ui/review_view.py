"""The review screen: the front, Space/Enter reveals the back, 1–4 answer."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.models import Button, Card
from mlprep.services.study import StudySession
from mlprep.ui.render import STYLE_SHEET, card_html

BUTTON_LABELS = {Button.AGAIN: "Again", Button.HARD: "Hard", Button.GOOD: "Good", Button.EASY: "Easy"}
BUTTON_KEYS = {Button.AGAIN: "1", Button.HARD: "2", Button.GOOD: "3", Button.EASY: "4"}
_KEY_TO_BUTTON = {key: button for button, key in BUTTON_KEYS.items()}


def format_interval(days: int) -> str:
    """Anki-style short interval: ``"1d"``, ``"16d"``, ``"2.1mo"``, ``"1.3y"``."""
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


class ReviewView(QWidget):
    """Reviews the cards of a :class:`StudySession`; emits ``finished`` when none are left
    and ``leave_requested`` when the user goes back to the deck list (Esc)."""

    finished = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewView")
        self._session: StudySession | None = None
        self._card: Card | None = None
        self.revealed = False

        self.status = QLabel()
        self.status.setObjectName("reviewStatus")
        back = QPushButton("← Decks")
        back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        back.clicked.connect(self.leave_requested)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addStretch(1)
        top.addWidget(self.status)

        self.browser = QTextBrowser()
        self.browser.setObjectName("cardBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.browser.document().setDefaultStyleSheet(STYLE_SHEET)
        self.browser.document().setDocumentMargin(28)
        font = QFont(self.browser.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.browser.document().setDefaultFont(font)
        self.browser.anchorClicked.connect(_open_external)

        self.show_button = QPushButton("Show answer   (Space)")
        self.show_button.setObjectName("primary")
        self.show_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_button.clicked.connect(self.reveal)
        self.grade_buttons: dict[Button, QPushButton] = {}
        grades = QWidget()
        grade_row = QHBoxLayout(grades)
        grade_row.setContentsMargins(0, 0, 0, 0)
        for button in Button:
            push = QPushButton()
            push.setObjectName(f"grade{BUTTON_LABELS[button]}")
            push.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            push.setMinimumHeight(48)
            push.clicked.connect(lambda _=False, b=button: self.grade(b))
            self.grade_buttons[button] = push
            grade_row.addWidget(push)
        self.bottom = QStackedWidget()
        self.bottom.addWidget(self.show_button)
        self.bottom.addWidget(grades)
        self.bottom.setFixedHeight(56)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 18)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.bottom)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space/Enter reveal, 1–4 answer, Esc leaves: the review screen keeps the focus
        (its children take none), so these keys always reach it."""
        key = event.key()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.reveal()
        elif event.text() in _KEY_TO_BUTTON:
            self.grade(_KEY_TO_BUTTON[event.text()])
        elif key == Qt.Key.Key_Escape:
            self.leave_requested.emit()
        else:
            super().keyPressEvent(event)

    def start(self, session: StudySession) -> None:
        """Review ``session``'s cards from its next one."""
        self._session = session
        self._show_next()

    @property
    def card(self) -> Card | None:
        """The card on screen, or ``None``."""
        return self._card

    def _show_next(self) -> None:
        assert self._session is not None
        self._card = self._session.next_card()
        if self._card is None:
            self.finished.emit()
            return
        self.revealed = False
        self.browser.setHtml(card_html(self._card.front, None))
        self.bottom.setCurrentIndex(0)
        self.status.setText(f"{self._session.remaining} left today")
        self.setFocus()

    def reveal(self) -> None:
        """Show the back and the answer buttons with their next intervals."""
        if self._card is None or self._session is None or self.revealed:
            return
        self.revealed = True
        self.browser.setHtml(card_html(self._card.front, self._card.back))
        for preview in self._session.previews():
            button = Button(preview.quality) if preview.quality >= 2 else None
            if button is not None:
                self.grade_buttons[button].setText(
                    f"{BUTTON_LABELS[button]}  ({BUTTON_KEYS[button]})\n{format_interval(preview.interval)}")
        self.bottom.setCurrentIndex(1)

    def grade(self, button: Button) -> None:
        """Answer the current card with ``button`` (only once the back is shown)."""
        if self._card is None or self._session is None or not self.revealed:
            return
        self._session.answer(button)
        self._show_next()


def _open_external(url: QUrl) -> None:
    if url.scheme() in ("http", "https"):
        QDesktopServices.openUrl(url)
