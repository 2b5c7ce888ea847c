"""``mlprep import`` and ``mlprep export`` (issue 15), run in-process."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from tests.services.anki_packages import LegacyNote, Sched, legacy_apkg
from tests.test_cli import mlprep


def test_import_prints_progress_and_a_summary_then_export_writes_the_deck(tmp_path: Path) -> None:
    package = legacy_apkg(tmp_path / "verbs.apkg", [
        LegacyNote("basic", ["hablar", "to speak"], ["verbs"], {0: Sched(2, 2, 100, 15, 2300, 7, 1)}),
        LegacyNote("reversed", ["comer", "to eat"]),
        LegacyNote("basic", ["", "no front"]),
    ], deck="Verbs", tmp=tmp_path)
    data = tmp_path / "data"

    run = mlprep("import", str(package), "--area", "sql", data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "read 3/3 notes" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == (
        'imported 3 notes → 3 cards into deck "Verbs" (1 with their progress); '
        "skipped 1: note without cards (1)")  # genanki makes no card for an empty front
    assert (data / "decks" / "verbs.md").read_text(encoding="utf-8").startswith("---\ntitle: Verbs\narea: sql\n")

    again = mlprep("import", str(package), data_dir=data)
    assert again.returncode == 1
    assert again.stderr.startswith('mlprep import: verbs.apkg: a deck "Verbs" (file verbs.md) already exists')

    out = tmp_path / "verbs-out.csv"
    run = mlprep("export", "--csv", str(out), "--deck", "verbs", data_dir=data)
    assert run.returncode == 0, run.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows] == ["front", "hablar", "comer", "to eat"]
    assert {row[4] for row in rows[1:]} == {"Verbs"}

    apkg = tmp_path / "verbs-out.apkg"
    assert mlprep("export", "--apkg", str(apkg), "--deck", "verbs", data_dir=data).returncode == 0
    assert "collection.anki2" in zipfile.ZipFile(apkg).namelist()


def test_import_of_a_bad_file_names_it_and_export_of_an_unknown_deck_fails(tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("front,back\nq,a,b\n", encoding="utf-8")
    run = mlprep("import", str(bad), data_dir=tmp_path / "data")
    assert (run.returncode, run.stderr) == (1, "mlprep import: notes.csv:2: 3 cells in a row under a header of 2\n")
    assert list((tmp_path / "data" / "decks").iterdir()) == []
    run = mlprep("export", "--apkg", str(tmp_path / "x.apkg"), "--deck", "nope", data_dir=tmp_path / "data")
    assert run.returncode == 1 and "no deck with id 'nope'" in run.stderr
