"""Start Qt and show the main window over an open collection.

Importing this module does not import Qt: :func:`mlprep.app.run_app` asks :func:`missing_platform_library`
first and opens the collection before Qt loads, so the modules the opening imports load before PySide6 (whose
import hook reads the source of every module imported after it)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from mlprep.app import DESKTOP_FILE_NAME

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from mlprep.services.backups import Backup
    from mlprep.services.collection import Collection
    from mlprep.services.errors import Damage
    from mlprep.ui.recovery_dialog import Recovery

__all__ = ["XCB_CURSOR_HINT", "Recovery", "ask_recovery", "missing_platform_library", "run"]


def __getattr__(name: str) -> object:
    """``Recovery`` (:class:`mlprep.ui.recovery_dialog.Recovery`), imported with Qt when first asked for."""
    if name == "Recovery":
        from mlprep.ui.recovery_dialog import Recovery

        return Recovery
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

XCB_CURSOR_HINT = "mlprep needs libxcb-cursor0 for X11: sudo apt install libxcb-cursor0"
"""The one line printed instead of Qt's abort (exit 134) when X11's cursor library is missing."""


def qt_platform(environ: Mapping[str, str], argv: Sequence[str], platform: str = sys.platform) -> str:
    """The Qt platform plugin QApplication will load: ``-platform NAME`` on the command line, else the
    first of ``$QT_QPA_PLATFORM``'s ``;``-separated names, else on Linux "wayland" in a Wayland session
    (Qt 6 prefers it there) and "xcb" with only ``$DISPLAY``; "" when it cannot be told."""
    if "-platform" in argv[:-1]:
        return argv[list(argv).index("-platform") + 1].split(":")[0]
    named = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if named or not platform.startswith("linux"):
        return named
    if environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb" if environ.get("DISPLAY") else ""


def missing_platform_library(environ: Mapping[str, str], argv: Sequence[str],
                             find_library: Callable[[str], str | None] | None = None) -> str | None:
    """The hint to print when QApplication would abort for want of a system library, else ``None``.

    Qt ≥ 6.5's xcb (X11) plugin needs libxcb-cursor; without it Qt prints "xcb-cursor0 is needed"
    and aborts the process (SIGABRT, exit 134) before Python can catch anything, so it is looked for
    first (``find_library``, by default ``ctypes.util.find_library``, which asks ``ldconfig``)."""
    if qt_platform(environ, argv) != "xcb":
        return None
    if find_library is None:  # ctypes.util (and the subprocess it spawns ldconfig with): on xcb only (issue 16)
        import ctypes.util

        find_library = ctypes.util.find_library
    return XCB_CURSOR_HINT if find_library("xcb-cursor") is None else None


def _application() -> QApplication | None:
    """The running QApplication, or a new one; ``None`` (hint printed) when Qt could not start."""
    from PySide6.QtWidgets import QApplication

    from mlprep.ui.app_icon import app_icon

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    import os

    hint = missing_platform_library(os.environ, sys.argv)
    if hint is not None:
        print(hint, file=sys.stderr)
        return None
    app = QApplication(sys.argv)
    app.setApplicationName("mlprep")
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # the Wayland app id: the desktop finds mlprep.desktop
    app.setWindowIcon(app_icon())
    return app


def ask_recovery(damage: Damage, backup: Backup | None) -> Recovery:
    """Show the :class:`RecoveryDialog` for ``damage`` (offering ``backup``) and return the choice
    (:attr:`Recovery.QUIT` when Qt cannot start)."""
    from mlprep.ui.recovery_dialog import Recovery, RecoveryDialog

    if _application() is None:
        return Recovery.QUIT
    dialog = RecoveryDialog(damage, backup)
    dialog.exec()
    return dialog.choice


def run(collection: Collection) -> int:
    """Run the app on ``collection`` until its window closes; return Qt's exit status (1, with a
    one-line hint, when a system library Qt needs is missing; the collection is closed then)."""
    app = _application()
    if app is None:
        collection.close()
        return 1
    from mlprep.ui.main_window import MainWindow

    window = MainWindow(collection)
    window.show()
    return app.exec()
