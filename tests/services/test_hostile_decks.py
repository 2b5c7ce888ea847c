"""No deck can stop, stall or bloat loading: every problem in one file is a DeckError naming it, and the
other decks load (issue 13, items 2 and 6)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprep.core.deck_format import DeckError, parse_deck
from mlprep.services.deck_loader import MAX_DECK_BYTES, load_decks

GOOD = "---\ntitle: Good\narea: sql\n---\n\n## good-one\nsource: s\n\nQ: What?\n\nA: This.\n"
HOSTILE = {
    "date.md": "---\ntitle: 2001-02-30\narea: sql\n---\n",
    "float.md": "---\ntitle: !!float x\narea: sql\n---\n",
    "bigint.md": "---\ntitle: " + "9" * 4095 + "\n---\n",
    "deep.md": "---\ntitle: " + "[" * 1000 + "]" * 1000 + "\narea: sql\n---\n",
    "field.md": "---\ntitle: F\narea: sql\n---\n\n## f-one\n_line_x: oops\nQ: q\n\nA: a\n",
    "bomb.md": "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
               "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: *c\narea: sql\n---\n",
    "heading.md": "---\ntitle: H\narea: sql\n---\n\n## a" + " " * 100_000 + "x\n",
}


def test_each_hostile_deck_gives_file_and_line_and_the_good_deck_still_loads(tmp_path: Path) -> None:
    for name, text in HOSTILE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    start = time.perf_counter()
    result = load_decks([tmp_path])
    elapsed = time.perf_counter() - start
    assert [d.id for d in result.decks] == ["good"]
    assert {Path(e.path).name for e in result.errors} == set(HOSTILE)
    assert all(str(e).startswith(f"{e.path}:{e.line}: ") and e.line >= 1 for e in result.errors)
    assert elapsed < 2.0  # the alias bomb, the deep nesting and the 100k-space heading never expand


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_a_link_out_of_the_folder_and_an_oversized_file_are_refused_unread(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    os.mkfifo(decks / "pipe.md")  # opening it would block start-up forever
    (decks / "zero.md").symlink_to("/dev/zero")
    (decks / "huge.md").write_text(GOOD + "x" * MAX_DECK_BYTES, encoding="utf-8")
    (decks / "bom.md").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("good", "bom").encode())
    (decks / "latin1.md").write_bytes(GOOD.replace("What", "Qu\xe9").encode("latin-1"))
    result = load_decks([decks])
    assert [d.id for d in result.decks] == ["bom"]  # a UTF-8 byte-order mark is fine
    reasons = {Path(e.path).name: e.message for e in result.errors}
    assert reasons["pipe.md"].startswith("not a regular file")
    assert reasons["zero.md"].startswith("the deck is a link to /dev/zero, outside its folder")
    assert reasons["huge.md"].startswith("the deck is 2.1 MB: at most 2 MB")
    assert reasons["latin1.md"].startswith("not UTF-8 text")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"-:[]{}&*!|>'\"#%@`\n ab19.,?"]), max_size=200))
def test_any_front_matter_gives_a_deck_or_a_deck_error(header: str) -> None:
    try:
        parse_deck(f"---\n{header}\n---\n\n## c-one\nsource: s\n\nQ: q\n\nA: a\n", "decks/x.md")
    except DeckError as error:
        assert error.line >= 1 and all(p.message for p in error.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_at_all_gives_a_deck_or_a_deck_error(text: str) -> None:
    with contextlib.suppress(DeckError):  # a Deck or a DeckError; anything else fails the test
        parse_deck(text, "decks/x.md")


def test_an_empty_tagged_float_found_by_the_fuzzer_is_a_deck_error() -> None:
    """scripts/fuzz_decks.py, 100k inputs, seed 13: `!!float` with an empty value raised IndexError in PyYAML."""
    with pytest.raises(DeckError) as error:
        parse_deck("---\ntitle: !!float\narea: sql\n---\n", "decks/x.md")
    assert error.value.line == 2 and "cannot read" in error.value.message


def test_a_deck_saved_with_a_utf8_byte_order_mark_loads(tmp_path: Path) -> None:
    """Issue 13, item 8: Windows editors save UTF-8 with a BOM; the deck was refused."""
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    result = load_decks([tmp_path])
    assert result.errors == ()
    assert [(d.title, [c.id for c in d.cards]) for d in result.decks] == [("Good", ["good-one"])]
