"""Collections whose new-card order is left for Study now, and a hold on the worker that computes it (issue 16):
shared by the façade's tests (tests/services/test_new_order.py) and the window's (tests/ui/test_new_order_wait.py).
``held_ranking`` is registered as the fixture ``gate`` in tests/conftest.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import NewOrder, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.planning import Planner
from tests.helpers import storage_of

FRESH_ORDER = ["ma-1", "ml-1", "sq-1", "ma-2", "ml-2", "sq-2", "ma-3", "sq-3", "ma-4"]
"""Curriculum order interleaved across areas: math (1), mlops (8), sql (9)."""


def deck(name: str, area: str, n: int) -> str:
    """A deck file's text: ``n`` cards ``<name>-1`` .. ``<name>-n`` in ``area``."""
    cards = "".join(f"\n## {name}-{i}\nsource: s\n\nQ: {name} question {i}?\n\nA: {name} answer {i}.\n"
                    for i in range(1, n + 1))
    return f"---\ntitle: {name.upper()}\narea: {area}\n---\n{cards}"


def reopened(tmp_path: Path, clock: FixedClock, due: list[str], new_order: NewOrder) -> Collection:
    """A collection opened a second time (nothing changed: its ranking is left for Study now), whose stored
    new-card ranks are stale (reversed: what an earlier order left) and whose cards ``due`` are due today."""
    decks = tmp_path / "decks"
    decks.mkdir()
    for name, area, n in (("ma", "math", 4), ("sq", "sql", 3), ("ml", "mlops", 2)):
        (decks / f"{name}.md").write_text(deck(name, area, n), encoding="utf-8")
    first = open_collection(tmp_path / "data", clock, [decks])
    first.save_settings(StudySettings(new_per_day=50, new_order=new_order))
    db = storage_of(first).db
    db.execute("UPDATE cards SET new_rank = 100 - new_rank")
    for card in due:
        db.execute("UPDATE cards SET due = ?, repetitions = 1, interval = 1 WHERE id = ?",
                   [first.today().isoformat(), card])
    first.close()
    return open_collection(tmp_path / "data", clock, [decks])


def held_ranking(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Planner.rank_changes on the worker thread waits for the event yielded (set at the end in any case);
    every collection is ranked on the worker (``BACKGROUND_FROM`` 1: these collections are small)."""
    event = threading.Event()
    real = Planner.rank_changes

    def slow(self: Planner, today: object) -> object:
        if threading.current_thread() is not threading.main_thread():
            assert event.wait(20)
        return real(self, today)  # type: ignore[arg-type]

    monkeypatch.setattr(Planner, "rank_changes", slow)
    monkeypatch.setattr("mlprep.services.new_order.BACKGROUND_FROM", 1)
    yield event
    event.set()
