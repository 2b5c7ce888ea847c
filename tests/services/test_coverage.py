"""The question bank's coverage, counted from the judgement files (mlprep cards --coverage)."""

from __future__ import annotations

import csv
from pathlib import Path

from mlprep.services.coverage import coverage_markdown, load_coverage


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])


def test_verdicts_are_counted_per_area_and_inconsistencies_reported(tmp_path: Path) -> None:
    write(tmp_path / "questions-a.csv", ["id", "area", "leaf", "question", "sources", "recurrence"],
          [["q1", "sql", "9.1", "What does NOT IN do with a NULL?", "s", "3"],
           ["q2", "sql", "9.3", "How do you rank within groups?", "s", "2"],
           ["q3", "math", "1.3", "What is Bayes' rule?", "s", "5"],
           ["q4", "math", "1.4", "What is a p-value?", "s", "4"]])
    write(tmp_path / "judgements-a.csv", ["id", "verdict", "card_ids", "missing", "judge"],
          [["q1", "COVERED", "sql-not-in", "", "j"], ["q2", "PARTIAL", "win-rank", "DENSE_RANK ties", "j"],
           ["q3", "covered", "prob-bayes ghost-card", "", "j"], ["q9", "MISSING", "", "x", "j"],
           ["q4", "MISSING", "", "", "j"]])
    coverage = load_coverage(tmp_path, ["sql-not-in", "win-rank", "prob-bayes"])
    by_area = {a.area: (a.questions, a.covered, a.partial, a.missing) for a in coverage.areas}
    assert by_area == {"math": (2, 1, 0, 1), "sql": (2, 1, 1, 0)}
    assert coverage.total.share == 50.0
    assert coverage.problems == ("judgements-a.csv: q3: no card with id ghost-card",
                                 "judgements-a.csv: q9: no such question in the bank",
                                 "judgements-a.csv: q4: MISSING without the missing point")
    table = coverage_markdown(coverage)
    assert "| 1. Math & statistics | 2 | 2 | 1 | 0 | 1 | 50.0 |" in table
    assert "| all areas | 4 | 4 | 2 | 1 | 1 | 50.0 |" in table
