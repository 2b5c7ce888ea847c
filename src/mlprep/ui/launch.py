"""Start Qt and show the main window over an open collection."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from mlprep.services.collection import Collection
from mlprep.ui.main_window import MainWindow


def run(collection: Collection) -> int:
    """Run the app on ``collection`` until its window closes; return Qt's exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("mlprep")
    window = MainWindow(collection)
    window.show()
    return app.exec()
