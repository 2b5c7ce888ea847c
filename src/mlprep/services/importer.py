"""Import a file into new user decks: read and plan off the GUI thread, then write on it.

:class:`ImportJob` (made by :meth:`mlprep.services.collection.Collection.import_job`) holds what it needs
from the collection (the card and deck ids in use) and reads the file without touching the collection's
connection, so it may run on a worker thread; :func:`apply_plan` then writes, in this order, each step only
after the one before succeeded: the media files (into a temporary folder renamed into place), each deck
file (a temporary file renamed into place, :func:`mlprep.services.deck_writer.write_atomically`), the deck
sync, and the carried progress in one transaction. If the sync refuses a deck file or the progress write
fails, the deck files and media are removed again, the decks synced out and the rows the sync had added deleted:
nothing is left half-written.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from mlprep.services.anki_import import read_package
from mlprep.services.csv_import import read_csv
from mlprep.services.deck_sync import SyncReport
from mlprep.services.deck_writer import slug, write_atomically
from mlprep.services.import_plan import ImportPlan, ImportProblem, ImportSummary, Progress, build_plan, summary_of
from mlprep.storage.import_store import ImportStore

ANKI_SUFFIXES = (".apkg", ".colpkg")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class ImportJob:
    """Reading ``path`` into an :class:`ImportPlan` (:meth:`run`); safe on any thread. ``decks_dir`` is
    ``<data dir>/decks``; ``deck_title`` (all cards into one deck of that name) and ``area`` as in
    :func:`mlprep.services.import_plan.build_plan`; ``tz`` the user's time zone for due dates."""

    path: Path
    decks_dir: Path
    taken_cards: frozenset[str]
    taken_decks: frozenset[str]
    deck_title: str | None = None
    area: str | None = None
    tz: tzinfo | None = None

    def run(self, progress: Progress | None = None) -> ImportPlan:
        """Read and convert the file; ``progress(done, total)`` as notes or rows are read. Raises
        :class:`ImportProblem` (nothing written) for a file of an unknown kind or any bad input."""
        suffix = self.path.suffix.lower()
        if not self.path.is_file():
            raise ImportProblem(self.path, "no such file")
        if suffix in ANKI_SUFFIXES or (suffix not in TEXT_SUFFIXES and _is_zip(self.path)):
            drafts = read_package(self.path, media_folder=free_media_folder(self.decks_dir, self.path.stem),
                                  tz=self.tz, progress=progress)
        elif suffix in TEXT_SUFFIXES:
            drafts = read_csv(self.path, progress=progress)
        else:
            raise ImportProblem(self.path, "unknown kind of file: import an Anki .apkg/.colpkg or a .csv/.tsv")
        taken_decks = self.taken_decks | {p.stem for p in self.decks_dir.glob("*.md")}
        return build_plan(drafts, deck_title=self.deck_title, area=self.area, taken_cards=self.taken_cards,
                          taken_decks=taken_decks)


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def free_media_folder(decks_dir: Path, stem: str) -> str:
    """A folder name under ``decks_dir`` that does not exist yet, for an import's images:
    ``<slug>-media``, then ``<slug>-media-2``, ..."""
    base = f"{slug(stem)}-media"
    name, number = base, 2
    while (decks_dir / name).exists():
        name, number = f"{base}-{number}", number + 1
    return name


def make_job(path: Path, decks_dir: Path, store: ImportStore, *, deck_title: str | None, area: str | None,
             tz: tzinfo | None) -> ImportJob:
    """An :class:`ImportJob` for ``path`` with the ids ``store`` holds now (call on the collection's thread)."""
    return ImportJob(path, decks_dir, frozenset(store.card_ids()), frozenset(store.deck_ids()),
                     deck_title=deck_title or None, area=area or None, tz=tz)


def apply_plan(plan: ImportPlan, decks_dir: Path, sync: Callable[[], SyncReport], store: ImportStore) -> ImportSummary:
    """Write ``plan`` (module docstring) and return its summary. ``sync()`` syncs the deck files into the
    collection. Raises :class:`ImportProblem` (and leaves no deck file, no media file and no progress)
    when a deck file appeared meanwhile, the sync refuses a deck file, or a write fails."""
    source = plan.drafts.source
    files = [decks_dir / f"{deck.deck_id}.md" for deck in plan.decks]
    for file in files:
        if file.exists():
            raise ImportProblem(source, f"{file} already exists: import under another name (--deck NAME)")
    folders = sorted({Path(name).parts[0] for name in plan.media})
    if any((decks_dir / folder).exists() for folder in folders):
        raise ImportProblem(source, f"the media folder {folders[0]} already exists in {decks_dir}")
    decks_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        written.extend(_write_media(plan, decks_dir, folders))
        for deck, file in zip(plan.decks, files, strict=True):
            write_atomically(file, deck.text)
            written.append(file)
        report = sync()
        refused = [e for e in report.errors if Path(e.path) in files]
        if refused:
            raise ImportProblem(source, f"the deck written could not be loaded: {refused[0]}")
        store.write_progress(plan.progress)
    except BaseException as error:
        _remove(written)
        with contextlib.suppress(Exception):
            sync()
            store.forget([card.id for deck in plan.decks for card in deck.cards], [deck.deck_id for deck in plan.decks])
        if isinstance(error, ImportProblem):
            raise
        if isinstance(error, Exception):
            raise ImportProblem(source, f"the import could not be written, nothing was kept: {error}") from error
        raise
    return summary_of(plan)


def _write_media(plan: ImportPlan, decks_dir: Path, folders: list[str]) -> list[Path]:
    """Each media folder written in a temporary folder, then renamed into place; returns the folders."""
    done: list[Path] = []
    for folder in folders:
        temp = Path(tempfile.mkdtemp(prefix=f".{folder}.", suffix=".tmp", dir=decks_dir))
        try:
            for name, data in plan.media.items():
                parts = Path(name).parts
                if parts[0] == folder and len(parts) == 2:
                    (temp / parts[1]).write_bytes(data)
            temp.rename(decks_dir / folder)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        done.append(decks_dir / folder)
    return done


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
