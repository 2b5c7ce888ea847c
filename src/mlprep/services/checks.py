"""`mlprep check`: every problem in the decks and the reading list, as ``file:line: message``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mlprep.core.card_style import literal_number_start, style_problems
from mlprep.core.deck_format import DeckError, cited_ids, parse_deck
from mlprep.core.latex_check import formula_problems
from mlprep.core.models import Deck, DeckId
from mlprep.services.deck_loader import load_decks, read_deck_text, shipped_decks_dir, shipped_resources_dir
from mlprep.services.reading import load_reading_list


@dataclass(frozen=True)
class DeckCheck:
    """What :func:`check_decks` found: ``problems`` (errors: ``mlprep check`` exits 1) and ``warnings``
    (reported, not failing), each sorted by file and line, and how many decks and cards parsed."""

    problems: list[DeckError]
    warnings: list[DeckError]
    decks: int
    cards: int


def check_decks(dirs: Iterable[Path], files: Iterable[Path] = (), reading: Path | None = None,
                missing: Iterable[Path] = ()) -> DeckCheck:
    """Validate the decks under ``dirs`` plus single deck ``files``, and the reading list at
    ``reading`` (default: the shipped ``resources/reading.yaml``); each path of ``missing`` (given by
    the user but not found) is a problem.

    Checks the deck format (which already demands a non-empty front and back), card-id uniqueness
    across decks, a ``source`` on every card (an error for the shipped decks, a warning for the user's
    own: the deck format asks it of shipped cards only), that every ``$...$`` / ``$$...$$`` formula
    can be typeset, that no two fronts are near-identical, and that every shipped deck names its
    curriculum area and leaf; then :func:`reading_problems`. A side that opens with ``2. `` (a numbered
    list of one item in Markdown, most likely a number meant as text) is a warning. A file that fails
    to parse still has its parsed cards checked, so one pass reports every problem that can be found.
    """
    shipped = shipped_decks_dir().resolve()
    dirs = list(dirs)
    result = load_decks(dirs)
    problems = [DeckError(path, 0, "no such file or folder") for path in missing]
    problems.extend(result.errors)
    warnings: list[DeckError] = []
    decks = list(result.decks)
    broken = sorted({Path(e.path) for e in result.errors} - {Path(d.path) for d in decks})
    partial: list[Deck] = []
    for path in [*broken, *files]:
        try:
            deck = parse_deck(read_deck_text(path), path)
        except DeckError as exc:
            if path in files:
                problems.extend(exc.problems)
            if exc.cards:
                partial.append(Deck(id=DeckId(path.stem), title=path.stem, area="", path=path, cards=exc.cards))
            continue
        if path in files:  # a folder's file that parses was left out for another reason (a repeated deck id)
            decks.append(deck)
    for deck in [*decks, *partial]:
        errors, notes = _content_problems(deck, shipped=Path(deck.path).resolve().parent == shipped)
        problems.extend(errors)
        warnings.extend(notes)
    problems.extend(near_duplicate_fronts(decks))
    problems.extend(curriculum_problems([d for d in decks if Path(d.path).resolve().parent == shipped]))
    problems.extend(reading_problems(decks, reading))
    problems = list({str(p): p for p in problems}.values())  # a broken file's problems, once
    problems.sort(key=lambda p: (p.path, p.line))
    warnings.sort(key=lambda p: (p.path, p.line))
    return DeckCheck(problems, warnings, len(decks), sum(len(d.cards) for d in decks))


def _content_problems(deck: Deck, *, shipped: bool) -> tuple[list[DeckError], list[DeckError]]:
    """(errors, warnings) for the cards of ``deck``: a missing source (an error only when ``shipped``),
    formulas that cannot be typeset, and (warnings) a side that opens with a number Markdown would show
    as a numbered list (:func:`mlprep.core.card_style.literal_number_start`)."""
    try:
        lines = Path(deck.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    out: list[DeckError] = []
    notes: list[DeckError] = []
    for card in deck.cards:
        if not card.source.strip():
            if shipped:
                out.append(DeckError(deck.path, card.line, f"card {card.id}: no 'source:'"))
            else:
                notes.append(DeckError(deck.path, card.line, f"warning: card {card.id}: no 'source:' "
                                       "(say where its answer can be checked)"))
        for side, text in (("front", card.front), ("back", card.back)):
            if (number := literal_number_start(text)) is not None:
                first = text.lstrip().splitlines()[0]
                notes.append(DeckError(deck.path, _line_of(lines, first, card.line),
                                       f'warning: card {card.id} ({side}): starts with "{number}. ", which Markdown '
                                       f'shows as a numbered list; write "{number}\\." for the number as text'))
            for offset, message in formula_problems(text):
                snippet = text[offset:].splitlines()[0] if text[offset:] else ""
                line = _line_of(lines, snippet, card.line)
                out.append(DeckError(deck.path, line, f"card {card.id} ({side}): {message}"))
    return out, notes


def _line_of(lines: list[str], snippet: str, start: int) -> int:
    """The 1-based line at or after ``start`` whose text contains ``snippet``."""
    for index in range(max(start - 1, 0), len(lines)):
        if snippet and snippet in lines[index]:
            return index + 1
    return start


_WORD_RE = re.compile(r"[a-z0-9]+")
NEAR_DUPLICATE = 0.85  # Jaccard similarity of word sets above which two fronts are near-identical


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD_RE.findall(text.lower()))


def near_duplicate_fronts(decks: Sequence[Deck], threshold: float = NEAR_DUPLICATE) -> list[DeckError]:
    """Pairs of cards (across all ``decks``) whose fronts share at least ``threshold`` of
    their words (Jaccard similarity), reported at the later card."""
    cards = [(deck, card, _words(card.front)) for deck in decks for card in deck.cards]
    out = []
    for i, (deck, card, words) in enumerate(cards):
        for other_deck, other, other_words in cards[:i]:
            small, large = sorted((len(words), len(other_words)))
            if not large or small / large < threshold:
                continue  # Jaccard <= small/large: cannot reach the threshold
            if len(words & other_words) / len(words | other_words) >= threshold:
                out.append(DeckError(deck.path, card.line, f"card {card.id}: front nearly repeats card {other.id} "
                                                         f"({Path(other_deck.path).name}:{other.line})"))
    return out


def curriculum_problems(decks: Sequence[Deck]) -> list[DeckError]:
    """Shipped decks must name their curriculum leaf (so every card has area and leaf tags)."""
    return [DeckError(d.path, 2, "a shipped deck needs a 'leaf' (a curriculum leaf such as \"1.1\")")
            for d in decks if not d.leaf]


def reading_problems(decks: Sequence[Deck], path: Path | None = None) -> list[DeckError]:
    """Every problem in the reading list at ``path`` (default: the shipped one), at its
    line; and, when the list loads, every ``@id`` a card's ``source:`` cites that the list
    lacks, at the card's line in its deck file."""
    reading = load_reading_list(path)
    if reading.errors:
        return list(reading.errors)
    known = {item.id for item in reading.items}
    out = []
    for deck in decks:
        missing = [(card, i) for card in deck.cards for i in cited_ids(card.source) if i not in known]
        if not missing:
            continue
        try:
            lines = Path(deck.path).read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        for card, item_id in missing:
            line = _line_of(lines, f"@{item_id}", card.line)
            out.append(DeckError(deck.path, line, f"card {card.id}: source cites @{item_id}, which is not in "
                                                  f"the reading list ({reading.path.name})"))
    return out


STYLE_ALLOW_FILE = "style-allow.txt"


def style_allow_list(path: Path | None = None) -> frozenset[str]:
    """Card ids whose two-part front is truly one idea (``resources/style-allow.txt``: one id a line,
    ``#`` starts a comment giving the reason)."""
    path = path or shipped_resources_dir() / STYLE_ALLOW_FILE
    if not path.is_file():
        return frozenset()
    ids = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(i for i in ids if i)


@dataclass(frozen=True)
class StyleReport:
    """What ``mlprep check --style`` found: ``problems`` (``file:line: card id: message``), the cards
    read and the share of them flagged (percent)."""

    problems: tuple[DeckError, ...]
    cards: int
    flagged: int

    @property
    def share(self) -> float:
        """Flagged cards as a percentage of the cards read."""
        return 100 * self.flagged / self.cards if self.cards else 0.0


def check_style(dirs: Iterable[Path], files: Iterable[Path] = (), allow: frozenset[str] | None = None) -> StyleReport:
    """The bar for one card (:mod:`mlprep.core.card_style`) over the decks under ``dirs`` and the deck
    ``files``, ids in ``allow`` (default :func:`style_allow_list`) excepted. Decks that do not parse
    are left to :func:`check_decks`."""
    allowed = style_allow_list() if allow is None else allow
    decks = list(load_decks(list(dirs)).decks)
    for path in files:
        try:
            decks.append(parse_deck(read_deck_text(path), path))
        except DeckError:
            continue
    problems, flagged, cards = [], 0, 0
    for deck in decks:
        for card in deck.cards:
            cards += 1
            found = style_problems(card, allowed)
            flagged += bool(found)
            problems += [DeckError(Path(deck.path), card.line, f"card {card.id}: {p.message}") for p in found]
    return StyleReport(tuple(problems), cards, flagged)
