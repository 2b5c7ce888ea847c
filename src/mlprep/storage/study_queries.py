"""The study session's queries: next due or new card in a scope, today's answers, drill list.

Every query is served by an index (see ``migrations.py``); none scans the cards table.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime

from sqlite_utils import Database

from mlprep.core.models import CardId, DeckId, ReviewKind
from mlprep.core.study_settings import ScopeKind, StudyScope

_VISIBLE = "c.present = 1 AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= :today)"


def _scope_sql(scope: StudyScope) -> tuple[str, dict[str, object]]:
    if scope.kind is ScopeKind.DECK:
        return " AND c.deck_id = :scope", {"scope": scope.value}
    if scope.kind is ScopeKind.AREA:
        return " AND c.deck_id IN (SELECT id FROM decks WHERE area = :scope)", {"scope": scope.value}
    if scope.kind is ScopeKind.TAG:
        return (" AND (EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = :scope)"
                " OR EXISTS (SELECT 1 FROM json_each(c.user_tags) WHERE value = :scope))"), {"scope": scope.value}
    return "", {}


def _blocked_sql(blocked: Collection[DeckId]) -> tuple[str, dict[str, object]]:
    if not blocked:
        return "", {}
    return " AND c.deck_id NOT IN (SELECT value FROM json_each(:blocked))", {"blocked": json.dumps(list(blocked))}


def next_due(db: Database, today: date, scope: StudyScope, blocked: Collection[DeckId] = (),
             skip: Collection[CardId] = ()) -> tuple[CardId, DeckId] | None:
    """The most overdue visible card due on or before ``today`` in ``scope``, outside the
    ``blocked`` decks and not in ``skip``; ``None`` if there is none."""
    scope_sql, params = _scope_sql(scope)
    blocked_sql, blocked_params = _blocked_sql(blocked)
    skip_sql = " AND c.id NOT IN (SELECT value FROM json_each(:skip))" if skip else ""
    row = db.execute(
        f"SELECT c.id, c.deck_id FROM cards c WHERE c.due <= :today AND {_VISIBLE}{scope_sql}{blocked_sql}{skip_sql}"
        " ORDER BY c.due, c.id LIMIT 1",
        {"today": today.isoformat(), **params, **blocked_params, "skip": json.dumps(list(skip))}).fetchone()
    return (CardId(row[0]), DeckId(row[1])) if row else None


def next_new(db: Database, today: date, scope: StudyScope, blocked: Collection[DeckId] = (),
             skip: Collection[CardId] = ()) -> tuple[CardId, DeckId] | None:
    """The first visible new card in deck order in ``scope``, outside ``blocked`` decks."""
    scope_sql, params = _scope_sql(scope)
    blocked_sql, blocked_params = _blocked_sql(blocked)
    skip_sql = " AND c.id NOT IN (SELECT value FROM json_each(:skip))" if skip else ""
    row = db.execute(
        "SELECT c.id, c.deck_id FROM cards c INDEXED BY idx_cards_new "
        f"WHERE c.due IS NULL AND c.present = 1 AND c.suspended = 0 AND {_VISIBLE}{scope_sql}{blocked_sql}{skip_sql}"
        " ORDER BY c.deck_id, c.position LIMIT 1",
        {"today": today.isoformat(), **params, **blocked_params, "skip": json.dumps(list(skip))}).fetchone()
    return (CardId(row[0]), DeckId(row[1])) if row else None


def count_available(db: Database, today: date, scope: StudyScope) -> tuple[int, int]:
    """(new, due) visible cards in ``scope`` today, before limits."""
    scope_sql, params = _scope_sql(scope)
    row = db.execute(
        f"SELECT COALESCE(SUM(c.due IS NULL), 0), COALESCE(SUM(c.due <= :today), 0) FROM cards c "
        f"WHERE {_VISIBLE}{scope_sql}", {"today": today.isoformat(), **params}).fetchone()
    return int(row[0]), int(row[1])


def scope_summary(db: Database, today: date, scope: StudyScope) -> tuple[int, date | None]:
    """(visible cards in ``scope``, the earliest due day among them or ``None`` if none has
    one): what the "done" screen says after a session in that scope."""
    scope_sql, params = _scope_sql(scope)
    row = db.execute(f"SELECT COUNT(*), MIN(c.due) FROM cards c WHERE {_VISIBLE}{scope_sql}",
                     {"today": today.isoformat(), **params}).fetchone()
    return int(row[0]), date.fromisoformat(row[1]) if row[1] else None


def answered_since(db: Database, since: datetime) -> dict[DeckId, dict[str, int]]:
    """First-pass answers (new and review) per deck since the UTC instant ``since``:
    ``{deck_id: {"new": n, "review": n}}``."""
    out: dict[DeckId, dict[str, int]] = {}
    rows = db.execute(
        "SELECT c.deck_id, l.kind, COUNT(*) FROM review_log l JOIN cards c ON c.id = l.card_id "
        "WHERE l.reviewed_at >= ? AND l.kind IN (?, ?) GROUP BY c.deck_id, l.kind",
        [since.isoformat(), ReviewKind.NEW.value, ReviewKind.REVIEW.value]).fetchall()
    for deck_id, kind, n in rows:
        out.setdefault(DeckId(deck_id), {"new": 0, "review": 0})[kind] = int(n)
    return out


def drill_since(db: Database, since: datetime, today: date) -> list[CardId]:
    """SM-2 step 7: visible cards whose latest answer since ``since`` (first pass or drill)
    was graded below 4, oldest answer first."""
    rows = db.execute(
        """
        WITH todays AS (SELECT id, card_id, quality FROM review_log
                        WHERE reviewed_at >= :since AND kind IN ('new', 'review', 'drill')),
             latest AS (SELECT card_id, MAX(id) AS id FROM todays GROUP BY card_id)
        SELECT t.card_id FROM todays t JOIN latest USING (id) JOIN cards c ON c.id = t.card_id
        WHERE t.quality < 4 AND """ + _VISIBLE + " ORDER BY t.id",
        {"since": since.isoformat(), "today": today.isoformat()}).fetchall()
    return [CardId(r[0]) for r in rows]


def scope_card_ids(db: Database, today: date, scope: StudyScope, due_until: date | None = None) -> list[CardId]:
    """Visible cards of ``scope`` in deck order; with ``due_until``, only reviewed cards due
    on or before that day (for reviewing ahead)."""
    scope_sql, params = _scope_sql(scope)
    due_sql = " AND c.due IS NOT NULL AND c.due <= :until" if due_until else ""
    rows = db.execute(
        f"SELECT c.id FROM cards c WHERE {_VISIBLE}{scope_sql}{due_sql} ORDER BY c.deck_id, c.position",
        {"today": today.isoformat(), "until": due_until.isoformat() if due_until else None, **params}).fetchall()
    return [CardId(r[0]) for r in rows]
