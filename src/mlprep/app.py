"""Composition root: open the collection, then hand it to the Qt user interface."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection
from mlprep.services.paths import resolve_data_dir


def run_app(data_dir: Path | None = None) -> int:
    """Open the collection in ``data_dir`` (see :func:`resolve_data_dir`) and run the app
    until its window closes; return the exit status. A damaged collection file gets the app's own
    dialog (:class:`mlprep.ui.recovery_dialog.RecoveryDialog`): restore the newest sound backup, start
    a new collection, or quit; the damaged file is kept either way. Where Qt would abort on start
    (X11 without libxcb-cursor: :func:`mlprep.ui.launch.missing_platform_library`) it prints a one-line
    hint and returns 1 before opening anything."""
    import sys
    from datetime import UTC, datetime

    from mlprep.services.backups import CollectionInUse, newest_sound_backup
    from mlprep.services.errors import DamagedCollection
    from mlprep.services.recovery import recover
    from mlprep.ui.launch import missing_platform_library

    hint = missing_platform_library(os.environ, sys.argv)
    if hint is not None:  # Qt would abort (exit 134) on creating the application: say why instead
        print(hint, file=sys.stderr)
        return 1
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


DESKTOP_FILE_NAME = "mlprep"
"""The desktop entry's id (``mlprep.desktop``), icon name and Wayland app id."""

_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def _exec_argument(arg: str) -> str:
    """``arg`` quoted for a desktop entry's ``Exec`` key (Desktop Entry Specification 1.5, "The Exec
    key"): in double quotes, with ``"``, `````, ``$`` and ``\\`` backslash-escaped, when it holds a
    reserved character; then every backslash doubled, as the key is a string value."""
    if arg and not _EXEC_RESERVED & set(arg):
        return arg
    quoted = '"' + "".join(f"\\{c}" if c in '"`$\\' else c for c in arg) + '"'
    return quoted.replace("\\", "\\\\")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def install_desktop_entry(environ: Mapping[str, str], command: Sequence[str]) -> tuple[Path, Path]:
    """Install mlprep's Linux desktop entry and icon for the current user; return (entry, icon) paths.

    Writes ``$XDG_DATA_HOME/applications/mlprep.desktop`` (``$XDG_DATA_HOME`` defaults to
    ``~/.local/share``, XDG Base Directory Specification 0.8; a relative value is ignored, as the
    specification says) from the shipped ``resources/mlprep.desktop``, its ``Exec`` set to ``command``
    (e.g. ``[sys.executable, "-m", "mlprep"]``, so the entry starts this installation whatever ``PATH``
    the desktop session has), and the icon as ``$XDG_DATA_HOME/icons/hicolor/scalable/apps/mlprep.svg``
    (Icon Theme Specification: the fallback theme ``hicolor``). Each file is written to a temporary
    file and renamed, so a failed install leaves no half-written entry. Raises ``OSError`` when a file
    cannot be written."""
    from mlprep.services.deck_loader import shipped_resources_dir

    home = environ.get("XDG_DATA_HOME", "")
    data_home = Path(home) if home and Path(home).is_absolute() else Path.home() / ".local" / "share"
    resources = shipped_resources_dir()
    entry = (resources / f"{DESKTOP_FILE_NAME}.desktop").read_text(encoding="utf-8")
    exec_line = "Exec=" + " ".join(_exec_argument(a) for a in command)
    entry = "\n".join(exec_line if line.startswith("Exec=") else line for line in entry.splitlines()) + "\n"
    entry_path = data_home / "applications" / f"{DESKTOP_FILE_NAME}.desktop"
    icon_path = data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_FILE_NAME}.svg"
    _write_atomically(icon_path, (resources / "icon.svg").read_bytes())
    _write_atomically(entry_path, entry.encode("utf-8"))
    return entry_path, icon_path
