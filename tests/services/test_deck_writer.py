"""The deck writer is the parser's inverse: what it writes parses back to the same cards, and text the format
cannot hold is refused with the field and line, or sanitized for importers (issue 15, Add and edit)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlprep.core.deck_format import CARD_ID_RE, REF_TAG_PREFIX, cited_ids, parse_deck
from mlprep.services import deck_writer
from mlprep.services.deck_writer import (
    CardWriteError,
    NewCard,
    card_markdown,
    card_problems,
    deck_markdown,
    new_card_id,
    normalize_text,
    sanitized,
    write_atomically,
)

# Lines that mean something to the parser or to Markdown, mixed into random text.
TRICKY = ["## x", "##\ty", "## ", "##", "### h", "A: b", "A:", "A:x", "Q: q", "Q:", "```", "```python", "~~~",
          "````", "   ```", "    ```", "```a`b", "---", "tags: t", "source: s", "$x$", "$$", "\\$", "", " ",
          "\t", "<b>", "- item", "| a | b |", "@esl", "\ufeff"]
SEPARATORS = ["\n", "\r\n", "\r", "\u2028", "\x0c", "\x85"]

lines = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
side_text = st.builds(lambda parts, sep: sep.join(parts), st.lists(lines, min_size=1, max_size=6),
                      st.sampled_from(SEPARATORS))
good_tag = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,8}", fullmatch=True)
bad_tag = st.sampled_from(["bad tag", "[x", "é", "-lead", "a,b", ""])
tags = st.lists(st.one_of(good_tag, good_tag, good_tag, good_tag, bad_tag), max_size=3)
sources = st.one_of(st.just(""), st.text(max_size=20).map(lambda s: s.replace("\n", " ")),
                    st.sampled_from(["@esl, §7.10", "a\nb", " padded "]))


@st.composite
def new_cards(draw: st.DrawFn) -> list[NewCard]:
    count = draw(st.integers(1, 3))
    ids = draw(st.lists(st.from_regex(CARD_ID_RE.pattern.replace("{0,79}", "{0,12}"), fullmatch=True),
                        min_size=count, max_size=count, unique=True))
    return [NewCard(id=card_id.strip(), front=draw(side_text), back=draw(side_text), tags=tuple(draw(tags)),
                    source=draw(sources)) for card_id in ids]


def _expected_tags(card: NewCard, deck_tags: tuple[str, ...]) -> tuple[str, ...]:
    refs = tuple(REF_TAG_PREFIX + i for i in cited_ids(card.source.strip()))
    return tuple(dict.fromkeys(("sql", *deck_tags, *card.tags, *refs)))


def _assert_round_trip(cards: list[NewCard], deck_tags: tuple[str, ...] = ()) -> None:
    deck = parse_deck(deck_markdown("My deck", "sql", cards, tags=deck_tags), "mine.md")
    assert [c.id for c in deck.cards] == [c.id for c in cards]
    for written, read in zip(cards, deck.cards, strict=True):
        assert read.front == normalize_text(written.front)
        assert read.back == normalize_text(written.back)
        assert read.source == written.source.strip()
        assert read.tags == _expected_tags(written, deck_tags)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(new_cards())
def test_any_text_is_written_so_that_it_parses_back_or_refused_with_its_field(cards: list[NewCard]) -> None:
    problems = [p for card in cards for p in card_problems(card)]
    if problems:
        with pytest.raises(CardWriteError) as raised:
            deck_markdown("My deck", "sql", cards)
        assert str(raised.value) == str(problems[0])
    else:
        _assert_round_trip(cards, deck_tags=("mine",))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(new_cards())
def test_sanitized_text_always_parses_back_and_changes_nothing_the_format_holds(cards: list[NewCard]) -> None:
    cards = [c for c in cards if normalize_text(c.front) and normalize_text(c.back)]
    clean = [sanitized(card) for card in cards]
    assert [p for card in clean for p in card_problems(card)] == []
    _assert_round_trip(clean)
    for card, fixed in zip(cards, clean, strict=True):
        if not card_problems(card) and len(set(card.tags)) == len(card.tags):
            assert (fixed.front, fixed.back, fixed.tags, fixed.source.strip()) == (
                normalize_text(card.front), normalize_text(card.back), card.tags, card.source.strip())


def test_a_card_block_reads_like_a_hand_written_one() -> None:
    card = NewCard(id="la-rank", front="What does the **rank** of $A$ measure?", back="The dimension of $C(A)$.",
                   tags=("rank", "basics"), source="Strang, §3.3")
    assert card_markdown(card) == ("## la-rank\ntags: rank, basics\nsource: Strang, §3.3\n\n"
                                   "Q: What does the **rank** of $A$ measure?\n\nA: The dimension of $C(A)$.\n")
    assert card_markdown(NewCard(id="x", front="f", back="b")) == "## x\n\nQ: f\n\nA: b\n"


def test_a_deck_file_has_front_matter_then_the_cards() -> None:
    text = deck_markdown("Own: notes", "math", [NewCard("a", "f", "b")], tags=["mine", "leaf:1.1"])
    assert text == "---\ntitle: 'Own: notes'\narea: math\ntags: [mine, 'leaf:1.1']\n---\n\n## a\n\nQ: f\n\nA: b\n"
    assert deck_markdown("T", "sql", []) == "---\ntitle: T\narea: sql\n---\n"
    deck = parse_deck(text, "notes.md")
    assert (deck.title, deck.area, deck.tags) == ("Own: notes", "math", ("mine", "leaf:1.1"))


def test_a_side_whose_first_line_opens_code_starts_on_the_next_line() -> None:
    card = NewCard(id="code", front="```python\nx = 1\n## not a card\n```", back="~~~\nA: inside\n~~~")
    assert "Q:\n```python\n" in card_markdown(card)
    _assert_round_trip([card])


@pytest.mark.parametrize(("card", "message"), [
    (NewCard("c", "one\n## two", "b"),
     "card c: front, line 2: a line starting with '## ' would start a new card (use '### ' for a heading)"),
    (NewCard("c", "one\nA: two", "b"),
     "card c: front, line 2: a line starting with 'A:' would start the back (indent it by a space)"),
    (NewCard("c", "f", "one\n\n```\ncode"), "card c: back, line 3: this code block (```) is never closed"),
    (NewCard("c", "  \n", "b"), "card c: front: is empty"),
    (NewCard("c", "f", "b", source="line one\nline two"), "card c: source: must be one line"),
    (NewCard("c", "f", "b", tags=("two words",)), "card c: tags: invalid tag 'two words': use letters, digits "
                                                   "and _ . : / + - (starting with a letter or digit)"),
    (NewCard("Bad Id", "f", "b"), "card Bad Id: id: use lower-case letters, digits, '-', '.', '_' (at most 80 "
                                  "characters, starting with a letter or digit)"),
])
def test_text_the_format_cannot_hold_is_refused_naming_field_and_line(card: NewCard, message: str) -> None:
    with pytest.raises(CardWriteError) as raised:
        card_markdown(card)
    assert str(raised.value) == message


def test_back_may_hold_q_and_a_lines_and_the_front_q_lines() -> None:
    card = NewCard("qa", "first\nQ: again", "first\nA: more\nQ: other")
    assert card_problems(card) == []
    _assert_round_trip([card])


def test_sanitized_keeps_the_meaning_of_foreign_text() -> None:
    card = sanitized(NewCard("s", "q\n## Heading\nA: not the back", "```\nopen", tags=("C++ / ML", "日本", "é"),
                             source="line\n two"))
    assert card == NewCard("s", "q\n### Heading\n A: not the back", "```\nopen\n```", tags=("C++-/-ML", "e"),
                           source="line two")


@pytest.mark.parametrize(("title", "area", "field"), [("", "sql", "title"), ("two\nlines", "sql", "title"),
                                                       ("T", "cooking", "area"), ("x" * 5000, "sql", "title")])
def test_a_bad_deck_header_is_refused(title: str, area: str, field: str) -> None:
    with pytest.raises(CardWriteError) as raised:
        deck_markdown(title, area, [])
    assert raised.value.field == field


def test_a_repeated_card_id_is_refused() -> None:
    with pytest.raises(CardWriteError, match="card a: id: is used by another card of the deck"):
        deck_markdown("T", "sql", [NewCard("a", "f", "b"), NewCard("a", "g", "c")])


@pytest.mark.parametrize(("text", "taken", "expected"), [
    ("What does the **rank** of $A$ measure?", set(), "what-does-the-rank-of-a-measure"),
    ("Élan vital?", set(), "elan-vital"),
    ("one two three four five six seven eight nine ten", set(), "one-two-three-four-five-six-seven-eight"),
    ("$$\\sum$$", set(), "sum"),
    ("日本語", set(), "card"),
    ("", {"card"}, "card-2"),
    ("Rank", {"rank", "rank-2", "rank-3"}, "rank-4"),
    ("x" * 100, set(), "x" * 60),
    ("a" * 59 + " b c", set(), "a" * 59),
])
def test_new_card_ids_are_slugs_unique_among_those_taken(text: str, taken: set[str], expected: str) -> None:
    assert new_card_id(text, taken) == expected
    assert CARD_ID_RE.match(expected)


@given(st.text(), st.sets(st.sampled_from(["card", "card-2", "a", "a-2", "x"])))
def test_new_card_ids_always_parse_and_are_never_taken(text: str, taken: set[str]) -> None:
    card_id = new_card_id(text, taken)
    assert CARD_ID_RE.match(card_id)
    assert card_id not in taken


def test_write_atomically_replaces_bytes_exactly_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "deck.md"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomically(path, "line\r\nnext\n")
    assert path.read_bytes() == b"line\r\nnext\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.md"]


def test_write_atomically_creates_a_new_file(tmp_path: Path) -> None:
    write_atomically(tmp_path / "new.md", "é")
    assert (tmp_path / "new.md").read_bytes() == "é".encode()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deck.md"
    path.write_text("old")

    def broken(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(deck_writer.os, "replace", broken)
    with pytest.raises(OSError, match="No space"):
        write_atomically(path, "new")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.md"]


def test_unencodable_text_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "deck.md"
    path.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(path, "\ud800")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["deck.md"]
