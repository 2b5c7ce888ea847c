"""Syncing deck files into the collection keeps progress when text changes or cards go."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mlprep.core.clock import FixedClock
from mlprep.core.models import CardId, DeckId
from mlprep.services.collection import open_collection
from mlprep.services.deck_sync import sync_decks
from mlprep.services.study import StudySession
from tests.helpers import storage_of


def test_editing_a_cards_text_updates_it_and_keeps_its_progress(tmp_path: Path, deck_dir: Path,
                                                                clock: FixedClock) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    assert (col.sync.added, col.sync.decks, col.sync.errors) == (5, 2, ())
    session = StudySession(storage_of(col), clock)
    assert session.next_card().id == "a-one"  # type: ignore[union-attr]
    session.answer(4)
    before = storage_of(col).cards.progress(CardId("a-one"))

    path = deck_dir / "deck-a.md"
    path.write_text(path.read_text().replace("What is one?", "What is the number one?"))
    report = sync_decks(storage_of(col).cards, [deck_dir], clock)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 4)
    assert storage_of(col).cards.card(CardId("a-one")).front == "What is the number one?"
    assert storage_of(col).cards.progress(CardId("a-one")) == before
    assert len(storage_of(col).cards.review_log(CardId("a-one"))) == 1


def test_removed_card_leaves_the_queue_but_keeps_its_history(tmp_path: Path, deck_dir: Path,
                                                              clock: FixedClock) -> None:
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    StudySession(storage_of(col), clock).answer(4)  # answers a-one
    path = deck_dir / "deck-a.md"
    path.write_text(path.read_text().split("## a-one")[0] + "## a-two" + path.read_text().split("## a-two")[1])
    report = sync_decks(storage_of(col).cards, [deck_dir], clock)
    assert report.removed == 1
    session = StudySession(storage_of(col), clock)
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card.id)
        session.answer(4)
    assert "a-one" not in shown and len(shown) == 4
    assert len(storage_of(col).cards.review_log(CardId("a-one"))) == 1
    assert storage_of(col).cards.progress(CardId("a-one")).reviews == 1


def test_a_broken_deck_does_not_stop_the_others(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    (deck_dir / "broken.md").write_text("---\ntitle: Broken\narea: math\n---\n## x-one\nQ: front only\n")
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    assert col.sync.decks == 2
    assert [str(e) for e in col.sync.errors] == [f"{deck_dir / 'broken.md'}:5: card x-one: no 'A:' line (the back)"]
    assert {c.deck_id for c in storage_of(col).cards.deck_counts(date(2026, 3, 10))} == {"deck-a", "deck-b"}


def test_a_card_id_used_in_two_decks_is_reported_and_the_first_wins(tmp_path: Path, deck_dir: Path,
                                                                     clock: FixedClock) -> None:
    (deck_dir / "zz-dup.md").write_text("---\ntitle: Dup\narea: sql\n---\n## a-one\nQ: again?\nA: yes\n")
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    assert any("card id 'a-one' is already used in deck-a.md" in str(e) for e in col.sync.errors)
    assert storage_of(col).cards.card(CardId("a-one")).front == "What is one?"


def test_a_new_deck_that_reuses_a_studied_card_id_does_not_take_its_progress(tmp_path: Path, deck_dir: Path,
                                                                             clock: FixedClock) -> None:
    """Issue 13, item 8: a later-added deck whose file sorts first used to win the id, so its card
    inherited the studied card's progress and the studied card left the queue."""
    col = open_collection(tmp_path / "data", clock, [deck_dir])
    session = StudySession(storage_of(col), clock)
    while (card := session.next_card()) is not None and card.id != "b-one":
        session.answer(4)
    session.answer(5)
    studied = storage_of(col).cards.progress(CardId("b-one"))
    (deck_dir / "aa-new.md").write_text("---\ntitle: New\narea: sql\n---\n## b-one\nQ: a different question?\nA: no\n")
    report = sync_decks(storage_of(col).cards, [deck_dir], clock)
    assert [str(e) for e in report.errors] == [
        f"{deck_dir / 'aa-new.md'}:5: card id 'b-one' is already used in deck-b.md"]
    card = storage_of(col).cards.card(CardId("b-one"))
    assert (card.deck, card.front) == ("deck-b", "B one?")
    assert storage_of(col).cards.progress(CardId("b-one")) == studied
    col.close()


def test_renaming_a_deck_file_keeps_its_per_deck_limits_and_plan_weight(tmp_path: Path, deck_dir: Path,
                                                                        clock: FixedClock) -> None:
    """Issue 13, item 8: the deck id is the file's stem, so a renamed file lost its per-deck limits."""
    from dataclasses import replace
    from types import MappingProxyType

    from mlprep.core.planner import PlanSettings, Weight
    from mlprep.core.study_settings import DeckLimits
    from mlprep.services.collection import open_collection as reopen

    col = open_collection(tmp_path / "data", clock, [deck_dir])
    col.save_settings(replace(col.settings, deck_limits=MappingProxyType({"deck-a": DeckLimits(1, 5)})))
    col.set_plan(PlanSettings(interview=date(2026, 4, 20), start=date(2026, 3, 10),
                              deck_weights={DeckId("deck-a"): Weight.FOCUS}))
    col.close()
    (deck_dir / "deck-a.md").rename(deck_dir / "linear-algebra.md")
    col = reopen(tmp_path / "data", clock, [deck_dir])
    assert dict(col.settings.deck_limits) == {"linear-algebra": DeckLimits(1, 5)}
    plan = col.plan()
    assert plan is not None and dict(plan.deck_weights) == {"linear-algebra": Weight.FOCUS}
    assert {d.deck_id for d in col.decks()} == {"linear-algebra", "deck-b"}
    col.close()
