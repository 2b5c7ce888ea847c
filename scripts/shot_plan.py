"""Render the Plan screen and the deck list's plan line offscreen to PNGs under docs/ (run from the checkout).

    QT_QPA_PLATFORM=offscreen python scripts/shot_plan.py

Uses a throw-away collection with the shipped decks and a fixed clock: a plan for an interview 30 days
ahead (deep learning in focus, SQL skipped) is set, five study days are answered (all Good but every
sixth card, Again; 12 s an answer, so the pace is measured), then docs/plan.png, docs/plan-dark.png and
docs/deck-list-plan.png are saved.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.models import Button, ReviewKind
from mlprep.core.planner import PlanSettings, Weight
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    """Save the three screenshots (see the module docstring)."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
        collection = open_collection(Path(tmp), clock)
        start = collection.today()
        collection.set_plan(PlanSettings(interview=start + timedelta(days=30), start=start,
                                         area_weights={"deep-learning": Weight.FOCUS, "sql": Weight.SKIP}))
        for _ in range(5):
            session, n = collection.study(), 0
            while session.next_card() is not None:
                n += 1
                clock.advance(seconds=12)  # a measured pace: 12 s an answer
                fail = n % 6 == 0 and session.current_kind is not ReviewKind.DRILL
                session.answer(Button.AGAIN if fail else Button.GOOD)
            clock.advance(days=1)
        window = MainWindow(collection)
        window.resize(1000, 720)
        window.show()
        app.processEvents()
        window.grab().save(str(DOCS / "deck-list-plan.png"))
        window.show_plan()
        window.resize(1000, 1050)
        app.processEvents()
        window.grab().save(str(DOCS / "plan.png"))
        window.theme_actions[ThemeMode.DARK].trigger()
        app.processEvents()
        window.grab().save(str(DOCS / "plan-dark.png"))
        window.close()


if __name__ == "__main__":
    main()
