"""The Browse search syntax: what each form parses to, the errors a user sees (with their column), and
two properties: any text either parses or raises SearchSyntaxError, and every tree reads back from
its own text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlprep.core.search_query import (
    MAX_DEPTH,
    And,
    CardState,
    Comparison,
    FieldKind,
    FieldMatch,
    MatchAll,
    Not,
    Or,
    Prop,
    PropName,
    Rated,
    SearchNode,
    SearchSyntaxError,
    State,
    Text,
    parse,
    to_query,
)


@pytest.mark.parametrize(("query", "tree"), [
    ("", MatchAll()),
    ("   ", MatchAll()),
    ("gradient", Text("gradient")),
    ('"bias variance"', Text("bias variance", phrase=True)),
    ('"a:b"', Text("a:b", phrase=True)),
    ('"say \\"hi\\""', Text('say "hi"', phrase=True)),
    ("deck:ml-*", FieldMatch(FieldKind.DECK, "ml-*")),
    ('deck:"my deck"', FieldMatch(FieldKind.DECK, "my deck")),
    ("DECK:X", FieldMatch(FieldKind.DECK, "X")),
    ("area:math", FieldMatch(FieldKind.AREA, "math")),
    ("tag:leech", FieldMatch(FieldKind.TAG, "leech")),
    ("is:Due", State(CardState.DUE)),
    ("prop:ivl>10", Prop(PropName.IVL, Comparison.GT, 10)),
    ("prop:ease<2", Prop(PropName.EASE, Comparison.LT, 2.0)),
    ("prop:ease<=2.36", Prop(PropName.EASE, Comparison.LE, 2.36)),
    ("prop:lapses>=3", Prop(PropName.LAPSES, Comparison.GE, 3)),
    ("prop:reps=0", Prop(PropName.REPS, Comparison.EQ, 0)),
    ("prop:due!=-2", Prop(PropName.DUE, Comparison.NE, -2)),
    ("rated:7", Rated(7)),
    ("-is:suspended", Not(State(CardState.SUSPENDED))),
    ("a b", And((Text("a"), Text("b")))),
    ("a or b", Or((Text("a"), Text("b")))),
    ("a OR b c", Or((Text("a"), And((Text("b"), Text("c")))))),
    ("(a or b) c", And((Or((Text("a"), Text("b"))), Text("c")))),
    ("-(a b)", Not(And((Text("a"), Text("b"))))),
    ("state-of-the-art", Text("state-of-the-art")),
    ("--x", Not(Not(Text("x")))),
])
def test_each_form_parses_to_its_tree(query: str, tree: SearchNode) -> None:
    assert parse(query) == tree


@pytest.mark.parametrize(("query", "message", "column"), [
    ("dek:x", "unknown field 'dek:' at column 1; fields are deck:, area:, tag:, is:, prop:, rated:", 1),
    ("a http://x", "unknown field 'http:' at column 3", 3),
    ('a "abc', "unclosed quote at column 3", 3),
    ('deck:"abc', "unclosed quote at column 6", 6),
    ("prop:ivl>x", "prop:ivl needs a number at column 10", 10),
    ("prop:ease<two", "prop:ease needs a number at column 11", 11),
    ("prop:ivl>2.5", "prop:ivl needs a number at column 10", 10),
    ("prop:ivl", "prop:ivl needs a comparison", 9),
    ("prop:foo>1", "unknown property 'prop:foo' at column 6; properties are ivl, ease, lapses, reps, due", 6),
    ("is:nw", "unknown state 'is:nw' at column 1; states are new, due, learn, review, suspended, buried, leech", 1),
    ("x (a", "unclosed parenthesis opened at column 3", 3),
    ("a)", "unmatched ')' at column 2", 2),
    ("()", "empty parentheses at column 1", 1),
    ("or a", "'or' at column 1 needs a search on both sides", 1),
    ("a or", "'or' at column 3 needs a search on both sides", 3),
    ("a or or b", "'or' at column 3 needs a search on both sides", 3),
    ("- a", "'-' at column 1 needs a search right after it", 1),
    ("tag:", "tag: needs a value at column 5", 5),
    ("rated:0", "rated: needs a number of days from 1 to", 7),
    ("rated:-1", "rated: needs a number of days", 7),
])
def test_malformed_searches_say_what_is_wrong_and_where(query: str, message: str, column: int) -> None:
    with pytest.raises(SearchSyntaxError) as caught:
        parse(query)
    assert str(caught.value).startswith(message)
    assert caught.value.position == column


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    assert parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH) == Text("a")
    with pytest.raises(SearchSyntaxError, match="nests too deeply"):
        parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(SearchSyntaxError, match="nests too deeply"):
        parse("-" * 5000 + "a")


_SEARCH_ALPHABET = st.sampled_from([*'abc :-()"\\<>=!.*0123456789', "or", "is:", "prop:", "deck:", "rated:", "ivl",
                                    "ease", "new", "é", "\t"])


@given(st.text() | st.lists(_SEARCH_ALPHABET, max_size=30).map("".join))
def test_any_text_parses_or_raises_a_syntax_error_with_a_column_inside_it(query: str) -> None:
    try:
        parse(query)
    except SearchSyntaxError as error:
        assert 1 <= error.position <= len(query) + 1
        assert error.message


_word = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8)
_leaf = st.one_of(
    st.builds(Text, _word, st.booleans()).filter(lambda t: t.phrase or parse(to_query(t)) == t),
    st.builds(FieldMatch, st.sampled_from(FieldKind), _word),
    st.builds(State, st.sampled_from(CardState)),
    st.builds(Prop, st.sampled_from([p for p in PropName if p is not PropName.EASE]), st.sampled_from(Comparison),
              st.integers(-10**6, 10**6)),
    st.builds(Prop, st.just(PropName.EASE), st.sampled_from(Comparison),
              st.integers(0, 500).map(lambda n: n / 100)),
    st.builds(Rated, st.integers(1, 36500)),
)


_tree: st.SearchStrategy[SearchNode] = st.recursive(
    _leaf, lambda inner: st.one_of(st.builds(Not, inner),
                                   st.lists(inner, min_size=2, max_size=3).map(lambda cs: And(tuple(cs))),
                                   st.lists(inner, min_size=2, max_size=3).map(lambda cs: Or(tuple(cs)))),
    max_leaves=8)


@given(_tree)
def test_every_tree_reads_back_from_its_text(tree: SearchNode) -> None:
    assert parse(to_query(tree)) == tree
