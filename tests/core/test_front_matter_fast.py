"""The deck header's fast reader (``deck_format._simple_front_matter``) reads exactly what PyYAML's loader
reads, or declines (``None``) and leaves the header to PyYAML (issue 16)."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprep.core import deck_format
from mlprep.core.deck_format import _YAML_WORDS, _simple_front_matter
from mlprep.core.front_matter_loader import FrontMatterLoader
from mlprep.services.deck_loader import deck_files, read_deck_text, shipped_decks_dir


def header_of(text: str) -> str:
    lines = text.splitlines()
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    return "\n".join(lines[1:end])


def yaml_reads(source: str) -> object:
    return yaml.load(source, Loader=FrontMatterLoader)


def test_every_shipped_header_is_read_fast_and_as_yaml_reads_it() -> None:
    headers = [header_of(read_deck_text(path)) for path in deck_files([shipped_decks_dir()])]
    assert len(headers) > 60
    for source in headers:
        fast = _simple_front_matter(source)
        assert fast is not None, source
        assert repr(fast) == repr(yaml_reads(source))


def test_the_words_yaml_reads_as_another_type_than_a_string_are_the_listed_ones() -> None:
    resolvers = FrontMatterLoader.yaml_implicit_resolvers
    letters = [first for first in resolvers if first and first.isascii() and first.isalpha()]
    assert {tag for first in letters for tag, _ in resolvers[first]} == {"tag:yaml.org,2002:bool",
                                                                        "tag:yaml.org,2002:null"}
    variants = {form for word in _YAML_WORDS for form in (word, word.lower(), word.upper(), word.capitalize(),
                                                           word.swapcase(), word[:-1], word + "s", word + " x")}
    variants |= {"y", "Y", "n", "N", "yES", "nULL", "tRUE", "oN", "Nope", "onion", "Nil", "none", "None"}
    for word in variants:
        read_as_other = any(regexp.match(word) for _, regexp in resolvers.get(word[0], []))
        assert read_as_other == (word in _YAML_WORDS), word


def test_the_usual_forms_are_read() -> None:
    source = 'title: Trees & ensembles (CART)\narea: algorithms\nleaf: "2.8"\ntags: [trees, ml/ensembles]'
    assert _simple_front_matter(source) == {"title": "Trees & ensembles (CART)", "area": "algorithms",
                                            "leaf": "2.8", "tags": ["trees", "ml/ensembles"]}


def test_what_yaml_reads_as_another_type_or_differently_is_left_to_yaml() -> None:
    for source in ("title: yes", "title: Off", "title: null", "yes: T", "leaf: 2.8", "tags: [x, on]",
                   "title: a: b", "title: T # note", "title: T ", "title:  T", "leaf: '2.8'", 'leaf: "a\\tb"',
                   "title: T\n  continued", "title: *x", "title: &a T", "tags: [a,]", "title: naïve", "",
                   "title:\tT", "? title\n: T"):
        assert _simple_front_matter(source) is None, source


KEYS = ("title", "area", "leaf", "tags", "yes", "null", "on", "Title", "a")
SAFE = ("a", "Z", "T", "x1", "2.8", "0", "yes", "No", "null", "true", "Off", "y", " ", "  ", ",", ", ", "'",
        "&", "-", "(", ")", "/", "+", "_", ".", "&a ")
HOSTILE = ("1e3", "0x1F", "12:30", "2024-01-01", ".inf", "~", ":", ": ", "#", " #", '"', "\\", "[", "]", "{", "}",
           "*", "!", "|", ">", "%", "@", "`", "- ", "?", "\t", "é", "\u00a0", "\x85")


@st.composite
def values(draw: st.DrawFn) -> str:
    """Mostly characters the fast reader takes, with at most one piece that YAML treats specially."""
    pieces = draw(st.lists(st.sampled_from(SAFE), max_size=6))
    if draw(st.booleans()):
        pieces.insert(draw(st.integers(0, len(pieces))), draw(st.sampled_from(HOSTILE)))
    return "".join(pieces)


flows = st.lists(values(), max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
keys = st.one_of(st.sampled_from(("title", "area", "leaf", "tags")), st.sampled_from(KEYS))
separators = st.one_of(st.just(": "), st.sampled_from([": ", ":", ":  ", " : ", ":\t"]))
lines = st.tuples(keys, separators, st.one_of(values(), values().map(lambda v: f'"{v}"'), flows)).map("".join)
sources = st.lists(st.one_of(lines, lines, st.just("")), min_size=1, max_size=4).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(source=sources)
def test_the_fast_reader_reads_exactly_what_yaml_reads(source: str) -> None:
    fast = _simple_front_matter(source)
    if fast is None:
        return
    assert repr(fast) == repr(yaml_reads(source))


def test_parse_deck_reads_a_header_left_to_yaml_as_before() -> None:
    text = "---\ntitle: 'Quoted: title'\narea: math\nleaf: \"1.1\"\n---\n\n## c1\nQ: q\nA: a\n"
    deck = deck_format.parse_deck(text, "decks/d.md")
    assert (deck.title, deck.area, deck.leaf) == ("Quoted: title", "math", "1.1")
