"""The dialog shown at start-up when the collection file is damaged: what is wrong, and the way back.

It offers the newest backup that passes ``integrity_check`` (restore it), a new empty collection, or
quitting. Either way forward moves the damaged file aside first (kept, never overwritten:
:func:`mlprep.services.recovery.recover`).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mlprep.services.backups import Backup
from mlprep.services.errors import Damage


class Recovery(StrEnum):
    """What the user chose."""

    RESTORE = "restore"  # the offered backup in place of the damaged file
    NEW = "new"  # a new, empty collection (progress starts over)
    QUIT = "quit"


class RecoveryDialog(QDialog):
    """Names the damaged ``damage.file`` and its problem; offers ``backup`` (``None``: no sound backup)."""

    def __init__(self, damage: Damage, backup: Backup | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("mlprep: the collection cannot be opened")
        self.choice = Recovery.QUIT
        title = QLabel("Your collection cannot be opened")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        what = QLabel(f"<b>{damage.file}</b><br>{damage.problem[:1].upper()}{damage.problem[1:]}.")
        what.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        what.setWordWrap(True)
        if backup is not None:
            offer = (f"The newest sound backup is from <b>{backup.taken.astimezone():%a %d %b %Y, %H:%M}</b> "
                     f"({backup.size / 1e6:.1f} MB). Restoring it brings back your progress as it was then.")
        else:
            offer = "No backup that passes the integrity check was found in the backups folder."
        how = QLabel(f"{offer}<br><br>Whatever you choose, the damaged file is kept next to it under a new "
                     "name (<code>collection.damaged-…</code>), never overwritten.")
        how.setWordWrap(True)
        self.restore_button = QPushButton("Restore backup")
        self.restore_button.setEnabled(backup is not None)
        self.new_button = QPushButton("Start a new collection")
        self.quit_button = QPushButton("Quit")
        for button, choice in ((self.restore_button, Recovery.RESTORE), (self.new_button, Recovery.NEW),
                               (self.quit_button, Recovery.QUIT)):
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
        (self.restore_button if backup is not None else self.quit_button).setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.quit_button, self.new_button, self.restore_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        for widget in (title, what, how):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def _choose(self, choice: Recovery) -> None:
        self.choice = choice
        self.accept() if choice is not Recovery.QUIT else self.reject()
