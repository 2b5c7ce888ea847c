"""Render the start-up dialog for a damaged collection offscreen, light and dark, to docs/ (run from the checkout).

    QT_QPA_PLATFORM=offscreen python scripts/shot_recovery.py

A throw-away data folder gets a collection with a few answers and a backup; then every page after the
second of the collection file is overwritten (the header stays), so the app's own check finds it damaged;
the dialog is shown as ``mlprep`` would show it at start-up and saved as docs/recovery.png and
docs/recovery-dark.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.models import Button
from mlprep.services.backups import newest_sound_backup
from mlprep.services.collection import open_collection
from mlprep.services.recovery import diagnose
from mlprep.ui.recovery_dialog import RecoveryDialog
from mlprep.ui.theme import apply_theme

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    """Save the two screenshots (see the module docstring)."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "mlprep"
        clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
        collection = open_collection(data, clock)
        session = collection.study()
        for _ in range(30):
            if session.next_card() is None:
                break
            session.answer(Button.GOOD)
        collection.backup()
        collection.close()
        file = data / "collection.sqlite3"
        raw = bytearray(file.read_bytes())
        page = int.from_bytes(raw[16:18], "big")
        raw[2 * page:] = bytes((i * 37) % 251 for i in range(len(raw) - 2 * page))
        file.write_bytes(bytes(raw))
        damage = diagnose(file)
        assert damage is not None
        damage = replace(damage, file=Path("~/.local/share/mlprep/collection.sqlite3"))  # as a user sees it
        for mode, name in ((ThemeMode.LIGHT, "recovery.png"), (ThemeMode.DARK, "recovery-dark.png")):
            apply_theme(app, mode)
            dialog = RecoveryDialog(damage, newest_sound_backup(data))
            dialog.show()
            app.processEvents()
            dialog.grab().save(str(DOCS / name))
            dialog.close()


if __name__ == "__main__":
    main()
