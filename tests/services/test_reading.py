"""The reading list as a use case: joined entries, persistence, filters, citing cards, study
scope, recommendations and `mlprep check`'s reading-list problems."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button
from mlprep.core.reading_list import Level, ReadingKind, ReadingStatus
from mlprep.core.study_settings import ScopeKind, StudyScope
from mlprep.services.checks import check_decks, reading_problems
from mlprep.services.collection import Collection, open_collection
from mlprep.services.deck_loader import load_decks
from mlprep.services.deck_sync import sync_decks
from mlprep.services.reading import (
    ReadingEntry,
    ReadingService,
    filter_entries,
    load_reading_list,
    recommend,
    ref_tag,
)
from mlprep.services.study import StudySession
from tests.helpers import storage_of
from tests.reading_fixtures import READING_YAML, write_citing_decks, write_reading


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    return write_citing_decks(tmp_path / "decks")


@pytest.fixture
def reading_path(tmp_path: Path) -> Path:
    return write_reading(tmp_path / "resources")


def open_service(tmp_path: Path, decks: Path, reading_path: Path, clock: FixedClock) -> tuple[Collection,
                                                                                                ReadingService]:
    col = open_collection(tmp_path / "data", clock, [decks])
    return col, ReadingService(load_reading_list(reading_path), storage_of(col), clock, tz=UTC)


def test_a_missing_or_broken_list_loads_as_no_items_and_its_problems(tmp_path: Path) -> None:
    missing = load_reading_list(tmp_path / "none.yaml")
    assert missing.items == () and str(missing.errors[0]).startswith(f"{tmp_path / 'none.yaml'}:0: cannot read")
    broken = load_reading_list(write_reading(tmp_path, READING_YAML.replace("kind: docs", "kind: video")))
    assert broken.items == () and [e.line for e in broken.errors] == [17]


def test_entries_join_items_with_status_notes_and_cite_counts(tmp_path: Path, decks: Path, reading_path: Path,
                                                              clock: FixedClock) -> None:
    _, service = open_service(tmp_path, decks, reading_path, clock)
    entries = {e.item.id: e for e in service.entries()}
    assert list(entries) == ["sql-book", "sql-docs", "prob-book", "dl-course", "ml-forum"]
    assert {i: e.cite_count for i, e in entries.items()} == {"sql-book": 2, "sql-docs": 2, "prob-book": 1,
                                                             "dl-course": 0, "ml-forum": 0}
    assert entries["sql-book"] == ReadingEntry(entries["sql-book"].item, ReadingStatus.TO_READ, None, "", 2)


def test_status_and_notes_persist_across_a_restart(tmp_path: Path, decks: Path, reading_path: Path,
                                                   clock: FixedClock) -> None:
    col, service = open_service(tmp_path, decks, reading_path, clock)
    entry = service.set_status("prob-book", ReadingStatus.READING)
    assert (entry.status, entry.status_date) == (ReadingStatus.READING, date(2026, 3, 10))
    service.set_notes("prob-book", "Read ch. 4 before the Bayes cards.")
    clock.advance(days=3)
    service.set_status("sql-book", ReadingStatus.DONE)
    col.close()

    col, reopened = open_service(tmp_path, decks, reading_path, clock)
    book = reopened.entry("prob-book")
    assert (book.status, book.status_date, book.notes) == (ReadingStatus.READING, date(2026, 3, 10),
                                                           "Read ch. 4 before the Bayes cards.")
    assert (reopened.entry("sql-book").status, reopened.entry("sql-book").status_date) == (ReadingStatus.DONE,
                                                                                           date(2026, 3, 13))
    assert reopened.entry("dl-course").status is ReadingStatus.TO_READ
    with pytest.raises(KeyError):
        reopened.set_status("no-such-item", ReadingStatus.DONE)
    col.close()


def test_without_a_collection_everything_is_to_read_and_counts_come_from_the_decks(
        decks: Path, reading_path: Path, clock: FixedClock) -> None:
    service = ReadingService(load_reading_list(reading_path), None, clock, decks=load_decks([decks]).decks)
    assert {e.item.id: (e.status, e.cite_count) for e in service.entries()}["sql-docs"] == (ReadingStatus.TO_READ, 2)
    with pytest.raises(RuntimeError):
        service.set_notes("sql-docs", "x")


def test_filters_and_search_combine(tmp_path: Path, decks: Path, reading_path: Path, clock: FixedClock) -> None:
    _, service = open_service(tmp_path, decks, reading_path, clock)
    service.set_status("sql-docs", ReadingStatus.READING)
    entries = service.entries()

    def ids(**kw: object) -> list[str]:
        return [e.item.id for e in filter_entries(entries, **kw)]  # type: ignore[arg-type]

    assert ids() == ["sql-book", "sql-docs", "prob-book", "dl-course", "ml-forum"]
    assert ids(kind=ReadingKind.BOOK) == ["sql-book", "prob-book"]
    assert ids(kind="book", area="sql") == ["sql-book"]
    assert ids(area="math") == ["prob-book", "ml-forum"]
    assert ids(level=Level.BEGINNER, area="math") == ["ml-forum"]
    assert ids(status=ReadingStatus.READING) == ["sql-docs"]
    assert ids(status="to_read", area="sql") == ["sql-book"]
    assert ids(query="jaynes") == ["prob-book"]  # author
    assert ids(query="FAST.AI") == ["dl-course"]  # organisation, any case
    assert ids(query="window joins") == ["sql-book"]  # why; every word, any order
    assert ids(query="window bayesian") == []
    assert ids(query="postgresql", kind="book") == []


def test_items_for_source_gives_the_cited_items_in_order(tmp_path: Path, decks: Path, reading_path: Path,
                                                        clock: FixedClock) -> None:
    _, service = open_service(tmp_path, decks, reading_path, clock)
    assert [i.id for i in service.items_for_source('@sql-docs "SELECT"; @nope, @sql-book ch. 3')] == [
        "sql-docs", "sql-book"]
    assert service.items_for_source("Blitzstein & Hwang, ch. 4") == []


def test_studying_an_items_tag_gives_exactly_the_cards_citing_it(tmp_path: Path, decks: Path, reading_path: Path,
                                                                 clock: FixedClock) -> None:
    col, service = open_service(tmp_path, decks, reading_path, clock)
    assert service.entry("sql-docs").cite_count == 2
    session = StudySession(storage_of(col), clock, scope=StudyScope(ScopeKind.TAG, ref_tag("sql-docs")), tz=UTC)
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card.id)
        session.answer(Button.GOOD)
    assert shown == ["sql-having", "sql-null"]


def test_deck_sync_moves_a_cards_ref_tag_when_its_source_changes(tmp_path: Path, decks: Path, reading_path: Path,
                                                                 clock: FixedClock) -> None:
    col, service = open_service(tmp_path, decks, reading_path, clock)
    path = decks / "math-cards.md"
    path.write_text(path.read_text().replace("source: Blitzstein & Hwang, ch. 4", "source: @prob-book, ch. 2"))
    report = sync_decks(storage_of(col).cards, [decks], clock)
    assert report.updated == 1
    assert "ref:prob-book" in storage_of(col).cards.card("prob-var").tags  # type: ignore[arg-type]
    assert service.entry("prob-book").cite_count == 2


def answer_all(col: Collection, clock: FixedClock, grade_of: dict[str, int]) -> None:
    """Answer every card shown today with the grade of its deck's area (Good by default)."""
    session = StudySession(storage_of(col), clock, tz=UTC)
    while (card := session.next_card()) is not None:
        area = "sql" if card.deck == "sql-cards" else "math"
        session.answer(grade_of.get(area, Button.GOOD) if session.current_kind == "review" else Button.GOOD)


def test_a_user_failing_sql_cards_is_recommended_sql_items_first(tmp_path: Path, decks: Path, reading_path: Path,
                                                                 clock: FixedClock) -> None:
    col, service = open_service(tmp_path, decks, reading_path, clock)
    answer_all(col, clock, {})  # day 1: every card learned
    clock.advance(days=1)
    answer_all(col, clock, {"sql": Button.AGAIN, "math": Button.GOOD})  # day 2: SQL reviews failed
    recs = service.recommend()
    assert [r.entry.item.id for r in recs][:2] == ["sql-book", "sql-docs"]
    assert recs[0].reason == "weak area: SQL (retention 0 %)"
    # Math is strong (weakness 0): its items follow, the one cards cite first; dl-course's area has no cards.
    assert [r.entry.item.id for r in recs][2:] == ["prob-book", "ml-forum"]
    service.set_status("sql-book", ReadingStatus.DONE)
    assert [r.entry.item.id for r in service.recommend(limit=1)] == ["sql-docs"]


def test_level_follows_progress_beginner_items_first_where_little_is_seen(reading_path: Path) -> None:
    from mlprep.storage.reading_store import AreaProgress

    items = load_reading_list(reading_path).items
    entries = [ReadingEntry(i) for i in items]
    starting = {"sql": AreaProgress("sql", cards=30, seen=3, lapses=3, reviews=4, passes=2)}
    assert [r.entry.item.id for r in recommend(entries, starting)] == ["sql-book", "sql-docs"]
    failing = {"sql": AreaProgress("sql", cards=30, seen=30, lapses=30, reviews=40, passes=16)}
    assert [r.entry.item.id for r in recommend(entries, failing)] == ["sql-book", "sql-docs"]
    assert recommend(entries, failing)[0].reason == "weak area: SQL (retention 40 %)"
    strong_but_lapsing = {"sql": AreaProgress("sql", cards=30, seen=30, lapses=15, reviews=40, passes=36)}
    assert [r.entry.item.id for r in recommend(entries, strong_but_lapsing)] == ["sql-docs", "sql-book"]
    assert recommend(entries, strong_but_lapsing)[0].reason == "weak area: SQL (0.5 lapses per card)"


def test_with_no_history_the_starter_order_is_given(tmp_path: Path, decks: Path, reading_path: Path,
                                                    clock: FixedClock) -> None:
    _, service = open_service(tmp_path, decks, reading_path, clock)
    recs = service.recommend()
    assert [r.entry.item.id for r in recs] == ["sql-book"]  # the fixture's only beginner book
    assert recs[0].reason.startswith("start here")


def test_check_reports_a_broken_list_and_citations_it_lacks(tmp_path: Path, decks: Path) -> None:
    broken = write_reading(tmp_path / "broken", READING_YAML.replace("  - id: ml-forum", "  - id: sql-book"))
    problems = check_decks([decks], reading=broken).problems
    assert [str(p) for p in problems] == [f"{broken}:42: item id 'sql-book' repeats the item at line 2"]

    without_prob = write_reading(tmp_path / "small", READING_YAML.replace("id: prob-book", "id: stats-book"))
    problems = reading_problems(load_decks([decks]).decks, without_prob)
    assert [str(p) for p in problems] == [
        f"{decks / 'math-cards.md'}:8: card prob-bayes: source cites @prob-book, which is not in the reading list "
        "(reading.yaml)"]
    good = write_reading(tmp_path / "good")
    assert check_decks([decks], reading=good).problems == []


# -- issue 17 item 12: day one recommends the foundations of the areas about to be studied ----------------

def _item(item_id: str, area: str, kind: str, level: str = "beginner") -> ReadingEntry:
    from mlprep.core.reading_list import ReadingItem

    return ReadingEntry(ReadingItem(id=item_id, title=item_id, authors=("A",), organisation="", kind=ReadingKind(kind),
                                    url="https://example.org/", areas=(area,), level=Level(level), free=True,
                                    why="why"))


def test_before_any_review_the_foundations_of_the_areas_with_most_new_cards_come_first() -> None:
    """The user answered their first new cards (a few seen, nothing reviewed yet): the recommendations were
    the docs most cited in an area not yet begun (Docker, DVC); now they are each area's beginner book or
    course, areas in the order of their new cards, docs only where an area has nothing gentler."""
    from dataclasses import replace

    from mlprep.storage.reading_store import AreaProgress

    entries = [replace(_item("ops-docs", "mlops", "docs"), cite_count=80),
               _item("dl-course", "deep-learning", "course"),
               replace(_item("dl-docs", "deep-learning", "docs"), cite_count=50),
               _item("dl-advanced", "deep-learning", "book", "advanced"), _item("math-book", "math", "book"),
               _item("sql-book", "sql", "book"), _item("math-forum", "math", "community")]
    progress = {"deep-learning": AreaProgress("deep-learning", cards=300, seen=2, lapses=0, reviews=0, passes=0),
                "mlops": AreaProgress("mlops", cards=206, seen=0, lapses=0, reviews=0, passes=0),
                "math": AreaProgress("math", cards=196, seen=8, lapses=0, reviews=0, passes=0),
                "sql": AreaProgress("sql", cards=71, seen=0, lapses=0, reviews=0, passes=0)}
    recs = recommend(entries, progress, limit=4)
    assert [r.entry.item.id for r in recs] == ["dl-course", "ops-docs", "math-book", "sql-book"]
    assert recs[0].reason == "start here: Deep learning (298 new cards)"
    assert [r.area for r in recs] == ["deep-learning", "mlops", "math", "sql"]
    focused = recommend(entries, progress, limit=2, focus=("sql",))
    assert [r.entry.item.id for r in focused] == ["sql-book", "dl-course"]
    assert focused[0].reason == "start here: SQL, your plan's focus"
    # Once reviews come back, weakness decides again (as before).
    reviewed = {**progress, "sql": AreaProgress("sql", cards=71, seen=40, lapses=20, reviews=40, passes=10)}
    assert recommend(entries, reviewed, limit=1)[0].entry.item.id == "sql-book"
    assert recommend(entries, reviewed, limit=1)[0].reason == "weak area: SQL (retention 25 %)"


def test_the_reading_list_on_day_one_follows_the_decks_and_the_plans_focus(tmp_path: Path, decks: Path,
                                                                           clock: FixedClock) -> None:
    from datetime import timedelta

    from mlprep.core.planner import PlanSettings, Weight

    intro = """\
  - id: math-intro
    title: "Math from Zero"
    authors: [Ada Sum]
    kind: book
    url: https://example.org/math-intro
    areas: [math]
    level: beginner
    free: true
    why: The first steps.
"""
    reading_path = write_reading(tmp_path / "resources", READING_YAML + intro)
    col, service = open_service(tmp_path, decks, reading_path, clock)
    recs = service.recommend()  # nothing studied: SQL has 3 new cards, math 2
    assert [r.entry.item.id for r in recs] == ["sql-book", "math-intro"]
    col.set_plan(PlanSettings(interview=col.today() + timedelta(days=30), start=col.today(),
                              area_weights={"math": Weight.FOCUS}))
    assert [r.entry.item.id for r in service.recommend()] == ["math-intro", "sql-book"]
