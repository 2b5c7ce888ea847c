"""A card's two sides -> the HTML and images a :class:`~mlprep.ui.card_view.CardDocument`
shows: Markdown from :mod:`mlprep.ui.card_markup`, formulas typeset by
:mod:`mlprep.ui.math_images`, colours from a :class:`~mlprep.ui.theme.Theme`. Cached."""

from __future__ import annotations

import hashlib
import html
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from mlprep.core.deck_format import CITATION_RE, cited_ids
from mlprep.ui.math_images import MATH_SCALE as MATH_SCALE  # re-exported: the window warms formulas at this scale
from mlprep.ui.math_images import MathError, MathTypesetter, default_typesetter, inline_metrics
from mlprep.ui.render_store import RenderStore, render_key
from mlprep.ui.theme import Theme

if TYPE_CHECKING:  # Markdown's side of drawing: imported with the first side drawn, not for a kept one (issue 16)
    from mlprep.ui.card_markup import Formula, Markup, MarkupRenderer

MATH_SCHEME = "mlmath"
CACHE_SIZE = 256  # rendered sides kept (a day's session is well under this)
# Typesetting time allowed per card side (the most math-heavy shipped card needs ~0.11 s cold);
# formulas past it are shown as marked code, so a hostile card cannot freeze the screen.
TYPESET_BUDGET_S = 2.0


@dataclass(frozen=True)
class LearnMoreLink:
    """A reading-list item a card cites: its title, the link the card shows, and its reading-list id
    (``ref``: the ``@id`` in the card's source that the link replaces on the source line)."""

    title: str
    href: str
    ref: str = ""


@dataclass(frozen=True)
class RenderedCard:
    """The HTML of a card and the formula images it names (``mlmath:<key>`` -> image)."""

    html: str
    images: dict[str, QImage] = field(default_factory=dict)


def document_css(theme: Theme, px: float) -> str:
    """The default style sheet for a card document in ``theme`` with text of ``px`` pixels."""
    return f"""
body, p, li, td, th, div {{ color: {theme.text}; }}
p {{ margin-top: 6px; margin-bottom: 6px; }}
a {{ color: {theme.link}; }}
code {{ font-family: 'DejaVu Sans Mono', monospace; background-color: {theme.code_inline}; }}
pre {{ font-family: 'DejaVu Sans Mono', monospace; font-size: {px * 0.86:.1f}px; margin: 0px; }}
table {{ border-collapse: collapse; margin-top: 6px; margin-bottom: 6px; }}
th, td {{ border: 1px solid {theme.border}; padding: 5px 10px; }}
th {{ background-color: {theme.header}; }}
table.code td {{ border: none; }}
.blocked, .notice {{ color: {theme.muted}; font-style: italic; }}
.badmath {{ color: {theme.error}; }}
.learn {{ color: {theme.muted}; }}
hr {{ background-color: {theme.border}; }}
table.code {{ border: 1px solid {theme.border}; }}
"""


def _anchor(link: LearnMoreLink) -> str:
    return f'<a href="{html.escape(link.href, quote=True)}">{html.escape(link.title)}</a>'


def source_html(source: str, links: Sequence[LearnMoreLink]) -> str:
    """A card's ``source:`` text as HTML: escaped, each ``@id`` that has a link in ``links`` replaced by
    that item's linked title (``@clrs, ch. 3`` -> "<a>Introduction to Algorithms</a>, ch. 3"); an ``@id``
    without one stays as written."""
    by_ref = {link.ref: link for link in links if link.ref}
    out, pos = [], 0
    for match in CITATION_RE.finditer(source):
        ref = match.group(1).rstrip("-")
        link = by_ref.get(ref)
        if link is None:
            continue
        out.append(html.escape(source[pos:match.start()]))
        out.append(_anchor(link))
        pos = match.start() + 1 + len(ref)
    out.append(html.escape(source[pos:]))
    return "".join(out)


class CardRenderer:
    """Renders card sides for one theme at a time; keeps the last ``CACHE_SIZE`` results. With ``kept`` (a
    :class:`mlprep.ui.render_store.RenderStore`: sides kept across starts) a side missing here is looked up
    there before it is drawn, and :meth:`remember` offers a drawn side to it."""

    def __init__(self, typesetter: MathTypesetter | None = None, kept: RenderStore | None = None) -> None:
        self.typesetter = typesetter or default_typesetter()
        self.kept = kept
        self._markup: dict[str, MarkupRenderer] = {}
        self._cache: OrderedDict[tuple[object, ...], RenderedCard] = OrderedDict()

    def render(self, front: str, back: str | None, theme: Theme, px: float,
               links: Sequence[LearnMoreLink] = (), source: str = "") -> RenderedCard:
        """The card with its ``back`` when ``back`` is not ``None``, and under the back the card's
        ``source`` line, each ``@id`` it cites shown as the linked title of its reading item in
        ``links`` (links the source does not cite follow as "Learn more").

        ``px`` is the body text size in device-independent pixels; formulas follow it.
        Never raises on card text: bad LaTeX is shown as marked code.
        """
        key = (front, back, theme.name, round(px, 2), tuple(links), source)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        if self.kept is not None:
            stored = self.kept.get(render_key(front, back, theme, px, links, source))
            if stored is not None:
                self._keep(key, stored)
                return stored
        result = self._draw(front, back, theme, px, links, source)
        self._keep(key, result)
        return result

    def remember(self, front: str, back: str | None, theme: Theme, px: float,
                 links: Sequence[LearnMoreLink] = (), source: str = "") -> RenderedCard:
        """The side, as :meth:`render` gives it, also offered to the store to keep across starts (written by
        its ``save``), unless a formula in it was not typeset (a time budget can run out once and not the next
        time: such a side is drawn again)."""
        rendered = self.render(front, back, theme, px, links, source)
        if self.kept is not None and 'class="badmath"' not in rendered.html:
            self.kept.put(render_key(front, back, theme, px, links, source), rendered)
        return rendered

    def save_store(self) -> None:
        """Write the kept sides offered since (:meth:`RenderStore.save`; nothing without a store)."""
        if self.kept is not None:
            self.kept.save()

    def _keep(self, key: tuple[object, ...], result: RenderedCard) -> None:
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _draw(self, front: str, back: str | None, theme: Theme, px: float, links: Sequence[LearnMoreLink],
              source: str) -> RenderedCard:
        images: dict[str, QImage] = {}
        parts = [f'<div class="front">{self._side(front, theme, px, images)}</div>']
        if back is not None:
            parts.append("<hr/>")
            parts.append(f'<div class="back">{self._side(back, theme, px, images)}</div>')
            cited = set(cited_ids(source))
            if source.strip():
                parts.append(f'<p class="learn">Source: {source_html(source, links)}</p>')
            rest = [link for link in links if link.ref not in cited or not link.ref]
            if rest:
                parts.append(f'<p class="learn">Learn more: {" · ".join(_anchor(link) for link in rest)}</p>')
        return RenderedCard(html="\n".join(parts), images=images)

    def _side(self, text: str, theme: Theme, px: float, images: dict[str, QImage]) -> str:
        from mlprep.ui.card_markup import MAX_CARD_CHARS, MarkupRenderer, fill_formulas

        renderer = self._markup.get(theme.code_style)
        if renderer is None:
            renderer = self._markup[theme.code_style] = MarkupRenderer(theme.code_style)
        markup = renderer.render(text)
        body = fill_formulas(markup.html, _formula_html(self.typesetter, markup, theme, px, images),
                             display={i: f.display for i, f in enumerate(markup.formulas)}, token=markup.token)
        if markup.truncated:
            body += (f'<p class="notice">This card is longer than {MAX_CARD_CHARS:,} characters; '
                     "the rest is not shown.</p>")
        return body


def _formula_html(typesetter: MathTypesetter, markup: Markup, theme: Theme, px: float,
                  images: dict[str, QImage]) -> dict[int, str]:
    out = {}
    deadline = time.perf_counter() + TYPESET_BUDGET_S
    for index, formula in enumerate(markup.formulas):
        if time.perf_counter() > deadline:
            out[index] = _bad_formula(formula, "not typeset: this card has too much math to draw quickly")
        else:
            out[index] = _one_formula(typesetter, formula, theme, px, images)
    return out


def _one_formula(typesetter: MathTypesetter, formula: Formula, theme: Theme, px: float,
                 images: dict[str, QImage]) -> str:
    try:
        math = typesetter.render(formula.tex, display=formula.display, px=px * MATH_SCALE, color=theme.text)
    except MathError as exc:
        return _bad_formula(formula, str(exc))
    digest = hashlib.sha1(f"{formula.tex}\0{formula.display}\0{px}\0{theme.text}".encode()).hexdigest()[:16]
    name = f"{MATH_SCHEME}:{digest}"
    images[name] = math.image
    if formula.display:
        return f'<img src="{name}" width="{math.width:.0f}" height="{math.height:.0f}" />'
    # On the text's baseline (math_images' module docstring): Qt centres the image in the line box
    # at a quarter of the x-height of the span's font, chosen to be the centre of the text's line box.
    img = f'<img src="{name}" width="{math.width:.0f}" height="{math.height:.0f}" style="vertical-align: middle" />'
    metrics = inline_metrics(round(px))
    return img if metrics is None else f'<span style="font-size: {metrics.span_px}px">{img}</span>'


def _bad_formula(formula: Formula, why: str) -> str:
    """A formula that cannot be typeset: its LaTeX as code after a warning sign whose
    tooltip says why."""
    dollars = "$$" if formula.display else "$"
    return (f'<span class="badmath" title="{html.escape(why, quote=True)}">⚠&nbsp;</span>'
            f'<code class="badmath" title="{html.escape(why, quote=True)}">'
            f"{html.escape(dollars + formula.tex + dollars)}</code>")
