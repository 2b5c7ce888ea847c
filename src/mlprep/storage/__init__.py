"""SQLite persistence through sqlite-utils: rows in, core dataclasses out. No Qt."""
