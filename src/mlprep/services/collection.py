"""The collection façade: the one object the UI and every CLI command hold.

Modelled on Anki's ``col``/``col.sched``: a screen asks the collection for what it shows (the
deck list's :class:`Overview`, a :class:`ReviewSession`, statistics, the reading list) and changes
the collection only through its verbs, each of which returns what changed. Nothing above this
module sees a database connection, a store or SQL.

A collection is opened one way everywhere, :func:`open_collection`: read-write (the app, and
commands that change data) syncs the deck files into it; read-only (``stats``, ``reading``) never
writes, never syncs and never migrates the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from mlprep.core.clock import Clock, day_start, study_day
from mlprep.core.display_settings import DisplaySettings
from mlprep.core.models import Card, CardId, DeckCounts, DeckId
from mlprep.core.study_settings import ALL_DECKS, LimitKind, StudyScope, StudySettings
from mlprep.services.backups import InstanceLock
from mlprep.services.deck_loader import shipped_decks_dir
from mlprep.services.deck_sync import SyncReport, sync_decks
from mlprep.services.errors import Damage, DamagedCollection
from mlprep.services.overrides import Overrides
from mlprep.services.overview import DeckFileProblems, Overview, deck_overview, deck_problems
from mlprep.services.plan_store import plan_stored
from mlprep.services.queue import Stop, TodayQueue
from mlprep.services.recovery import diagnose
from mlprep.storage.collection_db import CollectionDb, open_collection_db
from mlprep.storage.errors import NotACollection
from mlprep.storage.maintenance import integrity_problems

if TYPE_CHECKING:  # imported where used: the deck list is painted before any of them is needed (issue 16)
    from concurrent.futures import Future, ThreadPoolExecutor

    from mlprep.core.planner import PlanSettings
    from mlprep.services.anki_export import ExportSummary
    from mlprep.services.backups import Backup, CheckReport
    from mlprep.services.browse import Browser
    from mlprep.services.card_edit import CardEditor, EditableCard, NewDeck
    from mlprep.services.cram import CramSession
    from mlprep.services.import_plan import ImportPlan, ImportSummary, Progress
    from mlprep.services.importer import ImportJob
    from mlprep.services.new_order import PendingOrder
    from mlprep.services.planning import Planner, PlanReport
    from mlprep.services.reading import ReadingService
    from mlprep.services.stats import ScopeChoice
    from mlprep.services.stats_model import Stats
    from mlprep.services.study import StudySession
    from mlprep.services.tags import TagCount

DB_FILE = "collection.sqlite3"
OVERRIDES_DIR = "overrides"
"""The data folder's folder of shipped-card overrides (:mod:`mlprep.services.overrides`)."""


class DeckAction(StrEnum):
    """What the deck list's context menu can do to a whole deck."""

    BURY = "bury"  # hide its cards until the next study day
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"


@dataclass(frozen=True)
class Changed:
    """What a verb changed: ``cards`` whose state it wrote (0 when nothing needed to change)."""

    cards: int


class Collection:
    """An open collection: its decks, cards, review log, settings and reading statuses.

    Build it with :func:`open_collection`. ``data_dir`` is its folder, ``clock`` tells the time,
    ``sync`` is what syncing the deck files found at opening (empty when opened read-only), ``tz``
    the user's time zone (default: the system's).
    """

    def __init__(self, storage: CollectionDb, clock: Clock, data_dir: Path, sync: SyncReport, *,
                 tz: tzinfo | None = None) -> None:
        self._storage = storage
        self._reading: ReadingService | None = None
        self._planner: Planner | None = None
        self._lock: InstanceLock | None = None
        self._backup_worker: ThreadPoolExecutor | None = None
        self._changes_at_backup = self._changes()
        self._deck_dirs: list[Path] = []
        self._closed = False
        self._rank_pending = False
        self._new_order: PendingOrder | None = None  # the pending ranking, read on a worker (study())
        self.clock = clock
        self.data_dir = data_dir
        self.sync = sync
        self.tz = tz

    @property
    def read_only(self) -> bool:
        """True when nothing this collection does reaches its file."""
        return self._storage.read_only

    # -- the day and the settings -----------------------------------------------------------

    @property
    def settings(self) -> StudySettings:
        """The study settings, as stored."""
        return self._storage.settings.study()

    def save_settings(self, settings: StudySettings) -> None:
        """Store new study settings."""
        self._storage.settings.save_study(settings)

    @property
    def display(self) -> DisplaySettings:
        """The theme and card text size, as stored."""
        return self._storage.settings.display()

    def save_display(self, display: DisplaySettings) -> None:
        """Remember the theme and card text size."""
        self._storage.settings.save_display(display)

    def today(self) -> date:
        """The current study day (local date minus the rollover hour, see :mod:`mlprep.core.clock`)."""
        return study_day(self.clock.now(), self.tz, self.settings.rollover_hour)

    # -- the deck list and sessions ------------------------------------------------------------

    def _day(self, scope: StudyScope = ALL_DECKS) -> tuple[StudySettings, date, datetime]:
        """The settings in force now in ``scope`` (an active plan sets the new-card limit, today's extra
        new cards raise it), the study day and its start (UTC)."""
        settings, today, since, _plan = self._day_and_plan(scope)
        return settings, today, since

    def _day_and_plan(self, scope: StudyScope) -> tuple[StudySettings, date, datetime, bool]:
        settings = self.settings
        today = study_day(self.clock.now(), self.tz, settings.rollover_hour)
        since = day_start(today, self.tz, settings.rollover_hour)
        limit = self.planner.new_card_limit(today, since) if self._planning() else None
        settings = settings if limit is None else replace(settings, new_per_day=limit)
        return settings.extended(LimitKind.NEW, self._extra_new(today, scope)), today, since, limit is not None

    def _extra_new(self, today: date, scope: StudyScope) -> int:
        extra = self._storage.settings.extra_new(today)
        return extra.get(scope, 0) + (extra.get(ALL_DECKS, 0) if scope != ALL_DECKS else 0)

    def extra_new_today(self, scope: StudyScope = ALL_DECKS) -> int:
        """The extra new cards in force today in ``scope`` (:meth:`extend_new_limit`): its own, plus
        those given to all decks when ``scope`` is narrower."""
        return self._extra_new(self.today(), scope)

    def extend_new_limit(self, scope: StudyScope, extra: int) -> int:
        """Allow ``extra`` (1–9999) more new cards today in ``scope``: Anki's custom study "increase
        today's new card limit". A session in ``scope`` gets the global new-card limit and every deck's own
        one raised by the scope's extra cards (and by those given to all decks), for the current study
        day only: stored in the collection, so a restart the same day keeps them; the next study day
        starts from the settings' limits again. Returns the extra new cards now in force in ``scope``
        today. Raises ``ValueError`` for a bad ``extra`` or a read-only collection (nothing stored)."""
        if isinstance(extra, bool) or not isinstance(extra, int) or not 1 <= extra <= 9999:
            raise ValueError(f"extra must be a whole number of new cards from 1 to 9999, got {extra!r}")
        if self.read_only:
            raise ValueError("a read-only collection cannot change today's new-card limit")
        today = self.today()
        self._storage.settings.add_extra_new(today, scope, extra)
        return self._extra_new(today, scope)

    def stop_reason(self, scope: StudyScope = ALL_DECKS) -> Stop:
        """Why today's queue in ``scope`` is empty (or what it still owes): which daily limit holds
        cards back, with the cards left, or nothing left at all (see :class:`~mlprep.services.queue.Stop`);
        the limits are those a session in ``scope`` gets now (:meth:`study`)."""
        self._ensure_ranked()
        settings, today, since, by_plan = self._day_and_plan(scope)
        until = day_start(today + timedelta(days=1), self.tz, settings.rollover_hour)
        stop = TodayQueue(self._storage, settings, scope, today, since, until=until).stop()
        return replace(stop, extra_new=self._extra_new(today, scope), by_plan=by_plan)

    def overview(self) -> Overview:
        """The deck list's rows and totals, after today's limits (an interview plan's quota and the
        extra new cards given today included: those of all decks everywhere, a deck's or an area's in
        its own row)."""
        settings, today, since = self._day()
        return deck_overview(self._storage, settings, today, since, extra_new=self._storage.settings.extra_new(today))

    def decks(self) -> list[DeckCounts]:
        """Every present deck with its counts as the deck list shows them (after its own and the global
        daily limits, with today's re-drills as ``learn``), in the deck list's order."""
        return self.overview().decks

    def study(self, scope: StudyScope = ALL_DECKS, *, order_in_background: bool = False) -> StudySession:
        """Today's reviews in ``scope`` (under the interview plan when one is active, with today's
        extra new cards in ``scope``: :meth:`extend_new_limit`). With ``order_in_background`` (the app) a
        new-card order left for later is computed on a worker thread while the session shows its due cards
        (its queue's ``new_order``, :mod:`mlprep.services.new_order`); else it is computed first."""
        from mlprep.services.study import StudySession

        order = self._order_in_background() if order_in_background else None
        if order is None:
            self._ensure_ranked()
        settings, today, since = self._day(scope)
        placer = self.planner.placer(today, since) if self._planning() else None
        session = StudySession(self._storage, self.clock, settings=settings, scope=scope, tz=self.tz, placer=placer)
        session.queue.new_order = order  # new cards wait for it; due cards need no order (issue 16)
        return session

    def prepare_new_order(self) -> PendingOrder | None:
        """Start computing the new cards' introduction order on a worker thread now, if opening left it for
        later (nothing synced changed): a Study now soon after finds it ready or under way (the app calls
        this in idle time once the deck list is painted). The worker only reads; the order is stored on this
        thread, by the caller in chunks (:meth:`PendingOrder.store_some`) or when a session asks for it.
        Returns that pending order, or ``None`` when nothing is left to compute: nothing was pending, or it
        was small (under ``BACKGROUND_FROM`` new cards) and has been computed and stored now (tens of ms)."""
        return self._order_in_background()

    def _order_in_background(self) -> PendingOrder | None:
        """The pending ranking (see :meth:`_ensure_ranked`) started on a worker thread with its own
        read-only connection (:mod:`mlprep.services.new_order`), or ``None`` when nothing is pending, or when
        it is small (under ``BACKGROUND_FROM`` new cards) or a second connection would not see this one's
        data: then it is computed now."""
        if self._new_order is not None and not self._new_order.settled:
            return self._new_order
        if not self._rank_pending:
            return None
        from mlprep.services.new_order import BACKGROUND_FROM, PendingOrder

        reader = self._storage.reader() if self.planner.many_new_cards(BACKGROUND_FROM) else None
        if reader is None:
            self._ensure_ranked()
            return None
        self._rank_pending = False
        self._new_order = PendingOrder(self.planner, reader, self.today(), store=self._store_order)
        return self._new_order

    def _store_order(self, changes: list[tuple[CardId, int | None]], generation: int) -> bool:
        clean = self._changes() == self._changes_at_backup
        stored = self.planner.store_ranks(changes, generation)
        if clean:  # the ranking is not a change to back up
            self._changes_at_backup = self._changes()
        return stored

    # -- the interview plan ----------------------------------------------------------------------------

    def _planning(self) -> bool:
        """Whether to ask the planner: a plan is stored, or the planner is loaded already. Without either it
        would answer "no plan" (no limit, no placer, no report), so the deck list is painted without importing
        it and its FSRS model (:mod:`mlprep.services.plan_store`, issue 16)."""
        return self._planner is not None or plan_stored(self._storage)

    @property
    def planner(self) -> Planner:
        """The interview plan's service (see :mod:`mlprep.services.planning`)."""
        if self._planner is None:
            from mlprep.services.planning import Planner

            self._planner = Planner(self._storage)
        return self._planner

    def plan(self) -> PlanSettings | None:
        """The stored interview plan (active or past), or ``None``."""
        return self.planner.stored() if self._planning() else None

    def plan_report(self, *, advice: bool = True) -> PlanReport | None:
        """The active plan's status, forecast and readiness (``None`` without an active plan); with
        ``advice`` False, without searching what would put a plan that is behind on track (faster)."""
        if not self._planning():
            return None
        settings = self.settings
        today = study_day(self.clock.now(), self.tz, settings.rollover_hour)
        return self.planner.report(today, day_start(today, self.tz, settings.rollover_hour), advice=advice)

    def set_plan(self, plan: PlanSettings) -> PlanReport:
        """Save ``plan`` (``PlanError`` naming the field for bad input; then nothing is saved) and
        return its report. A plan's ``start`` is the study day it was first set: pass the stored
        one's when editing (see :class:`mlprep.core.planner.PlanSettings`)."""
        today = self.today()
        self.planner.save(plan, today, day_start(today, self.tz, self.settings.rollover_hour))
        report = self.plan_report()
        assert report is not None  # a valid plan is active until its day
        return report

    def clear_plan(self) -> None:
        """Remove the interview plan: new cards go back to curriculum order, the limits to the settings'."""
        self.planner.clear(self.today())

    def cram(self, scope: StudyScope = ALL_DECKS, ahead_days: int | None = None) -> CramSession:
        """Cram ``scope`` (or, with ``ahead_days``, review the cards due within that many days)
        without changing the schedule."""
        from mlprep.services.cram import CramSession

        self._ensure_ranked()
        return CramSession(self._storage, self.clock, scope=scope, ahead_days=ahead_days, settings=self.settings,
                           tz=self.tz)

    def _ensure_ranked(self) -> None:
        """Compute the new cards' introduction order now if opening left it for later (nothing synced
        changed and no plan: the stored order still ranks every new card, so the deck list's counts hold;
        at 100k cards ranking costs over a second, see docs/benchmarks.md). Not a change to back up."""
        if self._new_order is not None:
            self._new_order.settle()
        if not self._rank_pending:
            return
        self._rank_pending = False
        clean = self._changes() == self._changes_at_backup
        self.planner.rank_new_cards(self.today())
        if clean:
            self._changes_at_backup = self._changes()

    def deck_action(self, action: DeckAction, deck_id: DeckId) -> Changed:
        """Bury a deck's cards until the next study day, or suspend or unsuspend them all."""
        cards = self._storage.cards
        if action is DeckAction.BURY:
            return Changed(cards.bury_deck(deck_id, self.today() + timedelta(days=1)))
        return Changed(cards.set_deck_suspended(deck_id, action is DeckAction.SUSPEND))

    def browse(self) -> Browser:
        """The Browse window's service over this collection: search, rows, a card's history, and
        undoable actions on many cards (see :mod:`mlprep.services.browse`). Each browser keeps its own
        undo list."""
        from mlprep.services.browse import Browser

        self._ensure_ranked()
        return Browser(self._storage, self.clock, tz=self.tz, rollover_hour=self.settings.rollover_hour,
                       rank_new_cards=lambda: self.planner.rank_new_cards(self.today()))

    def all_tags(self) -> list[str]:
        """Every tag on a present card, sorted."""
        return self._storage.cards.all_tags()

    def tag_counts(self) -> list[TagCount]:
        """Every tag on a present card with its card count and human name (``leaf:``/``ref:`` tags
        named by the curriculum and the reading list), in the tag picker's order (:func:`tag_counts`)."""
        from mlprep.services.tags import tag_counts

        return tag_counts(self._storage, {item.id: item.title for item in self.reading().items})

    def deck_problems(self) -> tuple[DeckFileProblems, ...]:
        """The deck files' problems the last sync found (:attr:`sync`), per file, each saying whether
        its deck loaded except some cards or the file was skipped."""
        return deck_problems(self.sync.errors, self._storage.cards.present_deck_paths())

    # -- adding and editing cards (mlprep.services.card_edit) ---------------------------------------------

    def _editor(self) -> CardEditor:
        from mlprep.services.card_edit import CardEditor

        return CardEditor(self._storage.cards, self.data_dir / "decks", _overrides(self.data_dir), self.decks,
                          self._resync)

    def _resync(self) -> None:
        """After a deck file or override was written: sync the decks (unchanged files are skipped), so the
        change shows at once; a new card gets its place in the new-card order."""
        self.sync = _sync(self._storage, self._deck_dirs, self.clock, self.data_dir)
        if self.sync.added:
            self.planner.rank_new_cards(self.today())

    def _writable(self) -> CardEditor:
        if self.read_only or not self._deck_dirs:
            raise ValueError("a read-only collection cannot change cards")
        return self._editor()

    def editable_card(self, card_id: str) -> EditableCard:
        """``card_id`` as the card editor shows it: its own tags, its deck, shipped or not, overridden or not
        (``KeyError`` for an unknown card, ``CardEditError`` for a deck file that cannot be read)."""
        return self._editor().editable(card_id)

    def is_overridden(self, card_id: str) -> bool:
        """Whether the shipped card ``card_id`` shows the user's edit (an override) instead of its shipped text."""
        return self._editor().is_overridden(card_id)

    def overridden_card_ids(self) -> frozenset[str]:
        """Every card id with an override file (the browser marks them; one folder listing, no per-card
        query). A user-deck card id listed here is not overridden: check :meth:`is_overridden` for one card."""
        return _overrides(self.data_dir).ids()

    def edit_card(self, card_id: str, front: str, back: str, tags: Sequence[str], source: str) -> Path:
        """Save new text for a card, keeping its id and progress: a user card in its deck file (nothing else
        in the file changes), a shipped card as an override in ``data_dir/overrides``. The decks are synced
        again, so the change shows at once. Returns the file written. Raises ``KeyError``, ``CardWriteError``
        (text the deck format cannot hold), ``CardEditError``, ``OSError``; ``ValueError`` when read-only."""
        return self._writable().edit(card_id, front, back, tags, source)

    def add_card(self, deck: DeckId | NewDeck, front: str, back: str, tags: Sequence[str] = (), source: str = "",
                 *, card_id: str | None = None) -> CardId:
        """Add a card to one of the user's decks, or to a new one (:class:`NewDeck`: a new file in
        ``data_dir/decks``); its id is ``card_id`` or made from the front, unique across all decks. Returns
        the id. Raises ``CardEditError`` (a shipped deck, an id in use), ``CardWriteError``, ``OSError``;
        ``ValueError`` when read-only."""
        return self._writable().add(deck, front, back, tags, source, card_id)

    def revert_card(self, card_id: str) -> bool:
        """Revert to shipped: remove ``card_id``'s override (its progress stays). False when it had none."""
        return self._writable().revert(card_id)

    def user_decks(self) -> list[tuple[DeckId, str]]:
        """The user's own decks (in ``data_dir/decks``) as ``(id, title)``: where new cards can go."""
        return self._editor().user_decks()

    def card(self, card_id: str) -> Card:
        """The card ``card_id`` as loaded now (its text after any override); ``KeyError`` if unknown."""
        return self._storage.cards.card(CardId(card_id))

    def suggested_card_id(self, text: str) -> str:
        """A new card id made from ``text`` (the front), unused across all decks
        (:func:`mlprep.services.deck_writer.new_card_id`)."""
        return self._editor().suggested_id(text)

    def card_problems(self, front: str, back: str, tags: Sequence[str] = (), source: str = "", *,
                      card_id: str | None = None, new: bool = False) -> list[str]:
        """What keeps a card's text from being saved, one line a problem (``"back, line 3: formula ..."``):
        empty sides, lines the deck format cannot hold, bad tags, formulas that cannot be typeset, and for
        a ``new`` card an invalid or already used ``card_id``."""
        return self._editor().problems(front, back, tags, source, card_id=card_id, new=new)

    def deck_folder(self, card: Card) -> Path | None:
        """The folder of the file ``card``'s deck was loaded from (its images live there)."""
        path = self._storage.cards.deck_path(card.deck)
        return Path(path).parent if path else None

    def study_texts(self, limit: int = 5000) -> list[str]:
        """Front and back text of the cards likely to be studied next (for warming caches)."""
        return self._storage.cards.study_texts(limit)

    def idle(self) -> None:
        """Idle-time upkeep (a write-ahead-log checkpoint every few answers)."""
        self._storage.checkpoint_if_due()

    # -- import and export (issue 15; see mlprep.services.importer and anki_export) -------------------

    def import_job(self, path: Path, deck_title: str | None = None, *, area: str | None = None) -> ImportJob:
        """Reading ``path`` (an Anki ``.apkg``/``.colpkg``, a ``.csv``/``.tsv``) into new user decks under
        ``data_dir/decks``: :meth:`~mlprep.services.importer.ImportJob.run` may run on any thread, then
        :meth:`apply_import` on this one. ``deck_title``: every card into one deck of that name; ``area``:
        the decks' curriculum area. ``ValueError`` when the collection is read-only."""
        from mlprep.services.importer import make_job
        from mlprep.storage.import_store import ImportStore

        if self.read_only:
            raise ValueError("a read-only collection cannot import")
        return make_job(path, self.data_dir / "decks", ImportStore(self._storage.db), deck_title=deck_title,
                        area=area, tz=self.tz)

    def apply_import(self, plan: ImportPlan) -> ImportSummary:
        """Write ``plan`` (deck files, media, then the carried progress, see
        :func:`mlprep.services.importer.apply_plan`) and sync the new decks in. Raises
        :class:`~mlprep.services.import_plan.ImportProblem` with nothing written."""
        from mlprep.services.importer import apply_plan
        from mlprep.storage.import_store import ImportStore

        dirs = self._import_dirs()

        def sync() -> SyncReport:
            self.sync = sync_decks(self._storage.cards, dirs, self.clock)
            return self.sync

        summary = apply_plan(plan, self.data_dir / "decks", sync, ImportStore(self._storage.db))
        self.planner.rank_new_cards(self.today())
        return summary

    def import_package(self, path: Path, deck_title: str | None = None, progress: Progress | None = None, *,
                       area: str | None = None) -> ImportSummary:
        """Import ``path`` in one call (:meth:`import_job`, run, :meth:`apply_import`); ``progress(done,
        total)`` as notes are read. Raises :class:`~mlprep.services.import_plan.ImportProblem`."""
        return self.apply_import(self.import_job(path, deck_title, area=area).run(progress))

    def _import_dirs(self) -> list[Path]:
        """The deck folders synced (shipped decks when read-only), plus ``data_dir/decks`` where imports go."""
        dirs = list(self._deck_dirs or [shipped_decks_dir()])
        return dirs if self.data_dir / "decks" in dirs else [*dirs, self.data_dir / "decks"]

    def export_decks(self, out: Path, deck_ids: Sequence[str] = (), *, as_csv: bool = False) -> ExportSummary:
        """Write the decks ``deck_ids`` (default: every deck that loads) as an Anki package, or as CSV with
        ``as_csv`` (see :mod:`mlprep.services.anki_export`). Raises ``ValueError`` naming an unknown deck
        id and ``OSError`` when ``out`` cannot be written."""
        from mlprep.services.anki_export import export_apkg, export_csv
        from mlprep.services.deck_loader import load_decks, read_deck_text
        from mlprep.services.overrides import with_overrides

        # The cards as the collection holds them: a shipped card the user edited goes out edited.
        read = with_overrides(read_deck_text, _overrides(self.data_dir).snapshot())
        decks = load_decks(self._import_dirs(), owner=self._storage.cards.deck_of, read=read).decks
        if deck_ids:
            by_id = {deck.id: deck for deck in decks}
            unknown = [d for d in deck_ids if d not in by_id]
            if unknown:
                raise ValueError(f"no deck with id {unknown[0]!r} (see the deck list or `mlprep cards`)")
            decks = tuple(by_id[DeckId(d)] for d in deck_ids)
        return export_csv(decks, out) if as_csv else export_apkg(decks, out)

    # -- statistics and reading ---------------------------------------------------------------------

    def stats(self, scope: StudyScope = ALL_DECKS, period: int | None = 30) -> Stats:
        """Every statistic for ``scope`` over the last ``period`` study days (``None``: all time);
        see :func:`mlprep.services.stats.compute_stats` (``ValueError`` for a bad scope or period)."""
        from mlprep.services.stats import compute_stats

        return compute_stats(self._storage, self.clock, scope, period, self.tz)

    def stats_scopes(self) -> list[ScopeChoice]:
        """The scopes statistics can be shown for: everything, each area, each deck."""
        from mlprep.services.stats import scope_choices

        return scope_choices(self._storage)

    def export_stats_csv(self, stats: Stats, folder: Path) -> tuple[Path, Path]:
        """Write the review log and ``stats``' mastery table as CSV files into ``folder``."""
        from mlprep.services.stats_export import export_csv

        return export_csv(self._storage, stats, folder)

    def reading(self) -> ReadingService:
        """The reading list joined with this collection's statuses and notes (loaded on first use)."""
        if self._reading is None:
            from mlprep.services.reading import ReadingService, load_reading_list

            self._reading = ReadingService(load_reading_list(), self._storage, self.clock, tz=self.tz)
        return self._reading

    # -- backups and Check Database -------------------------------------------------------------------

    @property
    def file(self) -> Path:
        """The collection's file."""
        return self.data_dir / DB_FILE

    def backup(self) -> Backup:
        """Back the collection up now into ``data_dir/backups`` (see :mod:`mlprep.services.backups`)."""
        from mlprep.services.backups import create_backup

        self._changes_at_backup = self._changes()
        return create_backup(self._storage, self.data_dir, self.clock.now())

    @property
    def changed_since_backup(self) -> bool:
        """Whether anything was written since the collection was opened (after its deck sync) or last
        backed up."""
        return self._changes() != self._changes_at_backup

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran: nothing more can be read or written."""
        return self._closed

    def backup_in_background(self) -> Future[Backup] | None:
        """Start a backup on a worker thread if anything changed since the last one (the app's periodic
        backup: the review screen never waits for it), or return ``None`` (nothing changed, closed,
        read-only or in memory). The copy is taken through a connection of its own
        (:func:`mlprep.services.backups.backup_collection_file`); the future holds the
        :class:`Backup` or the error. :meth:`close` waits for it."""
        if self._closed or self.read_only or self._storage.path is None or not self.changed_since_backup:
            return None
        self._changes_at_backup = self._changes()
        from mlprep.services.backups import backup_collection_file

        if self._backup_worker is None:
            from concurrent.futures import ThreadPoolExecutor

            self._backup_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlprep-backup")
        return self._backup_worker.submit(backup_collection_file, self.file, self.data_dir, self.clock.now())

    def _changes(self) -> int:
        return self._storage.total_changes()

    def restore(self, backup: Backup) -> Backup:
        """Put ``backup`` in place of the collection, keeping the current state as a new backup first
        (returned), then reopen the file and sync the decks into it (Anki's restore). Sessions and
        reports taken before are stale: ask the collection again. Raises ``ValueError`` when
        ``backup`` fails ``integrity_check`` (the collection is then as it was) or the collection is
        read-only."""
        from mlprep.services.backups import restore_backup

        if self.read_only or self._storage.path is None:
            raise ValueError("a read-only or in-memory collection cannot be restored")
        problems = integrity_problems(backup.path)
        if problems:
            raise ValueError(f"{backup.path} is not a sound collection: {problems[0]}")
        saved = self.backup()
        if self._backup_worker is not None:
            self._backup_worker.shutdown(wait=True)
            self._backup_worker = None
        self._storage.close()
        try:
            restore_backup(backup.path, self.file)
        finally:
            self._storage = _open_db(self.file, read_only=False)
            self._planner, self._reading = None, None
            self.sync = _sync(self._storage, self._deck_dirs, self.clock, self.data_dir)
            self._carry_renamed()
            self.planner.rank_new_cards(self.today())
            self._changes_at_backup = self._changes()
        return saved

    def _carry_renamed(self) -> None:
        """Per-deck limits and plan weights follow a deck whose file was renamed (:attr:`SyncReport.renamed`)."""
        renamed = dict(self.sync.renamed)
        if not renamed:
            return
        limits = self.settings.deck_limits
        if any(old in limits for old in renamed):
            moved = {renamed.get(DeckId(deck), deck): value for deck, value in limits.items()}
            self.save_settings(replace(self.settings, deck_limits=MappingProxyType(moved)))
        self.planner.rename_decks(renamed)

    def backups(self) -> list[Backup]:
        """The backups, newest first."""
        from mlprep.services.backups import backups

        return backups(self.data_dir)

    def check_database(self) -> CheckReport:
        """Check Database: ``integrity_check``, then the derived tables and indexes rebuilt."""
        from mlprep.services.backups import check_database

        return check_database(self._storage, self.file if self._storage.path is not None else None)

    def close(self) -> None:
        """Close the collection (its file is complete on disk) and give up its lock, after any
        backup still running. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        if self._new_order is not None:
            self._new_order.join()
        if self._backup_worker is not None:
            self._backup_worker.shutdown(wait=True)
            self._backup_worker = None
        self._storage.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def open_collection(data_dir: Path, clock: Clock, deck_dirs: list[Path] | None = None, *,
                    read_only: bool = False, tz: tzinfo | None = None, lock: bool = False) -> Collection:
    """Open the collection in ``data_dir``.

    Read-write (the default) creates the folder and the file if needed, migrates it, and syncs
    the decks into it: ``deck_dirs``, by default the shipped decks plus ``data_dir/decks`` (the
    user's own). Read-only never writes: it opens the file as it is (a missing file: an empty
    collection in memory, into which the decks are synced so that their cards can be counted).
    With ``lock`` (the app, and commands that write) the data folder's :class:`InstanceLock` is taken
    first, before any migration: :class:`CollectionInUse` if another mlprep holds it. Raises
    :class:`~mlprep.services.errors.DamagedCollection` (nothing written) if the file is empty,
    unreadable, not SQLite, fails ``PRAGMA quick_check`` or cannot be opened as a collection.
    """
    dirs = deck_dirs if deck_dirs is not None else [shipped_decks_dir(), data_dir / "decks"]
    if read_only:
        _refuse_damaged(data_dir / DB_FILE)
        storage = _open_db(data_dir / DB_FILE, read_only=True)
        fresh = storage.path is None and not (data_dir / DB_FILE).exists()
        report = _sync(storage, dirs, clock, data_dir) if fresh else SyncReport(0, 0, 0, 0, 0, ())
        collection = Collection(storage, clock, data_dir, report, tz=tz)
        if fresh or storage.path is None:  # in memory: ranking writes nothing to disk
            collection.planner.rank_new_cards(collection.today())
        return collection
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "decks").mkdir(exist_ok=True)
    held = InstanceLock(data_dir) if lock else None
    try:
        _refuse_damaged(data_dir / DB_FILE)
        storage = _open_db(data_dir / DB_FILE, read_only=False)
    except BaseException:
        if held is not None:
            held.release()
        raise
    # The deck sync and the ranking it calls for in one transaction: a new folder's cards are written to the
    # log once, not again for their ranks, and committed (fsync) once (issue 16).
    with storage.cards.atomic():
        collection = Collection(storage, clock, data_dir, _sync(storage, dirs, clock, data_dir), tz=tz)
        collection._lock = held
        collection._deck_dirs = dirs
        collection._carry_renamed()
        sync = collection.sync
        if sync.added or sync.updated or sync.removed or sync.renamed or collection.plan() is not None:
            collection.planner.rank_new_cards(collection.today())
        else:  # the stored order still holds every new card: computed again when a session needs it
            collection._rank_pending = True
    collection._changes_at_backup = collection._changes()  # the deck sync is not a change to back up
    return collection


def _overrides(data_dir: Path) -> Overrides:
    """The shipped-card overrides of ``data_dir`` (never applied to the user's own decks)."""
    return Overrides(data_dir / OVERRIDES_DIR, exclude=[data_dir / "decks"])


def _sync(storage: CollectionDb, dirs: list[Path], clock: Clock, data_dir: Path) -> SyncReport:
    """Sync the deck files in ``dirs`` into ``storage``, with ``data_dir``'s shipped-card overrides applied."""
    overrides = _overrides(data_dir)
    return sync_decks(storage.cards, dirs, clock, inputs=[overrides.folder], overrides=overrides.snapshot())


def _refuse_damaged(file: Path) -> None:
    damage = diagnose(file)
    if damage is not None:
        raise DamagedCollection(damage)


def _open_db(file: Path, *, read_only: bool) -> CollectionDb:
    """:func:`open_collection_db`, with a file SQLite finds corrupt raised as :class:`DamagedCollection`."""
    try:
        return open_collection_db(file, read_only=read_only)
    except NotACollection as error:
        raise DamagedCollection(Damage(file, f"it cannot be opened as a collection: {error}")) from error
