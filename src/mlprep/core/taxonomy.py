"""The curriculum's nine areas and their leaves, with target card counts.

Source: ``shared/content/TAXONOMY.md`` (the product's curriculum card). Targets are version 2's
(about 1,300 cards in all); ``docs/curriculum.md`` shows which leaves have reached them. Area slugs are
what deck front matter writes in ``area:``; leaf ids (``"1.1"``) what it writes in ``leaf:``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    """One leaf of the curriculum: id like ``"2.3"``, a title and a target card count."""

    id: str
    title: str
    target: int


@dataclass(frozen=True)
class Area:
    """One of the nine areas: slug (``"math"``), number, title and its leaves."""

    slug: str
    number: int
    title: str
    leaves: tuple[Leaf, ...]


def _leaves(number: int, *items: tuple[str, int]) -> tuple[Leaf, ...]:
    return tuple(Leaf(f"{number}.{i}", title, target) for i, (title, target) in enumerate(items, 1))


AREAS: tuple[Area, ...] = (
    Area("math", 1, "Math & statistics", _leaves(
        1,
        ("Linear algebra", 36),
        ("Calculus & optimization theory", 30),
        ("Probability", 35),
        ("Inference & experimentation", 45),
        ("Information theory", 13),
        ("Probability puzzles", 20),
    )),
    Area("algorithms", 2, "Algorithms", _leaves(
        2,
        ("Learning foundations", 13),
        ("Linear models & regularization", 32),
        ("Trees & ensembles", 36),
        ("Kernel & instance-based methods", 18),
        ("Probabilistic models", 13),
        ("Unsupervised learning", 25),
        ("Recommenders & ranking", 14),
        ("Complexity analysis", 10),
        ("Data structures", 32),
        ("Algorithms & patterns", 48),
        ("Numerical computing", 11),
    )),
    Area("frameworks", 3, "Frameworks", _leaves(
        3,
        ("PyTorch", 34),
        ("TensorFlow/Keras", 20),
        ("scikit-learn", 24),
        ("Spark & MLlib", 16),
        ("NumPy/pandas essentials", 10),
    )),
    Area("deep-learning", 4, "Deep learning", _leaves(
        4,
        ("Foundations", 25),
        ("Training & optimization", 30),
        ("Normalization & regularization", 18),
        ("CNNs & vision", 30),
        ("RNNs & sequence models", 17),
        ("Attention, Transformers & LLMs", 32),
        ("Generative & representation models", 18),
        ("LLM engineering", 85),
    )),
    Area("preprocessing", 5, "Data preprocessing & feature engineering", _leaves(
        5,
        ("Cleaning & quality", 18),
        ("Scaling & transformations", 14),
        ("Categorical encoding", 13),
        ("Feature selection & dimensionality reduction", 13),
        ("Domain features", 14),
        ("Sampling, labeling & augmentation", 9),
    )),
    Area("evaluation", 6, "Evaluation metrics", _leaves(
        6,
        ("Validation protocol", 16),
        ("Classification metrics", 25),
        ("Regression metrics", 11),
        ("Ranking & recommendation metrics", 11),
        ("Calibration & probabilistic scoring", 8),
        ("Online metrics & experiment read-outs", 10),
    )),
    Area("challenges", 7, "ML challenges", _leaves(
        7,
        ("Over/underfitting & bias-variance", 15),
        ("Data leakage", 13),
        ("Missing & dirty data, scarce labels", 10),
        ("Class imbalance", 11),
        ("Interpretability & fairness", 18),
        ("Algorithm/model selection", 10),
        ("Distribution shift & drift", 13),
        ("Scalability", 11),
        ("High dimensionality & multicollinearity", 9),
    )),
    Area("mlops", 8, "MLOps & ML systems", _leaves(
        8,
        ("Containers & orchestration", 17),
        ("Version control & reproducibility", 16),
        ("Cloud & infrastructure", 11),
        ("Serving & inference optimization", 20),
        ("CI/CD/CT & rollout", 18),
        ("Monitoring & maintenance", 15),
        ("ML system-design framework", 16),
        ("ML system-design cases", 60),
    )),
    Area("sql", 9, "SQL", _leaves(
        9,
        ("Fundamentals", 17),
        ("Joins & set operations", 11),
        ("Window functions", 14),
        ("Subqueries, CTEs & pivoting", 10),
        ("Schema design & performance", 13),
    )),
)

AREAS_BY_SLUG: dict[str, Area] = {a.slug: a for a in AREAS}
LEAVES: dict[str, Leaf] = {leaf.id: leaf for a in AREAS for leaf in a.leaves}


def area_of_leaf(leaf_id: str) -> Area:
    """Return the area a leaf id (``"4.6"``) belongs to; raise ``KeyError`` if unknown."""
    if leaf_id not in LEAVES:
        raise KeyError(leaf_id)
    return AREAS[int(leaf_id.split(".")[0]) - 1]
