"""Cards render like a textbook: typeset math, highlighted code in one panel, tables, bad
LaTeX marked, themes and zoom that persist, `mlprep render` to PNG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextDocument

from mlprep.core.display_settings import ThemeMode
from mlprep.services.collection import open_collection
from mlprep.storage.settings_store import load_display
from mlprep.ui.card_markup import MarkupRenderer
from mlprep.ui.card_render import CardRenderer
from mlprep.ui.card_view import CardBrowser, render_card_image
from mlprep.ui.main_window import MainWindow
from mlprep.ui.math_images import MathTypesetter
from mlprep.ui.theme import DARK, LIGHT
from tests.helpers import storage_of

MATH = r"Solve $\hat{\beta} = (X^\top X)^{-1} X^\top y$ where $x_i * y_i$ stay math:" "\n\n" r"$$\sum_{i=1}^{n} x_i^2$$"
CODE = "Run:\n\n```python\nimport torch\nx = torch.zeros(3)  # a comment\n```\n"
TABLE = "| metric | value |\n|---|---|\n| precision | 0.8 |\n| recall | 0.5 |\n"


def images_in(doc: QTextDocument) -> list[str]:
    """The image names the laid-out document shows, in order."""
    names = []
    block = doc.begin()
    while block.isValid():
        for it in block:  # PySide6 yields QTextBlock.iterator objects
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(fmt.toImageFormat().name())
        block = block.next()
    return names


def test_math_is_typeset_as_images_and_protected_from_markdown(qtbot):
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card(MATH, None, LIGHT, 17)
    names = images_in(browser.document())
    assert len(names) == 3 and all(n.startswith("mlmath:") for n in names)
    text = browser.toPlainText()
    assert "$" not in text and "\\hat" not in text  # no raw LaTeX left
    assert "<em>" not in browser.renderer.render(MATH, None, LIGHT, 17).html  # x_i * y_i not emphasis
    image = browser.document().resource(QTextDocument.ResourceType.ImageResource.value, names[0])
    assert isinstance(image, QImage) and image.devicePixelRatio() == 2.0  # crisp on high-DPI screens


def test_display_math_gets_a_centred_paragraph():
    html = CardRenderer().render(MATH, None, LIGHT, 17).html
    assert re.search(r'<p align="center" class="display"><img src="mlmath:', html)


def test_inline_math_is_padded_so_its_axis_sits_at_the_middle():
    ts = MathTypesetter()
    tall_top = ts.render(r"x^{2^{2}}", display=False, px=20, color="#000000")
    deep = ts.render(r"y_{i_{j}}", display=False, px=20, color="#000000")

    def ink_rows(img: QImage) -> tuple[int, int]:
        rows = [y for y in range(img.height()) if any(img.pixelColor(x, y).alpha() for x in range(img.width()))]
        return rows[0], img.height() - 1 - rows[-1]

    # A superscript-heavy formula is padded below, a subscript-heavy one above.
    assert ink_rows(tall_top.image)[1] > ink_rows(tall_top.image)[0]
    assert ink_rows(deep.image)[0] > ink_rows(deep.image)[1]


def test_math_colour_follows_the_theme():
    ts = MathTypesetter()
    for theme in (LIGHT, DARK):
        img = ts.render("x", display=False, px=30, color=theme.text).image
        opaque = [img.pixelColor(x, y) for x in range(img.width()) for y in range(img.height())
                  if img.pixelColor(x, y).alpha() == 255]
        assert opaque and all(c.name() == QColor(theme.text).name() for c in opaque)


def test_code_is_highlighted_in_one_solid_panel_with_the_theme_style():
    for theme, background in ((LIGHT, "#f3f5f8"), (DARK, "#0d1117")):
        html = MarkupRenderer(theme.code_style).render(CODE).html
        assert f'<table class="code" width="100%" cellspacing="0" cellpadding="10" bgcolor="{background}">' in html
        assert html.count("<table") == 1 and "<code>" not in html.split('class="code"')[1]
        assert re.search(r'<span style="color: #[0-9A-Fa-f]+[^"]*">import</span>', html)


def test_tables_render_as_tables(qtbot):
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card(TABLE, None, LIGHT, 17)
    tables = [f for f in browser.document().rootFrame().childFrames() if f.format().isTableFormat()]
    assert len(tables) == 1
    assert tables[0].rows() == 3 and tables[0].columns() == 2  # type: ignore[attr-defined]


def test_bad_latex_is_shown_as_marked_code_not_an_error(qtbot):
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card(r"Good $a+b$ and bad $\frac{1}{2$ and unknown $\notacommand x$.", None, LIGHT, 17)
    text = browser.toPlainText()
    assert text.count("⚠") == 2
    assert r"$\frac{1}{2$" in text and r"$\notacommand x$" in text
    assert len(images_in(browser.document())) == 1
    html = browser.renderer.render(r"bad $\frac{1}{2$", None, LIGHT, 17).html
    assert 'title="unbalanced braces' in html  # the tooltip says why


def test_back_is_shown_only_when_revealed_and_renders_are_cached():
    renderer = CardRenderer()
    front_only = renderer.render("Q $x$", None, LIGHT, 17)
    both = renderer.render("Q $x$", "A $y$", LIGHT, 17)
    assert 'class="back"' not in front_only.html and 'class="back"' in both.html
    assert renderer.render("Q $x$", "A $y$", LIGHT, 17) is both
    assert renderer.render("Q $x$", "A $y$", DARK, 17) is not both


def test_formulas_are_typeset_once_and_kept_on_disk(qapp, tmp_path):
    first = MathTypesetter(cache_dir=tmp_path)
    first.render(r"\sqrt{x}", display=False, px=18, color="#000000")
    first.render(r"\sqrt{x}", display=False, px=18, color="#ffffff")  # another colour: a tint, no typesetting
    assert first.typeset_count == 1 and len(list(tmp_path.rglob("*.png"))) == 1
    second = MathTypesetter(cache_dir=tmp_path)  # a new session
    image = second.render(r"\sqrt{x}", display=False, px=18, color="#000000")
    assert second.typeset_count == 0 and not image.image.isNull()


@pytest.mark.parametrize("color", ["#1f2328", "#e6edf3"])  # the light and the dark theme's text
def test_a_formula_read_back_from_the_disk_cache_looks_exactly_as_when_it_was_typeset(qapp, tmp_path, color):
    """The PNG file comes back as plain ARGB32; tinted like that, thin strokes lost pixels (θ's bar faded in
    every session after the first): it is tinted in the typeset image's premultiplied format."""
    for tex in (r"\theta", r"x^\top y", r"\frac{\partial L}{\partial w}"):
        typeset = MathTypesetter(cache_dir=tmp_path).render(tex, display=False, px=19, color=color).image
        from_disk = MathTypesetter(cache_dir=tmp_path).render(tex, display=False, px=19, color=color).image
        assert from_disk.format() == typeset.format() and from_disk == typeset, tex


def test_render_card_image_draws_the_theme_background(qapp):  # QPainter needs the application
    light = render_card_image("Q $x^2$", "A", LIGHT, width=400)
    dark = render_card_image("Q $x^2$", "A", DARK, width=400)
    assert light.width() == 800 and light.height() > 100  # drawn at 2x
    middle = (light.width() // 2, 12)
    assert light.pixelColor(*middle).name() == QColor(LIGHT.base).name()
    assert dark.pixelColor(*middle).name() == QColor(DARK.base).name()


@pytest.fixture
def window(qtbot, tmp_path, clock, deck_dir):
    def make() -> MainWindow:
        win = MainWindow(open_collection(tmp_path / "data", clock, [deck_dir]))
        qtbot.addWidget(win)
        return win
    return make


def test_theme_and_zoom_follow_the_menu_and_keys_and_persist(window, qtbot, tmp_path, clock, deck_dir):
    win = window()
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    assert win.theme is LIGHT  # offscreen: the system does not say dark
    win.theme_actions[ThemeMode.DARK].trigger()
    assert win.theme is DARK and win.palette().color(win.backgroundRole()).name() == QColor(DARK.window).name()
    base = win.review.text_px
    qtbot.keyClick(win, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(win, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert win.review.text_px == pytest.approx(base * 1.21)
    qtbot.keyClick(win, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert win.display.zoom == 1
    win.close()
    stored = load_display(storage_of(open_collection(tmp_path / "data", clock, [deck_dir])).db)
    assert stored.theme is ThemeMode.DARK and stored.zoom == 1
    again = window()
    again.show()
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow)
    assert again.theme is DARK and again.review.text_px == pytest.approx(base * 1.1)
    again.theme_actions[ThemeMode.LIGHT].trigger()
    qtbot.keyClick(again, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.theme is LIGHT and again.display.zoom == 0


def test_review_counts_take_the_theme_colours(window, qtbot):
    win = window()
    win.show()
    win.study()
    counts = win.review.counts
    assert f"color:{LIGHT.new}" in counts.text() and f"color:{LIGHT.again}" in counts.text()
    win.theme_actions[ThemeMode.DARK].trigger()
    assert f"color:{DARK.new}" in counts.text() and f"color:{DARK.good}" in counts.text()
    assert ">5 new<" in counts.text()


def test_review_screen_shows_typeset_math_from_a_deck(qtbot, tmp_path, clock):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "m.md").write_text(
        "---\ntitle: M\narea: math\n---\n\n## m-one\nsource: x\n\nQ: What is $\\frac{a}{b}$?\n\nA: $$a b^{-1}$$\n",
        encoding="utf-8")
    win = MainWindow(open_collection(tmp_path / "data", clock, [decks]))
    qtbot.addWidget(win)
    win.show()
    win.study()
    assert len(images_in(win.review.browser.document())) == 1
    qtbot.keyClick(win.review, Qt.Key.Key_Space)
    assert len(images_in(win.review.browser.document())) == 2


def test_cli_render_writes_a_png(tmp_path):
    from mlprep.cli import main

    out = tmp_path / "card.png"
    assert main(["--data-dir", str(tmp_path / "d"), "render", "lin-ols-normal-equations", "-o", str(out),
                 "--back", "--theme", "dark"]) == 0
    image = QImage(str(out))
    assert image.width() == 1520 and image.height() > 300
    assert main(["--data-dir", str(tmp_path / "d"), "render", "no-such-card", "-o", str(out)]) == 2


def test_shipped_decks_have_no_formula_the_renderer_marks_bad(monkeypatch):
    from mlprep.core.math_text import find_math
    from mlprep.services.deck_loader import load_decks, shipped_decks_dir

    # Every formula typeset, however loaded the machine: past the 2 s budget per side, the rest of a side's
    # formulas are marked as not typeset (a timing, not the formulas' fault; seen once under pytest-xdist at
    # load average 7, where the first card, which pays the typesetter's cold start, took 3.2 s).
    monkeypatch.setattr("mlprep.ui.card_render.TYPESET_BUDGET_S", float("inf"))
    renderer = CardRenderer()
    cards = [c for d in load_decks([shipped_decks_dir()]).decks for c in d.cards if find_math(c.front + c.back)]
    html = [renderer.render(c.front, c.back, LIGHT, 17).html for c in cards[::10]]  # a spread of 55 cards
    assert len(html) > 50 and not any("badmath" in h for h in html)


def test_deck_images_load_only_from_the_deck_folder(qtbot, tmp_path: Path):
    deck_dir = tmp_path / "deck"
    (deck_dir / "img").mkdir(parents=True)
    picture = QImage(40, 20, QImage.Format.Format_RGB32)
    picture.fill(QColor("red"))
    picture.save(str(deck_dir / "img" / "ok.png"))
    picture.save(str(tmp_path / "secret.png"))
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card("![ok](img/ok.png) ![no](../secret.png)", None, LIGHT, 17, deck_dir=deck_dir)
    names = images_in(browser.document())
    assert names == ["deckimg:img/ok.png"]
    loaded = browser.document().resource(QTextDocument.ResourceType.ImageResource.value, names[0])
    assert isinstance(loaded, QImage) and loaded.width() == 40
    assert "[image not shown: no]" in browser.toPlainText()


def test_a_formula_too_costly_to_typeset_is_shown_as_code_without_calling_the_typesetter(qtbot):
    deep = "\\left(" * 14 + "x" + "\\right)" * 14
    typesetter = MathTypesetter()
    renderer = CardRenderer(typesetter)
    html = renderer.render(f"Size: ${deep}$", None, LIGHT, 17).html
    assert typesetter.typeset_count == 0  # refused before ziamath runs: no 40-second freeze
    assert "⚠" in html and "nested 14 deep" in html


def test_a_formula_or_a_literal_token_in_a_link_or_alt_text_stays_text_not_an_image_in_the_attribute(qtbot):
    """Issue 13, item 8: formulas are swapped for tokens before Markdown; a token that landed in an
    attribute (a link URL, an image's alt text), or one typed literally, was replaced with an ``<img>``."""
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[tuple[str, dict[str, str | None]]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append((tag, dict(attrs)))

    text = ("[a](http://example.com/MLPREPMATH0X) ![alt $x$](img.png) [b](http://e.com/$z$) "
            "literal MLPREPMATH0X and $y$")
    html = CardRenderer().render(text, None, LIGHT, 17).html
    parser = Tags()
    parser.feed(html)
    links = [attrs.get("href") for tag, attrs in parser.tags if tag == "a"]
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert links == ["http://example.com/MLPREPMATH0X", "http://e.com/$z$"]
    assert [a.get("alt") for a in images if a.get("src", "").startswith("deckimg:")] == ["alt $x$"]
    assert len([a for a in images if a.get("src", "").startswith("mlmath:")]) == 1  # only $y$ is typeset
    browser = CardBrowser()
    qtbot.addWidget(browser)
    browser.show_card(text, None, LIGHT, 17)
    assert "literal MLPREPMATH0X and" in browser.toPlainText()


# -- issue 17 item 8: the text baseline, a unary minus, a literal "2." ------------------------------------

def ink_columns(image: QImage, background: str) -> list[tuple[int, int, int]]:
    """Runs of columns with ink (pixels of the card that differ from its ``background``): (first column,
    top row, bottom row) per run, left to right; the transparent corners are not ink."""
    base = QColor(background)

    def ink(x: int, y: int) -> bool:
        c = image.pixelColor(x, y)
        return c.alpha() == 255 and abs(c.red() - base.red()) + abs(c.green() - base.green()) \
            + abs(c.blue() - base.blue()) > 120

    runs: list[tuple[int, int, int]] = []
    current: list[int] | None = None
    for x in range(image.width()):
        rows = [y for y in range(image.height()) if ink(x, y)]
        if not rows:
            if current:
                runs.append((current[0], current[1], current[2]))
            current = None
        elif current is None:
            current = [x, rows[0], rows[-1]]
        else:
            current = [current[0], min(current[1], rows[0]), max(current[2], rows[-1])]
    if current:
        runs.append((current[0], current[1], current[2]))
    return runs


@pytest.mark.parametrize("px", [15, 17, 21])
def test_inline_math_sits_on_the_text_baseline_on_a_line_with_a_fraction(qapp, px: int) -> None:
    # text x, a fraction, text x, math x, text x: each x's foot is on the baseline (2 device px per px)
    image = render_card_image(r"x $\frac{a}{b}$ x $x$ x", None, LIGHT, width=400, px=px)
    runs = ink_columns(image, LIGHT.base)
    assert len(runs) == 5, runs
    feet = [runs[i][2] for i in (0, 2, 3, 4)]
    assert max(feet) - min(feet) <= 1, feet
    # and the same math x on a line of its own sits where it does next to the fraction
    alone = ink_columns(render_card_image(r"x $x$ x", None, LIGHT, width=400, px=px), LIGHT.base)
    assert abs((alone[1][2] - alone[0][2]) - (runs[3][2] - runs[2][2])) <= 1


@pytest.mark.parametrize("tex", [r"[-1, 1]", r"(-1, 1]", r"-x + y", r"\{-1, 0, 1\}", r"[0, -1]"])
def test_a_minus_after_an_opening_bracket_or_a_comma_is_unary(qapp, tex: str) -> None:
    """A binary minus has a medium space on each side (TeXbook ch. 18): the sign of −1 in [−1, 1] has none."""
    ts = MathTypesetter()
    written = ts.render(tex, display=False, px=20, color="#000000").width
    unary = ts.render(tex.replace("-1", "{-1}").replace("-x", "{-x}"), display=False, px=20, color="#000000").width
    assert abs(written - unary) < 2, (written, unary)  # a binary minus adds ~9 px here


def test_a_binary_minus_keeps_its_spaces(qapp) -> None:
    ts = MathTypesetter()
    assert ts.render("a - b", display=False, px=20, color="#000000").width > \
        ts.render("a {-b}", display=False, px=20, color="#000000").width + 3
