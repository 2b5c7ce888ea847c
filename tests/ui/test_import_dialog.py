"""File ▸ Import… and File ▸ Export…, driven with keys and clicks (issue 15)."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.services.collection import open_collection
from mlprep.ui.import_dialog import ExportDialog, ImportDialog
from mlprep.ui.main_window import MainWindow
from tests.services.anki_packages import LegacyNote, Sched, legacy_apkg


def _window(qtbot: QtBot, tmp_path: Path, deck_dir: Path) -> MainWindow:
    collection = open_collection(tmp_path / "data", FixedClock(datetime(2026, 3, 10, 12, tzinfo=UTC)),
                                 [deck_dir, tmp_path / "data" / "decks"], tz=UTC)
    window = MainWindow(collection)
    qtbot.addWidget(window)
    window.show()
    return window


def _package(tmp_path: Path, notes: int = 450) -> Path:
    return legacy_apkg(tmp_path / "vocab.apkg", [
        LegacyNote("basic", [f"word {i}", f"meaning {i}"], [],
                   {0: Sched(2, 2, 400, 12, 2400, 4, 0)} if i == 0 else {}) for i in range(notes)
    ], deck="Vocab", tmp=tmp_path)


def test_import_runs_off_the_gui_thread_and_shows_the_summary_and_the_new_deck(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path) -> None:
    window = _window(qtbot, tmp_path, deck_dir)
    package = _package(tmp_path)
    dialog = ImportDialog(window.collection, window)
    qtbot.addWidget(dialog)
    dialog.imported.connect(lambda _summary: window.show_decks())
    dialog.show()
    qtbot.keyClicks(dialog.path_edit, str(package))
    qtbot.keyClicks(dialog.deck_edit, "Spanish words")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.progress_dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)

    assert dialog.error == ""
    assert dialog.summary.text() == ("<b>Imported 450 notes → 450 cards</b> into deck “Spanish words”.<br>"
                                     "1 card kept its Anki progress (interval, ease, due, lapses).")
    assert dialog.progress_dialog is None  # closed once written
    assert (tmp_path / "data" / "decks" / "spanish-words.md").is_file()
    tree = window.deck_list.tree  # the deck list was refreshed: the new deck is in it
    assert any("Spanish words" in _texts(tree.topLevelItem(i)) for i in range(tree.topLevelItemCount()))


def _texts(item: object) -> str:
    """Every text of a deck-list tree item and its children."""
    from PySide6.QtWidgets import QTreeWidgetItem

    assert isinstance(item, QTreeWidgetItem)
    out = [item.text(column) for column in range(item.columnCount())]
    out.extend(_texts(item.child(i)) for i in range(item.childCount()))
    return " ".join(out)


def test_a_bad_file_says_why_and_imports_nothing(qtbot: QtBot, tmp_path: Path, deck_dir: Path) -> None:
    window = _window(qtbot, tmp_path, deck_dir)
    bad = tmp_path / "broken.apkg"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    dialog = ImportDialog(window.collection, window, path=bad)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.summary.text().startswith("<b>Nothing was imported.</b> broken.apkg: not an Anki package")
    assert list((tmp_path / "data" / "decks").iterdir()) == []
    assert dialog.import_button.isEnabled()


def test_export_writes_the_ticked_decks(qtbot: QtBot, tmp_path: Path, deck_dir: Path) -> None:
    window = _window(qtbot, tmp_path, deck_dir)
    dialog = ExportDialog(window.collection, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.deck_list.count() == 2
    second = dialog.deck_list.item(1)
    rect = dialog.deck_list.visualItemRect(second)
    qtbot.mouseClick(dialog.deck_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(dialog.deck_list, Qt.Key.Key_Space)  # untick the second deck
    out = tmp_path / "phone.apkg"
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_summary is not None or dialog.error != "", timeout=10_000)
    assert dialog.result_summary is not None and dialog.result_summary.decks == 1
    assert dialog.chosen_decks() == [str(dialog.deck_list.item(0).data(Qt.ItemDataRole.UserRole))]
    assert "collection.anki2" in zipfile.ZipFile(out).namelist()


def test_file_menu_import_opens_the_import_dialog(qtbot: QtBot, tmp_path: Path, deck_dir: Path) -> None:
    window = _window(qtbot, tmp_path, deck_dir)
    actions = {action.text(): action for action in window.file_menu.actions()}
    assert actions["Import…"].shortcut().toString() == "Ctrl+Shift+I"
    assert actions["Export…"].shortcut().toString() == "Ctrl+E"
    seen: list[str] = []

    def close_when_shown() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ImportDialog | ExportDialog):
            seen.append(dialog.windowTitle())
            dialog.reject()
        else:
            QTimer.singleShot(20, close_when_shown)

    for name in ("Import…", "Export…"):
        QTimer.singleShot(20, close_when_shown)
        actions[name].trigger()
    assert seen == ["Import", "Export"]
