"""The main window: a thin shell that switches between the deck list, review and done
screens, and holds the Study and Tools menus."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QStackedWidget, QWidget

from mlprep.core.clock import study_day
from mlprep.core.models import DeckId
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection
from mlprep.services.cram import CramSession
from mlprep.services.overview import deck_overview
from mlprep.services.study import StudySession
from mlprep.storage.settings_store import load_settings, save_settings
from mlprep.ui.deck_list import DeckListView
from mlprep.ui.done_view import DoneView
from mlprep.ui.review_view import ReviewView
from mlprep.ui.settings_dialog import SettingsDialog


class MainWindow(QMainWindow):
    """mlprep's window over an open :class:`Collection`."""

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection = collection
        self.setWindowTitle("mlprep")
        self.resize(1000, 700)
        self.deck_list = DeckListView()
        self.review = ReviewView()
        self.done = DoneView()
        self.stack = QStackedWidget()
        for view in (self.deck_list, self.review, self.done):
            self.stack.addWidget(view)
        self.setCentralWidget(self.stack)
        self.settings_dialog: SettingsDialog | None = None
        self._build_menus()

        self.deck_list.study_requested.connect(lambda kind, value: self.study(StudyScope(ScopeKind(kind), value)))
        self.deck_list.deck_action.connect(self.deck_action)
        self.review.finished.connect(self._finished)
        self.review.leave_requested.connect(self.show_decks)
        self.done.back_requested.connect(self.show_decks)
        self.show_decks()

    @property
    def settings(self) -> StudySettings:
        """The collection's study settings, as stored."""
        return load_settings(self.collection.store.db)

    def _build_menus(self) -> None:
        study = self.menuBar().addMenu("&Study")
        self._action(study, "Study all decks", lambda: self.study(ALL_DECKS), "Ctrl+Return")
        self._action(study, "Study cards with a tag…", self.study_tag, "Ctrl+T")
        study.addSeparator()
        self._action(study, "Review ahead (schedule unchanged)…", self.review_ahead)
        self._action(study, "Cram all decks (schedule unchanged)", lambda: self.cram(ALL_DECKS))
        study.addSeparator()
        self._action(study, "Back to decks", self.show_decks, "Ctrl+D")
        tools = self.menuBar().addMenu("&Tools")
        self._action(tools, "Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)

    def _action(self, menu: object, text: str, slot: object, shortcut: object = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    # -- screens ----------------------------------------------------------------------

    def show_decks(self) -> None:
        """Refresh the counts (with today's limits applied) and show the deck list."""
        overview = deck_overview(self.collection.store, self.collection.clock, self.settings)
        self.deck_list.set_counts(overview.decks, self.collection.sync.errors, overview.new_left, overview.reviews_left)
        self.stack.setCurrentWidget(self.deck_list)
        self.deck_list.tree.setFocus()

    def study(self, scope: StudyScope = ALL_DECKS) -> None:
        """Start today's reviews in ``scope``."""
        session = StudySession(self.collection.store, self.collection.clock, settings=self.settings, scope=scope)
        self._start(session)

    def cram(self, scope: StudyScope, ahead_days: int | None = None) -> None:
        """Cram ``scope`` (or review the cards due within ``ahead_days``) without changing the schedule."""
        self._start(CramSession(self.collection.store, self.collection.clock, scope=scope, ahead_days=ahead_days,
                                settings=self.settings))

    def _start(self, session: StudySession | CramSession) -> None:
        self.stack.setCurrentWidget(self.review)
        self.review.start(session)

    def _finished(self) -> None:
        session = self.review.session
        assert session is not None
        next_due = self.collection.store.next_due_day()
        self.done.show_summary(session.answered, session.today, next_due)
        self.stack.setCurrentWidget(self.done)

    # -- dialogs and actions ------------------------------------------------------------

    def study_tag(self) -> None:
        """Ask for a tag and study the cards that carry it."""
        tags = self.collection.store.all_tags()
        tag, ok = QInputDialog.getItem(self, "Study a tag", "Tag:", tags, 0, False)
        if ok and tag:
            self.study(StudyScope(ScopeKind.TAG, tag))

    def review_ahead(self) -> None:
        """Ask how many days ahead, then review those cards without changing the schedule."""
        days, ok = QInputDialog.getInt(self, "Review ahead", "Cards due within the next … days:", 7, 1, 365)
        if ok:
            self.cram(ALL_DECKS, ahead_days=days)

    def deck_action(self, action: str, deck_id: str) -> None:
        """Run a deck-list context-menu action on ``deck_id``."""
        store = self.collection.store
        if action == "cram":
            self.cram(StudyScope(ScopeKind.DECK, deck_id))
            return
        if action in ("suspend", "unsuspend"):
            store.set_deck_suspended(DeckId(deck_id), action == "suspend")
        elif action == "bury":
            today = study_day(self.collection.clock.now(), None, self.settings.rollover_hour)
            store.bury_deck(DeckId(deck_id), today + timedelta(days=1))
        self.show_decks()

    def open_settings(self) -> None:
        """Show the settings dialog; store what it returns."""
        decks = self.collection.store.deck_counts(study_day(self.collection.clock.now()))
        self.settings_dialog = SettingsDialog(self.settings, decks, self)
        if self.settings_dialog.exec():
            save_settings(self.collection.store.db, self.settings_dialog.result_settings)
            if self.stack.currentWidget() is self.deck_list:
                self.show_decks()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.collection.close()
        super().closeEvent(event)
