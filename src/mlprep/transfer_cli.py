"""``mlprep import`` and ``mlprep export``: Anki packages and CSV in and out (see :mod:`mlprep.services.importer`
and :mod:`mlprep.services.anki_export`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable

    from mlprep.services.collection import Collection


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``import`` and ``export`` commands to the ``mlprep`` parser's subcommands ``sub``."""
    from mlprep.core.taxonomy import AREAS

    imp = sub.add_parser("import", help="import an Anki .apkg/.colpkg or a CSV/TSV file into new user decks")
    imp.add_argument("file", type=Path, metavar="FILE", help="the .apkg, .colpkg, .csv or .tsv file")
    imp.add_argument("--deck", default=None, metavar="NAME",
                     help="put every card into one new deck of this name (default: one deck per Anki deck or "
                          "CSV deck column, named after it)")
    imp.add_argument("--area", default=None, choices=[a.slug for a in AREAS],
                     help="the curriculum area of the new decks (default: the package's, else challenges)")
    exp = sub.add_parser("export", help="export decks as an Anki package (--apkg) or CSV (--csv)")
    out = exp.add_mutually_exclusive_group(required=True)
    out.add_argument("--apkg", type=Path, metavar="OUT", help="write an Anki package (opens in Anki and AnkiDroid)")
    out.add_argument("--csv", type=Path, metavar="OUT", help="write CSV: front, back, tags, source, deck")
    exp.add_argument("--deck", nargs="+", default=[], metavar="ID", help="only these decks (default: all)")


class _ProgressLine:
    """``imported 1200/10000 notes``: rewritten in place (``\\r``) on a terminal, else printed at each tenth."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            print(f"\rread {done}/{total} notes", end="", file=self.stream, flush=True)
            return
        tenth = done * 10 // max(1, total)
        if tenth != self.shown:
            self.shown = tenth
            print(f"read {done}/{total} notes", file=self.stream, flush=True)

    def end(self) -> None:
        if self.tty and self.shown != -2:
            print(file=self.stream)
            self.shown = -2


def run(args: argparse.Namespace, open_collection: Callable[[], Collection]) -> int:
    """Run ``mlprep import`` or ``mlprep export`` with parsed ``args``; ``open_collection()`` opens the
    collection read-write. A file that cannot be imported prints ``mlprep import: FILE[:LINE]: message``
    and exits 1 with nothing written."""
    from mlprep.services.backups import CollectionInUse
    from mlprep.services.import_plan import ImportProblem

    try:
        collection = open_collection()
    except CollectionInUse as error:
        print(f"mlprep {args.command}: {error}", file=sys.stderr)
        return 1
    try:
        if args.command == "export":
            return _export(collection, args)
        line = _ProgressLine(sys.stdout)
        try:
            summary = collection.import_package(args.file, args.deck, line, area=args.area)
        except ImportProblem as error:
            line.end()
            print(f"mlprep import: {error}", file=sys.stderr)
            return 1
        line.end()
        print(summary.text())
        return 0
    finally:
        collection.close()


def _export(collection: Collection, args: argparse.Namespace) -> int:
    out = args.apkg or args.csv
    try:
        summary = collection.export_decks(out, args.deck, as_csv=args.csv is not None)
    except (ValueError, OSError) as error:
        print(f"mlprep export: {error}", file=sys.stderr)
        return 1
    print(summary.text())
    return 0
