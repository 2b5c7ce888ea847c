"""Render the done screen at the new-card limit and the review screen in a cram offscreen to PNGs
(run from the checkout; the folder defaults to docs/).

    QT_QPA_PLATFORM=offscreen python scripts/shot_done.py [folder]

Uses a throw-away collection with the shipped decks, the default limits (20 new cards a day) and a
fixed clock: all 20 new cards of the day are answered Good, then done.png / done-dark.png (the daily
limit named, +10 / +20 new cards today, review ahead) and cram.png / cram-dark.png (a cram of the first
deck: banner, "left in this cram") are saved.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main(folder: str = "") -> None:
    """Save the four screenshots (see the module docstring) into ``folder`` (default docs/)."""
    out = Path(folder) if folder else DOCS
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        collection = open_collection(Path(tmp), clock)
        window = MainWindow(collection)
        window.resize(1000, 720)
        window.show()
        window.study()
        review = window.review
        while window.stack.currentWidget() is review:
            QTest.keyClick(review, Qt.Key.Key_Space)
            QTest.keyClick(review, Qt.Key.Key_3)  # Good
        for theme, name in ((ThemeMode.LIGHT, "done"), (ThemeMode.DARK, "done-dark")):
            window.theme_actions[theme].trigger()
            app.processEvents()
            window.grab().save(str(out / f"{name}.png"))
        first = collection.decks()[0].deck_id
        for theme, name in ((ThemeMode.LIGHT, "cram"), (ThemeMode.DARK, "cram-dark")):
            window.theme_actions[theme].trigger()
            window.cram(StudyScope(ScopeKind.DECK, first))
            QTest.keyClick(review, Qt.Key.Key_Space)
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the last session's grade buttons
            app.processEvents()
            window.grab().save(str(out / f"{name}.png"))
        window.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
