"""`mlprep check`: every problem in the decks, as ``file:line: message``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mlprep.core.deck_format import DeckError, parse_deck
from mlprep.core.latex_check import formula_problems
from mlprep.core.models import Deck
from mlprep.services.deck_loader import load_decks


def check_decks(dirs: Iterable[Path], files: Iterable[Path] = ()) -> tuple[list[DeckError], int, int]:
    """Validate the decks under ``dirs`` plus single deck ``files``.

    Returns (problems sorted by file and line, decks parsed, cards parsed). Checks the
    deck format, card-id uniqueness across decks, a ``source`` on every card, and that
    every ``$...$`` / ``$$...$$`` formula can be typeset.
    """
    result = load_decks(list(dirs))
    problems = list(result.errors)
    decks = list(result.decks)
    for path in files:
        try:
            decks.append(parse_deck(path.read_text(encoding="utf-8"), path))
        except DeckError as exc:
            problems.extend(exc.problems)
    for deck in decks:
        problems.extend(_content_problems(deck))
    problems.sort(key=lambda p: (p.path, p.line))
    return problems, len(decks), sum(len(d.cards) for d in decks)


def _content_problems(deck: Deck) -> list[DeckError]:
    try:
        lines = Path(deck.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    out = []
    for card in deck.cards:
        if not card.source.strip():
            out.append(DeckError(deck.path, card.line, f"card {card.id}: no 'source:'"))
        for side, text in (("front", card.front), ("back", card.back)):
            for offset, message in formula_problems(text):
                snippet = text[offset:].splitlines()[0] if text[offset:] else ""
                line = _line_of(lines, snippet, card.line)
                out.append(DeckError(deck.path, line, f"card {card.id} ({side}): {message}"))
    return out


def _line_of(lines: list[str], snippet: str, start: int) -> int:
    """The 1-based line at or after ``start`` whose text contains ``snippet``."""
    for index in range(max(start - 1, 0), len(lines)):
        if snippet and snippet in lines[index]:
            return index + 1
    return start
