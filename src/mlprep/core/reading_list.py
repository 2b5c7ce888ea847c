"""The recommended reading list: parse and validate ``resources/reading.yaml``.

The file is a YAML mapping ``items:`` holding one mapping per resource, with the fields
of :class:`ReadingItem` (:data:`REQUIRED` and :data:`OPTIONAL`). Required: ``id`` (lower-case
letters, digits, ``-``), ``title``, ``kind`` (:class:`ReadingKind`), ``url`` (https), ``areas``
(curriculum area slugs), ``level`` (:class:`Level`), ``free`` (true/false), ``why``; and
``authors`` (a list of names) or ``organisation``. Optional: ``year``, ``notes`` and
``short_title``, the name lists show when the title is long ("Designing ML Systems" for
"Designing Machine Learning Systems: An Iterative Process for Production-Ready Applications"):
shorter than the title; the full title stays in the detail pane and the list's tooltip. Cards cite items from their
``source:`` line as ``@id`` (:func:`cited_ids`). Problems are reported as
:class:`~mlprep.core.deck_format.DeckError` (``file:line: message``), every one of them,
each at the line of the item or field it concerns (read from the YAML node marks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

import yaml

from mlprep.core.deck_format import DeckError, cited_ids
from mlprep.core.taxonomy import AREAS_BY_SLUG

__all__ = ["FIELDS", "Level", "ReadingItem", "ReadingKind", "ReadingProgress", "ReadingStatus", "cited_ids",
           "parse_reading_list"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: 5x faster
ITEM_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REQUIRED = ("id", "title", "kind", "url", "areas", "level", "free", "why")
OPTIONAL = ("authors", "organisation", "year", "notes", "short_title")
FIELDS = frozenset(REQUIRED + OPTIONAL)


class ReadingKind(StrEnum):
    """What sort of resource an item is (stored and written as these strings)."""

    BOOK = "book"
    COURSE = "course"
    SITE = "site"
    COMMUNITY = "community"
    CERTIFICATION = "certification"
    PAPER = "paper"
    DOCS = "docs"


class Level(StrEnum):
    """Who an item is written for."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class ReadingStatus(StrEnum):
    """Where the user is with an item (stored as these strings)."""

    TO_READ = "to_read"
    READING = "reading"
    DONE = "done"

    @property
    def label(self) -> str:
        """``"To read"``, ``"Reading"``, ``"Done"``."""
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class ReadingItem:
    """One resource of the reading list.

    ``authors`` are people, ``organisation`` a publisher or body (at least one is set);
    ``areas`` are curriculum area slugs (:data:`mlprep.core.taxonomy.AREAS`); ``url`` is
    https; ``free`` is true when the whole resource costs nothing; ``year`` is the edition's
    year when known; ``short_title`` a shorter name for lists (``""``: none); ``line`` is the
    1-based line of the item in its file.
    """

    id: str
    title: str
    authors: tuple[str, ...]
    organisation: str
    kind: ReadingKind
    url: str
    areas: tuple[str, ...]
    level: Level
    free: bool
    why: str
    year: int | None = None
    notes: str = ""
    line: int = 0
    short_title: str = ""

    @property
    def list_title(self) -> str:
        """The name for a list or a one-line mention: ``short_title``, else ``title``."""
        return self.short_title or self.title

    @property
    def byline(self) -> str:
        """Authors joined by commas, then the organisation: ``"Hastie, Tibshirani (Springer)"``."""
        people = ", ".join(self.authors)
        if people and self.organisation:
            return f"{people} ({self.organisation})"
        return people or self.organisation


@dataclass(frozen=True)
class ReadingProgress:
    """The user's place with one item: ``status``, the study day it was set (``None`` when
    never set), and personal ``notes`` (plain text)."""

    item_id: str
    status: ReadingStatus = ReadingStatus.TO_READ
    status_date: date | None = None
    notes: str = ""


def parse_reading_list(text: str, path: PurePath | str) -> list[ReadingItem]:
    """Parse the reading list ``text``; ``path`` names the file in errors.

    Returns the items in file order. Raises :class:`DeckError` (the first problem, with all
    of them in ``.problems``, sorted by line) for invalid YAML, a top level that is not a
    mapping with an ``items:`` list, a missing or empty required field, an unknown or
    repeated field, an id that is not ``[a-z0-9-]+`` or repeats an earlier item, an unknown
    kind, level or area, a URL that is not ``https://host/...``, a ``free`` that is not
    true/false, a ``year`` that is not a whole number, or a ``short_title`` that is not
    shorter than the title.
    """
    problems: list[DeckError] = []
    items: list[ReadingItem] = []
    seen: dict[str, int] = {}
    for node in _item_nodes(text, path, problems):
        item_id, item = _item(node, path, problems)
        if item_id in seen:
            problems.append(DeckError(path, _line(node),
                                      f"item id {item_id!r} repeats the item at line {seen[item_id]}"))
        elif item_id:
            seen[item_id] = _line(node)
        if item is not None:
            items.append(item)
    if problems:
        problems.sort(key=lambda p: p.line)
        first = problems[0]
        first.problems = problems
        raise first
    return items


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _item_nodes(text: str, path: PurePath | str, problems: list[DeckError]) -> list[yaml.Node]:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(DeckError(path, line, f"not valid YAML: {reason}"))
        return []
    if not isinstance(root, yaml.MappingNode):
        problems.append(DeckError(path, _line(root) if root else 1, "the file must be a mapping with an 'items:' list"))
        return []
    items: yaml.Node | None = None
    for key, value in root.value:
        if key.value == "items":
            items = value
        else:
            problems.append(DeckError(path, _line(key), f"unknown top-level key {key.value!r} (expected 'items')"))
    if not isinstance(items, yaml.SequenceNode):
        line = _line(items) if items is not None else 1
        problems.append(DeckError(path, line, "'items:' must be a list of items"))
        return []
    return list(items.value)


def _construct(node: yaml.Node) -> Any:
    """The Python value of one YAML node (safe types only)."""
    return yaml.constructor.SafeConstructor().construct_document(node)


def _item(node: yaml.Node, path: PurePath | str, problems: list[DeckError]) -> tuple[str, ReadingItem | None]:
    """Validate one item's mapping node: (its id or ``""``, the item or ``None`` when it has
    problems, which are added to ``problems``)."""
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        problems.append(DeckError(path, line, "an item must be a mapping of fields (id:, title:, ...)"))
        return "", None
    fields: dict[str, tuple[Any, int]] = {}
    key_problems: list[tuple[int, str]] = []
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "<not a name>"
        if key not in FIELDS:
            key_problems.append((_line(key_node), f"unknown field {key!r} (expected {', '.join(REQUIRED + OPTIONAL)})"))
        elif key in fields:
            key_problems.append((_line(key_node), f"field {key!r} repeats line {fields[key][1]}"))
        else:
            try:
                fields[key] = (_construct(value_node), _line(value_node))
            except yaml.YAMLError as exc:
                reason = getattr(exc, "problem", None) or str(exc)
                key_problems.append((_line(value_node), f"{key!r} is not a plain YAML value: {reason}"))
    before = len(problems)
    checker = _Fields(fields, line, path, problems)
    item_id = checker.text("id")
    label = f"item {item_id}" if item_id else "item"
    checker.label = label
    problems.extend(DeckError(path, at, f"{label}: {message}") for at, message in key_problems)
    if item_id and not ITEM_ID_RE.match(item_id):
        checker.problem("id", f"{label}: invalid id {item_id!r}: use lower-case letters, digits and '-'")
    title, why = checker.text("title"), checker.text("why")
    credited = len(problems)
    authors, organisation = checker.authors(), checker.text("organisation", required=False)
    if not authors and not organisation and len(problems) == credited:
        checker.problem("", f"{label}: needs 'authors' (people) or 'organisation'")
    kind, level = checker.choice("kind", ReadingKind), checker.choice("level", Level)
    url, areas = checker.url(), checker.areas()
    free, year = checker.flag("free"), checker.year()
    notes, short_title = checker.text("notes", required=False), checker.text("short_title", required=False)
    if short_title and title and len(short_title) >= len(title):
        checker.problem("short_title",
                        f"{label}: 'short_title' must be shorter than the title ({len(title)} characters)")
    if len(problems) > before or kind is None or level is None or free is None:
        return item_id, None
    return item_id, ReadingItem(id=item_id, title=title, authors=authors, organisation=organisation, kind=kind, url=url,
                       areas=areas, level=level, free=free, why=why, year=year, notes=notes, line=line,
                       short_title=short_title)


class _Fields:
    """Typed reads of one item's fields, each adding a problem at the field's line."""

    def __init__(self, fields: dict[str, tuple[Any, int]], line: int, path: PurePath | str,
                 problems: list[DeckError]) -> None:
        self.fields, self.line, self.path, self.problems = fields, line, path, problems
        self.label = "item"

    def problem(self, key: str, message: str) -> None:
        line = self.fields[key][1] if key in self.fields else self.line
        self.problems.append(DeckError(self.path, line, message))

    def text(self, key: str, *, required: bool = True) -> str:
        if key not in self.fields:
            if required:
                self.problem(key, f"{self.label}: missing required field {key!r}")
            return ""
        value = self.fields[key][0]
        if value is None and not required:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
            self.problem(key, f"{self.label}: {key!r} must be non-empty text")
            return ""
        return " ".join(str(value).split()) if key != "why" else str(value).strip()

    def authors(self) -> tuple[str, ...]:
        if "authors" not in self.fields:
            return ()
        value = self.fields["authors"][0]
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            self.problem("authors", f"{self.label}: 'authors' must be a list of names")
            return ()
        return tuple(" ".join(n.split()) for n in names)

    def choice(self, key: str, enum: type[ReadingKind] | type[Level]) -> Any:
        if key not in self.fields:
            self.problem(key, f"{self.label}: missing required field {key!r}")
            return None
        value = self.fields[key][0]
        try:
            return enum(value)
        except ValueError:
            allowed = " | ".join(e.value for e in enum)
            self.problem(key, f"{self.label}: unknown {key} {value!r} (expected {allowed})")
            return None

    def url(self) -> str:
        url = self.text("url")
        if not url:
            return ""
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in url):
            self.problem("url", f"{self.label}: url must be an https:// address; got {url!r}")
        return url

    def areas(self) -> tuple[str, ...]:
        if "areas" not in self.fields:
            self.problem("areas", f"{self.label}: missing required field 'areas'")
            return ()
        value = self.fields["areas"][0]
        slugs = [value] if isinstance(value, str) else value
        if not isinstance(slugs, list) or not slugs or not all(isinstance(a, str) for a in slugs):
            self.problem("areas", f"{self.label}: 'areas' must list at least one area")
            return ()
        unknown = [str(s) for s in slugs if s not in AREAS_BY_SLUG]
        if unknown:
            self.problem("areas", f"{self.label}: unknown area {', '.join(map(repr, unknown))} "
                                  f"(expected {', '.join(AREAS_BY_SLUG)})")
        return tuple(dict.fromkeys(str(s) for s in slugs))

    def flag(self, key: str) -> bool | None:
        if key not in self.fields:
            self.problem(key, f"{self.label}: missing required field {key!r}")
            return None
        value = self.fields[key][0]
        if not isinstance(value, bool):
            self.problem(key, f"{self.label}: {key!r} must be true or false; got {value!r}")
            return None
        return value

    def year(self) -> int | None:
        if "year" not in self.fields or self.fields["year"][0] is None:
            return None
        value = self.fields["year"][0]
        if not isinstance(value, int) or isinstance(value, bool) or not 1000 <= value <= 2999:
            self.problem("year", f"{self.label}: 'year' must be a four-digit year; got {value!r}")
            return None
        return value
