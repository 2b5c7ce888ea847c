"""Syncing deck files into the collection keeps progress when text changes or cards go."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mlprep.core.clock import FixedClock
from mlprep.core.models import CardId
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
