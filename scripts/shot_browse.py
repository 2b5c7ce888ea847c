"""Render the Browse window offscreen to PNGs (run from the checkout; the folder defaults to docs/).

    QT_QPA_PLATFORM=offscreen python scripts/shot_browse.py [folder] [dark-folder]

Uses a throw-away collection with the shipped decks and a fixed clock: three weeks of daily study (so
cards have due days, intervals, eases and review histories), a few cards suspended and buried. browse.png:
the light theme at the window's default size, every card sorted by due day, the first row's card and its
history in the detail pane; browse-dark.png (into ``dark-folder``, default the same folder): the dark
theme, a search with a typo, whose error shows in red under the box.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.models import Button
from mlprep.services.collection import Collection, open_collection
from mlprep.ui.browse_window import BrowseWindow
from mlprep.ui.theme import apply_theme

DOCS = Path(__file__).resolve().parents[1] / "docs"
GRADES = (Button.GOOD, Button.GOOD, Button.AGAIN, Button.EASY, Button.HARD, Button.GOOD)


def _study(col: Collection, clock: FixedClock, days: int = 21) -> None:
    """``days`` days of study: each day's due cards and up to 15 new ones, with mixed grades."""
    for day in range(days):
        session = col.study()
        answered = 0
        while answered < 60 and session.next_card() is not None:
            session.answer(GRADES[(answered + day) % len(GRADES)])
            answered += 1
        clock.advance(days=1)


def main(folder: str = "", dark_folder: str = "") -> None:
    """Save browse.png and browse-dark.png (see the module docstring)."""
    out = Path(folder) if folder else DOCS
    dark_out = Path(dark_folder) if dark_folder else out
    for path in (out, dark_out):
        path.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
        col = open_collection(Path(tmp), clock, tz=UTC)
        _study(col, clock)
        browser = col.browse()
        browser.suspend(browser.search("is:review", limit=40)[30:33])
        browser.bury(browser.search("is:review", limit=40)[36:38])
        for mode, path, query in ((ThemeMode.LIGHT, out / "browse.png", ""),
                                  (ThemeMode.DARK, dark_out / "browse-dark.png", "is:due dek:math")):
            theme = apply_theme(app, mode)
            window = BrowseWindow(col.browse(), theme=theme, deck_dir_for=col.deck_folder)
            window.show()
            app.processEvents()
            if query:
                window.search("is:due")
                window.search(query)
            window.wait_for_results()  # searches run on a worker thread
            app.processEvents()
            window.grab().save(str(path))
            print(path)
            window.close()
        col.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
