"""`mlprep` with no command: the app starts on the deck list over the data folder, and quits cleanly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mlprep.cli import main
from mlprep.ui.main_window import MainWindow


def test_the_gui_command_opens_the_deck_list_and_quits_when_the_window_closes(qtbot: QtBot, tmp_path: Path) -> None:
    seen: list[str] = []

    def look_and_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend(f"{w.windowTitle()}: {w.deck_list.summary.text()}" for w in windows)
        for window in windows:
            window.close()

    QTimer.singleShot(200, look_and_close)
    assert main(["--data-dir", str(tmp_path / "data")]) == 0
    assert len(seen) == 1 and seen[0].startswith("mlprep — Decks: ") and " decks · today: 0 due · 20 new" in seen[0]
    assert (tmp_path / "data" / "collection.sqlite3").is_file()
