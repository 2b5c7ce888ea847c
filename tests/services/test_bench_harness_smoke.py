"""The benchmarks' shared builders make what they say (no timing here: timings live in benchmarks/)."""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.harness import alternate, build_deck_folder, build_session_collection, percentile

from mlprep.services.deck_loader import load_decks
from mlprep.storage.db import open_db


def test_the_deck_folder_builder_writes_decks_that_load_without_a_problem(tmp_path: Path) -> None:
    paths = build_deck_folder(tmp_path / "decks", n_cards=30, decks=3)
    result = load_decks([tmp_path / "decks"])
    assert result.errors == ()
    assert [len(deck.cards) for deck in result.decks] == [10, 10, 10]
    assert [p.name for p in paths] == ["bench-000.md", "bench-001.md", "bench-002.md"]


def test_the_session_builder_makes_the_cards_and_log_rows_asked_for(tmp_path: Path) -> None:
    build_session_collection(tmp_path / "c.sqlite3", 200, 500, random.Random(7))
    db = open_db(tmp_path / "c.sqlite3")
    assert db.execute("SELECT COUNT(*), COUNT(due) FROM cards").fetchone()[0] == 200
    assert db.execute("SELECT COUNT(*) FROM review_log").fetchone() == (500,)
    new = db.execute("SELECT COUNT(*) FROM cards WHERE due IS NULL").fetchone()[0]
    assert 0 < new < 60  # about 10 % never reviewed


def test_the_alternating_runner_runs_every_case_in_turn() -> None:
    order: list[str] = []
    times = alternate({"a": lambda: order.append("a"), "b": lambda: order.append("b")}, runs=3, warmup=0)
    assert order == ["a", "b"] * 3
    assert {name: len(values) for name, values in times.items()} == {"a": 3, "b": 3}
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
