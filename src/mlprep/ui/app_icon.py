"""mlprep's window icon, on its own: the start-up path needs it, not the Help dialogs' tables (issue 16)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from mlprep.services.deck_loader import shipped_resources_dir


def app_icon() -> QIcon:
    """mlprep's icon (``resources/icon.svg``, drawn by Qt's SVG icon engine at every size asked)."""
    return QIcon(str(shipped_resources_dir() / "icon.svg"))
