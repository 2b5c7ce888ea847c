"""Composition root: open the collection, build the window, run Qt."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection
from mlprep.services.paths import resolve_data_dir


def run_app(data_dir: Path | None = None) -> int:
    """Open the collection in ``data_dir`` (see :func:`resolve_data_dir`) and run the app
    until its window closes; return the exit status."""
    from PySide6.QtWidgets import QApplication

    from mlprep.ui.main_window import MainWindow
    from mlprep.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("mlprep")
    apply_theme(app)
    collection = open_collection(resolve_data_dir(data_dir, os.environ), SystemClock())
    window = MainWindow(collection)
    window.show()
    return app.exec()
