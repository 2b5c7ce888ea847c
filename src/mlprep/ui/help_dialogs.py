"""The Help menu's dialogs: Keyboard shortcuts (from :mod:`mlprep.ui.shortcuts`' tables and the
menus' own actions) and About mlprep (version, licence, links)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlprep import __version__
from mlprep.ui.shortcuts import ShortcutRow

LICENCE = "MIT"
"""mlprep's licence, as pyproject.toml's ``license`` field says."""

LINKS = (
    ("The SM-2 algorithm (Wozniak 1990)", "https://super-memory.com/english/ol/sm2.htm"),
    ("Anki's manual, whose keys and habits mlprep follows", "https://docs.ankiweb.net/"),
    ("Qt for Python (PySide6, LGPL)", "https://doc.qt.io/qtforpython-6/"),
)
"""The About dialog's links: (text, http(s) URL), opened in the system browser when clicked."""


class ShortcutsDialog(QDialog):
    """Help ▸ Keyboard shortcuts: a table of ``rows`` (keys, what they do, where)."""

    def __init__(self, rows: Sequence[ShortcutRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Where"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        for r, row in enumerate(rows):
            for c, text in enumerate((row.keys, row.action, row.where)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()  # Esc or Enter closes
        self.resize(860, 620)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's text, row by row: (keys, action, where)."""
        def text(r: int, c: int) -> str:
            item = self.table.item(r, c)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.table.rowCount())]


class AboutDialog(QDialog):
    """Help ▸ About mlprep: the version (``mlprep.__version__``), licence, data folder and links."""

    def __init__(self, data_dir: Path, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About mlprep")
        logo = QLabel()
        logo.setPixmap(icon.pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        links = "".join(f'<li><a href="{url}">{escape(text)}</a></li>' for text, url in LINKS)
        self.text = QLabel(
            f"<h2>mlprep {escape(__version__)}</h2>"
            "<p>Spaced repetition (SM-2) for machine-learning-engineer interviews:<br>"
            "Markdown decks, a SQLite collection, a reading list and an interview plan.</p>"
            f"<p>Licence: {LICENCE}.<br>Your collection: <code>{escape(str(data_dir))}</code></p>"
            f"<ul>{links}</ul>")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        row = QHBoxLayout()
        row.addWidget(logo)
        row.addSpacing(12)
        row.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
