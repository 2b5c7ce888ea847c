"""Write cards and decks as mlprep deck Markdown (``docs/deck-format.md``) that :func:`parse_deck` reads back.

The writer is the parser's inverse: for every :class:`NewCard` without :func:`card_problems`,
``parse_deck(deck_markdown(title, area, cards))`` gives back each card's id, front, back, tags and source
(front and back with their line endings made ``\\n`` and outer blanks stripped, as the parser does). Text
the format cannot hold is refused with a :class:`CardWriteError` naming the card, the field and the line:

* a line of the front or back (outside fenced code) starting with ``## `` would start a new card;
* a line of the front starting with ``A:`` would start the back;
* a fenced code block (```` ``` ```` or ``~~~``) left open would swallow the rest of the file;
* a ``source:`` of several lines, a tag the parser does not accept (``TAG_RE``), an invalid card id.

:func:`sanitized` turns any card into one the format holds (for importers of foreign text): headings are
demoted to ``###``, an ``A:`` line is indented by one space (Markdown shows it the same), an open fence is
closed, a source is joined into one line and a tag's invalid characters become ``-``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Container, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mlprep.core.deck_format import CARD_ID_RE, MAX_FRONT_MATTER_CHARS, TAG_RE
from mlprep.core.fences import LineKind, classify_lines, ends_inside_block
from mlprep.core.taxonomy import AREAS_BY_SLUG

# The parser's markers (mlprep.core.deck_format): a card heading, and the line that starts the back.
_HEADING_RE = re.compile(r"^##[ \t]+\S")
_BACK_RE = re.compile(r"^A:(?:\s|$)")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SLUG_WORDS = 8
_SLUG_CHARS = 60


@dataclass(frozen=True)
class NewCard:
    """A card to write: ``id`` (``CARD_ID_RE``: lower-case letters, digits, ``-._``, at most 80 characters),
    ``front`` and ``back`` as Markdown, the card's own ``tags`` (the deck adds its area, leaf and tags) and
    ``source`` (one line: where the answer can be checked; "" for none)."""

    id: str
    front: str
    back: str
    tags: tuple[str, ...] = ()
    source: str = ""


class CardWriteError(ValueError):
    """Text the deck format cannot hold: ``field`` is ``"id"``, ``"front"``, ``"back"``, ``"tags"``,
    ``"source"``, ``"title"``, ``"area"`` or ``"cards"``; ``line`` is 1-based within that field (0: the
    whole field); ``card_id`` is "" for a deck-level problem. ``str(err)`` reads
    ``"card la-rank: front, line 3: ..."``."""

    def __init__(self, card_id: str, field: str, line: int, message: str) -> None:
        self.card_id = card_id
        self.field = field
        self.line = line
        self.message = message
        where = f"{field}, line {line}" if line else field
        super().__init__(f"card {card_id}: {where}: {message}" if card_id else f"{where}: {message}")


def normalize_text(text: str) -> str:
    """``text`` as the parser gives a card side back: every line break (``str.splitlines``) made ``\\n``,
    outer blanks stripped."""
    return "\n".join(text.splitlines()).strip()


def card_problems(card: NewCard) -> list[CardWriteError]:
    """Everything in ``card`` the deck format cannot hold (see the module docstring), in field order;
    ``[]`` when :func:`card_markdown` will write it."""
    out: list[CardWriteError] = []
    if not CARD_ID_RE.match(card.id):
        out.append(CardWriteError(card.id, "id", 0, "use lower-case letters, digits, '-', '.', '_' "
                                                    "(at most 80 characters, starting with a letter or digit)"))
    for side in ("front", "back"):
        text = normalize_text(getattr(card, side))
        if not text:
            out.append(CardWriteError(card.id, side, 0, "is empty"))
        out.extend(CardWriteError(card.id, side, line, message) for line, message in _side_problems(text, side))
    out.extend(CardWriteError(card.id, "tags", 0, f"invalid tag {tag!r}: use letters, digits and _ . : / + - "
                                                  "(starting with a letter or digit)")
               for tag in card.tags if not TAG_RE.match(tag))
    if len(card.source.strip().splitlines()) > 1:
        out.append(CardWriteError(card.id, "source", 0, "must be one line"))
    return out


def _side_problems(text: str, side: str) -> list[tuple[int, str]]:
    """``(line, message)`` for each line of a normalized card side that the parser would misread."""
    lines = text.split("\n")
    kinds = classify_lines(lines)
    out: list[tuple[int, str]] = []
    for number, (line, kind) in enumerate(zip(lines, kinds, strict=True), 1):
        if kind is not LineKind.TEXT or number == 1:  # the first line goes on the Q:/A: line
            continue
        if _HEADING_RE.match(line):
            out.append((number, "a line starting with '## ' would start a new card (use '### ' for a heading)"))
        elif side == "front" and _BACK_RE.match(line):
            out.append((number, "a line starting with 'A:' would start the back (indent it by a space)"))
    if ends_inside_block(kinds):
        opened = max(i for i, kind in enumerate(kinds, 1) if kind is LineKind.OPEN)
        out.append((opened, "this code block (```) is never closed"))
    return out


def sanitized(card: NewCard) -> NewCard:
    """``card`` changed as little as needed for the format to hold it (module docstring); the id is kept
    (check it with :func:`card_problems`). Tags that are left empty are dropped."""
    tags = tuple(dict.fromkeys(t for t in (_sanitized_tag(tag) for tag in card.tags) if t))
    return replace(card, front=_sanitized_side(card.front, "front"), back=_sanitized_side(card.back, "back"),
                   tags=tags, source=" ".join(part.strip() for part in card.source.splitlines() if part.strip()))


def _sanitized_side(text: str, side: str) -> str:
    lines = normalize_text(text).split("\n")
    kinds = classify_lines(lines)
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if kind is LineKind.TEXT and index > 0:
            if _HEADING_RE.match(line):
                lines[index] = "#" + line
            elif side == "front" and _BACK_RE.match(line):
                lines[index] = " " + line
    if ends_inside_block(kinds):
        opened = max(i for i, kind in enumerate(kinds) if kind is LineKind.OPEN)
        fence = _FENCE_RE.match(lines[opened])
        lines.append(fence.group(1) if fence else "```")
    return "\n".join(lines)


def _sanitized_tag(tag: str) -> str:
    ascii_tag = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_.:/+-]+", "-", ascii_tag).lstrip("_.:/+-")


def _side_markdown(marker: str, text: str) -> str:
    """``Q: text`` (or ``A:``), with the text on the next line when its first line opens a code fence."""
    if classify_lines(text.split("\n", 1)[:1])[0] is LineKind.OPEN:
        return f"{marker}:\n{text}\n"
    return f"{marker}: {text}\n"


def card_markdown(card: NewCard) -> str:
    """One card block, ``"## id\\ntags: a, b\\nsource: ...\\n\\nQ: ...\\n\\nA: ...\\n"`` (no ``tags:`` or
    ``source:`` line when empty). Raises :class:`CardWriteError` (the first of :func:`card_problems`) for
    text the format cannot hold."""
    problems = card_problems(card)
    if problems:
        raise problems[0]
    head = [f"## {card.id}"]
    if card.tags:
        head.append("tags: " + ", ".join(dict.fromkeys(card.tags)))
    if card.source.strip():
        head.append(f"source: {card.source.strip()}")
    return ("\n".join(head) + "\n\n" + _side_markdown("Q", normalize_text(card.front)) + "\n"
            + _side_markdown("A", normalize_text(card.back)))


def front_matter(title: str, area: str, tags: Sequence[str] = ()) -> str:
    """A deck's YAML front matter, ``"---\\ntitle: ...\\narea: ...\\n---\\n"``. Raises :class:`CardWriteError`
    for an empty or multi-line title, an area that is not one of the nine (``mlprep.core.taxonomy``), or an
    invalid tag."""
    if not title.strip() or len(title.splitlines()) != 1:
        raise CardWriteError("", "title", 0, "a deck title is one line of text, not empty")
    if area not in AREAS_BY_SLUG:
        raise CardWriteError("", "area", 0, f"must be one of {', '.join(AREAS_BY_SLUG)}; got {area!r}")
    for tag in tags:
        if not TAG_RE.match(tag):  # a tag is one line, so the header stays four short lines
            raise CardWriteError("", "tags", 0, f"invalid deck tag {tag!r}")
    import yaml  # imported when a deck is written, not at start (issue 16)

    dumped = yaml.safe_dump({"title": title, "area": area}, allow_unicode=True, sort_keys=False,
                            default_flow_style=False, width=1 << 16)
    if tags:  # a flow list, [a, b], as the shipped decks write it
        dumped += "tags: " + yaml.safe_dump(list(dict.fromkeys(tags)), default_flow_style=True, width=1 << 16)
    if len(dumped) > MAX_FRONT_MATTER_CHARS - 8:
        raise CardWriteError("", "title", 0, f"title and tags are too long (at most {MAX_FRONT_MATTER_CHARS:,} "
                                             "characters of front matter)")
    return f"---\n{dumped}---\n"


def deck_markdown(title: str, area: str, cards: Sequence[NewCard], *, tags: Sequence[str] = ()) -> str:
    """A whole deck file: front matter (:func:`front_matter`), then each card's :func:`card_markdown`, a blank
    line apart. Raises :class:`CardWriteError` for a bad title, area or tag, a card the format cannot hold,
    or a card id used twice."""
    seen: set[str] = set()
    for card in cards:
        if card.id in seen:
            raise CardWriteError(card.id, "id", 0, "is used by another card of the deck")
        seen.add(card.id)
    blocks = [card_markdown(card) for card in cards]
    return front_matter(title, area, tags) + "".join("\n" + block for block in blocks)


def slug(text: str) -> str:
    """A card-id-shaped slug of ``text``: ASCII lower case, runs of other characters made ``-``, at most
    the first 8 words and 60 characters; ``"card"`` when nothing is left. Math and Markdown marks are
    dropped with the other punctuation."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:_SLUG_WORDS]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > _SLUG_CHARS:
            break
        out = candidate
    return out or (words[0][:_SLUG_CHARS] if words else "card")


def new_card_id(text: str, taken: Container[str]) -> str:
    """A new card id from ``text`` (usually the front): :func:`slug`, then ``-2``, ``-3``... until it is not
    in ``taken`` (every id in use, across all decks). The result always matches ``CARD_ID_RE``."""
    base = slug(text)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def write_atomically(path: Path, text: str) -> None:
    """Replace (or create) ``path`` with ``text`` encoded as UTF-8, bytes as given (no newline translation):
    write a temporary file in the same folder (``.<name>.*.tmp``, never read as a deck), fsync it, keep the
    old file's permissions, rename it over ``path`` (atomic on POSIX and Windows) and fsync the folder. A
    failure leaves ``path`` as it was and no temporary file. Raises ``OSError`` (or ``UnicodeEncodeError``
    for a lone surrogate)."""
    data = text.encode("utf-8")
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
