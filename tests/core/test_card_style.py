"""The bar for one card as `mlprep check --style` checks it."""

from __future__ import annotations

from mlprep.core.card_style import MAX_BACK_WORDS, back_words, front_questions, style_problems
from mlprep.core.models import Card, CardId, DeckId


def card(front: str, back: str, card_id: str = "c-one") -> Card:
    return Card(CardId(card_id), DeckId("d"), front, back)


def test_a_front_with_two_questions_is_flagged_but_question_marks_in_math_and_code_are_not() -> None:
    assert front_questions(card("What is X? Why does it matter?", "b")) == 2
    assert front_questions(card("Is $P(A)?$ the prior, given `a ? b : c`?", "b")) == 1
    assert [p.message for p in style_problems(card("What? Why?", "b"))] == ["front asks 2 questions (one a card)"]


def test_a_back_over_70_words_is_flagged_and_a_code_block_counts_as_one_word() -> None:
    words = " ".join(["word"] * MAX_BACK_WORDS)
    assert back_words(card("Q?", words)) == 70 and style_problems(card("Q?", words)) == []
    assert style_problems(card("Q?", words + " more"))[0].message == "back has 71 words (at most 70)"
    code = "```python\n" + "x = 1\n" * 40 + "```"
    assert back_words(card("Q?", f"Run this:\n\n{code}\n\nDone.")) == 4  # "Run", "this:", the block, "Done."


def test_an_allowed_id_is_not_flagged() -> None:
    bundled = card("What is X? Why?", " ".join(["w"] * 90), "c-allowed")
    assert len(style_problems(bundled)) == 2
    assert style_problems(bundled, allowed={"c-allowed"}) == []
