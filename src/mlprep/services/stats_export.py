"""Statistics out of the app: every figure as JSON, and the review log and mastery table as CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from mlprep.services.stats import scope_text
from mlprep.services.stats_model import RetentionCounts, Stats
from mlprep.storage.collection_db import CollectionDb

REVIEW_LOG_CSV = "mlprep-review-log.csv"
MASTERY_CSV = "mlprep-mastery.csv"


def stats_to_dict(stats: Stats) -> dict[str, Any]:
    """Every figure as plain JSON values (dates as ISO strings, rates in percent or null)."""
    def counts(r: RetentionCounts) -> dict[str, Any]:
        return {"passed": r.passed, "total": r.total, "rate": _round(r.rate)}
    return {
        "scope": scope_text(stats.scope), "period_days": stats.period, "today_date": stats.today_date.isoformat(),
        "first_day": stats.first_day.isoformat() if stats.first_day else None, "empty": stats.empty,
        "today": {"answers": stats.today.answers, "cards": stats.today.cards, "correct": stats.today.correct,
                  "correct_pct": _round(stats.today.correct_pct), "time_ms": stats.today.time_ms},
        "reviews": stats.reviews,
        "days": [{"day": d.day.isoformat(), "new": d.new, "learning": d.learning, "young": d.young,
                  "mature": d.mature} for d in stats.days],
        "streak": {"current": stats.heatmap.current_streak, "longest": stats.heatmap.longest_streak,
                   "days_studied_past_year": stats.heatmap.days_studied},
        "heatmap": {"start": stats.heatmap.start.isoformat(), "counts": list(stats.heatmap.counts)},
        "retention": {"young": counts(stats.retention.young), "mature": counts(stats.retention.mature),
                      "overall": counts(stats.retention.overall)},
        "forecast": {"start": stats.forecast.start.isoformat(), "counts": list(stats.forecast.counts),
                     "overdue": stats.forecast.overdue, "redrill": stats.forecast.redrill},
        "states": {"new": stats.states.new, "learning": stats.states.learning, "young": stats.states.young,
                   "mature": stats.states.mature, "suspended": stats.states.suspended},
        "intervals": dict(zip(stats.intervals.labels, stats.intervals.counts, strict=True)),
        "ease": dict(zip(stats.ease.labels, stats.ease.counts, strict=True)),
        "buttons": {t: list(v) for t, v in stats.buttons.by_type.items()},
        "mastery": [{"level": m.level, "key": m.key, "title": m.title, "area": m.area, "cards": m.cards,
                     "seen": m.seen, "seen_pct": _round(m.seen_pct), "retention": counts(m.retention),
                     "mean_ef": _round(m.mean_ef, 3), "due_now": m.due_now, "lapses": m.lapses}
                    for m in stats.mastery],
    }


def stats_to_json(stats: Stats) -> str:
    """:func:`stats_to_dict` as an indented JSON document."""
    return json.dumps(stats_to_dict(stats), indent=2, ensure_ascii=False)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def export_review_log_csv(storage: CollectionDb, path: Path) -> int:
    """Write the whole review log (every kind, cram included) to ``path`` as CSV, oldest first,
    with each card's deck and area; return the number of rows. Streams from a cursor."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(storage.stats.LOG_COLUMNS)
        for batch in storage.stats.review_log_rows():
            writer.writerows(batch)
            written += len(batch)
    return written


MASTERY_COLUMNS = ("level", "area", "key", "title", "cards", "seen", "seen_pct", "retention_pct",
                   "first_reviews", "passed", "mean_ef", "due_now", "lapses")


def export_mastery_csv(stats: Stats, path: Path) -> int:
    """Write the mastery table (areas and decks) of ``stats`` to ``path`` as CSV; return the
    number of rows. Empty cells stand for "no data" (no seen card, no review)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MASTERY_COLUMNS)
        for m in stats.mastery:
            writer.writerow([m.level, m.area, m.key, m.title, m.cards, m.seen, f"{m.seen_pct:.1f}",
                             "" if m.retention.rate is None else f"{m.retention.rate:.1f}", m.retention.total,
                             m.retention.passed, "" if m.mean_ef is None else f"{m.mean_ef:.3f}", m.due_now, m.lapses])
    return len(stats.mastery)


def export_csv(storage: CollectionDb, stats: Stats, folder: Path) -> tuple[Path, Path]:
    """Write :data:`REVIEW_LOG_CSV` and :data:`MASTERY_CSV` into ``folder`` (created if
    needed); return both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    log_path, mastery_path = folder / REVIEW_LOG_CSV, folder / MASTERY_CSV
    export_review_log_csv(storage, log_path)
    export_mastery_csv(stats, mastery_path)
    return log_path, mastery_path
