"""The clock and the study day, at the rollover boundaries and in a machine zone that is not UTC.

The machine's own zone is pinned to Asia/Tokyo (UTC+9, no daylight saving) where a test needs the
"system zone" default to differ from UTC and from the explicit zone, so each branch gives its own day.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mlprep.core.clock import FixedClock, SystemClock, day_start, study_day

MINUS_10 = timezone(timedelta(hours=-10))


@pytest.fixture
def tokyo() -> Iterator[None]:
    """The process's local zone is Asia/Tokyo for the test (restored afterwards)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_study_day_uses_the_given_zone_else_the_machines(tokyo: None) -> None:
    noon = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    # UTC-10: 02:00 on March 10, minus 4 h -> 22:00 on March 9.
    assert study_day(noon, MINUS_10) == date(2026, 3, 9)
    # The machine's zone (Tokyo): 21:00 on March 10, minus 4 h -> 17:00 on March 10.
    assert study_day(noon) == date(2026, 3, 10)
    # UTC: 08:00 minus 4 h.
    assert study_day(noon, UTC) == date(2026, 3, 10)


def test_the_day_turns_exactly_at_the_rollover_hour() -> None:
    assert study_day(datetime(2026, 3, 11, 3, 59, tzinfo=UTC), UTC) == date(2026, 3, 10)
    assert study_day(datetime(2026, 3, 11, 4, 0, tzinfo=UTC), UTC) == date(2026, 3, 11)
    # 22:00 with the day starting at 23:00 is still the previous day; at 0 h it is the calendar day.
    assert study_day(datetime(2026, 3, 11, 22, 0, tzinfo=UTC), UTC, 23) == date(2026, 3, 10)
    assert study_day(datetime(2026, 3, 11, 0, 0, tzinfo=UTC), UTC, 0) == date(2026, 3, 11)


@pytest.mark.parametrize("hour", [-1, 24])
def test_a_rollover_hour_outside_0_to_23_is_refused(hour: int) -> None:
    with pytest.raises(ValueError) as info:
        study_day(datetime(2026, 3, 11, tzinfo=UTC), UTC, hour)
    assert str(info.value) == f"rollover hour must be 0–23, got {hour}"


def test_day_start_is_the_rollover_hour_of_that_day_in_utc(tokyo: None) -> None:
    assert day_start(date(2026, 3, 10), UTC) == datetime(2026, 3, 10, 4, tzinfo=UTC)
    # 04:00 at UTC-10 is 14:00 UTC; with rollover 23: 23:00 at UTC-10 is 09:00 UTC the next day.
    assert day_start(date(2026, 3, 10), MINUS_10) == datetime(2026, 3, 10, 14, tzinfo=UTC)
    assert day_start(date(2026, 3, 10), MINUS_10, 23) == datetime(2026, 3, 11, 9, tzinfo=UTC)
    # The machine's zone: 04:00 in Tokyo on March 10 is 19:00 UTC on March 9, and it comes back in UTC.
    start = day_start(date(2026, 3, 10))
    assert start == datetime(2026, 3, 9, 19, tzinfo=UTC)
    assert start.isoformat() == "2026-03-09T19:00:00+00:00"


def test_fixed_clock_keeps_utc_moves_forward_and_jumps(tokyo: None) -> None:
    clock = FixedClock(datetime(2026, 3, 10, 14, 30, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now().isoformat() == "2026-03-10T12:30:00+00:00"
    clock.advance(hours=1, minutes=15)
    assert clock.now().isoformat() == "2026-03-10T13:45:00+00:00"
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=MINUS_10))
    assert clock.now().isoformat() == "2026-04-01T19:00:00+00:00"


def test_fixed_clock_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError) as info:
        FixedClock(datetime(2026, 3, 10, 12, 0))
    assert str(info.value) == "FixedClock needs an aware datetime"


def test_system_clock_tells_aware_utc_time(tokyo: None) -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0) and now.isoformat().endswith("+00:00")
    assert before <= now <= datetime.now(UTC)
