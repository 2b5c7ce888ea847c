"""Command-line entry point: ``mlprep`` (the app), ``mlprep cards``, ``mlprep check``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mlprep import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlprep", description="Spaced repetition for ML-engineer interviews.")
    parser.add_argument("--version", action="version", version=f"mlprep {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the collection lives (default: $MLPREP_DATA_DIR or the user data dir)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help="open the app (the default)")
    cards = sub.add_parser("cards", help="list every card")
    cards.add_argument("--json", action="store_true", help="one JSON object per line")
    cards.add_argument("--summary", action="store_true",
                       help="card counts per curriculum area and leaf, as Markdown (docs/curriculum.md)")
    check = sub.add_parser("check", help="validate every deck; print file:line: message per problem")
    check.add_argument("paths", nargs="*", type=Path, help="deck files or folders (default: all decks)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mlprep`` command; return the process exit status."""
    args = _parser().parse_args(argv)
    command = args.command or "gui"
    if command == "check":
        return _check(args.paths, args.data_dir)
    if command == "cards":
        return _cards(args.data_dir, as_json=args.json, summary=args.summary)
    from mlprep.app import run_app

    return run_app(data_dir=args.data_dir)


def _deck_dirs(data_dir: Path | None) -> list[Path]:
    from mlprep.services.deck_loader import shipped_decks_dir
    from mlprep.services.paths import resolve_data_dir

    return [shipped_decks_dir(), resolve_data_dir(data_dir, os.environ) / "decks"]


def _check(paths: list[Path], data_dir: Path | None) -> int:
    from mlprep.services.checks import check_decks

    dirs = [p for p in paths if p.is_dir()] if paths else _deck_dirs(data_dir)
    files = [p for p in paths if p.is_file()]
    problems, n_decks, n_cards = check_decks(dirs, files)
    for problem in problems:
        print(problem)
    summary = f"{n_decks} decks, {n_cards} cards, {len(problems)} problem(s)"
    print(summary, file=sys.stderr)
    return 1 if problems else 0


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
