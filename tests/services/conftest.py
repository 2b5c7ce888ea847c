"""Fixtures shared by the services' tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlprep.core.deck_format import parse_deck
from mlprep.services import deck_loader


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the deck files the loader parsed since the fixture was set up (a spy on the parser)."""
    names: list[str] = []

    def spy(text: str, path: object) -> object:
        names.append(Path(str(path)).name)
        return parse_deck(text, path)  # type: ignore[arg-type]

    monkeypatch.setattr(deck_loader, "parse_deck", spy)
    return names
