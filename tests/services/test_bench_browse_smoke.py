"""benchmarks/bench_browse.py still runs: every query form over a 200-card synthetic collection.

Not a timed test (timings belong to the benchmark); it checks that each form finds what it should."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.bench_browse import QUERIES, main


def test_the_benchmark_runs_every_form_at_200_cards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = main(["--cards", "200", "--runs", "1", "--db", str(tmp_path)])
    matches = {label: n for label, _, n, _ in results}
    assert [label for label, *_ in results[:len(QUERIES)]] == [label for label, _ in QUERIES]
    assert matches["empty (every card)"] == 200
    assert matches["is:new"] + matches["negation"] == 200
    assert 0 < matches["free text, a common word"] < 200
    assert matches["deck:"] == 2 and matches["deck: with *"] == 20
    assert all(values for *_, values in results)
    out = capsys.readouterr().out
    assert "synchronous=FULL" in out and "| is:due |" in out
