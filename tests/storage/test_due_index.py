"""The study queue's next-due pick is served by an index in its own order: no sort per pick (issue 16).

Since m011 that index is m006's covering ``idx_cards_browse`` (its first column ``due IS NULL``, then ``due``,
``id``): m008's ``idx_cards_due_id`` is gone, one index fewer for an answer to rewrite."""

from __future__ import annotations

from datetime import date

import pytest

from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.storage.db import open_db
from mlprep.storage.study_queries import StudyQueries

DAY = date(2026, 3, 10)


def _plans(run: object) -> list[str]:
    """The query plans of the statements ``run`` (a callable of a StudyQueries) executes on a fresh collection."""
    db = open_db(None)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    run(StudyQueries(db))  # type: ignore[operator]
    db.conn.set_trace_callback(None)
    return [" ".join(str(row) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
            for sql in statements if sql.lstrip().startswith("SELECT")]


def test_the_due_id_index_is_gone_and_the_browse_index_stays() -> None:
    names = {row[0] for row in open_db(None).execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_cards_due_id" not in names and "idx_cards_browse" in names


@pytest.mark.parametrize("scope", [ALL_DECKS, StudyScope(ScopeKind.DECK, "d"), StudyScope(ScopeKind.AREA, "math"),
                                   StudyScope(ScopeKind.TAG, "t")], ids=lambda s: s.kind.value)
def test_the_next_due_pick_reads_an_index_in_order_without_a_temporary_sort(scope: StudyScope) -> None:
    for run in (lambda q: q.next_due(DAY, scope), lambda q: q.pick_due(DAY, scope),
                lambda q: q.next_due(DAY, scope, blocked=["x"], skip="c1")):
        (plan,) = [p for p in _plans(run) if "cards" in p or " c " in p]
        assert "idx_cards_browse" in plan, plan
        assert "TEMP B-TREE" not in plan and "SCAN c " not in plan, plan


def test_the_planned_due_load_is_a_range_of_the_browse_index() -> None:
    (plan,) = _plans(lambda q: q.due_load(DAY, date(2026, 4, 10)))
    assert "SEARCH c USING COVERING INDEX idx_cards_browse" in plan, plan
