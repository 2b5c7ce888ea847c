"""Read a CSV or TSV file of cards: a header row naming ``front`` and ``back`` (required), and optionally
``tags`` (separated by spaces or commas), ``source`` and ``deck`` (one deck file per deck name; empty: the
file's name). Columns are matched without regard to case; other columns are an error (a typo would lose
data silently).

The delimiter is the file's: tab for ``.tsv``, else what :class:`csv.Sniffer` finds in the header among
``,``, ``;`` and tab (comma when it cannot tell). The text is UTF-8 (a byte-order mark is dropped). Cells
are Markdown and are imported as written.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from mlprep.services.import_plan import DraftCard, Drafts, ImportProblem, Progress

COLUMNS = ("front", "back", "tags", "source", "deck")
MAX_CSV_BYTES = 64 * 2**20
"""A CSV larger than this (64 MB) is refused unread."""
_PROGRESS_EVERY = 500


def _delimiter(path: Path, header: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_csv(path: Path, *, progress: Progress | None = None) -> Drafts:
    """Read ``path`` (module docstring) into :class:`Drafts`; rows with an empty front or back are skipped
    and counted. Raises :class:`ImportProblem` naming the file and line for a file that is not UTF-8 text,
    a header without ``front`` and ``back`` or with an unknown column, a row with more cells than the
    header, or a malformed quote."""
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise ImportProblem(path, f"the file is over {MAX_CSV_BYTES >> 20} MB")
        data = path.read_bytes()
    except OSError as error:
        raise ImportProblem(path, f"cannot read the file: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ImportProblem(path, f"not UTF-8 text (byte {error.start}): save the file as UTF-8", line) from error
    if not text.strip():
        raise ImportProblem(path, "the file is empty: it needs a header row (front, back, ...)", 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(path, text.split("\n", 1)[0]),
                        strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        _check_header(path, header)
        rows: list[tuple[int, list[str]]] = []
        start = reader.line_num + 1
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportProblem(path, f"malformed CSV: {error}", reader.line_num) from error
    return _drafts(path, header, rows, progress)


def _check_header(path: Path, header: list[str]) -> None:
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise ImportProblem(path, f"unknown column {unknown[0]!r}: the columns are {', '.join(COLUMNS)}", 1)
    missing = [name for name in ("front", "back") if name not in header]
    if missing:
        raise ImportProblem(path, f"the header has no {missing[0]!r} column (needed: front, back)", 1)
    repeated = [name for name, count in Counter(header).items() if count > 1]
    if repeated:
        raise ImportProblem(path, f"column {repeated[0]!r} appears twice", 1)


def _drafts(path: Path, header: list[str], rows: list[tuple[int, list[str]]], progress: Progress | None) -> Drafts:
    skipped: Counter[str] = Counter()
    cards = []
    for index, (line, row) in enumerate(rows):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ImportProblem(path, f"{len(row)} cells in a row under a header of {len(header)}", line)
        cells = dict(zip(header, row, strict=False))
        front, back = cells.get("front", "").strip(), cells.get("back", "").strip()
        if not front or not back:
            skipped["row with an empty front or back"] += 1
            continue
        tags = tuple(t for t in re.split(r"[\s,]+", cells.get("tags", "")) if t)
        cards.append(DraftCard(front, back, tags, cells.get("source", "").strip(), cells.get("deck", "").strip()))
        if progress is not None and (index + 1) % _PROGRESS_EVERY == 0:
            progress(index + 1, len(rows))
    if progress is not None:
        progress(len(rows), len(rows))
    return Drafts(path, tuple(cards), len(rows), skipped)

