"""Tools ▸ Backups…, Tools ▸ Check Database and the periodic backup, driven with clicks (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow
from mlprep.ui.maintenance import BackupsDialog
from mlprep.ui.periodic_backup import PeriodicBackup
from tests.helpers import storage_of


def window_over(qtbot: QtBot, data: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    window = MainWindow(open_collection(data, clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    return window


def answer_one(window: MainWindow) -> None:
    session = window.collection.study()
    assert session.next_card() is not None
    session.answer(Button.GOOD)


def test_the_periodic_backup_runs_off_the_ui_thread_only_when_something_changed(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = window_over(qtbot, tmp_path / "data", deck_dir, clock)
    assert window.periodic_backup.timer.interval() == 30 * 60 * 1000
    messages: list[str] = []
    ticker = PeriodicBackup(lambda: window.collection, messages.append, window, interval_ms=10)
    qtbot.wait(50)
    assert window.collection.backups() == [] and ticker.pending is None  # nothing changed since opening
    answer_one(window)
    qtbot.waitUntil(lambda: ticker.last is not None, timeout=5000)
    made = ticker.last.result()  # type: ignore[union-attr]
    qtbot.wait(50)  # more ticks: nothing changed since, so no second backup
    assert [b.path for b in window.collection.backups()] == [made.path]
    assert made.path.stat().st_size > 0 and messages == []
    answer_one(window)
    window.collection.close()  # a tick after the collection closed (quitting) starts nothing and raises nothing
    ticker.tick()
    assert ticker.pending is None and len(window.collection.backups()) == 1
    ticker.stop()


def test_back_up_now_and_restore_from_the_backups_dialog(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                         clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_over(qtbot, tmp_path / "data", deck_dir, clock)
    answer_one(window)
    dialog = BackupsDialog(window.collection, window._restored, window)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 0 and not dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 1 and dialog.status.text().startswith("Saved collection-")
    clock.advance(minutes=1)
    answer_one(window)  # after the backup: the restore takes it away (it stays in the pre-restore backup)
    assert len(storage_of(window.collection).cards.review_log()) == 2
    dialog.list.setCurrentRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.No)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert len(storage_of(window.collection).cards.review_log()) == 2  # asked, and told no: nothing changed
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert [e.quality for e in storage_of(window.collection).cards.review_log()] == [4]
    assert dialog.list.count() == 2 and "kept as collection-" in dialog.status.text()
    assert window.stack.currentWidget() is window.deck_list
    answer_one(window)  # the restored collection takes answers
    assert len(storage_of(window.collection).cards.review_log()) == 2


def test_check_database_from_the_tools_menu_reports_a_sound_file(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_over(qtbot, tmp_path / "data", deck_dir, clock)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
    next(a for a in tools.actions() if a.text() == "Check Database").trigger()
    assert shown == ["Check Database: the file is sound; nothing to fix."]


def test_after_a_restore_the_browse_window_shows_the_restored_collection(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_over(qtbot, tmp_path / "data", deck_dir, clock)
    answer_one(window)
    backup = window.collection.backup()
    clock.advance(minutes=1)
    answer_one(window)
    window.show_browse("rated:1")
    browse = window.browse_window
    assert browse is not None and browse.wait_for_results()
    assert browse.model.rowCount() == 2  # two cards answered today
    window.collection.restore(backup)
    window._restored()
    window.show_browse("rated:1")
    assert window.browse_window is not None and window.browse_window.wait_for_results()
    assert window.browse_window.model.rowCount() == 1  # the backup held one answer
    window.browse_window.close()
