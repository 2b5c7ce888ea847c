"""Start-up imports only what the first screen needs (issue 16): the card editor, the Browse window, the
import dialog, the tag picker and the LaTeX checks are imported when first used, not when the app starts.

Each check runs in a fresh interpreter (``sys.modules`` of this test process holds whatever other tests
imported) and lists which of the modules that must wait were imported anyway."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DEFERRED = (
    "mlprep.ui.card_editor",
    "mlprep.services.card_edit",
    "mlprep.core.latex_check",
    "mlprep.ui.browse_window",
    "mlprep.ui.import_dialog",
    "mlprep.ui.tag_picker",
)
"""Modules the deck list does not need: each is imported by the action that opens it."""


def imported_early(statement: str, modules: tuple[str, ...] = DEFERRED) -> list[str]:
    """The ``modules`` (by default :data:`DEFERRED`) present in ``sys.modules`` after ``statement`` ran in a
    new Python process of this interpreter (offscreen Qt)."""
    code = f"import json, sys\n{statement}\nprint(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    result: list[str] = json.loads(out.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize("statement", [
    "import mlprep.ui.main_window",
    "import mlprep.ui.launch",
    "import mlprep.app, mlprep.services.collection",
])
def test_start_up_modules_leave_the_editors_and_dialogs_unimported(statement: str) -> None:
    assert imported_early(statement) == []


def test_qt_loads_after_the_collection_is_opened() -> None:
    """``mlprep.app.run_app`` imports the launcher (for its X11 check) before it opens the collection: the
    launcher leaves Qt unimported, so what the opening imports loads before PySide6."""
    assert imported_early("import mlprep.app, mlprep.ui.launch", ("PySide6", "mlprep.ui.main_window")) == []


def test_the_override_folder_reads_without_the_card_editing_services(tmp_path: Path) -> None:
    """Taking a snapshot of an empty override folder (what every open does) needs no card editing."""
    statement = ("from pathlib import Path\nfrom mlprep.services.overrides import Overrides\n"
                 f"assert Overrides(Path({str(tmp_path)!r}) / 'overrides').snapshot().blocks == {{}}")
    assert imported_early(statement) == []


def test_markdown_loads_after_the_deck_list_is_painted_and_before_study_now(tmp_path: Path) -> None:
    """Drawing a card needs Markdown (~50 ms to load): not before the deck list's first paint, but in the
    event-loop turn after it, so Study now finds it loaded."""
    statement = f"""
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from mlprep.core.clock import SystemClock
from mlprep.services.collection import open_collection
from mlprep.ui.main_window import MainWindow
window = MainWindow(open_collection(Path({str(tmp_path)!r}), SystemClock()))
seen = {{}}
class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "paint" not in seen:
            seen["paint"] = "markdown" in sys.modules
            QTimer.singleShot(200, app.quit)
        return False
watch = Watch()
window.deck_list.tree.viewport().installEventFilter(watch)
seen["built"] = "markdown" in sys.modules
window.show()
app.exec()
seen["after"] = "markdown" in sys.modules
window.close()
assert seen == {{"built": False, "paint": False, "after": True}}, seen
"""
    assert imported_early(statement) == []


AFTER_THE_DECK_LIST = (
    "sqlite_utils",  # only migrations, bulk writes and FTS set-up need it (mlprep.storage.db)
    "mlprep.storage.migrations",
    "mlprep.storage.legacy",
    "mlprep.storage.stats_queries",
    "mlprep.storage.reading_store",
    "mlprep.storage.plan_queries",
    "mlprep.core.reading_list",
    "mlprep.services.planning",  # no plan stored: the deck list shows no plan figures
    "mlprep.core.planner",
    "fsrs",
    "mlprep.services.cram",
    "mlprep.services.study",
    "mlprep.plan_cli",
    "mlprep.transfer_cli",
    "yaml",  # an unchanged deck file is not parsed; only a changed one needs its header read
    "concurrent.futures",  # the backup worker's pool starts with the first backup
    "markdown",  # the first card needs it (or finds its front kept: mlprep.ui.render_store)
    "importlib.metadata",  # Markdown reads the installed entry points only for extensions named by a string
    "xml.etree.ElementTree",  # Markdown's tree: with Markdown
    "ctypes",  # ctypes.util.find_library (the libxcb-cursor check, which spawns ldconfig): on X11 only
    "subprocess",
    "mlprep.ui.review_view",  # the review screen is built by Study now or the deck list's warm-up
    "mlprep.ui.card_view",
    "mlprep.ui.card_render",
    "mlprep.ui.math_images",
    "mlprep.ui.render_store",
    "PySide6.QtSvg",  # formulas are drawn from SVG; the window icon's SVG is Qt's plugin, not this module
    "mlprep.ui.help_dialogs",  # Help ▸ Keyboard shortcuts / About; the window icon is mlprep.ui.app_icon
)
"""Modules a start on an up-to-date data folder without a plan does not need before the deck list's first
paint (issue 16): each is imported by what first uses it."""


def imported_at_first_paint(data: Path, modules: tuple[str, ...]) -> list[str]:
    """The ``modules`` in ``sys.modules`` at the deck list's first paint, in a new process running ``mlprep
    --data-dir data`` (the real entry point, :func:`mlprep.cli.main`; offscreen Qt), which then quits."""
    code = f"""
import json, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from mlprep.cli import main
seen = []
class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen.append([m for m in {modules!r} if m in sys.modules])
            QApplication.instance().quit()
        return False
original = QApplication.exec
def exec_(app):
    window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
    app._watch = Watch()
    window.deck_list.tree.viewport().installEventFilter(app._watch)
    return original()
QApplication.exec = exec_
status = main(["--data-dir", {str(data)!r}])
print(json.dumps(seen[0]))
sys.exit(status)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    result: list[str] = json.loads(out.stdout.splitlines()[-1])
    return result


def test_a_real_start_paints_the_deck_list_before_importing_what_it_does_not_need(tmp_path: Path) -> None:
    """``mlprep --data-dir DIR`` on a data folder opened before, without a plan: at the deck list's first
    paint none of :data:`AFTER_THE_DECK_LIST` has been imported (the first start, which creates the
    collection, needs sqlite-utils for the migrations and the first sync's bulk insert)."""
    imported_at_first_paint(tmp_path, AFTER_THE_DECK_LIST)
    assert imported_at_first_paint(tmp_path, AFTER_THE_DECK_LIST) == []


AFTER_THE_FIRST_CARD = (
    "mlprep.ui.card_markup",
    "mlprep.services.card_html",
    "markdown",
    "pygments",
    "importlib.metadata",
    "xml.etree.ElementTree",
    "ziamath",
    "latex2mathml",
    "mlprep.core.latex_check",
)
"""Modules a start does not need before Study now's first card is painted, when that card's front was kept by
an earlier start (:mod:`mlprep.ui.render_store`): drawing the card again would need them."""


def test_a_start_shows_a_first_card_kept_by_the_last_start_before_importing_markdown(tmp_path: Path) -> None:
    """The first start stays on the deck list until its warm-up has kept Study now's first fronts; the second
    clicks Study now the moment its deck list is painted (as bench_startup does): at the card's paint, none of
    :data:`AFTER_THE_FIRST_CARD` has been imported, and the card came from the store."""
    code = f"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from mlprep.cli import main
data, then = Path(sys.argv[1]), sys.argv[2]
seen = []
class Watch(QObject):
    def __init__(self, window):
        super().__init__()
        self.window = window
    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint:
            return False
        if watched is self.window.deck_list.tree.viewport():
            watched.removeEventFilter(self)
            if then == "wait":  # until the warm-up has written the store (5 s at most)
                timer = QTimer(self)
                timer.timeout.connect(self.close_once_kept)
                timer.start(50)
            else:
                self.window.review.browser.viewport().installEventFilter(self)
                QTimer.singleShot(0, self.window.deck_list.study_button.click)
        elif watched is self.window.review.browser.viewport():
            watched.removeEventFilter(self)
            hits = self.window.review.browser.renderer.kept.hits
            seen.append([[m for m in {AFTER_THE_FIRST_CARD!r} if m in sys.modules], hits])
            self.window.close()
        return False
    def close_once_kept(self):
        seen.append(0)
        if any((data / "cache" / "cards").glob("*.json")) or len(seen) > 100:
            self.window.close()
original = QApplication.exec
def exec_(app):
    window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
    app._watch = Watch(window)
    window.deck_list.tree.viewport().installEventFilter(app._watch)
    return original()
QApplication.exec = exec_
status = main(["--data-dir", str(data)])
print(json.dumps(seen[-1]))
sys.exit(status)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    outs = [subprocess.run([sys.executable, "-c", code, str(tmp_path), then], capture_output=True, text=True,
                           env=env, timeout=120, check=False) for then in ("wait", "click")]
    assert all(out.returncode == 0 for out in outs), outs[-1].stderr[-3000:]
    assert any((tmp_path / "cache" / "cards").glob("*.json"))
    assert json.loads(outs[1].stdout.splitlines()[-1]) == [[], 1]
