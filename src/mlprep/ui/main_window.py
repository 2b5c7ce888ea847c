"""The main window: a thin shell that switches between the deck list, review and done
screens, and holds the Study and Tools menus."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QInputDialog, QMainWindow, QMenu, QStackedWidget, QWidget

from mlprep.core.display_settings import DisplaySettings, ThemeMode
from mlprep.core.models import Card, DeckId
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection, DeckAction
from mlprep.services.session import ReviewSession, SessionMode, grade_range
from mlprep.ui.app_icon import app_icon
from mlprep.ui.deck_list import DeckListView
from mlprep.ui.done_view import DoneView
from mlprep.ui.periodic_backup import PeriodicBackup
from mlprep.ui.shortcuts import LEAVE_SCREEN, ShortcutRow, menu_rows, review_rows, screen_rows, shortcut_keys
from mlprep.ui.theme import Theme, apply_theme

if TYPE_CHECKING:  # each is imported where it is first shown, not before the first paint
    from mlprep.ui.browse_window import BrowseWindow
    from mlprep.ui.card_editor import CardEditorDialog
    from mlprep.ui.card_render import LearnMoreLink
    from mlprep.ui.math_warmer import MathWarmer
    from mlprep.ui.plan_view import PlanView
    from mlprep.ui.reading_view import ReadingView
    from mlprep.ui.review_view import ReviewView
    from mlprep.ui.settings_dialog import SettingsDialog
    from mlprep.ui.stats_view import StatsView
    from mlprep.ui.study_warmup import StepRunner
    from mlprep.ui.tag_picker import TagPickerDialog

WARM_DELAY_MS = 1500  # start typesetting upcoming formulas this long after start-up
WARM_CARD = "Warm-up: *Markdown*, `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nx = 1\n```\n"
"""A card side drawn offscreen after the deck list's first paint: it loads Markdown, its extensions and the code
formatter (no language: no lexer, the math warmer loads those), so Study now does not pay for them."""
WINDOW_STATE_FILE = "window.ini"
"""The window's size and position, per machine (display state, not study data): a QSettings ini file
in the data folder, so each collection (and each test's tmp folder) keeps its own."""


class MainWindow(QMainWindow):
    """mlprep's window over an open :class:`Collection`. Emits ``card_changed(card_id)`` after the card
    editor saved or reverted a card (a browser refreshes its row)."""

    card_changed = Signal(str)

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection = collection
        self.setWindowTitle("mlprep")
        self.setWindowIcon(app_icon())
        self.resize(1000, 700)
        self._window_state = QSettings(str(collection.data_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
        geometry = self._window_state.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.display = collection.display
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        # The theme first: a style sheet set on the app re-polishes every widget that exists (~8 ms CPU more
        # before the first paint when the views came first, issue 16).
        self.theme: Theme = apply_theme(app, self.display.theme)
        self.deck_list = DeckListView()
        self._review: ReviewView | None = None  # built on first use (:attr:`review`): not before the first paint
        self.reading: ReadingView | None = None  # built on first use: nothing extra before first paint
        self.stats_view: StatsView | None = None
        self.plan_view: PlanView | None = None
        self.done = DoneView()
        self._cram_scope: StudyScope | None = None  # what the done screen offers to cram
        self._done_scope: StudyScope = ALL_DECKS  # the scope of the session the done screen is about
        self.stack = QStackedWidget()
        self._return_to_review = False  # the reading list was opened from a card's source link
        self.stack.currentChanged.connect(self._screen_changed)
        for view, title in ((self.deck_list, "Decks"), (self.done, "Review")):
            view.setWindowTitle(title)  # the screen's name in the window title: "mlprep — Decks"
            self.stack.addWidget(view)
        self.setCentralWidget(self.stack)
        self.settings_dialog: SettingsDialog | None = None
        self.tag_picker: TagPickerDialog | None = None
        self.card_editor: CardEditorDialog | None = None
        self.browse_window: BrowseWindow | None = None  # built on first use (Tools ▸ Browse)
        self._study_warmup: StepRunner | None = None  # started by the deck list's first paint
        self._build_menus()
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: self._apply_display())
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
        self.deck_list.add_requested.connect(self.add_card)
        self.deck_list.browse_requested.connect(self.show_browse)
        self.done.back_requested.connect(self.show_decks)
        self.done.cram_requested.connect(self._cram_finished_scope)
        self.done.extend_requested.connect(self._study_more_new)
        self.done.ahead_requested.connect(lambda: self.review_ahead(scope=self._done_scope))
        self.show_decks()
        self.deck_list.tree.painted.connect(self._deck_list_painted)  # the first paint starts _warm_first_card

    @property
    def review(self) -> ReviewView:
        """The review screen, built the first time it is asked for: by Study now, or by the deck list's warm-up
        in idle time (its modules and widgets, ~15 ms CPU here, are not needed for the deck list's first paint:
        issue 16). Its formulas are kept in ``<data dir>/cache/math``, the first cards' fronts in the render
        store (:mod:`mlprep.ui.render_store`)."""
        if self._review is None:
            from mlprep.ui.render_store import RenderStore
            from mlprep.ui.review_view import ReviewView

            self._use_math_cache()
            review = ReviewView(deck_dir_for=self.collection.deck_folder, links_for=self._learn_more)
            review.setWindowTitle("Review")  # the screen's name in the window title: "mlprep — Review"
            review.set_display(self.theme, self.display.scale)
            review.browser.renderer.kept = RenderStore(self.collection.data_dir / "cache")
            review.zoom_requested.connect(self.zoom)
            review.browser.reading_requested.connect(self._read_source)
            review.finished.connect(self._finished)
            review.leave_requested.connect(self.show_decks)
            review.edit_requested.connect(self.edit_card)
            self.stack.addWidget(review)
            self._review = review
        return self._review

    def _use_math_cache(self) -> None:
        """Keep typeset formulas in ``<data dir>/cache/math`` (the process-wide typesetter's disk cache)."""
        from mlprep.ui.math_images import use_cache_dir

        use_cache_dir(self.collection.data_dir / "cache" / "math")

    def _deck_list_painted(self) -> None:
        """On the deck list's first paint, queue :meth:`_warm_first_card` for the next event-loop turn (a
        0-ms timer started inside the paint event fires after that paint is done)."""
        self.deck_list.tree.painted.disconnect(self._deck_list_painted)
        QTimer.singleShot(0, self, self._warm_first_card)

    def _warm_first_card(self) -> None:
        """After the first paint, one step per event-loop turn (:mod:`mlprep.ui.study_warmup`): the review screen
        built (:attr:`review`), Markdown's modules, :data:`WARM_CARD` drawn offscreen (the card parser and the code
        formatter), the study session's and the planner's modules, the reading list, the new cards' order if
        opening left it for later (read on a worker thread from 2,000 new cards and stored in idle chunks:
        :func:`mlprep.ui.new_order_wait.store_ahead`), then the fronts Study now would show first drawn into the
        render store for the next start (:func:`mlprep.ui.first_cards.keep_first_cards`), so that Study now
        finds them ready; the steps stop once the deck list is left (Study now clicked: the card drawn then loads
        what it needs)."""
        from mlprep.ui.first_cards import keep_first_cards
        from mlprep.ui.new_order_wait import store_ahead
        from mlprep.ui.study_warmup import StepRunner, study_path_steps  # one step per turn (issue 16)

        self._study_warmup = StepRunner([lambda: self.review, *study_path_steps(
            lambda: self.review.browser.renderer.render(WARM_CARD, None, self.theme, self.review.text_px),
            self.collection.reading, lambda: store_ahead(self, self.collection.prepare_new_order()),
            lambda: keep_first_cards(self))],
            lambda: self.stack.currentWidget() is self.deck_list and not self.collection.closed, self)

    @property
    def settings(self) -> StudySettings:
        """The collection's study settings, as stored."""
        return self.collection.settings

    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("&File")
        self._action(self.file_menu, "Import…", self.import_file, "Ctrl+Shift+I")
        self._action(self.file_menu, "Export…", self.export_decks, "Ctrl+E")
        self.file_menu.addSeparator()
        quit_action = self._action(self.file_menu, "Quit", self.close,
                                   shortcut_keys(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
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
        self._action(tools, "Browse", lambda: self.show_browse(), "Ctrl+Shift+F")  # from any screen
        tools.addSeparator()
        self._action(tools, "Settings…", self.open_settings,
                     shortcut_keys(QKeySequence.StandardKey.Preferences, "Ctrl+P"))  # Anki's Preferences
        tools.addSeparator()
        self._action(tools, "Backups…", self.open_backups)
        self._action(tools, "Check Database", self.check_database)
        self.help_menu = self.menuBar().addMenu("&Help")
        self._action(self.help_menu, "Keyboard shortcuts", self.show_shortcuts,
                     shortcut_keys(QKeySequence.StandardKey.HelpContents))
        self._action(self.help_menu, "About mlprep", self.show_about).setMenuRole(QAction.MenuRole.AboutRole)

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey | list[QKeySequence] | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        menu.addAction(action)
        return action

    # -- screens ----------------------------------------------------------------------

    def show_decks(self) -> None:
        """Refresh the counts (with today's limits applied) and show the deck list."""
        self.deck_list.set_overview(self.collection.overview(), self.collection.deck_problems())
        report = self.collection.plan_report(advice=False)
        self.deck_list.set_plan_line(report.summary() if report is not None else "")
        self.stack.setCurrentWidget(self.deck_list)
        self.deck_list.tree.setFocus()

    def show_reading(self, item_id: str = "") -> None:
        """Show the reading list, with ``item_id`` selected when given."""
        if self.reading is None:
            from mlprep.ui.reading_view import ReadingView

            self.reading = ReadingView(self.collection.reading())
            self.reading.setWindowTitle("Reading list")
            self.reading.back_to_review.connect(self.back_to_review)
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
            self.stats_view.setWindowTitle("Statistics")
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
            self.plan_view.setWindowTitle("Plan")
            self._leave_on_escape(self.plan_view)
            self.stack.addWidget(self.plan_view)
        else:
            self.plan_view.refresh()
        self.stack.setCurrentWidget(self.plan_view)

    def _leave_on_escape(self, view: QWidget) -> None:
        shortcut = QShortcut(QKeySequence(LEAVE_SCREEN), view)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._leave_screen)

    def _leave_screen(self) -> None:
        """Esc on a screen: back to the card under review when it came from a card's source link,
        else to the decks."""
        if self._return_to_review and self.stack.currentWidget() is self.reading:
            self.back_to_review()
        else:
            self.show_decks()

    def _read_source(self, item_id: str) -> None:
        """A card's source link: the reading list at ``item_id``, with a way back to the same card."""
        self.show_reading(item_id)
        assert self.reading is not None
        self._return_to_review = True
        self.reading.offer_back_to_review(True)

    def back_to_review(self) -> None:
        """Return from the reading list to the review as it was left: same card, same side."""
        self.stack.setCurrentWidget(self.review)
        self.review.setFocus()

    def _screen_changed(self, _index: int) -> None:
        """Name the screen in the window title and give it the keyboard (so its Esc works); leaving the
        reading list ends its way back."""
        current = self.stack.currentWidget()
        name = current.windowTitle() if current is not None else ""
        self.setWindowTitle(f"mlprep — {name}" if name else "mlprep")
        focus = QApplication.focusWidget()
        if current is not None and (focus is None or not current.isAncestorOf(focus)):
            current.setFocus()
        if current is not self.reading and self.reading is not None:
            self._return_to_review = False
            self.reading.offer_back_to_review(False)

    def _learn_more(self, card: Card) -> tuple[LearnMoreLink, ...]:
        from mlprep.ui.card_render import LearnMoreLink
        from mlprep.ui.card_view import READING_SCHEME

        return tuple(LearnMoreLink(item.title, f"{READING_SCHEME}:{item.id}", item.id)
                     for item in self.collection.reading().items_for_source(card.source))

    def study(self, scope: StudyScope = ALL_DECKS) -> None:
        """Start today's reviews in ``scope`` (at once unless its first card waits for the new cards' order)."""
        from mlprep.ui.new_order_wait import is_current, start_when_ordered

        start_when_ordered(self, self.collection.study(scope, order_in_background=True), self._start,
                           is_current(self, self.deck_list))

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
        self._cram_scope, self._done_scope = done.cram_scope, session.scope
        stop = self.collection.stop_reason(session.scope) if session.mode is SessionMode.STUDY else None
        titles = {d.deck_id: d.title for d in self.collection.decks()} if stop is not None and any(
            hit.deck is not None for hit in stop.limits) else None
        self.done.show_summary(done.answered, done.today, done.next_due, done.cram_count, stop=stop,
                               deck_titles=titles)
        self.stack.setCurrentWidget(self.done)

    def _study_more_new(self, extra: int) -> None:
        """The done screen's "+N new cards today": raise today's new-card limit of the finished
        session's scope by ``extra`` and study on."""
        self.collection.extend_new_limit(self._done_scope, extra)
        self.study(self._done_scope)

    def _cram_finished_scope(self) -> None:
        if self._cram_scope is not None:
            self.cram(self._cram_scope)

    # -- dialogs and actions ------------------------------------------------------------

    def edit_card(self, card_id: str) -> None:
        """Open the card editor on ``card_id`` (E on the review screen, Edit in the browser); after a save
        or a revert the review screen shows the card's new text, its session untouched."""
        from mlprep.ui.card_editor import CardEditorDialog  # with card editing and the LaTeX checks

        self._open_editor(CardEditorDialog(self.collection, card_id=card_id, theme=self.theme,
                                           px=self.review.text_px, parent=self._dialog_parent()))

    def add_card(self, deck_id: str = "") -> None:
        """Open the Add dialog (A on the deck list), with user deck ``deck_id`` chosen when it is one."""
        from mlprep.ui.card_editor import CardEditorDialog

        self._open_editor(CardEditorDialog(self.collection, deck_id=deck_id, theme=self.theme,
                                           px=self.review.text_px, parent=self._dialog_parent()))

    def _dialog_parent(self) -> QWidget:
        """The window a dialog opens over: the active one (the browser, when it asks), else this one."""
        active = QApplication.activeWindow()
        return active if active is not None else self

    def _open_editor(self, dialog: CardEditorDialog) -> None:
        if self.card_editor is not None:
            self.card_editor.deleteLater()  # the last one, closed
        self.card_editor = dialog
        dialog.saved.connect(self._card_saved)
        dialog.reverted.connect(self._card_saved)
        dialog.open()

    def show_browse(self, query: str = "") -> None:
        """Open the Browse window (or bring it to the front) on the cards matching ``query`` (all cards by
        default; B on the deck list passes the selected deck or area)."""
        if self.browse_window is None:
            from mlprep.ui.browse_window import BrowseWindow

            self._use_math_cache()
            self.browse_window = BrowseWindow(self.collection.browse(), theme=self.theme,
                                              deck_dir_for=self.collection.deck_folder, links_for=self._learn_more,
                                              parent=self)
            self.browse_window.edit_requested.connect(self.edit_card)
            self.browse_window.changed.connect(self._browse_changed)
        if query or self.browse_window.isHidden():
            self.browse_window.search(query)
        self.browse_window.show()
        self.browse_window.raise_()
        self.browse_window.activateWindow()

    def _browse_changed(self) -> None:
        """The browser changed cards: the deck list's counts follow."""
        if self.stack.currentWidget() is self.deck_list:
            self.show_decks()

    def _card_saved(self, card_id: str) -> None:
        if self.browse_window is not None:
            self.browse_window.card_edited()
        if self._review is not None:
            self._review.show_edited(self.collection.card(card_id))
        if self.stack.currentWidget() is self.deck_list:
            self.show_decks()
        self.card_changed.emit(card_id)

    def study_tag(self) -> None:
        """Pick a tag (searchable, with card counts, machine tags by their names) and study its cards."""
        if self.tag_picker is not None:
            self.tag_picker.deleteLater()  # the last one, closed: its counts are stale
        from mlprep.ui.tag_picker import TagPickerDialog

        self.tag_picker = TagPickerDialog(self.collection.tag_counts(), self)
        self.tag_picker.tag_chosen.connect(lambda tag: self.study(StudyScope(ScopeKind.TAG, tag)))
        self.tag_picker.open()

    def review_ahead(self, *, scope: StudyScope = ALL_DECKS) -> None:
        """Ask how many days ahead, then review those cards of ``scope`` without changing the schedule."""
        days, ok = QInputDialog.getInt(self, "Review ahead", "Cards due within the next … days:", 7, 1, 365)
        if ok:
            self.cram(scope, ahead_days=days)

    def deck_action(self, action: DeckAction, deck_id: DeckId) -> None:
        """Run a deck-list context-menu action on ``deck_id``, then show the new counts."""
        self.collection.deck_action(action, deck_id)
        self.show_decks()

    def open_settings(self) -> None:
        """Show the settings dialog; store what it returns."""
        from mlprep.ui.settings_dialog import SettingsDialog

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
        if self._review is not None:  # else built in this theme and size
            self._review.set_display(theme, self.display.scale)
        if self.browse_window is not None:
            self.browse_window.set_theme(theme)
        return theme

    def _warm_math(self) -> None:
        """After the first paint, typeset upcoming cards' formulas in idle time."""
        from mlprep.ui.card_render import MATH_SCALE
        from mlprep.ui.math_images import default_typesetter
        from mlprep.ui.math_warmer import MathWarmer

        if self.math_warmer is not None:
            self.math_warmer.stop()
        review = self.review  # built first: the typesetter's disk cache is set with it
        self.math_warmer = MathWarmer(default_typesetter(), self.collection.study_texts(),
                                      review.text_px * MATH_SCALE, self, code_style=self.theme.code_style,
                                      hold=review.holds_idle_time)
        self.math_warmer.start()

    def import_file(self) -> None:
        """File ▸ Import…: an Anki package or CSV into new decks (see :mod:`mlprep.ui.import_dialog`)."""
        from mlprep.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.collection, self)
        dialog.imported.connect(lambda _summary: self.show_decks())
        dialog.exec()

    def export_decks(self) -> None:
        """File ▸ Export…: decks as an Anki package or CSV."""
        from mlprep.ui.import_dialog import ExportDialog

        ExportDialog(self.collection, self).exec()

    def open_backups(self) -> None:
        """Tools ▸ Backups…: list, back up now, restore."""
        from mlprep.ui.maintenance import BackupsDialog

        BackupsDialog(self.collection, self._restored, self).exec()

    def check_database(self) -> None:
        """Tools ▸ Check Database: run it and show what it found and fixed."""
        from mlprep.ui.maintenance import check_database

        check_database(self, self.collection)

    def _restored(self) -> None:
        """After a restore the collection holds other data: drop the screens built over the old one."""
        for view in (self.reading, self.stats_view, self.plan_view):
            if view is not None:
                self.stack.removeWidget(view)
                view.deleteLater()
        self.reading = self.stats_view = self.plan_view = None
        if self.browse_window is not None:  # its browser read the old file: built again on next use
            self._close_browse()
        self.show_decks()

    def _close_browse(self) -> None:
        """Close the Browse window and let its search worker go (built again on next use)."""
        if self.browse_window is not None:
            self.browse_window.browser.close()
            self.browse_window.close()
            self.browse_window.deleteLater()
            self.browse_window = None

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard shortcuts: every key, read from the tables and menus the code uses."""
        from mlprep.ui.help_dialogs import ShortcutsDialog

        ShortcutsDialog(self.shortcut_rows(), self).exec()

    def shortcut_rows(self) -> list[ShortcutRow]:
        """The review keys (in the current grading mode), the other screens' keys, then the menus'."""
        return review_rows(grade_range(self.settings)) + screen_rows() + menu_rows(self.menuBar())

    def show_about(self) -> None:
        """Help ▸ About mlprep."""
        from mlprep.ui.help_dialogs import AboutDialog

        AboutDialog(self.collection.data_dir, self.windowIcon(), self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._window_state.setValue("geometry", self.saveGeometry())  # restored by the next start
        self._window_state.sync()
        self._warm_timer.stop()
        self.periodic_backup.stop()
        if self.reading is not None:
            self.reading.save_notes()
        if self.math_warmer is not None:
            self.math_warmer.stop()
        if self._review is not None:
            self._review.stop_idle()
            self._review.keep_renders()  # the front on screen is likely the next start's first card
        if self._study_warmup is not None:
            self._study_warmup.stop()  # its steps read the collection, closed below
        self._close_browse()
        if not self.collection.closed and not self.collection.read_only:
            self.collection.backup()  # Anki's habit: a backup each time the app closes
        self.collection.close()
        super().closeEvent(event)
