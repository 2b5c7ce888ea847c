"""Write ``resources/parsed_decks.json``: the shipped decks parsed ahead, for a fresh data folder's first sync.

Run after editing a shipped deck or the deck parser (tests/services/test_parsed_decks.py fails until you do)::

    .venv/bin/python scripts/make_parsed_decks.py

It reads every deck file in ``decks/`` as the app does (:func:`mlprep.services.deck_loader.read_deck_text`),
parses it and writes, for each one that parses without a problem, its text's SHA-256 and the parsed deck
(:func:`mlprep.services.parsed_decks.make`, which checks that each stored deck builds back to the parsed one).
A stale file is never wrong, only unused: the app parses every text it does not find there.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlprep.services.deck_loader import deck_files, read_deck_text  # noqa: E402
from mlprep.services.parsed_decks import FILE_NAME, make, render  # noqa: E402

DECKS = ROOT / "decks"
TARGET = ROOT / "resources" / FILE_NAME


def current() -> str:
    """The file's text for the decks in ``decks/`` and the parser as they are now."""
    return render(make((path, read_deck_text(path)) for path in deck_files([DECKS])))


def main() -> None:
    TARGET.write_text(current(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
