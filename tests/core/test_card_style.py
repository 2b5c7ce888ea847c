"""The bar for one card as `mlprep check --style` checks it."""

from __future__ import annotations

from mlprep.core.card_style import (
    MAX_BACK_WORDS,
    back_words,
    front_questions,
    literal_number_start,
    style_problems,
)
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


def test_a_side_that_opens_with_a_lone_number_and_period_is_flagged_a_real_list_is_not() -> None:
    assert literal_number_start("2. For the NULL row, the test is unknown.") == "2"
    assert literal_number_start("\n253. $P$ passes 0.5") == "253"
    assert literal_number_start("   7.\tseven") == "7"  # up to three spaces of indent, a tab after
    assert literal_number_start("1. Parse.\n2. Plan.") is None  # the list goes on
    assert literal_number_start("9. Nine\n\n   10. ten") is None
    assert literal_number_start("2. Two\n\n1. One\n2. again") == "2"  # no "3." follows the opening "2."
    for text in ("2\\. escaped", "2.5 is a number", "Step 2. then", "    2. code", "2.", "2. ", "x\n2. later"):
        assert literal_number_start(text) is None, text
