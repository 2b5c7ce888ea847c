"""The application style sheet (``resources/style.qss``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from mlprep.services.deck_loader import shipped_resources_dir


def apply_theme(app: QApplication) -> None:
    """Apply mlprep's style sheet to ``app`` (no-op if the file is missing)."""
    path: Path = shipped_resources_dir() / "style.qss"
    if path.is_file():
        app.setStyleSheet(path.read_text(encoding="utf-8"))


def is_dark(widget: QWidget) -> bool:
    """True when ``widget``'s palette is a dark theme (window colour lightness < 128 of 255)."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
