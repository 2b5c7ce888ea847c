"""The review screen renders ahead in idle time (issue 16): the answer side, then the front of the card(s) likely
next, one small step per event-loop turn. What is shown must be what a render on demand shows, after Good, after
Again (the same card comes back, front only) and after undo. Checked by order and content, not by timings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QTextDocument
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.services.collection import open_collection
from mlprep.ui import card_view
from mlprep.ui.card_render import CardRenderer
from mlprep.ui.card_view import CardDocument
from mlprep.ui.main_window import MainWindow
from mlprep.ui.math_images import MathTypesetter
from mlprep.ui.review_view import IdleStep, ReviewView

MATH_DECK = """---
title: Math
area: math
---

## m-one
source: Test source

Q: What is $\\frac{a}{b}$ and $x^2$?

A: $$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$ and ![plot](img/plot.png)

## m-two
source: Test source

Q: What is $\\sqrt{y}$, with $z_1$?

A: $y^{1/2}$.

## m-three
source: Test source

Q: Three: $\\alpha + \\beta$?

A: $\\gamma$.
"""

ONE_CARD = """---
title: One
area: math
---

## o-one
source: Test source

Q: Only $q^2$?

A: Yes $a_1$.
"""


def deck_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "decks"
    (folder / "img").mkdir(parents=True)
    (folder / "m.md").write_text(text, encoding="utf-8")
    image = QImage(40, 20, QImage.Format.Format_ARGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(folder / "img" / "plot.png"))
    return folder


def start(qtbot: QtBot, tmp_path: Path, clock: FixedClock, deck_text: str = MATH_DECK) -> ReviewView:
    window = MainWindow(open_collection(tmp_path / "data", clock, [deck_folder(tmp_path, deck_text)]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.mouseClick(window.deck_list.study_button, Qt.MouseButton.LeftButton)
    review = window.review
    qtbot.waitUntil(lambda: review.card is not None)
    return review


def settle(qtbot: QtBot, review: ReviewView) -> None:
    """Wait until the review screen's idle work for the card on screen is done."""
    qtbot.waitUntil(lambda: not review.working_ahead(), timeout=10_000)


def on_demand(review: ReviewView, revealed: bool) -> QTextDocument:
    """The card on screen rendered now by a new renderer (no cache of the screen's), as the screen would show it."""
    card = review.card
    assert card is not None
    renderer = CardRenderer(MathTypesetter())
    window = review.window()
    assert isinstance(window, MainWindow)
    links = window._learn_more(card) if revealed else ()
    rendered = renderer.render(card.front, card.back if revealed else None, window.theme, review.text_px, links,
                               card.source)
    doc = CardDocument()
    doc.show(rendered, window.theme, review.text_px, window.collection.deck_folder(card))
    return doc


def assert_shows_what_a_render_on_demand_shows(review: ReviewView) -> None:
    expected = on_demand(review, review.revealed)
    shown = review.browser.card_document
    assert shown.toHtml() == expected.toHtml()
    assert shown.toPlainText() == expected.toPlainText()
    names = sorted(shown._images)
    assert names == sorted(expected._images)  # the same formulas, by content digest
    for name in names:
        assert shown._images[name].size() == expected._images[name].size()
        assert shown._images[name] == expected._images[name]


def test_idle_steps_type_formulas_one_per_step_then_the_back_then_the_next_front_then_upkeep(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[IdleStep] = []
    plan = ReviewView._idle_plan

    def spy(self: ReviewView) -> Iterator[IdleStep]:
        for step in plan(self):
            steps.append(step)
            yield step

    monkeypatch.setattr(ReviewView, "_idle_plan", spy)
    review = start(qtbot, tmp_path, clock)
    assert review.card is not None and review.card.id == "m-one"
    settle(qtbot, review)
    # m-one's back: one formula, then the back, then its image; the card likely next: m-two (the next new card),
    # its front's two formulas, then that front; last the upkeep. (WAIT: ziamath still importing on its thread.)
    assert [s for s in steps if s is not IdleStep.WAIT] == [
        IdleStep.FORMULA, IdleStep.BACK, IdleStep.IMAGE, IdleStep.FORMULA, IdleStep.FORMULA, IdleStep.FRONT,
        IdleStep.UPKEEP]


def test_the_front_of_the_card_likely_next_is_rendered_before_the_key_and_shown_as_on_demand(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    review = start(qtbot, tmp_path, clock)
    settle(qtbot, review)
    renderer = review.browser.renderer
    ahead = [key[0] for key in renderer._cache if key[1] is None]  # fronts rendered, by front text
    session = review.session
    assert session is not None
    qtbot.keyClick(review, Qt.Key.Key_Space)
    typeset_before = renderer.typesetter.typeset_count
    qtbot.keyClick(review, Qt.Key.Key_3)  # Good
    card = review.card
    assert card is not None and card.front in ahead  # rendered ahead, before the key
    assert renderer.typesetter.typeset_count == typeset_before  # nothing typeset on the key
    assert_shows_what_a_render_on_demand_shows(review)
    settle(qtbot, review)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.revealed
    assert_shows_what_a_render_on_demand_shows(review)


def test_after_again_the_same_card_comes_back_front_only_as_on_demand(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock) -> None:
    review = start(qtbot, tmp_path, clock, ONE_CARD)
    settle(qtbot, review)
    first = review.card
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_1)  # Again: SM-2 step 7 brings it back in this session
    assert review.card == first and not review.revealed
    assert "Yes" not in review.browser.toPlainText()  # the answer side is not shown again
    assert_shows_what_a_render_on_demand_shows(review)
    settle(qtbot, review)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert_shows_what_a_render_on_demand_shows(review)


def test_after_undo_the_card_is_shown_front_only_as_on_demand(qtbot: QtBot, tmp_path: Path, clock: FixedClock) -> None:
    review = start(qtbot, tmp_path, clock)
    first = review.card
    settle(qtbot, review)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)
    settle(qtbot, review)
    qtbot.keyClick(review, Qt.Key.Key_U)
    assert review.card == first and not review.revealed
    assert_shows_what_a_render_on_demand_shows(review)


def test_a_deck_image_is_decoded_once_for_all_layouts_and_paints(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []

    class CountingReader(QImageReader):
        def read(self) -> QImage:  # type: ignore[override]
            reads.append("read")
            return super().read()

    monkeypatch.setattr(card_view, "QImageReader", CountingReader)
    review = start(qtbot, tmp_path, clock)  # a new tmp folder: an image path no earlier test decoded
    assert review.card is not None and review.card.id == "m-one"
    qtbot.keyClick(review, Qt.Key.Key_Space)  # its back shows img/plot.png
    review.browser.viewport().repaint()
    review.browser.grab()
    qtbot.keyClick(review, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # any redraw: still no decode
    review.set_display(review.window().theme, 1.25)  # type: ignore[attr-defined]
    review.browser.grab()
    assert reads == ["read"]
    assert "deckimg:img/plot.png" not in review.browser.card_document.blocked


def test_a_deck_image_changed_on_disk_is_read_again(tmp_path: Path, qtbot: QtBot) -> None:
    folder = tmp_path / "deck"
    folder.mkdir()
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ff0000"))
    image.save(str(folder / "a.png"))
    assert card_view.deck_image(folder, "a.png") is not None
    bigger = QImage(30, 12, QImage.Format.Format_ARGB32)
    bigger.fill(QColor("#00ff00"))
    bigger.save(str(folder / "a.png"))
    import os
    os.utime(folder / "a.png", ns=(1, 10**18))  # a new modification time, whatever the clock's resolution
    found = card_view.deck_image(folder, "a.png")
    assert found is not None and (found.width(), found.height()) == (30, 12)


def test_the_math_warmer_waits_while_the_review_screen_is_busy(qtbot: QtBot, tmp_path: Path) -> None:
    from mlprep.ui.math_warmer import MathWarmer

    busy = [True]
    typesetter = MathTypesetter(tmp_path / "math")
    warmer = MathWarmer(typesetter, ["$a+b$ and $c$"], 16.0, hold=lambda: busy[0])
    warmer.start()
    qtbot.wait(150)
    assert warmer.done == 0 and typesetter.typeset_count == 0
    busy[0] = False
    qtbot.waitUntil(lambda: warmer.pending == 0, timeout=10_000)
    assert typesetter.typeset_count == 2


def test_the_window_s_formula_warmer_waits_while_the_review_screen_is_shown(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock) -> None:
    review = start(qtbot, tmp_path, clock)
    window = review.window()
    assert isinstance(window, MainWindow)
    settle(qtbot, review)
    window._warm_math()  # what the window does 1.5 s after start-up, started now
    warmer = window.math_warmer
    assert warmer is not None and warmer.pending
    qtbot.wait(200)
    assert warmer.done == 0  # a step now could delay the next key: the review screen renders ahead itself
    qtbot.keyClick(review, Qt.Key.Key_Escape)  # back to the deck list
    qtbot.waitUntil(lambda: warmer.done > 0, timeout=10_000)


def test_the_warmer_reads_its_texts_in_idle_steps_and_typesets_each_formula_once_in_order(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlprep.ui import math_warmer

    typeset: list[str] = []
    typesetter = MathTypesetter(tmp_path / "math")
    monkeypatch.setattr(typesetter, "warm", lambda tex, **_: typeset.append(tex))
    texts = [f"Q{i}: $x_{{{i}}}$ and $y$" for i in range(3 * math_warmer.TEXT_CHUNK)] + ["no math", "```sql\nx\n```"]
    held = [True]
    warmer = math_warmer.MathWarmer(typesetter, texts, 16.0, hold=lambda: held[0])
    monkeypatch.setattr(math_warmer, "warm_lexer", lambda language: typeset.append(f"lexer {language}"))
    assert warmer.pending == len(texts) - 2 + 1  # the texts with a dollar, unread; the one lexer
    warmer.start()
    qtbot.wait(60)
    assert typeset == [] and warmer.pending == len(texts) - 1  # held: nothing read, nothing typeset
    held[0] = False
    qtbot.waitUntil(lambda: warmer.pending == 0, timeout=10_000)
    n = 3 * math_warmer.TEXT_CHUNK
    assert typeset == ["lexer sql", "x_{0}", "y", *(f"x_{{{i}}}" for i in range(1, n))]
