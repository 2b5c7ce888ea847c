"""The main window: a thin shell that switches between the deck list, review and done screens."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.services.collection import Collection
from mlprep.services.study import StudySession
from mlprep.storage.settings_store import load_settings
from mlprep.ui.deck_list import DeckListView
from mlprep.ui.done_view import DoneView
from mlprep.ui.review_view import ReviewView


class MainWindow(QMainWindow):
    """mlprep's window over an open :class:`Collection`."""

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection = collection
        self.setWindowTitle("mlprep")
        self.resize(960, 680)
        self.deck_list = DeckListView()
        self.review = ReviewView()
        self.done = DoneView()
        self.stack = QStackedWidget()
        for view in (self.deck_list, self.review, self.done):
            self.stack.addWidget(view)
        self.setCentralWidget(self.stack)
        self.session: StudySession | None = None
        self._answered_at_start = 0

        self.deck_list.study_requested.connect(self.study)
        self.review.finished.connect(self._finished)
        self.review.leave_requested.connect(self.show_decks)
        self.done.back_requested.connect(self.show_decks)
        self.show_decks()

    def show_decks(self) -> None:
        """Refresh the counts and show the deck list."""
        store, clock = self.collection.store, self.collection.clock
        from mlprep.core.clock import study_day

        self.deck_list.set_counts(store.deck_counts(study_day(clock.now())), self.collection.sync.errors)
        self.stack.setCurrentWidget(self.deck_list)
        self.deck_list.tree.setFocus()

    def study(self, deck_id: str = "") -> None:
        """Start reviewing one deck (or all decks for ``""``)."""
        scope = StudyScope(ScopeKind.DECK, deck_id) if deck_id else ALL_DECKS
        self.session = StudySession(self.collection.store, self.collection.clock,
                                    settings=load_settings(self.collection.store.db), scope=scope)
        self._answered_at_start = self.session.remaining
        self.stack.setCurrentWidget(self.review)
        self.review.start(self.session)

    def _finished(self) -> None:
        assert self.session is not None
        answered = self._answered_at_start - self.session.remaining
        self.done.show_summary(answered, self.session.today, self.session.next_due_day())
        self.stack.setCurrentWidget(self.done)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.collection.close()
        super().closeEvent(event)
