"""Card Markdown -> HTML for QTextBrowser.

Raw HTML in a card is escaped (never interpreted); fenced code, tables and lists use
Python-Markdown's standard extensions. Typeset math and code highlighting come later.
"""

from __future__ import annotations

import markdown

_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


def markdown_to_html(text: str) -> str:
    """Render card Markdown to an HTML fragment; any raw HTML in ``text`` is shown as text."""
    md = markdown.Markdown(extensions=_EXTENSIONS)
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


def card_html(front: str, back: str | None) -> str:
    """The HTML for a card: the front, and below a rule the back when it is revealed."""
    parts = [f'<div class="front">{markdown_to_html(front)}</div>']
    if back is not None:
        parts.append('<hr/>')
        parts.append(f'<div class="back">{markdown_to_html(back)}</div>')
    return "\n".join(parts)


STYLE_SHEET = """
p { margin-top: 6px; margin-bottom: 6px; }
code { font-family: 'DejaVu Sans Mono', monospace; background-color: #eef0f3; }
pre { font-family: 'DejaVu Sans Mono', monospace; background-color: #f4f5f7; padding: 8px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #b8bcc4; padding: 4px 8px; }
th { background-color: #eef0f3; }
hr { color: #d0d4da; }
"""
