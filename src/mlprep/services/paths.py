"""Where the user's collection lives."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def resolve_data_dir(explicit: Path | None, environ: Mapping[str, str]) -> Path:
    """The data folder: ``explicit`` (``--data-dir``), else ``$MLPREP_DATA_DIR``, else the
    platform's user data dir (platformdirs, e.g. ``~/.local/share/mlprep`` on Linux)."""
    if explicit is not None:
        return explicit.expanduser()
    if environ.get("MLPREP_DATA_DIR"):
        return Path(environ["MLPREP_DATA_DIR"]).expanduser()
    import platformdirs  # only when neither names the folder

    return Path(platformdirs.user_data_dir("mlprep", appauthor=False))
