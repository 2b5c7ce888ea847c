"""The study session across the end of a study day: the user's zone and rollover hour decide which day an
answer belongs to and which answers count against a day's limits (also on a 23-hour daylight-saving day),
and a failed write after a rollover keeps the card on screen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.models import Button, CardProgress, ReviewKind, ReviewLogEntry
from mlprep.core.study_settings import StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.session import AnswerNotSaved
from mlprep.services.study import StudySession
from mlprep.storage.errors import WriteFailed
from tests.helpers import storage_of


@pytest.fixture
def col(tmp_path: Path, deck_dir: Path, clock: FixedClock) -> Collection:
    return open_collection(tmp_path / "data", clock, [deck_dir])


def session(col: Collection, clock: FixedClock, tz: tzinfo, settings: StudySettings) -> StudySession:
    return StudySession(storage_of(col), clock, settings=settings, tz=tz)


def test_a_card_shown_before_the_rollover_hour_and_answered_after_it_is_scheduled_from_the_new_day(
        col: Collection, clock: FixedClock) -> None:
    # Rollover at 2 AM: 1 AM on March 11 is still March 10's study day, 3 AM is March 11's.
    clock.set(datetime(2026, 3, 11, 1, 0, tzinfo=UTC))
    s = session(col, clock, UTC, StudySettings(rollover_hour=2))
    assert s.today == date(2026, 3, 10)
    assert s.next_card() is not None
    clock.set(datetime(2026, 3, 11, 3, 0, tzinfo=UTC))
    answered = s.answer(Button.GOOD)  # a first Good answer: SM-2 interval 1 day, from March 11
    assert s.today == date(2026, 3, 11)
    assert answered.progress.due == date(2026, 3, 12)


def test_the_rollover_of_an_answer_is_judged_in_the_users_zone(col: Collection, clock: FixedClock) -> None:
    # UTC+10: 17:30 UTC is 03:30 local (March 10's study day), 18:30 UTC is 04:30 local (March 11's).
    plus10 = timezone(timedelta(hours=10))
    clock.set(datetime(2026, 3, 10, 17, 30, tzinfo=UTC))
    s = session(col, clock, plus10, StudySettings())
    assert s.today == date(2026, 3, 10)
    assert s.next_card() is not None
    clock.set(datetime(2026, 3, 10, 18, 30, tzinfo=UTC))
    answered = s.answer(Button.GOOD)
    assert answered.progress.due == date(2026, 3, 12)


def test_answers_after_the_rollover_hour_of_the_next_morning_count_for_the_next_day_only(
        col: Collection, clock: FixedClock) -> None:
    # Rollover at 6 AM: an answer at 5 AM on March 11 is still March 10's, and counts against its limit.
    clock.set(datetime(2026, 3, 11, 5, 0, tzinfo=UTC))
    settings = StudySettings(new_per_day=1, rollover_hour=6)
    first = session(col, clock, UTC, settings)
    first.answer(Button.GOOD)
    reopened = session(col, clock, UTC, settings)  # the app closed and opened again on the same study day
    assert reopened.today == date(2026, 3, 10)
    assert reopened.counts().new == 0
    assert reopened.next_card() is None


def test_a_23_hour_study_day_does_not_count_the_next_days_answers(col: Collection, clock: FixedClock) -> None:
    # Berlin moves to summer time on 2026-03-29 at 02:00: study day March 28 runs from 04:00 CET
    # (03:00 UTC) to 04:00 CEST on March 29 (02:00 UTC), 23 hours.
    berlin = ZoneInfo("Europe/Berlin")
    settings = StudySettings(new_per_day=1)
    clock.set(datetime(2026, 3, 29, 2, 30, tzinfo=UTC))  # 04:30 CEST: study day March 29
    later = session(col, clock, berlin, settings)
    assert later.today == date(2026, 3, 29)
    later.answer(Button.GOOD)
    clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))  # the clock set back to March 28
    earlier = session(col, clock, berlin, settings)
    assert earlier.today == date(2026, 3, 28)
    assert earlier.counts().new == 1  # March 28 has introduced nothing yet
    card = earlier.next_card()
    assert card is not None and earlier.current_kind is ReviewKind.NEW


def test_a_failed_write_after_the_rollover_keeps_the_card_on_screen(col: Collection, clock: FixedClock,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # b-one falls due on March 11: the new study day would show it first, but the card on screen stays.
    storage_of(col).db.execute("UPDATE cards SET due = ?, interval = 6, repetitions = 2, easiness = 2.5, "
                               "reviews = 2 WHERE id = ?", ["2026-03-11", "b-one"])
    clock.set(datetime(2026, 3, 11, 3, 0, tzinfo=UTC))  # 3 AM: March 10's study day
    s = session(col, clock, UTC, StudySettings())
    shown = s.next_card()
    assert shown is not None and shown.id == "a-one" and s.current_kind is ReviewKind.NEW
    clock.set(datetime(2026, 3, 11, 5, 0, tzinfo=UTC))  # 5 AM: March 11's

    def refuse(after: CardProgress, entry: ReviewLogEntry) -> int:
        raise WriteFailed("disk I/O error")

    monkeypatch.setattr(storage_of(col).cards, "record_answer", refuse)
    with pytest.raises(AnswerNotSaved):
        s.answer(Button.GOOD)
    assert s.next_card() == shown
    assert s.current_kind is ReviewKind.NEW
    monkeypatch.undo()
    assert s.answer(Button.GOOD).progress.due == date(2026, 3, 12)
    following = s.next_card()
    assert following is not None and following.id == "b-one"
