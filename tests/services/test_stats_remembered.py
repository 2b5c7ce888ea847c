"""What the statistics remember between refreshes (the passes over the cards, StatsQueries.keep) is used
only while the collection is unchanged: after an answer, an undo, an import or a deck sync every figure
equals a computation from scratch."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ALL_DECKS, ScopeKind, StudyScope
from mlprep.services.collection import Collection, open_collection
from mlprep.services.stats import compute_stats
from mlprep.services.stats_export import stats_to_json
from mlprep.storage.collection_db import CollectionDb
from tests.helpers import storage_of

MATH = StudyScope(ScopeKind.AREA, "math")


class CardPassCount:
    """Counts the passes over the cards that ``storage``'s statistics run."""

    def __init__(self, storage: CollectionDb, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        stats = storage.stats
        deck_cards = stats.deck_cards

        def counted(*args: Any) -> Any:
            self.calls += 1
            return deck_cards(*args)
        monkeypatch.setattr(stats, "deck_cards", counted)


def shown(storage: CollectionDb, clock: FixedClock, scope: StudyScope = ALL_DECKS, period: int | None = 30) -> str:
    """The figures a refresh shows now (with whatever is remembered)."""
    return stats_to_json(compute_stats(storage, clock, scope, period, UTC))


def from_scratch(storage: CollectionDb, clock: FixedClock, scope: StudyScope = ALL_DECKS,
                 period: int | None = 30) -> str:
    """The figures computed with nothing remembered."""
    storage.stats.forget()
    return stats_to_json(compute_stats(storage, clock, scope, period, UTC))


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    return open_collection(tmp_path / "data", clock, [deck_dir])


def test_an_unchanged_collection_reads_its_cards_once_for_every_period(
        col: Collection, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = storage_of(col)
    passes = CardPassCount(storage, monkeypatch)
    first = {period: shown(storage, clock, ALL_DECKS, period) for period in (30, 90, 365, None)}
    assert passes.calls == 1  # the periods share one pass over the cards
    shown(storage, clock, MATH)
    assert passes.calls == 2  # another scope reads its own cards
    assert {period: shown(storage, clock, ALL_DECKS, period) for period in (30, 90, 365, None)} == first
    assert passes.calls == 2
    assert {period: from_scratch(storage, clock, ALL_DECKS, period) for period in (30, 90, 365, None)} == first


def test_an_answer_and_its_undo_show_at_once(col: Collection, clock: FixedClock) -> None:
    storage = storage_of(col)
    before = {scope: shown(storage, clock, scope) for scope in (ALL_DECKS, MATH)}
    session = col.study()
    assert session.next_card() is not None
    session.answer(4)
    after = {scope: shown(storage, clock, scope) for scope in (ALL_DECKS, MATH)}
    assert after[ALL_DECKS] != before[ALL_DECKS]  # one card left "new": a stale pass would still count it
    assert compute_stats(storage, clock, ALL_DECKS, 30, UTC).states.new == \
        compute_stats(storage, clock, ALL_DECKS, 30, UTC).states.total - 1
    assert after == {scope: from_scratch(storage, clock, scope) for scope in (ALL_DECKS, MATH)}
    shown(storage, clock)  # remembered again, then undone
    session.undo()
    assert shown(storage, clock) == from_scratch(storage, clock) == before[ALL_DECKS]
    assert shown(storage, clock, MATH) == before[MATH]


def test_an_import_and_a_deck_sync_show_at_once(col: Collection, clock: FixedClock, tmp_path: Path,
                                                deck_dir: Path) -> None:
    storage = storage_of(col)
    before = compute_stats(storage, clock, ALL_DECKS, 30, UTC)
    file = tmp_path / "more.csv"
    file.write_text("front,back\nthree?,3\nfour?,4\n", encoding="utf-8")
    col.import_package(file, area="math")
    imported = compute_stats(storage, clock, ALL_DECKS, 30, UTC)
    assert imported.states.new == before.states.new + 2
    assert stats_to_json(imported) == from_scratch(storage, clock)

    deck = deck_dir / "deck-b.md"
    deck.write_text(deck.read_text(encoding="utf-8") + "\n## b-new\n\nQ: A new one?\n\nA: Yes.\n", encoding="utf-8")
    col._resync()  # as after a deck file was written (the app's edit path; a restart syncs the same way)
    synced = compute_stats(storage, clock, ALL_DECKS, 30, UTC)
    cards = {row.key: row.cards for row in synced.mastery}
    assert cards["deck-b"] == {row.key: row.cards for row in imported.mastery}["deck-b"] + 1
    assert stats_to_json(synced) == from_scratch(storage, clock)


def test_nothing_is_remembered_inside_a_transaction(col: Collection, clock: FixedClock,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes in an open transaction may still roll back: a refresh then neither keeps nor uses a pass."""
    storage = storage_of(col)
    passes = CardPassCount(storage, monkeypatch)
    with pytest.raises(RuntimeError), storage.db.atomic():
        storage.db.execute("UPDATE cards SET suspended = 1")
        assert compute_stats(storage, clock, ALL_DECKS, 30, UTC).states.suspended == 5
        raise RuntimeError("rolled back")
    assert compute_stats(storage, clock, ALL_DECKS, 30, UTC).states.suspended == 0
    assert passes.calls == 2


def test_a_change_committed_by_another_connection_shows_at_once(col: Collection, clock: FixedClock) -> None:
    """Another process (or a worker thread's connection) writing the file: SQLite's data_version."""
    import sqlite3

    storage = storage_of(col)
    assert storage.path is not None
    assert compute_stats(storage, clock, ALL_DECKS, 30, UTC).states.suspended == 0
    other = sqlite3.connect(storage.path)
    with other:
        other.execute("UPDATE cards SET suspended = 1 WHERE id = 'a-one'")
    other.close()
    assert compute_stats(storage, clock, ALL_DECKS, 30, UTC).states.suspended == 1
