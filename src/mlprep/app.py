"""Composition root: open the collection, then hand it to the Qt user interface."""

from __future__ import annotations

import os
from pathlib import Path

from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection
from mlprep.services.paths import resolve_data_dir


def run_app(data_dir: Path | None = None) -> int:
    """Open the collection in ``data_dir`` (see :func:`resolve_data_dir`) and run the app
    until its window closes; return the exit status."""
    import sys

    from mlprep.services.backups import CollectionInUse

    try:
        collection = open_collection(resolve_data_dir(data_dir, os.environ), SystemClock(), lock=True)
    except CollectionInUse as error:
        print(f"mlprep: {error}", file=sys.stderr)
        return 1
    from mlprep.ui.launch import run  # Qt loads only when the GUI starts, not for the CLI

    return run(collection)
