"""The Add and Edit card dialog (issue 15): deck, id, front, back, tags and source, a live preview drawn by
the review screen's renderer, and the problems that keep the card from being saved, shown as you type.

Add (key A on the deck list) puts a new card into one of the user's decks or a new one; Edit (key E on the
review screen, or from the browser) changes a card's text, keeping its id and progress: a user card in its
deck file, a shipped card as an override ("Revert to shipped" removes it). Ctrl+Enter saves, Esc cancels
(asking first when something was changed). Everything goes through the collection façade
(:meth:`~mlprep.services.collection.Collection.add_card`, ``edit_card``, ``revert_card``, ``card_problems``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.deck_format import parse_tags
from mlprep.core.models import Card, CardId, DeckId
from mlprep.core.taxonomy import AREAS
from mlprep.services.card_edit import CardEditError, EditableCard, NewDeck
from mlprep.services.collection import Collection
from mlprep.services.deck_writer import CardWriteError
from mlprep.ui.card_render import LearnMoreLink
from mlprep.ui.card_view import BASE_TEXT_PX, READING_SCHEME, CardBrowser
from mlprep.ui.theme import LIGHT, Theme

PREVIEW_DELAY_MS = 250
"""The preview and the problem list follow the text this long after the last key (typesetting every key
would lag)."""
NEW_DECK = "__new__"
"""The deck combo's "New deck…" entry."""


class CardEditorDialog(QDialog):
    """Add a card (``card_id`` ``None``; ``deck_id`` preselects one of the user's decks) or edit card
    ``card_id`` of ``collection``. Emits ``saved(card_id)`` after a successful write (the collection has
    synced the deck, so the card shows its new text) and ``reverted(card_id)`` after "Revert to shipped".
    Raises ``KeyError`` for an unknown ``card_id``."""

    saved = Signal(str)
    reverted = Signal(str)

    def __init__(self, collection: Collection, *, card_id: str | None = None, deck_id: str = "",
                 theme: Theme = LIGHT, px: float = BASE_TEXT_PX, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CardEditorDialog")
        self.collection = collection
        self._theme, self._px = theme, px
        self.editing: EditableCard | None = collection.editable_card(card_id) if card_id is not None else None
        self.setWindowTitle("Edit card" if self.editing else "Add card")
        self.resize(1000, 680)
        self._id_typed = False  # in Add, the id follows the front until the user types one
        self._preselect = deck_id
        self._build()
        self._fill()
        self._initial = self._values()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        for edit in (self.front, self.back):
            edit.textChanged.connect(self._changed)
        for line in (self.tags, self.source, self.card_id, self.deck_title):
            line.textChanged.connect(self._changed)
        self.card_id.textEdited.connect(self._id_edited)
        self.deck.currentIndexChanged.connect(self._deck_changed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.save)
        self.refresh()
        self.front.setFocus()

    # -- layout -----------------------------------------------------------------------

    def _build(self) -> None:
        self.deck = QComboBox()
        self.deck.setObjectName("deckCombo")
        self.deck_title = QLineEdit()
        self.deck_title.setPlaceholderText("Title of the new deck")
        self.area = QComboBox()
        for area in AREAS:
            self.area.addItem(area.title, area.slug)
        self.new_deck_row = QWidget()
        row = QHBoxLayout(self.new_deck_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.deck_title, 2)
        row.addWidget(self.area, 1)
        self.card_id = QLineEdit()
        self.card_id.setObjectName("cardId")
        self.front = QPlainTextEdit()
        self.front.setObjectName("frontEdit")
        self.front.setPlaceholderText("The question (Markdown; $...$ for math)")
        self.back = QPlainTextEdit()
        self.back.setObjectName("backEdit")
        self.back.setPlaceholderText("The answer")
        for edit in (self.front, self.back):
            edit.setTabChangesFocus(True)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("tags, separated by spaces or commas")
        self.source = QLineEdit()
        self.source.setPlaceholderText("Where the answer can be checked: a book section, a paper, @reading-id")
        form = QFormLayout()
        form.addRow("Deck", self.deck)
        form.addRow("", self.new_deck_row)
        form.addRow("Id", self.card_id)
        form.addRow("Front", self.front)
        form.addRow("Back", self.back)
        form.addRow("Tags", self.tags)
        form.addRow("Source", self.source)
        editor = QWidget()
        editor.setLayout(form)
        self.preview = CardBrowser()
        self.preview.setObjectName("cardPreview")
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        splitter = QSplitter()
        splitter.addWidget(editor)
        splitter.addWidget(self.preview)
        splitter.setSizes([520, 480])
        self.note = QLabel()
        self.note.setObjectName("editorNote")
        self.note.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setObjectName("editorProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.revert_button = QPushButton("Revert to shipped")
        self.revert_button.setToolTip("Remove your edit: the card shows the text mlprep ships (progress is kept)")
        self.revert_button.clicked.connect(self.revert)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("Save  (Ctrl+Enter)")
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)

    def _fill(self) -> None:
        """Put the card (Edit) or the deck choice (Add) into the fields."""
        t = self._theme
        self.problems.setStyleSheet(f"QLabel#editorProblems {{ color: {t.error}; }}")
        self.save_button.setStyleSheet(  # the app's style sheet draws a disabled primary button as an enabled one
            f"QPushButton#primary:disabled {{ background: {t.alt_base}; border-color: {t.border}; "
            f"color: {t.muted}; }}")
        if self.editing is not None:
            e = self.editing
            self.deck.addItem(e.deck_title + ("  (shipped)" if e.shipped else ""), e.deck_id)
            self.deck.setEnabled(False)
            self.card_id.setText(e.card.id)
            self.card_id.setReadOnly(True)
            self.card_id.setToolTip("A card's id is its identity (its progress is kept under it): not editable")
            self.front.setPlainText(e.card.front)
            self.back.setPlainText(e.card.back)
            self.tags.setText(" ".join(e.card.tags))
            self.source.setText(e.card.source)
            self.note.setText("A shipped card: your edit is kept in your data folder and survives updates."
                              if e.shipped else "")
            self.note.setVisible(e.shipped)
            self.revert_button.setVisible(e.overridden)
            self.new_deck_row.hide()
            return
        self.revert_button.hide()
        self.note.hide()
        for deck_id, title in self.collection.user_decks():
            self.deck.addItem(title, deck_id)
        self.deck.addItem("New deck…", NEW_DECK)
        self.deck.setCurrentIndex(max(0, self.deck.findData(self._preselect)))
        self.new_deck_row.setVisible(self.deck.currentData() == NEW_DECK)

    def select_deck(self, deck_id: str) -> None:
        """In Add, choose user deck ``deck_id`` when it is one (else the choice stays)."""
        index = self.deck.findData(deck_id)
        if index >= 0 and self.editing is None:
            self.deck.setCurrentIndex(index)

    # -- live preview and problems ----------------------------------------------------------

    def _values(self) -> tuple[str, ...]:
        return (self.front.toPlainText(), self.back.toPlainText(), self.tags.text(), self.source.text(),
                self.card_id.text(), str(self.deck.currentData()), self.deck_title.text())

    @property
    def changed(self) -> bool:
        """Whether any field differs from what the dialog opened with."""
        return self._values() != self._initial

    def _changed(self) -> None:
        if self.editing is None and not self._id_typed:
            self.card_id.setText(self.collection.suggested_card_id(self.front.toPlainText())
                                 if self.front.toPlainText().strip() else "")
        self.save_button.setEnabled(False)  # until the problems are known again
        self._timer.start()

    def _id_edited(self, text: str) -> None:
        self._id_typed = bool(text)

    def _deck_changed(self) -> None:
        self.new_deck_row.setVisible(self.deck.currentData() == NEW_DECK)
        self._changed()

    def current_problems(self) -> list[str]:
        """What keeps the card from being saved now (the façade's ``card_problems``, plus a new deck's
        missing title)."""
        tags = parse_tags(self.tags.text())
        out = self.collection.card_problems(self.front.toPlainText(), self.back.toPlainText(), tags,
                                            self.source.text(), card_id=self.card_id.text() or None,
                                            new=self.editing is None)
        if self.editing is None and self.deck.currentData() == NEW_DECK and not self.deck_title.text().strip():
            out.append("deck: give the new deck a title")
        return out

    def refresh(self) -> None:
        """Draw the preview and list the problems now (the debounce timer calls this)."""
        self._timer.stop()
        if self.collection.closed:  # the window closed under the dialog
            return
        front, back = self.front.toPlainText(), self.back.toPlainText()
        self.preview.show_card(front or " ", back or " ", self._theme, self._px, self._deck_dir(),
                               self._links(), self.source.text())
        problems = self.current_problems()
        self.problems.setText("\n".join(f"• {p}" for p in problems))
        self.problems.setVisible(bool(problems))
        self.save_button.setEnabled(not problems)

    def _links(self) -> tuple[LearnMoreLink, ...]:
        """The reading items the source cites, drawn as the review screen draws them."""
        return tuple(LearnMoreLink(item.title, f"{READING_SCHEME}:{item.id}", item.id)
                     for item in self.collection.reading().items_for_source(self.source.text()))

    def _deck_dir(self) -> Path | None:
        if self.editing is not None:
            e = self.editing
            return self.collection.deck_folder(Card(CardId(e.card.id), e.deck_id, "", ""))
        return self.collection.data_dir / "decks"

    # -- actions ----------------------------------------------------------------------------

    def save(self) -> None:
        """Write the card (Ctrl+Enter, "Save"); on a problem, say it and keep the dialog open."""
        self.refresh()
        if not self.save_button.isEnabled():
            return
        tags = parse_tags(self.tags.text())
        front, back, source = self.front.toPlainText(), self.back.toPlainText(), self.source.text()
        try:
            if self.editing is not None:
                self.collection.edit_card(self.editing.card.id, front, back, tags, source)
                card_id = self.editing.card.id
            else:
                data = self.deck.currentData()
                deck: DeckId | NewDeck = (NewDeck(self.deck_title.text().strip(), str(self.area.currentData()))
                                          if data == NEW_DECK else DeckId(str(data)))
                card_id = self.collection.add_card(deck, front, back, tags, source,
                                                   card_id=self.card_id.text() or None)
        except (CardWriteError, CardEditError, OSError, ValueError, KeyError) as error:
            QMessageBox.warning(self, "Card not saved", f"The card was not saved:\n\n{error}")
            return
        self._initial = self._values()
        self.saved.emit(card_id)
        self.accept()

    def revert(self) -> None:
        """"Revert to shipped": remove the override, after asking."""
        if self.editing is None:
            return
        answer = QMessageBox.question(self, "Revert to shipped",
                                      "Remove your edit of this card and show the text mlprep ships? "
                                      "Its progress is kept.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.collection.revert_card(self.editing.card.id)
        self._initial = self._values()
        self.reverted.emit(self.editing.card.id)
        self.accept()

    def done(self, result: int) -> None:
        """Close (after Save, Revert or Cancel): no preview is drawn after this."""
        self._timer.stop()
        super().done(result)

    def reject(self) -> None:
        """Esc or "Cancel": close, asking first when something was changed."""
        if self.changed:
            answer = QMessageBox.question(self, "Discard changes?", "Discard your changes to this card?",
                                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                          QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
