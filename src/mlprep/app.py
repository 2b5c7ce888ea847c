"""Composition root: open the collection, then hand it to the Qt user interface."""

from __future__ import annotations

import os
from pathlib import Path

from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection
from mlprep.services.paths import resolve_data_dir


def run_app(data_dir: Path | None = None) -> int:
    """Open the collection in ``data_dir`` (see :func:`resolve_data_dir`) and run the app
    until its window closes; return the exit status. A damaged collection file gets the app's own
    dialog (:class:`mlprep.ui.recovery_dialog.RecoveryDialog`): restore the newest sound backup, start
    a new collection, or quit; the damaged file is kept either way."""
    import sys
    from datetime import UTC, datetime

    from mlprep.services.backups import CollectionInUse, newest_sound_backup
    from mlprep.services.errors import DamagedCollection
    from mlprep.services.recovery import recover

    folder = resolve_data_dir(data_dir, os.environ)
    for attempt in range(2):
        try:
            collection = open_collection(folder, SystemClock(), lock=True)
            break
        except CollectionInUse as error:
            print(f"mlprep: {error}", file=sys.stderr)
            return 1
        except DamagedCollection as error:
            if attempt:  # the restored or new collection failed too: say so and stop
                print(f"mlprep: cannot open the collection: {error}", file=sys.stderr)
                return 1
            from mlprep.ui.launch import Recovery, ask_recovery

            backup = newest_sound_backup(folder)
            choice = ask_recovery(error.damage, backup)
            if choice is Recovery.QUIT:
                return 1
            try:
                aside = recover(error.damage.file, datetime.now(UTC), backup if choice is Recovery.RESTORE else None)
            except (CollectionInUse, OSError, ValueError) as problem:
                print(f"mlprep: {problem}", file=sys.stderr)
                return 1
            print(f"mlprep: the damaged collection was kept as {aside}", file=sys.stderr)
    from mlprep.ui.launch import run  # Qt loads only when the GUI starts, not for the CLI

    return run(collection)
