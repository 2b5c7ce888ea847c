"""Render the card editor offscreen to PNGs (run from the checkout; the folder defaults to docs/).

    QT_QPA_PLATFORM=offscreen python scripts/shot_edit.py [folder] [dark-folder]

Uses a throw-away collection with the shipped decks and a fixed clock. edit.png: Edit on a shipped card with
formulas (light theme, default size), its preview and the note that the edit is kept as an override;
edit-dark.png (into ``dark-folder``, default the same folder): the dark theme, with a formula typed wrong
so that the problem line shows and Save is disabled.
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
from mlprep.services.collection import open_collection
from mlprep.ui.card_editor import CardEditorDialog
from mlprep.ui.main_window import MainWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"
CARD = "la-rank-definition"  # a shipped card with inline math


def _card_id(window: MainWindow) -> str:
    """A shipped card with a formula on its front (the first found, if CARD is gone)."""
    try:
        window.collection.card(CARD)
        return CARD
    except KeyError:
        session = window.collection.cram()
        while (card := session.next_card()) is not None and "$" not in card.front:
            session.answer(4)
        assert card is not None
        return card.id


def main(folder: str = "", dark_folder: str = "") -> None:
    """Save edit.png and edit-dark.png (see the module docstring)."""
    out = Path(folder) if folder else DOCS
    dark_out = Path(dark_folder) if dark_folder else out
    for path in (out, dark_out):
        path.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        window = MainWindow(open_collection(Path(tmp), clock))
        card_id = _card_id(window)
        for mode, path in ((ThemeMode.LIGHT, out / "edit.png"), (ThemeMode.DARK, dark_out / "edit-dark.png")):
            window.theme_actions[mode].trigger()
            dialog = CardEditorDialog(window.collection, card_id=card_id, theme=window.theme,
                                      px=window.review.text_px, parent=window)
            if mode is ThemeMode.DARK:
                dialog.back.appendPlainText("\nSo $\\frac{\\operatorname{rank}(A){n} \\le 1$.")
            dialog.show()
            dialog.refresh()
            app.processEvents()
            dialog.grab().save(str(path))
            dialog.done(0)
        window.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
