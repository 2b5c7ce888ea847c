"""The storage layer's errors: what SQLite or the file system refused, said in storage's own terms so
that the layers above never handle ``sqlite3`` exceptions."""

from __future__ import annotations


class WriteFailed(RuntimeError):
    """A write was refused (disk full or read-only, file damaged, a lock held elsewhere); its transaction
    was rolled back, so nothing of it was stored. The message is SQLite's or the OS's."""


class NotACollection(RuntimeError):
    """The file is not a collection SQLite can open (corrupt, or not a database at all). The message is
    SQLite's."""
