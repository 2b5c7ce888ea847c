"""Settings kept in the collection's ``settings`` table (one JSON value per key): study
settings, the display settings (theme, zoom) and today's extra new cards."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import date
from types import MappingProxyType

from mlprep.core.display_settings import DisplaySettings, ThemeMode
from mlprep.core.study_settings import DeckLimits, ScopeKind, StudyScope, StudySettings
from mlprep.storage.db import Db as Database


class SettingsStore:
    """The ``settings`` table of one open collection, read and written as settings dataclasses."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def study(self) -> StudySettings:
        """The stored study settings (see :func:`load_settings`)."""
        return load_settings(self._db)

    def save_study(self, settings: StudySettings) -> None:
        """Store every field of ``settings``, atomically."""
        save_settings(self._db, settings)

    def display(self) -> DisplaySettings:
        """The stored theme and zoom (see :func:`load_display`)."""
        return load_display(self._db)

    def save_display(self, display: DisplaySettings) -> None:
        """Store the theme mode and zoom."""
        save_display(self._db, display)

    def extra_new(self, day: date) -> dict[StudyScope, int]:
        """Study day ``day``'s extra new cards per scope (Anki's "increase today's new card limit"),
        stored under one key with the day it belongs to: empty when the stored allowance is of
        another day, or unreadable (a bad stored value must never stop a session)."""
        stored = self.get_json(_EXTRA_NEW_KEY)
        if not isinstance(stored, dict) or stored.get("day") != day.isoformat():
            return {}
        scopes = stored.get("scopes")
        if not isinstance(scopes, dict):
            return {}
        out: dict[StudyScope, int] = {}
        for key, extra in scopes.items():
            kind, _, value = str(key).partition(":")
            try:
                scope = StudyScope(ScopeKind(kind), value)
            except ValueError:
                continue
            if isinstance(extra, int) and not isinstance(extra, bool) and extra > 0:
                out[scope] = extra
        return out

    def add_extra_new(self, day: date, scope: StudyScope, extra: int) -> int:
        """Allow ``extra`` more new cards in ``scope`` on study day ``day`` (added to what was allowed
        that day already; another day's allowance is dropped), in one transaction; returns the
        scope's extra new cards for ``day`` now."""
        with self._db.atomic():
            scopes = self.extra_new(day)
            scopes[scope] = scopes.get(scope, 0) + extra
            self.set_json(_EXTRA_NEW_KEY, {"day": day.isoformat(),
                                           "scopes": {f"{s.kind.value}:{s.value}": n for s, n in scopes.items()}})
        return scopes[scope]

    def get_json(self, key: str) -> object | None:
        """The JSON value stored under ``key``, or ``None`` when unset."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else None

    def set_json(self, key: str, value: object | None) -> None:
        """Store ``value`` (JSON-serialisable) under ``key``; ``None`` removes the key."""
        with self._db.atomic():
            if value is None:
                self._db.execute("DELETE FROM settings WHERE key = ?", [key])
            else:
                self._db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, json.dumps(value)])


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
        db.table("settings").upsert_all([{"key": k, "value": json.dumps(v)} for k, v in values.items()], pk="key")


_THEME_KEY, _ZOOM_KEY = "display.theme", "display.zoom"
_EXTRA_NEW_KEY = "today.extra_new"


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
    db.table("settings").upsert_all([{"key": _THEME_KEY, "value": json.dumps(str(display.theme))},
                               {"key": _ZOOM_KEY, "value": json.dumps(display.zoom)}], pk="key")
