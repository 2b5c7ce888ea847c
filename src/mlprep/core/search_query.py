"""The Browse window's search syntax, parsed into a small tree.

The syntax follows Anki's search ("Searching", Anki Manual, https://docs.ankiweb.net/searching.html),
cut down to what an SM-2 collection of Markdown decks holds:

============================  ==============================================================
``word``, ``"a phrase"``      card text (front, back, source) containing the word (as a word
                              prefix: ``grad`` finds "gradient") or the exact phrase
``deck:ID``                   cards of a deck, by id or title; ``*`` matches any run of
                              characters (``deck:ml-*``); case-insensitive
``area:SLUG``, ``tag:NAME``   cards of a curriculum area; cards with a tag (``*`` wildcard too)
``is:new``                    never answered; ``is:learn``: answered, but not yet recalled since
                              the first answer or the last lapse (SM-2 repetitions 0);
                              ``is:review``: recalled at least once in a row (repetitions > 0);
                              ``is:due``: due on or before today (not suspended or buried);
                              ``is:suspended``, ``is:buried``, ``is:leech``
``prop:ivl>10``               interval (days); also ``prop:ease`` (SM-2 ease factor, e.g. 2.5),
                              ``prop:lapses``, ``prop:reps`` (times answered), ``prop:due`` (days
                              from today; negative: overdue). Comparisons ``< <= > >= = !=``
``rated:N``                   answered in the last N study days (``rated:1``: today)
``-x``                        not ``x``
``x y``, ``x or y``, ``( )``  both (implicit AND), either, grouping; AND binds tighter than OR
============================  ==============================================================

A value with spaces is quoted: ``deck:"my deck"``. A quoted string whose text has a colon is plain
text (``"a:b"``). Malformed input raises :class:`SearchSyntaxError` with a message a user can act on
and the 1-based column of the problem; :func:`parse` raises nothing else, whatever the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "FIELDS", "And", "CardState", "Comparison", "FieldKind", "FieldMatch", "MatchAll", "Not", "Or", "Prop",
    "PropName", "Rated", "SearchNode", "SearchSyntaxError", "State", "Text", "parse", "to_query",
]


class SearchSyntaxError(ValueError):
    """A search the parser cannot read: ``message`` says what is wrong, ``position`` is the 1-based
    column (character) where it is; ``str()`` gives both."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message


class FieldKind(StrEnum):
    """The fields that name a set of cards by a text value."""

    DECK = "deck"
    AREA = "area"
    TAG = "tag"


class CardState(StrEnum):
    """The states ``is:`` selects (see the module's table)."""

    NEW = "new"
    DUE = "due"
    LEARN = "learn"
    REVIEW = "review"
    SUSPENDED = "suspended"
    BURIED = "buried"
    LEECH = "leech"


class PropName(StrEnum):
    """The numeric card properties ``prop:`` compares."""

    IVL = "ivl"  # interval, days
    EASE = "ease"  # SM-2 ease factor (EF), 1.3 and up
    LAPSES = "lapses"
    REPS = "reps"  # times answered (Anki's meaning)
    DUE = "due"  # due day minus today, days


class Comparison(StrEnum):
    """A ``prop:`` comparison operator."""

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "="
    NE = "!="


FIELDS = ("deck:", "area:", "tag:", "is:", "prop:", "rated:")
"""Every field the syntax knows, as a user types it."""


@dataclass(frozen=True)
class MatchAll:
    """The empty search: every card."""


@dataclass(frozen=True)
class Text:
    """Free text: ``text`` as a word prefix (``phrase`` False) or an exact phrase (``phrase`` True)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class FieldMatch:
    """``deck:``, ``area:`` or ``tag:`` with its ``value`` (``*`` is a wildcard), case-insensitive."""

    field: FieldKind
    value: str


@dataclass(frozen=True)
class State:
    """``is:STATE``."""

    state: CardState


@dataclass(frozen=True)
class Prop:
    """``prop:NAME OP VALUE``; ``value`` is a float for ``ease``, an int otherwise."""

    name: PropName
    op: Comparison
    value: float


@dataclass(frozen=True)
class Rated:
    """``rated:N``: answered in the last ``days`` study days (today included), ``days`` ≥ 1."""

    days: int


@dataclass(frozen=True)
class Not:
    """``-x``."""

    child: SearchNode


@dataclass(frozen=True)
class And:
    """Every one of ``children`` (two or more)."""

    children: tuple[SearchNode, ...]


@dataclass(frozen=True)
class Or:
    """Any one of ``children`` (two or more)."""

    children: tuple[SearchNode, ...]


SearchNode = MatchAll | Text | FieldMatch | State | Prop | Rated | Not | And | Or
"""A node of a parsed search."""

_LIST_FIELDS = ", ".join(FIELDS)
_STATES = ", ".join(s.value for s in CardState)
_PROPS = ", ".join(p.value for p in PropName)
_OPS = ("<=", ">=", "!=", "<", ">", "=")
_MAX_RATED = 36500
MAX_DEPTH = 50
"""The deepest nesting of parentheses and ``-`` a search may have (deeper raises SearchSyntaxError)."""


# -- tokens ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "-", "or", "term"
    pos: int  # 1-based column
    text: str = ""  # a term's raw text, quotes removed from a quoted value
    quoted: bool = False  # the whole term was in quotes: plain text, even with a colon


def _read_quoted(query: str, i: int) -> tuple[str, int]:
    """The text of the quoted string opening at ``query[i]`` (``\\"`` is a quote inside) and the index
    after its closing quote."""
    out: list[str] = []
    j = i + 1
    while j < len(query):
        ch = query[j]
        if ch == "\\" and j + 1 < len(query) and query[j + 1] in '"\\':
            out.append(query[j + 1])
            j += 2
            continue
        if ch == '"':
            return "".join(out), j + 1
        out.append(ch)
        j += 1
    raise SearchSyntaxError(f"unclosed quote at column {i + 1}: add a closing \"", i + 1)


def _is_break(ch: str) -> bool:
    return ch.isspace() or ch in "()"


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, i + 1))
            i += 1
        elif ch == "-":
            tokens.append(_Token("-", i + 1))
            i += 1
        elif ch == '"':
            text, i_end = _read_quoted(query, i)
            tokens.append(_Token("term", i + 1, text, quoted=True))
            i = i_end
        else:
            start = i
            while i < len(query) and not _is_break(query[i]) and query[i] != '"':
                i += 1
            word = query[start:i]
            if i < len(query) and query[i] == '"' and word.endswith(":"):  # field:"quoted value"
                text, i = _read_quoted(query, i)
                tokens.append(_Token("term", start + 1, word + text))
            elif word.lower() == "or":
                tokens.append(_Token("or", start + 1))
            else:
                tokens.append(_Token("term", start + 1, word))
    return tokens


# -- terms ----------------------------------------------------------------------------------------


def _term(token: _Token) -> SearchNode:
    text = token.text
    name, colon, value = text.partition(":")
    if token.quoted:
        return Text(text, phrase=True)
    if not colon:
        return Text(text)
    field = name.lower()
    if f"{field}:" not in FIELDS:
        raise SearchSyntaxError(f"unknown field '{name}:' at column {token.pos}; fields are {_LIST_FIELDS} "
                                f"(put text with a colon in quotes)", token.pos)
    value_pos = token.pos + len(name) + 1
    if not value:
        raise SearchSyntaxError(f"{field}: needs a value at column {value_pos}", value_pos)
    if field in ("deck", "area", "tag"):
        return FieldMatch(FieldKind(field), value)
    if field == "is":
        try:
            return State(CardState(value.lower()))
        except ValueError:
            raise SearchSyntaxError(f"unknown state 'is:{value}' at column {token.pos}; states are {_STATES}",
                                    token.pos) from None
    if field == "rated":
        return _rated(value, value_pos)
    return _prop(value, value_pos)


def _rated(value: str, pos: int) -> Rated:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= _MAX_RATED:
        raise SearchSyntaxError(f"rated: needs a number of days from 1 to {_MAX_RATED} at column {pos} "
                                f"(rated:7: answered in the last 7 days)", pos)
    return Rated(int(value))


def _prop(value: str, pos: int) -> Prop:
    name_end = 0
    while name_end < len(value) and value[name_end].isalpha():
        name_end += 1
    name = value[:name_end].lower()
    try:
        prop = PropName(name)
    except ValueError:
        raise SearchSyntaxError(f"unknown property 'prop:{value[:name_end] or value}' at column {pos}; "
                                f"properties are {_PROPS}", pos) from None
    rest = value[name_end:]
    op = next((o for o in _OPS if rest.startswith(o)), None)
    if op is None:
        raise SearchSyntaxError(f"prop:{name} needs a comparison ({' '.join(_OPS)}) and a number at column "
                                f"{pos + name_end} (e.g. prop:{name}>3)", pos + name_end)
    number = rest[len(op):]
    number_pos = pos + name_end + len(op)
    return Prop(prop, Comparison(op), _number(prop, number, number_pos))


def _number(prop: PropName, text: str, pos: int) -> float:
    body = text[1:] if text[:1] == "-" else text
    if prop is PropName.EASE:
        whole, _, frac = body.partition(".")
        ok = body.isascii() and (whole + frac).isdigit() and len(whole + frac) <= 12
        if ok:
            return float(text)
        raise SearchSyntaxError(f"prop:{prop} needs a number at column {pos} (e.g. prop:{prop}<2.5)", pos)
    if body.isascii() and body.isdigit() and len(body) <= 12:
        return int(text)
    raise SearchSyntaxError(f"prop:{prop} needs a number at column {pos} (a whole number, e.g. prop:{prop}>3)",
                            pos)


# -- grammar --------------------------------------------------------------------------------------


class _Parser:
    """query := or EOF; or := and ("or" and)*; and := unary+; unary := "-" unary | "(" or ")" | term."""

    def __init__(self, tokens: list[_Token], length: int) -> None:
        self._tokens = tokens
        self._i = 0
        self._end = length + 1
        self._depth = 0

    def _peek(self) -> _Token | None:
        return self._tokens[self._i] if self._i < len(self._tokens) else None

    def parse(self) -> SearchNode:
        if not self._tokens:
            return MatchAll()
        node = self._or()
        token = self._peek()
        if token is not None:  # only a ")" stops _or before the end
            raise SearchSyntaxError(f"unmatched ')' at column {token.pos}", token.pos)
        return node

    def _or(self) -> SearchNode:
        parts = [self._and()]
        while (token := self._peek()) is not None and token.kind == "or":
            self._i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in ("or", ")"):
                raise SearchSyntaxError(f"'or' at column {token.pos} needs a search on both sides", token.pos)
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and(self) -> SearchNode:
        parts: list[SearchNode] = []
        while (token := self._peek()) is not None and token.kind not in ("or", ")"):
            parts.append(self._unary())
        if not parts:
            token = self._peek()
            pos = token.pos if token is not None else self._end
            if token is not None and token.kind == "or":
                raise SearchSyntaxError(f"'or' at column {pos} needs a search on both sides", pos)
            if token is not None and token.kind == ")" and self._i > 0 and self._tokens[self._i - 1].kind == "(":
                raise SearchSyntaxError(f"empty parentheses at column {pos - 1}", self._tokens[self._i - 1].pos)
            raise SearchSyntaxError(f"unmatched ')' at column {pos}", pos)
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def _unary(self) -> SearchNode:
        token = self._tokens[self._i]
        if token.kind in ("-", "("):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise SearchSyntaxError(f"the search nests too deeply at column {token.pos} (at most {MAX_DEPTH} "
                                        "levels of parentheses and '-')", token.pos)
            try:
                return self._nested(token)
            finally:
                self._depth -= 1
        self._i += 1
        return _term(token)

    def _nested(self, token: _Token) -> SearchNode:
        self._i += 1
        if token.kind == "-":
            nxt = self._peek()
            if nxt is None or nxt.kind in ("or", ")") or nxt.pos != token.pos + 1:
                raise SearchSyntaxError(f"'-' at column {token.pos} needs a search right after it (-is:suspended)",
                                        token.pos)
            return Not(self._unary())
        nxt = self._peek()
        if nxt is None:
            raise SearchSyntaxError(f"unclosed parenthesis opened at column {token.pos}", token.pos)
        if nxt.kind == ")":
            raise SearchSyntaxError(f"empty parentheses at column {token.pos}", token.pos)
        node = self._or()
        close = self._peek()
        if close is None or close.kind != ")":
            raise SearchSyntaxError(f"unclosed parenthesis opened at column {token.pos}", token.pos)
        self._i += 1
        return node


def parse(query: str) -> SearchNode:
    """Parse ``query`` (the module's syntax) into a tree of frozen dataclasses.

    Whitespace-only text is :class:`MatchAll`. A single term is returned as itself, so ``"is:new"``
    gives ``State(CardState.NEW)``. Raises :class:`SearchSyntaxError` (and nothing else) for
    malformed input, with the column of the problem.
    """
    return _Parser(_tokens(query), len(query)).parse()


# -- back to text ---------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bare_word(text: str) -> bool:
    """Whether free text ``text`` reads back as one bare word (not a field, "or", or a negation)."""
    return _bare_value(text) and ":" not in text and text[0] != "-" and text.lower() != "or"


def _bare_value(text: str) -> bool:
    return bool(text) and not any(_is_break(ch) or ch == '"' for ch in text)


def _value(text: str) -> str:
    return text if _bare_value(text) else _quote(text)


def _ease(value: float) -> str:
    text = repr(float(value))
    return text if "e" not in text else format(value, "f")


def to_query(node: SearchNode) -> str:
    """The search text that :func:`parse` reads back as ``node`` (``parse(to_query(n)) == n`` for every
    tree :func:`parse` can produce); quotes where a value needs them."""
    if isinstance(node, MatchAll):
        return ""
    if isinstance(node, Text):
        return _quote(node.text) if node.phrase or not _bare_word(node.text) else node.text
    if isinstance(node, FieldMatch):
        return f"{node.field}:{_value(node.value)}"
    if isinstance(node, State):
        return f"is:{node.state}"
    if isinstance(node, Prop):
        value = _ease(node.value) if node.name is PropName.EASE else str(int(node.value))
        return f"prop:{node.name}{node.op}{value}"
    if isinstance(node, Rated):
        return f"rated:{node.days}"
    if isinstance(node, Not):
        inner = to_query(node.child)
        return f"-({inner})" if isinstance(node.child, And | Or) else f"-{inner}"
    if isinstance(node, And):
        return " ".join(f"({to_query(c)})" if isinstance(c, And | Or) else to_query(c) for c in node.children)
    return " or ".join(f"({to_query(c)})" if isinstance(c, Or) else to_query(c) for c in node.children)
