"""The bar for one card: how figures, math, code spans and code blocks count, and each message."""

from __future__ import annotations

import pytest

from mlprep.core.card_style import StyleProblem, back_words, front_questions, style_problems
from mlprep.core.models import Card, CardId, DeckId


def card(front: str = "Q?", back: str = "b", card_id: str = "c-one") -> Card:
    return Card(CardId(card_id), DeckId("d"), front, back)


@pytest.mark.parametrize(("back", "words"), [
    ("See ![a plot of the loss](img/loss.png) here", 3),  # the figure is one word
    (r"A ![brackets \] inside](x.png) figure", 3),
    ("$a + b = c$ is it", 3),  # a formula is one word
    ("$x$ then $y$ ok", 4),  # each formula in its place
    ("$$\\sum_i x_i$$ sums", 2),
    ("`a b c` done", 2),  # a code span is one word
    ("Run:\n\n~~~\nx = 1\ny = 2\n~~~\n\nDone.", 3),  # a block is one word, its fences included
    ("Run:\n```\nx = 1\ny = 2", 2),  # a block never closed too
    ("", 0),
])
def test_words_of_a_back(back: str, words: int) -> None:
    assert back_words(card(back=back)) == words


@pytest.mark.parametrize(("front", "questions"), [
    ("![why?](x.png) What is shown?", 1),
    ("$x?$ or $y?$, really?", 1),
    ("Is `a ? b : c` valid?", 1),
    ("What?\n```\nwhy?\n```\nHow?", 2),
    ("State it.", 0),
])
def test_questions_of_a_front(front: str, questions: int) -> None:
    assert front_questions(card(front=front)) == questions


def test_one_question_and_70_words_meet_the_bar() -> None:
    assert style_problems(card("What is X?", " ".join(["w"] * 70))) == []


def test_both_problems_are_named_questions_first() -> None:
    assert style_problems(card("What? Why? How?", " ".join(["w"] * 71), "c-x")) == [
        StyleProblem("c-x", "front asks 3 questions (one a card)"),
        StyleProblem("c-x", "back has 71 words (at most 70)")]


def test_only_the_allowed_ids_are_let_through() -> None:
    two = card("What? Why?", "b", "c-two")
    assert style_problems(two, allowed={"c-other"}) == [StyleProblem("c-two", "front asks 2 questions (one a card)")]
    assert style_problems(two, allowed=("c-two",)) == []
