"""The minutes a day a plan needs when only the largest budget (1440 minutes) is enough."""

from __future__ import annotations

from datetime import date, timedelta

from mlprep.core.memory import FsrsModel
from mlprep.core.models import CardId, DeckId
from mlprep.core.plan_forecast import PlanCard, plan_status
from mlprep.core.planner import MAX_BUDGET_MINUTES, Pace, PlanSettings

TODAY = date(2026, 3, 10)


def test_a_plan_one_minute_short_of_the_whole_day_needs_the_whole_day() -> None:
    # One day before the interview, 1440 new cards at one answer a minute (nobody fails): 1439 minutes
    # leave one card unseen, 1440 introduce them all, each recalled the next day above 90 % (FSRS: a first
    # Good answer gives about three days of stability).
    cards = [PlanCard(CardId(f"c-{i}"), "math", DeckId("d")) for i in range(MAX_BUDGET_MINUTES)]
    settings = PlanSettings(interview=TODAY + timedelta(days=1), start=TODAY, budget_minutes=MAX_BUDGET_MINUTES - 1)
    status = plan_status(cards=cards, settings=settings, today=TODAY, pace=Pace(60.0), model=FsrsModel())
    assert not status.on_track and status.unseen == 1
    assert status.minutes_needed == MAX_BUDGET_MINUTES
    assert status.skip_area is None  # the only area is never skipped
