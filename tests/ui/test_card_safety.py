"""Hostile card text is inert: no markup from the deck is interpreted, nothing is loaded from
the network or outside the deck's folder, links open only on a click and only for http(s),
and the review screen stays usable after every payload."""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument

from mlprep.services.collection import open_collection
from mlprep.ui.card_markup import MAX_CARD_CHARS
from mlprep.ui.card_render import CardRenderer
from mlprep.ui.card_view import MAX_IMAGE_WIDTH, CardBrowser
from mlprep.ui.main_window import MainWindow
from mlprep.ui.theme import LIGHT

PAYLOADS: dict[str, str] = {
    "script tag": "<script>document.title='owned'</script>",
    "style tag": "<style>body { display: none; color: red }</style> after",
    "img onerror": '<img src="x.png" onerror="alert(1)">',
    "svg onload": '<svg onload="alert(1)"><circle r="9"/></svg>',
    "event attribute on div": '<div onmouseover="alert(1)" style="position:fixed;top:0">hover</div>',
    "raw javascript anchor": '<a href="javascript:alert(1)">raw</a>',
    "markdown javascript link": "[click](javascript:alert(1))",
    "mixed-case javascript link": "[click](JaVaScRiPt:alert(1))",
    "entity-encoded javascript": "[click](&#106;avascript:alert(1))",
    "reference javascript link": "[click][x]\n\n[x]: javascript:alert(1)",
    "data link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "file link": "[passwd](file:///etc/passwd)",
    "file autolink": "<file:///etc/passwd>",
    "mailto link": "[mail](mailto:someone@example.com)",
    "remote image": "![remote](https://evil.example/track.png)",
    "protocol-relative image": "![remote](//evil.example/track.png)",
    "absolute local image": "![abs](/etc/passwd)",
    "file image": "![file](file:///etc/hosts)",
    "traversal image": "![up](../secret.png)",
    "encoded traversal image": "![up](%2e%2e/secret.png)",
    "windows UNC image": "![unc](\\\\server\\share\\x.png)",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "object and embed": '<object data="https://evil.example/x.swf"></object><embed src="x.swf">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "image title breaking out": '![a](ok.png "t\\" onerror=\\"alert(1))',
    "math href": r"$\href{javascript:alert(1)}{x}$",
    "math deep nesting": "$" + r"\frac{" * 40 + "x" + "}{y}" * 40 + "$",
    "math many formulas": " ".join(f"$x_{{{i}}}^{{{i}}}$" for i in range(400)),
    "deep blockquotes": ">" * 5000 + " deep",
    "deep lists": "".join("  " * i + "- item\n" for i in range(400)),
    "many brackets": "[" * 5000 + "x" + "]" * 5000,
    "many link openers": "[a](" * 3000,
    "emphasis storm": "*_" * 20000,
    "one megabyte card": ("lorem ipsum dolor sit amet " * 40000)[:1_000_000],
}

ALLOWED_TAGS = {"div", "p", "hr", "a", "img", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "span",
                "em", "strong", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br"}


class _Inspector(HTMLParser):
    """Collects every tag and attribute of the HTML a card renders to."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    inspector = _Inspector()
    inspector.feed(html)
    for tag, attrs in inspector.tags:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}>"
        assert not any(name.startswith("on") for name in attrs), f"event attribute on <{tag}>"
        if tag == "a" and "href" in attrs:
            assert (attrs["href"] or "").startswith(("http://", "https://")), attrs["href"]
        if tag == "img":
            assert (attrs.get("src") or "").startswith(("mlmath:", "deckimg:")), attrs.get("src")
        style = attrs.get("style") or ""
        assert "position" not in style and "display" not in style and "url(" not in style


@pytest.fixture
def deck_folder(tmp_path: Path) -> Path:
    """A deck folder with one allowed image; a 'secret' PNG sits just outside it."""
    folder = tmp_path / "decks"
    folder.mkdir()
    picture = QImage(10, 10, QImage.Format.Format_RGB32)
    picture.fill(QColor("green"))
    picture.save(str(folder / "ok.png"))
    picture.save(str(tmp_path / "secret.png"))
    return folder


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_payload_is_inert_and_loads_nothing_outside_the_deck(qtbot, name: str, deck_folder: Path):
    payload = PAYLOADS[name]
    renderer = CardRenderer()
    started = time.perf_counter()
    rendered = renderer.render(payload, payload, LIGHT, 17)
    elapsed = time.perf_counter() - started
    assert_inert(rendered.html)
    opened: list[QUrl] = []
    browser = CardBrowser(opener=opened.append)
    qtbot.addWidget(browser)
    browser.resize(700, 500)
    browser.show()
    browser.show_card(payload, payload, LIGHT, 17, deck_dir=deck_folder)
    doc = browser.card_document
    # Nothing the payload names outside the folder is in the document's resources.
    for outside in ("../secret.png", "file:///etc/hosts", "https://evil.example/track.png", "/etc/passwd"):
        assert doc.resource(QTextDocument.ResourceType.ImageResource.value, QUrl(outside)) is None
    # The title of the window was not changed by a script, and nothing was opened.
    assert opened == []
    # A generous bound only to catch a freeze (seconds, not milliseconds): timing itself is benchmarked.
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"


@pytest.mark.parametrize("name", ["raw javascript anchor", "file link", "mailto link", "data link"])
def test_clicking_a_stripped_link_opens_nothing(qtbot, name: str):
    opened: list[QUrl] = []
    browser = CardBrowser(opener=opened.append)
    qtbot.addWidget(browser)
    browser.resize(600, 300)
    browser.show()
    browser.show_card(PAYLOADS[name], None, LIGHT, 17)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    browser.anchorClicked.emit(QUrl("javascript:alert(1)"))  # even if Qt reported one
    browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == []


def test_http_links_open_in_the_system_browser_only_on_click(qtbot):
    opened: list[QUrl] = []
    browser = CardBrowser(opener=opened.append)
    qtbot.addWidget(browser)
    browser.resize(600, 300)
    browser.show()
    browser.show_card("[the docs](https://scikit-learn.org/stable/)", None, LIGHT, 17)
    assert opened == []  # showing the card opens nothing
    cursor = browser.document().find("the docs")
    cursor.setPosition(cursor.selectionStart() + 3)
    rect = browser.cursorRect(cursor)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [u.toString() for u in opened] == ["https://scikit-learn.org/stable/"]


def test_raw_html_is_shown_as_text():
    html = CardRenderer().render(PAYLOADS["script tag"], None, LIGHT, 17).html
    assert "&lt;script&gt;" in html and "<script" not in html


def test_a_huge_card_is_cut_with_a_notice(qtbot):
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card(PAYLOADS["one megabyte card"], None, LIGHT, 17)
    text = browser.toPlainText()
    assert len(text) < MAX_CARD_CHARS + 500 and "the rest is not shown" in text


def test_oversized_and_wide_deck_images(qtbot, tmp_path: Path):
    folder = tmp_path / "d"
    folder.mkdir()
    QImage(5000, 5000, QImage.Format.Format_Mono).save(str(folder / "huge.png"))
    wide = QImage(2000, 100, QImage.Format.Format_RGB32)
    wide.fill(QColor("blue"))
    wide.save(str(folder / "wide.png"))
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card("![h](huge.png) ![w](wide.png)", None, LIGHT, 17, deck_dir=folder)
    kind = QTextDocument.ResourceType.ImageResource.value
    assert browser.document().resource(kind, QUrl("deckimg:huge.png")) is None
    scaled = browser.document().resource(kind, QUrl("deckimg:wide.png"))
    assert isinstance(scaled, QImage) and scaled.width() == MAX_IMAGE_WIDTH
    assert "deckimg:huge.png" in browser.card_document.blocked


def test_the_review_screen_stays_usable_through_every_payload(qtbot, tmp_path: Path, clock):
    decks = tmp_path / "decks"
    decks.mkdir()
    cards = "".join(f"## evil-{i}\nsource: test\n\nQ: {body}\n\nA: answer {i}\n\n"
                    for i, body in enumerate(p.replace("\n## ", "\n  ## ").replace("\nA:", "\n A:").replace(
                        "\nQ:", "\n Q:") for p in PAYLOADS.values()))
    (decks / "evil.md").write_text(f"---\ntitle: Evil\narea: sql\n---\n\n{cards}", encoding="utf-8")
    window = MainWindow(open_collection(tmp_path / "data", clock, [decks]))
    qtbot.addWidget(window)
    window.show()
    window.settings  # noqa: B018 (loads settings)
    window.study()
    seen = 0
    while window.review.card is not None and seen < len(PAYLOADS) + 5:
        qtbot.keyClick(window.review, Qt.Key.Key_Space)
        assert window.review.revealed
        qtbot.keyClick(window.review, Qt.Key.Key_4)  # Easy: the card leaves today's queue
        seen += 1
    assert window.collection.sync.errors == [] or seen > 0
    assert seen >= 20 and window.stack.currentWidget() is window.done


def test_an_svg_in_the_deck_folder_cannot_pull_in_a_file_from_outside_it(qtbot, tmp_path: Path):
    """Issue 13, item 8: Qt's SVG reader follows ``<image xlink:href>`` to any file; such an SVG is refused."""
    secret = QImage(40, 40, QImage.Format.Format_RGB32)
    secret.fill(QColor("red"))
    secret.save(str(tmp_path / "secret.png"))
    folder = tmp_path / "d"
    folder.mkdir()
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'width="40" height="40"><image x="0" y="0" width="40" height="40" xlink:href="{href}"/></svg>')
    (folder / "outside.svg").write_text(svg.format(href=tmp_path / "secret.png"), encoding="utf-8")
    (folder / "relative.svg").write_text(svg.format(href="../secret.png"), encoding="utf-8")
    (folder / "plain.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
                                      '<rect width="40" height="40" fill="#00f"/></svg>', encoding="utf-8")
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card("![o](outside.svg) ![r](relative.svg) ![p](plain.svg)", None, LIGHT, 17, deck_dir=folder)
    kind = QTextDocument.ResourceType.ImageResource.value
    assert browser.document().resource(kind, QUrl("deckimg:outside.svg")) is None
    assert browser.document().resource(kind, QUrl("deckimg:relative.svg")) is None
    assert {"deckimg:outside.svg", "deckimg:relative.svg"} <= set(browser.card_document.blocked)
    plain = browser.document().resource(kind, QUrl("deckimg:plain.svg"))
    assert isinstance(plain, QImage) and QColor(plain.pixel(20, 20)) == QColor("#0000ff")


def test_a_huge_table_keeps_the_rows_that_fit_and_says_how_many_it_left_out(qtbot):
    """Issue 13, item 8: a 60 x 100 table took seconds to lay out; it is cut at MAX_TABLE_CELLS."""
    from mlprep.ui.card_markup import MAX_TABLE_CELLS

    header = "|" + "h|" * 60 + "\n|" + "-|" * 60 + "\n"
    rows = "\n".join(f"|r{j}|" + "1|" * 58 + f"e{j}|" for j in range(100))  # 12 kB: under MAX_CARD_CHARS
    html = CardRenderer().render(header + rows + "\n\nAfter the table.", None, LIGHT, 17).html
    assert html.count("<td") + html.count("<th") <= MAX_TABLE_CELLS
    assert "e4<" in html and "r5<" not in html  # whole rows: the header and rows 0-4 (360 cells; 420 > 400)
    assert "After the table." in html
    assert "This table has 101 rows and 6,060 cells; only the first 6 rows are shown" in html
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card("| a | b |\n|---|---|\n| 1 | 2 |\n\nsmall", None, LIGHT, 17)
    assert "This table has" not in browser.toPlainText() and "2" in browser.toPlainText()
