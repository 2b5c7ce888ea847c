"""Studying without an interview plan needs neither the memory model (FSRS, py-fsrs) nor the plan's
forecast (issue 16: Study now's first card came ~20 ms later for importing them to rank the new cards).

Runs in a fresh interpreter: this test process's ``sys.modules`` holds whatever other tests imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PLANNING_ONLY = ("fsrs", "mlprep.core.memory", "mlprep.core.plan_forecast", "statistics")


def test_a_session_without_a_plan_ranks_shows_and_answers_cards_without_the_memory_model(
        tmp_path: Path, deck_dir: Path) -> None:
    decks = deck_dir
    code = (
        "import json, sys\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from mlprep.core.clock import FixedClock\n"
        "from mlprep.services.collection import open_collection\n"
        f"col = open_collection(Path({str(tmp_path / 'data')!r}), FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)),"
        f" [Path({str(decks)!r})])\n"
        "s = col.study()\n"
        "card = s.next_card()\n"
        "assert card is not None\n"
        "s.answer(4)\n"
        "assert s.next_card() is not None\n"
        f"print(json.dumps([m for m in {PLANNING_ONLY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout.splitlines()[-1]) == []
