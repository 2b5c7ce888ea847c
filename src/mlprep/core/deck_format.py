"""Parse mlprep's Markdown deck files.

A deck is one UTF-8 Markdown file: YAML front matter (``title``, ``area``, optional
``leaf`` and ``tags``), an optional description, then cards. Each card starts with a
level-2 heading holding its stable id, then optional ``tags:`` / ``source:`` lines,
then ``Q:`` (the front) and ``A:`` (the back). Markers inside fenced code blocks are
ignored. The full format is documented in ``docs/deck-format.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from mlprep.core.fences import LineKind, classify_lines, ends_inside_block
from mlprep.core.models import Card, CardId, Deck, DeckId
from mlprep.core.taxonomy import AREAS_BY_SLUG, LEAVES, area_of_leaf

CARD_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/+-]*$")
_HEADING_RE = re.compile(r"^##[ \t]+(\S.*)$")  # linear: trailing blanks are stripped afterwards
_META_RE = re.compile(r"^([A-Za-z_-]+):\s*(.*)$")
_SIDE_RE = re.compile(r"^(Q|A):(?:\s|$)(.*)$")
# A reading-list citation in a card's ``source:`` (``@clrs, ch. 3``); not preceded by a word
# character or a dot, so an e-mail address or a metric name like ``precision@k`` is not one.
CITATION_RE = re.compile(r"(?<![\w.@])@([a-z0-9][a-z0-9-]*)")
_TAG_SPLIT_RE = re.compile(r"[,\s]+")
REF_TAG_PREFIX = "ref:"
CARD_META_KEYS = frozenset({"tags", "source"})
DECK_KEYS = frozenset({"title", "area", "leaf", "tags"})


MAX_FRONT_MATTER_CHARS = 4096
"""A deck's front matter holds four short keys: more is a mistake (or an attack), refused before YAML runs."""


MAX_FRONT_MATTER_DEPTH = 8

# The front matter every shipped deck has (``title: Trees & ensembles``, ``leaf: "2.8"``, ``tags: [a, b]``),
# read without running PyYAML's pure-Python loader (23 ms of a 95 ms parse of the shipped decks, issue 16).
# Only forms whose YAML value is plain to see are read here: a plain scalar of ASCII letters, digits and
# `` _.,&()/+'-`` starting with a letter and not ending in a space (no ``:`` or ``#``: nothing that could
# end a key or start a comment), a double-quoted string of those characters without ``\`` or ``"``, or a
# flow sequence of plain items; a plain scalar that one of YAML's implicit resolvers would turn into a
# bool or null (``yes``, ``Off``, ``null``...) is left to PyYAML, and so is every other line.
_SIMPLE_ENTRY_RE = re.compile(r"([a-z]+): (.*)")
_SIMPLE_PLAIN_RE = re.compile(r"[A-Za-z](?:[A-Za-z0-9 _.,&()/+'-]*[A-Za-z0-9_.,&()/+'-])?")
_SIMPLE_QUOTED_RE = re.compile('"([A-Za-z0-9 _.,&()/+\'-]*)"')
_SIMPLE_FLOW_RE = re.compile(r"\[ *([A-Za-z][A-Za-z0-9_./+-]*(?: *, *[A-Za-z][A-Za-z0-9_./+-]*)*) *\]")
_SIMPLE_FLOW_SPLIT_RE = re.compile(r" *, *")


_YAML_WORDS = frozenset({"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                         "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"})
"""The plain scalars starting with a letter that PyYAML's SafeLoader reads as something other than a string:
YAML 1.1's booleans and null (the implicit resolvers ``yaml.resolver.Resolver`` registers for a first letter
are those two; tests/core/test_front_matter_fast.py checks this list against PyYAML's)."""


def _is_plain_string(value: str) -> bool:
    """Whether YAML reads the plain scalar ``value`` (starting with an ASCII letter) as a string."""
    return value not in _YAML_WORDS


def _simple_front_matter(source: str) -> dict[str, Any] | None:
    """``source`` read as YAML when every line is ``key: value`` in one of the forms above, else ``None``
    (read it with PyYAML). When not ``None`` it equals ``yaml.load(source, Loader=FrontMatterLoader)``
    (tests/core/test_front_matter_fast.py checks it on generated headers)."""
    header: dict[str, Any] = {}
    for line in source.split("\n"):
        if not line:
            continue
        entry = _SIMPLE_ENTRY_RE.fullmatch(line)
        if entry is None or not _is_plain_string(entry.group(1)):
            return None
        key, value = entry.groups()
        if (quoted := _SIMPLE_QUOTED_RE.fullmatch(value)) is not None:
            header[key] = quoted.group(1)
        elif (flow := _SIMPLE_FLOW_RE.fullmatch(value)) is not None:
            items = _SIMPLE_FLOW_SPLIT_RE.split(flow.group(1))
            if not all(_is_plain_string(item) for item in items):
                return None
            header[key] = items
        elif _SIMPLE_PLAIN_RE.fullmatch(value) is not None and _is_plain_string(value):
            header[key] = value
        else:
            return None
    return header or None


def reads_without_yaml(text: str) -> bool:
    """Whether :func:`parse_deck` reads the front matter of deck ``text`` without PyYAML (a closed header
    whose every line the plain-line reader takes): then PyYAML's version has no say in the result
    (:mod:`mlprep.services.parsed_decks` stores only such decks)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return False
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    source = "\n".join(lines[1:end]) if end is not None else ""
    return end is not None and len(source) <= MAX_FRONT_MATTER_CHARS and _simple_front_matter(source) is not None


def _nesting(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in ``text`` (quotes ignored: an over-estimate is only refused)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (PyYAML's span several, with a source excerpt)."""
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")


class DeckError(Exception):
    """A problem in a deck file, at a 1-based ``line`` (0 when the whole file).

    ``str(err)`` is ``"path:line: message"``. When :func:`parse_deck` finds several
    problems it raises the first, ``problems`` lists all of them in file order, and ``cards`` holds
    the cards that parsed (so that a checker can look at them too).
    """

    def __init__(self, path: PurePath | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        self.problems: list[DeckError] = [self]
        self.cards: tuple[Card, ...] = ()
        super().__init__(f"{self.path}:{line}: {message}")


@dataclass
class _CardDraft:
    id: str
    line: int
    meta: dict[str, str] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    front: list[str] | None = None
    back: list[str] | None = None
    stray_line: int = 0


def cited_ids(source: str) -> list[str]:
    """The reading-list ids a card's ``source`` text cites as ``@id``, in order, each once.

    ``"@clrs, ch. 3; @esl §7.10"`` gives ``["clrs", "esl"]``; trailing hyphens are not
    part of an id (``"@d2l-"`` gives ``["d2l"]``).
    """
    if "@" not in source:  # most cards cite nothing: skip the regex (issue 16)
        return []
    return list(dict.fromkeys(m.group(1).rstrip("-") for m in CITATION_RE.finditer(source)))


def parse_tags(value: str) -> tuple[str, ...]:
    """Split a ``tags:`` value (comma- or space-separated, optional ``[...]``) into tags."""
    value = value.strip().removeprefix("[").removesuffix("]")
    return tuple(t for t in _TAG_SPLIT_RE.split(value) if t)


def parse_deck(text: str, path: PurePath | str) -> Deck:
    """Parse one deck file's ``text``; ``path`` names the file in errors and the deck id.

    Returns a :class:`Deck` whose cards keep file order; every card's tags start with the
    deck's area slug and ``leaf:<id>`` (when the deck names a leaf), then the deck's and the
    card's own tags, then ``ref:<id>`` for each reading-list item its ``source:`` cites
    (:func:`cited_ids`). Raises :class:`DeckError`
    (with every problem found in ``.problems``) for malformed front matter, unknown
    area or leaf, a card without ``Q:``/``A:``, an empty side, an invalid or repeated
    id, an unknown metadata key, or text outside a card.
    """
    path = PurePath(path)
    problems: list[DeckError] = []
    lines = text.splitlines()
    header, body_start = _front_matter(lines, path, problems)
    description, drafts = _split_cards(lines, body_start, path, problems)
    deck_id = DeckId(path.stem)
    deck_tags = parse_tags(str(header.get("tags", ""))) if not isinstance(header.get("tags"), list) \
        else tuple(str(t) for t in header["tags"])
    curriculum_tags = tuple(t for t in (str(header.get("area") or ""),
                                        f"leaf:{header['leaf']}" if header.get("leaf") else "") if t)
    cards = _build_cards(drafts, deck_id, curriculum_tags + deck_tags, path, problems)
    if problems:
        problems.sort(key=lambda p: p.line)
        first = problems[0]
        first.problems = problems
        first.cards = tuple(cards)
        raise first
    return Deck(
        id=deck_id,
        title=str(header["title"]),
        area=str(header["area"]),
        leaf=str(header.get("leaf", "") or ""),
        path=path,
        tags=deck_tags,
        description=description,
        cards=tuple(cards),
    )


def _front_matter(lines: list[str], path: PurePath, problems: list[DeckError]) -> tuple[dict[str, Any], int]:
    if not lines or lines[0].strip() != "---":
        problems.append(DeckError(path, 1, "a deck must start with YAML front matter ('---')"))
        return {"title": "", "area": ""}, 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(DeckError(path, 1, "front matter is not closed by a '---' line"))
        return {"title": "", "area": ""}, len(lines)
    source = "\n".join(lines[1:end])
    if len(source) > MAX_FRONT_MATTER_CHARS:
        problems.append(DeckError(path, 1, f"front matter is {len(source):,} characters long: at most "
                                           f"{MAX_FRONT_MATTER_CHARS:,} (title, area, leaf, tags)"))
        return {"title": "", "area": ""}, end + 1
    if (depth := _nesting(source)) > MAX_FRONT_MATTER_DEPTH:
        problems.append(DeckError(path, 2, f"front matter nests [ or {{ {depth} deep: "
                                           f"at most {MAX_FRONT_MATTER_DEPTH}"))
        return {"title": "", "area": ""}, end + 1
    header = _simple_front_matter(source)
    if header is None and (header := _yaml_front_matter(source, path, problems)) is None:
        return {"title": "", "area": ""}, end + 1
    if not isinstance(header, dict):
        problems.append(DeckError(path, 2, "front matter must be a mapping of keys to values"))
        return {"title": "", "area": ""}, end + 1
    _check_header(header, path, problems)
    return header, end + 1


def _yaml_front_matter(source: str, path: PurePath, problems: list[DeckError]) -> Any:
    """``source`` read by PyYAML (:class:`~mlprep.core.front_matter_loader.FrontMatterLoader`; ``{}`` for an
    empty header), or ``None`` after appending the problem to ``problems``. PyYAML is imported here, for a
    header the plain-line reader (:func:`_simple_front_matter`) declined: reading the shipped decks imports
    no YAML (issue 16)."""
    import yaml

    from mlprep.core.front_matter_loader import FrontMatterLoader

    try:
        return yaml.load(source, Loader=FrontMatterLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problems.append(DeckError(path, line, f"front matter is not valid YAML: {_one_line(exc)}"))
    except Exception as exc:  # PyYAML's constructors raise ValueError, IndexError ('!!float ""'), RecursionError...
        problems.append(DeckError(path, 2, f"front matter has a value YAML cannot read: {_one_line(exc)}"))
    return None


def _check_header(header: dict[str, Any], path: PurePath, problems: list[DeckError]) -> None:
    for key in header:
        if key not in DECK_KEYS:
            problems.append(DeckError(path, 2, f"unknown front matter key {key!r} "
                                               f"(expected {', '.join(sorted(DECK_KEYS))})"))
    if not str(header.get("title") or "").strip():
        problems.append(DeckError(path, 2, "front matter needs a 'title'"))
    area = str(header.get("area") or "")
    if area not in AREAS_BY_SLUG:
        problems.append(DeckError(path, 2, f"'area' must be one of {', '.join(AREAS_BY_SLUG)}; got {area!r}"))
    leaf = str(header.get("leaf") or "")
    if leaf:
        if leaf not in LEAVES:
            problems.append(DeckError(path, 2, f"unknown curriculum leaf {leaf!r}"))
        elif area in AREAS_BY_SLUG and area_of_leaf(leaf).slug != area:
            problems.append(DeckError(path, 2, f"leaf {leaf} does not belong to area {area!r}"))


def _split_cards(lines: list[str], start: int, path: PurePath,
                 problems: list[DeckError]) -> tuple[str, list[_CardDraft]]:
    kinds = classify_lines(lines)
    # Card headings (level-2 headings outside fenced blocks): the lines before the first are the deck's
    # description, and each card's lines run to the next heading (issue 16: read card by card, an answer's
    # lines in one slice).
    headings = [(i, heading) for i in range(start, len(lines)) if lines[i].startswith("##")
                and kinds[i] is LineKind.TEXT and (heading := _HEADING_RE.match(lines[i])) is not None]
    ends = [i for i, _ in headings[1:]] + [len(lines)] if headings else []
    description = lines[start:headings[0][0] if headings else len(lines)]
    drafts: list[_CardDraft] = []
    for (first, heading), end in zip(headings, ends, strict=True):
        draft = _CardDraft(id=heading.group(1).rstrip(), line=first + 1)
        drafts.append(draft)
        _fill_draft(draft, lines, kinds, first + 1, end)
    if ends_inside_block(kinds[start:]):
        problems.append(DeckError(path, len(lines), "a fenced code block is never closed"))
    return "\n".join(description).strip(), drafts


def _fill_draft(draft: _CardDraft, lines: list[str], kinds: list[LineKind], first: int, end: int) -> None:
    """Read ``lines[first:end]`` (0-based; ``kinds`` from :func:`classify_lines`) into ``draft``: its
    ``tags:``/``source:`` lines, ``Q:`` and the front, ``A:`` and the back (every line to ``end``), and
    the first stray line before ``Q:``."""
    for index in range(first, end):
        if draft.back is not None:
            draft.back.extend(lines[index:end])
            return
        line = lines[index]
        if kinds[index] is LineKind.TEXT and _card_marker(draft, line, index + 1):
            continue
        if draft.front is not None:
            draft.front.append(line)
        elif line.strip() and not draft.stray_line:
            draft.stray_line = -1  # fenced text before Q:, reported below


def _card_marker(draft: _CardDraft, line: str, lineno: int) -> bool:
    """Consume a metadata or Q:/A: line of the current card; return True if consumed."""
    if draft.back is not None:  # the answer's text: nothing more to consume (the common case)
        return False
    side = _SIDE_RE.match(line) if line[:2] in ("Q:", "A:") else None
    if side and side.group(1) == "Q" and draft.front is None:
        draft.front = [side.group(2)]
        return True
    if side and side.group(1) == "A" and draft.front is not None and draft.back is None:
        draft.back = [side.group(2)]
        return True
    if draft.front is None:
        meta = _META_RE.match(line)
        if meta:
            key, value = meta.groups()
            draft.meta[key.lower()] = value.strip()
            draft.meta_lines.setdefault(key.lower(), lineno)
        elif line.strip() and not draft.stray_line:
            draft.stray_line = lineno
        return True
    return False


def _build_cards(drafts: list[_CardDraft], deck_id: DeckId, deck_tags: tuple[str, ...],
                 path: PurePath, problems: list[DeckError]) -> list[Card]:
    cards: list[Card] = []
    seen: dict[str, int] = {}
    valid: dict[str, bool] = {}  # tag -> matches TAG_RE: the deck's tags repeat on every card
    for d in drafts:
        problems.extend(_draft_problems(d, seen, path))
        seen.setdefault(d.id, d.line)
        refs = tuple(REF_TAG_PREFIX + i for i in cited_ids(d.meta.get("source", "")))
        tags = tuple(dict.fromkeys(deck_tags + parse_tags(d.meta.get("tags", "")) + refs))
        for tag in tags:
            if (ok := valid.get(tag)) is None:
                ok = valid[tag] = TAG_RE.match(tag) is not None
            if not ok:
                problems.append(DeckError(path, d.line, f"card {d.id}: invalid tag {tag!r}"))
        cards.append(Card(
            id=CardId(d.id), deck=deck_id,
            front="\n".join(d.front or []).strip(), back="\n".join(d.back or []).strip(),
            tags=tags, source=d.meta.get("source", ""), line=d.line,
        ))
    return cards


def _draft_problems(d: _CardDraft, seen: dict[str, int], path: PurePath) -> list[DeckError]:
    out: list[DeckError] = []
    if not CARD_ID_RE.match(d.id):
        shown = d.id if len(d.id) <= 90 else d.id[:60] + "…"
        out.append(DeckError(path, d.line, f"invalid card id {shown!r}: use lower-case letters, digits, "
                                           "'-', '.', '_' (at most 80 characters)"))
    if d.id in seen:
        out.append(DeckError(path, d.line, f"card id {d.id!r} repeats the card at line {seen[d.id]}"))
    for key in d.meta:
        if key not in CARD_META_KEYS:
            line = d.meta_lines[key]
            out.append(DeckError(path, line, f"card {d.id}: unknown field {key!r} "
                                             f"(expected {', '.join(sorted(CARD_META_KEYS))}, Q:, A:)"))
    if d.stray_line:
        line = d.stray_line if d.stray_line > 0 else d.line
        out.append(DeckError(path, line, f"card {d.id}: text before 'Q:' (expected tags:, source: or Q:)"))
    if d.front is None:
        out.append(DeckError(path, d.line, f"card {d.id}: no 'Q:' line (the front)"))
    elif d.back is None:
        out.append(DeckError(path, d.line, f"card {d.id}: no 'A:' line (the back)"))
    else:
        if not "\n".join(d.front).strip():
            out.append(DeckError(path, d.line, f"card {d.id}: the front (Q:) is empty"))
        if not "\n".join(d.back).strip():
            out.append(DeckError(path, d.line, f"card {d.id}: the back (A:) is empty"))
    return out
