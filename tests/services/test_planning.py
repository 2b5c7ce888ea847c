"""The interview plan through the façade: new-card order, the daily quota, reviews placed before the day,
bad input, and invariants over random study histories (hypothesis)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlprep.core import sm2
from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardId, ReviewKind
from mlprep.core.planner import UNMEASURED_PACE, PlanError, PlanSettings, Weight
from mlprep.services.collection import Collection, open_collection
from tests.helpers import storage_of

TODAY = date(2026, 3, 10)


def deck(name: str, area: str, n: int) -> str:
    cards = "".join(f"\n## {name}-{i}\nsource: s\n\nQ: {name} question {i}?\n\nA: {name} answer {i}.\n"
                    for i in range(1, n + 1))
    return f"---\ntitle: {name.upper()}\narea: {area}\n---\n{cards}"


def make_collection(folder: Path, clock: FixedClock, sizes: tuple[int, int, int] = (4, 3, 2)) -> Collection:
    decks = folder / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    for name, area, n in zip(("ma", "sq", "ml"), ("math", "sql", "mlops"), sizes, strict=True):
        (decks / f"{name}.md").write_text(deck(name, area, n), encoding="utf-8")
    return open_collection(folder / "data", clock, [decks], tz=UTC)


@pytest.fixture
def col(tmp_path: Path, clock: FixedClock) -> Collection:
    return make_collection(tmp_path, clock)


def drain(col: Collection, grade: int = Button.GOOD) -> list[str]:
    s = col.study()
    shown = []
    while (card := s.next_card()) is not None:
        shown.append(card.id)
        s.answer(grade)
    return shown


def plan(days: int, **kw: object) -> PlanSettings:
    return PlanSettings(interview=TODAY + timedelta(days=days), start=TODAY, **kw)  # type: ignore[arg-type]


def test_without_a_plan_new_cards_interleave_the_areas_in_curriculum_order(col: Collection) -> None:
    """Not file-name order (ma, ml, sq): math (area 1), mlops (8), sql (9), one card of each in turn."""
    assert drain(col) == ["ma-1", "ml-1", "sq-1", "ma-2", "ml-2", "sq-2", "ma-3", "sq-3", "ma-4"]


def test_a_focus_area_gets_two_new_cards_for_each_of_a_normal_one_and_a_skipped_area_none(
        col: Collection, clock: FixedClock) -> None:
    report = col.set_plan(plan(20, area_weights={"math": Weight.FOCUS, "mlops": Weight.SKIP}))
    # 7 chosen cards over 16 introduction days (the last 4 are reviews only): an even 1 a day, front-loaded
    # to ceil(1.5 x 1) = 2 while the budget has room.
    assert report.new_today == 2
    assert {d.deck_id: d.new for d in col.overview().decks} == {"ma": 2, "sq": 2, "ml": 0}
    assert col.overview().new == 2
    introduced: list[str] = []
    for _ in range(20):
        introduced += [c for c in drain(col) if c not in introduced]
        clock.advance(days=1)
    # Sainte-Laguë's 2:1: math at virtual times 1, 3, 5, 7 and sql at 2, 6, 10; mlops never.
    assert introduced == ["ma-1", "sq-1", "ma-2", "ma-3", "sq-2", "ma-4", "sq-3"]


def test_the_quota_spreads_the_chosen_cards_over_the_introduction_days(col: Collection, clock: FixedClock) -> None:
    """9 cards, interview in 10 days: reviews only on days 7-9, new cards on days 0-6: an even ceil(9/7) = 2,
    front-loaded to ceil(1.5 x 2) = 3 on day 0 while the 8 answers a day (2 min at 15 s) have room: 5 new
    cards at the default pace's 1.5 answers each, 7 reviews at 1.1."""
    col.set_plan(plan(10, budget_minutes=2))
    assert col.plan_report() is not None and col.plan_report().last_new_day == TODAY + timedelta(days=6)  # type: ignore[union-attr]
    assert col.overview().new == 3
    new_per_day = []
    for _ in range(10):
        drain(col)
        today = clock.now()
        new_per_day.append(sum(1 for e in storage_of(col).cards.review_log()
                               if e.kind == ReviewKind.NEW and e.reviewed_at == today))
        clock.advance(days=1)
    assert sum(new_per_day) == 9 and all(n == 0 for n in new_per_day[7:])


def test_a_review_sm2_puts_after_the_interview_is_placed_before_it_and_the_log_keeps_both(
        col: Collection, clock: FixedClock) -> None:
    col.set_plan(plan(4, target_recall=0.99))
    first = col.study()
    card = first.next_card()
    assert card is not None
    first.answer(Button.GOOD)  # day 0: SM-2's first interval is 1 day, before the interview: kept
    assert storage_of(col).cards.progress(card.id).due == TODAY + timedelta(days=1)
    clock.advance(days=1)
    s = col.study()
    while (shown := s.next_card()) is not None and shown.id != card.id:
        s.answer(Button.GOOD)
    s.answer(Button.GOOD)  # day 1: SM-2 says 6 days (day 7), on or after the interview on day 4
    entry = storage_of(col).cards.review_log(card.id)[-1]
    assert entry.due_sm2 == TODAY + timedelta(days=7)
    assert entry.due_after in (TODAY + timedelta(days=2), TODAY + timedelta(days=3))
    progress = storage_of(col).cards.progress(card.id)
    assert (progress.repetitions, progress.interval, progress.due) == (2, 6, entry.due_after)  # SM-2 untouched


@pytest.mark.parametrize(("change", "field"), [
    ({"interview": TODAY}, "date"), ({"budget_minutes": 0}, "budget"), ({"target_recall": 1.2}, "target"),
    ({"area_weights": {"astrology": Weight.FOCUS}}, "areas"),
    ({"area_weights": {"math": Weight.SKIP, "sql": Weight.SKIP, "mlops": Weight.SKIP}}, "weights"),
])
def test_bad_input_names_the_field_and_saves_nothing(col: Collection, change: dict[str, object], field: str) -> None:
    with pytest.raises(PlanError) as error:
        col.set_plan(replace(plan(10), **change))  # type: ignore[arg-type]
    assert error.value.field == field and str(error.value).startswith(f"{field}: ")
    assert col.plan() is None and col.plan_report() is None


def test_after_the_interview_the_plan_ends_and_clearing_restores_the_default_order(
        col: Collection, clock: FixedClock) -> None:
    col.set_plan(plan(3, area_weights={"sql": Weight.SKIP}))
    assert col.plan_report() is not None
    clock.advance(days=3)  # the interview day: the plan is over
    assert col.plan_report() is None and col.plan() is not None
    col.clear_plan()
    assert col.plan() is None
    assert "sq-1" in drain(col)


# -- invariants over random study histories ---------------------------------------------------------------

grades = st.lists(st.sampled_from([Button.AGAIN, Button.HARD, Button.GOOD, Button.EASY]), min_size=40, max_size=40)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grades=grades, days=st.integers(6, 14), skip_mlops=st.booleans())
def test_invariants_of_a_plan_followed_day_by_day(tmp_path_factory: pytest.TempPathFactory, grades: list[int],
                                                  days: int, skip_mlops: bool) -> None:
    clock = FixedClock(datetime(2026, 3, 10, 12, tzinfo=UTC))
    col = make_collection(tmp_path_factory.mktemp("plan"), clock, (5, 4, 3))
    weights = {"mlops": Weight.SKIP} if skip_mlops else {}
    report = col.set_plan(plan(days, area_weights=weights))
    interview, last_new = report.plan.interview, report.last_new_day
    answers = itertools.cycle(grades)
    for _ in range(days):
        s = col.study()
        while s.next_card() is not None:  # a drill is passed at once (else it never ends)
            s.answer(Button.GOOD if s.current_kind is ReviewKind.DRILL else next(answers))
        today = col.today()
        for card_id in ("ma-1", "sq-1", "ml-1"):
            due = storage_of(col).cards.progress(CardId(card_id)).due
            log = storage_of(col).cards.review_log(CardId(card_id))
            if due is not None and log and log[-1].due_sm2 != log[-1].due_after:
                assert due < interview  # a review the plan placed is always before the day
        if today >= last_new and report.on_track:  # no chosen card left unseen after the last new day
            unseen = [c for c in storage_of(col).plans.cards() if c.due is None and
                      (c.area != "mlops" or not skip_mlops)]
            assert unseen == []
        clock.advance(days=1)
    log = storage_of(col).cards.review_log()
    if skip_mlops:
        assert not [e for e in log if e.card_id.startswith("ml-")]  # a skipped area is never introduced
    for card_id in {e.card_id for e in log}:  # SM-2 itself is untouched: replay the first-pass answers
        state = sm2.NEW_CARD
        for entry in (e for e in log if e.card_id == card_id and e.kind in (ReviewKind.NEW, ReviewKind.REVIEW)):
            assert (entry.repetitions_before, entry.easiness_before, entry.interval_before) == \
                (state.repetitions, state.easiness, state.interval)
            state = sm2.review(state, entry.quality)
            assert (entry.repetitions_after, entry.easiness_after, entry.interval_after) == \
                (state.repetitions, state.easiness, state.interval)
    col.close()


def test_the_pace_is_measured_from_the_log_with_the_failed_shares_and_drills(tmp_path: Path,
                                                                             clock: FixedClock) -> None:
    """60 new cards: every third first answer Again, one Hard (both re-drilled), the rest Good; 20 s each."""
    col = make_collection(tmp_path, clock, (30, 20, 10))
    col.save_settings(replace(col.settings, new_per_day=100))
    since = datetime.combine(TODAY, datetime.min.time(), UTC)
    assert col.planner.pace(since) == (UNMEASURED_PACE, False)  # no answers: the stated default
    s = col.study()
    firsts = itertools.cycle([Button.AGAIN, Button.GOOD, Button.GOOD])
    hard_given = False
    while s.next_card() is not None:
        clock.advance(seconds=20)
        if s.current_kind is ReviewKind.DRILL:
            s.answer(Button.GOOD)
        elif not hard_given:
            hard_given = True
            s.answer(Button.HARD)
        else:
            s.answer(next(firsts))
    pace, measured = col.planner.pace(since + timedelta(days=1))
    # 1 Hard + 59 cycled: 20 Again; 21 failed first answers (quality < 4), each drilled once.
    assert measured
    assert (pace.seconds_per_answer, pace.new_fail, pace.drills_per_fail) == (20.0, 21 / 60, 1.0)
    assert pace.review_fail == 0.1  # no review yet: the default share


def test_a_plan_that_is_behind_says_what_would_fit_and_the_quick_report_points_to_it(col: Collection) -> None:
    """9 cards in 4 days at 1 minute (4 answers at 15 s) cannot fit; the full report names the minutes a day
    it needs, the deck list's quick one (remedies not searched) must not claim that nothing would fit."""
    col.set_plan(plan(4, budget_minutes=1))
    full, quick = col.plan_report(), col.plan_report(advice=False)
    assert full is not None and quick is not None
    assert full.status == quick.status == "behind"
    assert full.advice.startswith("needs ") and full.minutes_needed is not None and full.minutes_needed > 1
    assert quick.advice == "open the plan to see what would fit" and quick.minutes_needed is None
    assert quick.summary().endswith("behind: open the plan to see what would fit")


def test_front_loading_counts_the_day_a_review_due_today_comes_back(tmp_path: Path, clock: FixedClock) -> None:
    """The quota's look ahead includes where today's due reviews return after a Good, not only the reviews
    already planned. Day 6 (budget 2 min = 8 answers at the default 15 s; 7 reviews' room): 4 cards due on
    day 7 (second Good on day 1: 6 days) and card X due today after a lapse (Good -> back in 1 day, day 7).
    25 new cards over the 18 introduction days: even 2, front-loaded 3 only if day 7 has room for 3 more
    reviews: 7 - 4 = 3 without X, 2 with it: so the quota stays at 2. (Room today: (8 - 1.1 - 0.6) / 1.5 = 4.)"""
    col = make_collection(tmp_path, clock, sizes=(10, 10, 10))
    for new_limit, grade in ((4, Button.GOOD), (0, Button.GOOD), (0, Button.GOOD), (0, Button.GOOD),
                             (1, Button.GOOD), (0, Button.AGAIN)):
        col.save_settings(replace(col.settings, new_per_day=new_limit))
        drain_first(col, grade)
        clock.advance(days=1)
    day6 = col.today()
    col.save_settings(replace(col.settings, new_per_day=20))
    col.set_plan(PlanSettings(interview=day6 + timedelta(days=20), start=day6, budget_minutes=2))
    answered = {e.card_id for e in storage_of(col).cards.review_log()}
    dues = sorted(storage_of(col).cards.progress(c).due for c in answered)
    assert dues == [day6] + [day6 + timedelta(days=1)] * 4
    assert col.overview().new == 2


def drain_first(col: Collection, grade: int) -> None:
    """Answer every card the session offers: ``grade`` at first sight of the day, Good for drills."""
    s, seen = col.study(), set()
    while (card := s.next_card()) is not None:
        s.answer(grade if card.id not in seen else Button.GOOD)
        seen.add(card.id)
