"""Time: an injectable clock and the study day.

All stored times are UTC. The *study day* is the local calendar day shifted back by
the rollover hour, as in Anki ("next day starts at" 4 AM by default): a review at
1 AM local time belongs to the day before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

DEFAULT_ROLLOVER_HOUR = 4


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC ``datetime``."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests and benchmarks.

    ``at`` must be timezone-aware (``ValueError`` otherwise).
    """

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by ``timedelta(**delta)``."""
        self._now += timedelta(**delta)

    def set(self, at: datetime) -> None:
        """Jump to ``at`` (aware)."""
        self._now = at.astimezone(UTC)


def study_day(now: datetime, tz: tzinfo | None = None, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The study day of the aware instant ``now``: its local date (in ``tz``, default
    the system's local zone) after subtracting ``rollover_hour`` hours (0–23)."""
    if not 0 <= rollover_hour <= 23:
        raise ValueError(f"rollover hour must be 0–23, got {rollover_hour}")
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    return (local - timedelta(hours=rollover_hour)).date()


def day_start(day: date, tz: tzinfo | None = None, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """The UTC instant study day ``day`` begins: ``rollover_hour`` o'clock local time on it."""
    naive = datetime(day.year, day.month, day.day, rollover_hour)
    local = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return local.astimezone(UTC)
