"""The deck list: decks grouped by area with their new, learn and due counts, as Anki's deck browser,
and a banner for the deck files that did not load (or loaded without some cards)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.study_settings import ScopeKind
from mlprep.services.collection import DeckAction
from mlprep.services.overview import DeckFileProblems, Overview, short_message

_KIND_ROLE = Qt.ItemDataRole.UserRole  # the row's ScopeKind value
_VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # its scope value: deck id, area slug, "" for all decks
_NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # what "Study …" calls it
_COLUMNS = ("Deck", "New", "Learn", "Due")
_COLUMN_TIPS = ("", "New cards to introduce today, after the daily limits",
                "Cards to re-drill today: answered below Good today, they come back until answered "
                "Good or Easy (SM-2's step 7; Anki's Learn)",
                "Reviews due today, after the daily limits")
_DECK_ACTIONS = ((DeckAction.BURY, "Bury its cards until tomorrow"), (DeckAction.SUSPEND, "Suspend all its cards"),
                 (DeckAction.UNSUSPEND, "Unsuspend all its cards"))
MAX_PROBLEM_LINES = 8
"""Problem lines the banner shows before "… and N more" (Details shows them all)."""
_BUTTON_TEXT_PX = 360  # a "Study <deck title>" longer than this is elided (the tooltip has it whole)


class DeckTree(QTreeWidget):
    """The deck list's tree; emits ``painted`` as each paint of its rows begins (from :meth:`paintEvent`, so
    nothing asks for the viewport widget: the first ``viewport()`` call makes PySide6 initialise every widget
    class to find its type, ~6 ms CPU before the first paint, issue 16)."""

    painted = Signal()

    def paintEvent(self, event: QPaintEvent) -> None:
        self.painted.emit()
        super().paintEvent(event)


class DeckListView(QWidget):
    """Shows an :class:`Overview`: an "All decks" row, then decks under their curriculum area, each with
    its New, Learn (re-drill) and Due counts; and a banner for the deck files' problems.

    Emits ``study_requested(kind, value)`` (a :class:`ScopeKind` and its value) on "Study …" (named
    after the selected row: all decks, an area or a deck), a double-click or Enter on a row; from a
    deck's context menu, ``cram_requested(deck_id)`` and ``deck_action(action, deck_id)`` (a
    :class:`DeckAction`). The selected row survives :meth:`set_overview` (coming back from a session).
    """

    study_requested = Signal(str, str)
    cram_requested = Signal(str)
    deck_action = Signal(str, str)
    plan_requested = Signal()
    add_requested = Signal(str)  # A: add a card (to the selected deck's id, "" for none)
    browse_requested = Signal(str)  # B: browse the selected deck or area (a search: "deck:ID", "" for all)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeckListView")
        title = QLabel("Decks")
        title.setObjectName("screenTitle")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.plan_line = QLabel()
        self.plan_line.setObjectName("planLine")
        self.plan_line.hide()
        self.plan_button = QPushButton("Plan…")
        self.plan_button.setToolTip("Prepare for an interview date (View ▸ Plan, Ctrl+Shift+P)")
        self.plan_button.clicked.connect(self.plan_requested.emit)
        self.tree = DeckTree()
        self.tree.setColumnCount(len(_COLUMNS))
        self.tree.setHeaderLabels(list(_COLUMNS))
        for column, tip in enumerate(_COLUMN_TIPS):
            self.tree.headerItem().setToolTip(column, tip)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemSelectionChanged.connect(self._name_study_button)
        self.tree.currentItemChanged.connect(lambda *_: self._name_study_button())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self._build_banner()
        self.study_button = QPushButton("Study all decks")
        self.study_button.setObjectName("primary")
        self.study_button.setDefault(True)
        self.study_button.clicked.connect(self._study_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.study_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.plan_line)
        layout.addLayout(heading)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._dismissed: tuple[str, ...] | None = None  # the problems the user closed the banner on
        self._shown: tuple[str, ...] = ()
        add = QShortcut(QKeySequence("A"), self)
        add.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        add.activated.connect(self._add_card)
        browse = QShortcut(QKeySequence("B"), self)
        browse.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        browse.activated.connect(self._browse)

    def _build_banner(self) -> None:
        self.error_banner = QFrame()
        self.error_banner.setObjectName("deckErrorBanner")
        self.error_title = QLabel()
        self.error_title.setObjectName("deckErrorTitle")
        self.details_button = QPushButton("Details")
        self.details_button.setCheckable(True)
        self.details_button.setToolTip("Show every problem with its full text")
        self.details_button.toggled.connect(self._toggle_details)
        self.close_errors_button = QPushButton("×")
        self.close_errors_button.setObjectName("closeBanner")
        self.close_errors_button.setToolTip("Hide these problems until the deck files change")
        self.close_errors_button.setAccessibleName("Close")
        self.close_errors_button.clicked.connect(self._dismiss_errors)
        self.errors = QLabel()
        self.errors.setObjectName("deckErrorLines")
        self.errors.setTextFormat(Qt.TextFormat.PlainText)
        self.errors.setWordWrap(True)
        self.errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_details = QPlainTextEdit()
        self.error_details.setObjectName("deckErrorDetails")
        self.error_details.setReadOnly(True)
        self.error_details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.error_details.setMaximumHeight(160)
        self.error_details.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.error_title, 1)
        top.addWidget(self.details_button)
        top.addWidget(self.close_errors_button)
        box = QVBoxLayout(self.error_banner)
        box.setContentsMargins(12, 8, 8, 10)
        box.addLayout(top)
        box.addWidget(self.errors)
        box.addWidget(self.error_details)
        self.error_banner.hide()

    # -- the rows -----------------------------------------------------------------------------

    def set_overview(self, overview: Overview, problems: Sequence[DeckFileProblems] = ()) -> None:
        """Show ``overview``'s areas and decks with their counts, and the deck files' ``problems``; the
        row selected before stays selected (the "All decks" row the first time)."""
        keep = self._key(self._selected())
        self.tree.clear()
        everything = self._row(["All decks", overview.new, overview.learn, overview.due],
                               ScopeKind.ALL, "", "all decks", bold=True)
        everything.setToolTip(0, "Every deck: what Study all decks (Ctrl+Return) studies")
        self.tree.addTopLevelItem(everything)
        for area in overview.areas:
            parent = self._row([area.label, area.new, area.learn, area.due], ScopeKind.AREA, area.area,
                               area.title, bold=True)
            for deck in area.decks:
                item = self._row([deck.title, deck.new, deck.learn, deck.due], ScopeKind.DECK, deck.deck_id,
                                 deck.title)
                item.setToolTip(0, f"{deck.total} cards")
                parent.addChild(item)
            self.tree.addTopLevelItem(parent)
        self.tree.expandAll()
        self._select(keep)
        self.summary.setText(f"{len(overview.decks)} decks · today: {overview.due} due · {overview.new} new"
                             + (f" · {overview.learn} to re-drill" if overview.learn else ""))
        self._show_errors(problems)

    def _row(self, cells: list[str | int], kind: ScopeKind, value: str, name: str, *,
             bold: bool = False) -> QTreeWidgetItem:
        item = QTreeWidgetItem([str(cell) for cell in cells])
        item.setData(0, _KIND_ROLE, kind.value)
        item.setData(0, _VALUE_ROLE, value)
        item.setData(0, _NAME_ROLE, name)
        for column in range(1, len(_COLUMNS)):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if bold:
            font = item.font(0)
            font.setBold(True)
            for column in range(len(_COLUMNS)):
                item.setFont(column, font)
        return item

    def _rows(self) -> list[QTreeWidgetItem]:
        rows: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is not None:
                rows.append(top)
                rows.extend(child for j in range(top.childCount()) if (child := top.child(j)) is not None)
        return rows

    def _select(self, key: tuple[str, str] | None) -> None:
        rows = self._rows()
        found = next((row for row in rows if self._key(row) == key), None) if key is not None else None
        target = found or (rows[0] if rows else None)
        if target is not None:
            self.tree.setCurrentItem(target)
            self.tree.scrollToItem(target)
        self._name_study_button()

    def set_plan_line(self, text: str) -> None:
        """Show the interview plan's one line ("Interview in 23 days · on track"), or hide it (``""``)."""
        self.plan_line.setText(text)
        self.plan_line.setVisible(bool(text))

    # -- the problems banner ---------------------------------------------------------------------

    def _show_errors(self, problems: Sequence[DeckFileProblems]) -> None:
        signature = tuple(f"{p.loaded}:{e}" for p in problems for e in p.problems)
        if not problems or signature == self._dismissed:
            if not problems:
                self._dismissed = None  # all fixed: problems found later are news again
            self.error_banner.hide()
            return
        self._dismissed = None  # the problems changed: a dismissed banner comes back
        self._shown = signature
        self.error_title.setText(_banner_title(problems))
        lines: list[str] = []
        shown = 0
        total = sum(len(p.problems) for p in problems)
        for file in problems:
            if shown >= MAX_PROBLEM_LINES:
                break
            lines.append(f"{file.name}: {file.status()}")
            for error in file.problems[:MAX_PROBLEM_LINES - shown]:
                lines.append(f"  {error.path}:{error.line}: {short_message(error.message)}")
                shown += 1
        if total > shown:
            lines.append(f"… and {total - shown} more (Details, or run `mlprep check`)")
        self.errors.setText("\n".join(lines))
        self.errors.setToolTip("Click Details for the full text of each problem")
        self.error_details.setPlainText("\n\n".join(
            f"{file.path}: {file.status()}\n" + "\n".join(str(e) for e in file.problems) for file in problems))
        self.error_banner.show()

    def _toggle_details(self, shown: bool) -> None:
        self.error_details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Details")

    def _dismiss_errors(self) -> None:
        """Hide the banner until the problems change (a new sync finds others)."""
        self._dismissed = self._shown
        self.error_banner.hide()

    # -- studying ------------------------------------------------------------------------------

    @staticmethod
    def _key(item: QTreeWidgetItem | None) -> tuple[str, str] | None:
        return None if item is None else (item.data(0, _KIND_ROLE), item.data(0, _VALUE_ROLE))

    def _selected(self) -> QTreeWidgetItem | None:
        item = self.tree.currentItem()
        return item if item is not None and item.isSelected() else None

    def _scope_of(self, item: QTreeWidgetItem | None) -> tuple[str, str]:
        key = self._key(item)
        return key if key is not None else (ScopeKind.ALL.value, "")

    def study_scope(self) -> tuple[str, str]:
        """What Study now (the button) would study: ``(ScopeKind value, value)``, as ``study_requested``
        carries it."""
        return self._scope_of(self._selected())

    def study_label(self) -> str:
        """What "Study …" will study: ``"Study all decks"`` (the "All decks" row, or nothing selected),
        ``"Study Linear algebra"`` for a deck, ``"Study Math & statistics"`` for an area."""
        item = self._selected()
        return f"Study {item.data(0, _NAME_ROLE)}" if item is not None else "Study all decks"

    def _name_study_button(self) -> None:
        label = self.study_label()
        metrics = self.study_button.fontMetrics()
        shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, _BUTTON_TEXT_PX)
        self.study_button.setText(shown.replace("&", "&&"))  # "Math & statistics": an "&" is not a shortcut
        self.study_button.setToolTip(f"{label} (Enter)")

    def _emit_study(self, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.tree.setCurrentItem(item)  # the deck list comes back to the row studied
        self.study_requested.emit(*self._scope_of(item))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self._emit_study(item)

    def _study_selected(self) -> None:
        self._emit_study(self._selected())

    def _add_card(self) -> None:
        kind, value = self._scope_of(self._selected())
        self.add_requested.emit(value if kind == ScopeKind.DECK.value else "")

    def _browse(self) -> None:
        kind, value = self._scope_of(self._selected())
        field = {ScopeKind.DECK.value: "deck", ScopeKind.AREA.value: "area"}.get(kind)
        self.browse_requested.emit(f'{field}:"{value}"' if field else "")

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        kind, value = self._scope_of(item)
        menu = QMenu(self)
        menu.addAction("Study", lambda: self._emit_study(item))
        if kind == ScopeKind.DECK.value:
            menu.addSeparator()
            menu.addAction("Cram this deck (schedule unchanged)", lambda: self.cram_requested.emit(value))
            for action, label in _DECK_ACTIONS:
                menu.addAction(label, partial(self.deck_action.emit, action.value, value))
        menu.exec(self.tree.viewport().mapToGlobal(pos))


def _banner_title(problems: Sequence[DeckFileProblems]) -> str:
    """``"3 deck files have problems: 2 skipped, 1 loaded with 1 card skipped"``."""
    files = len(problems)
    skipped = sum(not p.loaded for p in problems)
    partly = [p for p in problems if p.loaded]
    cards = sum(p.skipped_cards for p in partly)
    parts = [f"{skipped} skipped"] if skipped else []
    if partly:
        parts.append(f"{len(partly)} loaded with {cards} card{'' if cards == 1 else 's'} skipped")
    return f"{files} deck file{' has' if files == 1 else 's have'} problems: {', '.join(parts)}"
