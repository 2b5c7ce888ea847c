"""Study settings kept in the collection's ``settings`` table (one JSON value per key)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from types import MappingProxyType

from sqlite_utils import Database

from mlprep.core.study_settings import DeckLimits, StudySettings


def load_settings(db: Database) -> StudySettings:
    """The stored settings; missing keys take their defaults. Raises ``ValueError`` if a
    stored value is out of range (naming the field)."""
    stored = {row["key"]: json.loads(row["value"]) for row in db.query("SELECT key, value FROM settings")}
    known = {f.name for f in fields(StudySettings)}
    values = {k: v for k, v in stored.items() if k in known}
    if "deck_limits" in values:
        values["deck_limits"] = MappingProxyType({k: DeckLimits(**v) for k, v in values["deck_limits"].items()})
    return StudySettings(**values)


def save_settings(db: Database, settings: StudySettings) -> None:
    """Store every field of ``settings``, atomically."""
    values = {f.name: getattr(settings, f.name) for f in fields(StudySettings)}
    values["deck_limits"] = {k: asdict(v) for k, v in settings.deck_limits.items()}
    with db.atomic():
        db["settings"].upsert_all([{"key": k, "value": json.dumps(v)} for k, v in values.items()], pk="key")
