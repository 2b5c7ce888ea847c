"""The deck list's figures: per deck and per area, new, re-drill and due cards as today's queue allows
them; and the deck files' load problems, grouped per file for the deck list's banner."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath

from mlprep.core.deck_format import DeckError
from mlprep.core.models import DeckCounts, DeckId
from mlprep.core.study_settings import ALL_DECKS, LimitKind, ScopeKind, StudyScope, StudySettings
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.queue import DailyLimits, TodayQueue
from mlprep.storage.collection_db import CollectionDb


@dataclass(frozen=True)
class DeckRow(DeckCounts):
    """One deck of the deck list: its :class:`DeckCounts` after today's limits, and ``learn``, its cards
    owed a same-day re-drill (SM-2 step 7, Anki's "Learn" column; bound by no limit)."""

    learn: int = 0


@dataclass(frozen=True)
class AreaCounts:
    """One curriculum area of the deck list: its slug, its label (``"1. Math & statistics"``),
    its decks in curriculum order, and its totals (new and due capped, like every total, by the global
    limits; ``learn``: its decks' re-drills)."""

    area: str
    label: str
    decks: tuple[DeckRow, ...]
    new: int
    due: int
    learn: int = 0

    @property
    def title(self) -> str:
        """The area's name without its number (``"Math & statistics"``), the slug for an unknown area."""
        area = AREAS_BY_SLUG.get(self.area)
        return area.title if area else self.area


@dataclass(frozen=True)
class Overview:
    """The deck list: areas in curriculum order with their decks, and the day's totals (``new``,
    ``due``, ``learn`` = cards owed a same-day re-drill) after every limit."""

    areas: tuple[AreaCounts, ...]
    new: int
    due: int
    learn: int

    @property
    def decks(self) -> list[DeckCounts]:
        """Every deck row (a :class:`DeckRow`), in the order shown."""
        return [deck for area in self.areas for deck in area.decks]


def _curriculum_order(row: DeckCounts, leaf: str) -> tuple[int, tuple[int, ...], str]:
    area = AREAS_BY_SLUG.get(row.area)
    return (area.number if area else 99, tuple(int(p) for p in leaf.split(".") if p.isdigit()), row.title)


def area_label(slug: str) -> str:
    """``"1. Math & statistics"`` for a curriculum area, the slug itself for any other."""
    area = AREAS_BY_SLUG.get(slug)
    return f"{area.number}. {area.title}" if area else slug


def deck_overview(storage: CollectionDb, settings: StudySettings, today: date, since: datetime, *,
                  extra_new: Mapping[StudyScope, int] | None = None) -> Overview:
    """Per present deck, the new, re-drill and due counts Anki's deck browser would show on study day
    ``today`` (which began at the UTC instant ``since``): what is available, capped by the deck's
    own limits and the global limits left after today's answers (:class:`TodayQueue`), and the cards
    owed a re-drill today; decks in curriculum order (area, then leaf); area and day totals capped by
    the global limits.

    ``extra_new`` holds today's extra new cards per scope (Anki's "increase today's new card limit",
    :meth:`mlprep.services.collection.Collection.extend_new_limit`): a deck's or an area's own extra
    raises the limits of its row only, so each row shows what studying that deck or area gives now; the
    all-decks entry is ignored (``settings`` already carry it), and tags have no row."""
    rows = storage.cards.deck_counts(today)
    available = {row.deck_id: {LimitKind.NEW: row.new, LimitKind.REVIEW: row.due} for row in rows}
    queue = TodayQueue(storage, settings, ALL_DECKS, today, since, available=available)
    capped = queue.deck_counts()
    limits = _extended_limits(storage, settings, since, extra_new or {}, queue.limits)
    new_available = {deck: n[LimitKind.NEW] for deck, n in available.items()}

    def new_of(deck: DeckId) -> int:
        return limits(StudyScope(ScopeKind.DECK, deck)).capped(LimitKind.NEW, {deck: new_available[deck]})[deck]

    leaves = storage.cards.deck_leaves()
    decks = sorted((DeckRow(row.deck_id, row.title, row.area, new_of(row.deck_id), capped[row.deck_id].review,
                            row.total, capped[row.deck_id].learn) for row in rows),
                   key=lambda r: _curriculum_order(r, leaves.get(r.deck_id, "")))
    by_area: dict[str, list[DeckRow]] = {}
    for row in decks:
        by_area.setdefault(row.area, []).append(row)
    due_left = queue.limits.left(LimitKind.REVIEW)
    areas = tuple(AreaCounts(slug, area_label(slug), tuple(group),
                             limits(StudyScope(ScopeKind.AREA, slug)).total(
                                 LimitKind.NEW, {r.deck_id: new_available[r.deck_id] for r in group}),
                             min(due_left, sum(r.due for r in group)), sum(r.learn for r in group))
                  for slug, group in by_area.items())
    totals = queue.counts()
    return Overview(areas, totals.new, totals.review, totals.learn)


def _extended_limits(storage: CollectionDb, settings: StudySettings, since: datetime,
                     extra_new: Mapping[StudyScope, int], base: DailyLimits) -> Callable[[StudyScope], DailyLimits]:
    """The daily limits a session in a deck or area scope gets: ``base`` unless the scope has extra new
    cards today, then ``settings`` raised by them, against today's answers (read once, if any scope has)."""
    extra = {scope: n for scope, n in extra_new.items() if scope.kind in (ScopeKind.DECK, ScopeKind.AREA) and n > 0}
    if not extra:
        return lambda scope: base
    answered = storage.study.answered_since(since, since + timedelta(days=1))
    raised = {scope: DailyLimits(settings.extended(LimitKind.NEW, n), answered) for scope, n in extra.items()}
    return lambda scope: raised.get(scope, base)


# -- the deck files' problems ---------------------------------------------------------------------------

_YAML_MARK = re.compile(r'\s*in "<unicode string>", line \d+, column \d+:(?:.*? \^(?=\s|$)|.*$)')
"""Where PyYAML's message quotes the source: the mark, the line excerpt and its caret (or the rest of a
message cut short). PyYAML's ``MarkedYAMLError`` text is ``context``, mark, ``problem``, mark, ``note``."""


def short_message(message: str) -> str:
    """A deck problem's ``message`` for a one-line banner: a PyYAML error quoted in it is reduced to
    its problem (``"front matter is not valid YAML: mapping values are not allowed here"``, without
    PyYAML's context, source excerpt and carets); any other message comes back unchanged."""
    head, sep, yaml_text = message.partition("YAML: ")
    if not sep or not _YAML_MARK.search(yaml_text):
        return message
    parts = [part.strip(" ,") for part in _YAML_MARK.split(yaml_text)]
    parts = [part for part in parts if part]
    if not parts:
        return message
    problem = parts[1] if len(parts) > 1 else parts[0]  # parts[0] is the context when a problem follows
    return f"{head}{sep}{problem}"


@dataclass(frozen=True)
class DeckFileProblems:
    """One deck file's problems, in line order (each a :class:`DeckError`): ``path`` is the file,
    ``loaded`` whether its deck loaded all the same (then each problem dropped one card: a card id
    another deck holds, see :func:`mlprep.services.deck_loader.load_decks`) or the file was skipped."""

    path: str
    loaded: bool
    problems: tuple[DeckError, ...]

    @property
    def name(self) -> str:
        """The file's name (``"linear-algebra.md"``)."""
        return PurePath(self.path).name

    @property
    def skipped_cards(self) -> int:
        """Cards left out of a deck that loaded (0 for a skipped file: all of them are)."""
        return len(self.problems) if self.loaded else 0

    def status(self) -> str:
        """``"skipped (not loaded)"`` or ``"loaded, 2 cards skipped"``."""
        if not self.loaded:
            return "skipped (not loaded)"
        return f"loaded, {self.skipped_cards} card{'' if self.skipped_cards == 1 else 's'} skipped"


def deck_problems(errors: Iterable[DeckError], loaded: Collection[str]) -> tuple[DeckFileProblems, ...]:
    """``errors`` (a sync's, in file order) grouped per file in that order; ``loaded`` holds the paths
    of the deck files whose deck is in the collection now (a file among them loaded except the cards
    its problems name)."""
    by_file: dict[str, list[DeckError]] = {}
    for error in errors:
        by_file.setdefault(error.path, []).append(error)
    return tuple(DeckFileProblems(path, path in loaded, tuple(found)) for path, found in by_file.items())
