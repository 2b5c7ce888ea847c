"""Rendered fronts kept across starts (issue 16, :mod:`mlprep.ui.render_store`): a start shows its first card
as it was drawn before, never a different card's, an edited card's old text, another theme's or size's, or an
older renderer's."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import NewOrder
from mlprep.ui import render_store
from mlprep.ui.card_render import CardRenderer, LearnMoreLink
from mlprep.ui.first_cards import RETRY_MS as FIRST_CARDS_RETRY_MS
from mlprep.ui.main_window import MainWindow
from mlprep.ui.math_images import MathTypesetter
from mlprep.ui.render_store import STORE_DIR, RenderStore, render_key
from mlprep.ui.theme import DARK, LIGHT
from tests.new_order_fixtures import FRESH_ORDER, reopened
from tests.ui.windows import open_window

FRONT = r"What is $\hat{\beta} = (X^\top X)^{-1} X^\top y$? See `ols()`:" "\n\n" r"$$\sum_i x_i^2$$"
SOURCE = "@esl, ch. 3"


def stored(folder: Path, typesetter: MathTypesetter, front: str = FRONT) -> CardRenderer:
    """A renderer over a store in ``folder`` that has drawn ``front`` and written it; then a new renderer and
    store over the same folder, as the next start has."""
    first = CardRenderer(typesetter, RenderStore(folder))
    first.remember(front, None, LIGHT, 17.0, (), SOURCE)
    first.save_store()
    return CardRenderer(typesetter, RenderStore(folder))


def same_image(a: QImage, b: QImage) -> bool:
    return (a.size() == b.size() and a.format() == b.format() and a.devicePixelRatio() == b.devicePixelRatio()
            and a.constBits().tobytes() == b.constBits().tobytes())


def test_a_kept_front_comes_back_as_drawn_without_drawing_it(qapp: object, tmp_path: Path) -> None:
    typesetter = MathTypesetter(tmp_path / "math")
    fresh = CardRenderer(typesetter).render(FRONT, None, LIGHT, 17.0, (), SOURCE)
    again = stored(tmp_path / "cache", typesetter)
    shown = again.render(FRONT, None, LIGHT, 17.0, (), SOURCE)
    assert again.kept is not None and again.kept.hits == 1
    assert again._markup == {}  # no Markdown parser was built: nothing was drawn
    assert shown.html == fresh.html
    assert sorted(shown.images) == sorted(fresh.images) and len(fresh.images) == 2
    assert all(same_image(shown.images[name], fresh.images[name]) for name in fresh.images)


@pytest.mark.parametrize("change", ["front", "source", "theme", "size", "links", "renderer"])
def test_any_other_text_theme_size_or_renderer_is_drawn_again(qapp: object, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    typesetter = MathTypesetter(tmp_path / "math")
    again = stored(tmp_path / "cache", typesetter)
    front, source, theme, px, links = FRONT, SOURCE, LIGHT, 17.0, ()
    if change == "front":
        front = FRONT.replace("See", "Compare")  # the card edited since
    elif change == "source":
        source = "@esl, ch. 4"
    elif change == "theme":
        theme = DARK
    elif change == "size":
        px = 18.0
    elif change == "links":
        links = (LearnMoreLink("ESL", "mlprep-reading:esl", "esl"),)
    else:
        monkeypatch.setattr(render_store, "_fingerprint", "another version of the rendering code")
    shown = again.render(front, None, theme, px, links, source)
    assert again.kept is not None and again.kept.hits == 0
    assert shown.html == CardRenderer(typesetter).render(front, None, theme, px, links, source).html


def kept_files(folder: Path) -> list[Path]:
    return sorted((folder / STORE_DIR).glob("*.json"))


@pytest.mark.parametrize("damage", ["not json", "format", "key", "list", "html"])
def test_a_damaged_or_foreign_file_is_a_miss(qapp: object, tmp_path: Path, damage: str) -> None:
    typesetter = MathTypesetter(tmp_path / "math")
    stored(tmp_path / "cache", typesetter)
    [file] = kept_files(tmp_path / "cache")
    item = json.loads(file.read_text(encoding="utf-8"))
    if damage == "format":
        item["format"] = 999
    elif damage == "key":
        item["key"] = "another card's key"  # a file renamed: never served for this key
    elif damage == "html":
        item["html"] = 3
    text = {"not json": "{not json", "list": "[1, 2]"}.get(damage, json.dumps(item))
    file.write_text(text, encoding="utf-8")
    renderer = CardRenderer(typesetter, RenderStore(tmp_path / "cache"))
    shown = renderer.render(FRONT, None, LIGHT, 17.0, (), SOURCE)
    assert renderer.kept is not None and renderer.kept.hits == 0
    assert shown.html == CardRenderer(typesetter).render(FRONT, None, LIGHT, 17.0, (), SOURCE).html


def test_a_damaged_image_in_an_entry_draws_the_side_again(qapp: object, tmp_path: Path) -> None:
    typesetter = MathTypesetter(tmp_path / "math")
    stored(tmp_path / "cache", typesetter)
    [file] = kept_files(tmp_path / "cache")
    data = json.loads(file.read_text(encoding="utf-8"))
    for image in data["images"].values():
        image["png"] = "bm90IGEgcG5n"  # "not a png"
    file.write_text(json.dumps(data), encoding="utf-8")
    renderer = CardRenderer(typesetter, RenderStore(tmp_path / "cache"))
    shown = renderer.render(FRONT, None, LIGHT, 17.0, (), SOURCE)
    assert renderer.kept is not None and renderer.kept.hits == 0 and len(shown.images) == 2


def test_a_side_whose_formula_was_not_typeset_is_not_kept(qapp: object, tmp_path: Path) -> None:
    renderer = CardRenderer(MathTypesetter(), RenderStore(tmp_path))
    renderer.remember(r"Broken: $\frac{a}{$", None, LIGHT, 17.0)
    renderer.save_store()
    assert kept_files(tmp_path) == []


def test_only_the_latest_sides_are_kept_and_a_side_shown_again_counts_as_new(qapp: object, tmp_path: Path) -> None:
    def file_of(n: int) -> Path:
        return tmp_path / STORE_DIR / f"{render_key(f'Card {n}', None, LIGHT, 17.0, (), '')}.json"

    renderer = CardRenderer(MathTypesetter(), RenderStore(tmp_path, max_entries=3))
    for n in range(5):
        renderer.remember(f"Card {n}", None, LIGHT, 17.0)
        renderer.save_store()
        os.utime(file_of(n), ns=(n * 10**9, n * 10**9))  # written in this order, a second apart
    assert [n for n in range(5) if file_of(n).exists()] == [2, 3, 4]
    again = CardRenderer(MathTypesetter(), RenderStore(tmp_path, max_entries=3))
    again.render("Card 2", None, LIGHT, 17.0)  # the oldest, shown from the store
    again.remember("Card 5", None, LIGHT, 17.0)
    again.save_store()
    assert [n for n in range(6) if file_of(n).exists()] == [2, 4, 5]


DECK = """---
title: Kept
area: math
---

## k-first
Q: What is the first card's question?

A: The first answer.

## k-second
Q: What comes second?

A: The second answer.
"""


def test_the_deck_list_keeps_study_nows_first_front_and_the_next_start_shows_it_kept(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The deck list's warm-up draws the fronts Study now would show first into the store; the next start's
    Study now shows the first card from it (nothing drawn), with the card's own text."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "kept.md").write_text(DECK, encoding="utf-8")
    clock = FixedClock(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    window = open_window(qtbot, tmp_path / "data", decks, clock)
    qtbot.waitUntil(lambda: bool(kept_files(tmp_path / "data" / "cache")), timeout=5000)
    window.close()
    window.collection.close()
    again = open_window(qtbot, tmp_path / "data", decks, clock)
    again.deck_list.study_button.click()
    store = again.review.browser.renderer.kept
    assert store is not None and store.hits == 1
    assert again.review.card is not None
    assert again.review.card.front in again.review.browser.toPlainText()
    again.close()


def test_while_the_new_cards_order_is_computed_nothing_is_kept_then_that_orders_first_cards_are(
        qtbot: QtBot, tmp_path: Path, clock: FixedClock, gate: threading.Event) -> None:
    """The warm-up keeps Study now's first fronts only once the new cards' order is stored: never the first card
    of the stale order that opening found (reversed ranks: ``ma-4`` first), but the order's own first card."""
    window = MainWindow(reopened(tmp_path, clock, [], NewOrder.MIXED))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._study_warmup is not None and window._study_warmup.pending == 0)
    qtbot.wait(3 * FIRST_CARDS_RETRY_MS)
    folder = tmp_path / "data" / "cache"
    assert kept_files(folder) == []  # the order is still held on its worker
    gate.set()

    def kept(card_id: str) -> Path:
        card = window.collection.card(card_id)
        key = render_key(card.front, None, window.theme, window.review.text_px, (), card.source)
        return folder / STORE_DIR / f"{key}.json"

    qtbot.waitUntil(lambda: kept(FRESH_ORDER[0]).exists(), timeout=5000)
    assert not kept("ma-4").exists()
    window.close()


def test_a_side_found_in_memory_before_it_is_written_is_still_written(qapp: object, tmp_path: Path) -> None:
    renderer = CardRenderer(MathTypesetter(), RenderStore(tmp_path))
    renderer.remember("Card", None, LIGHT, 17.0)
    assert renderer.kept is not None
    assert renderer.kept.get(render_key("Card", None, LIGHT, 17.0, (), "")) is not None  # from memory
    renderer.save_store()
    assert len(kept_files(tmp_path)) == 1


def test_the_review_screen_writes_its_kept_fronts_when_it_is_left_not_at_every_card(
        qtbot: QtBot, tmp_path: Path) -> None:
    """Answering keeps the fronts shown and likely next in memory only (the idle steps write no file); leaving
    the review screen writes them, and the next start's Study now shows the card that was next from them."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "kept.md").write_text(DECK, encoding="utf-8")
    clock = FixedClock(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    window = open_window(qtbot, tmp_path / "data", decks, clock)
    window.study()
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)  # Good: k-first answered, k-second on screen
    qtbot.waitUntil(lambda: not review.working_ahead(), timeout=5000)
    folder = tmp_path / "data" / "cache"
    assert review.card is not None and review.card.id == "k-second"
    before = set(kept_files(folder))
    second = render_key(review.card.front, None, window.theme, review.text_px, (), review.card.source)
    assert folder / STORE_DIR / f"{second}.json" not in before  # offered, not yet written
    qtbot.keyClick(review, Qt.Key.Key_Escape)  # back to the deck list
    assert window.stack.currentWidget() is window.deck_list
    assert (folder / STORE_DIR / f"{second}.json").exists()
    window.close()
