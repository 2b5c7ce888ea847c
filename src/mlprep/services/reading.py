"""The reading list as the user sees it: items joined with status, notes and citing cards;
filters and search; and what to read next given the review log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from pathlib import Path

from mlprep.core.clock import DEFAULT_ROLLOVER_HOUR, Clock, study_day
from mlprep.core.deck_format import REF_TAG_PREFIX, DeckError
from mlprep.core.models import Deck
from mlprep.core.planner import Weight
from mlprep.core.reading_list import (
    Level,
    ReadingItem,
    ReadingKind,
    ReadingProgress,
    ReadingStatus,
    cited_ids,
    parse_reading_list,
)
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.core.wording import count_of
from mlprep.services.deck_loader import shipped_resources_dir
from mlprep.services.planning import Planner
from mlprep.storage.collection_db import CollectionDb
from mlprep.storage.reading_store import AreaProgress, ReadingStore

__all__ = ["AreaProgress", "AreaWeakness", "ReadingEntry", "ReadingList", "ReadingService", "Recommendation",
           "area_weakness", "entry_json", "filter_entries", "load_reading_list", "recommend",
           "ref_tag", "shipped_reading_path"]

READING_FILE = "reading.yaml"
WINDOW_DAYS = 90  # the review log's window for retention
# The job descriptions' own books first, then the canon's gentlest entries: the order a new
# user with no review history is shown.
STARTER_IDS = ("ng-mly", "geron-homl", "raschka-pml", "islr", "goodfellow-dl", "bishop-prml")


def shipped_reading_path() -> Path:
    """The reading list shipped with mlprep (``resources/reading.yaml``)."""
    return shipped_resources_dir() / READING_FILE


@dataclass(frozen=True)
class ReadingList:
    """The parsed list (``items`` in file order) or, when it does not load, no items and
    every problem in ``errors`` (``file:line: message``)."""

    path: Path
    items: tuple[ReadingItem, ...]
    errors: tuple[DeckError, ...] = ()


def load_reading_list(path: Path | None = None) -> ReadingList:
    """Read and parse the reading list at ``path`` (default: the shipped one).

    Never raises: an unreadable file or any validation problem comes back in ``errors``
    (see :func:`mlprep.core.reading_list.parse_reading_list`), with no items.
    """
    path = path or shipped_reading_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ReadingList(path, (), (DeckError(path, 0, f"cannot read the reading list: {exc}"),))
    try:
        return ReadingList(path, tuple(parse_reading_list(text, path)))
    except DeckError as exc:
        return ReadingList(path, (), tuple(exc.problems))


@dataclass(frozen=True)
class ReadingEntry:
    """One row of the reading view: the item, the user's status (and the study day it was
    set), their notes, and how many present cards cite the item."""

    item: ReadingItem
    status: ReadingStatus = ReadingStatus.TO_READ
    status_date: date | None = None
    notes: str = ""
    cite_count: int = 0


@dataclass(frozen=True)
class Recommendation:
    """An entry to read next, its score (higher first) and a one-line ``reason``."""

    entry: ReadingEntry
    score: float
    reason: str
    area: str = ""


def ref_tag(item_id: str) -> str:
    """The tag carried by every card citing ``item_id`` (``"ref:<id>"``): study it as a tag scope."""
    return REF_TAG_PREFIX + item_id


def _haystack(item: ReadingItem) -> str:
    return " ".join((item.title, *item.authors, item.organisation, item.why)).casefold()


def filter_entries(entries: Iterable[ReadingEntry], *, kind: ReadingKind | str | None = None,
                   area: str | None = None, level: Level | str | None = None,
                   status: ReadingStatus | str | None = None, query: str = "") -> list[ReadingEntry]:
    """The entries matching every given filter, in their order.

    ``kind``, ``level``, ``status`` match exactly, ``area`` is one of the item's area slugs;
    ``None`` (or ``""``) means any. ``query`` matches when every whitespace-separated word
    occurs, case-insensitively, in the title, authors, organisation or why.
    """
    words = query.casefold().split()
    return [e for e in entries
            if (not kind or e.item.kind == kind) and (not level or e.item.level == level)
            and (not status or e.status == status) and (not area or area in e.item.areas)
            and all(w in _haystack(e.item) for w in words)]


def _ref_counts(decks: Iterable[Deck]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for deck in decks:
        for card in deck.cards:
            counts.update(t.removeprefix(REF_TAG_PREFIX) for t in card.tags if t.startswith(REF_TAG_PREFIX))
    return dict(counts)


def entry_json(entry: ReadingEntry) -> dict[str, object]:
    """One entry as a JSON-ready dict: every item field (``notes`` is the list's own note,
    ``short_title`` ``""`` when the item has none),
    then the user's ``status``, ``status_date`` (ISO day or null), ``user_notes`` and
    ``cite_count``."""
    item = entry.item
    return {
        "id": item.id, "title": item.title, "short_title": item.short_title, "authors": list(item.authors),
        "organisation": item.organisation,
        "kind": str(item.kind), "url": item.url, "areas": list(item.areas), "level": str(item.level),
        "free": item.free, "why": item.why, "year": item.year, "notes": item.notes,
        "status": str(entry.status), "status_date": entry.status_date.isoformat() if entry.status_date else None,
        "user_notes": entry.notes, "cite_count": entry.cite_count,
    }


class ReadingService:
    """The reading list joined with one collection's statuses, notes and citing cards.

    ``reading`` is a loaded :class:`ReadingList`; ``storage`` the open collection, or ``None``
    to browse without one (every item ``to_read``; cite counts then come from ``decks``,
    and writes raise ``RuntimeError``). Study days use the collection's rollover hour and
    ``tz`` (default: the system's zone); time comes only from ``clock``.
    """

    def __init__(self, reading: ReadingList, storage: CollectionDb | None, clock: Clock, *,
                 decks: Sequence[Deck] = (), tz: tzinfo | None = None) -> None:
        self.reading = reading
        self.items = reading.items
        self._by_id = {item.id: item for item in self.items}
        self._storage = storage
        self._store = storage.reading if storage is not None else None
        self._clock = clock
        self._tz = tz
        self._deck_counts = _ref_counts(decks) if storage is None else {}
        self._counts: dict[str, int] | None = None

    @property
    def errors(self) -> tuple[DeckError, ...]:
        """The reading list's load problems (empty when it loaded)."""
        return self.reading.errors

    def today(self) -> date:
        """The current study day (the collection's rollover hour)."""
        hour = self._storage.settings.study().rollover_hour if self._storage else DEFAULT_ROLLOVER_HOUR
        return study_day(self._clock.now(), self._tz, hour)

    def item(self, item_id: str) -> ReadingItem:
        """The item with this id; raises ``KeyError`` if the list has none."""
        return self._by_id[item_id]

    def _cite_counts(self, *, fresh: bool) -> dict[str, int]:
        """Cards citing each item: counted by :meth:`entries` (a pass over the cards' tags,
        ~0.15 s at 100,000 cards), reused by :meth:`entry` until the next :meth:`entries`."""
        if self._store is None:
            return self._deck_counts
        if fresh or self._counts is None:
            self._counts = self._store.cite_counts()
        return self._counts

    def entries(self) -> list[ReadingEntry]:
        """Every item in list order with its status, notes and cite count (counted afresh)."""
        progress = self._store.all() if self._store else {}
        counts = self._cite_counts(fresh=True)
        return [self._entry(item, progress.get(item.id), counts.get(item.id, 0)) for item in self.items]

    def entry(self, item_id: str) -> ReadingEntry:
        """One item's entry (cite count as of the last :meth:`entries`); raises ``KeyError``
        for an unknown id."""
        item = self._by_id[item_id]
        progress = self._store.get(item_id) if self._store else None
        return self._entry(item, progress, self._cite_counts(fresh=False).get(item_id, 0))

    @staticmethod
    def _entry(item: ReadingItem, progress: ReadingProgress | None, count: int) -> ReadingEntry:
        if progress is None:
            return ReadingEntry(item, cite_count=count)
        return ReadingEntry(item, progress.status, progress.status_date, progress.notes, count)

    def _writable(self, item_id: str) -> ReadingStore:
        if self._store is None:
            raise RuntimeError("no collection is open: statuses and notes cannot be saved")
        if item_id not in self._by_id:
            raise KeyError(item_id)
        return self._store

    def set_status(self, item_id: str, status: ReadingStatus, today: date | None = None) -> ReadingEntry:
        """Set the item's status as of study day ``today`` (default: the clock's); return the
        updated entry. Raises ``KeyError`` for an unknown id."""
        self._writable(item_id).set_status(item_id, ReadingStatus(status), today or self.today(), self._clock.now())
        return self.entry(item_id)

    def set_notes(self, item_id: str, text: str) -> ReadingEntry:
        """Replace the item's notes; return the updated entry. Raises ``KeyError`` for an unknown id."""
        self._writable(item_id).set_notes(item_id, text, self._clock.now())
        return self.entry(item_id)

    def items_for_source(self, source: str) -> list[ReadingItem]:
        """The items a card's ``source:`` text cites (``@id``), in citation order; ids not in
        the list are skipped (``mlprep check`` reports them)."""
        return [self._by_id[i] for i in cited_ids(source) if i in self._by_id]

    def area_progress(self) -> dict[str, AreaProgress]:
        """Per area with present cards: cards, cards seen, lapses, and review answers over the
        last :data:`WINDOW_DAYS` days (with no history, only the card counts); empty without a
        collection. Reads the whole review-log window (~1 s at 1,000,000 log rows, ~130,000 in
        the window): keep it while only statuses change."""
        if self._store is None:
            return {}
        return self._store.area_progress(self._clock.now() - timedelta(days=WINDOW_DAYS))

    def focus_areas(self) -> tuple[str, ...]:
        """The areas the interview plan in force studies twice as much (``focus``), in curriculum
        order; none without a plan or a collection."""
        if self._storage is None:
            return ()
        plan = Planner(self._storage).active(self.today())
        if plan is None:
            return ()
        focus = [a for a, w in plan.area_weights.items() if w is Weight.FOCUS]
        return tuple(sorted(focus, key=lambda a: AREAS_BY_SLUG[a].number if a in AREAS_BY_SLUG else 99))

    def recommend(self, limit: int = 5, entries: Sequence[ReadingEntry] | None = None,
                  progress: Mapping[str, AreaProgress] | None = None) -> list[Recommendation]:
        """What to read next, best first (see :func:`recommend`, with the plan's
        :meth:`focus_areas`); ``entries`` and ``progress`` default to fresh reads
        (:meth:`entries`, :meth:`area_progress`)."""
        entries = self.entries() if entries is None else entries
        progress = self.area_progress() if progress is None else progress
        focus = self.focus_areas() if not any(p.reviews for p in progress.values()) else ()
        return recommend(entries, progress, limit, focus=focus)


# -- recommending ---------------------------------------------------------------------

# The level each stage calls for (see area_weakness), and the factor an item gets for being
# 0, 1 or 2 levels away from it.
_STAGE_LEVEL = {"starting": Level.BEGINNER, "building": Level.INTERMEDIATE, "deepening": Level.ADVANCED}
_LEVEL_ORDER = {level: i for i, level in enumerate(Level)}
_LEVEL_FIT = (1.0, 0.9, 0.75)
UNCITED = 0.85  # factor for an item no card cites (it explains no card the user fails)
SPREAD = 0.1  # each area beyond the first makes an item less targeted: 1 / (1 + SPREAD * (n - 1))
PER_AREA = 2  # at most this many recommendations for one weak area while others wait
GOOD_RETENTION = 0.85  # below it, an area's reason cites its retention
_KIND_WEIGHT = {ReadingKind.COMMUNITY: 0.5, ReadingKind.CERTIFICATION: 0.5}  # not reading


@dataclass(frozen=True)
class AreaWeakness:
    """One area's weakness in [0, 1] and its parts: ``fail`` = 1 - retention of review
    answers (0 with none), ``lapse`` = lapses per seen card (capped at 1), ``unseen`` = the
    share of its cards never answered; ``stage`` is starting / building / deepening."""

    area: str
    weakness: float
    fail: float
    lapse: float
    unseen: float
    stage: str
    retention: float | None = None


def area_weakness(p: AreaProgress) -> AreaWeakness:
    """Score one area: ``0.5 * fail + 0.25 * lapse + 0.25 * unseen`` (see :class:`AreaWeakness`).

    Stage: *starting* while under a third of the area's cards have been seen or retention
    is under 50 % (the basics are not holding); *deepening* once two thirds are seen with
    retention of 80 % or more (strong: lapses there call for advanced material); else
    *building*.
    """
    retention = p.passes / p.reviews if p.reviews else None
    fail = 1 - retention if retention is not None else 0.0
    lapse = min(1.0, p.lapses / p.seen) if p.seen else 0.0
    seen_share = p.seen / p.cards if p.cards else 0.0
    if seen_share < 1 / 3 or (retention is not None and retention < 0.5):
        stage = "starting"
    elif seen_share >= 2 / 3 and (retention is None or retention >= 0.8):
        stage = "deepening"
    else:
        stage = "building"
    return AreaWeakness(p.area, 0.5 * fail + 0.25 * lapse + 0.25 * (1 - seen_share), fail, lapse,
                        1 - seen_share, stage, retention)


def _reason(w: AreaWeakness) -> str:
    """One line naming the area and the figure that makes it weak."""
    title = AREAS_BY_SLUG[w.area].title if w.area in AREAS_BY_SLUG else w.area
    if w.retention is not None and w.retention < GOOD_RETENTION:
        return f"weak area: {title} (retention {round(100 * w.retention)} %)"
    if w.lapse >= 0.3:
        return f"weak area: {title} ({w.lapse:.1f} lapses per card)"
    if w.unseen >= 0.5:
        return f"new ground: {title} ({round(100 * (1 - w.unseen))} % of its cards seen)"
    if w.retention is not None:
        return f"keep it up: {title} (retention {round(100 * w.retention)} %)"
    return f"next in {title}"


def recommend(entries: Sequence[ReadingEntry], progress: Mapping[str, AreaProgress],
              limit: int = 5, *, focus: Sequence[str] = ()) -> list[Recommendation]:
    """Rank the entries not yet done by how well they address the user's weak areas.

    For each area with cards, :func:`area_weakness` blends failed reviews (1 - retention
    over the review-kind answers in ``progress``, a pass being quality >= 3), lapses per
    seen card and the share of cards never seen, and names the user's stage there. An item
    scores, over its areas, the best ``weakness x level fit``, times its focus and weights:

    - level fit: 1.0 for the level the stage calls for (beginner while *starting*, i.e.
      little seen or failing; intermediate while *building*; advanced once *deepening*,
      i.e. much seen with high retention yet lapsing), 0.9 one level off, 0.75 two off;
    - focus: ``1 / (1 + 0.1 (areas - 1))``, so a site spanning four areas yields to a book
      on the weak one;
    - 0.85 if no card cites the item, 0.5 for communities and certifications.

    At most :data:`PER_AREA` picks share a deciding area until the other areas' picks run
    out. Ties go to the item cited by more cards, then list order: the ranking is
    deterministic.

    Before any review (no review answer in ``progress``: day one, when only new cards have been
    answered, retention and lapses say nothing yet and the unseen share makes every untouched area
    look equally weak), :func:`foundations`: the beginner items of the areas the user is about to
    study, ``focus`` areas (the plan's) first. Without even the card counts (``progress`` empty),
    the starter order: :data:`STARTER_IDS`, then other beginner books, each "start here: <level>
    <kind> · N cards cite it".
    """
    open_entries = [e for e in entries if e.status is not ReadingStatus.DONE]
    if not any(p.reviews for p in progress.values()):
        picks = foundations(open_entries, progress, limit, focus=focus)
        return picks or _starter(open_entries, limit)
    weak = {a: area_weakness(p) for a, p in progress.items() if p.cards}
    ranked: list[tuple[float, int, int, Recommendation]] = []
    for index, entry in enumerate(open_entries):
        item = entry.item
        scored = [(weak[a].weakness * _fit(item.level, weak[a].stage), -item.areas.index(a), a)
                  for a in item.areas if a in weak]
        if not scored:
            continue
        score, _, area = max(scored)
        score *= _KIND_WEIGHT.get(item.kind, 1.0) / (1 + SPREAD * (len(item.areas) - 1))
        score *= 1.0 if entry.cite_count else UNCITED
        ranked.append((-score, -entry.cite_count, index, Recommendation(entry, round(score, 4), _reason(weak[area]),
                                                                        area)))
    ranked.sort(key=lambda r: r[:3])
    return _spread([r[3] for r in ranked], limit)


def _fit(level: Level, stage: str) -> float:
    return _LEVEL_FIT[abs(_LEVEL_ORDER[level] - _LEVEL_ORDER[_STAGE_LEVEL[stage]])]


def _spread(ranked: list[Recommendation], limit: int) -> list[Recommendation]:
    """The first ``limit`` of ``ranked`` taking at most PER_AREA per area, topped up in
    rank order when there are too few areas."""
    chosen: list[Recommendation] = []
    per_area: Counter[str] = Counter()
    for rec in ranked:
        if len(chosen) < limit and per_area[rec.area] < PER_AREA:
            chosen.append(rec)
            per_area[rec.area] += 1
    chosen += [r for r in ranked if r not in chosen][:limit - len(chosen)]
    return sorted(chosen, key=ranked.index)


# Foundations: the kinds that teach an area from its start, gentlest first; communities and
# certifications are not reading.
_FOUNDATION_KINDS = (ReadingKind.BOOK, ReadingKind.COURSE, ReadingKind.SITE, ReadingKind.DOCS, ReadingKind.PAPER)


def foundations(entries: Sequence[ReadingEntry], progress: Mapping[str, AreaProgress], limit: int = 5, *,
                focus: Sequence[str] = ()) -> list[Recommendation]:
    """The first reading for the areas a user is about to study: the ``focus`` areas in their order, then
    the other areas with new cards, most new cards (``cards - seen``) first (curriculum order on ties);
    in each area its ``beginner`` items, a book or course before a site, docs or a paper, an item whose
    first area it is before one that spans it, the one more cards cite, then list order. One pick per
    area in turn, round after round, up to ``limit``; reason "start here: <area> (N new cards)" or
    "start here: <area>, your plan's focus". Empty when no area has a beginner item."""
    new = {a: p.cards - p.seen for a, p in progress.items() if p.cards}
    rest = sorted((a for a in new if a not in focus and new[a] > 0),
                  key=lambda a: (-new[a], AREAS_BY_SLUG[a].number if a in AREAS_BY_SLUG else 99, a))
    areas = [a for a in dict.fromkeys(focus) if a in new] + rest
    index = {id(e): i for i, e in enumerate(entries)}

    def candidates(area: str) -> list[ReadingEntry]:
        found = [e for e in entries if area in e.item.areas and e.item.level is Level.BEGINNER
                 and e.item.kind in _FOUNDATION_KINDS]
        return sorted(found, key=lambda e: (_FOUNDATION_KINDS.index(e.item.kind) > 1, e.item.areas[0] != area,
                                            -e.cite_count, index[id(e)]))

    queues = {a: candidates(a) for a in areas}
    chosen: list[Recommendation] = []
    taken: set[str] = set()
    while len(chosen) < limit and any(queues.values()):
        for area in areas:
            queue = queues[area]
            while queue and queue[0].item.id in taken:
                queue.pop(0)
            if not queue or len(chosen) >= limit:
                continue
            entry = queue.pop(0)
            taken.add(entry.item.id)
            title = AREAS_BY_SLUG[area].title if area in AREAS_BY_SLUG else area
            why = ", your plan's focus" if area in focus else f" ({count_of(new[area], 'new card')})"
            chosen.append(Recommendation(entry, 0.0, f"start here: {title}{why}", area))
    return chosen


def _starter(entries: Sequence[ReadingEntry], limit: int) -> list[Recommendation]:
    by_id = {e.item.id: e for e in entries}
    chosen = [by_id[i] for i in STARTER_IDS if i in by_id]
    chosen += [e for e in entries if e.item.kind is ReadingKind.BOOK and e.item.level is Level.BEGINNER
               and e not in chosen]
    return [Recommendation(e, 0.0, f"start here: {e.item.level} {e.item.kind}"
                           + (f" · {e.cite_count} cards cite it" if e.cite_count > 1 else ""), e.item.areas[0])
            for e in chosen[:limit]]
