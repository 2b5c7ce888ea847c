"""GUI test set-up: every test starts from the application's own palette and style sheet.

A window's theme (View ▸ Theme) is applied to the whole QApplication, so a test that switches to the
dark theme would otherwise leave every later test in it (seen: the reading view's palette test failed
after a dark-theme test, only in the full run).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _restore_app_look(qapp: QApplication) -> Iterator[None]:
    palette, sheet = QApplication.palette(), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    QApplication.setPalette(palette)
