"""The Browse window's use cases: search the collection, show rows and a card's history, and change many
cards at once, each change undoable.

Modelled on Anki's browser (``aqt/browser``, over ``col.find_cards`` and the ``col.sched`` verbs
``suspend_cards``, ``bury_cards``, ``schedule_cards_as_new``, ``set_due_date``, ``reposition_new_cards``):
a search gives card ids only, so a table can fetch the rows of what it shows; each action returns an
:class:`UndoRecord` and :meth:`Browser.undo` puts the cards back exactly as they were.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from mlprep.core import sm2
from mlprep.core.clock import Clock, study_day
from mlprep.core.models import Card, CardId, DeckId
from mlprep.core.search_query import SearchSyntaxError, parse
from mlprep.services.study import LEECH_TAG
from mlprep.storage.browse_queries import (
    BrowseOrder,
    BrowseRecord,
    FacetCounts,
    SearchSql,
    Snapshot,
    browse_queries,
    compile_search,
)
from mlprep.storage.collection_db import CollectionDb

__all__ = [
    "BrowseAction", "BrowseOrder", "BrowseRow", "BrowseState", "Browser", "CardDetail", "Facets", "HistoryRow",
    "SearchResult", "SearchSyntaxError", "UndoRecord", "plain_text", "row_json",
]


class BrowseState(StrEnum):
    """The state column: suspended and buried first, else new, learn (answered, repetitions 0) or review."""

    NEW = "new"
    LEARN = "learn"
    REVIEW = "review"
    SUSPENDED = "suspended"
    BURIED = "buried"


@dataclass(frozen=True)
class BrowseRow:
    """One row of the Browse table: ``front`` as plain text (Markdown and LaTeX markup stripped, at most
    :data:`FRONT_CHARS` characters), deck id and title, curriculum area, due study day (``None`` while
    new), interval (days), ease factor (SM-2 EF), repetitions (recalls in a row), reviews (times answered),
    lapses, its :class:`BrowseState`, and whether it is a leech."""

    card_id: CardId
    front: str
    deck_id: DeckId
    deck: str
    area: str
    due: date | None
    interval: int
    ease: float
    repetitions: int
    reviews: int
    lapses: int
    state: BrowseState
    leech: bool


@dataclass(frozen=True)
class HistoryRow:
    """One answer in a card's review history: when (UTC) and on which study day, the log's kind (new,
    review, drill, cram), the grade (SM-2 quality 0-5), and the interval (days) and EF it left."""

    reviewed_at: datetime
    day: date
    kind: str
    grade: int
    interval: int
    ease: float


@dataclass(frozen=True)
class CardDetail:
    """The detail pane's card: its content (Markdown, with its source), its row, and its review history
    oldest first."""

    card: Card
    row: BrowseRow
    history: tuple[HistoryRow, ...]


Facets = FacetCounts
"""The sidebar: present cards per area, per deck (id -> (title, count)) and per tag."""


class BrowseAction(StrEnum):
    """What the browser can do to the selected cards."""

    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    BURY = "bury"
    UNBURY = "unbury"
    FORGET = "forget"
    SET_DUE = "set due"
    REPOSITION = "reposition"


@dataclass(frozen=True)
class UndoRecord:
    """What one action did: the ``action``, the ``cards`` it changed, and the records it found
    (``snapshots``: what :meth:`Browser.undo` writes back)."""

    action: BrowseAction
    cards: int
    snapshots: tuple[Snapshot, ...]


FRONT_CHARS = 200

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "varphi": "φ", "omega": "ω", "Sigma": "Σ", "Delta": "Δ", "Omega": "Ω", "Theta": "Θ", "Lambda": "Λ",
    "sum": "Σ", "prod": "Π", "int": "∫", "partial": "∂", "nabla": "∇", "infty": "∞", "in": "∈", "to": "→",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "approx": "≈", "cdot": "·", "times": "×",
    "top": "ᵀ", "sqrt": "√", "lVert": "‖", "rVert": "‖", "Vert": "‖", "mid": "|", "ldots": "…", "dots": "…",
}
"""LaTeX commands shown as the character they typeset; other commands lose their backslash."""

_MARKUP: list[tuple[re.Pattern[str], _Repl]] = [
    (re.compile(r"```[^\n]*\n?|~~~[^\n]*\n?"), " "),  # code fence lines
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"<[^>]+>"), " "),  # HTML tags
    (re.compile(r"\\hat\s*\{?\s*([A-Za-z])(?:\s*\})?"), "\\1\u0302"),  # \hat y -> ŷ
    (re.compile(r"\\(?:left|right|big|Big|mathrm|mathbb|mathbf|mathcal|text|textbf|operatorname|bar|tilde|"
                r"vec|boldsymbol|displaystyle)(?![A-Za-z])"), ""),
    (re.compile(r"\\([A-Za-z]+)"), lambda m: _SYMBOLS.get(m.group(1), m.group(1))),
    (re.compile(r"\^\s*ᵀ"), "ᵀ"),
    (re.compile(r"\^2(?![0-9])"), "²"),
    (re.compile(r"\\(.)"), r"\1"),  # \{ -> {
    (re.compile(r"\$+|[{}`*_#>]"), ""),
    (re.compile(r"^\s*(?:Q:|[-+] |\d+\. )", re.MULTILINE), ""),
    (re.compile(r"\s+"), " "),
]


_Repl = str | Callable[[re.Match[str]], str]


def plain_text(markdown: str, limit: int = FRONT_CHARS) -> str:
    """``markdown`` as one line of plain text for a table cell: code fences, emphasis, headings, links,
    HTML tags, ``$`` and LaTeX backslashes and braces dropped (``$\\hat y = Hy$`` -> ``hat y = Hy``),
    whitespace collapsed, cut to ``limit`` characters with an ellipsis. A light touch, not a renderer."""
    text = markdown
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def row_json(row: BrowseRow) -> dict[str, object]:
    """``row`` as a JSON object: its fields by name, dates as ISO text (``None`` as null)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(row).items()}


def _state(record: BrowseRecord) -> BrowseState:
    if record.suspended:
        return BrowseState.SUSPENDED
    if record.buried:
        return BrowseState.BURIED
    if record.due is None:
        return BrowseState.NEW
    return BrowseState.REVIEW if record.repetitions > 0 else BrowseState.LEARN


def _row(record: BrowseRecord) -> BrowseRow:
    return BrowseRow(record.card_id, plain_text(record.front), record.deck_id, record.deck_title, record.area,
                     record.due, record.interval, record.easiness, record.repetitions, record.reviews,
                     record.lapses, _state(record), record.leech)


def _index(ids: list[CardId], card: CardId | None) -> int | None:
    if card is None:
        return None
    try:
        return ids.index(card)
    except ValueError:
        return None


BACKGROUND_NICE = 10
"""How much lower than the app's the search worker's CPU priority is (Linux nice increment, per thread):
on a busy machine the window's thread gets the CPU first, the sort waits."""


def _lower_priority() -> None:
    """Lower the calling thread's CPU priority by :data:`BACKGROUND_NICE` where the system allows a
    per-thread one (Linux: a thread is a task with its own nice value, ``setpriority(PRIO_PROCESS, tid)``);
    elsewhere nothing."""
    if sys.platform.startswith("linux"):
        with suppress(OSError):
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE))


@dataclass(frozen=True)
class SearchResult:
    """What :meth:`Browser.search_later` brings back: every matching id in order, the table rows of
    ``ids[first:first + len(rows)]`` (read on the worker too, so the window paints them without a query),
    and the index in ``ids`` of the card asked to be near (``None``: not asked, or not in the result)."""

    ids: list[CardId]
    first: int
    rows: list[BrowseRow]
    near: int | None = None


def _search_on(reader: CollectionDb, search: SearchSql, order_by: BrowseOrder, descending: bool,
               near: CardId | None, page: int, today: date) -> SearchResult:
    """:class:`SearchResult` of ``search`` read through ``reader`` (a connection made for this job, closed
    after): the rows are the ``page``-aligned page holding ``near`` (the first page without it) and the
    pages either side."""
    try:
        queries = browse_queries(reader, LEECH_TAG)
        ids = queries.ids(search, order_by, descending)
        at = _index(ids, near)
        first = max(0, ((at or 0) // page - 1) * page) if page > 0 else 0
        wanted = ids[first:first + 3 * page] if page > 0 else []
        return SearchResult(ids, first, [_row(r) for r in queries.records(wanted, today)], at)
    finally:
        reader.close()


class Browser:
    """Search and change the cards of an open collection (get one from
    :meth:`mlprep.services.collection.Collection.browse`).

    ``storage`` is the collection, ``clock`` tells the time, ``tz`` and ``rollover_hour`` make the study
    day (:func:`mlprep.core.clock.study_day`), and ``rank_new_cards`` re-computes the introduction order
    of new cards (called after forget and its undo, so a forgotten card is introduced again).
    """

    def __init__(self, storage: CollectionDb, clock: Clock, *, tz: tzinfo | None, rollover_hour: int,
                 rank_new_cards: Callable[[], object]) -> None:
        self._storage = storage
        self._queries = browse_queries(storage, LEECH_TAG)
        self._cards = storage.cards
        self._worker: ThreadPoolExecutor | None = None
        self._clock = clock
        self._tz = tz
        self._rollover = rollover_hour
        self._rank_new_cards = rank_new_cards
        self._undo: list[UndoRecord] = []

    def today(self) -> date:
        """The current study day."""
        return study_day(self._clock.now(), self._tz, self._rollover)

    # -- reading -----------------------------------------------------------------------------------

    def _compiled(self, query: str) -> SearchSql:
        return compile_search(parse(query), self.today(), leech_tag=LEECH_TAG, tz=self._tz,
                              rollover_hour=self._rollover)

    def search(self, query: str, order_by: BrowseOrder = BrowseOrder.DUE, descending: bool = False, *,
               limit: int | None = None) -> list[CardId]:
        """The ids of the present cards matching ``query`` (the syntax of :mod:`mlprep.core.search_query`),
        sorted by ``order_by`` (ties by card id), the first ``limit`` of them (``None``: all). Raises
        :class:`SearchSyntaxError` (with the column) for a malformed query."""
        return self._queries.ids(self._compiled(query), order_by, descending, limit=limit)

    def search_later(self, query: str, order_by: BrowseOrder = BrowseOrder.DUE, descending: bool = False, *,
                     near: CardId | None = None, page: int = 0) -> Future[SearchResult]:
        """:meth:`search` run on a worker thread, for a window that must not wait: every matching id,
        sorted, with the rows of the ``page``-aligned page holding card ``near`` (the first page when it is
        not in the result) and of the pages either side (no rows when ``page`` is 0). The query is read
        here, at once (:class:`SearchSyntaxError` is raised by this call, not by the future); the ids and
        rows are read on a second, read-only connection of the collection file
        (:meth:`mlprep.storage.collection_db.CollectionDb.reader`, opened for the job and closed after:
        SQLite releases the GIL while it sorts), which sees every change committed before this call.

        The future holds the :class:`SearchResult` or the error SQLite raised. One job runs at a time, in
        the order asked; cancel a future to drop a job that has not started. Without a file (in memory) or
        while this connection has a transaction open, the search runs here and the future is already done.
        """
        compiled = self._compiled(query)
        job = (compiled, order_by, descending, near, page, self.today())
        reader = self._storage.reader()
        if reader is None:
            done: Future[SearchResult] = Future()
            try:
                ids = self._queries.ids(compiled, order_by, descending)
                done.set_result(SearchResult(ids, 0, self.rows(ids[:3 * page])))
            except Exception as error:  # (the future carries it, as a worker's would)
                done.set_exception(error)
            return done
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlprep-browse",
                                              initializer=_lower_priority)
        future = self._worker.submit(_search_on, reader, *job)
        future.add_done_callback(lambda f: reader.close() if f.cancelled() else None)  # (else the job closes it)
        return future

    def close(self) -> None:
        """Let the search worker go (a job already running finishes on its own connection; queued ones are
        dropped). The browser still reads and writes on the calling thread; a later :meth:`search_later`
        starts a new worker."""
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)
            self._worker = None

    def count(self, query: str) -> int:
        """How many present cards match ``query`` (:class:`SearchSyntaxError` for a malformed one)."""
        return self._queries.count(self._compiled(query))

    def rows(self, ids: Sequence[CardId]) -> list[BrowseRow]:
        """The table rows of ``ids``, in that order (ids of no card are left out); a few queries
        whatever the number of ids."""
        return [_row(r) for r in self._queries.records(ids, self.today())]

    def detail(self, card_id: CardId) -> CardDetail:
        """The card's content, row and review history; ``KeyError`` for an unknown id."""
        card = self._cards.card(card_id)
        rows = self.rows([card_id])
        if not rows:
            raise KeyError(card_id)
        history = tuple(HistoryRow(e.reviewed_at, study_day(e.reviewed_at, self._tz, self._rollover), e.kind,
                                   e.quality, e.interval_after, e.easiness_after)
                        for e in self._cards.review_log(card_id))
        return CardDetail(card, rows[0], history)

    def facets(self) -> Facets:
        """Areas, decks (with titles) and tags of the present cards, each with its card count."""
        return self._queries.facet_counts()

    # -- actions -----------------------------------------------------------------------------------

    def _act(self, action: BrowseAction, ids: Sequence[CardId], write: Callable[[list[CardId]], int],
             snapshot_ids: Sequence[CardId] | None = None) -> UndoRecord:
        unique = list(dict.fromkeys(ids))
        snapshots = tuple(self._queries.snapshot(unique if snapshot_ids is None else snapshot_ids))
        record = UndoRecord(action, write(unique), snapshots)
        self._undo.append(record)
        return record

    def suspend(self, ids: Sequence[CardId]) -> UndoRecord:
        """Suspend ``ids``: never shown in study until unsuspended."""
        return self._act(BrowseAction.SUSPEND, ids, lambda c: self._queries.set_suspended(c, True))

    def unsuspend(self, ids: Sequence[CardId]) -> UndoRecord:
        """Unsuspend ``ids``."""
        return self._act(BrowseAction.UNSUSPEND, ids, lambda c: self._queries.set_suspended(c, False))

    def bury(self, ids: Sequence[CardId]) -> UndoRecord:
        """Hide ``ids`` until the next study day."""
        until = self.today() + timedelta(days=1)
        return self._act(BrowseAction.BURY, ids, lambda c: self._queries.set_buried_until(c, until))

    def unbury(self, ids: Sequence[CardId]) -> UndoRecord:
        """Show buried ``ids`` again today."""
        return self._act(BrowseAction.UNBURY, ids, lambda c: self._queries.set_buried_until(c, None))

    def forget(self, ids: Sequence[CardId]) -> UndoRecord:
        """Put ``ids`` back to new (SM-2's first state: repetitions 0, EF 2.5, interval 0, not due), to be
        introduced again in curriculum order; the review log and the lapse and review counts stay."""
        def write(cards: list[CardId]) -> int:
            changed = self._queries.forget(cards, sm2.INITIAL_EASINESS)
            self._rank_new_cards()
            return changed
        return self._act(BrowseAction.FORGET, ids, write)

    def set_due(self, ids: Sequence[CardId], day: date) -> UndoRecord:
        """Make ``ids`` due on study day ``day``; interval and EF stay as they are."""
        return self._act(BrowseAction.SET_DUE, ids, lambda c: self._queries.set_due(c, day))

    def reposition(self, ids: Sequence[CardId], position: int = 0) -> UndoRecord:
        """Move the new cards among ``ids`` to ``position`` (0: next) of the introduction order, in the
        order given; cards that are not new are left alone. (Until the next opening of the collection,
        which orders new cards by the curriculum or the interview plan again.)"""
        ranked = self._queries.new_card_ids()
        return self._act(BrowseAction.REPOSITION, ids, lambda c: self._queries.reposition(c, position),
                         snapshot_ids=list(dict.fromkeys([*ranked, *ids])))

    @property
    def can_undo(self) -> bool:
        """Whether an action of this browser is left to undo."""
        return bool(self._undo)

    def undo(self) -> UndoRecord | None:
        """Revert the last action not yet undone, exactly (every card's record as the action found it);
        return it, or ``None`` when there is none."""
        if not self._undo:
            return None
        record = self._undo.pop()
        self._queries.restore(record.snapshots)
        if record.action is BrowseAction.FORGET:
            self._rank_new_cards()
        return record
