"""A small reading list and two decks citing it, shared by the reading-list tests."""

from __future__ import annotations

from pathlib import Path

READING_YAML = """\
items:
  - id: sql-book
    title: "SQL for Data People"
    authors: [Ann Query, Bob Join]
    organisation: Tables Press
    kind: book
    url: https://example.org/sql-book
    areas: [sql]
    level: beginner
    free: false
    why: >-
      Teaches joins and window functions from zero.
    year: 2021
  - id: sql-docs
    title: "PostgreSQL Documentation"
    organisation: PostgreSQL Global Development Group
    kind: docs
    url: https://www.postgresql.org/docs/current/
    areas: [sql]
    level: intermediate
    free: true
    why: The reference for every query feature.
  - id: prob-book
    title: "Probability Theory: The Logic of Science"
    authors: [Edwin Jaynes]
    kind: book
    url: https://example.org/jaynes
    areas: [math]
    level: advanced
    free: false
    why: Bayesian reasoning, rigorously.
  - id: dl-course
    title: "Practical Deep Learning for Coders"
    organisation: fast.ai
    kind: course
    url: https://course.fast.ai/
    areas: [deep-learning]
    level: beginner
    free: true
    why: Train real models in the first lesson.
    notes: free videos and notebooks
  - id: ml-forum
    title: "An ML Forum"
    organisation: Forum Inc.
    kind: community
    url: https://forum.example.org/
    areas: [algorithms, math]
    level: beginner
    free: true
    why: Ask questions when stuck.
"""

SQL_DECK = """\
---
title: SQL cards
area: sql
leaf: "9.1"
---

## sql-where
source: @sql-book, ch. 2

Q: What does WHERE filter?

A: Rows, before grouping.

## sql-having
source: @sql-book, ch. 3; @sql-docs "SELECT"

Q: What does HAVING filter?

A: Groups, after GROUP BY.

## sql-null
source: @sql-docs, "Comparison Functions"

Q: What is NULL = NULL?

A: NULL (unknown).
"""

MATH_DECK = """\
---
title: Math cards
area: math
leaf: "1.3"
---

## prob-bayes
source: @prob-book, ch. 4

Q: State Bayes' rule.

A: P(A|B) = P(B|A) P(A) / P(B).

## prob-var
source: Blitzstein & Hwang, ch. 4

Q: Var(X) in terms of moments?

A: E[X^2] - E[X]^2.
"""


def write_reading(folder: Path, text: str = READING_YAML) -> Path:
    """Write the reading list to ``folder/reading.yaml``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reading.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def write_citing_decks(folder: Path) -> Path:
    """Write the two citing decks to ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sql-cards.md").write_text(SQL_DECK, encoding="utf-8")
    (folder / "math-cards.md").write_text(MATH_DECK, encoding="utf-8")
    return folder
