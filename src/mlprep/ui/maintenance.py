"""Tools ▸ Backups… and Tools ▸ Check Database (the periodic backup is :mod:`mlprep.ui.periodic_backup`:
the window starts it, while these dialogs are imported when first opened, issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlprep.services.backups import Backup
from mlprep.services.collection import Collection


def check_database(parent: QWidget, collection: Collection) -> None:
    """Tools ▸ Check Database: run it and show what it found and fixed."""
    report = collection.check_database()
    box = QMessageBox.warning if report.integrity else QMessageBox.information
    box(parent, "Check Database", report.text())


class BackupsDialog(QDialog):
    """Tools ▸ Backups…: the backups newest first, **Back up now** and **Restore…** (which asks, keeps the
    current collection as a backup first, then calls ``restored`` so the window shows the restored one)."""

    def __init__(self, collection: Collection, restored: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.collection, self._restored = collection, restored
        self.list = QListWidget()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.backup_button = QPushButton("Back up now")
        self.restore_button = QPushButton("Restore…")
        close = QPushButton("Close")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.restore)
        close.clicked.connect(self.accept)
        self.list.currentRowChanged.connect(lambda row: self.restore_button.setEnabled(row >= 0))
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"In {collection.data_dir / 'backups'}: the 10 newest, one a day for a week and "
                                "one a week for four weeks are kept. One is taken when mlprep closes and "
                                "every 30 minutes while something changes."))
        layout.addWidget(self.list)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(560, 420)
        self.refresh()

    def refresh(self) -> None:
        """List the backups, newest first."""
        self.list.clear()
        for backup in self.collection.backups():
            item = QListWidgetItem(f"{backup.taken.astimezone():%a %d %b %Y, %H:%M:%S}    {backup.size / 1e6:.1f} MB")
            item.setData(Qt.ItemDataRole.UserRole, backup)
            self.list.addItem(item)
        self.restore_button.setEnabled(self.list.currentRow() >= 0)

    def selected(self) -> Backup | None:
        """The backup selected in the list, if any."""
        item = self.list.currentItem()
        return None if item is None else cast(Backup, item.data(Qt.ItemDataRole.UserRole))

    def back_up(self) -> None:
        """Take a backup now."""
        made = self.collection.backup()
        self.refresh()
        self.status.setText(f"Saved {made.path.name}.")

    def restore(self) -> None:
        """Ask, then restore the selected backup (the current collection is kept as a backup first)."""
        backup = self.selected()
        if backup is None:
            return
        asked = QMessageBox.question(
            self, "Restore backup",
            f"Replace your collection with the backup of {backup.taken.astimezone():%a %d %b %Y, %H:%M}? "
            "Answers given since then will be gone from it; the current collection is saved as a backup "
            "first, so you can come back to it.")
        if asked != QMessageBox.StandardButton.Yes:
            return
        try:
            saved = self.collection.restore(backup)
        except ValueError as error:
            self.status.setText(str(error))
            return
        self.refresh()
        self.status.setText(f"Restored. The collection as it was is kept as {saved.path.name}.")
        self._restored()
