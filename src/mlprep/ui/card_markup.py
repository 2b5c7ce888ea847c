"""Card Markdown -> Qt rich-text HTML, safely (no Qt here; ``card_render`` adds the math).

Pipeline: formulas (``mlprep.core.math_text.find_math``) are swapped for opaque tokens
*before* Markdown runs, so ``_`` and ``*`` inside LaTeX are never taken for emphasis;
Python-Markdown (fenced code, tables, sane lists) then builds the HTML; code blocks are
highlighted by Pygments with inline styles and wrapped in a one-cell table, the only way
Qt's rich text paints one solid panel behind a block; the caller swaps the tokens for
images (or, for LaTeX that does not typeset, for marked code).

Safety: raw HTML in a card is escaped, never interpreted (Markdown's HTML block and
inline processors are removed). Links keep an ``href`` only for http/https; images keep a
``src`` only for a relative path inside the deck's folder, rewritten to the
``deckimg:`` scheme that :class:`mlprep.ui.card_document.CardDocument` alone resolves.
Everything else becomes inert text. Cards longer than ``MAX_CARD_CHARS`` are cut, and a
side with more than ``MAX_BRACKETS`` ``[`` is shown as plain text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from mlprep.core.math_text import find_math
from mlprep.services.card_html import card_markdown_parser
from mlprep.ui.deck_paths import DECK_IMAGE_SCHEME, deck_relative_path

if TYPE_CHECKING:  # Markdown's tree, built by the parser, which imports it with Markdown (not at start-up)
    from xml.etree.ElementTree import Element

MAX_CARD_CHARS = 20_000  # the longest shipped card side is < 2 kB; beyond this the rest is not rendered
# Python-Markdown's link parsing is quadratic in the number of "[" (2,000 take ~1 s): past
# this many a side is shown as plain text, so no card can freeze the review screen.
MAX_BRACKETS = 300
MAX_FORMULAS = 50  # per side (the richest shipped card has 17); further ones are shown as code
MAX_TABLE_CELLS = 400  # per table; Qt lays out 400 cells in ~90 ms, 6,000 in ~0.6 s (shipped tables < 60)
MAX_FORMULA_CHARS = 2_000  # longer "formulas" stay code (latex_check refuses > 600 anyway)
# Pygments' "default" background is too faint on a white card: a slightly deeper grey.
_PANEL_BACKGROUNDS = {"#f8f8f8": "#f3f5f8"}
_TOKEN_PREFIX = "MLPREPMATH"  # a formula's token is PREFIX<n>X; the prefix grows until the text lacks it
_TAG_RE = re.compile(r"<[^>]*>")
_CODE_DIV_RE = re.compile(
    r'<div class="codehilite" style="background: (#[0-9a-fA-F]{3,8})"><pre[^>]*>(.*?)</pre></div>', re.S)


@dataclass(frozen=True)
class Formula:
    """One formula taken out of the text: its LaTeX and whether it is display math."""

    tex: str
    display: bool


@dataclass(frozen=True)
class Markup:
    """A card side as HTML with formula tokens still in it (``<token><n>X``, ``token`` a prefix that
    occurs nowhere in the card's text), the formulas by index, and whether the text was cut at
    ``MAX_CARD_CHARS``."""

    html: str
    formulas: tuple[Formula, ...]
    truncated: bool
    token: str = _TOKEN_PREFIX


def _sanitize(root: Element) -> None:
    """Strip every link target but http/https, and every image source but a relative path
    that stays inside the deck's folder (run as a Markdown tree processor, last)."""
    for el in root.iter():
        if el.tag == "a":
            _sanitize_link(el)
        elif el.tag == "img":
            _sanitize_image(el)


def _sanitize_link(el: Element) -> None:
    href = el.get("href", "")
    if urlsplit(href.strip()).scheme.lower() in ("http", "https"):
        return
    el.attrib.pop("href", None)
    el.set("title", "Link not followed: only http and https links open")


def _sanitize_image(el: Element) -> None:
    src = el.get("src", "").strip()
    path = deck_relative_path(src)
    if path is not None:
        el.set("src", f"{DECK_IMAGE_SCHEME}:{quote(path)}")
        return
    alt = el.get("alt", "") or src
    el.tag = "span"
    el.attrib.clear()
    el.set("class", "blocked")
    el.text = f"[image not shown: {alt}]"


class MarkupRenderer:
    """Turns card Markdown into sanitised HTML; one Markdown instance reused per style.

    ``code_style`` is a Pygments style name (e.g. ``"default"``, ``"github-dark"``).
    """

    def __init__(self, code_style: str) -> None:
        from markdown.treeprocessors import Treeprocessor  # on the first card, not at start-up (~45 ms)

        class Sanitizer(Treeprocessor):
            def run(self, root: Element) -> None:
                _sanitize(root)

        self._md = card_markdown_parser(code_style)
        self._md.treeprocessors.register(Sanitizer(self._md), "mlprep_sanitize", 0)

    def render(self, text: str) -> Markup:
        """``text`` (card Markdown) -> :class:`Markup`. Never raises on any text: if Markdown
        itself fails (e.g. recursion on absurdly nested markup) the text is shown escaped."""
        truncated = len(text) > MAX_CARD_CHARS
        if truncated:
            text = text[:MAX_CARD_CHARS]
        token = _token_for(text)
        tokened, formulas = _take_out_math(text, token)
        if tokened.count("[") > MAX_BRACKETS:
            return Markup(html=_plain(tokened), formulas=tuple(formulas), truncated=truncated, token=token)
        try:
            self._md.reset()
            body = self._md.convert(tokened)
        except (RecursionError, ValueError, IndexError, KeyError, AttributeError):
            body = _plain(tokened)
        body = _TABLE_RE.sub(_cut_table, body)
        body = _CODE_DIV_RE.sub(_code_panel, body)
        body = _formulas_in_tags_as_text(body, formulas, token)
        return Markup(html=body, formulas=tuple(formulas), truncated=truncated, token=token)


_TABLE_RE = re.compile(r"<table>.*?</table>", re.S)
_ROW_RE = re.compile(r"<tr>.*?</tr>", re.S)


def _cut_table(match: re.Match[str]) -> str:
    """A Markdown table of more than :data:`MAX_TABLE_CELLS` cells keeps the rows that fit, then says
    how many it left out (issue 13, item 8: a 60 x 100 table froze the window while Qt laid it out)."""
    table = match.group(0)
    spans = [row.span() for row in _ROW_RE.finditer(table)]
    rows = [table[start:end] for start, end in spans]
    cells = [row.count("<td") + row.count("<th") for row in rows]
    if sum(cells) <= MAX_TABLE_CELLS:
        return table
    kept, total = 0, 0
    while kept < len(rows) and total + cells[kept] <= MAX_TABLE_CELLS:
        total += cells[kept]
        kept += 1
    notice = (f'<p class="notice">This table has {len(rows):,} rows and {sum(cells):,} cells; '
              f"only the first {kept:,} rows are shown (at most {MAX_TABLE_CELLS} cells).</p>")
    if kept == 0:
        return notice
    head = table[:spans[kept - 1][1]]
    return head + ("\n</tbody>" if "<tbody>" in head else "\n</thead>") + "\n</table>" + notice


def _plain(text: str) -> str:
    """``text`` as escaped plain text that keeps its line breaks (the no-Markdown fallback)."""
    return f'<p style="white-space: pre-wrap">{html.escape(text)}</p>'


def _token_for(text: str) -> str:
    """The shortest ``MLPREPMATH``, ``MLPREPMATHZ``, ... that does not occur in ``text``, so that no token
    can be typed in a card (issue 13, item 8: a literal ``MLPREPMATH0X`` became formula 0)."""
    token = _TOKEN_PREFIX
    while token in text:
        token += "Z"
    return token


def _token_re(token: str) -> re.Pattern[str]:
    return re.compile(re.escape(token) + r"(\d+)X")


def _formulas_in_tags_as_text(body: str, formulas: list[Formula], token: str) -> str:
    """A formula that Markdown put inside a tag (a link URL, an image's alt or title) goes back to its
    source text there: an image cannot sit in an attribute (it spliced markup into it)."""
    pattern = _token_re(token)

    def source(match: re.Match[str]) -> str:
        formula = formulas[int(match.group(1))]
        fence = "$$" if formula.display else "$"
        return html.escape(f"{fence}{formula.tex}{fence}", quote=True)

    return _TAG_RE.sub(lambda tag: pattern.sub(source, tag.group(0)), body)


def _take_out_math(text: str, token: str = _TOKEN_PREFIX) -> tuple[str, list[Formula]]:
    """Swap each formula for a token (``token<n>X``); formulas past the limits stay as code spans."""
    out: list[str] = []
    formulas: list[Formula] = []
    pos = 0
    for span in find_math(text):
        out.append(text[pos:span.start])
        if len(formulas) < MAX_FORMULAS and len(span.tex) <= MAX_FORMULA_CHARS:
            out.append(f"{token}{len(formulas)}X")
            formulas.append(Formula(span.tex, span.display))
        else:
            out.append(_code_span(text[span.start:span.end]))
        pos = span.end
    out.append(text[pos:])
    return "".join(out), formulas


def _code_span(raw: str) -> str:
    fence = "`" * (max((len(m) for m in re.findall(r"`+", raw)), default=0) + 1)
    return f"{fence} {raw} {fence}"


def _code_panel(match: re.Match[str]) -> str:
    background = _PANEL_BACKGROUNDS.get(match.group(1).lower(), match.group(1))
    code = match.group(2).replace("<code>", "").replace("</code>", "")  # no inline-code shading inside
    return (f'<table class="code" width="100%" cellspacing="0" cellpadding="10" bgcolor="{background}">'
            f"<tr><td><pre>{code}</pre></td></tr></table>")


def fill_formulas(body: str, replace: dict[int, str], *, display: dict[int, bool],
                  token: str = _TOKEN_PREFIX) -> str:
    """Put each formula's HTML back in place of its token (``token<n>X``, :attr:`Markup.token`). A display
    formula inside a paragraph gets a centred paragraph of its own (trailing punctuation goes with it);
    elsewhere (a list item, a table cell) it gets a line of its own."""

    token_re = _token_re(token)

    def split_paragraph(match: re.Match[str]) -> str:
        pieces = token_re.split(match.group(1))
        out, text = [], pieces[0]
        for i in range(1, len(pieces), 2):
            n, after = int(pieces[i]), pieces[i + 1]
            if not display.get(n):
                text += replace.get(n, "") + after
                continue
            if text.strip():
                out.append(f"<p>{text.rstrip()}</p>")
            punct = re.match(r"^[.,;:!?)]*", after).group(0)  # type: ignore[union-attr]
            out.append(f'<p align="center" class="display">{replace.get(n, "")}{punct}</p>')
            text = after[len(punct):].lstrip()
        if text.strip():
            out.append(f"<p>{text}</p>")
        return "".join(out)

    body = re.sub(r"<p>(.*?)</p>",
                  lambda m: split_paragraph(m) if _has_display(m.group(1), display, token_re) else m.group(0),
                  body, flags=re.S)

    def inline(match: re.Match[str]) -> str:
        n = int(match.group(1))
        piece = replace.get(n, "")
        return f"<br/>{piece}<br/>" if display.get(n) else piece

    return token_re.sub(inline, body)


def _has_display(text: str, display: dict[int, bool], token_re: re.Pattern[str]) -> bool:
    return any(display.get(int(n)) for n in token_re.findall(text))
