"""Start Qt and show the main window over an open collection."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from mlprep.services.backups import Backup
from mlprep.services.collection import Collection
from mlprep.services.errors import Damage
from mlprep.ui.main_window import MainWindow
from mlprep.ui.recovery_dialog import Recovery, RecoveryDialog

__all__ = ["Recovery", "ask_recovery", "run"]


def ask_recovery(damage: Damage, backup: Backup | None) -> Recovery:
    """Show the :class:`RecoveryDialog` for ``damage`` (offering ``backup``) and return the choice."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("mlprep")
    dialog = RecoveryDialog(damage, backup)
    dialog.exec()
    return dialog.choice


def run(collection: Collection) -> int:
    """Run the app on ``collection`` until its window closes; return Qt's exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("mlprep")
    window = MainWindow(collection)
    window.show()
    return app.exec()
