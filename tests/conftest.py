"""Test set-up shared by every suite: Qt offscreen, the `gui` marker, small decks."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings

# Qt aborts without a display unless told to draw offscreen; set it before Qt is imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mlprep.core.clock import FixedClock

# Hypothesis' defaults (100 examples unless a test asks for more) without its per-example deadline (200 ms):
# a deadline is a timing, and timings never go in tests (benchmarks/ hold them). On a loaded machine, or
# with the suite spread over workers (scripts/check runs pytest-xdist), an example that happens to take
# 201 ms would fail its test ("DeadlineExceeded", or "Flaky" when the replay is quicker).
settings.register_profile("mlprep", deadline=None)
# scripts/mutation runs the suite once per mutant: fewer examples keep each run short.
settings.register_profile("mutation", max_examples=15, deadline=None)
settings.load_profile("mutation" if os.environ.get("MLPREP_HYPOTHESIS_PROFILE") == "mutation" else "mlprep")

DECK_A = """\
---
title: Deck A
area: math
leaf: "1.1"
tags: [math]
---

## a-one
source: Test source

Q: What is one?

A: The first.

## a-two
source: Test source

Q: What is two?

A: The second.

## a-three
source: Test source

Q: What is three?

A: The third.
"""

DECK_B = """\
---
title: Deck B
area: sql
---

## b-one
source: Test source

Q: B one?

A: Yes.

## b-two
source: Test source

Q: B two?

A: Yes.
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if f"{os.sep}ui{os.sep}" in str(item.fspath):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def clock() -> FixedClock:
    """Noon UTC on a fixed day (2026-03-10)."""
    return FixedClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The new-card order's worker held until the test sets this event (tests/new_order_fixtures.py)."""
    from tests.new_order_fixtures import held_ranking

    yield from held_ranking(monkeypatch)


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    """A folder with two small valid decks (5 cards)."""
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "deck-a.md").write_text(DECK_A, encoding="utf-8")
    (folder / "deck-b.md").write_text(DECK_B, encoding="utf-8")
    return folder
