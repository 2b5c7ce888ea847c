"""Command-line entry point: ``mlprep`` (the app) and its commands.

Commands that read or change the collection hold the façade, :class:`mlprep.services.collection.Collection`:
``stats`` and ``reading`` open it read-only (never written, synced or migrated); the app opens it
read-write. ``check``, ``cards`` and ``render`` read the deck files only and open no collection.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlprep import __version__

if TYPE_CHECKING:  # imported by each command when it runs: `mlprep --version` stays instant
    from mlprep.services.collection import Collection


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlprep", description="Spaced repetition for ML-engineer interviews.")
    parser.add_argument("--version", action="version", version=f"mlprep {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the collection lives (default: $MLPREP_DATA_DIR or the user data dir)")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add mlprep to the Linux desktop's applications (an entry and its icon under "
                             "$XDG_DATA_HOME, default ~/.local/share), then exit")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help="open the app (the default)")
    cards = sub.add_parser("cards", help="list every card")
    cards.add_argument("--json", action="store_true", help="one JSON object per line")
    cards.add_argument("--search", default=None, metavar="QUERY",
                       help="only the cards matching QUERY, in the Browse window's syntax (README, Browse), "
                            "printed as id, deck, due, interval (days), soonest due first")
    cards.add_argument("--summary", action="store_true",
                       help="card counts per curriculum area and leaf, as Markdown (docs/curriculum.md)")
    cards.add_argument("--coverage", nargs="?", const="", default=None, metavar="DIR",
                       help="how the interview question bank is covered, per area, as Markdown (from DIR, default "
                            "docs/coverage of the checkout); exits 1 on an inconsistent judgement")
    check = sub.add_parser("check", help="validate every deck; print file:line: message per problem")
    check.add_argument("paths", nargs="*", type=Path, help="deck files or folders (default: all decks)")
    check.add_argument("--style", action="store_true",
                       help="the bar for one card instead: one question a front, a back of at most 70 words")
    render = sub.add_parser("render", help="draw one card to a PNG, offscreen")
    render.add_argument("card_id", metavar="CARD_ID")
    render.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the PNG to write")
    render.add_argument("--back", action="store_true", help="show the answer side too")
    render.add_argument("--theme", choices=["light", "dark"], default="light")
    render.add_argument("--width", type=int, default=760, help="card width in pixels (default 760; drawn at 2x)")
    from mlprep.core.reading_list import Level, ReadingKind, ReadingStatus
    from mlprep.core.taxonomy import AREAS

    reading = sub.add_parser("reading", help="list the recommended reading (with your status from the collection)")
    reading.add_argument("--kind", choices=[k.value for k in ReadingKind])
    reading.add_argument("--area", choices=[a.slug for a in AREAS])
    reading.add_argument("--level", choices=[v.value for v in Level])
    reading.add_argument("--status", choices=[v.value for v in ReadingStatus])
    reading.add_argument("--search", default="", metavar="Q", help="words that must all occur in title, author, why")
    reading.add_argument("--json", action="store_true", help="one JSON object per line")
    from mlprep import plan_cli

    plan_cli.add_parser(sub)
    from mlprep import transfer_cli

    transfer_cli.add_parsers(sub)
    backup = sub.add_parser("backup", help="back the collection up now into <data dir>/backups (or --list them)")
    backup.add_argument("--list", action="store_true", help="list the backups, newest first")
    restore = sub.add_parser("restore", help="replace the collection by a backup (the current one is backed up first)")
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup, e.g. from `mlprep backup --list`")
    sub.add_parser("check-db", help="Check Database: integrity_check, then rebuild derived tables and indexes")
    stats = sub.add_parser("stats", help="progress statistics: today, streaks, retention, forecast, mastery")
    stats.add_argument("--json", action="store_true", help="every figure as one JSON document")
    stats.add_argument("--scope", default="all", metavar="SCOPE", help="all (default), area:SLUG or deck:ID")
    stats.add_argument("--period", default="30", choices=["30", "90", "365", "all"], help="days (default 30)")
    stats.add_argument("--export-csv", type=Path, default=None, metavar="DIR",
                       help="also write the review log and the mastery table as CSV files into DIR")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mlprep`` command; return the process exit status.

    Output piped into a program that stops reading early (``mlprep cards | head``) ends the
    command quietly with status 141, as a shell reports a SIGPIPE, instead of a traceback. A damaged
    collection file is named with its problem and the way back (status 1), never a traceback.
    """
    from mlprep.services.errors import DamagedCollection

    try:
        status = _run(argv)
        sys.stdout.flush()
    except DamagedCollection as error:
        print(f"mlprep: cannot open the collection: {error}\n"
              "  Nothing was changed. `mlprep backup --list` lists your backups; `mlprep restore FILE` moves "
              "the damaged file aside (it is kept) and puts the backup in its place.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Python's recipe (library/signal, "Note on SIGPIPE"): stdout now goes nowhere, so the
        # flush at exit cannot raise a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return status


def _gui_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """``argv`` parsed as the full parser would, when it only opens the app (no command, or ``gui`` last, and no
    help or version asked for); else ``None``. Saves building every command's parser, which imports the
    reading list and the taxonomy for their choices (issue 16: nothing before the deck list that it does not
    need)."""
    if not argv or (len(argv) == 2 and argv[0] == "--data-dir" and not argv[1].startswith("-")):
        # the desktop entry's start and `mlprep --data-dir DIR`: no parser built (argparse's messages would
        # import gettext's locale look-up: ~1 ms before the first paint)
        return argparse.Namespace(data_dir=Path(argv[1]) if argv else None, install_desktop_entry=False, command=None)
    light = argparse.ArgumentParser(prog="mlprep", add_help=False, exit_on_error=False)
    light.add_argument("--data-dir", type=Path, default=None)
    light.add_argument("--install-desktop-entry", action="store_true")
    light.add_argument("command", nargs="?", choices=["gui"])
    try:
        args, rest = light.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest or (args.command == "gui" and argv[-1:] != ["gui"]):
        return None
    return args


def _run(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = _gui_args(words) or _parser().parse_args(words)
    if args.install_desktop_entry:
        return _install_desktop_entry()
    command = args.command or "gui"
    if command == "check":
        return _check(args.paths, args.data_dir, style=args.style)
    if command == "cards":
        if args.coverage is not None:
            return _coverage(Path(args.coverage) if args.coverage else None)
        if args.search is not None:
            return _search_cards(args.data_dir, args.search, as_json=args.json)
        return _cards(args.data_dir, as_json=args.json, summary=args.summary)
    if command == "render":
        return _render(args.data_dir, args.card_id, args.output, back=args.back, dark=args.theme == "dark",
                       width=args.width)
    if command == "reading":
        return _reading(args)
    if command == "stats":
        return _stats(args)
    if command in ("backup", "restore", "check-db"):
        return _maintenance(args)
    if command in ("import", "export"):
        from mlprep import transfer_cli

        return transfer_cli.run(args, lambda: _open(args.data_dir, read_only=False, lock=True))
    if command == "plan":
        from mlprep import plan_cli

        return plan_cli.run(args, lambda read_only: _open(args.data_dir, read_only=read_only, lock=True))
    from mlprep.app import run_app

    return run_app(data_dir=args.data_dir)


def _install_desktop_entry() -> int:
    from mlprep.app import install_desktop_entry

    try:
        entry, icon = install_desktop_entry(os.environ, [sys.executable, "-m", "mlprep"])
    except OSError as error:
        print(f"mlprep --install-desktop-entry: {error}", file=sys.stderr)
        return 1
    print(f"{entry}\n{icon}")
    return 0


def _deck_dirs(data_dir: Path | None) -> list[Path]:
    from mlprep.services.deck_loader import shipped_decks_dir
    from mlprep.services.paths import resolve_data_dir

    return [shipped_decks_dir(), resolve_data_dir(data_dir, os.environ) / "decks"]


def _check(paths: list[Path], data_dir: Path | None, *, style: bool = False) -> int:
    from mlprep.services.checks import check_decks, check_style

    dirs = [p for p in paths if p.is_dir()] if paths else _deck_dirs(data_dir)
    files = [p for p in paths if p.is_file()]
    missing = [p for p in paths if not p.exists()]
    if style:
        report = check_style(dirs, files)
        for problem in report.problems:
            print(problem)
        print(f"{report.cards} cards, {report.flagged} flagged ({report.share:.1f} %; the bar is 5 % at most)",
              file=sys.stderr)
        return 1 if report.share > 5 else 0
    found = check_decks(dirs, files, missing=missing)
    for problem in found.problems + found.warnings:
        print(problem)
    from mlprep.core.wording import count_of

    warned = f", {count_of(len(found.warnings), 'warning')}" if found.warnings else ""
    print(f"{count_of(found.decks, 'deck')}, {count_of(found.cards, 'card')}, "
          f"{count_of(len(found.problems), 'problem')}{warned}", file=sys.stderr)
    return 1 if found.problems else 0


def _render(data_dir: Path | None, card_id: str, out: Path, *, back: bool, dark: bool, width: int) -> int:
    from mlprep.services.deck_loader import load_decks
    from mlprep.ui.card_export import find_card, render_to_png

    found = find_card(load_decks(_deck_dirs(data_dir)).decks, card_id)
    if found is None:
        print(f"mlprep render: no card with id {card_id!r} (see `mlprep cards`)", file=sys.stderr)
        return 2
    try:
        w, h = render_to_png(*found, out, back=back, dark=dark, width=max(200, width))
    except OSError as exc:
        print(f"mlprep render: {exc}", file=sys.stderr)
        return 1
    print(f"{out}: {w}x{h} px")
    return 0


def _maintenance(args: argparse.Namespace) -> int:
    from mlprep.services.backups import CollectionInUse, backups, restore_backup
    from mlprep.services.errors import DamagedCollection
    from mlprep.services.paths import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir, os.environ)
    if args.command == "backup" and args.list:
        for b in backups(data_dir):
            print(f"{b.path}\t{b.taken:%Y-%m-%d %H:%M} UTC\t{b.size / 1e6:.1f} MB")
        return 0
    try:
        collection = _open(args.data_dir, read_only=False, lock=True)
    except CollectionInUse as error:
        print(f"mlprep {args.command}: {error}", file=sys.stderr)
        return 1
    except DamagedCollection as error:
        if args.command != "restore":
            raise
        return _restore_over_damage(error.damage.file, args.file)
    try:
        if args.command == "check-db":
            report = collection.check_database()
            print(report.text())
            return 1 if report.integrity else 0
        made = collection.backup()
        print(f"{'saved the current collection as ' if args.command == 'restore' else ''}{made.path}",
              file=sys.stderr if args.command == "restore" else sys.stdout)
    finally:
        collection.close()
    if args.command == "restore":
        try:
            restore_backup(args.file, data_dir / "collection.sqlite3")
        except (OSError, ValueError) as error:
            print(f"mlprep restore: {error}", file=sys.stderr)
            return 1
        print(f"restored {args.file}")
    return 0


def _restore_over_damage(damaged: Path, backup: Path) -> int:
    """``mlprep restore`` when the collection is damaged: it cannot be backed up first, so it is moved
    aside (kept under another name, :func:`mlprep.services.recovery.move_aside`), holding the lock."""
    from datetime import UTC, datetime

    from mlprep.services.backups import CollectionInUse, InstanceLock, restore_backup
    from mlprep.services.recovery import move_aside

    try:
        lock = InstanceLock(damaged.parent)
    except CollectionInUse as error:
        print(f"mlprep restore: {error}", file=sys.stderr)
        return 1
    try:
        aside = move_aside(damaged, datetime.now(UTC))
        print(f"moved the damaged collection aside to {aside}", file=sys.stderr)
        restore_backup(backup, damaged)
    except (OSError, ValueError) as error:
        print(f"mlprep restore: {error}", file=sys.stderr)
        return 1
    finally:
        lock.release()
    print(f"restored {backup}")
    return 0


def _coverage(folder: Path | None) -> int:
    from mlprep.services.coverage import coverage_dir, coverage_markdown, load_coverage
    from mlprep.services.deck_loader import load_decks, shipped_decks_dir

    ids = [card.id for deck in load_decks([shipped_decks_dir()]).decks for card in deck.cards]
    coverage = load_coverage(folder or coverage_dir(), ids)
    print(coverage_markdown(coverage), end="")
    return 1 if coverage.problems else 0


def _cards(data_dir: Path | None, *, as_json: bool, summary: bool = False) -> int:
    from mlprep.services.deck_loader import load_decks, shipped_decks_dir

    if summary:
        from mlprep.services.curriculum import summary_markdown

        print(summary_markdown(load_decks([shipped_decks_dir()]).decks), end="")
        return 0
    result = load_decks(_deck_dirs(data_dir))
    for error in result.errors:
        print(error, file=sys.stderr)
    for deck in result.decks:
        for card in deck.cards:
            if as_json:
                print(json.dumps({
                    "id": card.id, "deck": deck.id, "area": deck.area, "leaf": deck.leaf,
                    "tags": list(card.tags), "front": card.front, "back": card.back, "source": card.source,
                }, ensure_ascii=False))
            else:
                first = card.front.splitlines()[0] if card.front else ""
                print(f"{card.id}\t{deck.id}\t{first}")
    return 0


def _search_cards(data_dir: Path | None, query: str, *, as_json: bool) -> int:
    """``mlprep cards --search QUERY``: exit 2 with the problem and its column for a malformed query."""
    from mlprep.services.browse import SearchSyntaxError, row_json

    col = _open_read_only(data_dir)
    try:
        browser = col.browse()
        try:
            ids = browser.search(query)
        except SearchSyntaxError as error:
            print(f"mlprep cards: bad search: {error}\n  {query}\n  {' ' * (error.position - 1)}^", file=sys.stderr)
            return 2
        for start in range(0, len(ids), 1000):
            for row in browser.rows(ids[start:start + 1000]):
                if as_json:
                    print(json.dumps(row_json(row), ensure_ascii=False))
                else:
                    due = row.due.isoformat() if row.due else "new"
                    print(f"{row.card_id}\t{row.deck_id}\t{due}\t{row.interval}")
    finally:
        col.close()
    return 0


def _open(data_dir: Path | None, *, read_only: bool, lock: bool = False) -> Collection:
    """The collection; ``read_only`` for a command that only reads (never written, synced or migrated)."""
    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection
    from mlprep.services.paths import resolve_data_dir

    return open_collection(resolve_data_dir(data_dir, os.environ), SystemClock(), _deck_dirs(data_dir),
                           read_only=read_only, lock=lock and not read_only)


def _open_read_only(data_dir: Path | None) -> Collection:
    """See :func:`_open`."""
    return _open(data_dir, read_only=True)


def _reading(args: argparse.Namespace) -> int:
    from mlprep.core.wording import count_of
    from mlprep.services.reading import entry_json, filter_entries

    collection = _open_read_only(args.data_dir)
    try:
        service = collection.reading()
        for error in service.errors:
            print(error, file=sys.stderr)
        if service.errors:
            return 1
        entries = filter_entries(service.entries(), kind=args.kind, area=args.area, level=args.level,
                                 status=args.status, query=args.search)
    finally:
        collection.close()
    if args.json:
        for entry in entries:
            print(json.dumps(entry_json(entry), ensure_ascii=False))
        return 0
    rows = [(e.item.id, str(e.item.kind), str(e.item.level), e.status.label.lower(), e.item.title) for e in entries]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4])
    print(count_of(len(rows), "item"), file=sys.stderr)
    return 0


def _stats(args: argparse.Namespace) -> int:
    from mlprep.services.stats import parse_period, parse_scope
    from mlprep.services.stats_export import stats_to_json
    from mlprep.services.stats_report import summary_text

    try:
        scope, period = parse_scope(args.scope), parse_period(args.period)
    except ValueError as error:
        print(f"mlprep stats: {error}", file=sys.stderr)
        return 2
    collection = _open_read_only(args.data_dir)
    try:
        if scope not in {choice.scope for choice in collection.stats_scopes()}:
            print(f"mlprep stats: no such area or deck: {args.scope}", file=sys.stderr)
            return 2
        stats = collection.stats(scope, period)
        print(stats_to_json(stats) if args.json else summary_text(stats))
        if args.export_csv is not None:
            for path in collection.export_stats_csv(stats, args.export_csv):
                print(f"wrote {path}", file=sys.stderr)
    finally:
        collection.close()
    return 0
