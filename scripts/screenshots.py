"""Render the app's screens offscreen to PNGs under docs/ (run from the checkout).

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py

Draws each screen in the light theme, then the deck list and review screen again in the dark
one (``-dark`` names). Uses a throw-away collection in a temporary folder, the shipped decks and a fixed clock.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow
from mlprep.ui.settings_dialog import SettingsDialog

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main(deck_id: str = "algorithms-linear-models") -> None:
    """Save docs/deck-list.png, docs/review.png (first card of ``deck_id``, answer shown,
    with interval previews), docs/settings.png, and the first two as ``-dark`` too."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        window = MainWindow(open_collection(Path(tmp), clock))
        window.resize(1000, 720)
        window.show()
        app.processEvents()
        window.grab().save(str(DOCS / "deck-list.png"))
        window.study(StudyScope(ScopeKind.DECK, deck_id))
        QTest.keyClick(window.review, Qt.Key.Key_Space)
        app.processEvents()
        window.grab().save(str(DOCS / "review.png"))
        dialog = SettingsDialog(window.settings, window.collection.decks(), window)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(DOCS / "settings.png"))
        dialog.close()
        window.theme_actions[ThemeMode.DARK].trigger()
        app.processEvents()
        window.grab().save(str(DOCS / "review-dark.png"))
        window.show_decks()
        app.processEvents()
        window.grab().save(str(DOCS / "deck-list-dark.png"))
        window.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
