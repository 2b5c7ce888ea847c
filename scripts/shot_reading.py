"""Render the reading view offscreen to docs/reading.png (light) and docs/reading-dark.png (dark).

    QT_QPA_PLATFORM=offscreen python scripts/shot_reading.py

Uses a throw-away collection with the shipped decks and reading list, a fixed clock, a few
statuses and notes, and two weeks of seeded reviews (SQL and deep-learning answers often
failed) so that "Recommended next" has reasons to show.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.models import Button, ReviewKind
from mlprep.core.reading_list import ReadingStatus
from mlprep.core.study_settings import ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.ui.reading_view import ReadingView
from mlprep.ui.theme import apply_theme

DOCS = Path(__file__).resolve().parents[1] / "docs"
SIZE = (1100, 720)
# Chance that a scheduled review is failed, per area (the rest pass).
FAIL_RATE = {"sql": 0.45, "deep-learning": 0.3, "math": 0.08, "algorithms": 0.1}
NEW_PER_AREA = 25


def seed_history(col: Collection, clock: FixedClock, days: int = 14) -> None:
    """Study NEW_PER_AREA new cards of each area in FAIL_RATE on day one, then answer every
    review due over ``days`` days, failing with the area's rate (seeded, so repeatable)."""
    rng = random.Random(7)
    for day in range(days):
        for index, (area, rate) in enumerate(FAIL_RATE.items(), 1):
            # The new-card limit is per day across scopes: raise it area by area.
            new = NEW_PER_AREA * index if day == 0 else 0
            col.save_settings(StudySettings(new_per_day=new, reviews_per_day=9999))
            session = col.study(StudyScope(ScopeKind.AREA, area))
            while session.next_card() is not None:
                failed = session.current_kind is ReviewKind.REVIEW and rng.random() < rate
                session.answer(Button.AGAIN if failed else Button.GOOD)
        clock.advance(days=1)


def main() -> None:
    """Save docs/reading.png and docs/reading-dark.png."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 11, 7, 9, 0, tzinfo=UTC))
        col = open_collection(Path(tmp), clock, tz=UTC)
        seed_history(col, clock)
        service = col.reading()
        service.set_status("ng-mly", ReadingStatus.DONE, date(2026, 10, 2))
        service.set_status("islr", ReadingStatus.DONE, date(2026, 10, 20))
        service.set_status("geron-homl", ReadingStatus.READING, date(2026, 11, 3))
        service.set_notes("geron-homl", "Ch. 6–7 (trees, ensembles) before the interview loop.\n"
                                        "Skip the TF-Serving chapter for now.")
        apply_theme(app, ThemeMode.LIGHT)  # type: ignore[arg-type]
        view = ReadingView(service, opener=lambda url: None)
        view.resize(*SIZE)
        view.show()
        view.show_item("geron-homl")
        app.processEvents()
        view.grab().save(str(DOCS / "reading.png"))
        apply_theme(app, ThemeMode.DARK)  # type: ignore[arg-type]  # switched live, as the app does
        app.processEvents()
        view.grab().save(str(DOCS / "reading-dark.png"))
        view.close()
        col.close()


if __name__ == "__main__":
    main()
