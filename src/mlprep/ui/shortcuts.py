"""The keyboard shortcuts: one table per screen, read by the code that handles the keys and by
Help ▸ Keyboard shortcuts, so the dialog can never disagree with what a key does.

The review keys follow Anki's (manual, "Studying" ▸ "Shortcut keys"): Space or Enter shows the
answer and, on the answer side, answers Good; 1–4 grade; U (or Ctrl+Z) undoes; ``-`` buries,
``@`` suspends; Esc goes back. Menu shortcuts live on the menus' ``QAction`` s and are read from
them (:func:`menu_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from mlprep.core.grades import Grade
from mlprep.ui.done_view import DONE_KEYS


class ReviewAction(Enum):
    """What a key does on the review screen; the value is its description in the shortcuts dialog."""

    REVEAL = "Show the answer"
    GOOD = "Answer Good (as Anki)"
    UNDO = "Undo the last answer, bury or suspend"
    BURY = "Bury the card until tomorrow"
    SUSPEND = "Suspend the card"
    LEAVE = "Leave the review (back to the decks)"


class Side(Enum):
    """The side of the card a review key works on."""

    FRONT = "question side"
    BACK = "answer side"
    EITHER = ""


@dataclass(frozen=True)
class KeyBinding:
    """Review-screen ``keys`` doing ``action`` on ``side``. A key is either QKeySequence's portable
    text ("Space", "Ctrl+Z", "U") or one typed character ("-", "@": matched on the text the key types,
    so it works whatever the keyboard layout needs to type it)."""

    action: ReviewAction
    keys: tuple[str, ...]
    side: Side = Side.EITHER


REVIEW_KEYS: tuple[KeyBinding, ...] = (
    KeyBinding(ReviewAction.REVEAL, ("Space", "Return", "Enter"), Side.FRONT),
    KeyBinding(ReviewAction.GOOD, ("Space", "Return", "Enter"), Side.BACK),
    KeyBinding(ReviewAction.UNDO, ("U", "Ctrl+Z")),
    KeyBinding(ReviewAction.BURY, ("-",)),
    KeyBinding(ReviewAction.SUSPEND, ("@",)),
    KeyBinding(ReviewAction.LEAVE, ("Esc",)),
)
"""Every review-screen key but the grades (those come from :mod:`mlprep.core.grades`)."""

DECK_LIST_KEYS = (
    ("A", "Add a card (to the selected deck)"),
    ("B", "Browse the selected deck or area (every card from All decks)"),
)
"""The deck list's own keys (``mlprep.ui.deck_list.DeckListView``'s shortcuts) with what each does."""

EDIT_KEY = ("E", "Edit the card on screen")
"""The review screen's edit key (``ReviewView.edit_requested``) with what it does."""

LEAVE_SCREEN = "Esc"
"""On the reading list, statistics and plan screens: back to where you came from."""

BACK_TO_REVIEW = "Back to the card under review (after a card's source link)"

_TYPED = frozenset("-@")


def _pressed(event: QKeyEvent) -> QKeySequence:
    """The key combination of ``event`` as a sequence, keypad and Shift for typed symbols aside."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return QKeySequence(QKeyCombination(modifiers, Qt.Key(event.key())))


def matches(key: str, event: QKeyEvent) -> bool:
    """Whether ``event`` is the key ``key`` of a :class:`KeyBinding`."""
    if key in _TYPED:
        return event.text() == key
    return QKeySequence(key).matches(_pressed(event)) == QKeySequence.SequenceMatch.ExactMatch


def review_action(event: QKeyEvent, revealed: bool) -> ReviewAction | None:
    """The :class:`ReviewAction` ``event`` asks for with the answer shown (``revealed``) or not; ``None``
    if the key is not a review key (grade digits are matched apart, by :func:`grade_for`)."""
    side = Side.BACK if revealed else Side.FRONT
    for binding in REVIEW_KEYS:
        if binding.side in (Side.EITHER, side) and any(matches(k, event) for k in binding.keys):
            return binding.action
    return None


def grade_for(event: QKeyEvent, grades: Iterable[Grade]) -> Grade | None:
    """The grade whose digit ``event`` typed (main row or keypad), or ``None``."""
    return next((g for g in grades if event.text() == g.key), None)


@dataclass(frozen=True)
class ShortcutRow:
    """One line of the shortcuts dialog: the ``keys`` as shown to the user, what they do, and where."""

    keys: str
    action: str
    where: str


def _shown(key: str) -> str:
    return key if key in _TYPED else QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def review_rows(grades: tuple[Grade, ...]) -> list[ShortcutRow]:
    """The review screen's keys, the grades of the current grading mode included."""
    first, last = grades[0].key, grades[-1].key
    names = ", ".join(g.name for g in grades)
    rows = [ShortcutRow(f"{first}–{last}", f"Grade the answer: {names}", "Review, answer side")]
    for binding in REVIEW_KEYS:
        where = f"Review, {binding.side.value}" if binding.side is not Side.EITHER else "Review"
        rows.append(ShortcutRow(" / ".join(_shown(k) for k in binding.keys), binding.action.value, where))
    rows.append(ShortcutRow(_shown(EDIT_KEY[0]), EDIT_KEY[1], "Review"))
    return rows


def screen_rows() -> list[ShortcutRow]:
    """The keys of the other screens: the deck list's (its Enter is Qt's item activation), the done
    screen's (:data:`mlprep.ui.done_view.DONE_KEYS`, the table its buttons take their keys from), and
    Esc on the reading list, statistics and plan."""
    esc = _shown(LEAVE_SCREEN)
    return [
        ShortcutRow(_shown("Return"), "Study the selected deck or area", "Deck list"),
        *(ShortcutRow(_shown(key), action, "Deck list") for key, action in DECK_LIST_KEYS),
        *(ShortcutRow(_shown(key), action, "Done screen") for key, action in DONE_KEYS),
        ShortcutRow(esc, "Back to the decks", "Reading list, Statistics, Plan"),
        ShortcutRow(esc, BACK_TO_REVIEW, "Reading list"),
    ]


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def menu_rows(menu_bar: QMenuBar) -> list[ShortcutRow]:
    """Every menu action that has a shortcut, as "File ▸ Quit", read from the menus themselves."""
    rows: list[ShortcutRow] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} ▸ {_clean(sub.title())}")
            elif action.shortcuts():
                keys = " / ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
                rows.append(ShortcutRow(keys, f"{path} ▸ {_clean(action.text())}", "Anywhere"))

    for top in menu_bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            walk(menu, _clean(menu.title()))
    return rows


def shortcut_keys(*keys: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    """The sequences for ``keys`` (a standard key expands to the platform's bindings, which can be none
    offscreen), without empty or repeated ones: for ``QAction.setShortcuts``."""
    out: list[QKeySequence] = []
    for key in keys:
        found = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
        out += [s for s in found if not s.isEmpty() and s not in out]
    return out
