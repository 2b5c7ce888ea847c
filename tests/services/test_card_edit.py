"""Editing and adding cards (issue 15, Add and edit): a user deck is rewritten only in the edited card's block;
a shipped card's edit is an override that survives an update of the shipped text and keeps the card's progress;
"Revert to shipped" removes it; new cards get unique ids in the user's decks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mlprep.core.clock import FixedClock
from mlprep.core.deck_format import parse_deck
from mlprep.core.models import Button, CardId
from mlprep.services.card_edit import CardEditError, NewDeck, card_spans, replace_card_text
from mlprep.services.collection import Collection, open_collection
from mlprep.services.deck_writer import (
    CardWriteError,
    NewCard,
    card_markdown,
    deck_markdown,
    normalize_text,
    sanitized,
)
from tests.helpers import storage_of
from tests.services.test_deck_writer import new_cards

USER_DECK = (
    "---\ntitle:   My notes   # kept as typed\narea: sql\ntags: mine\n---\n"
    "A description,  with odd   spacing.\n\n\n"
    "## u-first\nsource: me\n\nQ: First?\n\nA: One.\n\n"
    "## u-middle\ntags: joins,  old\nsource:   a book, p. 3\n\nQ: What does a LEFT JOIN keep?\n\n"
    "A: Every row of the left table.\n\n```sql\n## not a card: inside code\nSELECT 1;\n```\n   \n\n\n"
    "## u-last\nsource: me\n\nQ: Last?\n\nA:   Three.   \n"
)
SHIPPED_DECK = (
    "---\ntitle: Shipped\narea: math\nleaf: \"1.1\"\n---\n\n"
    "## s-rank\ntags: rank\nsource: Strang §3.3\n\nQ: What does the rank measure?\n\nA: The dimension of C(A).\n\n"
    "## s-trace\nsource: Strang §6.1\n\nQ: What is the trace?\n\nA: The sum of the diagonal.\n"
)


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "shipped.md").write_text(SHIPPED_DECK, encoding="utf-8")
    data = tmp_path / "data"
    (data / "decks").mkdir(parents=True)
    return shipped, data


def _open(dirs: tuple[Path, Path], clock: FixedClock) -> Collection:
    shipped, data = dirs
    return open_collection(data, clock, [shipped, data / "decks"])


def _answer(col: Collection, card_id: str) -> None:
    """Answer ``card_id`` Good in today's session (answering the others first is not needed: skip them)."""
    session = col.study()
    while (card := session.next_card()) is not None and card.id != card_id:
        session.answer(Button.GOOD)
    assert card is not None
    session.answer(Button.GOOD)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_an_edit_of_a_user_card_changes_only_its_block_byte_for_byte(dirs: tuple[Path, Path], clock: FixedClock,
                                                                     newline: str, bom: str) -> None:
    path = dirs[1] / "decks" / "notes.md"
    original = (bom + USER_DECK.replace("\n", newline)).encode("utf-8")
    path.write_bytes(original)
    col = _open(dirs, clock)
    _answer(col, "u-middle")
    before = storage_of(col).cards.progress(CardId("u-middle"))

    col.edit_card("u-middle", "What does a **LEFT JOIN** keep?", "Every left row.\n\n```sql\nSELECT 2;\n```",
                  ["joins", "outer"], "SQL book, p. 4")

    new_block = ("## u-middle\ntags: joins, outer\nsource: SQL book, p. 4\n\nQ: What does a **LEFT JOIN** keep?\n\n"
                 "A: Every left row.\n\n```sql\nSELECT 2;\n```").replace("\n", newline).encode()
    start = original.index(b"## u-middle")
    end = original.index(b"```" + newline.encode() + b"   ") + 3  # the old block's last non-blank line
    assert path.read_bytes() == original[:start] + new_block + original[end:]
    card, progress = storage_of(col).cards.card_and_progress(CardId("u-middle"))
    assert (card.front, card.back) == ("What does a **LEFT JOIN** keep?", "Every left row.\n\n```sql\nSELECT 2;\n```")
    assert card.tags == ("sql", "mine", "joins", "outer")
    assert progress == before
    assert [c.card.id for c in [col.editable_card("u-middle")]] == ["u-middle"]
    assert col.editable_card("u-middle").card.tags == ("joins", "outer")
    assert not (dirs[1] / "overrides").exists()


def test_editing_the_last_card_keeps_what_follows_it(dirs: tuple[Path, Path], clock: FixedClock) -> None:
    path = dirs[1] / "decks" / "notes.md"
    path.write_text(USER_DECK + "\n\n", encoding="utf-8")
    col = _open(dirs, clock)
    col.edit_card("u-last", "Last one?", "Three.", [], "me")
    assert path.read_text(encoding="utf-8") == USER_DECK.replace("A:   Three.   ", "A: Three.").replace(
        "Q: Last?", "Q: Last one?") + "\n\n"


def test_an_edit_is_refused_when_the_card_left_its_file_and_the_file_stays(dirs: tuple[Path, Path],
                                                                           clock: FixedClock) -> None:
    path = dirs[1] / "decks" / "notes.md"
    path.write_text(USER_DECK, encoding="utf-8")
    col = _open(dirs, clock)
    changed = USER_DECK.replace("## u-middle", "## u-renamed")
    path.write_text(changed, encoding="utf-8")  # changed in another editor meanwhile
    with pytest.raises(CardEditError, match=r"notes\.md: no card 'u-middle'"):
        col.edit_card("u-middle", "f", "b", [], "")
    assert path.read_text(encoding="utf-8") == changed


def test_text_the_format_cannot_hold_is_refused_and_nothing_is_written(dirs: tuple[Path, Path],
                                                                      clock: FixedClock) -> None:
    path = dirs[1] / "decks" / "notes.md"
    path.write_text(USER_DECK, encoding="utf-8")
    col = _open(dirs, clock)
    with pytest.raises(CardWriteError, match="front, line 2: a line starting with '## '"):
        col.edit_card("u-first", "First?\n## Second", "b", [], "")
    assert path.read_text(encoding="utf-8") == USER_DECK
    assert sorted(p.name for p in path.parent.iterdir()) == ["notes.md"]


def test_a_shipped_edit_survives_an_update_of_the_shipped_text_and_keeps_progress(dirs: tuple[Path, Path],
                                                                                 clock: FixedClock) -> None:
    shipped, data = dirs
    col = _open(dirs, clock)
    _answer(col, "s-rank")
    before = storage_of(col).cards.progress(CardId("s-rank"))
    assert not col.is_overridden("s-rank")

    col.edit_card("s-rank", "What does the **rank** of $A$ measure?", "$\\dim C(A)$.", ["rank", "core"],
                  "Strang §3.3")

    assert (shipped / "shipped.md").read_text(encoding="utf-8") == SHIPPED_DECK
    assert (data / "overrides" / "s-rank.md").is_file()
    assert col.is_overridden("s-rank")
    card = storage_of(col).cards.card(CardId("s-rank"))
    assert (card.front, card.back, card.tags) == ("What does the **rank** of $A$ measure?", "$\\dim C(A)$.",
                                                  ("math", "leaf:1.1", "rank", "core"))
    assert col.overridden_card_ids() == {"s-rank"}
    col.close()
    same = _open(dirs, clock)  # nothing changed: the deck file is skipped, the override's text stays
    assert storage_of(same).cards.card(CardId("s-rank")).front == "What does the **rank** of $A$ measure?"
    same.close()

    updated = SHIPPED_DECK.replace("What does the rank measure?", "What does rank count?").replace(
        "The sum of the diagonal.", "The sum of the diagonal entries.")
    (shipped / "shipped.md").write_text(updated, encoding="utf-8")  # a package update
    again = _open(dirs, clock)
    card, progress = storage_of(again).cards.card_and_progress(CardId("s-rank"))
    assert card.front == "What does the **rank** of $A$ measure?"
    assert progress == before
    assert storage_of(again).cards.card(CardId("s-trace")).back == "The sum of the diagonal entries."
    assert again.editable_card("s-rank").overridden

    assert again.revert_card("s-rank") is True
    card, progress = storage_of(again).cards.card_and_progress(CardId("s-rank"))
    assert (card.front, card.tags) == ("What does rank count?", ("math", "leaf:1.1", "rank"))
    assert progress == before
    assert not again.is_overridden("s-rank")
    assert again.revert_card("s-rank") is False


def test_a_shipped_edit_back_to_the_shipped_text_removes_the_override(dirs: tuple[Path, Path],
                                                                     clock: FixedClock) -> None:
    col = _open(dirs, clock)
    col.edit_card("s-trace", "What is the trace?", "The sum of the diagonal.", ["x"], "Strang §6.1")
    assert col.is_overridden("s-trace")
    col.edit_card("s-trace", "What is the trace?", "The sum of the diagonal.", [], "Strang §6.1")
    assert not col.is_overridden("s-trace")
    assert not (dirs[1] / "overrides" / "s-trace.md").exists()


def test_a_broken_override_is_not_used_and_the_deck_still_loads(dirs: tuple[Path, Path], clock: FixedClock) -> None:
    overrides = dirs[1] / "overrides"
    overrides.mkdir()
    (overrides / "s-rank.md").write_text("## s-rank\n\nQ: no back\n", encoding="utf-8")
    (overrides / "s-trace.md").write_text("## other-id\n\nQ: q\n\nA: a\n", encoding="utf-8")
    col = _open(dirs, clock)
    assert storage_of(col).cards.card(CardId("s-rank")).front == "What does the rank measure?"
    assert storage_of(col).cards.card(CardId("s-trace")).front == "What is the trace?"


def test_add_appends_to_a_user_deck_and_keeps_every_byte_before(dirs: tuple[Path, Path], clock: FixedClock) -> None:
    path = dirs[1] / "decks" / "notes.md"
    path.write_bytes(USER_DECK.encode().removesuffix(b"\n"))  # no final line break
    col = _open(dirs, clock)
    new_total = next(d.total for d in col.decks() if d.deck_id == "notes") + 1

    card_id = col.add_card(col.user_decks()[0][0], "What is a **CTE**?", "A named subquery.", ["cte"], "docs")

    assert card_id == "what-is-a-cte"
    assert path.read_bytes() == (USER_DECK + "\n## what-is-a-cte\ntags: cte\nsource: docs\n\n"
                                 "Q: What is a **CTE**?\n\nA: A named subquery.\n").encode()
    deck = next(d for d in col.decks() if d.deck_id == "notes")
    assert (deck.total, deck.new) == (new_total, new_total)


def test_new_ids_are_unique_across_decks_and_a_new_deck_is_a_new_file(dirs: tuple[Path, Path],
                                                                      clock: FixedClock) -> None:
    col = _open(dirs, clock)
    assert col.user_decks() == []
    first = col.add_card(NewDeck("S rank", "math"), "S: rank", "b")  # slug "s-rank" is a shipped card's id
    assert first == "s-rank-2"
    assert (dirs[1] / "decks" / "s-rank.md").read_text(encoding="utf-8") == (
        "---\ntitle: S rank\narea: math\n---\n\n## s-rank-2\n\nQ: S: rank\n\nA: b\n")
    second = col.add_card(NewDeck("S rank", "math"), "S rank", "c")
    assert second == "s-rank-3"
    assert (dirs[1] / "decks" / "s-rank-2.md").is_file()
    assert [title for _, title in col.user_decks()] == ["S rank", "S rank"]
    assert storage_of(col).cards.card(CardId("s-rank-3")).deck == "s-rank-2"


def test_a_shipped_deck_takes_no_new_cards_and_a_used_id_is_refused(dirs: tuple[Path, Path],
                                                                    clock: FixedClock) -> None:
    col = _open(dirs, clock)
    with pytest.raises(CardEditError, match="a shipped deck takes no new cards"):
        col.add_card(storage_of(col).cards.deck_of(CardId("s-rank")) or "shipped", "f", "b")
    with pytest.raises(CardEditError, match="card id 's-trace' is already used in deck shipped"):
        col.add_card(NewDeck("Mine", "sql"), "f", "b", card_id="s-trace")
    assert list((dirs[1] / "decks").iterdir()) == []


def test_card_problems_name_the_side_and_line(dirs: tuple[Path, Path], clock: FixedClock) -> None:
    col = _open(dirs, clock)
    assert col.card_problems("What is $x$?", "It is $\\frac{1}{2}$.") == []
    assert col.card_problems("", "Line\n$\\frac{1}{2$") == [
        "front: is empty", "back, line 2: formula $\\frac{1}{2$: unbalanced braces: '{' is never closed"]
    assert col.card_problems("f", "b", ["bad tag"]) == [
        "tags: invalid tag 'bad tag': use letters, digits and _ . : / + - (starting with a letter or digit)"]
    assert col.card_problems("f", "b", card_id="s-rank", new=True) == [
        "id: 's-rank' is already used by a card of deck shipped"]
    assert col.card_problems("f", "b", card_id="Bad id", new=True)[0].startswith("id: use lower-case letters")
    assert col.card_problems("f", "b", card_id="s-rank") == []  # editing keeps the card's own id


def test_a_read_only_collection_refuses_edits(dirs: tuple[Path, Path], clock: FixedClock) -> None:
    _open(dirs, clock).close()
    col = open_collection(dirs[1], clock, [dirs[0], dirs[1] / "decks"], read_only=True)
    with pytest.raises(ValueError, match="read-only"):
        col.edit_card("s-rank", "f", "b", [], "")
    assert not (dirs[1] / "overrides").exists()


def test_card_spans_follow_the_parser_around_code_and_odd_line_breaks() -> None:
    text = "---\ntitle: T\narea: sql\n---\n## a\n\nQ: q\u2028```\n## in-code\n```\n\nA: b\n\n\n## b\nQ: c\n\nA: d"
    spans = card_spans(text)
    assert list(spans) == ["a", "b"]
    assert text[spans["a"].start:spans["a"].end] == "## a\n\nQ: q\u2028```\n## in-code\n```\n\nA: b"
    assert text[spans["b"].start:spans["b"].end] == "## b\nQ: c\n\nA: d"


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(new_cards(), new_cards(), st.data())
def test_replacing_any_card_keeps_every_character_outside_its_block(cards: list[NewCard], others: list[NewCard],
                                                                   data: st.DataObject) -> None:
    clean = [sanitized(c) for c in cards if normalize_text(c.front) and normalize_text(c.back)]
    assume(clean)
    text = deck_markdown("T", "sql", clean) + data.draw(st.sampled_from(["", "\n", "\n\n  \n"]))
    target = data.draw(st.sampled_from(clean))
    new = next((sanitized(replace(o, id=target.id)) for o in others
                if normalize_text(o.front) and normalize_text(o.back)), None)
    assume(new is not None)
    assert new is not None
    span = card_spans(text)[target.id]
    result = replace_card_text(text, Path("t.md"), new)
    block = card_markdown(new).removesuffix("\n")
    assert result == text[:span.start] + block + text[span.end:]
    after = {c.id: c for c in parse_deck(result, "t.md").cards}
    assert (after[target.id].front, after[target.id].back) == (normalize_text(new.front), normalize_text(new.back))
