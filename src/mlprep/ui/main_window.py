"""The main window: a thin shell that switches between the deck list, review and done
screens, and holds the Study and Tools menus."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QInputDialog, QMainWindow, QMenu, QStackedWidget, QWidget

from mlprep.core.display_settings import DisplaySettings, ThemeMode
from mlprep.core.models import Card, DeckId
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection, DeckAction
from mlprep.services.session import ReviewSession
from mlprep.ui.card_render import MATH_SCALE, LearnMoreLink
from mlprep.ui.card_view import READING_SCHEME
from mlprep.ui.deck_list import DeckListView
from mlprep.ui.done_view import DoneView
from mlprep.ui.maintenance import BackupsDialog, PeriodicBackup, check_database
from mlprep.ui.math_images import default_typesetter, use_cache_dir
from mlprep.ui.math_warmer import MathWarmer
from mlprep.ui.review_view import ReviewView
from mlprep.ui.settings_dialog import SettingsDialog
from mlprep.ui.theme import Theme, apply_theme

if TYPE_CHECKING:  # both are imported when first shown, not before the first paint
    from mlprep.ui.plan_view import PlanView
    from mlprep.ui.reading_view import ReadingView
    from mlprep.ui.stats_view import StatsView

WARM_DELAY_MS = 1500  # start typesetting upcoming formulas this long after start-up


class MainWindow(QMainWindow):
    """mlprep's window over an open :class:`Collection`."""

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection = collection
        self.setWindowTitle("mlprep")
        self.resize(1000, 700)
        self.deck_list = DeckListView()
        self.review = ReviewView(deck_dir_for=collection.deck_folder, links_for=self._learn_more)
        self.reading: ReadingView | None = None  # built on first use: nothing extra before first paint
        self.stats_view: StatsView | None = None
        self.plan_view: PlanView | None = None
        self.done = DoneView()
        self._cram_scope: StudyScope | None = None  # what the done screen offers to cram
        self.stack = QStackedWidget()
        for view in (self.deck_list, self.review, self.done):
            self.stack.addWidget(view)
        self.setCentralWidget(self.stack)
        self.settings_dialog: SettingsDialog | None = None
        self.display = collection.display
        self.theme: Theme = self._apply_display()
        self._build_menus()
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: self._apply_display())
        self.review.zoom_requested.connect(self.zoom)
        self.review.browser.reading_requested.connect(self.show_reading)
        use_cache_dir(collection.data_dir / "cache" / "math")
        self.math_warmer: MathWarmer | None = None
        self._warm_timer = QTimer(self)  # owned by the window: stopped on close, never fires after
        self._warm_timer.setSingleShot(True)
        self._warm_timer.timeout.connect(self._warm_math)
        self._warm_timer.start(WARM_DELAY_MS)
        self.periodic_backup = PeriodicBackup(lambda: self.collection,
                                              lambda text: self.statusBar().showMessage(text, 15_000), self)

        self.deck_list.study_requested.connect(lambda kind, value: self.study(StudyScope(ScopeKind(kind), value)))
        self.deck_list.deck_action.connect(lambda action, deck: self.deck_action(DeckAction(action), DeckId(deck)))
        self.deck_list.cram_requested.connect(lambda deck: self.cram(StudyScope(ScopeKind.DECK, deck)))
        self.deck_list.plan_requested.connect(self.show_plan)
        self.review.finished.connect(self._finished)
        self.review.leave_requested.connect(self.show_decks)
        self.done.back_requested.connect(self.show_decks)
        self.done.cram_requested.connect(self._cram_finished_scope)
        self.show_decks()

    @property
    def settings(self) -> StudySettings:
        """The collection's study settings, as stored."""
        return self.collection.settings

    def _build_menus(self) -> None:
        study = self.menuBar().addMenu("&Study")
        self._action(study, "Study all decks", lambda: self.study(ALL_DECKS), "Ctrl+Return")
        self._action(study, "Study cards with a tag…", self.study_tag, "Ctrl+T")
        study.addSeparator()
        self._action(study, "Review ahead (schedule unchanged)…", self.review_ahead)
        self._action(study, "Cram all decks (schedule unchanged)", lambda: self.cram(ALL_DECKS))
        study.addSeparator()
        self._action(study, "Back to decks", self.show_decks, "Ctrl+D")
        view = self.menuBar().addMenu("&View")
        self._action(view, "Decks", self.show_decks)
        self._action(view, "Reading list", self.show_reading, "Ctrl+L")
        self._action(view, "Statistics", self.show_stats, "Ctrl+Shift+S")
        self._action(view, "Plan", self.show_plan, "Ctrl+Shift+P")
        view.addSeparator()
        themes = view.addMenu("Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[ThemeMode, QAction] = {}
        for mode, label in ((ThemeMode.SYSTEM, "Follow system"), (ThemeMode.LIGHT, "Light"), (ThemeMode.DARK, "Dark")):
            action = self._action(themes, label, partial(self.set_theme, mode))
            action.setCheckable(True)
            action.setChecked(mode is self.display.theme)
            group.addAction(action)
            self.theme_actions[mode] = action
        view.addSeparator()
        larger = self._action(view, "Larger card text", lambda: self.zoom(1))
        larger.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
        self._action(view, "Smaller card text", lambda: self.zoom(-1), QKeySequence.StandardKey.ZoomOut)
        self._action(view, "Default card text size", lambda: self.zoom(-self.display.zoom), "Ctrl+0")
        tools = self.menuBar().addMenu("&Tools")
        self._action(tools, "Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)
        tools.addSeparator()
        self._action(tools, "Backups…", self.open_backups)
        self._action(tools, "Check Database", lambda: check_database(self, self.collection))

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        menu.addAction(action)
        return action

    # -- screens ----------------------------------------------------------------------

    def show_decks(self) -> None:
        """Refresh the counts (with today's limits applied) and show the deck list."""
        self.deck_list.set_overview(self.collection.overview(), self.collection.sync.errors)
        report = self.collection.plan_report(advice=False)
        self.deck_list.set_plan_line(report.summary() if report is not None else "")
        self.stack.setCurrentWidget(self.deck_list)
        self.deck_list.tree.setFocus()

    def show_reading(self, item_id: str = "") -> None:
        """Show the reading list, with ``item_id`` selected when given."""
        if self.reading is None:
            from mlprep.ui.reading_view import ReadingView

            self.reading = ReadingView(self.collection.reading())
            self.reading.study_requested.connect(
                lambda kind, value: self.study(StudyScope(ScopeKind(kind), value)))
            self._leave_on_escape(self.reading)
            self.stack.addWidget(self.reading)
        else:
            self.reading.refresh()
        self.stack.setCurrentWidget(self.reading)
        if item_id:
            self.reading.show_item(item_id)

    def show_stats(self) -> None:
        """Show the statistics screen, refreshed."""
        if self.stats_view is None:
            from mlprep.ui.stats_view import StatsView

            self.stats_view = StatsView(self.collection)
            self._leave_on_escape(self.stats_view)
            self.stack.addWidget(self.stats_view)
        else:
            self.stats_view.refresh()
        self.stack.setCurrentWidget(self.stats_view)

    def show_plan(self) -> None:
        """Show the interview plan screen, refreshed."""
        if self.plan_view is None:
            from mlprep.ui.plan_view import PlanView

            self.plan_view = PlanView(self.collection)
            self._leave_on_escape(self.plan_view)
            self.stack.addWidget(self.plan_view)
        else:
            self.plan_view.refresh()
        self.stack.setCurrentWidget(self.plan_view)

    def _leave_on_escape(self, view: QWidget) -> None:
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), view)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.show_decks)

    def _learn_more(self, card: Card) -> tuple[LearnMoreLink, ...]:
        return tuple(LearnMoreLink(item.title, f"{READING_SCHEME}:{item.id}", item.id)
                     for item in self.collection.reading().items_for_source(card.source))

    def study(self, scope: StudyScope = ALL_DECKS) -> None:
        """Start today's reviews in ``scope``."""
        self._start(self.collection.study(scope))

    def cram(self, scope: StudyScope, ahead_days: int | None = None) -> None:
        """Cram ``scope`` (or review the cards due within ``ahead_days``) without changing the schedule."""
        self._start(self.collection.cram(scope, ahead_days))

    def _start(self, session: ReviewSession) -> None:
        self.stack.setCurrentWidget(self.review)
        self.review.start(session)

    def _finished(self) -> None:
        session = self.review.session
        assert session is not None
        done = session.finished()
        self._cram_scope = done.cram_scope
        self.done.show_summary(done.answered, done.today, done.next_due, done.cram_count)
        self.stack.setCurrentWidget(self.done)

    def _cram_finished_scope(self) -> None:
        if self._cram_scope is not None:
            self.cram(self._cram_scope)

    # -- dialogs and actions ------------------------------------------------------------

    def study_tag(self) -> None:
        """Ask for a tag and study the cards that carry it."""
        tags = self.collection.all_tags()
        tag, ok = QInputDialog.getItem(self, "Study a tag", "Tag:", tags, 0, False)
        if ok and tag:
            self.study(StudyScope(ScopeKind.TAG, tag))

    def review_ahead(self) -> None:
        """Ask how many days ahead, then review those cards without changing the schedule."""
        days, ok = QInputDialog.getInt(self, "Review ahead", "Cards due within the next … days:", 7, 1, 365)
        if ok:
            self.cram(ALL_DECKS, ahead_days=days)

    def deck_action(self, action: DeckAction, deck_id: DeckId) -> None:
        """Run a deck-list context-menu action on ``deck_id``, then show the new counts."""
        self.collection.deck_action(action, deck_id)
        self.show_decks()

    def open_settings(self) -> None:
        """Show the settings dialog; store what it returns."""
        self.settings_dialog = SettingsDialog(self.settings, self.collection.decks(), self)
        if self.settings_dialog.exec():
            self.collection.save_settings(self.settings_dialog.result_settings)
            if self.stack.currentWidget() is self.deck_list:
                self.show_decks()

    # -- display ----------------------------------------------------------------------

    def set_theme(self, mode: ThemeMode) -> None:
        """Use theme ``mode`` (system / light / dark) from now on, and remember it."""
        self._set_display(DisplaySettings(mode, self.display.zoom))

    def zoom(self, steps: int) -> None:
        """Make card text ``steps`` zoom steps larger (negative: smaller), and remember it."""
        self._set_display(self.display.zoomed(steps))

    def _set_display(self, display: DisplaySettings) -> None:
        self.display = display
        self.collection.save_display(display)
        self.theme = self._apply_display()
        self.theme_actions[display.theme].setChecked(True)
        if self.math_warmer is not None and self.math_warmer.pending:
            self._warm_math()  # the text size changed: warm the formulas at the new size

    def _apply_display(self) -> Theme:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme = apply_theme(app, self.display.theme)
        self.review.set_display(theme, self.display.scale)
        return theme

    def _warm_math(self) -> None:
        """After the first paint, typeset upcoming cards' formulas in idle time."""
        if self.math_warmer is not None:
            self.math_warmer.stop()
        self.math_warmer = MathWarmer(default_typesetter(), self.collection.study_texts(),
                                      self.review.text_px * MATH_SCALE, self)
        self.math_warmer.start()

    def open_backups(self) -> None:
        """Tools ▸ Backups…: list, back up now, restore."""
        BackupsDialog(self.collection, self._restored, self).exec()

    def _restored(self) -> None:
        """After a restore the collection holds other data: drop the screens built over the old one."""
        for view in (self.reading, self.stats_view, self.plan_view):
            if view is not None:
                self.stack.removeWidget(view)
                view.deleteLater()
        self.reading = self.stats_view = self.plan_view = None
        self.show_decks()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._warm_timer.stop()
        self.periodic_backup.stop()
        if self.reading is not None:
            self.reading.save_notes()
        if self.math_warmer is not None:
            self.math_warmer.stop()
        if not self.collection.closed and not self.collection.read_only:
            self.collection.backup()  # Anki's habit: a backup each time the app closes
        self.collection.close()
        super().closeEvent(event)
