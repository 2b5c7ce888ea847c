"""Issue 17 items 5, 6 and 9 below the UI: per-deck re-drill counts and a drill that stays with its
scope, deck file problems grouped per file with PyYAML's text cut to its problem, and tag counts with
human names."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from mlprep.core.clock import FixedClock
from mlprep.core.deck_format import DeckError, parse_deck
from mlprep.core.models import Button
from mlprep.core.study_settings import ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import Collection, open_collection
from mlprep.services.overview import DeckRow, deck_problems, short_message
from mlprep.services.study import StudySession
from mlprep.services.tags import TagCount, TagGroup, describe_tag
from tests.helpers import storage_of


def deck(name: str, area: str, n: int, extra: str = "") -> str:
    cards = "".join(f"\n## {name}-{i}\nsource: s\n\nQ: {name} question {i}?\n\nA: {name} answer {i}.\n"
                    for i in range(1, n + 1))
    return f"---\ntitle: {name.upper()}\narea: {area}\n{extra}---\n{cards}"


@pytest.fixture
def col(tmp_path: Path, clock: FixedClock) -> Collection:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "aa.md").write_text(deck("aa", "algorithms", 3, 'leaf: "2.10"\n'), encoding="utf-8")
    (decks / "bb.md").write_text(deck("bb", "algorithms", 2, 'leaf: "2.2"\ntags: [joins, Zeta]\n'), encoding="utf-8")
    return open_collection(tmp_path / "data", clock, [decks], tz=UTC)


def study(col: Collection, clock: FixedClock, scope: StudyScope) -> StudySession:
    return StudySession(storage_of(col), clock, settings=StudySettings(), scope=scope, tz=UTC)


# -- item 5 ------------------------------------------------------------------------------------------


def test_each_deck_counts_its_own_re_drills_and_a_deck_session_drills_only_its_own(
        col: Collection, clock: FixedClock) -> None:
    s = study(col, clock, StudyScope(ScopeKind.DECK, "aa"))
    assert s.next_card() is not None
    s.answer(Button.AGAIN)  # aa-1: re-drilled today
    s.next_card()
    s.answer(Button.HARD)  # aa-2: graded 3, re-drilled too
    overview = col.overview()
    learn = {row.deck_id: row.learn for row in overview.decks if isinstance(row, DeckRow)}
    assert learn == {"aa": 2, "bb": 0}
    assert [(a.area, a.learn) for a in overview.areas] == [("algorithms", 2)]
    assert overview.learn == 2

    other = study(col, clock, StudyScope(ScopeKind.DECK, "bb"))
    assert other.counts().learn == 0
    shown = []
    while (card := other.next_card()) is not None:
        shown.append(card.id)
        other.answer(Button.GOOD)
    assert shown == ["bb-1", "bb-2"]  # aa's re-drills wait for aa (or all decks)
    area = study(col, clock, StudyScope(ScopeKind.AREA, "algorithms"))
    assert area.counts().learn == 2
    tag = study(col, clock, StudyScope(ScopeKind.TAG, "joins"))  # bb's tag: none of aa's re-drills
    assert tag.counts().learn == 0
    everything = col.study()
    assert everything.counts().learn == 2


# -- item 6 ------------------------------------------------------------------------------------------


def yaml_error(header: str) -> DeckError:
    with pytest.raises(DeckError) as caught:
        parse_deck(f"---\n{header}\n---\n", "x.md")
    return caught.value


@pytest.mark.parametrize(("header", "short"), [
    ("title: Broken: header", "front matter is not valid YAML: mapping values are not allowed here"),
    ("title: [a\narea: math", "front matter is not valid YAML: expected ',' or ']', but got ':'"),
    ('title: "a\narea: math', "front matter is not valid YAML: found unexpected end of stream"),
])
def test_pyyamls_text_is_cut_to_its_problem(header: str, short: str) -> None:
    error = yaml_error(header)
    assert "<unicode string>" in error.message  # the full text, kept for Details
    assert short_message(error.message) == short


def test_a_message_without_pyyaml_text_is_left_alone() -> None:
    message = "card x-one: no 'A:' line (the back)"
    assert short_message(message) == message
    odd = "front matter is not valid YAML: something PyYAML never says"
    assert short_message(odd) == odd


def test_problems_are_grouped_per_file_and_say_whether_the_deck_loaded() -> None:
    errors = [DeckError("d/a.md", 3, "one"), DeckError("d/a.md", 9, "two"), DeckError("d/c.md", 11, "card id 'x'"),
              DeckError("d/c.md", 20, "card id 'y'")]
    files = deck_problems(errors, loaded={"d/c.md", "d/b.md"})
    assert [(f.name, f.loaded, [e.line for e in f.problems]) for f in files] == [
        ("a.md", False, [3, 9]), ("c.md", True, [11, 20])]
    assert [f.status() for f in files] == ["skipped (not loaded)", "loaded, 2 cards skipped"]
    assert [f.skipped_cards for f in files] == [0, 2]
    single = deck_problems(errors[2:3], loaded={"d/c.md"})
    assert single[0].status() == "loaded, 1 card skipped"


def test_the_facade_knows_which_files_loaded(tmp_path: Path, clock: FixedClock) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "aa.md").write_text(deck("aa", "math", 2), encoding="utf-8")
    (decks / "bad.md").write_text("no front matter\n", encoding="utf-8")
    repeats_aa_1 = deck("aa", "sql", 1) + deck("dd", "sql", 1).split("---\n", 2)[2]  # aa-1, then dd-1
    (decks / "dup.md").write_text(repeats_aa_1, encoding="utf-8")
    col = open_collection(tmp_path / "data", clock, [decks], tz=UTC)
    assert [(f.name, f.status()) for f in col.deck_problems()] == [
        ("bad.md", "skipped (not loaded)"), ("dup.md", "loaded, 1 card skipped")]


# -- item 9 ------------------------------------------------------------------------------------------


def test_tag_counts_name_machine_tags_and_count_each_card_once(col: Collection) -> None:
    storage_of(col).db.execute("UPDATE cards SET user_tags = '[\"leech\", \"joins\"]' WHERE id = 'bb-1'")
    rows = col.tag_counts()
    assert rows == [
        TagCount("algorithms", "Algorithms", TagGroup.AREA, 5),
        TagCount("leaf:2.2", "2.2 Linear models & regularization", TagGroup.LEAF, 2),
        TagCount("leaf:2.10", "2.10 Algorithms & patterns", TagGroup.LEAF, 3),  # by number: 2.2 before 2.10
        TagCount("joins", "joins", TagGroup.TAG, 2),  # bb-1 has it twice (deck and user tag): counted once
        TagCount("leech", "leech", TagGroup.TAG, 1),
        TagCount("Zeta", "Zeta", TagGroup.TAG, 2),
    ]


def test_describe_tag_names_reading_items_and_keeps_unknown_ids() -> None:
    titles = {"islr": "An Introduction to Statistical Learning"}
    assert describe_tag("ref:islr", titles) == (TagGroup.READING, "An Introduction to Statistical Learning")
    assert describe_tag("ref:gone", titles) == (TagGroup.READING, "gone")
    assert describe_tag("leaf:99.1", titles) == (TagGroup.LEAF, "99.1")
    assert describe_tag("leech", titles) == (TagGroup.TAG, "leech")
