"""Render File ▸ Import… offscreen after an import, light and dark (run from the checkout).

    QT_QPA_PLATFORM=offscreen python scripts/shot_import.py [DARK_OUT]

A throw-away data folder gets the shipped decks; an Anki package made on the spot (genanki, as the tests
make theirs: 1,200 notes, 300 of them with review progress, Basic, reversed and cloze notes) is imported
through the dialog, whose summary is saved as docs/import.png (light) and DARK_OUT (dark, default
/tmp/import-dark.png). The progress dialog is saved next to DARK_OUT as import-progress.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication
from tests.services.anki_packages import LegacyNote, Sched, legacy_apkg

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.services.collection import open_collection
from mlprep.ui.import_dialog import ImportDialog
from mlprep.ui.theme import apply_theme

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _package(folder: Path) -> Path:
    notes = []
    for i in range(1200):
        sched = {0: Sched(2, 2, 420 + i % 30, 5 + i % 40, 2300 + i % 5 * 100, 6, i % 3)} if i < 300 else {}
        if i % 100 == 7:
            notes.append(LegacyNote("cloze", [f"The {{{{c1::gradient}}}} of loss {i} points {{{{c2::uphill}}}}", ""]))
        elif i % 10 == 3:
            notes.append(LegacyNote("reversed", [f"term {i}", f"definition {i}"], ["vocab"], sched))
        else:
            notes.append(LegacyNote("basic", [f"Question {i}: what is \\(x_{{{i}}}\\)?", f"Answer {i}"], ["ml"], sched))
    notes.append(LegacyNote("basic", ["", "a note whose front is empty"]))
    return legacy_apkg(folder / "ml-flashcards.apkg", notes, deck="ML::Flashcards", tmp=folder)


def main() -> None:
    """Save the screenshots (see the module docstring)."""
    dark_out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/import-dark.png")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        package = _package(Path(tmp))
        for mode, out in ((ThemeMode.LIGHT, DOCS / "import.png"), (ThemeMode.DARK, dark_out)):
            apply_theme(app, mode)
            data = Path(tmp) / f"data-{mode.value}"
            collection = open_collection(data, FixedClock(datetime(2026, 3, 10, 12, tzinfo=UTC)))
            dialog = ImportDialog(collection, path=Path("~/Downloads/ml-flashcards.apkg"))
            dialog.path_edit.setText(str(package))
            dialog.show()
            dialog.start()
            shot_progress = mode is ThemeMode.LIGHT
            while dialog.busy:
                app.processEvents()
                progress = dialog.progress_dialog
                if shot_progress and progress is not None and progress.isVisible() and progress.value() > 0:
                    progress.grab().save(str(dark_out.parent / "import-progress.png"))
                    shot_progress = False
            dialog.path_edit.setText("~/Downloads/ml-flashcards.apkg")  # as a user sees it
            app.processEvents()
            dialog.grab().save(str(out))
            print(out, dialog.summary.text())
            dialog.close()
            collection.close()


if __name__ == "__main__":
    main()
