"""The reading-status table: defaults, writes that keep each other, and per-item cite counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from mlprep.core.deck_format import parse_deck
from mlprep.core.reading_list import ReadingProgress, ReadingStatus
from mlprep.storage.cards import CardStore
from mlprep.storage.db import open_db
from mlprep.storage.reading_store import ReadingStore
from tests.reading_fixtures import MATH_DECK, SQL_DECK

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = date(2026, 3, 10)


def test_an_item_never_touched_is_to_read_with_no_date_or_notes(tmp_path: Path) -> None:
    store = ReadingStore(open_db(tmp_path / "c.sqlite3"))
    assert store.get("esl") == ReadingProgress("esl", ReadingStatus.TO_READ, None, "")
    assert store.all() == {}


def test_status_and_notes_are_kept_independently_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = ReadingStore(open_db(path))
    assert store.set_notes("esl", "ch. 7 first", NOW) == ReadingProgress("esl", ReadingStatus.TO_READ, None,
                                                                          "ch. 7 first")
    store.set_status("esl", ReadingStatus.READING, DAY, NOW)
    store.set_status("esl", ReadingStatus.READING, date(2026, 3, 12), NOW)  # same status: keeps its day
    store.set_status("clrs", ReadingStatus.DONE, date(2026, 3, 1), NOW)
    store.db.close()

    reopened = ReadingStore(open_db(path))
    assert reopened.all() == {
        "esl": ReadingProgress("esl", ReadingStatus.READING, DAY, "ch. 7 first"),
        "clrs": ReadingProgress("clrs", ReadingStatus.DONE, date(2026, 3, 1), ""),
    }


def test_cite_counts_count_present_cards_by_ref_tag(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.sqlite3")
    cards = CardStore(db)
    cards.save_deck(parse_deck(SQL_DECK, "decks/sql-cards.md"), NOW)
    cards.save_deck(parse_deck(MATH_DECK, "decks/math-cards.md"), NOW)
    store = ReadingStore(db)
    assert store.cite_counts() == {"sql-book": 2, "sql-docs": 2, "prob-book": 1}
    cards.save_deck(parse_deck(SQL_DECK.split("## sql-null")[0], "decks/sql-cards.md"), NOW)
    assert store.cite_counts() == {"sql-book": 2, "sql-docs": 1, "prob-book": 1}
