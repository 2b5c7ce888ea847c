"""Settings kept in the collection's ``settings`` table (one JSON value per key): study
settings and the display settings (theme, zoom)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from types import MappingProxyType

from sqlite_utils import Database

from mlprep.core.display_settings import DisplaySettings, ThemeMode
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


_THEME_KEY, _ZOOM_KEY = "display.theme", "display.zoom"


def load_display(db: Database) -> DisplaySettings:
    """The stored theme and zoom; defaults when unset or unreadable (a bad stored value
    must never stop the app from drawing)."""
    rows = {row["key"]: row["value"] for row in db.query(
        "SELECT key, value FROM settings WHERE key IN (?, ?)", [_THEME_KEY, _ZOOM_KEY])}
    try:
        theme = ThemeMode(json.loads(rows.get(_THEME_KEY, '"system"')))
        return DisplaySettings(theme, int(json.loads(rows.get(_ZOOM_KEY, "0"))))
    except (ValueError, TypeError):
        return DisplaySettings()


def save_display(db: Database, display: DisplaySettings) -> None:
    """Store the theme mode and zoom."""
    db["settings"].upsert_all([{"key": _THEME_KEY, "value": json.dumps(str(display.theme))},
                               {"key": _ZOOM_KEY, "value": json.dumps(display.zoom)}], pk="key")
