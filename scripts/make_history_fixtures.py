"""Regenerate ``tests/fixtures/history``: a real collection for every schema that ever landed.

Run from anywhere (it needs git and the project's venv, nothing else)::

    .venv/bin/python scripts/make_history_fixtures.py

What it makes, in ``tests/fixtures/history`` (the folder is emptied first):

- ``<short-sha>.sqlite3`` for every commit whose migrations differ from the commit before it.
  The commits are found from ``git log -- src/mlprep/storage/migrations.py``; a commit that
  only changed comments or docstrings there is skipped (its module's syntax tree, docstrings
  removed, equals its predecessor's). Each collection is made by THAT commit's own code: the
  commit is checked out into a detached worktree (``/tmp/mlprep-hist-<short-sha>``, removed
  afterwards) and this script runs itself there in a subprocess (``--drive``, with
  ``PYTHONPATH=<worktree>/src``). The driver writes a deck folder of 16 cards in the
  commit's deck format, opens the collection with ``open_collection`` and answers cards with
  that commit's ``StudySession`` over ten study days: new cards, reviews and lapses always;
  where the commit has them, study settings (with a per-deck limit and a leech rule), display
  settings, suspend, bury, undo and reading-list status and notes. On day 4 one card leaves
  its deck file and one is added, so a card that is no longer present keeps its history.
- ``<short-sha>+<later-sha>.sqlite3``: a collection of the first commit opened once by a
  later commit's ``open_db`` (a user who upgraded), kept only when the result is a schema no
  other fixture has. These are the states users can actually be in: e.g. ``aa12903`` opened
  by ``af6cc1b`` carries both of the edited migrations' old versions, and ``aa12903`` opened
  by ``925efae`` is the half-migrated collection that release left behind.
- ``<name>.json`` beside each, read back from the saved file with the stdlib ``sqlite3``
  module: ``commits`` (and ``opened_by``: the later commit and the error its ``open_db``
  raised, if any), ``migrations`` (the names recorded as applied), ``card_states`` (per card,
  by id: id, repetitions, easiness, interval, due, lapses, reviews, suspended, buried_until;
  ``buried_until`` is ``null`` where the column did not exist yet) and ``data``: every row,
  every column the file has, of decks, cards, review_log, settings and reading_status (each
  table the commit had), in rowid order.

Each collection's write-ahead log is checkpointed into the file before it is copied, so a
fixture is one self-contained file (WAL mode, as users have it). Re-running regenerates the
same bytes: time comes from a fixed clock (study days start 2026-03-02, UTC, 4 AM rollover),
grades from a seeded ``random.Random``, the deck folder lives at a fixed path, and the driver
stamps sqlite-utils' ``_sqlite_migrations.applied_at`` from the fixed clock instead of the
wall clock (the only wall-clock read on the way).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "history"
MIGRATIONS_PATH = "src/mlprep/storage/migrations.py"
PYTHON = REPO / ".venv" / "bin" / "python"
WORK = Path(tempfile.gettempdir()) / "mlprep-hist-work"  # fixed: the decks table stores deck file paths
MAX_FIXTURE_BYTES = 200_000

# The user's data, read into the manifests (a table a commit did not have is left out).
DATA_TABLES = ("decks", "cards", "review_log", "settings", "reading_status")
CARD_STATE = ("id", "repetitions", "easiness", "interval", "due", "lapses", "reviews", "suspended",
              "buried_until")


# -- which commits ------------------------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout


def _code_shape(source: str) -> str:
    """The module's syntax tree without docstrings: equal for two versions that differ only in
    comments, docstrings or layout."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return ast.dump(tree)


def schema_commits() -> list[str]:
    """Full shas, oldest first, of the commits whose migrations differ from their predecessor's."""
    kept: list[str] = []
    previous = ""
    for sha in _git("log", "--reverse", "--format=%H", "--", MIGRATIONS_PATH).split():
        try:
            shape = _code_shape(_git("show", f"{sha}:{MIGRATIONS_PATH}"))
        except subprocess.CalledProcessError:  # the file was deleted in this commit
            continue
        if shape != previous:
            kept.append(sha)
            previous = shape
    return kept


@contextmanager
def worktrees(shas: list[str]) -> Iterator[dict[str, Path]]:
    """Detached worktrees of ``shas`` at ``/tmp/mlprep-hist-<short-sha>``, removed on exit."""
    made: dict[str, Path] = {}
    try:
        for sha in shas:
            path = Path(tempfile.gettempdir()) / f"mlprep-hist-{sha[:7]}"
            if path.exists():
                _git("worktree", "remove", "--force", str(path))
            _git("worktree", "add", "--detach", str(path), sha)
            made[sha] = path
        yield made
    finally:
        for path in made.values():
            _git("worktree", "remove", "--force", str(path))


def _drive(tree: Path, *args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "TZ": "UTC", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([str(PYTHON), str(Path(__file__).resolve()), "--drive", str(tree), *args],
                          env=env, cwd=str(WORK), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"driver failed at {tree.name} ({' '.join(args)}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- reading a collection ---------------------------------------------------------------------


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _rows(conn: sqlite3.Connection, table: str, order: str) -> list[dict[str, Any]]:
    cursor = conn.execute(f"SELECT * FROM {table} ORDER BY {order}")
    names = [d[0] for d in cursor.description]
    # BLOBs (cards.content_hash, m007) as hex text: JSON has no bytes; tests/storage/test_history.py reads
    # the upgraded file's BLOBs the same way.
    return [{k: v.hex() if isinstance(v, bytes) else v for k, v in zip(names, row, strict=True)} for row in cursor]


def read_collection(path: Path) -> dict[str, Any]:
    """Every row of the user's data, the applied migrations and the schema of the file at ``path``."""
    conn = sqlite3.connect(path)  # not read-only: closing it removes the -wal and -shm files
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        data = {t: _rows(conn, t, "rowid") for t in DATA_TABLES if t in tables}
        state = [{k: c.get(k) for k in CARD_STATE} for c in sorted(data["cards"], key=lambda c: c["id"])]
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        schema = [list(r) for r in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")]
    finally:
        conn.close()
    return {"migrations": applied, "card_states": state, "data": data, "schema": schema}


def _save(name: str, source: Path, commits: list[str], extra: dict[str, Any]) -> dict[str, Any]:
    target = OUT / f"{name}.sqlite3"
    shutil.copyfile(source, target)
    content = read_collection(target)
    size = target.stat().st_size
    if size > MAX_FIXTURE_BYTES:
        raise SystemExit(f"{target.name} is {size} bytes (over {MAX_FIXTURE_BYTES})")
    subjects = [_git("log", "-1", "--format=%s", sha).strip() for sha in commits]
    manifest = {"commits": commits, "subjects": subjects, **extra,
                "migrations": content["migrations"], "card_states": content["card_states"],
                "data": content["data"]}
    (OUT / f"{name}.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{target.relative_to(REPO)}: {size} bytes, {len(content['data']['cards'])} cards, "
          f"{len(content['data']['review_log'])} review-log rows, migrations {content['migrations']}")
    return content


def generate() -> None:
    """Rebuild every fixture (see the module docstring). Raises ``SystemExit`` if a driver fails
    or a fixture is over ``MAX_FIXTURE_BYTES``."""
    shas = schema_commits()
    print("commits whose migrations differ:", ", ".join(s[:7] for s in shas))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("*.sqlite3"), *OUT.glob("*.json")]:
        old.unlink()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir()
    seen: set[str] = set()
    try:
        with worktrees(shas) as trees:
            made: dict[str, Path] = {}
            for sha in shas:
                data_dir = WORK / sha[:7]
                _drive(trees[sha], "study", str(data_dir), str(WORK / "decks"))
                made[sha] = data_dir / "collection.sqlite3"
                _checkpoint(made[sha])
                seen.add(_signature(_save(sha[:7], made[sha], [sha], {})))
            for i, first in enumerate(shas):
                for later in reversed(shas[i + 1:]):  # the newest first: it names the state it left
                    copy = WORK / f"{first[:7]}+{later[:7]}.sqlite3"
                    shutil.copyfile(made[first], copy)
                    outcome = _drive(trees[later], "open", str(copy))
                    _checkpoint(copy)
                    signature = _signature(read_collection(copy))
                    if signature not in seen:
                        seen.add(signature)
                        _save(copy.stem, copy, [first, later], {"opened_by": {"commit": later, **outcome}})
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def _signature(content: dict[str, Any]) -> str:
    return json.dumps([content["migrations"], content["schema"]])


# -- the driver: runs inside a worktree, on that commit's code ---------------------------------

_DECK_A = """\
---
title: History A
area: math
leaf: "1.1"
tags: [history]
---

Cards for the migration-history fixtures.
"""
_DECK_B = """\
---
title: History B
area: sql
---
"""
_CARD = """
## {id}
source: @islr, ch. {n}

Q: Question {id}?

A: Answer {n}.
"""


def _write_decks(folder: Path, *, day4: bool) -> None:
    """Deck A: 9 cards (a 10th from day 4); deck B: 6 cards (b-06 leaves its file on day 4)."""
    folder.mkdir(parents=True, exist_ok=True)
    a_ids = [f"a-{n:02d}" for n in range(1, 11 if day4 else 10)]
    b_ids = [f"b-{n:02d}" for n in range(1, 6 if day4 else 7)]
    (folder / "history-a.md").write_text(
        _DECK_A + "".join(_CARD.format(id=i, n=n) for n, i in enumerate(a_ids, 1)), encoding="utf-8")
    (folder / "history-b.md").write_text(
        _DECK_B + "".join(_CARD.format(id=i, n=n) for n, i in enumerate(b_ids, 1)), encoding="utf-8")


def _freeze_migration_stamps(clock: Any) -> None:
    """Make sqlite-utils stamp ``_sqlite_migrations.applied_at`` from ``clock`` (reproducible files)."""
    import datetime as dt
    import types

    import sqlite_utils.migrations

    class _Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> _Frozen:  # type: ignore[override]
            at = clock.now().astimezone(tz)
            return cls(at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond, at.tzinfo)

    sqlite_utils.migrations.datetime = types.SimpleNamespace(  # type: ignore[attr-defined]
        datetime=_Frozen, timezone=dt.timezone)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


STUDY_DAYS = (0, 1, 2, 3, 4, 6, 9, 13, 20, 27)  # days after 2026-03-02
GRADES, GRADE_WEIGHTS = (0, 1, 2, 3, 4, 5), (1, 1, 2, 3, 8, 5)
ANSWERS_PER_DAY = 30


def drive_study(data_dir: Path, deck_dir: Path) -> dict[str, Any]:
    """Make a collection in ``data_dir`` with the checked-out commit's code and study it."""
    from datetime import UTC, datetime, timedelta

    from mlprep.core.clock import FixedClock
    from mlprep.services import study
    from mlprep.services.collection import open_collection

    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    clock = FixedClock(start)
    _freeze_migration_stamps(clock)
    rng = random.Random(20260302)
    features = {
        "settings": _has("mlprep.storage.settings_store"),
        "reading": _has("mlprep.storage.reading_store"),
        "hide": hasattr(study.StudySession, "suspend_current"),
    }
    for index, offset in enumerate(STUDY_DAYS):
        clock.set(start + timedelta(days=offset, minutes=7 * index))
        _write_decks(deck_dir, day4=offset >= 4)
        col = open_collection(data_dir, clock, [deck_dir])
        if not hasattr(col, "store"):  # the services façade (issue 8 on): only its public verbs
            _facade_day(col, clock, index)
            _study_day(col.study(), clock, rng, index, features)
            col.close()
            continue
        if index == 0:
            _first_day_settings(col.store.db, features)
        if features["reading"]:
            _reading(col.store.db, clock, index)
        session = _session(col.store, clock, features)
        _study_day(session, clock, rng, index, features)
        col.close()
    return {"features": features}


def _facade_day(col: Any, clock: Any, index: int) -> None:
    """What :func:`_first_day_settings` and :func:`_reading` write, through the collection's own verbs,
    plus an interview plan where the commit has one (``set_plan``, issue 14)."""
    from datetime import timedelta
    from types import MappingProxyType

    from mlprep.core.clock import study_day
    from mlprep.core.display_settings import DisplaySettings, ThemeMode
    from mlprep.core.reading_list import ReadingStatus
    from mlprep.core.study_settings import DeckLimits, LeechAction, StudySettings

    today = study_day(clock.now(), clock.now().tzinfo)
    if index == 0:
        col.save_settings(StudySettings(
            new_per_day=6, leech_threshold=3, leech_action=LeechAction.TAG,
            deck_limits=MappingProxyType({"history-b": DeckLimits(new_per_day=2)})))
        col.save_display(DisplaySettings(ThemeMode.DARK, 2))
        col.reading().set_status("islr", ReadingStatus.READING, today)
        if hasattr(col, "set_plan"):
            from mlprep.core.planner import PlanSettings

            col.set_plan(PlanSettings(interview=today + timedelta(days=40), start=today, budget_minutes=30))
    elif index == 5:
        col.reading().set_status("islr", ReadingStatus.DONE, today)
        col.reading().set_notes("goodfellow-dl", "Chapters 6-8 first.")


def _first_day_settings(db: Any, features: dict[str, bool]) -> None:
    if not features["settings"]:
        return
    from types import MappingProxyType

    from mlprep.core.study_settings import DeckLimits, LeechAction, StudySettings
    from mlprep.storage import settings_store

    settings_store.save_settings(db, StudySettings(
        new_per_day=6, leech_threshold=3, leech_action=LeechAction.TAG,
        deck_limits=MappingProxyType({"history-b": DeckLimits(new_per_day=2)})))
    if hasattr(settings_store, "save_display"):
        from mlprep.core.display_settings import DisplaySettings, ThemeMode

        settings_store.save_display(db, DisplaySettings(ThemeMode.DARK, 2))


def _reading(db: Any, clock: Any, index: int) -> None:
    from mlprep.core.clock import study_day
    from mlprep.core.reading_list import ReadingStatus
    from mlprep.storage.reading_store import ReadingStore

    store, now = ReadingStore(db), clock.now()
    today = study_day(now, clock.now().tzinfo)
    if index == 0:
        store.set_status("islr", ReadingStatus.READING, today, now)
    elif index == 5:
        store.set_status("islr", ReadingStatus.DONE, today, now)
        store.set_notes("goodfellow-dl", "Chapters 6-8 first.", now)


def _session(store: Any, clock: Any, features: dict[str, bool]) -> Any:
    from datetime import UTC

    from mlprep.services import study

    if features["settings"]:
        from mlprep.storage.settings_store import load_settings

        return study.StudySession(store, clock, settings=load_settings(store.db), tz=UTC)
    return study.StudySession(store, clock, limits=study.StudyLimits(new_per_day=6), tz=UTC)


def _study_day(session: Any, clock: Any, rng: random.Random, index: int, features: dict[str, bool]) -> None:
    for answer in range(ANSWERS_PER_DAY):
        if session.next_card() is None:
            return
        clock.advance(seconds=rng.randint(3, 25))
        if features["hide"] and (index, answer) == (1, 2):
            session.suspend_current()
        elif features["hide"] and (index, answer) in {(2, 1), (6, 0)}:
            session.bury_current()
        else:
            session.answer(rng.choices(GRADES, GRADE_WEIGHTS)[0])
            if features["hide"] and (index, answer) == (3, 2):
                session.undo()


def drive_open(path: Path) -> dict[str, Any]:
    """Open the collection at ``path`` with the checked-out commit's ``open_db``; report a failure."""
    from datetime import UTC, datetime

    from mlprep.core.clock import FixedClock
    from mlprep.storage.db import open_db

    _freeze_migration_stamps(FixedClock(datetime(2026, 4, 1, 12, 0, tzinfo=UTC)))
    try:
        open_db(path).close()
    except Exception as exc:  # what that release's user saw
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"error": None}


def _driver(tree: Path, mode: str, args: list[str]) -> None:
    import mlprep

    if not Path(mlprep.__file__).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"mlprep imported from {mlprep.__file__}, not from {tree}")
    result = drive_study(Path(args[0]), Path(args[1])) if mode == "study" else drive_open(Path(args[0]))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drive", nargs="+", metavar=("WORKTREE", "ARGS"),
                        help="internal: run one step on the commit checked out in WORKTREE")
    options = parser.parse_args()
    if options.drive:
        tree, mode, *rest = options.drive
        _driver(Path(tree), mode, rest)
    else:
        generate()


if __name__ == "__main__":
    main()
