"""The start-up dialog for a damaged collection, driven with clicks (issue 13, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from mlprep.services.backups import Backup
from mlprep.services.errors import Damage
from mlprep.ui.recovery_dialog import Recovery, RecoveryDialog

DAMAGE = Damage(Path("/data/collection.sqlite3"), "the database is damaged: database disk image is malformed")
BACKUP = Backup(Path("/data/backups/collection-20261201-101500.sqlite3"), datetime(2026, 12, 1, 10, 15, tzinfo=UTC),
                2_400_000)


def test_the_dialog_names_the_file_and_its_problem_and_restore_is_chosen_with_a_click(qtbot: QtBot) -> None:
    dialog = RecoveryDialog(DAMAGE, BACKUP)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("/data/collection.sqlite3" in t and "The database is damaged: database disk image" in t
               for t in labels)
    assert any("2.4 MB" in t for t in labels) and any("never overwritten" in t for t in labels)
    assert dialog.restore_button.isEnabled() and dialog.restore_button.isDefault()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is Recovery.RESTORE and dialog.result() == 1


def test_without_a_sound_backup_restore_is_off_and_a_new_collection_or_quit_remain(qtbot: QtBot) -> None:
    dialog = RecoveryDialog(DAMAGE, None)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("No backup that passes the integrity check" in t for t in labels)
    assert not dialog.restore_button.isEnabled() and dialog.quit_button.isDefault()
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is Recovery.NEW
    again = RecoveryDialog(DAMAGE, None)
    qtbot.addWidget(again)
    again.show()
    qtbot.mouseClick(again.quit_button, Qt.MouseButton.LeftButton)
    assert again.choice is Recovery.QUIT and again.result() == 0
