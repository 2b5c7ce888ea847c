"""File ▸ Import… and File ▸ Export…: Anki packages and CSV in and out of the collection (issue 15).

:class:`ImportDialog` reads and converts the file on a worker thread (the collection's
:meth:`~mlprep.services.collection.Collection.import_job` touches no database connection there), shows a
:class:`QProgressDialog` fed by a timer that polls the job's progress, then writes the decks and progress
on the GUI thread (:meth:`~mlprep.services.collection.Collection.apply_import`, whose connection belongs to
it) and shows the summary, or the one clear message a bad file gives. :class:`ExportDialog` writes the
chosen decks as an ``.apkg`` or CSV, also off the GUI thread (export reads only the deck files).
"""

from __future__ import annotations

import html
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlprep.core.taxonomy import AREAS
from mlprep.services.anki_export import ExportSummary
from mlprep.services.collection import Collection
from mlprep.services.import_plan import ImportPlan, ImportProblem, ImportSummary

POLL_MS = 50
"""How often the progress dialog looks at the worker's progress."""
FILE_FILTER = "Anki packages and CSV (*.apkg *.colpkg *.csv *.tsv *.txt);;All files (*)"


class _Worker:
    """One background task at a time on its own thread, with the ``(done, total)`` it last reported."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlprep-import")
        self.progress: tuple[int, int] = (0, 0)

    def report(self, done: int, total: int) -> None:
        self.progress = (done, total)  # one tuple assignment: atomic under the GIL

    def close(self) -> None:
        self.executor.shutdown(wait=True)


def _file_row(line: QLineEdit, choose: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(line, 1)
    layout.addWidget(choose)
    return row


class ImportDialog(QDialog):
    """File ▸ Import…: a file (typed or chosen), an optional deck name and the decks' area, then Import.
    ``imported`` is emitted with the :class:`ImportSummary` once the decks are in the collection."""

    imported = Signal(object)

    def __init__(self, collection: Collection, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setMinimumWidth(560)
        self.collection = collection
        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setPlaceholderText("an Anki .apkg/.colpkg, or a .csv/.tsv with a header")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self._choose)
        self.deck_edit = QLineEdit()
        self.deck_edit.setPlaceholderText("one deck per Anki deck (or CSV deck column)")
        self.area_box = QComboBox()
        self.area_box.addItem("From the package (else ML challenges)", "")
        for area in AREAS:
            self.area_box.addItem(area.title, area.slug)
        form = QFormLayout()
        form.addRow("File:", _file_row(self.path_edit, self.choose_button))
        form.addRow("Into deck:", self.deck_edit)
        form.addRow("Area:", self.area_box)
        self.summary = QLabel("Cards go into new decks in your data folder; their Anki progress comes along.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.progress_dialog: QProgressDialog | None = None
        self.result_summary: ImportSummary | None = None
        self.error: str = ""
        self._worker = _Worker()
        self._future: Future[ImportPlan] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.finished.connect(lambda _result: self._worker.close())

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import", str(Path.home()), FILE_FILTER)
        if name:
            self.path_edit.setText(name)

    @property
    def busy(self) -> bool:
        """True while a file is being read."""
        return self._future is not None

    def start(self) -> None:
        """Start importing the file named in the dialog (the Import button)."""
        text = self.path_edit.text().strip()
        if self.busy or not text:
            if not text:
                self._show_error("Choose a file to import first.")
            return
        try:
            job = self.collection.import_job(Path(text).expanduser(), self.deck_edit.text().strip() or None,
                                             area=self.area_box.currentData() or None)
        except ValueError as error:
            self._show_error(str(error))
            return
        self.error = ""
        self.import_button.setEnabled(False)
        self._worker.progress = (0, 0)
        self._future = self._worker.executor.submit(job.run, self._worker.report)
        self.progress_dialog = QProgressDialog(f"Reading {Path(text).name}…", "", 0, 0, self)
        self.progress_dialog.setWindowTitle("Import")
        self.progress_dialog.setCancelButton(None)  # a read cannot be stopped halfway
        self.progress_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress_dialog.setMinimumDuration(300)
        self._timer.start()

    def _poll(self) -> None:
        done, total = self._worker.progress
        if self.progress_dialog is not None and total:
            self.progress_dialog.setMaximum(total)
            self.progress_dialog.setValue(min(done, total - 1) if self._future and not self._future.done() else total)
            self.progress_dialog.setLabelText(f"Read {done:,} of {total:,} notes")
        if self._future is None or not self._future.done():
            return
        self._timer.stop()
        future, self._future = self._future, None
        try:
            plan = future.result()
            if self.progress_dialog is not None:  # painted now: the write below holds the GUI thread (~1 s / 10k)
                self.progress_dialog.setLabelText("Writing the decks…")
                self.progress_dialog.repaint()
            summary = self.collection.apply_import(plan)
        except ImportProblem as error:
            self._show_error(str(error))
        except Exception as error:  # a bug on a strange file must not take the window down
            self._show_error(f"The import failed ({type(error).__name__}): {error}")
        else:
            self.result_summary = summary
            self.summary.setText(summary_html(summary))
            self.imported.emit(summary)
        finally:
            self._close_progress()
            self.import_button.setEnabled(True)

    def _close_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _show_error(self, message: str) -> None:
        self.error = message
        self.summary.setText(f"<b>Nothing was imported.</b> {html.escape(message)}")


def summary_html(summary: ImportSummary) -> str:
    """The import's summary as the dialog shows it: what came in, in bold; then progress, media, notices
    and what was skipped, one line each."""
    decks = ", ".join(f"“{html.escape(title)}”" for _, title in summary.decks)
    lines = [f"<b>Imported {summary.notes:,} notes → {summary.cards:,} cards</b> into "
             f"{'deck' if len(summary.decks) == 1 else 'decks'} {decks}."]
    if summary.with_progress:
        one = summary.with_progress == 1
        lines.append(f"{summary.with_progress:,} {'card' if one else 'cards'} kept {'its' if one else 'their'} "
                     "Anki progress (interval, ease, due, lapses).")
    if summary.media:
        lines.append(f"{summary.media:,} images copied.")
    lines.extend(f"{count:,} {html.escape(notice)}." for notice, count in sorted(summary.notices.items()))
    if summary.skipped:
        reasons = "; ".join(f"{html.escape(reason)} ({count:,})" for reason, count in sorted(summary.skipped.items()))
        lines.append(f"Skipped {sum(summary.skipped.values()):,}: {reasons}.")
    return "<br>".join(lines)


class ExportDialog(QDialog):
    """File ▸ Export…: the decks to export (all ticked), Anki package or CSV, the file, then Export.
    ``exported`` is emitted with the :class:`ExportSummary`."""

    exported = Signal(object)

    def __init__(self, collection: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(560)
        self.collection = collection
        self.deck_list = QListWidget()
        for deck in collection.decks():
            item = QListWidgetItem(f"{deck.title} ({deck.total} cards)")
            item.setData(Qt.ItemDataRole.UserRole, deck.deck_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.deck_list.addItem(item)
        self.format_box = QComboBox()
        self.format_box.addItem("Anki package (.apkg): Anki, AnkiDroid", "apkg")
        self.format_box.addItem("CSV: front, back, tags, source, deck", "csv")
        self.path_edit = QLineEdit(str(Path.home() / "mlprep.apkg"))
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self._choose)
        form = QFormLayout()
        form.addRow("Format:", self.format_box)
        form.addRow("File:", _file_row(self.path_edit, self.choose_button))
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Decks:"))
        layout.addWidget(self.deck_list, 1)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.result_summary: ExportSummary | None = None
        self.error = ""
        self._worker = _Worker()
        self._future: Future[ExportSummary] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.finished.connect(lambda _result: self._worker.close())

    def _format_changed(self) -> None:
        path = Path(self.path_edit.text() or "mlprep")
        self.path_edit.setText(str(path.with_suffix("." + str(self.format_box.currentData()))))

    def _choose(self) -> None:
        csv = self.format_box.currentData() == "csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export", self.path_edit.text(),
                                              "CSV (*.csv)" if csv else "Anki package (*.apkg)")
        if name:
            self.path_edit.setText(name)

    def chosen_decks(self) -> list[str]:
        """The ids of the ticked decks."""
        items = (self.deck_list.item(i) for i in range(self.deck_list.count()))
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in items
                if item.checkState() == Qt.CheckState.Checked]

    def start(self) -> None:
        """Export the ticked decks to the file named in the dialog (the Export button)."""
        decks = self.chosen_decks()
        text = self.path_edit.text().strip()
        if self._future is not None:
            return
        if not decks or not text:
            self.error = "Tick at least one deck and name the file." if text else "Name the file to write."
            self.summary.setText(self.error)
            return
        self.export_button.setEnabled(False)
        self.summary.setText("Exporting…")
        self._future = self._worker.executor.submit(self.collection.export_decks, Path(text).expanduser(), decks,
                                                    as_csv=self.format_box.currentData() == "csv")
        self._timer.start()

    def _poll(self) -> None:
        if self._future is None or not self._future.done():
            return
        self._timer.stop()
        future, self._future = self._future, None
        self.export_button.setEnabled(True)
        try:
            summary = future.result()
        except (OSError, ValueError) as error:
            self.error = str(error)
            self.summary.setText(f"Nothing was exported: {error}")
            return
        self.result_summary = summary
        self.summary.setText(summary.text()[0].upper() + summary.text()[1:] + ".")
        self.exported.emit(summary)
