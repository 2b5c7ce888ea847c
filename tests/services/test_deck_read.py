"""Reading a deck file (``read_deck_text``): a plain file with one ``lstat``, a link followed only within its
folder, and never more than ``MAX_DECK_BYTES`` even from a file that grew after it was looked at (issue 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlprep.core.deck_format import DeckError
from mlprep.services import deck_loader
from mlprep.services.deck_loader import MAX_DECK_BYTES, read_deck_text

GOOD = "---\ntitle: Good\narea: sql\n---\n\n## good-one\nsource: s\n\nQ: What?\n\nA: This.\n"


def reported_size(monkeypatch: pytest.MonkeyPatch, path: Path, size: int) -> None:
    """``os.lstat`` of ``path`` says it holds ``size`` bytes (as if it grew after it was looked at)."""
    real = os.lstat

    def lstat(target: object, *args: object, **kwargs: object) -> os.stat_result:
        info = real(target, *args, **kwargs)  # type: ignore[arg-type]
        if Path(str(target)) == path:
            fields = list(info)
            fields[6] = size  # st_size
            return os.stat_result(fields)
        return info

    monkeypatch.setattr(deck_loader.os, "lstat", lstat)


def test_a_plain_file_and_a_link_within_its_folder_are_read(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "alias.md").symlink_to(tmp_path / "good.md")
    assert read_deck_text(tmp_path / "good.md") == GOOD
    assert read_deck_text(tmp_path / "alias.md") == GOOD


def test_a_missing_file_names_the_reason(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="cannot read deck: No such file"):
        read_deck_text(tmp_path / "gone.md")


def test_a_file_that_grew_after_it_was_looked_at_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "grew.md"
    path.write_text(GOOD * 50, encoding="utf-8")
    reported_size(monkeypatch, path, 10)
    assert read_deck_text(path) == GOOD * 50


def test_a_file_that_grew_past_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "grew.md"
    path.write_text(GOOD + "x" * MAX_DECK_BYTES, encoding="utf-8")
    reported_size(monkeypatch, path, len(GOOD))
    with pytest.raises(DeckError, match="over 2 MB: not read"):
        read_deck_text(path)
