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

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from mlprep.core.clock import Clock, day_start, study_day
from mlprep.core.display_settings import DisplaySettings
from mlprep.core.models import Card, DeckCounts, DeckId
from mlprep.core.planner import PlanSettings
from mlprep.core.study_settings import ALL_DECKS, StudyScope, StudySettings
from mlprep.services.backups import (
    Backup,
    CheckReport,
    InstanceLock,
    backup_collection_file,
    backups,
    check_database,
    create_backup,
    restore_backup,
)
from mlprep.services.cram import CramSession
from mlprep.services.deck_loader import shipped_decks_dir
from mlprep.services.deck_sync import SyncReport, sync_decks
from mlprep.services.errors import Damage, DamagedCollection
from mlprep.services.overview import Overview, deck_overview
from mlprep.services.planning import Planner, PlanReport
from mlprep.services.reading import ReadingService, load_reading_list
from mlprep.services.recovery import diagnose
from mlprep.services.stats import ScopeChoice, compute_stats, scope_choices
from mlprep.services.stats_export import export_csv
from mlprep.services.stats_model import Stats
from mlprep.services.study import StudySession
from mlprep.storage.collection_db import CollectionDb, open_collection_db
from mlprep.storage.errors import NotACollection
from mlprep.storage.maintenance import integrity_problems

DB_FILE = "collection.sqlite3"


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

    def _day(self) -> tuple[StudySettings, date, datetime]:
        """The settings in force now (an active plan sets the new-card limit), the study day and its
        start (UTC)."""
        settings = self.settings
        today = study_day(self.clock.now(), self.tz, settings.rollover_hour)
        since = day_start(today, self.tz, settings.rollover_hour)
        limit = self.planner.new_card_limit(today, since)
        return (settings if limit is None else replace(settings, new_per_day=limit)), today, since

    def overview(self) -> Overview:
        """The deck list's rows and totals, after today's limits (an interview plan's quota included)."""
        settings, today, since = self._day()
        return deck_overview(self._storage, settings, today, since)

    def decks(self) -> list[DeckCounts]:
        """Every present deck with its raw counts (no limits), in the deck list's order."""
        return self.overview().decks

    def study(self, scope: StudyScope = ALL_DECKS) -> StudySession:
        """Today's reviews in ``scope`` (under the interview plan when one is active)."""
        settings, today, since = self._day()
        return StudySession(self._storage, self.clock, settings=settings, scope=scope, tz=self.tz,
                            placer=self.planner.placer(today, since))

    # -- the interview plan ----------------------------------------------------------------------------

    @property
    def planner(self) -> Planner:
        """The interview plan's service (see :mod:`mlprep.services.planning`)."""
        if self._planner is None:
            self._planner = Planner(self._storage)
        return self._planner

    def plan(self) -> PlanSettings | None:
        """The stored interview plan (active or past), or ``None``."""
        return self.planner.stored()

    def plan_report(self, *, advice: bool = True) -> PlanReport | None:
        """The active plan's status, forecast and readiness (``None`` without an active plan); with
        ``advice`` False, without searching what would put a plan that is behind on track (faster)."""
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
        return CramSession(self._storage, self.clock, scope=scope, ahead_days=ahead_days, settings=self.settings,
                           tz=self.tz)

    def deck_action(self, action: DeckAction, deck_id: DeckId) -> Changed:
        """Bury a deck's cards until the next study day, or suspend or unsuspend them all."""
        cards = self._storage.cards
        if action is DeckAction.BURY:
            return Changed(cards.bury_deck(deck_id, self.today() + timedelta(days=1)))
        return Changed(cards.set_deck_suspended(deck_id, action is DeckAction.SUSPEND))

    def all_tags(self) -> list[str]:
        """Every tag on a present card, sorted."""
        return self._storage.cards.all_tags()

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

    # -- statistics and reading ---------------------------------------------------------------------

    def stats(self, scope: StudyScope = ALL_DECKS, period: int | None = 30) -> Stats:
        """Every statistic for ``scope`` over the last ``period`` study days (``None``: all time);
        see :func:`mlprep.services.stats.compute_stats` (``ValueError`` for a bad scope or period)."""
        return compute_stats(self._storage, self.clock, scope, period, self.tz)

    def stats_scopes(self) -> list[ScopeChoice]:
        """The scopes statistics can be shown for: everything, each area, each deck."""
        return scope_choices(self._storage)

    def export_stats_csv(self, stats: Stats, folder: Path) -> tuple[Path, Path]:
        """Write the review log and ``stats``' mastery table as CSV files into ``folder``."""
        return export_csv(self._storage, stats, folder)

    def reading(self) -> ReadingService:
        """The reading list joined with this collection's statuses and notes (loaded on first use)."""
        if self._reading is None:
            self._reading = ReadingService(load_reading_list(), self._storage, self.clock, tz=self.tz)
        return self._reading

    # -- backups and Check Database -------------------------------------------------------------------

    @property
    def file(self) -> Path:
        """The collection's file."""
        return self.data_dir / DB_FILE

    def backup(self) -> Backup:
        """Back the collection up now into ``data_dir/backups`` (see :mod:`mlprep.services.backups`)."""
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
        if self._backup_worker is None:
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
            self.sync = sync_decks(self._storage.cards, self._deck_dirs, self.clock)
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
        return backups(self.data_dir)

    def check_database(self) -> CheckReport:
        """Check Database: ``integrity_check``, then the derived tables and indexes rebuilt."""
        return check_database(self._storage, self.file if self._storage.path is not None else None)

    def close(self) -> None:
        """Close the collection (its file is complete on disk) and give up its lock, after any
        backup still running. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
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
        report = sync_decks(storage.cards, dirs, clock) if fresh else SyncReport(0, 0, 0, 0, 0, ())
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
    collection = Collection(storage, clock, data_dir, sync_decks(storage.cards, dirs, clock), tz=tz)
    collection._lock = held
    collection._deck_dirs = dirs
    collection._carry_renamed()
    collection.planner.rank_new_cards(collection.today())
    collection._changes_at_backup = collection._changes()  # the deck sync is not a change to back up
    return collection


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
