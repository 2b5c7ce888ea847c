"""Render the app's screens offscreen to PNGs under docs/ (run from the checkout).

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py

Uses a throw-away collection in a temporary folder, the shipped decks and a fixed clock.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mlprep.core.clock import FixedClock  # noqa: E402
from mlprep.services.collection import open_collection  # noqa: E402
from mlprep.ui.main_window import MainWindow  # noqa: E402
from mlprep.ui.theme import apply_theme  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main(card_id: str = "prob-bayes-theorem") -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        window = MainWindow(open_collection(Path(tmp), clock))
        window.resize(1000, 700)
        window.show()
        app.processEvents()
        window.grab().save(str(DOCS / "deck-list.png"))
        window.study("")
        # Jump to a card that shows what a card looks like: answer until it comes up, or use the first.
        store = window.collection.store
        if card_id in {c.id for c in [store.card(card_id)]} if _exists(store, card_id) else False:
            window.review._card = store.card(card_id)  # noqa: SLF001 (a screenshot, not app code)
        QTest.keyClick(window.review, Qt.Key.Key_Space)
        app.processEvents()
        window.grab().save(str(DOCS / "review.png"))
        window.close()


def _exists(store: object, card_id: str) -> bool:
    try:
        store.card(card_id)  # type: ignore[attr-defined]
    except KeyError:
        return False
    return True


if __name__ == "__main__":
    main(*sys.argv[1:])
