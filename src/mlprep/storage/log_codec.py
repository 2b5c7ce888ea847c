"""The review log's stored forms (migration m010, issue 16): integers instead of ISO texts.

Since ``m010_compact_log`` a ``review_log`` row stores

- ``reviewed_at``: the answer's instant as whole **microseconds since 1970-01-01 00:00 UTC**
  (:func:`instant_us`; exact for every ``datetime``, which holds microseconds);
- ``kind``: a small integer (:data:`KIND_CODES`: 0 new, 1 drill, 2 review, 3 cram);
- ``due_before``, ``due_after``, ``due_sm2``: **day numbers**, days since 1970-01-01
  (:func:`day_number`), or NULL.

The summaries keyed by time use the same units: ``review_days.day`` is the UTC day number
``reviewed_at / US_PER_DAY`` and ``answer_hours.hour`` the UTC hour number ``reviewed_at / US_PER_HOUR``
(SQLite's integer division; every instant the app logs is after 1970, so it rounds down).

This module converts at the storage boundary: services and core keep seeing ``datetime`` (UTC-aware),
``date`` and the :class:`~mlprep.core.models.ReviewKind` strings. Pure: no SQLite, no Qt.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mlprep.core.models import ReviewKind

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Instant 0 of ``reviewed_at``."""
US_PER_HOUR = 3_600_000_000
US_PER_DAY = 86_400_000_000
END_OF_TIME = 2**63 - 1
"""A stored instant after every instant the log can hold (SQLite's largest integer)."""
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_US = timedelta(microseconds=1)

KIND_CODES: dict[str, int] = {ReviewKind.NEW.value: 0, ReviewKind.DRILL.value: 1,
                              ReviewKind.REVIEW.value: 2, ReviewKind.CRAM.value: 3}
"""The stored ``kind`` of each review-log kind."""
KIND_NAMES: dict[int, str] = {code: name for name, code in KIND_CODES.items()}
NEW, DRILL, REVIEW, CRAM = (KIND_CODES[k.value] for k in (ReviewKind.NEW, ReviewKind.DRILL, ReviewKind.REVIEW,
                                                          ReviewKind.CRAM))

LOG_CLASS_SQL = ("CASE WHEN kind < 2 THEN kind WHEN kind = 2 THEN 2 + (repetitions_before > 0) "
                 "+ 2 * (interval_before >= 21) ELSE 6 END")
"""A stored row's class for statistics (the classes of ``migrations.ROW_CLASS_SQL``, for integer kinds):
0 new, 1 drill, 2-5 review by 2 + (repetitions_before > 0) + 2 * (interval_before >= 21), 6 cram
(or any other stored value)."""


def log_class_sql(alias: str) -> str:
    """:data:`LOG_CLASS_SQL` with every column qualified by ``alias`` (a table alias or ``NEW``/``OLD``)."""
    return (f"CASE WHEN {alias}.kind < 2 THEN {alias}.kind WHEN {alias}.kind = 2 THEN 2 + "
            f"({alias}.repetitions_before > 0) + 2 * ({alias}.interval_before >= 21) ELSE 6 END")


def instant_us(at: datetime) -> int:
    """``at`` as microseconds since 1970-01-01 UTC; a naive ``at`` is taken as UTC (as the log's
    statistics always have). Exact."""
    if at.tzinfo is None or at.utcoffset() is None:
        at = at.replace(tzinfo=UTC)
    return (at - EPOCH) // _ONE_US


def instant_of(us: int) -> datetime:
    """The UTC-aware ``datetime`` of a stored ``reviewed_at`` (inverse of :func:`instant_us` for
    aware instants; ``isoformat()`` gives the text the app wrote before m010). ``TypeError`` for a
    value that is not an integer (a text m010 could not convert and kept)."""
    return EPOCH + timedelta(microseconds=us)


def iso_us(text: str) -> int:
    """An ISO instant or date text (``datetime.fromisoformat``; no offset: UTC) as microseconds since
    the epoch. ``ValueError`` if it is neither."""
    return instant_us(datetime.fromisoformat(text))


def day_number(day: date) -> int:
    """``day`` as days since 1970-01-01."""
    return day.toordinal() - _EPOCH_ORDINAL


def date_of(number: int) -> date:
    """The date of a day number (inverse of :func:`day_number`)."""
    return date.fromordinal(number + _EPOCH_ORDINAL)


def stored_day(day: date | None) -> int | None:
    """A ``due_*`` column's stored value: the day number, or ``None``."""
    return None if day is None else day.toordinal() - _EPOCH_ORDINAL


def read_day(value: int | str | None) -> date | None:
    """A stored ``due_*`` value as a date (``None`` stays ``None``; a text kept by m010 is parsed as ISO,
    as before: ``ValueError`` if it is not one)."""
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value)
    return date.fromordinal(value + _EPOCH_ORDINAL)


def read_instant(value: int | str) -> datetime:
    """A stored ``reviewed_at`` as a UTC-aware ``datetime`` (a text kept by m010 is parsed as ISO, as
    before: ``ValueError`` if it is not one)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return EPOCH + timedelta(microseconds=value)


def read_kind(value: int | str) -> str:
    """A stored ``kind`` as its name (a text kept by m010 is returned as it is)."""
    if isinstance(value, str):
        return value
    return KIND_NAMES.get(value, str(value))
