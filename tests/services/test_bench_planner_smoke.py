"""benchmarks/bench_planner.py still runs: its simulator on 30 small cards over 10 days under the plan.

Not a timed test (timings belong to the benchmark); it checks what a user of the plan could see."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from benchmarks.bench_planner import START, FirstAnswer, Method, deck_folder, fewest_answers, simulate

from mlprep.core.memory import FsrsModel


def deck(name: str, area: str, n: int) -> str:
    cards = "".join(f"\n## {name}-{i}\nsource: s\n\nQ: {name} question {i}?\n\nA: {name} answer {i}.\n"
                    for i in range(1, n + 1))
    return f"---\ntitle: {name.upper()}\narea: {area}\n---\n{cards}"


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    for name, area in (("ma", "math"), ("sq", "sql"), ("ml", "mlops")):
        (folder / f"{name}.md").write_text(deck(name, area, 10), encoding="utf-8")
    return folder


def test_the_plan_on_a_simulated_learner_places_reviews_before_the_day_and_sees_every_card(
        decks: Path, tmp_path: Path) -> None:
    result = simulate(decks, method=Method.PLAN, horizon=10, folder=tmp_path / "run", seed=3)
    assert result.cards == 30 and len(result.days) == 10
    # 10 days: the last 3 are reviews only (max(3, ceil(15 % of 10))), so new cards on days 0-6.
    assert result.outlook is not None and result.outlook.last_new_day == START + timedelta(days=6)
    assert result.placed > 0  # the plan did move reviews SM-2 put after the interview ...
    assert result.placed_on_or_after == 0  # ... and never to the interview day or later
    assert result.outlook.status == "on track"  # 30 cards in 10 days fit 45 minutes easily ...
    assert result.unseen_after_last_new == 0 and result.unseen == 0  # ... so all are seen by the last new day
    assert 0.0 <= result.recall <= 1.0
    assert sum(day.new for day in result.days) == result.cards - result.unseen
    # The learner fails every card at first sight (recall 0), so each new card brings one drill at least.
    assert all(day.drills >= day.new for day in result.days)
    assert result.days_over_budget == sum(day.answers * 15 / 60 > 45 for day in result.days)


def test_the_first_n_cards_in_curriculum_order_are_whole_areas_in_area_order(decks: Path, tmp_path: Path) -> None:
    """math is area 1, mlops 8, sql 9: the first 12 cards are math's 10 and mlops' first 2."""
    folder, count = deck_folder(decks, 12, tmp_path / "cut")
    assert count == 12
    assert sorted(p.name for p in folder.glob("*.md")) == ["ma.md", "ml.md"]
    assert "## ml-2" in (folder / "ml.md").read_text(encoding="utf-8")
    assert "## ml-3" not in (folder / "ml.md").read_text(encoding="utf-8")
    assert deck_folder(decks, None, tmp_path / "all") == (decks, 30)


def test_a_card_failed_at_first_sight_needs_one_review_to_reach_90_percent() -> None:
    """FSRS-6 defaults: Again and the drill's Good leave stability 0.25 days (recall 0.78 a day later),
    so such a card needs a review (3 answers), and one first seen the day before cannot get there; a
    first Good gives 2.3 days (recall 0.947 after 1 day, 0.909 after 2, 0.881 after 3)."""
    model = FsrsModel()
    assert [fewest_answers(model, first=FirstAnswer.AGAIN, days_before=k, target=0.9) for k in (1, 2, 9)] == \
        [None, 3, 3]
    assert [fewest_answers(model, first=FirstAnswer.GOOD, days_before=k, target=0.9) for k in (1, 2, 3, 9)] == \
        [1, 1, 2, 2]
