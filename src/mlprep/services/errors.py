"""Errors the façade raises that the CLI and the UI handle by name: light to import (no SQLite, no
storage), so that a command can catch them before it has loaded anything else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DamagedCollection(Exception):
    """The collection file cannot be used (see :func:`mlprep.services.recovery.diagnose`); ``damage``
    says what is wrong. Raised by :func:`mlprep.services.collection.open_collection` before anything
    is written."""

    def __init__(self, damage: Damage) -> None:
        super().__init__(damage.text())
        self.damage = damage


@dataclass(frozen=True)
class Damage:
    """What is wrong with the collection ``file``: ``problem`` is one line for a person."""

    file: Path
    problem: str

    def text(self) -> str:
        """``"<file>: <problem>"``."""
        return f"{self.file}: {self.problem}"
