"""Card text between mlprep's Markdown and the HTML Anki stores, both ways (import and export).

* :func:`html_to_markdown`: a note field's HTML -> Markdown with markdownify (a library made for it);
  MathJax ``\\(..\\)`` and ``\\[..\\]`` (Anki's delimiters, "MathJax support" in the Anki manual) become
  ``$..$`` and ``$$..$$``. Formulas are taken out before markdownify runs (it would escape ``_`` and ``*``
  inside them) and put back after, with their HTML entities decoded.
* :func:`markdown_to_html`: card Markdown -> HTML with Python-Markdown (fenced code, tables, sane lists,
  as the review screen renders it), code highlighted by Pygments with inline styles (AnkiDroid has no
  Pygments style sheet), ``$..$``/``$$..$$`` as MathJax ``\\(..\\)``/``\\[..\\]``. Formulas are found with
  :func:`mlprep.core.math_text.find_math` and swapped for tokens before Markdown runs, as
  :mod:`mlprep.ui.card_markup` does for the screen. Raw HTML in a card is escaped, never passed on.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from mlprep.core.math_text import find_math

if TYPE_CHECKING:
    import markdown

_MATHJAX_RE = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_TAG_RE = re.compile(r"<[^>]*>")
_IMG_RE = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>""", re.I)
_SOUND_RE = re.compile(r"\[sound:[^\]]*\]")
_PLAIN_RE = re.compile(r"(?!\s)(?:[^<&*_\s]|[ \n](?![ \n]))*(?<!\s)\Z")


def _token(text: str, prefix: str) -> str:
    token = prefix
    while token in text:
        token += "Z"
    return token


def html_to_markdown(field: str, image: Callable[[str], str | None] | None = None) -> str:
    """``field`` (a note field's HTML) as card Markdown. ``image(src)`` maps each ``<img src>`` to the path
    the Markdown should reference (``None``: the image is dropped and its file name left as text);
    without it images keep their ``src``. Anki's ``[sound:...]`` tags are dropped. Never raises."""
    from markdownify import markdownify

    token = _token(field, "MLPREPTEX")
    formulas: list[str] = []

    def take(match: re.Match[str]) -> str:
        inline, display = match.group(1), match.group(2)
        tex = html.unescape(_TAG_RE.sub("", inline if inline is not None else display)).strip()
        formulas.append(f"${tex}$" if inline is not None else f"$${tex}$$")
        return f"{token}{len(formulas) - 1}X"

    text = _MATHJAX_RE.sub(take, _SOUND_RE.sub("", field))
    if image is not None:
        text = _IMG_RE.sub(lambda m: _image_tag(m, image), text)
    # Text with no tag, entity, emphasis mark or run of blanks comes out of markdownify unchanged (checked
    # on random strings when this was written); skipping it saves ~0.2 ms a field (10k notes: ~4 s).
    markdown = text if _PLAIN_RE.match(text) else markdownify(text, heading_style="ATX", bullets="-")
    markdown = re.sub(re.escape(token) + r"(\d+)X", lambda m: formulas[int(m.group(1))], markdown)
    return "\n".join(line.rstrip() if not line.endswith("  ") else line for line in markdown.splitlines()).strip()


def _image_tag(match: re.Match[str], image: Callable[[str], str | None]) -> str:
    src = html.unescape(next(g for g in match.groups() if g is not None))
    target = image(src)
    if target is None:
        return html.escape(f"[image {src}]")
    return f'<img src="{html.escape(target, quote=True)}">'


def image_sources(field: str) -> list[str]:
    """Every ``<img src>`` in a field's HTML, entities decoded, in order."""
    return [html.unescape(next(g for g in m.groups() if g is not None)) for m in _IMG_RE.finditer(field)]


def plain_text(field: str) -> str:
    """A field's HTML as one line of plain text (tags dropped, entities decoded, blanks joined)."""
    return " ".join(html.unescape(_TAG_RE.sub(" ", field)).split())


def card_markdown_parser(code_style: str = "default") -> markdown.Markdown:
    """The Python-Markdown instance every card goes through, on screen and in an export: fenced code,
    tables, sane lists, code highlighted by Pygments with inline styles in ``code_style`` (a Pygments
    style name), and raw HTML in the text kept as text (the ``html_block`` and ``html`` processors off),
    so a card can never inject markup."""
    import markdown  # imported on the first card, not at start-up (~45 ms)
    from markdown.extensions.codehilite import CodeHiliteExtension
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension

    # Extension instances, not names: a name is looked up among the installed packages' entry points, which
    # imports importlib.metadata and reads every package's metadata (~12 ms on the first card, issue 16).
    md = markdown.Markdown(extensions=[
        FencedCodeExtension(), TableExtension(), SaneListExtension(),
        CodeHiliteExtension(noclasses=True, pygments_style=code_style, guess_lang=False, use_pygments=True),
    ])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


class MarkdownToHtml:
    """Card Markdown -> Anki field HTML (module docstring); one Python-Markdown instance reused.
    ``code_style`` is a Pygments style name."""

    def __init__(self, code_style: str = "default") -> None:
        self._md = card_markdown_parser(code_style)

    def __call__(self, text: str, image: Callable[[str], str | None] | None = None) -> str:
        """``text`` as HTML; ``image(src)`` renames each image's ``src`` (``None`` drops the image)."""
        spans = find_math(text)
        token = _token(text, "MLPREPTEX")
        parts: list[str] = []
        formulas: list[str] = []
        last = 0
        for span in spans:
            parts.append(text[last:span.start])
            formulas.append(f"\\[{html.escape(span.tex)}\\]" if span.display else f"\\({html.escape(span.tex)}\\)")
            parts.append(f"{token}{len(formulas) - 1}X")
            last = span.end
        parts.append(text[last:])
        self._md.reset()
        try:
            body = self._md.convert("".join(parts))
        except (RecursionError, ValueError, IndexError, KeyError, AttributeError):
            body = f"<p>{html.escape(''.join(parts))}</p>"
        if image is not None:
            body = _IMG_RE.sub(lambda m: _export_image(m, image), body)
        return re.sub(re.escape(token) + r"(\d+)X", lambda m: formulas[int(m.group(1))], body)


def _export_image(match: re.Match[str], image: Callable[[str], str | None]) -> str:
    src = html.unescape(next(g for g in match.groups() if g is not None))
    target = image(src)
    return "" if target is None else f'<img src="{html.escape(target, quote=True)}">'

