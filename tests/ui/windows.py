"""The main window over a collection in a test's folder, and answering by keys: shared by GUI tests."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import StudySettings
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow


def open_window(qtbot: QtBot, data_dir: Path, deck_dir: Path, clock: FixedClock,
                settings: StudySettings | None = None) -> MainWindow:
    """A shown, active MainWindow over ``data_dir`` with the decks of ``deck_dir`` (and ``settings``)."""
    collection = open_collection(data_dir, clock, [deck_dir])
    if settings is not None:
        collection.save_settings(settings)
    window = MainWindow(collection)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def plain(html: str) -> str:
    """``html`` without its tags."""
    return re.sub(r"<[^>]+>", "", html)


def answer_good(qtbot: QtBot, window: MainWindow, cards: int) -> None:
    """Show and answer Good (Space, then 3) ``cards`` cards on the review screen."""
    for _ in range(cards):
        assert window.stack.currentWidget() is window.review
        qtbot.keyClick(window.review, Qt.Key.Key_Space)
        qtbot.keyClick(window.review, Qt.Key.Key_3)
