"""The curriculum's nine areas and their leaves, with target card counts.

Source: ``shared/content/TAXONOMY.md`` (the product's curriculum card). Area slugs are
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
        ("Linear algebra", 30),
        ("Calculus & optimization theory", 25),
        ("Probability", 28),
        ("Inference & experimentation", 32),
        ("Information theory", 10),
        ("Probability puzzles", 15),
    )),
    Area("algorithms", 2, "Algorithms", _leaves(
        2,
        ("Learning foundations", 10),
        ("Linear models & regularization", 25),
        ("Trees & ensembles", 28),
        ("Kernel & instance-based methods", 14),
        ("Probabilistic models", 10),
        ("Unsupervised learning", 20),
        ("Recommenders & ranking", 8),
        ("Complexity analysis", 8),
        ("Data structures", 18),
        ("Algorithms & patterns", 16),
        ("Numerical computing", 8),
    )),
    Area("frameworks", 3, "Frameworks", _leaves(
        3,
        ("PyTorch", 25),
        ("TensorFlow/Keras", 16),
        ("scikit-learn", 18),
        ("Spark & MLlib", 12),
        ("NumPy/pandas essentials", 6),
    )),
    Area("deep-learning", 4, "Deep learning", _leaves(
        4,
        ("Foundations", 20),
        ("Training & optimization", 24),
        ("Normalization & regularization", 14),
        ("CNNs & vision", 24),
        ("RNNs & sequence models", 14),
        ("Attention, Transformers & LLMs", 26),
        ("Generative & representation models", 13),
    )),
    Area("preprocessing", 5, "Data preprocessing & feature engineering", _leaves(
        5,
        ("Cleaning & quality", 14),
        ("Scaling & transformations", 10),
        ("Categorical encoding", 10),
        ("Feature selection & dimensionality reduction", 10),
        ("Domain features", 10),
        ("Sampling, labeling & augmentation", 6),
    )),
    Area("evaluation", 6, "Evaluation metrics", _leaves(
        6,
        ("Validation protocol", 12),
        ("Classification metrics", 20),
        ("Regression metrics", 8),
        ("Ranking & recommendation metrics", 8),
        ("Calibration & probabilistic scoring", 5),
        ("Online metrics & experiment read-outs", 7),
    )),
    Area("challenges", 7, "ML challenges", _leaves(
        7,
        ("Over/underfitting & bias-variance", 12),
        ("Data leakage", 10),
        ("Missing & dirty data, scarce labels", 6),
        ("Class imbalance", 8),
        ("Interpretability & fairness", 12),
        ("Algorithm/model selection", 8),
        ("Distribution shift & drift", 10),
        ("Scalability", 8),
        ("High dimensionality & multicollinearity", 6),
    )),
    Area("mlops", 8, "MLOps & ML systems", _leaves(
        8,
        ("Containers & orchestration", 12),
        ("Version control & reproducibility", 12),
        ("Cloud & infrastructure", 8),
        ("Serving & inference optimization", 14),
        ("CI/CD/CT & rollout", 14),
        ("Monitoring & maintenance", 10),
        ("ML system design", 10),
    )),
    Area("sql", 9, "SQL", _leaves(
        9,
        ("Fundamentals", 12),
        ("Joins & set operations", 8),
        ("Window functions", 10),
        ("Subqueries, CTEs & pivoting", 6),
        ("Schema design & performance", 9),
    )),
)

AREAS_BY_SLUG: dict[str, Area] = {a.slug: a for a in AREAS}
LEAVES: dict[str, Leaf] = {leaf.id: leaf for a in AREAS for leaf in a.leaves}


def area_of_leaf(leaf_id: str) -> Area:
    """Return the area a leaf id (``"4.6"``) belongs to; raise ``KeyError`` if unknown."""
    if leaf_id not in LEAVES:
        raise KeyError(leaf_id)
    return AREAS[int(leaf_id.split(".")[0]) - 1]
