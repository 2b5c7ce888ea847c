"""The study queue's next-due pick is served by an index in its own order: no sort per pick (issue 16)."""

from __future__ import annotations

from datetime import date

from mlprep.core.study_settings import ALL_DECKS
from mlprep.storage.db import open_db
from mlprep.storage.study_queries import StudyQueries


def test_the_next_due_pick_reads_an_index_in_order_without_a_temporary_sort() -> None:
    db = open_db(None)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    assert StudyQueries(db).next_due(date(2026, 3, 10), ALL_DECKS) is None
    db.conn.set_trace_callback(None)
    pick = next(sql for sql in statements if "ORDER BY c.due, c.id" in sql)
    plan = " ".join(str(row) for row in db.execute(f"EXPLAIN QUERY PLAN {pick}").fetchall())
    assert "idx_cards_due_id" in plan
    assert "TEMP B-TREE" not in plan, plan
