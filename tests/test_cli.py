"""The `mlprep` command line: ``main(argv)`` called in-process (so coverage of the CLI is real), and one
run as a subprocess where the process itself matters (a closed pipe)."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlprep import __version__
from mlprep.cli import main
from mlprep.core.clock import FixedClock
from mlprep.core.taxonomy import AREAS
from tests.helpers import storage_of


@dataclass(frozen=True)
class Run:
    """What one command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


def mlprep(*args: str, data_dir: Path | None) -> Run:
    """Run ``mlprep [--data-dir DIR] ARGS`` in this process, as the console script would."""
    out, err = io.StringIO(), io.StringIO()
    argv = (["--data-dir", str(data_dir)] if data_dir is not None else []) + list(args)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse: --version, --help, usage errors
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Run(code, out.getvalue(), err.getvalue())


def test_version(tmp_path: Path) -> None:
    result = mlprep("--version", data_dir=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, f"mlprep {__version__}")


def test_check_passes_on_the_shipped_decks(tmp_path: Path) -> None:
    result = mlprep("check", data_dir=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert ", 0 problems" in result.stderr and "problem(s)" not in result.stderr


def test_check_reports_every_problem_of_a_broken_file_in_one_pass_and_exits_1(tmp_path: Path) -> None:
    """Issue 17, item 4: only the first problem of a broken file was reported; a user card without a
    source was an error (the deck format asks a source of shipped cards only: here a warning)."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "bad.md").write_text(
        "---\ntitle: Bad\narea: math\n---\n\n## bad-one\nsource: s\nQ: Front\n\n"
        "## bad-two\nsource: s\nQ: Formula $\\frac{1}{2$?\nA: yes\n## bad-three\nQ: f\nA: b\n")
    result = mlprep("check", str(decks), data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{decks / 'bad.md'}:6: card bad-one: no 'A:' line (the back)",
        f"{decks / 'bad.md'}:12: card bad-two (front): formula $\\frac{{1}}{{2$: unbalanced braces: "
        "'{' is never closed",
        f"{decks / 'bad.md'}:14: warning: card bad-three: no 'source:' (say where its answer can be checked)",
    ]
    assert "2 problems, 1 warning" in result.stderr and "(s)" not in result.stderr
    # Fixed but for the source: a warning only, exit 0.
    text = (decks / "bad.md").read_text().replace("Q: Front\n", "Q: Front\nA: Back\n").replace("{2$", "{2}$")
    (decks / "bad.md").write_text(text)
    result = mlprep("check", str(decks / "bad.md"), data_dir=tmp_path)
    assert (result.returncode, result.stdout.splitlines()) == (
        0, [f"{decks / 'bad.md'}:15: warning: card bad-three: no 'source:' (say where its answer can be checked)"])
    assert result.stderr.strip() == "1 deck, 3 cards, 0 problems, 1 warning"


def test_check_warns_of_an_answer_that_opens_with_a_number_markdown_would_make_a_list(tmp_path: Path) -> None:
    """Issue 17, item 8: "A: 2. For the NULL row ..." was shown as a numbered list of one item."""
    deck = tmp_path / "nums.md"
    deck.write_text(
        "---\ntitle: Nums\narea: sql\n---\n\n## n-prose\nsource: s\nQ: How many rows?\n"
        "A: 2. For the NULL row the test is unknown.\n\n## n-list\nsource: s\nQ: Steps?\n"
        "A: 1. Parse.\n2. Plan.\n\n## n-escaped\nsource: s\nQ: How many?\nA: 2\\. The second.\n\n"
        "## n-front\nsource: s\nQ: 3. Why three?\nA: Because.\n", encoding="utf-8")
    result = mlprep("check", str(deck), data_dir=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f"{deck}:9: warning: card n-prose (back): starts with \"2. \", which Markdown shows as a numbered "
        "list; write \"2\\.\" for the number as text",
        f"{deck}:24: warning: card n-front (front): starts with \"3. \", which Markdown shows as a numbered "
        "list; write \"3\\.\" for the number as text",
    ]


def test_check_of_a_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    result = mlprep("check", str(tmp_path / "nowhere.md"), data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path / 'nowhere.md'}:0: no such file or folder"]


def test_check_flags_near_identical_fronts_across_decks(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    card = "## {id}\nsource: s\nQ: {front}\nA: b\n"
    (decks / "one.md").write_text("---\ntitle: One\narea: sql\n---\n" + card.format(
        id="one-a", front="What does NOT IN return when the subquery yields a NULL?"))
    (decks / "two.md").write_text("---\ntitle: Two\narea: sql\n---\n" + card.format(
        id="two-a", front="What does `NOT IN` return when the subquery yields a NULL?") + card.format(
        id="two-b", front="What does NOT EXISTS return on an empty subquery?"))
    result = mlprep("check", str(decks), data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{decks / 'two.md'}:5: card two-a: front nearly repeats card one-a (one.md:5)"]


def test_curriculum_doc_is_the_generated_summary_and_every_leaf_is_on_target(tmp_path: Path) -> None:
    summary = mlprep("cards", "--summary", data_dir=tmp_path).stdout
    doc = Path(__file__).resolve().parents[1] / "docs" / "curriculum.md"
    if doc.exists():  # in a checkout (not from an sdist without docs)
        assert doc.read_text(encoding="utf-8") == summary, "regenerate: mlprep cards --summary > docs/curriculum.md"
    leaf_rows = [line for line in summary.splitlines() if line.startswith("| ") and line.endswith("|")
                 and line.count("|") == 6 and not line.startswith("| leaf")]
    assert len(leaf_rows) == sum(len(area.leaves) for area in AREAS) >= 62
    assert [row for row in leaf_rows if not row.endswith("| yes |")] == []


def test_cards_json_lists_at_least_800_cards_and_15_per_area(tmp_path: Path) -> None:
    result = mlprep("cards", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    cards = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(cards) >= 800  # issue 2 asked for 150; the curriculum (issue 5) for 800
    assert set(cards[0]) >= {"id", "deck", "area", "tags", "front", "back", "source"}
    per_area = Counter(card["area"] for card in cards)
    assert {area.slug: per_area[area.slug] >= 15 for area in AREAS} == {area.slug: True for area in AREAS}
    assert all(card["source"] and card["front"] and card["back"] for card in cards)
    assert all(card["area"] in card["tags"] and f"leaf:{card['leaf']}" in card["tags"] for card in cards)


def test_reading_json_kind_book_lists_every_book_with_status_and_cite_counts(tmp_path: Path) -> None:
    result = mlprep("reading", "--json", "--kind", "book", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    books = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"ng-mly", "geron-homl", "raschka-pml", "bishop-prml", "goodfellow-dl"} <= {b["id"] for b in books}
    assert {b["kind"] for b in books} == {"book"}
    assert set(books[0]) == {"id", "title", "authors", "organisation", "kind", "url", "areas", "level", "free", "why",
                             "year", "notes", "short_title", "status", "status_date", "user_notes", "cite_count"}
    assert next(b for b in books if b["id"] == "geron-homl")["short_title"] == "Hands-On ML (Géron)"
    assert all(b["status"] == "to_read" and b["url"].startswith("https://") for b in books)  # no collection yet
    assert next(b for b in books if b["id"] == "geron-homl")["cite_count"] >= 1


def test_reading_shows_the_collections_status_in_aligned_columns(tmp_path: Path, clock: FixedClock) -> None:
    from mlprep.core.reading_list import ReadingStatus
    from mlprep.services.collection import open_collection
    from mlprep.services.reading import ReadingService, load_reading_list

    col = open_collection(tmp_path, clock)
    ReadingService(load_reading_list(), storage_of(col), clock).set_status("esl", ReadingStatus.READING)
    col.close()
    one = mlprep("reading", "--status", "reading", data_dir=tmp_path)
    lines = one.stdout.splitlines()
    assert len(lines) == 1 and lines[0].split()[:4] == ["esl", "book", "advanced", "reading"]
    assert one.stderr.splitlines()[-1] == "1 item"  # issue 17, item 7: plurals said right
    rows = mlprep("reading", "--area", "sql", "--search", "postgresql", data_dir=tmp_path).stdout.splitlines()
    assert rows and all(row.index("to read") == rows[0].index("to read") for row in rows)


def test_stats_json_plain_and_csv_export(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection
    from mlprep.storage.log_codec import instant_us

    result = mlprep("stats", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    empty = json.loads(result.stdout)
    assert empty["empty"] is True and empty["scope"] == "all" and empty["period_days"] == 30
    assert empty["states"]["new"] == sum(empty["states"].values()) > 100 and empty["reviews"] == 0
    col = open_collection(tmp_path, SystemClock())
    card = storage_of(col).db.execute("SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.area = 'sql' "
                                "ORDER BY c.id LIMIT 1").fetchone()[0]
    storage_of(col).db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, "
                         "interval_before, answer_ms) VALUES (?, ?, 4, 0, 0, 0, 90000)",  # kind 0: new (m010)
                         [card, instant_us(datetime.now(UTC))])
    col.close()
    data = json.loads(mlprep("stats", "--json", "--scope", "area:sql", "--period", "all", data_dir=tmp_path).stdout)
    assert data["empty"] is False and data["scope"] == "area:sql" and data["period_days"] is None
    assert data["today"] == {"answers": 1, "cards": 1, "correct": 1, "correct_pct": 100.0, "time_ms": 90000}
    assert data["streak"]["current"] == 1 and data["days"][-1]["new"] == 1
    assert [m["key"] for m in data["mastery"] if m["level"] == "area"] == ["sql"]
    out = tmp_path / "csv"
    plain = mlprep("stats", "--export-csv", str(out), data_dir=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "Today        1 answer, 1 card, 100% correct, 2 min" in plain.stdout
    assert "Streak       current 1 day, longest 1 day; 1 of the past 365 days studied" in plain.stdout
    assert "Mastery by area" in plain.stdout
    log_lines = (out / "mlprep-review-log.csv").read_text(encoding="utf-8").splitlines()
    assert log_lines[0].startswith("id,card_id,deck_id,area,reviewed_at,kind,quality") and len(log_lines) == 2
    assert (out / "mlprep-mastery.csv").read_text(encoding="utf-8").startswith("level,area,key,title,cards,seen")
    bad = mlprep("stats", "--scope", "deck:no-such-deck", data_dir=tmp_path)
    assert bad.returncode == 2 and "no such area or deck" in bad.stderr


def test_stats_counts_todays_re_drill_and_says_two_answers(tmp_path: Path) -> None:
    """Two answers today, one of them below Good (4): SM-2's step 7 owes that card a re-drill today."""
    from datetime import UTC, datetime

    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection
    from mlprep.storage.log_codec import instant_us

    col = open_collection(tmp_path, SystemClock())
    db = storage_of(col).db
    first, second = (row[0] for row in db.execute("SELECT id FROM cards ORDER BY id LIMIT 2").fetchall())
    now = instant_us(datetime.now(UTC))  # as the log stores instants (m010)
    for card, quality in ((first, 2), (second, 5)):
        db.execute("INSERT INTO review_log (card_id, reviewed_at, quality, kind, repetitions_before, interval_before, "
                   "answer_ms) VALUES (?, ?, ?, 0, 0, 0, 20000)", [card, now, quality])  # kind 0: new
    col.close()
    plain = mlprep("stats", data_dir=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "Today        2 answers, 2 cards, 50% correct, 1 min" in plain.stdout
    assert "Due          today 0 + 1 to re-drill, tomorrow 0," in plain.stdout
    data = json.loads(mlprep("stats", "--json", data_dir=tmp_path).stdout)
    assert data["forecast"]["redrill"] == 1 and data["forecast"]["counts"][0] == 0


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """`mlprep cards | head -1`: the reader closes the pipe after one line."""
    with subprocess.Popen([sys.executable, "-m", "mlprep", "--data-dir", str(tmp_path), "cards"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()  # the listing (over 100 kB) fills the pipe: the writer waits
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=120) == 141
    assert first.count(b"\t") == 2 and stderr == ""


def test_stats_works_when_the_data_folder_path_holds_hash_and_question_marks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bug: the read-only connection was opened as f"file:{path}?mode=ro", so '#' and '?' in a folder
    name cut the URI and SQLite opened another (empty) file: "no such table: cards"."""
    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection

    data = tmp_path / "a#b?c"
    open_collection(data, SystemClock()).close()  # a real collection file, so the reader is used
    monkeypatch.setenv("MLPREP_DATA_DIR", str(data))
    result = mlprep("stats", "--json", data_dir=None)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["states"]["new"] > 100


def test_read_only_commands_never_create_or_change_the_collection(tmp_path: Path) -> None:
    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection

    fresh = tmp_path / "fresh"
    assert mlprep("stats", "--json", data_dir=fresh).returncode == 0
    assert mlprep("reading", "--json", data_dir=fresh).returncode == 0
    assert not (fresh / "collection.sqlite3").exists()
    used = tmp_path / "used"
    open_collection(used, SystemClock()).close()
    user_deck = used / "decks" / "mine.md"
    user_deck.write_text("---\ntitle: Mine\narea: sql\n---\n\n## mine-one\nQ: Q?\n\nA: A.\n", encoding="utf-8")
    before = (used / "collection.sqlite3").read_bytes()
    stats = json.loads(mlprep("stats", "--json", data_dir=used).stdout)
    assert "mine" not in {m["key"] for m in stats["mastery"]}  # not synced: the app syncs on start
    assert (used / "collection.sqlite3").read_bytes() == before


def test_plan_for_a_date_30_days_ahead_fits_the_budget_or_says_what_it_needs(tmp_path: Path) -> None:
    from datetime import date, timedelta

    interview = date.today() + timedelta(days=30)  # the CLI's clock is the system's
    result = mlprep("plan", "--date", interview.isoformat(), "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"date", "new_per_day", "last_new_day", "status", "forecast", "readiness"} <= set(data)
    assert data["date"] == interview.isoformat() and len(data["forecast"]) >= 29
    assert set(data["forecast"][0]) >= {"date", "reviews", "new", "minutes"}
    assert {r["area"] for r in data["readiness"]} == {a.slug for a in AREAS}
    assert all(set(r) >= {"now", "on_day"} for r in data["readiness"])
    if data["status"] == "on track":
        assert max(day["minutes"] for day in data["forecast"]) <= data["budget_minutes"]
        assert data["unseen_on_day"] == 0  # every chosen card introduced by last_new_day
        assert sum(day["new"] for day in data["forecast"] if day["date"] > data["last_new_day"]) == 0
    else:
        assert data["advice"]  # by how much (minutes a day) and why
    shown = mlprep("plan", data_dir=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith(f"Interview {interview}")


def test_plan_refuses_bad_input_naming_the_field_and_saves_nothing(tmp_path: Path) -> None:
    from datetime import date, timedelta

    soon = (date.today() + timedelta(days=20)).isoformat()
    for args, field in ((["--date", "2001-01-01"], "date"), (["--date", "soon"], "date"),
                        (["--date", "2999-01-01"], "date"), (["--date", soon, "--budget-min", "0"], "budget"),
                        (["--date", soon, "--skip", "astrology"], "areas"),
                        (["--date", soon, "--target", "1.5"], "target")):
        result = mlprep("plan", *args, data_dir=tmp_path)
        assert (result.returncode, result.stderr.split(":")[:2]) == (2, ["mlprep plan", f" {field}"]), args
    assert mlprep("plan", data_dir=tmp_path).returncode == 1  # nothing was saved: no plan is active
    assert mlprep("plan", "--date", soon, "--skip", "sql", data_dir=tmp_path).returncode == 0
    assert mlprep("plan", "--clear", data_dir=tmp_path).returncode == 0
    assert "no plan is active" in mlprep("plan", data_dir=tmp_path).stderr


def test_check_style_passes_on_the_shipped_decks_and_flags_a_bundled_card(tmp_path: Path) -> None:
    shipped = mlprep("check", "--style", data_dir=tmp_path)
    assert shipped.returncode == 0, shipped.stderr  # at most 5 % of the shipped cards flagged
    flagged = float(shipped.stderr.split("(")[1].split(" %")[0])
    assert flagged <= 5.0
    deck = tmp_path / "bundled.md"
    deck.write_text("---\ntitle: B\narea: sql\n---\n\n## b-one\nsource: s\n\nQ: What is a join? When is it slow?\n\n"
                    "A: " + "word " * 75 + "\n", encoding="utf-8")
    result = mlprep("check", "--style", str(deck), data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{deck}:6: card b-one: front asks 2 questions (one a card)",
                                          f"{deck}:6: card b-one: back has 75 words (at most 70)"]


def test_backup_list_restore_and_check_db_from_the_command_line(tmp_path: Path) -> None:
    made = mlprep("backup", data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    path = made.stdout.strip()
    listed = mlprep("backup", "--list", data_dir=tmp_path)
    assert listed.stdout.startswith(path + "\t")
    assert mlprep("check-db", data_dir=tmp_path).stdout.startswith("Check Database: the file is sound")
    restored = mlprep("restore", path, data_dir=tmp_path)
    assert restored.returncode == 0 and restored.stdout.strip() == f"restored {path}"
    assert "saved the current collection as" in restored.stderr
    bad = mlprep("restore", str(tmp_path / "nothing.sqlite3"), data_dir=tmp_path)
    assert bad.returncode == 1 and "not a sound collection" in bad.stderr


def test_a_writing_command_refuses_while_the_app_holds_the_collection(tmp_path: Path) -> None:
    from mlprep.core.clock import SystemClock
    from mlprep.services.collection import open_collection

    app = open_collection(tmp_path, SystemClock(), lock=True)
    try:
        refused = mlprep("backup", data_dir=tmp_path)
        assert refused.returncode == 1 and "open in another mlprep" in refused.stderr
        assert mlprep("stats", "--json", data_dir=tmp_path).returncode == 0  # read-only works
    finally:
        app.close()


def test_install_desktop_entry_writes_the_entry_and_icon_under_xdg_data_home(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17, item 13: `mlprep --install-desktop-entry` adds mlprep to the desktop's applications."""
    data_home = tmp_path / "xdg data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    result = mlprep("--install-desktop-entry", data_dir=None)
    assert result.returncode == 0, result.stderr
    entry = data_home / "applications" / "mlprep.desktop"
    icon = data_home / "icons" / "hicolor" / "scalable" / "apps" / "mlprep.svg"
    assert result.stdout.splitlines() == [str(entry), str(icon)]
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    assert {"Type=Application", "Name=mlprep", "Icon=mlprep", "Terminal=false"} <= set(lines)
    assert f"Exec={sys.executable} -m mlprep" in lines  # this installation, whatever the session's PATH
    assert icon.read_bytes().startswith(b"<?xml") and b"<svg" in icon.read_bytes()
    again = mlprep("--install-desktop-entry", data_dir=None)  # installing twice replaces, never appends
    assert again.returncode == 0 and entry.read_text(encoding="utf-8").splitlines() == lines
    assert sorted(p.name for p in (data_home / "applications").iterdir()) == ["mlprep.desktop"]


def test_install_desktop_entry_quotes_a_command_with_spaces(tmp_path: Path) -> None:
    """The Desktop Entry Specification's Exec quoting: a path with a space is one argument."""
    from mlprep.app import install_desktop_entry

    entry, _icon = install_desktop_entry({"XDG_DATA_HOME": str(tmp_path)}, ["/opt/my apps/python", "-m", "mlprep"])
    assert 'Exec="/opt/my apps/python" -m mlprep' in entry.read_text(encoding="utf-8").splitlines()


def test_install_desktop_entry_defaults_to_local_share_and_says_why_it_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # ignored, as the XDG spec says
    assert mlprep("--install-desktop-entry", data_dir=None).returncode == 0
    assert (tmp_path / ".local" / "share" / "applications" / "mlprep.desktop").is_file()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder")
    failed = mlprep("--install-desktop-entry", data_dir=None)
    assert failed.returncode == 1 and "mlprep --install-desktop-entry:" in failed.stderr
    assert "a-file" in failed.stderr and failed.stdout == ""
