"""Render the statistics screen to docs/stats.png, docs/stats-dark.png and docs/stats-empty.png.

    QT_QPA_PLATFORM=offscreen python scripts/shot_stats.py

Builds a throw-away collection with the shipped decks and about four months of history made
by the app itself: a ``StudySession`` driven day by day with a fixed clock and a seeded
``random.Random`` (a morning session most days, a few days missed, grades that depend on how
well a card is known, some lapses), so the history is exactly what the app would log.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from mlprep.core.clock import FixedClock
from mlprep.core.display_settings import ThemeMode
from mlprep.core.models import ReviewKind
from mlprep.core.study_settings import StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.ui.stats_view import StatsView
from mlprep.ui.theme import apply_theme

DOCS = Path(__file__).resolve().parents[1] / "docs"
TODAY = datetime(2026, 11, 21, 7, 30, tzinfo=UTC)
DAYS = 120


def _grade(rng: random.Random, kind: ReviewKind | None) -> int:
    """A plausible SM-2 quality: new cards are failed more often than reviews."""
    if kind is ReviewKind.DRILL:
        weights = (0, 0, 15, 10, 60, 15)
    elif kind is ReviewKind.NEW:
        weights = (0, 0, 22, 18, 48, 12)
    else:
        weights = (0, 0, 10, 13, 55, 22)
    return rng.choices(range(6), weights)[0]


def study_day(col: Collection, clock: FixedClock, rng: random.Random, new_cards: int, limit: int = 10_000) -> int:
    """One session at the clock's time: answer until the queue is done or ``limit`` answers."""
    col.save_settings(StudySettings(new_per_day=new_cards))
    session = col.study()
    answered = 0
    while answered < limit and session.next_card() is not None:
        clock.advance(seconds=rng.uniform(4, 25))
        session.answer(_grade(rng, session.current_kind))
        answered += 1
    return answered


def seeded_history(data_dir: Path, seed: int = 7) -> tuple[Collection, FixedClock]:
    """A collection in ``data_dir`` with ~4 months of daily sessions ending this morning."""
    rng = random.Random(seed)
    clock = FixedClock(TODAY - timedelta(days=DAYS))
    col = open_collection(data_dir, clock, tz=UTC)
    for back in range(DAYS, 0, -1):
        if back > 12 and rng.random() < 0.07:  # a missed day now and then, none in the last 12
            continue
        clock.set(TODAY - timedelta(days=back, minutes=rng.randint(-60, 90)))
        study_day(col, clock, rng, new_cards=rng.choice((3, 4, 5, 6, 6, 8)))
    clock.set(TODAY)
    study_day(col, clock, rng, new_cards=5, limit=24)  # today, part-way through
    clock.advance(minutes=20)
    return col, clock


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app, ThemeMode.LIGHT)
    with tempfile.TemporaryDirectory() as tmp:
        col, clock = seeded_history(Path(tmp) / "history")
        view = StatsView(col)
        view.resize(1100, 900)
        view.show()
        app.processEvents()
        tall = view.content.sizeHint().height() + view.scroll_area.y() + 24
        view.resize(1100, max(900, tall))
        app.processEvents()
        view.grab().save(str(DOCS / "stats.png"))
        apply_theme(app, ThemeMode.DARK)
        app.processEvents()
        view.grab().save(str(DOCS / "stats-dark.png"))
        view.close()
        apply_theme(app, ThemeMode.LIGHT)
        empty = StatsView(open_collection(Path(tmp) / "empty", clock, tz=UTC))
        empty.resize(1100, 900)
        empty.show()
        app.processEvents()
        empty.grab().save(str(DOCS / "stats-empty.png"))
        empty.close()


if __name__ == "__main__":
    main()
