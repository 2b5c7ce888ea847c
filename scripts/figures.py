"""Regenerate every teaching figure of the shipped decks (dev-only; the PNGs are committed).

Run from the checkout, with matplotlib installed into the dev venv (it is not a runtime
dependency of mlprep, which only displays the committed PNGs):

    .venv/bin/pip install matplotlib
    .venv/bin/python scripts/figures.py                  # every figure
    .venv/bin/python scripts/figures.py clf-roc-curve    # only the named card ids

Each figure belongs to one card and is written to ``decks/img/<card-id>.png``; the script also
rewrites ``scripts/figures_map.json`` (card id, deck, image path relative to the deck, alt text) from
the registry below, so alt texts live next to the code that draws them. It refuses a card id that is
not in its deck.

The output is committed and must be reproducible: the Agg backend, fixed random seeds, and PNGs saved
without a ``Software`` (or date) tag, so two runs give byte-identical files (check with ``sha256sum``).
Figures are about 720 px wide at 1x, under 100 KB, with a transparent background, mid-grey (#888888)
axes and text and saturated mid-lightness data colours, so they read on the light card (white) and on
the dark one (near-black).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from math import erf, sqrt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.lines
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

ROOT = Path(__file__).resolve().parents[1]
DECKS = ROOT / "decks"
IMG = DECKS / "img"
MAP_PATH = ROOT / "scripts" / "figures_map.json"

DPI = 100
WIDTH = 7.2  # inches: 720 px at 1x
MAX_BYTES = 100_000

GREY = "#888888"
BLUE = "#3b82f6"
ORANGE = "#f97316"
GREEN = "#10b981"
RED = "#ef4444"
VIOLET = "#a855f7"
TEAL = "#14b8a6"
PINK = "#ec4899"
PALETTE = [BLUE, ORANGE, GREEN, RED, VIOLET, TEAL, PINK]

plt.rcParams.update({
    "font.family": "DejaVu Sans",
    "font.size": 10,  # 10 pt = 13.9 px at 100 dpi; nothing below 8 pt (11.1 px)
    "axes.titlesize": 10.5,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "text.color": GREY,
    "axes.labelcolor": GREY,
    "axes.titlecolor": GREY,
    "axes.edgecolor": GREY,
    "xtick.color": GREY,
    "ytick.color": GREY,
    "grid.color": GREY,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.6,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "legend.frameon": False,
    "legend.labelcolor": GREY,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "mathtext.fontset": "dejavusans",
    "image.interpolation": "nearest",
    "path.simplify": True,
})


@dataclass(frozen=True)
class Spec:
    card_id: str
    deck: str
    alt: str
    draw: Callable[[], Figure]


REGISTRY: list[Spec] = []


def figure(card_id: str, deck: str, alt: str) -> Callable[[Callable[[], Figure]], Callable[[], Figure]]:
    """Register ``draw`` as the figure of card ``card_id`` in ``decks/<deck>.md``."""

    def register(draw: Callable[[], Figure]) -> Callable[[], Figure]:
        REGISTRY.append(Spec(card_id, f"decks/{deck}.md", alt, draw))
        return draw

    return register


# ---------------------------------------------------------------------------------------------- helpers


def new(height: float = 4.0, ncols: int = 1, nrows: int = 1, **kw: object) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure 720 px wide; the axes always come back as an array."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, height), dpi=DPI, layout="constrained",
                             squeeze=False, **kw)
    return fig, axes.ravel()


def canvas(xlim: tuple[float, float], ylim: tuple[float, float]) -> tuple[Figure, Axes]:
    """An axis-free drawing area for diagrams, 720 px wide, in data units of equal aspect (the height
    follows from the two ranges)."""
    height = WIDTH * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
    fig = plt.figure(figsize=(WIDTH, height), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax: Axes, x: float, y: float, w: float, h: float, text: str = "", color: str = BLUE,
        fill: float = 0.18, size: float = 10, text_color: str = GREY, **kw: object) -> None:
    """A rounded box with its lower-left corner at (x, y) and centred text."""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor=color, alpha=fill, edgecolor="none"))
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor="none", edgecolor=color, linewidth=1.6))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, color=text_color, **kw)


def arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], color: str = GREY,
          width: float = 1.6, style: str = "-|>", **kw: object) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=color,
                                 linewidth=width, shrinkA=0, shrinkB=0, **kw))


def rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    return matplotlib.colors.to_rgba(color, alpha)


def normal_pdf(x: np.ndarray, mu: float = 0.0, sigma: float = 1.0) -> np.ndarray:
    return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * sqrt(2 * np.pi))


def normal_cdf(x: np.ndarray | float) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(erf)(np.asarray(x, dtype=float) / sqrt(2)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def legend(ax: Axes, **kw: object) -> None:
    ax.legend(**{"loc": "best", "handlelength": 1.6, **kw})


def roc_points(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """FPR and TPR at every threshold, from (0, 0) to (1, 1) (ties need not be handled here)."""
    order = np.argsort(-scores, kind="stable")
    y = labels[order]
    tpr = np.concatenate([[0], np.cumsum(y) / y.sum()])
    fpr = np.concatenate([[0], np.cumsum(1 - y) / (1 - y).sum()])
    return fpr, tpr


def pr_points(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recall and precision when the top 1, 2, ..., n scores are called positive."""
    order = np.argsort(-scores, kind="stable")
    y = labels[order]
    tp = np.cumsum(y)
    k = np.arange(1, len(y) + 1)
    return tp / y.sum(), tp / k


# ---------------------------------------------------------------------------------------------- evaluation


@figure("clf-roc-curve", "evaluation-classification",
        "ROC curves plotting true positive rate against false positive rate: a random scorer on the "
        "diagonal (AUC 0.5), a typical model bowing toward the top-left corner (AUC about 0.85), and a "
        "perfect classifier passing through the corner (0, 1) (AUC 1).")
def fig_roc_curve() -> Figure:
    fig, (ax,) = new(4.6)
    g = rng(1)
    labels = np.r_[np.ones(400), np.zeros(400)]
    scores = np.r_[g.normal(1.5, 1, 400), g.normal(0, 1, 400)]
    fpr, tpr = roc_points(scores, labels)
    auc = float(np.trapezoid(tpr, fpr))
    ax.plot([0, 0, 1], [0, 1, 1], color=GREEN, label="perfect classifier (AUC 1)", lw=2.4)
    ax.plot(fpr, tpr, color=BLUE, label=f"typical model (AUC {auc:.2f})")
    ax.plot([0, 1], [0, 1], color=ORANGE, ls="--", label="random scorer (AUC 0.5)")
    ax.fill_between(fpr, tpr, color=BLUE, alpha=0.10, lw=0)
    ax.annotate("threshold = +∞\n(everything negative)", (0, 0), (0.3, 0.04), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.annotate("threshold = −∞\n(everything positive)", (1, 1), (0.6, 0.5), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.set_xlabel("false positive rate  FP / (FP + TN)")
    ax.set_ylabel("true positive rate (recall)  TP / (TP + FN)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.grid(True)
    legend(ax, loc="center left", bbox_to_anchor=(1.02, 0.5))
    ax.set_title("ROC curve: one point per decision threshold")
    return fig


def _binormal(d: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """TPR and FPR of a score that is N(d, 1) for positives and N(0, 1) for negatives."""
    t = np.linspace(8, -6, 1200)
    return 1 - normal_cdf(t - d), 1 - normal_cdf(t)


@figure("clf-roc-vs-pr-imbalance", "evaluation-classification",
        "The same classifier at 50% and at 0.1% positives: its ROC curve is identical (AUC 0.92) in "
        "both cases, while its precision-recall curve collapses from near 1 to below 0.1 precision for "
        "most recall values when positives are rare.")
def fig_roc_vs_pr() -> Figure:
    fig, (a1, a2) = new(3.9, ncols=2)
    tpr, fpr = _binormal(2.0)
    auc = float(np.trapezoid(tpr, fpr))
    a1.plot(fpr, tpr, color=BLUE, lw=4, alpha=0.5, label="50% positives")
    a1.plot(fpr, tpr, color=ORANGE, ls="--", label="0.1% positives")
    a1.plot([0, 1], [0, 1], color=GREY, ls=":", lw=1.2)
    a1.text(0.45, 0.25, f"AUC = {auc:.2f}\nfor both", fontsize=10)
    a1.set_xlabel("false positive rate")
    a1.set_ylabel("true positive rate (recall)")
    a1.set_title("ROC: unchanged by prevalence")
    legend(a1, loc="lower right")
    for pi, color, ls in ((0.5, BLUE, "-"), (0.001, ORANGE, "--")):
        with np.errstate(invalid="ignore", divide="ignore"):
            prec = pi * tpr / (pi * tpr + (1 - pi) * fpr)
        keep = tpr > 1e-3
        a2.plot(tpr[keep], prec[keep], color=color, ls=ls, label=f"{pi:.1%} positives".replace(".0%", "%"))
        a2.axhline(pi, color=color, lw=1, ls=":")
    a2.text(0.3, 0.52, "baseline 0.5", fontsize=9, color=BLUE)
    a2.text(0.6, 0.03, "baseline 0.001", fontsize=9, color=ORANGE)
    a2.set_xlabel("recall")
    a2.set_ylabel("precision")
    a2.set_title("Precision-recall: exposes rare positives")
    legend(a2, loc="center", bbox_to_anchor=(0.55, 0.72))
    for ax in (a1, a2):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.grid(True)
    return fig


@figure("clf-pr-curve-baseline", "evaluation-classification",
        "Precision-recall curves of a random scorer on data with 50%, 10% and 1% positives: each is a "
        "flat noisy line at precision equal to the positive rate, with average precision about 0.5, 0.1 "
        "and 0.01.")
def fig_pr_baseline() -> Figure:
    fig, (ax,) = new(3.8)
    g = rng(2)
    n = 20000
    for pi, color in ((0.5, BLUE), (0.1, ORANGE), (0.01, GREEN)):
        labels = (g.random(n) < pi).astype(float)
        scores = g.random(n)
        rec, prec = pr_points(scores, labels)
        ap = float(np.sum(np.diff(np.r_[0, rec]) * prec))
        start = int(np.argmax(rec > 0.02))
        ax.plot(rec[start:], prec[start:], color=color, lw=1.4, label=f"{pi:.0%} positives: AP = {ap:.3f}")
        ax.axhline(pi, color=color, ls=":", lw=1)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_ylim(0, 0.75)
    ax.set_xlim(0, 1)
    ax.grid(True)
    legend(ax, loc="upper right")
    ax.set_title("Random scores: precision ≈ positive rate at every recall")
    return fig


@figure("clf-pr-curve-non-monotone", "evaluation-classification",
        "Precision and recall of one classifier plotted against the decision threshold: recall falls in "
        "steps and never rises, while precision rises overall but dips each time a true positive drops "
        "out of the predicted set.")
def fig_pr_vs_threshold() -> Figure:
    fig, (ax,) = new(3.8)
    g = rng(3)
    labels = np.r_[np.ones(20), np.zeros(40)]
    scores = sigmoid(np.r_[g.normal(1.2, 1.1, 20), g.normal(-0.8, 1.1, 40)])
    thr = np.sort(scores)
    pred = scores[None, :] >= thr[:, None]
    tp = (pred * labels).sum(1)
    prec = tp / pred.sum(1)
    rec = tp / labels.sum()
    ax.step(thr, rec, where="post", color=BLUE, label="recall (never rises)")
    ax.step(thr, prec, where="post", color=ORANGE, label="precision (not monotone)")
    dips = np.where(np.diff(prec) < -1e-9)[0]
    ax.plot(thr[dips + 1], prec[dips + 1], "v", color=RED, ms=6, label="precision dips: a TP left the set")
    ax.set_xlabel("decision threshold (predict positive if score ≥ threshold)")
    ax.set_ylabel("metric value")
    ax.set_xlim(thr[0], thr[-1])
    ax.set_ylim(0, 1.05)
    ax.grid(True)
    legend(ax, loc="lower left")
    ax.set_title("Raising the threshold: recall falls, precision only tends to rise")
    return fig


@figure("clf-confusion-matrix-worked", "evaluation-classification",
        "Confusion matrix for 100 positives and 900 negatives with TP 80, FN 20, FP 40 and TN 860, "
        "annotated with precision 80/120 = 0.667 down the predicted-positive column, recall 80/100 = 0.80 "
        "along the actual-positive row, specificity 860/900 and accuracy 0.94.")
def fig_confusion_matrix() -> Figure:
    fig, ax = canvas((0.6, 11.6), (-0.2, 5.4))
    cells = {(0, 1): ("TP = 80", GREEN), (1, 1): ("FN = 20", RED), (0, 0): ("FP = 40", ORANGE),
             (1, 0): ("TN = 860", BLUE)}
    x0, y0, s = 3.2, 0.5, 2.0
    for (col, row), (text, color) in cells.items():
        box(ax, x0 + col * s + 0.05, y0 + row * s + 0.05, s - 0.1, s - 0.1, text, color, fill=0.22, size=12)
    ax.text(x0 + s / 2, y0 + 2 * s + 0.25, "predicted +", ha="center", fontsize=10)
    ax.text(x0 + 1.5 * s, y0 + 2 * s + 0.25, "predicted −", ha="center", fontsize=10)
    ax.text(x0 - 0.2, y0 + 1.5 * s, "actual +\n(100)", ha="right", va="center", fontsize=10)
    ax.text(x0 - 0.2, y0 + 0.5 * s, "actual −\n(900)", ha="right", va="center", fontsize=10)
    # precision: the predicted-positive column; recall: the actual-positive row
    ax.add_patch(Rectangle((x0 - 0.02, y0 - 0.02), s + 0.04, 2 * s + 0.04, fill=False, ec=VIOLET, lw=2.2, ls="--"))
    ax.add_patch(Rectangle((x0 - 0.08, y0 + s - 0.08), 2 * s + 0.16, s + 0.16, fill=False, ec=TEAL, lw=2.2,
                           ls=":"))
    ax.text(x0 + s / 2, y0 - 0.3, "precision = 80 / (80 + 40) = 0.667", ha="center", va="top", color=VIOLET,
            fontsize=10)
    ax.text(x0 + 2 * s + 0.35, y0 + 1.5 * s, "recall = 80 / (80 + 20)\n= 0.80", ha="left", va="center",
            color=TEAL, fontsize=10)
    ax.text(x0 + 2 * s + 0.35, y0 + 0.5 * s, "specificity = 860 / 900\n= 0.956 (FPR 0.044)", ha="left",
            va="center", fontsize=10)
    ax.text(x0 + 2 * s + 0.35, y0 - 0.3, "accuracy = 940 / 1000 = 0.94", ha="left", va="top", fontsize=10)
    return fig



# ---------------------------------------------------------------------------------------------- bias-variance


def _truth(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * x)


def _kernel_smoother(x_query: np.ndarray, x: np.ndarray, y: np.ndarray, h: float) -> np.ndarray:
    """Nadaraya-Watson estimate with a Gaussian kernel of bandwidth ``h``; x and y may be batched."""
    w = np.exp(-0.5 * ((x_query[..., :, None] - x[..., None, :]) / h) ** 2)
    return (w * y[..., None, :]).sum(-1) / np.maximum(w.sum(-1), 1e-300)


@figure("bv-decomposition", "challenges-bias-variance",
        "Expected test error of a kernel smoother against its flexibility, from 400 simulated training "
        "sets: squared bias falls and variance rises as the bandwidth narrows, their sum plus the noise "
        "floor sigma squared forms a U with its minimum in between, and nothing goes below the noise floor.")
def fig_bias_variance() -> Figure:
    fig, (ax,) = new(3.9)
    g = rng(4)
    sigma, n, reps = 0.3, 50, 400
    grid = np.linspace(0.1, 0.9, 81)
    xs = g.random((reps, n))
    ys = _truth(xs) + g.normal(0, sigma, (reps, n))
    hs = np.geomspace(0.35, 0.004, 40)
    bias2, var = [], []
    for h in hs:
        pred = _kernel_smoother(grid, xs, ys, h)
        bias2.append(float(((pred.mean(0) - _truth(grid)) ** 2).mean()))
        var.append(float(pred.var(0).mean()))
    b, v = np.array(bias2), np.array(var)
    total = b + v + sigma**2
    flex = 1 / hs
    ax.plot(flex, total, color=VIOLET, lw=2.6, label="expected test error")
    ax.plot(flex, b, color=BLUE, label="bias²")
    ax.plot(flex, v, color=ORANGE, label="variance")
    ax.axhline(sigma**2, color=GREEN, ls="--", lw=1.5, label="irreducible noise σ²")
    best = int(np.argmin(total))
    ax.plot(flex[best], total[best], "o", color=VIOLET, ms=7)
    ax.annotate("best trade-off", (flex[best], total[best]), (flex[best] * 0.45, total[best] + 0.09),
                arrowprops={"arrowstyle": "->", "color": GREY}, fontsize=9)
    ax.text(5.5, 0.24, "underfitting\n(high bias)", fontsize=9, ha="left")
    ax.text(235, 0.17, "overfitting\n(high variance)", fontsize=9, ha="right")
    ax.set_xscale("log")
    ax.set_xlabel("model flexibility (1 / kernel bandwidth, log scale) →")
    ax.set_ylabel("squared error")
    ax.set_ylim(0, 0.42)
    ax.grid(True)
    legend(ax, loc="upper center", ncols=2)
    ax.set_title("Bias-variance decomposition of expected squared error")
    return fig


def _poly_fit(x: np.ndarray, y: np.ndarray, degree: int, lam: float = 0.0) -> np.ndarray:
    v = np.polynomial.legendre.legvander(2 * x - 1, degree)
    return np.linalg.solve(v.T @ v + lam * np.eye(degree + 1), v.T @ y)


def _poly_eval(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.polynomial.legendre.legvander(2 * x - 1, len(w) - 1) @ w


def _learning_curve(degree: int, seed: int) -> tuple[Figure, Axes]:
    """Median training and validation MSE of a degree-``degree`` polynomial against the training-set size."""
    fig, (ax,) = new(3.5)
    g = rng(seed)
    sigma = 0.3
    xv = g.random(3000)
    yv = _truth(xv) + g.normal(0, sigma, xv.size)
    sizes = np.unique(np.geomspace(15, 1500, 18).astype(int))
    train, val = [], []
    for n in sizes:
        tr, va = [], []
        for _ in range(150):
            x = g.random(n)
            y = _truth(x) + g.normal(0, sigma, n)
            w = _poly_fit(x, y, degree, 1e-4)
            tr.append(np.mean((_poly_eval(w, x) - y) ** 2))
            va.append(np.mean((_poly_eval(w, xv) - yv) ** 2))
        train.append(np.median(tr))
        val.append(np.median(va))
    ax.plot(sizes, val, color=ORANGE, label="validation error")
    ax.plot(sizes, train, color=BLUE, label="training error")
    ax.axhline(sigma**2, color=GREEN, ls="--", lw=1.3, label="noise floor (best possible)")
    ax.set_xscale("log")
    ax.set_xlabel("training-set size (log scale)")
    ax.set_ylabel("MSE (median of 150 runs)")
    ax.set_ylim(0, 0.45)
    ax.grid(True)
    return fig, ax


@figure("bv-learning-curve-diagnosis", "challenges-bias-variance",
        "Learning curve of a straight-line model fitted to a sine-shaped signal, error against training-set "
        "size: training and validation error are both high, meet early, and flatten out at a plateau far "
        "above the noise floor, the signature of high bias (underfitting).")
def fig_learning_curve_bias() -> Figure:
    fig, ax = _learning_curve(1, 5)
    ax.annotate("both high, close together,\nflat: more data will not help", (400, 0.29), (40, 0.38), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    legend(ax, loc="center right", bbox_to_anchor=(1.0, 0.36))
    ax.set_title("High bias: a straight line fitted to a curve")
    return fig


@figure("bv-learning-curve-high-variance", "challenges-bias-variance",
        "Learning curve of a degree-12 polynomial, error against training-set size: training error stays "
        "low while validation error is much higher at small sizes, and the gap between them keeps "
        "narrowing toward the noise floor as data are added, the signature of high variance (overfitting).")
def fig_learning_curve_variance() -> Figure:
    fig, ax = _learning_curve(12, 55)
    ax.annotate("large gap that narrows\nas data are added", (45, 0.2), (150, 0.33), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    legend(ax, loc="center right", bbox_to_anchor=(1.0, 0.42))
    ax.set_title("High variance: a degree-12 polynomial")
    return fig


@figure("bv-validation-vs-learning-curve", "challenges-bias-variance",
        "Top: polynomial fits of degree 1, 3 and 15 to the same 30 noisy points, underfitting, about "
        "right and overfitting. Bottom: the validation curve, training and validation error against the "
        "polynomial degree hyperparameter; training error keeps falling while validation error is "
        "U-shaped with its minimum at a moderate degree.")
def fig_validation_curve() -> Figure:
    fig = plt.figure(figsize=(WIDTH, 5.4), dpi=DPI, layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.25])
    g = rng(6)
    sigma, n = 0.3, 30
    x = np.sort(g.random(n))
    y = _truth(x) + g.normal(0, sigma, n)
    xv = g.random(3000)
    yv = _truth(xv) + g.normal(0, sigma, xv.size)
    grid = np.linspace(0, 1, 300)
    degrees = np.arange(0, 16)
    train, val = [], []
    for degree in degrees:
        w = _poly_fit(x, y, int(degree), 1e-9)
        train.append(np.mean((_poly_eval(w, x) - y) ** 2))
        val.append(np.mean((_poly_eval(w, xv) - yv) ** 2))
    best = int(degrees[int(np.argmin(val))])
    axes = top.subplots(1, 3, sharey=True)
    for ax, degree, label, color in zip(axes, (1, best, 15), ("degree 1: underfits", f"degree {best}: about right",
                                                              "degree 15: overfits"), (BLUE, GREEN, RED),
                                        strict=True):
        w = _poly_fit(x, y, degree, 1e-9)
        ax.plot(grid, _truth(grid), color=GREY, ls=":", lw=1.2)
        ax.plot(x, y, "o", color=GREY, ms=3.5)
        ax.plot(grid, _poly_eval(w, grid), color=color)
        ax.set_ylim(-2, 2)
        ax.set_title(label, fontsize=9.5)
        ax.set_xticks([])
        ax.set_yticks([])
    ax = bottom.subplots()
    ax.plot(degrees, val, "o-", color=ORANGE, ms=4, label="validation error")
    ax.plot(degrees, train, "o-", color=BLUE, ms=4, label="training error")
    ax.axvline(best, color=GREEN, ls="--", lw=1.2)
    ax.text(best + 0.2, 0.45, f"lowest validation error: degree {best}", color=GREEN, fontsize=9)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.2g"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_yticks([0.03, 0.05, 0.1, 0.2, 0.5])
    ax.set_xlabel("hyperparameter: polynomial degree")
    ax.set_ylabel("MSE (log scale)")
    ax.set_xticks(degrees)
    ax.grid(True)
    legend(ax, loc="upper right")
    ax.set_title("Validation curve: error against a hyperparameter, not against training-set size")
    return fig


@figure("bv-knn-k-tradeoff", "challenges-bias-variance",
        "k-nearest-neighbour regression of the same 60 noisy points with k = 1 and k = 16: the k = 1 fit "
        "jumps through every training point (zero training error, high variance) while the k = 16 fit is "
        "smooth but flattens the peaks of the true curve (higher bias).")
def fig_knn_k() -> Figure:
    fig, axes = new(3.3, ncols=2, sharey=True)
    g = rng(7)
    x = np.sort(g.random(60))
    y = _truth(x) + g.normal(0, 0.4, x.size)
    grid = np.linspace(0, 1, 800)
    order = np.argsort(np.abs(grid[:, None] - x[None, :]), axis=1, kind="stable")
    for ax, k, color, note in ((axes[0], 1, RED, "variance σ²/k = σ²"), (axes[1], 16, BLUE, "variance σ²/16")):
        pred = y[order[:, :k]].mean(1)
        ax.plot(grid, _truth(grid), color=GREY, ls=":", lw=1.4, label="true f(x)")
        ax.plot(x, y, "o", color=GREY, ms=3.5, label="training data")
        ax.plot(grid, pred, color=color, lw=1.8, label=f"k = {k} fit")
        ax.set_title(f"k = {k}: {note}")
        ax.set_xlabel("x")
        ax.grid(True)
        legend(ax, loc="lower left", fontsize=8.5)
    axes[0].set_ylabel("y")
    return fig


@figure("bv-double-descent", "challenges-bias-variance",
        "Double descent in a random-ReLU-features regression with 100 training points: test error first "
        "follows a U as features are added, spikes at the interpolation threshold where the number of "
        "features equals the 100 samples, then falls again in the over-parameterized regime below its "
        "earlier minimum.")
def fig_double_descent() -> Figure:
    fig, (ax,) = new(3.8)
    g = rng(8)
    d, n, sigma = 20, 100, 0.3
    ps = np.unique(np.r_[np.geomspace(4, 90, 14), np.arange(90, 112, 2), np.geomspace(112, 4000, 14)]
                   .astype(int))
    proj = g.normal(size=(d, 3)) / sqrt(d)

    def target(xs: np.ndarray) -> np.ndarray:
        return np.tanh(xs @ proj).sum(1)

    xt = g.normal(size=(1000, d))
    ft = target(xt)
    errs = np.zeros((30, ps.size))
    for r in range(30):
        xs = g.normal(size=(n, d))
        ys = target(xs) + g.normal(0, sigma, n)
        weights = g.normal(size=(d, ps.max())) / sqrt(d)
        for j, p in enumerate(ps):
            phi = np.maximum(xs @ weights[:, :p], 0) / sqrt(p)
            phit = np.maximum(xt @ weights[:, :p], 0) / sqrt(p)
            coef = np.linalg.lstsq(phi, ys, rcond=None)[0]  # minimum-norm solution once p > n
            errs[r, j] = np.mean((phit @ coef - ft) ** 2)
    med = np.median(errs, 0)
    ax.plot(ps, med, color=BLUE, marker="o", ms=3)
    ax.axvline(n, color=RED, ls="--", lw=1.3)
    ax.text(n * 1.08, med.max() * 0.6, "interpolation threshold\n(features = samples = 100)", color=RED,
            fontsize=9)
    ax.axvspan(ps[0], n, color=ORANGE, alpha=0.07, lw=0)
    ax.text(6, 0.17, "classical regime:\nU-shaped", fontsize=9)
    ax.text(500, 0.55, "over-parameterized:\nerror falls again", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of random features (model capacity, log scale)")
    ax.set_ylabel("test MSE (median of 30 runs, log)")
    ax.set_ylim(0.12, med.max() * 1.5)
    ax.grid(True)
    ax.set_title("Double descent: test error peaks where the model can just interpolate")
    return fig


# ---------------------------------------------------------------------------------------------- optimization


def _contours(ax: Axes, hess: np.ndarray, lim: tuple[float, float, float, float], levels: int = 12) -> None:
    xs = np.linspace(lim[0], lim[1], 300)
    ys = np.linspace(lim[2], lim[3], 300)
    xx, yy = np.meshgrid(xs, ys)
    pts = np.stack([xx, yy], -1)
    f = 0.5 * np.einsum("...i,ij,...j->...", pts, hess, pts)
    ax.contour(xx, yy, f, levels=np.geomspace(f.max() / 3000, f.max(), levels), colors=GREY, linewidths=0.8,
               alpha=0.6)
    ax.plot(0, 0, "*", color=GREEN, ms=11)
    ax.set_xlim(lim[0], lim[1])
    ax.set_ylim(lim[2], lim[3])


def _gd(hess: np.ndarray, x0: np.ndarray, lr: float, steps: int, momentum: float = 0.0) -> np.ndarray:
    """Iterates of (heavy-ball) gradient descent on f(x) = x^T H x / 2, PyTorch's form of momentum."""
    x, v, path = x0.astype(float), np.zeros_like(x0, dtype=float), [x0.astype(float)]
    for _ in range(steps):
        v = momentum * v + hess @ x
        x = x - lr * v
        path.append(x)
    return np.array(path)


def _loss(hess: np.ndarray, path: np.ndarray) -> np.ndarray:
    return 0.5 * np.einsum("ti,ij,tj->t", path, hess, path)


@figure("calc-gd-step-size-quadratic", "math-calculus-optimization",
        "Gradient descent on the quadratic with Hessian eigenvalues 1 and 10, so 2 / lambda_max = 0.2. "
        "Left: with step 0.18 the iterates zig-zag across the steep direction while creeping along the flat "
        "one. Right: loss against step on a log scale for steps 0.05, 0.1 and 0.18, which converge, and 0.21, "
        "above 2 / lambda_max, which diverges.")
def fig_gd_step_size() -> Figure:
    fig, (a1, a2) = new(3.7, ncols=2)
    hess = np.diag([1.0, 10.0])
    x0 = np.array([-9.0, 2.5])
    _contours(a1, hess, (-10, 2, -3.5, 3.5))
    path = _gd(hess, x0, 0.18, 25)
    a1.plot(path[:, 0], path[:, 1], "o-", color=ORANGE, ms=3, lw=1.4, label="η = 0.18")
    a1.set_xlabel("$x_1$ (flat: λ = 1)")
    a1.set_ylabel("$x_2$ (steep: λ = 10)")
    a1.set_title("Zig-zag: steep axis caps the step")
    legend(a1, loc="lower right")
    for lr, color in ((0.05, BLUE), (0.1, GREEN), (0.18, ORANGE), (0.21, RED)):
        loss = _loss(hess, _gd(hess, x0, lr, 60))
        a2.plot(loss, color=color, label=f"η = {lr}" + (" (> 2/λmax: diverges)" if lr > 0.2 else ""))
    a2.set_yscale("log")
    a2.set_xlabel("step")
    a2.set_ylabel("f(x) (log scale)")
    a2.set_title("Converges iff 0 < η < 2 / λmax = 0.2")
    a2.set_ylim(1e-6, 1e4)
    a2.grid(True)
    fig.legend(*a2.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=9)
    return fig


@figure("scale-gradient-descent-conditioning", "preprocessing-scaling",
        "Twenty gradient-descent steps from the same start on two loss surfaces: with unscaled features the "
        "contours are a long narrow valley, the step must stay small for the steep direction and the path "
        "zig-zags far from the minimum; with standardized features the contours are round and the path "
        "reaches the minimum.")
def fig_scaling_conditioning() -> Figure:
    fig, axes = new(3.3, ncols=2)
    start = np.array([-4.0, 1.6])
    for ax, hess, lr, title in ((axes[0], np.diag([1.0, 25.0]), 0.075, "unscaled: condition number 25"),
                                (axes[1], np.diag([1.0, 1.4]), 0.6, "standardized: condition number 1.4")):
        _contours(ax, hess, (-4.5, 1.0, -2.0, 2.0))
        path = _gd(hess, start, lr, 20)
        ax.plot(path[:, 0], path[:, 1], "o-", color=ORANGE, ms=3, lw=1.4)
        ax.set_title(f"{title}\n20 steps, η = {lr}")
        ax.set_aspect("equal")
        ax.set_xlabel("weight 1")
        ax.set_ylabel("weight 2")
    return fig


@figure("opt-momentum-update", "dl-training-optimization",
        "Plain gradient descent and PyTorch-style momentum (mu = 0.9) for 80 steps on a quadratic bowl with "
        "condition number 100: without momentum the path zig-zags across the narrow valley and is still far "
        "from the minimum; with momentum the velocity builds along the valley floor, it overshoots and "
        "rings a little, and after 80 steps the loss is about two orders of magnitude lower.")
def fig_momentum() -> Figure:
    fig, (a1, a2) = new(3.6, ncols=2, gridspec_kw={"width_ratios": [1.4, 1]})
    hess = np.diag([1.0, 100.0])
    x0 = np.array([-9.5, 0.5])
    _contours(a1, hess, (-10, 2, -0.7, 0.7), levels=14)
    plain = _gd(hess, x0, 0.019, 80)
    heavy = _gd(hess, x0, 0.01, 80, momentum=0.9)
    a1.plot(plain[:, 0], plain[:, 1], "o-", color=ORANGE, ms=2.5, lw=1.1, label="plain GD, η = 0.019")
    a1.plot(heavy[:, 0], heavy[:, 1], "o-", color=BLUE, ms=2.5, lw=1.4, label="momentum μ = 0.9, η = 0.01")
    a1.set_xlabel("$w_1$ (flat direction, λ = 1)")
    a1.set_ylabel("$w_2$ (steep, λ = 100)")
    a1.set_title("80 steps on a bowl with condition number 100")
    legend(a1, loc="lower left", fontsize=8.5)
    a2.plot(_loss(hess, plain), color=ORANGE, label="plain GD")
    a2.plot(_loss(hess, heavy), color=BLUE, label="momentum 0.9")
    a2.set_yscale("log")
    a2.set_xlabel("step")
    a2.set_ylabel("loss (log scale)")
    a2.set_title("Loss per step")
    a2.grid(True)
    legend(a2, loc="lower left")
    return fig


@figure("opt-warmup-why", "dl-training-optimization",
        "Learning rate against training step: a linear warm-up from 0 to the peak of 3e-4 over the first "
        "1,000 steps, then cosine decay to 0 by step 10,000, compared with a dashed schedule that starts "
        "directly at the peak rate at step 0, where the first large steps on random weights can diverge.")
def fig_warmup() -> Figure:
    fig, (ax,) = new(3.3)
    total, warm, peak = 10_000, 1_000, 3e-4
    t = np.arange(total + 1)
    cos = 0.5 * peak * (1 + np.cos(np.pi * np.clip(t - warm, 0, None) / (total - warm)))
    lr = np.where(t < warm, peak * t / warm, cos)
    no_warm = 0.5 * peak * (1 + np.cos(np.pi * t / total))
    ax.plot(t, no_warm * 1e4, color=RED, ls="--", lw=1.6, label="no warm-up: full rate at step 0")
    ax.plot(t, lr * 1e4, color=BLUE, lw=2.4, label="linear warm-up, then cosine decay")
    ax.axvspan(0, warm, color=ORANGE, alpha=0.12, lw=0)
    ax.text(warm + 120, 0.35, "← linear warm-up over 1,000 steps", ha="left", fontsize=9, color=ORANGE)
    ax.set_xlabel("training step")
    ax.set_ylabel("learning rate (×10⁻⁴)")
    ax.set_xlim(0, total)
    ax.set_ylim(0, 3.3)
    ax.grid(True)
    legend(ax, loc="upper right")
    ax.set_title("Warm-up: small steps while weights and Adam's statistics are unsettled")
    return fig


@figure("opt-cosine-schedule", "dl-training-optimization",
        "Cosine annealing from eta_max = 0.1 to eta_min = 0.001 over T = 100 epochs: the rate falls slowly "
        "at the start and end and fastest in the middle, passing the midpoint value 0.0505 at t = T/2; a "
        "step schedule dropping tenfold at epochs 50 and 75 is shown for comparison.")
def fig_cosine() -> Figure:
    fig, (ax,) = new(3.3)
    total, hi, lo = 100, 0.1, 0.001
    t = np.linspace(0, total, 501)
    cos = lo + 0.5 * (hi - lo) * (1 + np.cos(np.pi * t / total))
    step = np.where(t < 50, hi, np.where(t < 75, hi / 10, hi / 100))
    ax.plot(t, step, color=GREY, ls="--", lw=1.5, label="step decay (×0.1 at epochs 50, 75)")
    ax.plot(t, cos, color=BLUE, lw=2.4,
            label=r"cosine: $\eta_{\min} + (\eta_{\max} - \eta_{\min})\,(1 + \cos(\pi t / T))\,/\,2$")
    mid = (hi + lo) / 2
    ax.plot(total / 2, mid, "o", color=ORANGE, ms=7)
    ax.annotate(f"t = T/2: {mid:.4f}", (total / 2, mid), (57, 0.07), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.axhline(lo, color=GREEN, ls=":", lw=1.2)
    ax.text(2, lo + 0.003, r"$\eta_{\min}$ = 0.001", color=GREEN, fontsize=10)
    ax.set_xlabel("epoch t (T = 100)")
    ax.set_ylabel("learning rate")
    ax.set_xlim(0, total)
    ax.set_ylim(0, 0.108)
    ax.grid(True)
    legend(ax, loc="upper right")
    return fig


@figure("opt-one-cycle", "dl-training-optimization",
        "PyTorch OneCycleLR with its defaults over 1,000 steps: the learning rate rises by cosine from "
        "max_lr/25 to max_lr over the first 30% of steps and then anneals to max_lr/250,000, while momentum "
        "moves the opposite way, from 0.95 down to 0.85 and back to 0.95.")
def fig_one_cycle() -> Figure:
    fig, (a1, a2) = new(4.0, nrows=2, sharex=True)
    total, peak = 1000, 1.0
    up = int(0.3 * total)
    t = np.arange(total)
    start, end = peak / 25, peak / 25 / 1e4

    def cos_anneal(a: float, b: float, frac: np.ndarray) -> np.ndarray:
        return b + (a - b) / 2 * (1 + np.cos(np.pi * frac))

    frac1, frac2 = t / up, (t - up) / (total - 1 - up)
    lr = np.where(t <= up, cos_anneal(start, peak, frac1), cos_anneal(peak, end, frac2))
    mom = np.where(t <= up, cos_anneal(0.95, 0.85, frac1), cos_anneal(0.85, 0.95, frac2))
    a1.plot(t, lr, color=BLUE)
    a1.set_ylabel("LR / max_lr")
    a1.axvline(up, color=GREY, ls=":", lw=1)
    a1.text(up + 10, 0.3, "peak at 30% of steps\n(pct_start = 0.3)", fontsize=9)
    a1.annotate("start: max_lr / 25", (0, start), (8, 0.8), fontsize=9, color=BLUE,
                arrowprops={"arrowstyle": "->", "color": BLUE})
    a1.annotate("end: max_lr / 250,000", (total - 1, end), (total - 10, 0.45), fontsize=9, color=BLUE, ha="right",
                arrowprops={"arrowstyle": "->", "color": BLUE})
    a2.plot(t, mom, color=ORANGE)
    a2.set_ylabel("momentum")
    a2.set_ylim(0.84, 0.96)
    a2.axvline(up, color=GREY, ls=":", lw=1)
    a2.set_xlabel("training step (one cycle = the whole run)")
    for ax in (a1, a2):
        ax.grid(True)
        ax.set_xlim(0, total)
    a1.set_title("1cycle: learning rate up then far down; momentum the opposite way")
    return fig


@figure("opt-lr-symptoms", "dl-training-optimization",
        "Training loss of mini-batch SGD on a regression problem at four learning rates, log scale: too low "
        "decreases smoothly but slowly and is far from converged at the end, a good rate drops fast and "
        "converges, a too-high rate drops then bounces at a higher plateau, and a much-too-high rate explodes "
        "toward infinity.")
def fig_lr_symptoms() -> Figure:
    fig, (ax,) = new(3.5)
    g = rng(9)
    n, d = 2000, 20
    xs = g.normal(size=(n, d)) * np.linspace(0.5, 1.5, d)
    ys = xs @ g.normal(size=d) + g.normal(0, 0.5, n)
    batches = g.integers(0, n, (600, 16))
    for lr, color, label in ((0.003, BLUE, "too low (0.003): slow, steady, unconverged"),
                             (0.05, GREEN, "good (0.05)"),
                             (0.4, ORANGE, "too high (0.4): bounces on a plateau"),
                             (0.7, RED, "far too high (0.7): explodes → inf / NaN")):
        w = np.zeros(d)
        losses = []
        for idx in batches:
            w = w - lr * xs[idx].T @ (xs[idx] @ w - ys[idx]) / idx.size
            loss = 0.5 * np.mean((xs @ w - ys) ** 2)
            if loss > 1e4:
                break
            losses.append(loss)
        ax.plot(losses, color=color, lw=1.5, label=label)
    ax.set_yscale("log")
    ax.set_ylim(0.08, 1e4)
    ax.set_xlim(0, 600)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (log scale)")
    ax.grid(True)
    legend(ax, loc="upper right")
    ax.set_title("Reading the learning rate off the loss curve")
    return fig



# ---------------------------------------------------------------------------------------------- deep learning


def _gelu(x: np.ndarray) -> np.ndarray:
    return x * normal_cdf(x)


@figure("dlf-sigmoid-derivative", "dl-foundations",
        "Left: the logistic sigmoid and its derivative sigma(x)(1 - sigma(x)), which peaks at 0.25 at x = 0 "
        "and is near 0 for large |x|. Right: the largest possible gradient factor 0.25 to the power L after "
        "back-propagating through L sigmoid layers, on a log scale, about 1e-6 at L = 10.")
def fig_sigmoid_derivative() -> Figure:
    fig, (a1, a2) = new(3.3, ncols=2)
    x = np.linspace(-7, 7, 400)
    s = sigmoid(x)
    a1.plot(x, s, color=BLUE, label="σ(x)")
    a1.plot(x, s * (1 - s), color=ORANGE, label="σ′(x) = σ(x)(1 − σ(x))")
    a1.axhline(0.25, color=GREY, ls=":", lw=1)
    a1.annotate("max 0.25 at x = 0", (0, 0.25), (1.2, 0.45), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    a1.set_xlabel("x")
    a1.set_ylabel("σ(x) and σ′(x)")
    a1.set_ylim(-0.03, 1.05)
    a1.grid(True)
    legend(a1, loc="upper left")
    a1.set_title("Sigmoid saturates on both sides")
    layers = np.arange(1, 11)
    a2.bar(layers, 0.25**layers, color=ORANGE, alpha=0.85)
    a2.set_yscale("log")
    a2.set_xticks(layers)
    a2.set_xlabel("number of sigmoid layers L")
    a2.set_ylabel("best-case gradient factor 0.25ᴸ")
    a2.text(9.6, 1e-2, "0.25¹⁰ ≈ 9.5 × 10⁻⁷", ha="right", fontsize=10)
    a2.grid(True, axis="y")
    a2.set_title("Vanishing gradient through depth")
    return fig


@figure("dlf-tanh-vs-sigmoid", "dl-foundations",
        "Sigmoid and tanh with their derivatives: tanh is zero-centred with range -1 to 1 while the sigmoid "
        "runs from 0 to 1, and the derivative of tanh peaks at 1 while the sigmoid's peaks at 0.25; both "
        "derivatives vanish for large |x|.")
def fig_tanh_sigmoid() -> Figure:
    fig, (a1, a2) = new(3.3, ncols=2, sharex=True)
    x = np.linspace(-5, 5, 400)
    s, t = sigmoid(x), np.tanh(x)
    a1.plot(x, t, color=VIOLET, label="tanh(x), range (−1, 1)")
    a1.plot(x, s, color=BLUE, label="σ(x), range (0, 1)")
    a1.axhline(0, color=GREY, lw=0.8)
    a1.set_title("Activation: tanh is zero-centred")
    a2.plot(x, 1 - t**2, color=VIOLET, label="tanh′ = 1 − tanh², max 1")
    a2.plot(x, s * (1 - s), color=BLUE, label="σ′ = σ(1 − σ), max 0.25")
    a2.set_title("Derivative: tanh's peak is 4× larger")
    for ax in (a1, a2):
        ax.set_xlabel("x")
        ax.grid(True)
        legend(ax, loc="upper left", fontsize=8.5)
    a1.set_ylabel("f(x)")
    a2.set_ylabel("f′(x)")
    a1.set_ylim(-1.1, 1.45)
    a2.set_ylim(-0.02, 1.3)
    return fig


@figure("dlf-relu-advantages", "dl-foundations",
        "Four activations and their derivatives: sigmoid and tanh flatten out so their gradients vanish "
        "for large |x|, ReLU has gradient exactly 1 for every positive input and 0 for negative inputs, "
        "and GELU is a smooth version of ReLU.")
def fig_relu() -> Figure:
    fig, (a1, a2) = new(3.4, ncols=2, sharex=True)
    x = np.linspace(-4, 4, 801)
    s = sigmoid(x)
    acts = [("sigmoid", s, s * (1 - s), BLUE), ("tanh", np.tanh(x), 1 - np.tanh(x) ** 2, VIOLET),
            ("ReLU", np.maximum(x, 0), (x > 0).astype(float), ORANGE),
            ("GELU", _gelu(x), normal_cdf(x) + x * normal_pdf(x), GREEN)]
    for name, f, df, color in acts:
        a1.plot(x, f, color=color, label=name, lw=1.8)
        if name == "ReLU":
            a2.plot(x[x < 0], df[x < 0], color=color, label=name, lw=2.4)
            a2.plot(x[x > 0], df[x > 0], color=color, lw=2.4)
        else:
            a2.plot(x, df, color=color, label=name, lw=1.8)
    a1.set_ylim(-1.2, 3)
    a1.set_title("Activation")
    a2.set_ylim(-0.15, 1.25)
    a2.set_title("Derivative: ReLU stays 1 for x > 0")
    for ax in (a1, a2):
        ax.set_xlabel("x")
        ax.grid(True)
        legend(ax, loc="upper left")
    a1.set_ylabel("f(x)")
    a2.set_ylabel("f′(x)")
    return fig


@figure("dlf-gelu", "dl-foundations",
        "GELU(x) = x times Phi(x) next to ReLU and the standard normal CDF Phi: GELU is smooth, follows ReLU "
        "for large |x|, and lets small negative inputs through, with a minimum of about -0.17 near x = -0.75.")
def fig_gelu() -> Figure:
    fig, (ax,) = new(3.4)
    x = np.linspace(-4, 3, 701)
    gelu = _gelu(x)
    ax.plot(x, np.maximum(x, 0), color=ORANGE, ls="--", label="ReLU  max(0, x)")
    ax.plot(x, normal_cdf(x), color=GREY, ls=":", label="Φ(x), standard normal CDF")
    ax.plot(x, gelu, color=GREEN, lw=2.4, label="GELU  x · Φ(x)")
    i = int(np.argmin(gelu))
    ax.plot(x[i], gelu[i], "o", color=GREEN)
    ax.annotate(f"minimum ≈ {gelu[i]:.2f} at x ≈ {x[i]:.2f}", (x[i], gelu[i]), (-3.9, 0.8), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.axhline(0, color=GREY, lw=0.8)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_ylim(-0.5, 3)
    ax.grid(True)
    legend(ax, loc="upper left")
    ax.set_title("GELU: the input weighted by the probability Φ(x)")
    return fig


def _grid_cells(ax: Axes, x0: float, y0: float, rows: int, cols: int, size: float, fills: dict[tuple[int, int], str],
                fill_alpha: float = 0.45) -> None:
    for r in range(rows):
        for c in range(cols):
            color = fills.get((r, c))
            ax.add_patch(Rectangle((x0 + c * size, y0 + (rows - 1 - r) * size), size, size,
                                   facecolor=color if color else "none", alpha=fill_alpha if color else 1,
                                   edgecolor="none"))
            ax.add_patch(Rectangle((x0 + c * size, y0 + (rows - 1 - r) * size), size, size, facecolor="none",
                                   edgecolor=GREY, lw=0.8))


@figure("norm-layernorm-vs-batchnorm", "dl-normalization-regularization",
        "A batch drawn as a grid of examples (rows) by features (columns): BatchNorm computes a mean and "
        "variance down each feature column across the batch, while LayerNorm computes them along each "
        "example's row across its features, so it needs no batch statistics.")
def fig_ln_vs_bn() -> Figure:
    fig, ax = canvas((0, 13), (-1.4, 5.6))
    rows, cols, size = 6, 8, 0.6
    bn = {(r, 2): BLUE for r in range(rows)}
    ln = {(3, c): ORANGE for c in range(cols)}
    _grid_cells(ax, 0.8, 0.6, rows, cols, size, bn)
    _grid_cells(ax, 7.4, 0.6, rows, cols, size, ln)
    for x0, title, color in ((0.8, "BatchNorm", BLUE), (7.4, "LayerNorm", ORANGE)):
        ax.text(x0 + cols * size / 2, 5.1, title, ha="center", fontsize=12, color=color)
        ax.text(x0 + cols * size / 2, 0.3, "features →", ha="center", va="top", fontsize=10)
        ax.text(x0 - 0.15, 0.6 + rows * size / 2, "examples in the batch →", rotation=90, ha="right", va="center",
                fontsize=9)
    ax.text(0.8 + cols * size / 2, -0.5, "one mean and variance per feature,\nover the batch",
            ha="center", va="top", fontsize=10, color=BLUE)
    ax.text(7.4 + cols * size / 2, -0.5, "one mean and variance per example,\nover its features",
            ha="center", va="top", fontsize=10, color=ORANGE)
    return fig


def _oblique(x: float, y: float, z: float) -> tuple[float, float]:
    return x + 0.55 * z, y + 0.4 * z


def _solid(ax: Axes, lo: tuple[float, float, float], hi: tuple[float, float, float], color: str | None,
           alpha: float = 0.5, edge: str = GREY, lw: float = 1.0) -> None:
    """Front, top and right faces of an axis-aligned box in oblique projection."""
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    faces = [[(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0)],
             [(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)],
             [(x1, y0, z0), (x1, y0, z1), (x1, y1, z1), (x1, y1, z0)]]
    for face in faces:
        pts = [_oblique(*p) for p in face]
        ax.add_patch(Polygon(pts, closed=True, facecolor=color or "none", alpha=alpha if color else 1,
                             edgecolor="none"))
        ax.add_patch(Polygon(pts, closed=True, facecolor="none", edgecolor=edge, lw=lw))


@figure("norm-bn-conv-axes", "dl-normalization-regularization",
        "A conv feature map drawn as a block with axes N (batch), C (channels) and H, W (spatial). BatchNorm "
        "shades one channel across every example and every position: one mean and variance per channel, "
        "C pairs of gamma and beta. LayerNorm shades one example across all channels and positions.")
def fig_bn_axes() -> Figure:
    fig, ax = canvas((-1.4, 13.2), (-1.0, 5.3))
    nc, nhw, nn = 6, 4, 5
    for x_off, title, color, slab in ((0.0, "BatchNorm: one channel, all N, H, W", BLUE, "bn"),
                                      (7.0, "LayerNorm: one example, all C, H, W", ORANGE, "ln")):
        cell = 0.6
        full_lo, full_hi = (x_off, 0, 0), (x_off + nc * cell, nhw * cell, nn * cell * 0.9)
        _solid(ax, full_lo, full_hi, None)
        for c in range(1, nc):  # channel grid lines on front and top faces
            xa = x_off + c * cell
            ax.plot(*zip(_oblique(xa, 0, 0), _oblique(xa, nhw * cell, 0), _oblique(xa, nhw * cell, full_hi[2]),
                         strict=True), color=GREY, lw=0.6)
        for n in range(1, nn):
            za = n * cell * 0.9
            ax.plot(*zip(_oblique(x_off, nhw * cell, za), _oblique(full_hi[0], nhw * cell, za),
                         _oblique(full_hi[0], 0, za), strict=True), color=GREY, lw=0.6)
        if slab == "bn":
            _solid(ax, (x_off + 2 * cell, 0, 0), (x_off + 3 * cell, nhw * cell, full_hi[2]), color, alpha=0.55,
                   edge=color, lw=1.4)
        else:
            _solid(ax, (x_off, 0, 0), (full_hi[0], nhw * cell, cell * 0.9), color, alpha=0.55, edge=color, lw=1.4)
        ax.text(x_off + nc * cell / 2, -0.35, "C (channels)", ha="center", va="top", fontsize=10)
        ax.text(x_off - 0.15, nhw * cell / 2, "H, W", ha="right", va="center", fontsize=10)
        nx, ny = _oblique(full_hi[0], 0, full_hi[2] / 2)
        ax.text(nx + 0.15, ny - 0.25, "N (batch)", ha="left", va="center", fontsize=10, rotation=36)
        ax.text(x_off + 2.6, 5.0, title, ha="center", va="top", fontsize=10.5, color=color)
    return fig


def _network(ax: Axes, x0: float, layers: list[int], masks: list[np.ndarray], title: str) -> None:
    xs = [x0 + i * 1.1 for i in range(len(layers))]
    pos = [[(x, 2.4 + (j - (n - 1) / 2) * 0.75) for j in range(n)] for x, n in zip(xs, layers, strict=True)]
    for li in range(len(layers) - 1):
        for a, pa in enumerate(pos[li]):
            for b, pb in enumerate(pos[li + 1]):
                if masks[li][a] and masks[li + 1][b]:
                    ax.plot([pa[0], pb[0]], [pa[1], pb[1]], color=BLUE, lw=0.8, alpha=0.7)
    for li, layer in enumerate(pos):
        for j, (x, y) in enumerate(layer):
            keep = masks[li][j]
            ax.add_patch(Circle((x, y), 0.2, facecolor=BLUE if keep else "none", alpha=0.9 if keep else 1,
                                edgecolor=BLUE if keep else GREY, lw=1.2, ls="-" if keep else "--", zorder=3))
            if not keep:
                ax.plot([x - 0.13, x + 0.13], [y - 0.13, y + 0.13], color=RED, lw=1.6, zorder=4)
                ax.plot([x - 0.13, x + 0.13], [y + 0.13, y - 0.13], color=RED, lw=1.6, zorder=4)
    ax.text(x0 + 1.65, 0.35, title, ha="center", fontsize=10)


@figure("norm-dropout-ensemble", "dl-normalization-regularization",
        "A small fully connected network and two randomly thinned versions of it made by dropout with p = "
        "0.5: the dropped hidden units are crossed out along with all their connections, so each training "
        "step trains a different weight-sharing sub-network.")
def fig_dropout() -> Figure:
    fig, ax = canvas((-0.3, 13.2), (0, 4.8))
    g = rng(10)
    layers = [3, 5, 5, 2]
    full = [np.ones(n, bool) for n in layers]
    _network(ax, 0.3, layers, full, "full network")
    for k, x0 in enumerate((4.9, 9.5)):
        masks = [np.ones(3, bool)]
        for li, n in enumerate(layers[1:-1]):
            m = np.ones(n, bool)
            m[g.choice(n, size=2 + (k + li) % 2, replace=False)] = False  # about half, as p = 0.5 gives
            masks.append(m)
        masks.append(np.ones(2, bool))
        _network(ax, x0, layers, masks, f"thinned network, step {k + 1}")
    ax.text(6.45, 4.45, "dropout p = 0.5 on hidden units: a new random mask every step", ha="center",
            fontsize=10)
    return fig


@figure("cnn-receptive-field-stack", "dl-cnn-vision",
        "One output unit of three stacked 3-wide, stride-1 convolutions traced back to the input: it sees 3 "
        "units of layer 2, 5 of layer 1 and 7 input pixels, so the receptive field is 1 + 2n, giving 7 x 7 in "
        "two dimensions for three 3 x 3 layers.")
def fig_receptive_field() -> Figure:
    fig, ax = canvas((-2.6, 13.4), (-1.0, 4.9))
    n_in = 13
    centre = n_in // 2
    size = 0.62
    names = ["input", "conv 1", "conv 2", "conv 3"]
    colors = [BLUE, GREEN, ORANGE, RED]
    ys = [0.2, 1.5, 2.8, 4.1]
    for level, (name, y) in enumerate(zip(names, ys, strict=True)):
        half = 3 - level  # the cells this output depends on at this level: centre ± half
        for i in range(n_in):
            active = abs(i - centre) <= half
            ax.add_patch(Rectangle((i * size * 1.25, y), size, size, facecolor=colors[level] if active else "none",
                                   alpha=0.55 if active else 1, edgecolor="none"))
            ax.add_patch(Rectangle((i * size * 1.25, y), size, size, facecolor="none", edgecolor=GREY, lw=0.8))
        ax.text(-0.3, y + size / 2, name, ha="right", va="center", fontsize=10)
        if level:
            rf = 2 * level + 1
            ax.text(n_in * size * 1.25 + 0.1, y + size / 2, f"sees {rf} inputs", ha="left", va="center",
                    fontsize=10, color=colors[level])
        if level < 3:
            for i in range(centre - (2 - level), centre + (2 - level) + 1):
                for di in (-1, 0, 1):
                    ax.plot([(i + di) * size * 1.25 + size / 2, i * size * 1.25 + size / 2],
                            [y + size, ys[level + 1]], color=colors[level + 1], lw=0.9, alpha=0.8)
    ax.text(5.2, -0.35, "receptive field of n stacked 3×3 stride-1 convs: 1 + 2n  (3 layers → 7×7)",
            ha="center", va="top", fontsize=10)
    return fig


@figure("cnn-resnet-residual", "dl-cnn-vision",
        "A residual block: the input x goes through two weight layers with a ReLU between them to give F(x), "
        "an identity shortcut carries x around them, the two are added to give y = F(x) + x before the final "
        "ReLU, and the gradient dy/dx = I + dF/dx always includes the identity.")
def fig_residual() -> Figure:
    fig, ax = canvas((0, 12), (0, 4.15))
    y = 1.7
    box(ax, 0.3, y - 0.4, 1.2, 0.8, "x", GREY, fill=0.0, size=12)
    box(ax, 2.3, y - 0.5, 2.0, 1.0, "weight layer", BLUE)
    box(ax, 4.9, y - 0.5, 1.2, 1.0, "ReLU", GREEN)
    box(ax, 6.7, y - 0.5, 2.0, 1.0, "weight layer", BLUE)
    ax.add_patch(Circle((9.5, y), 0.32, facecolor="none", edgecolor=ORANGE, lw=1.8))
    ax.text(9.5, y, "+", ha="center", va="center", fontsize=15, color=ORANGE)
    box(ax, 10.3, y - 0.5, 1.3, 1.0, "ReLU", GREEN)
    for a, b in ((1.5, 2.3), (4.3, 4.9), (6.1, 6.7), (8.7, 9.18), (9.82, 10.3)):
        arrow(ax, (a, y), (b, y))
    ax.plot([1.9, 1.9, 9.5], [y, 3.6, 3.6], color=ORANGE, lw=2)
    arrow(ax, (9.5, 3.6), (9.5, y + 0.32), color=ORANGE, width=2)
    ax.text(5.6, 3.75, "identity shortcut: x", ha="center", fontsize=10.5, color=ORANGE)
    ax.text(5.5, 0.75, "F(x): the residual the layers learn", ha="center", fontsize=10, color=BLUE)
    ax.add_patch(FancyBboxPatch((2.1, 1.05), 6.8, 1.3, boxstyle="round,pad=0,rounding_size=0.15",
                                facecolor="none", edgecolor=BLUE, ls="--", lw=1))
    ax.text(9.6, 1.0, "y = F(x) + x", ha="center", va="top", fontsize=11)
    ax.text(6.0, 0.25, "∂y/∂x = I + ∂F/∂x: the gradient always has an identity path", ha="center", fontsize=10)
    return fig


@figure("cnn-iou", "dl-cnn-vision",
        "Boxes [0,0,2,2] and [1,1,3,3] drawn on a grid: each has area 4, their intersection [1,1,2,2] has "
        "area 1, the union has area 4 + 4 - 1 = 7, so the intersection over union is 1/7, about 0.143.")
def fig_iou() -> Figure:
    fig, (ax,) = new(3.6)
    ax.add_patch(Rectangle((0, 0), 2, 2, facecolor=rgba(BLUE, 0.22), edgecolor=BLUE, lw=2))
    ax.add_patch(Rectangle((1, 1), 2, 2, facecolor=rgba(ORANGE, 0.22), edgecolor=ORANGE, lw=2))
    ax.add_patch(Rectangle((1, 1), 1, 1, facecolor=rgba(VIOLET, 0.4), edgecolor=VIOLET, lw=2.5))
    ax.text(0.5, 0.5, "A\n[0,0,2,2]\narea 4", ha="center", va="center", fontsize=9.5, color=BLUE)
    ax.text(2.5, 2.5, "B\n[1,1,3,3]\narea 4", ha="center", va="center", fontsize=9.5, color=ORANGE)
    ax.text(1.5, 1.5, "A∩B\narea 1", ha="center", va="center", fontsize=9.5)
    ax.text(3.4, 1.5, "IoU = |A∩B| / |A∪B|\n= 1 / (4 + 4 − 1)\n= 1/7 ≈ 0.143\n\n"
            "(PASCAL VOC counts a\ndetection at IoU ≥ 0.5)", ha="left", va="center", fontsize=10.5)
    ax.set_xlim(-0.3, 6.2)
    ax.set_ylim(-0.3, 3.3)
    ax.set_aspect("equal")
    ax.set_xticks(range(4))
    ax.set_yticks(range(4))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.xaxis.set_label_coords(1.8 / 6.5, -0.1)
    ax.grid(True)
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_visible(False)
    return fig


def _alpha_cmap(color: str, lo: float = 0.04, hi: float = 0.72) -> matplotlib.colors.Colormap:
    """``color`` at rising opacity: reads as intensity on a light and on a dark background alike (capped
    so that grey text stays legible on the strongest cells)."""
    rgb = matplotlib.colors.to_rgb(color)
    return matplotlib.colors.ListedColormap([(*rgb, a) for a in np.linspace(lo, hi, 256)])


def _diverging_cmap(neg: str, pos: str, hi: float = 0.9) -> matplotlib.colors.Colormap:
    """``neg`` for negative values and ``pos`` for positive ones, opacity growing with |value|."""
    n, p = matplotlib.colors.to_rgb(neg), matplotlib.colors.to_rgb(pos)
    return matplotlib.colors.ListedColormap([(*(n if v < 0 else p), max(abs(v) * hi, 0.03))
                                             for v in np.linspace(-1, 1, 256)])


_TOKENS = ["The", "cat", "sat", "on", "the", "mat", "because", "it", "was", "tired"]


def _attention_logits() -> np.ndarray:
    g = rng(11)
    d = 16
    emb = g.normal(size=(len(_TOKENS), d))
    wq, wk = g.normal(size=(d, d)) / 4, g.normal(size=(d, d)) / 4
    logits = (emb @ wq) @ (emb @ wk).T / sqrt(d)
    for q, k, bonus in ((7, 1, 3.0), (9, 1, 2.0), (2, 1, 1.5), (5, 3, 1.5), (4, 5, 1.0), (8, 7, 1.5)):
        logits[q, k] += bonus  # a few linguistically plausible links ("it" -> "cat")
    return logits


def _softmax_rows(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def _heat(ax: Axes, weights: np.ndarray, masked: np.ndarray | None = None) -> matplotlib.image.AxesImage:
    im = ax.imshow(weights, cmap=_alpha_cmap(BLUE), vmin=0, vmax=1)
    n = len(_TOKENS)
    ax.set_xticks(range(n), _TOKENS, rotation=45, ha="right")
    ax.set_yticks(range(n), _TOKENS)
    ax.set_xticks(np.arange(-0.5, n), minor=True)
    ax.set_yticks(np.arange(-0.5, n), minor=True)
    ax.grid(True, which="minor", color=GREY, alpha=0.3, lw=0.5)
    ax.tick_params(which="minor", length=0)
    for i in range(n):
        for j in range(n):
            if masked is not None and masked[i, j]:
                ax.text(j, i, "×", ha="center", va="center", fontsize=8, color=GREY, alpha=0.7)
            elif weights[i, j] >= 0.3:
                ax.text(j, i, f"{weights[i, j]:.1f}", ha="center", va="center", fontsize=8.5, color=GREY)
    ax.set_xlabel("key (attended-to token)")
    ax.set_ylabel("query token")
    return im


@figure("tfm-scaled-dot-product-attention", "dl-transformers-llms",
        "Heat map of scaled dot-product attention weights softmax(QK^T / sqrt(d_k)) for a 10-token sentence: "
        "each row is one query, its weights over the 10 keys are non-negative and sum to 1, and the query "
        "'it' puts most of its weight on the key 'cat'.")
def fig_attention() -> Figure:
    fig, (ax,) = new(4.8)
    w = _softmax_rows(_attention_logits())
    im = _heat(ax, w)
    fig.colorbar(im, ax=ax, shrink=0.85, label="attention weight (each row sums to 1)")
    ax.set_title("softmax(QKᵀ / √dₖ): one row of weights per query")
    return fig


@figure("tfm-causal-mask", "dl-transformers-llms",
        "Causal attention weights for a 10-token sentence: every cell above the diagonal (a key later than "
        "its query) is masked to minus infinity before the softmax and gets weight exactly 0, so each row "
        "spreads its weight, summing to 1, over the current and earlier tokens only.")
def fig_causal() -> Figure:
    fig, (ax,) = new(4.8)
    logits = _attention_logits()
    n = len(_TOKENS)
    mask = np.triu(np.ones((n, n), bool), 1)
    w = _softmax_rows(np.where(mask, -np.inf, logits))
    im = _heat(ax, w, mask)
    fig.colorbar(im, ax=ax, shrink=0.85, label="attention weight (each row sums to 1)")
    ax.set_title("Causal mask: keys after the query (×) get −∞ → weight 0")
    return fig


@figure("tfm-sinusoidal-encoding", "dl-transformers-llms",
        "Heat map of the sinusoidal positional encoding for positions 0 to 99 with d_model = 64, sine "
        "dimensions in the lower half and cosine dimensions in the upper half: small frequency indices "
        "oscillate fast along the positions and large ones change slowly, so every position gets a "
        "distinct pattern.")
def fig_sinusoidal() -> Figure:
    fig, (ax,) = new(3.9)
    d, npos = 64, 100
    pos = np.arange(npos)[None, :]
    i = np.arange(d // 2)[:, None]
    angle = pos / 10000 ** (2 * i / d)
    pe = np.vstack([np.sin(angle), np.cos(angle)])  # even dimensions (sin) below, odd ones (cos) above
    im = ax.imshow(pe, cmap=_diverging_cmap(ORANGE, BLUE), vmin=-1, vmax=1, aspect="auto", origin="lower",
                   extent=(-0.5, npos - 0.5, -0.5, d - 0.5))
    ax.axhline(d / 2 - 0.5, color=GREY, lw=1.2)
    ax.set_yticks([0, 16, 32, 48], ["i = 0", "16", "i = 0", "16"])
    ax.text(1.01, 0.25, "sin: dims 2i", rotation=90, va="center", fontsize=9.5, transform=ax.transAxes)
    ax.text(1.01, 0.75, "cos: dims 2i+1", rotation=90, va="center", fontsize=9.5, transform=ax.transAxes)
    ax.set_xlabel("position pos")
    ax.set_ylabel("frequency index i (d_model = 64)")
    fig.colorbar(im, ax=ax, label="PE value", pad=0.05)
    ax.set_title("sin / cos(pos / 10000^(2i/d)): fast for small i, slow for large i")
    return fig


@figure("tfm-kv-cache-size", "dl-transformers-llms",
        "KV-cache memory of a LLaMA-7B-shaped model in fp16 (32 layers, width 4096, multi-head attention) "
        "against sequence length, for batch sizes 1, 4 and 16: it grows linearly at 0.5 MiB per token per "
        "sequence, 2 GiB for one 4,096-token sequence, and at batch 16 exceeds the 12.6 GiB of the weights.")
def fig_kv_cache() -> Figure:
    fig, (ax,) = new(3.7)
    tokens = np.linspace(0, 4096, 200)
    per_token = 2 * 32 * 4096 * 2  # K and V, layers, width, bytes
    weights_gib = 6.74e9 * 2 / 2**30
    for batch, color in ((1, BLUE), (4, GREEN), (16, ORANGE)):
        ax.plot(tokens, batch * tokens * per_token / 2**30, color=color, label=f"batch {batch}")
    ax.axhline(weights_gib, color=RED, ls="--", lw=1.4)
    ax.text(80, weights_gib + 0.6, f"fp16 weights ≈ {weights_gib:.1f} GiB", color=RED, fontsize=9)
    ax.plot(4096, 2, "o", color=BLUE)
    ax.annotate("batch 1, 4,096 tokens: 2 GiB\n(2 × 32 × 4096 × 2 B = 0.5 MiB/token)", (4096, 2), (1600, 8.4),
                fontsize=9, arrowprops={"arrowstyle": "->", "color": GREY})
    ax.set_xlabel("tokens per sequence")
    ax.set_ylabel("KV cache (GiB)")
    ax.set_xlim(0, 4300)
    ax.set_ylim(0, 34)
    ax.grid(True)
    legend(ax, loc="upper left")
    ax.set_title("The KV cache grows linearly with length and batch")
    return fig


@figure("tfm-lora-parameterization", "dl-transformers-llms",
        "LoRA drawn as matrix shapes: the frozen d x k weight W0 plus the product of a tall d x r matrix B "
        "and a wide r x k matrix A, with d = k = 4096 and r = 8 the update has 8 x (4096 + 4096) = 65,536 "
        "trainable parameters against 16,777,216 for the full matrix, about 0.39%.")
def fig_lora() -> Figure:
    fig, ax = canvas((-0.3, 12.3), (-1.2, 5.0))
    side = 3.6
    y0 = 0.4
    box(ax, 0, y0, side, side, "W₀\nd × k\n(frozen)", BLUE, fill=0.2, size=12)
    ax.text(4.15, y0 + side / 2, "+", ha="center", va="center", fontsize=20)
    ax.text(5.05, y0 + side / 2, "α/r ·", ha="center", va="center", fontsize=12)
    box(ax, 5.8, y0, 0.45, side, "", ORANGE, fill=0.45)
    ax.text(6.03, y0 - 0.15, "B\nd × r", ha="center", va="top", fontsize=10, color=ORANGE)
    ax.text(6.65, y0 + side / 2, "·", ha="center", va="center", fontsize=20)
    box(ax, 7.0, y0 + side / 2 - 0.225, side, 0.45, "", GREEN, fill=0.45)
    ax.text(7.0 + side / 2, y0 + side / 2 + 0.35, "A   (r × k)", ha="center", va="bottom", fontsize=10, color=GREEN)
    ax.text(6.2, -0.55, "trainable: r(d + k) = 8 × 8192 = 65,536   vs   d·k = 16,777,216 (≈ 0.39%)",
            ha="center", va="top", fontsize=10)
    ax.text(1.8, 4.55, "d = k = 4096", ha="center", fontsize=10)
    ax.text(8.8, 4.55, "rank r = 8 (B starts at 0, so ΔW = 0)", ha="center", fontsize=10)
    return fig


@figure("tfm-temperature", "dl-transformers-llms",
        "Softmax probabilities for logits (2, 1, 0) at temperature 0.5, 1 and 2: T = 0.5 sharpens them to "
        "0.867, 0.117 and 0.016, T = 1 gives 0.665, 0.245 and 0.090, and T = 2 flattens them to 0.506, "
        "0.307 and 0.186, always in the same order.")
def fig_temperature() -> Figure:
    fig, (ax,) = new(3.4)
    logits = np.array([2.0, 1.0, 0.0])
    width = 0.26
    for k, (temp, color) in enumerate(((0.5, RED), (1.0, BLUE), (2.0, GREEN))):
        p = np.exp(logits / temp) / np.exp(logits / temp).sum()
        xs = np.arange(3) + (k - 1) * width
        ax.bar(xs, p, width * 0.92, color=color, alpha=0.85, label=f"T = {temp:g}")
        for x, v in zip(xs, p, strict=True):
            ax.text(x, v + 0.015, f"{v:.3f}", ha="center", fontsize=8.5)
    ax.set_xticks(range(3), [f"token {i + 1}\n(logit {z:g})" for i, z in enumerate(logits)])
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    ax.grid(True, axis="y")
    legend(ax, loc="upper right")
    ax.set_title("softmax(z / T): T < 1 sharpens, T > 1 flattens, ranking unchanged")
    return fig


@figure("tfm-top-p-sampling", "dl-transformers-llms",
        "Nucleus sampling with p = 0.8 on next-token probabilities 0.5, 0.2, 0.15, 0.1 and 0.05: the "
        "cumulative sum reaches 0.85 at the third token, so the top three are kept and renormalized to "
        "0.588, 0.235 and 0.176, and the last two are dropped.")
def fig_top_p() -> Figure:
    fig, (ax,) = new(3.5)
    p = np.array([0.5, 0.2, 0.15, 0.1, 0.05])
    cum = np.cumsum(p)
    keep = np.arange(p.size) <= int(np.argmax(cum >= 0.8))
    xs = np.arange(p.size)
    ax.bar(xs, p, 0.6, color=[BLUE if k else GREY for k in keep], alpha=0.85)
    for x, v, k in zip(xs, p, keep, strict=True):
        label = f"{v:.2f}" + (f"\n→ {v / p[keep].sum():.3f}" if k else "\ndropped")
        ax.text(x, v + 0.02, label, ha="center", va="bottom", fontsize=9, color=BLUE if k else GREY)
    ax.step(np.r_[-0.5, xs + 0.5], np.r_[cum[0], cum], where="pre", color=ORANGE, lw=1.8,
            label="cumulative probability")
    ax.axhline(0.8, color=RED, ls="--", lw=1.3)
    ax.text(4.45, 0.82, "p = 0.8", color=RED, ha="right", fontsize=9.5)
    ax.set_xticks(xs, [f"token {i + 1}" for i in xs])
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1.08)
    ax.grid(True, axis="y")
    legend(ax, loc="center right")
    ax.set_title("Top-p: keep the smallest top set with total ≥ p, renormalize (÷ 0.85)")
    return fig


@figure("tfm-beam-search", "dl-transformers-llms",
        "Beam search with beam width 2 drawn as a tree of partial sequences scored by summed log-probability: "
        "at each step only the best two survive; greedy decoding follows 'the cat sat' with score -1.74, while "
        "the beam also keeps 'a' and finds 'a cat sat' with the higher score -1.53.")
def fig_beam() -> Figure:
    fig, ax = canvas((-0.3, 13.3), (-0.8, 6.0))
    nodes = {  # name: (x, y, token, p, kept)
        "s": (0.5, 3.0, "<s>", 1.0, True),
        "the": (3.2, 4.4, "the", 0.5, True), "a": (3.2, 2.3, "a", 0.4, True), "one": (3.2, 0.6, "one", 0.1, False),
        "the cat": (6.4, 5.3, "cat", 0.5, True), "the dog": (6.4, 4.1, "dog", 0.4, False),
        "a cat": (6.4, 2.8, "cat", 0.9, True), "a dog": (6.4, 1.6, "dog", 0.1, False),
        "the cat sat": (9.6, 5.5, "sat", 0.7, True), "the cat ran": (9.6, 4.5, "ran", 0.3, False),
        "a cat sat": (9.6, 3.2, "sat", 0.6, True), "a cat ran": (9.6, 2.2, "ran", 0.4, False),
    }
    half = 0.62
    score = {"s": 0.0}
    for name, (x, y, _, p, kept) in nodes.items():
        if name == "s":
            continue
        parent = name.rsplit(" ", 1)[0] if " " in name else "s"
        score[name] = score[parent] + float(np.log(p))
        px, py = nodes[parent][:2]
        color = BLUE if kept else GREY
        ax.plot([px + half, x - half], [py, y], color=color, lw=2 if kept else 1, ls="-" if kept else "--")
        if name in ("the", "the cat", "the cat sat"):
            ax.plot([px + half, x - half], [py + 0.1, y + 0.1], color=ORANGE, lw=1.4)
    for name, (x, y, token, p, kept) in nodes.items():
        color = BLUE if kept else GREY
        label = token if name == "s" else f"{token} · {p}"
        box(ax, x - half, y - 0.25, 2 * half, 0.5, label, color, fill=0.2 if kept else 0.0, size=9.5)
        if name != "s":
            ax.text(x, y - 0.32, f"{score[name]:.2f}", fontsize=9, ha="center", va="top", color=color)
    ax.text(10.45, 3.2, "← best sequence\n    (−1.53)", fontsize=10, color=BLUE, va="center")
    ax.text(10.45, 5.5, "← greedy result\n    (−1.74)", fontsize=10, color=ORANGE, va="center")
    ax.text(6.5, -0.6, "box: token · p(token | prefix); below it: running sum of log p; grey = pruned (B = 2)",
            ha="center", fontsize=9.5)
    return fig



# ---------------------------------------------------------------------------------------------- classical ML

Tree = tuple  # ("leaf", value) or ("split", feature, threshold, left, right)


def fit_tree(x: np.ndarray, y: np.ndarray, depth: int, min_leaf: int = 1) -> Tree:
    """A CART regression tree grown greedily on squared error (on 0/1 labels this is the Gini split)."""

    def grow(idx: np.ndarray, d: int) -> Tree:
        ys = y[idx]
        n = idx.size
        parent = float(((ys - ys.mean()) ** 2).sum())
        if d == 0 or n < 2 * min_leaf or parent <= 1e-12:
            return ("leaf", float(ys.mean()))
        best = (parent - 1e-12, -1, 0.0, 0)
        for j in range(x.shape[1]):
            order = idx[np.argsort(x[idx, j], kind="stable")]
            xs, yo = x[order, j], y[order]
            c, c2 = np.cumsum(yo), np.cumsum(yo**2)
            k = np.arange(1, n)
            sse = (c2[:-1] - c[:-1] ** 2 / k) + ((c2[-1] - c2[:-1]) - (c[-1] - c[:-1]) ** 2 / (n - k))
            valid = (xs[1:] > xs[:-1]) & (k >= min_leaf) & (n - k >= min_leaf)
            if valid.any():
                i = int(np.argmin(np.where(valid, sse, np.inf)))
                if sse[i] < best[0]:
                    best = (float(sse[i]), j, float((xs[i] + xs[i + 1]) / 2), i)
        if best[1] < 0:
            return ("leaf", float(ys.mean()))
        _, j, thr, _ = best
        left = idx[x[idx, j] <= thr]
        right = idx[x[idx, j] > thr]
        return ("split", j, thr, grow(left, d - 1), grow(right, d - 1))

    return grow(np.arange(len(y)), depth)


def predict_tree(tree: Tree, x: np.ndarray) -> np.ndarray:
    if tree[0] == "leaf":
        return np.full(len(x), tree[1])
    _, j, thr, left, right = tree
    out = np.empty(len(x))
    mask = x[:, j] <= thr
    out[mask] = predict_tree(left, x[mask])
    out[~mask] = predict_tree(right, x[~mask])
    return out


def _wiggly(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * x) + 0.5 * np.sin(6 * np.pi * x)


def _boost(x: np.ndarray, y: np.ndarray, xt: np.ndarray, nu: float, rounds: int, depth: int = 2
           ) -> tuple[np.ndarray, np.ndarray]:
    """Gradient boosting for squared error; returns training and test predictions after each round."""
    f, ft = np.full(len(y), y.mean()), np.full(len(xt), y.mean())
    train, test = [], []
    for _ in range(rounds):
        tree = fit_tree(x, y - f, depth)
        f = f + nu * predict_tree(tree, x)
        ft = ft + nu * predict_tree(tree, xt)
        train.append(f.copy())
        test.append(ft.copy())
    return np.array(train), np.array(test)


def _boost_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    g = rng(12)
    x = g.random((150, 1))
    y = _wiggly(x[:, 0]) + g.normal(0, 0.5, 150)
    xt = g.random((2000, 1))
    yt = _wiggly(xt[:, 0]) + g.normal(0, 0.5, 2000)
    return x, y, xt, yt


@figure("tree-rf-vs-boosting", "algorithms-trees-ensembles",
        "Test error against the number of trees on a noisy 1-D regression: averaging bootstrapped deep trees "
        "(bagging, as in a random forest) lowers the error and then levels off, while gradient boosting with "
        "shrinkage 0.1 and depth-2 trees drives training error toward 0 and its test error reaches a lower "
        "minimum and then rises again, so it needs early stopping.")
def fig_rf_vs_boosting() -> Figure:
    fig, (ax,) = new(3.7)
    x, y, xt, yt = _boost_data()
    g = rng(13)
    total = np.zeros(len(yt))
    bag = []
    for b in range(300):
        i = g.integers(0, len(y), len(y))
        total += predict_tree(fit_tree(x[i], y[i], 60), xt)
        bag.append(np.mean((total / (b + 1) - yt) ** 2))
    train, test = _boost(x, y, xt, 0.1, 1000)
    boost_test = ((test - yt) ** 2).mean(1)
    boost_train = ((train - y) ** 2).mean(1)
    m = np.arange(1, 1001)
    ax.plot(m[:300], bag, color=GREEN, label="bagged deep trees (random-forest style): test")
    ax.plot(m, boost_test, color=ORANGE, label="gradient boosting (ν = 0.1, depth 2): test")
    ax.plot(m, boost_train, color=ORANGE, ls=":", lw=1.5, label="gradient boosting: training")
    best = int(np.argmin(boost_test))
    ax.plot(m[best], boost_test[best], "o", color=ORANGE)
    ax.annotate(f"early-stopping point ({best + 1} trees)", (m[best], boost_test[best]), (1.6, 0.1), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.axhline(0.25, color=GREY, ls="--", lw=1)
    ax.text(1.1, 0.265, "noise floor σ² = 0.25", fontsize=9)
    ax.set_xscale("log")
    ax.set_xlabel("number of trees (log scale)")
    ax.set_ylabel("mean squared error")
    ax.set_ylim(0, 0.8)
    ax.set_xlim(1, 1000)
    ax.grid(True)
    legend(ax, loc="upper right")
    ax.set_title("Averaging reduces variance and levels off; boosting reduces bias, then overfits")
    return fig


@figure("tree-gb-learning-rate", "algorithms-trees-ensembles",
        "Test error of gradient boosting against the number of trees for learning rates 1.0, 0.3 and 0.05 "
        "on the same noisy data: learning rate 1 bottoms out at 0.308 after 4 trees and overfits at once, "
        "0.3 and 0.05 both reach about 0.28 but need 11 and 81 trees, and the smallest rate overfits far more "
        "slowly, so the number of trees must be chosen together with the rate.")
def fig_gb_learning_rate() -> Figure:
    fig, (ax,) = new(3.5)
    x, y, xt, yt = _boost_data()
    m = np.arange(1, 2001)
    for nu, color in ((1.0, RED), (0.3, ORANGE), (0.05, BLUE)):
        _, test = _boost(x, y, xt, nu, 2000)
        err = ((test - yt) ** 2).mean(1)
        best = int(np.argmin(err))
        ax.plot(m, err, color=color, label=f"ν = {nu}: best {err[best]:.3f} at {best + 1} trees")
        ax.plot(m[best], err[best], "o", color=color)
    ax.axhline(0.25, color=GREY, ls="--", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("number of trees (log scale)")
    ax.set_ylabel("test MSE")
    ax.set_ylim(0.2, 0.8)
    ax.grid(True)
    legend(ax, loc="upper right")
    ax.set_title("Shrinkage: smaller ν needs more trees, overfits more slowly")
    return fig


def _partition(ax: Axes, tree: Tree, box_: tuple[float, float, float, float]) -> None:
    """Shade each leaf's rectangle by its class share and draw the splits."""
    x0, x1, y0, y1 = box_
    if tree[0] == "leaf":
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=rgba(ORANGE if tree[1] > 0.5 else BLUE,
                                                                               0.14 + 0.3 * abs(tree[1] - 0.5)),
                               edgecolor="none"))
        return
    _, j, thr, left, right = tree
    if j == 0:
        ax.plot([thr, thr], [y0, y1], color=GREY, lw=1.1)
        _partition(ax, left, (x0, thr, y0, y1))
        _partition(ax, right, (thr, x1, y0, y1))
    else:
        ax.plot([x0, x1], [thr, thr], color=GREY, lw=1.1)
        _partition(ax, left, (x0, x1, y0, thr))
        _partition(ax, right, (x0, x1, thr, y1))


@figure("tree-instability", "algorithms-trees-ensembles",
        "Axis-aligned partitions of the plane found by depth-4 classification trees on two bootstrap samples "
        "of the same 2-D data set: the first split differs (one tree cuts on x1, the other on x2), so every "
        "region below it differs too, showing the high variance of a single tree.")
def fig_tree_instability() -> Figure:
    fig, axes = new(3.9, ncols=2)
    g = rng(14)
    n = 160
    pts = g.random((n, 2))
    p1 = sigmoid(6 * (pts[:, 0] + pts[:, 1] - 1.0))
    labels = (g.random(n) < p1).astype(float)
    samples, seed = [], 0
    while len(samples) < 2:  # two bootstrap samples whose root splits use different features
        idx = rng(100 + seed).integers(0, n, n)
        seed += 1
        tree = fit_tree(pts[idx], labels[idx], 4, min_leaf=3)
        if not samples or tree[1] != samples[0][1][1]:
            samples.append((idx, tree))
    for k, (ax, (idx, tree)) in enumerate(zip(axes, samples, strict=True)):
        _partition(ax, tree, (0, 1, 0, 1))
        root = "x₁" if tree[1] == 0 else "x₂"
        ax.plot([tree[2]] * 2 if tree[1] == 0 else [0, 1], [0, 1] if tree[1] == 0 else [tree[2]] * 2,
                color=RED, lw=2.4)
        cls = labels[idx]
        ax.scatter(pts[idx][cls == 0, 0], pts[idx][cls == 0, 1], s=12, color=BLUE, label="class 0")
        ax.scatter(pts[idx][cls == 1, 0], pts[idx][cls == 1, 1], s=12, color=ORANGE, marker="^", label="class 1")
        ax.set_title(f"bootstrap sample {k + 1}: root split on {root} (red)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
    handles, labels_ = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels_, loc="outside lower center", ncols=2)
    return fig


@figure("tree-averaging-correlated-variance", "algorithms-trees-ensembles",
        "Variance of an average of B trees, rho sigma squared plus (1 - rho) sigma squared over B, against "
        "B for correlations 0, 0.25, 0.5 and 0.75 with sigma squared = 1: each curve flattens onto its floor "
        "rho sigma squared, so with rho = 0.5 the average never gets below half of one tree's variance.")
def fig_correlated_average() -> Figure:
    fig, (ax,) = new(3.4)
    b = np.arange(1, 201)
    for rho, color in ((0.0, GREEN), (0.25, BLUE), (0.5, ORANGE), (0.75, RED)):
        ax.plot(b, rho + (1 - rho) / b, color=color, label=f"ρ = {rho}")
        if rho:
            ax.axhline(rho, color=color, ls=":", lw=1)
    ax.text(200, 0.52, "floor ρσ² = 0.5", ha="right", fontsize=9, color=ORANGE)
    ax.set_xscale("log")
    ax.set_xlabel("number of trees B (log scale)")
    ax.set_ylabel("variance of the average (σ² = 1)")
    ax.set_ylim(0, 1.08)
    ax.grid(True)
    legend(ax, loc="upper right", ncols=4)
    ax.set_title("ρσ² + (1 − ρ)σ² / B: more trees cannot beat the correlation floor")
    return fig


def _tree_node(ax: Axes, x: float, y: float, leaf: bool, label: str = "", color: str = BLUE) -> None:
    if leaf:
        ax.add_patch(Rectangle((x - 0.3, y - 0.22), 0.6, 0.44, facecolor=rgba(GREEN, 0.25), edgecolor=GREEN, lw=1.4))
    else:
        ax.add_patch(Circle((x, y), 0.28, facecolor=rgba(color, 0.25), edgecolor=color, lw=1.4))
        ax.text(x, y, label, ha="center", va="center", fontsize=9.5)


@figure("tree-lightgbm-leaf-wise", "algorithms-trees-ensembles",
        "Two trees with the same number of splits: level-wise growth splits every leaf of a level and gives "
        "a balanced depth-2 tree, while LightGBM's leaf-wise growth always splits the single leaf with the "
        "largest loss reduction, giving a deeper, unbalanced tree; numbers give the order of the splits.")
def fig_leaf_wise() -> Figure:
    fig, ax = canvas((0, 13), (0.2, 5.2))
    edges = []
    # level-wise: root 1, children 2 and 3
    lw = {"r": (3.0, 4.2, "1"), "a": (1.6, 2.8, "2"), "b": (4.4, 2.8, "3")}
    lw_leaves = [(0.9, 1.4), (2.3, 1.4), (3.7, 1.4), (5.1, 1.4)]
    edges += [((3.0, 4.2), (1.6, 2.8)), ((3.0, 4.2), (4.4, 2.8)), ((1.6, 2.8), (0.9, 1.4)), ((1.6, 2.8), (2.3, 1.4)),
              ((4.4, 2.8), (3.7, 1.4)), ((4.4, 2.8), (5.1, 1.4))]
    # leaf-wise: root 1, then the right child 2, then its left child 3
    lf = {"r": (9.0, 4.2, "1"), "a": (10.2, 3.2, "2"), "b": (9.4, 2.2, "3")}
    lf_leaves = [(7.9, 3.2), (11.1, 2.2), (8.7, 1.2), (10.1, 1.2)]
    edges += [((9.0, 4.2), (7.9, 3.2)), ((9.0, 4.2), (10.2, 3.2)), ((10.2, 3.2), (9.4, 2.2)),
              ((10.2, 3.2), (11.1, 2.2)), ((9.4, 2.2), (8.7, 1.2)), ((9.4, 2.2), (10.1, 1.2))]
    for a, b in edges:
        u = np.subtract(b, a) / np.hypot(*np.subtract(b, a))
        ax.plot([a[0] + 0.3 * u[0], b[0] - 0.3 * u[0]], [a[1] + 0.3 * u[1], b[1] - 0.3 * u[1]], color=GREY, lw=1.2)
    for x, y, label in lw.values():
        _tree_node(ax, x, y, False, label, BLUE)
    for x, y, label in lf.values():
        _tree_node(ax, x, y, False, label, ORANGE)
    for x, y in lw_leaves + lf_leaves:
        _tree_node(ax, x, y, True)
    ax.text(3.0, 4.85, "level-wise (depth-wise)", ha="center", fontsize=11, color=BLUE)
    ax.text(9.5, 4.85, "leaf-wise (LightGBM, best-first)", ha="center", fontsize=11, color=ORANGE)
    ax.text(3.0, 0.55, "split every leaf of a level: balanced, depth 2", ha="center", fontsize=9.5)
    ax.text(9.5, 0.55, "split the leaf with the largest gain: deeper", ha="center", fontsize=9.5)
    ax.text(6.4, 2.8, "3 splits,\n4 leaves\neach", ha="center", va="center", fontsize=9.5)
    return fig


def _kmeans_step(pts: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    d = ((pts[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    assign = d.argmin(1)
    new_centers = np.array([pts[assign == k].mean(0) if np.any(assign == k) else centers[k]
                            for k in range(len(centers))])
    wcss = float(((pts - new_centers[assign]) ** 2).sum())  # after the update step
    return assign, new_centers, wcss


def _blobs(g: np.random.Generator, centers: list[tuple[float, float]], n: int, sd: float) -> np.ndarray:
    return np.vstack([g.normal(c, sd, (n, 2)) for c in centers])


@figure("unsup-kmeans-lloyd", "algorithms-unsupervised",
        "Lloyd's algorithm for k-means with k = 3 on three blobs, in four panels: poor initial centroids; "
        "after the first assign and update steps the centroids move toward the blob means along the arrows; "
        "and by iteration 3 and at convergence the within-cluster sum of squares has fallen at every step.")
def fig_kmeans() -> Figure:
    fig, axes = new(2.55, ncols=4, sharex=True, sharey=True)
    g = rng(15)
    pts = _blobs(g, [(0, 0), (3.2, 0.6), (1.4, 3.0)], 45, 0.6)
    centers = np.array([[0.2, 2.2], [0.8, 2.8], [1.2, 0.0]])
    colors = np.array([BLUE, ORANGE, GREEN])
    history = [(None, centers, None)]
    for _ in range(12):
        assign, new_centers, wcss = _kmeans_step(pts, centers)
        history.append((assign, new_centers, wcss))
        if np.allclose(new_centers, centers):
            break
        centers = new_centers
    shown = [0, 1, 3, len(history) - 1]
    for ax, k in zip(axes, shown, strict=True):
        assign, cen, wcss = history[k]
        if assign is None:
            ax.scatter(pts[:, 0], pts[:, 1], s=9, color=GREY)
            ax.set_title("start: 3 centroids", fontsize=9.5)
        else:
            prev = history[k - 1][1]
            ax.scatter(pts[:, 0], pts[:, 1], s=9, c=colors[assign])
            for a, b in zip(prev, cen, strict=True):
                if np.linalg.norm(b - a) > 0.05:
                    ax.annotate("", b, a, arrowprops={"arrowstyle": "->", "color": GREY, "lw": 1.3})
            label = "converged" if k == len(history) - 1 else f"iteration {k}"
            ax.set_title(f"{label}\nWCSS = {wcss:.0f}", fontsize=9.5)
        ax.scatter(cen[:, 0], cen[:, 1], s=150, marker="X", c=colors, edgecolors=GREY, linewidths=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    return fig


@figure("unsup-dbscan-point-types", "algorithms-unsupervised",
        "DBSCAN with eps = 0.3 and min_samples = 5 on two dense clusters and scattered points: core points "
        "(filled) have at least 5 points within eps, border points (hollow) are within eps of a core point "
        "without being core themselves, and noise points (red crosses) are neither; dashed circles show "
        "the eps radius around one point of each kind.")
def fig_dbscan() -> Figure:
    fig, (ax,) = new(4.2)
    g = rng(16)
    pts = np.vstack([g.normal((0, 0), 0.25, (60, 2)), g.normal((1.6, 0.9), 0.3, (60, 2)),
                     g.uniform((-0.8, -0.9), (2.6, 1.9), (18, 2))])
    eps, min_samples = 0.3, 5
    dist = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    near = dist <= eps
    core = near.sum(1) >= min_samples  # the point itself counts, as in scikit-learn
    border = ~core & (near & core[None, :]).any(1)
    noise = ~core & ~border
    labels = np.full(len(pts), -1)
    cluster = 0
    for i in np.where(core)[0]:
        if labels[i] >= 0:
            continue
        stack = [i]
        labels[i] = cluster
        while stack:
            j = stack.pop()
            for k in np.where(near[j])[0]:
                if labels[k] < 0:
                    labels[k] = cluster
                    if core[k]:
                        stack.append(k)
        cluster += 1
    palette = [BLUE, GREEN, VIOLET, TEAL]
    for c in range(cluster):
        m = labels == c
        ax.scatter(pts[m & core, 0], pts[m & core, 1], s=28, color=palette[c % 4])
        ax.scatter(pts[m & border, 0], pts[m & border, 1], s=34, facecolors="none", edgecolors=palette[c % 4],
                   linewidths=1.6)
    ax.scatter(pts[noise, 0], pts[noise, 1], s=40, marker="x", color=RED, linewidths=1.8)
    for kind, mask, color, offset in (("core", core, BLUE, (-0.75, 0.75)), ("border", border, GREEN, (0.55, 0.3)),
                                      ("noise", noise, RED, (0.5, -0.45))):
        candidates = np.where(mask)[0]
        i = candidates[np.argmin(np.abs(pts[candidates, 0] - (0.0 if kind == "core" else 1.2)))]
        ax.add_patch(Circle(pts[i], eps, fill=False, edgecolor=color, ls="--", lw=1.2))
        ax.annotate(f"a {kind} point", pts[i], pts[i] + offset, fontsize=10, color=color,
                    arrowprops={"arrowstyle": "->", "color": color})
    ax.scatter([], [], s=28, color=GREY, label=f"core: ≥ {min_samples} points within eps\n(itself included)")
    ax.scatter([], [], s=34, facecolors="none", edgecolors=GREY, linewidths=1.6,
               label="border: not core, but within\neps of a core point")
    ax.scatter([], [], s=40, marker="x", color=RED, label="noise: neither (label −1)")
    ax.set_aspect("equal")
    ax.set_xlim(-1.0, 2.8)
    ax.set_ylim(-1.0, 2.0)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right upper", fontsize=9)
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.set_title(f"DBSCAN, eps = {eps}, min_samples = {min_samples}:\n{cluster} clusters, {noise.sum()} noise points")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


@figure("unsup-pca-definition", "algorithms-unsupervised",
        "Correlated 2-D data with its two principal components drawn as arrows from the mean, each two "
        "standard deviations long: PC1 points along the direction of maximum variance (4.45), PC2 is "
        "orthogonal to it (variance 0.43), and each point's projection onto PC1 is shown as its 1-D "
        "reconstruction.")
def fig_pca() -> Figure:
    fig, (ax,) = new(4.0)
    g = rng(17)
    cov = np.array([[3.0, 1.6], [1.6, 1.4]])
    pts = g.multivariate_normal((0, 0), cov, 80)
    mean = pts.mean(0)
    centred = pts - mean
    vals, vecs = np.linalg.eigh(np.cov(centred.T))
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    v1 = vecs[:, 0] * np.sign(vecs[0, 0])
    proj = mean + np.outer(centred @ v1, v1)
    for a, b in zip(pts, proj, strict=True):
        ax.plot([a[0], b[0]], [a[1], b[1]], color=GREY, lw=0.7, alpha=0.6)
    ax.scatter(pts[:, 0], pts[:, 1], s=14, color=BLUE, label="data")
    ax.scatter(proj[:, 0], proj[:, 1], s=12, color=ORANGE, label="projection onto PC1")
    t = np.linspace(-6, 6, 2)
    ax.plot(mean[0] + t * v1[0], mean[1] + t * v1[1], color=ORANGE, lw=1, alpha=0.6)
    for k, (color, name) in enumerate(((RED, "PC1"), (GREEN, "PC2"))):
        v = vecs[:, k] * (np.sign(vecs[0, k]) or 1) * 2 * sqrt(vals[k])
        arrow(ax, tuple(mean), (mean[0] + v[0], mean[1] + v[1]), color=color, width=2.6)
        ax.plot([], [], color=color, lw=2.6, label=f"{name}: variance {vals[k]:.2f} (arrow: 2 SD)")
    ax.set_aspect("equal")
    ax.set_xlim(-5.5, 5.5)
    ax.set_ylim(-3.3, 3.3)
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    legend(ax, loc="lower right")
    ax.grid(True)
    ax.set_title("Principal components: eigenvectors of the covariance, by decreasing variance")
    return fig


def tsne(x: np.ndarray, perplexity: float, seed: int, iters: int = 750) -> np.ndarray:
    """Exact t-SNE (van der Maaten & Hinton 2008) with early exaggeration, momentum and gains."""
    n = len(x)
    d2 = ((x[:, None] - x[None]) ** 2).sum(-1)
    p = np.zeros((n, n))
    target = np.log(perplexity)
    for i in range(n):
        lo, hi, beta = 0.0, np.inf, 1.0
        row = np.delete(d2[i], i)
        for _ in range(60):
            w = np.exp(-(row - row.min()) * beta)
            pr = w / w.sum()
            entropy = -np.sum(pr * np.log(np.maximum(pr, 1e-300)))
            if abs(entropy - target) < 1e-6:
                break
            if entropy > target:
                lo, beta = beta, beta * 2 if hi == np.inf else (beta + hi) / 2
            else:
                hi, beta = beta, (beta + lo) / 2
        p[i, np.arange(n) != i] = pr
    p = np.maximum((p + p.T) / (2 * n), 1e-12)
    g = rng(seed)
    y = g.normal(0, 1e-4, (n, 2))
    velocity, gains = np.zeros_like(y), np.ones_like(y)
    for it in range(iters):
        diff = y[:, None] - y[None]
        num = 1 / (1 + (diff**2).sum(-1))
        np.fill_diagonal(num, 0)
        q = np.maximum(num / num.sum(), 1e-12)
        exaggeration = 12.0 if it < 250 else 1.0
        grad = 4 * (((exaggeration * p - q) * num)[:, :, None] * diff).sum(1)
        gains = np.where(np.sign(grad) != np.sign(velocity), gains + 0.2, gains * 0.8).clip(0.01)
        velocity = (0.5 if it < 250 else 0.8) * velocity - 200.0 * gains * grad
        y = y + velocity
        y = y - y.mean(0)
    return y


@figure("unsup-tsne-reading-pitfalls", "algorithms-unsupervised",
        "The same three 10-dimensional clusters (standard deviations 0.3, 3 and 1) embedded by PCA and by "
        "t-SNE with perplexity 30: PCA keeps the real spreads, one cluster ten times wider than another, "
        "while t-SNE draws all three clusters about the same size, so cluster sizes in a t-SNE plot carry "
        "little meaning.")
def fig_tsne() -> Figure:
    fig, axes = new(3.6, ncols=2)
    g = rng(18)
    dim = 10
    centres = [np.zeros(dim), np.r_[8.0, np.zeros(dim - 1)], np.r_[0.0, 30.0, np.zeros(dim - 2)]]
    spreads = [0.3, 3.0, 1.0]
    names = ["tight (sd 0.3)", "wide (sd 3)", "far away (sd 1)"]
    x = np.vstack([g.normal(c, s, (70, dim)) for c, s in zip(centres, spreads, strict=True)])
    groups = np.repeat(np.arange(3), 70)
    centred = x - x.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    pca = centred @ vt[:2].T
    emb = tsne(x, 30, seed=19)
    colors = [BLUE, ORANGE, GREEN]
    for ax, z, title, axis in ((axes[0], pca, "PCA (linear): sizes and gaps kept", "PC"),
                               (axes[1], emb, "t-SNE: clusters look alike", "t-SNE")):
        for k in range(3):
            m = groups == k
            ax.scatter(z[m, 0], z[m, 1], s=9, color=colors[k], label=names[k])
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{axis} 1")
        ax.set_ylabel(f"{axis} 2")
        ax.set_aspect("equal", adjustable="datalim")
    legend(axes[0], loc="best", fontsize=8.5)
    return fig


@figure("kern-support-vectors", "algorithms-kernels-knn",
        "A hard-margin linear SVM on two separable classes: the solid line is the maximum-margin boundary, "
        "the dashed lines are the margins w.x + b = +1 and -1 at distance 1/||w|| on each side (width "
        "2/||w||), and the three circled points on the margins are the support vectors; the other points "
        "have alpha = 0 and could move without changing the solution.")
def fig_svm() -> Figure:
    fig, (ax,) = new(4.2)
    g = rng(20)
    w = np.array([1.0, 0.8])
    b = -2.9
    unit = w / np.linalg.norm(w)
    perp = np.array([-unit[1], unit[0]])
    x_neg = np.array([1.0, 1.0])
    x_neg = x_neg + (-1 - (w @ x_neg + b)) / (w @ w) * w  # on w.x + b = -1
    sv_pos = [x_neg + 2 * w / (w @ w) + s * perp for s in (-1.3, 1.3)]  # on w.x + b = +1
    # with alpha = |w|^2 / 4 for each positive and |w|^2 / 2 for the negative, sum(alpha y x) = w and
    # sum(alpha y) = 0: the KKT conditions hold, so (w, b) is the optimum
    pts, ys = [], []
    while len(pts) < 40:
        p = g.uniform((-1.0, -1.0), (4.5, 4.0))
        m = w @ p + b
        if abs(m) >= 1.35:
            pts.append(p)
            ys.append(1 if m > 0 else -1)
    pts_a, ys_a = np.array(pts), np.array(ys)
    ax.scatter(*pts_a[ys_a < 0].T, s=24, color=BLUE, label="class −1")
    ax.scatter(*pts_a[ys_a > 0].T, s=24, color=ORANGE, marker="^", label="class +1")
    ax.scatter(*x_neg, s=30, color=BLUE)
    ax.scatter(*np.array(sv_pos).T, s=36, color=ORANGE, marker="^")
    for p in [x_neg, *sv_pos]:
        ax.add_patch(Circle(p, 0.16, fill=False, edgecolor=GREEN, lw=2))
    xs = np.linspace(-1.2, 4.7, 2)
    for level, style, color in ((0, "-", VIOLET), (1, "--", GREY), (-1, "--", GREY)):
        ax.plot(xs, (level - b - w[0] * xs) / w[1], ls=style, color=color, lw=2 if level == 0 else 1.4)
    foot = x_neg + 1 / (w @ w) * w
    arrow(ax, tuple(foot - w / (w @ w) * 1.0), tuple(foot + w / (w @ w)), color=RED, style="<|-|>", width=1.6)
    spot = foot + 0.5 * w / (w @ w) + 0.9 * perp
    angle = float(np.degrees(np.arctan2(perp[1], perp[0]))) - 180
    ax.text(*spot, "margin 2/‖w‖", color=RED, fontsize=10, ha="center", va="center", rotation=angle)
    ax.scatter([], [], s=60, facecolors="none", edgecolors=GREEN, linewidths=2, label="support vectors (α > 0)")
    ax.plot([], [], color=VIOLET, label="w·x + b = 0")
    ax.plot([], [], color=GREY, ls="--", label="w·x + b = ±1")
    ax.set_xlim(-1.2, 4.7)
    ax.set_ylim(-1.2, 4.2)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Maximum-margin hyperplane: only the support vectors matter")
    return fig


@figure("kern-hinge-vs-logistic-loss", "algorithms-kernels-knn",
        "Loss against the margin y f(x) for the 0-1 loss, the hinge loss max(0, 1 - y f(x)) and the "
        "logistic loss log(1 + exp(-y f(x))) in bits: the hinge loss is exactly 0 from margin 1 on, while "
        "the logistic loss stays positive everywhere; both grow linearly for large negative margins.")
def fig_hinge_logistic() -> Figure:
    fig, (ax,) = new(3.5)
    m = np.linspace(-3, 4, 701)
    ax.plot(m, (m <= 0).astype(float), color=GREY, lw=1.6, ls="--", label="0–1 loss")
    ax.plot(m, np.maximum(0, 1 - m), color=BLUE, label="hinge  max(0, 1 − yf)")
    ax.plot(m, np.log2(1 + np.exp(-m)), color=ORANGE, label="logistic  log₂(1 + e^(−yf))")
    ax.axvline(1, color=BLUE, ls=":", lw=1)
    ax.annotate("hinge = 0 for yf ≥ 1:\nthese points are not\nsupport vectors", (1.6, 0.0), (1.8, 1.5), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.annotate("logistic never reaches 0", (3.2, np.log2(1 + np.exp(-3.2))), (2.3, 0.75), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.set_xlabel("margin y·f(x)  (negative = misclassified)")
    ax.set_ylabel("loss")
    ax.set_ylim(-0.1, 4)
    ax.grid(True)
    legend(ax, loc="upper right")
    ax.set_title("Hinge vs logistic loss (logistic scaled to pass through (0, 1))")
    return fig


@figure("lin-lasso-geometry", "algorithms-linear-models",
        "Constrained least squares in two coefficients: elliptical RSS contours around the OLS estimate "
        "expand until they touch the constraint region; the L1 diamond is first touched at a corner on the "
        "beta1 axis, so beta2 = 0 exactly, while the L2 disc is touched at a point where both coefficients are "
        "non-zero.")
def fig_lasso_geometry() -> Figure:
    fig, axes = new(3.45, ncols=2)
    centre = np.array([1.8, 0.9])
    a = np.array([[1.0, 0.55], [0.55, 0.9]])

    def rss(b: np.ndarray) -> np.ndarray:
        d = b - centre
        return np.einsum("...i,ij,...j->...", d, a, d)

    theta = np.linspace(0, 2 * np.pi, 20001)
    circle = np.stack([np.cos(theta), np.sin(theta)], -1)
    diamond = circle / np.abs(circle).sum(-1, keepdims=True)
    xx, yy = np.meshgrid(np.linspace(-1.6, 3.4, 400), np.linspace(-1.6, 2.6, 400))
    grid = np.stack([xx, yy], -1)
    for ax, region, name, color in ((axes[0], diamond, "lasso: |β₁| + |β₂| ≤ 1", ORANGE),
                                    (axes[1], circle, "ridge: β₁² + β₂² ≤ 1", BLUE)):
        values = rss(region)
        touch = region[int(np.argmin(values))]
        best = float(values.min())
        ax.add_patch(Polygon(region[::50], closed=True, facecolor=rgba(color, 0.25), edgecolor=color, lw=1.8))
        ax.contour(xx, yy, rss(grid), levels=[best * f for f in (0.5, 1, 1.6, 2.4)], colors=GREY,
                   linewidths=[0.8, 1.8, 0.8, 0.8])
        ax.plot(*centre, "o", color=GREY)
        ax.text(centre[0], centre[1] + 0.14, "β̂ (OLS)", fontsize=9.5, ha="center")
        ax.plot(*touch, "o", color=RED, ms=8)
        ax.axhline(0, color=GREY, lw=0.8)
        ax.axvline(0, color=GREY, lw=0.8)
        ax.set_aspect("equal")
        ax.set_xlim(-1.6, 3.4)
        ax.set_ylim(-1.6, 2.6)
        ax.set_xlabel("β₁")
        ax.set_ylabel("β₂")
        ax.set_title(f"{name}\nfirst touch (red): ({touch[0]:.2f}, {touch[1]:.2f})", color=color)
    return fig


@figure("lin-orthonormal-ridge-vs-lasso", "algorithms-linear-models",
        "With orthonormal features, the penalized coefficient against the OLS coefficient for lambda = 1: "
        "ridge scales every coefficient by 1/(1 + lambda), a line of slope 1/2, while the lasso soft-thresholds, "
        "setting coefficients with |beta| <= 1 to exactly 0 and shifting the others toward 0 by 1; the "
        "card's examples 3 and 0.5 are marked.")
def fig_ridge_lasso_shrink() -> Figure:
    fig, (ax,) = new(3.8)
    b = np.linspace(-4, 4, 801)
    lam = 1.0
    ax.plot(b, b, color=GREY, ls="--", lw=1.2, label="OLS  β̂")
    ax.plot(b, b / (1 + lam), color=BLUE, label="ridge  β̂ / (1 + λ)")
    ax.plot(b, np.sign(b) * np.maximum(np.abs(b) - lam, 0), color=ORANGE, label="lasso  sign(β̂)(|β̂| − λ)₊")
    ax.axvspan(-lam, lam, color=ORANGE, alpha=0.08, lw=0)
    ax.text(0, -2.6, "lasso sets\n|β̂| ≤ λ to 0", ha="center", fontsize=9, color=ORANGE)
    for x0, ridge, lasso, spot in ((3, 1.5, 2.0, (1.6, -1.3)), (0.5, 0.25, 0.0, (1.6, -2.2))):
        ax.plot([x0, x0], [ridge, lasso], "o", color=VIOLET, ms=5)
        ax.annotate(f"β̂ = {x0}: ridge {ridge:g}, lasso {lasso:g}", (x0, ridge), spot, fontsize=9.5, color=VIOLET,
                    arrowprops={"arrowstyle": "->", "color": VIOLET, "lw": 1})
    ax.set_xlabel("OLS coefficient β̂ⱼ")
    ax.set_ylabel("penalized coefficient (λ = 1)")
    ax.set_xlim(-4, 4)
    ax.set_ylim(-3, 3)
    ax.grid(True)
    legend(ax, loc="upper left")
    ax.set_title("Ridge shrinks proportionally; lasso soft-thresholds")
    return fig


@figure("imb-focal-loss", "challenges-imbalance",
        "Focal loss -(1 - p_t)^gamma log p_t against the probability of the true class p_t for gamma = 0 "
        "(cross-entropy), 0.5, 1, 2 and 5: the larger gamma, the more the loss of well-classified examples "
        "is suppressed; at p_t = 0.9, gamma = 2 gives one hundredth of the cross-entropy.")
def fig_focal() -> Figure:
    fig, (ax,) = new(3.6)
    pt = np.linspace(0.005, 1, 600)
    for gamma, color in ((0, GREY), (0.5, BLUE), (1, GREEN), (2, ORANGE), (5, RED)):
        ax.plot(pt, -((1 - pt) ** gamma) * np.log(pt), color=color,
                label="γ = 0 (cross-entropy)" if gamma == 0 else f"γ = {gamma}")
    ce, fl = -np.log(0.9), -(0.1**2) * np.log(0.9)
    ax.plot([0.9, 0.9], [fl, ce], "o", color=ORANGE)
    ax.annotate(f"p_t = 0.9: CE {ce:.3f} → γ = 2: {fl:.5f}\n(factor (1 − 0.9)² = 0.01)", (0.9, ce), (0.45, 1.6),
                fontsize=9, arrowprops={"arrowstyle": "->", "color": GREY})
    ax.axvspan(0.6, 1, color=GREEN, alpha=0.07, lw=0)
    ax.text(0.8, 4.3, "well-classified\n(easy) examples", ha="center", fontsize=9)
    ax.set_xlabel("probability of the true class p_t")
    ax.set_ylabel("loss")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5)
    ax.grid(True)
    legend(ax, loc="upper right", bbox_to_anchor=(1, 0.85))
    ax.set_title("Focal loss −(1 − p_t)^γ log p_t down-weights easy examples")
    return fig



# ---------------------------------------------------------------------------------------------- calibration, validation


def _binned(pred: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(pred, edges) - 1, 0, bins - 1)
    keep = [k for k in range(bins) if np.any(idx == k)]
    return (np.array([pred[idx == k].mean() for k in keep]), np.array([y[idx == k].mean() for k in keep]))


@figure("cal-reliability-diagram-reading", "evaluation-calibration",
        "Reliability diagram with 10 bins: mean predicted probability on the x-axis and observed fraction of "
        "positives on the y-axis; a calibrated model follows the diagonal, while an over-confident model "
        "lies below it at high predictions (too-high probabilities) and above it at low ones.")
def fig_reliability() -> Figure:
    fig, (ax,) = new(4.2)
    g = rng(21)
    true_p = g.beta(1.2, 1.2, 20000)
    y = (g.random(true_p.size) < true_p).astype(float)
    logit = np.log(true_p / (1 - true_p))
    ax.plot([0, 1], [0, 1], color=GREY, ls="--", lw=1.2, label="perfect calibration")
    curves = {}
    for pred, color, name in ((true_p, GREEN, "calibrated model"), (sigmoid(2.2 * logit), RED, "over-confident model")):
        curves[name] = _binned(pred, y)
        ax.plot(*curves[name], "o-", color=color, label=name)
    mx, my = curves["over-confident model"]
    hi, lo = int(np.argmax(mx - my)), int(np.argmax(my - mx))
    ax.annotate(f"below the diagonal:\npredicted {mx[hi]:.2f}, observed {my[hi]:.2f}:\nprobabilities too high",
                (mx[hi], my[hi]), (0.42, 0.1), fontsize=9, arrowprops={"arrowstyle": "->", "color": GREY})
    ax.annotate(f"above: predicted {mx[lo]:.2f},\nobserved {my[lo]:.2f}: too low", (mx[lo], my[lo]),
                (0.04, 0.6), fontsize=9, arrowprops={"arrowstyle": "->", "color": GREY})
    ax.set_xlabel("mean predicted probability in the bin")
    ax.set_ylabel("observed fraction of positives")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.grid(True)
    legend(ax, loc="upper left")
    ax.set_title("Reliability diagram (calibration curve)")
    return fig


def _pav(y: np.ndarray) -> np.ndarray:
    """Pool-adjacent-violators: the non-decreasing least-squares fit to ``y`` (already sorted by score)."""
    means, sizes = [], []
    for v in y:
        means.append(float(v))
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            m2, s2 = means.pop(), sizes.pop()
            m1, s1 = means.pop(), sizes.pop()
            means.append((m1 * s1 + m2 * s2) / (s1 + s2))
            sizes.append(s1 + s2)
    return np.repeat(means, sizes)


def _platt(score: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood fit of P(y = 1 | s) = sigmoid(a s + b) by Newton's method."""
    a, b = 0.0, 0.0
    x = np.stack([score, np.ones_like(score)], 1)
    for _ in range(50):
        p = sigmoid(a * score + b)
        grad = x.T @ (y - p)
        hess = (x * (p * (1 - p))[:, None]).T @ x
        a, b = np.array([a, b]) + np.linalg.solve(hess, grad)
    return float(a), float(b)


@figure("cal-platt-vs-isotonic", "evaluation-calibration",
        "Recalibrating scores whose true positive rate rises in two steps, from 2,000 held-out examples: "
        "Platt scaling's single sigmoid cannot follow the plateau between the steps, while isotonic "
        "regression's non-decreasing step function tracks it; binned observed rates are shown as dots.")
def fig_platt_isotonic() -> Figure:
    fig, (ax,) = new(3.8)
    g = rng(22)

    def truth(sv: np.ndarray) -> np.ndarray:
        return 0.05 + 0.4 * sigmoid((sv - 0.25) * 40) + 0.5 * sigmoid((sv - 0.75) * 40)

    score = np.sort(g.random(2000))
    y = (g.random(score.size) < truth(score)).astype(float)
    grid = np.linspace(0, 1, 400)
    a, b = _platt(score, y)
    iso = _pav(y)
    mx, my = _binned(score, y, 20)
    ax.plot(grid, truth(grid), color=GREY, ls="--", lw=1.4, label="true P(y = 1 | score)")
    ax.plot(mx, my, "o", color=GREY, ms=4, label="observed rate (20 bins)")
    ax.plot(grid, sigmoid(a * grid + b), color=BLUE, label="Platt: sigmoid(a·s + b)")
    ax.step(score, iso, where="post", color=ORANGE, lw=1.8, label="isotonic: non-decreasing steps")
    ax.set_xlabel("classifier score s")
    ax.set_ylabel("calibrated probability")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(True)
    legend(ax, loc="upper left")
    ax.set_title("Platt fits 2 parameters; isotonic fits any monotone shape")
    return fig


def _folds(ax: Axes, rows: list[list[tuple[int, int, str]]], n: int, labels: list[str],
           title: str = "", x_label: str = "samples →") -> None:
    """Draw one row per split: each segment is (start, stop, kind) with kind in train/test/gap/unused."""
    colors = {"train": BLUE, "test": ORANGE, "gap": RED, "unused": GREY, "val": GREEN}
    fills = {"train": 0.55, "test": 0.75, "gap": 0.25, "unused": 0.08, "val": 0.7}
    for r, segments in enumerate(rows):
        y = len(rows) - 1 - r
        for start, stop, kind in segments:
            ax.add_patch(Rectangle((start, y + 0.15), stop - start, 0.7, facecolor=rgba(colors[kind], fills[kind]),
                                   edgecolor=colors[kind] if kind != "unused" else rgba(GREY, 0.5), lw=1,
                                   hatch="///" if kind == "gap" else None))
        ax.text(-0.01 * n, y + 0.5, labels[r], ha="right", va="center", fontsize=9.5)
    ax.set_xlim(-0.005 * n, n * 1.005)
    ax.set_ylim(-0.1, len(rows) + 0.1)
    ax.set_yticks([])
    ax.spines[["left"]].set_visible(False)
    ax.set_xlabel(x_label)
    if title:
        ax.set_title(title)


def _fold_legend(fig: Figure, kinds: tuple[str, ...], test_name: str = "test / validation") -> None:
    names = {"train": "training", "test": test_name, "gap": "gap (dropped)", "unused": "not used",
             "val": "inner validation"}
    colors = {"train": BLUE, "test": ORANGE, "gap": RED, "unused": GREY, "val": GREEN}
    fills = {"train": 0.55, "test": 0.75, "gap": 0.25, "unused": 0.08, "val": 0.7}
    handles = [Rectangle((0, 0), 1, 1, facecolor=rgba(colors[k], fills[k]), edgecolor=colors[k],
                         hatch="///" if k == "gap" else None) for k in kinds]
    fig.legend(handles, [names[k] for k in kinds], loc="outside lower center", ncols=len(kinds))


def _tss(n: int, splits: int, gap: int = 0, max_train: int | None = None) -> list[list[tuple[int, int, str]]]:
    """The splits of scikit-learn's TimeSeriesSplit (same arithmetic as its ``split``)."""
    size = n // (splits + 1)
    rows = []
    for test_start in range(n - splits * size, n, size):
        train_end = test_start - gap
        train_start = train_end - max_train if max_train and max_train < train_end else 0
        seg = [(0, train_start, "unused"), (train_start, train_end, "train"), (train_end, test_start, "gap"),
               (test_start, test_start + size, "test"), (test_start + size, n, "unused")]
        rows.append([t for t in seg if t[1] > t[0]])
    return rows


@figure("val-holdout-vs-cross-validation", "evaluation-validation",
        "Hold-out versus 5-fold cross-validation on the same data: a hold-out split trains one model and "
        "scores it on a single 20% block, while 5-fold CV trains five models, each scored on a different "
        "fifth, so every example is used for validation exactly once.")
def fig_holdout_cv() -> Figure:
    fig, (a1, a2) = new(3.6, nrows=2, gridspec_kw={"height_ratios": [1, 4.2]}, sharex=True)
    n = 100
    _folds(a1, [[(0, 80, "train"), (80, 100, "test")]], n, ["hold-out"], "One hold-out split: one model, one score")
    a1.set_xlabel("")
    rows = [[(0, 20 * k, "train"), (20 * k, 20 * k + 20, "test"), (20 * k + 20, n, "train")] for k in range(5)]
    _folds(a2, [[t for t in r if t[1] > t[0]] for r in rows], n, [f"fold {k + 1}" for k in range(5)],
           "5-fold CV: five models, every example validated once", "examples (shuffled) →")
    _fold_legend(fig, ("train", "test"))
    return fig


@figure("val-time-series-split", "evaluation-validation",
        "The five splits of scikit-learn's TimeSeriesSplit(n_splits=5) on 63 time-ordered samples: test "
        "blocks of 63 // 6 = 10 samples, the 3 leftover samples go to the first training block, and each "
        "training set is an expanding window of everything before its test block.")
def fig_tss() -> Figure:
    fig, (ax,) = new(3.0)
    n = 63
    _folds(ax, _tss(n, 5), n, [f"split {k + 1}" for k in range(5)],
           "TimeSeriesSplit(n_splits=5): expanding window, test always later", "time (sample index) →")
    _fold_legend(fig, ("train", "test", "unused"))
    return fig


@figure("val-time-series-gap", "evaluation-validation",
        "TimeSeriesSplit(n_splits=5, gap=3) on 63 time-ordered samples: in every split the 3 samples just "
        "before the test block are dropped from training, so training labels that look ahead into the "
        "test period cannot leak into the score.")
def fig_tss_gap() -> Figure:
    fig, (ax,) = new(3.0)
    n = 63
    _folds(ax, _tss(n, 5, gap=3), n, [f"split {k + 1}" for k in range(5)],
           "TimeSeriesSplit(n_splits=5, gap=3): a buffer before each test block", "time (sample index) →")
    _fold_legend(fig, ("train", "gap", "test", "unused"))
    return fig


@figure("val-time-series-max-train-size", "evaluation-validation",
        "TimeSeriesSplit(n_splits=5, max_train_size=20) on 63 time-ordered samples: each training set is capped "
        "at the 20 most recent samples before its test block (the first split has only 13), so the expanding "
        "window becomes a sliding window of constant size and older samples go unused.")
def fig_tss_max_train() -> Figure:
    fig, (ax,) = new(3.0)
    n = 63
    _folds(ax, _tss(n, 5, max_train=20), n, [f"split {k + 1}" for k in range(5)],
           "TimeSeriesSplit(n_splits=5, max_train_size=20): sliding window", "time (sample index) →")
    _fold_legend(fig, ("train", "test", "unused"))
    return fig


@figure("val-leave-one-group-out", "evaluation-validation",
        "LeaveOneGroupOut with 5 hospitals of different sizes: each of the 5 folds trains on four hospitals "
        "and tests on the whole fifth one, so every score estimates performance at a hospital the model "
        "never saw.")
def fig_logo() -> Figure:
    fig, (ax,) = new(3.3)
    sizes = [26, 14, 22, 18, 20]
    bounds = np.r_[0, np.cumsum(sizes)]
    n = int(bounds[-1])
    rows = []
    for k in range(5):
        rows.append([(int(bounds[j]), int(bounds[j + 1]), "test" if j == k else "train") for j in range(5)])
    _folds(ax, rows, n, [f"fold {k + 1}" for k in range(5)], "LeaveOneGroupOut(groups=hospital_id)",
           "rows, grouped by hospital →")
    for j in range(5):
        ax.text((bounds[j] + bounds[j + 1]) / 2, 5.05, f"hospital {'ABCDE'[j]}", ha="center", va="bottom", fontsize=9)
        if j:
            ax.axvline(bounds[j], color=GREY, lw=0.8, ls=":")
    ax.set_ylim(-0.1, 5.6)
    _fold_legend(fig, ("train", "test"))
    return fig


@figure("val-nested-cross-validation", "evaluation-validation",
        "Nested cross-validation: an outer 3-fold loop holds out a test fold each time, and inside the "
        "outer training part an inner 3-fold loop chooses the hyperparameters; the outer test fold is never "
        "seen by the tuning, so the outer scores estimate the whole tuned procedure.")
def fig_nested_cv() -> Figure:
    fig, (a1, a2) = new(3.9, nrows=2, gridspec_kw={"height_ratios": [3, 3]}, sharex=True)
    n = 90
    outer = [[(0, 30 * k, "train"), (30 * k, 30 * k + 30, "test"), (30 * k + 30, n, "train")] for k in range(3)]
    _folds(a1, [[t for t in r if t[1] > t[0]] for r in outer], n, [f"outer {k + 1}" for k in range(3)],
           "Outer loop: score the tuned model on a fold the tuning never saw")
    a1.set_xlabel("")
    inner = [[(0, 30, "test")] + [t for t in ((30, 30 + 20 * k, "train"), (30 + 20 * k, 50 + 20 * k, "val"),
                                                 (50 + 20 * k, n, "train")) if t[1] > t[0]] for k in range(3)]
    _folds(a2, inner, n, [f"inner {k + 1}" for k in range(3)],
           "Inner loop inside outer split 1: choose hyperparameters on its training part only", "examples →")
    _fold_legend(fig, ("train", "val", "test"), test_name="outer test fold (never used for tuning)")
    return fig


@figure("reg-pinball-loss", "evaluation-regression",
        "Left: the pinball loss for true value y = 100 against the prediction q, for tau = 0.9 and tau = 0.5; "
        "with tau = 0.9 under-predicting by 10 costs 9 while over-predicting by 10 costs 1. Right: the "
        "expected pinball loss over a skewed target distribution is minimized at its 0.5 and 0.9 quantiles.")
def fig_pinball() -> Figure:
    fig, (a1, a2) = new(3.5, ncols=2)
    q = np.linspace(70, 130, 601)
    for tau, color in ((0.9, ORANGE), (0.5, BLUE)):
        loss = np.where(q <= 100, tau * (100 - q), (1 - tau) * (q - 100))
        a1.plot(q, loss, color=color, label=f"τ = {tau}")
    a1.plot([90, 110], [9, 1], "o", color=ORANGE)
    a1.annotate("q = 90:\n0.9 × 10 = 9", (90, 9), (71, 0.8), fontsize=9, color=ORANGE,
                arrowprops={"arrowstyle": "->", "color": ORANGE})
    a1.annotate("q = 110:\n0.1 × 10 = 1", (110, 1), (104, 16), fontsize=9, color=ORANGE,
                arrowprops={"arrowstyle": "->", "color": ORANGE})
    a1.axvline(100, color=GREY, ls=":", lw=1)
    a1.set_xlabel("prediction q (true y = 100)")
    a1.set_ylabel("pinball loss")
    a1.set_title("Asymmetric: under-predicting costs τ")
    a1.grid(True)
    legend(a1, loc="upper right")
    g = rng(23)
    ys = g.lognormal(np.log(100), 0.35, 20000)
    grid = np.linspace(60, 200, 281)
    for tau, color in ((0.9, ORANGE), (0.5, BLUE)):
        diff = ys[None, :] - grid[:, None]
        exp_loss = np.where(diff >= 0, tau * diff, (tau - 1) * diff).mean(1)
        a2.plot(grid, exp_loss, color=color, label=f"τ = {tau}")
        quant = float(np.quantile(ys, tau))
        a2.axvline(quant, color=color, ls="--", lw=1.2)
        a2.text(quant + 2, 14 if tau == 0.9 else exp_loss.max() * 0.95, f"{tau}-quantile\n= {quant:.0f}",
                fontsize=9, color=color)
    a2.set_xlabel("constant prediction q")
    a2.set_ylabel("expected pinball loss")
    a2.set_title("Minimized at the τ-quantile of y")
    a2.grid(True)
    legend(a2, loc="center", bbox_to_anchor=(0.46, 0.7))
    return fig


@figure("reg-mse-mean-mae-median", "evaluation-regression",
        "For a right-skewed target: left, its histogram with the mean above the median; right, the mean "
        "squared error and the mean absolute error of a constant prediction c, each relative to its own "
        "minimum, bottoming out at the mean and at the median respectively.")
def fig_mean_median() -> Figure:
    fig, (a1, a2) = new(3.4, ncols=2)
    g = rng(24)
    ys = g.lognormal(0, 0.75, 20000)
    mean, median = float(ys.mean()), float(np.median(ys))
    a1.hist(ys, bins=np.linspace(0, 6, 61), color=rgba(BLUE, 0.55), edgecolor="none")
    a1.axvline(mean, color=ORANGE, lw=2, label=f"mean = {mean:.2f}")
    a1.axvline(median, color=GREEN, lw=2, label=f"median = {median:.2f}")
    a1.set_xlabel("target y")
    a1.set_ylabel("count")
    a1.set_title("A right-skewed target")
    legend(a1, loc="upper right")
    c = np.linspace(0.3, 3.0, 271)
    mse = ((ys[None, :] - c[:, None]) ** 2).mean(1)
    mae = np.abs(ys[None, :] - c[:, None]).mean(1)
    a2.plot(c, mse / mse.min(), color=ORANGE, label="E[(y − c)²] / min")
    a2.plot(c, mae / mae.min(), color=GREEN, label="E|y − c| / min")
    a2.axvline(c[np.argmin(mse)], color=ORANGE, ls="--", lw=1)
    a2.axvline(c[np.argmin(mae)], color=GREEN, ls="--", lw=1)
    a2.set_xlabel("constant prediction c")
    a2.set_ylabel("loss relative to its minimum")
    a2.set_ylim(0.95, 1.8)
    a2.set_title("MSE → mean, MAE → median")
    a2.grid(True)
    legend(a2, loc="lower right")
    return fig


# ---------------------------------------------------------------------------------------------- probability, inference


@figure("prob-normal-interval-probabilities", "math-probability",
        "Standard normal density with shaded central areas: 68.3% of the mass lies within plus or minus 1, "
        "95.0% within plus or minus 1.96 and 99.7% within plus or minus 3 standard deviations.")
def fig_normal_areas() -> Figure:
    fig, (ax,) = new(3.5)
    x = np.linspace(-4, 4, 801)
    ax.plot(x, normal_pdf(x), color=GREY, lw=1.6)
    for lo, hi, color in ((0, 1, BLUE), (1, 1.96, ORANGE), (1.96, 3, GREEN)):  # disjoint bands, both sides
        for sign in (1, -1):
            m = (np.abs(x) >= lo) & (np.abs(x) <= hi) & (np.sign(x) * sign >= 0)
            ax.fill_between(x[m], normal_pdf(x[m]), color=color, alpha=0.4, lw=0)
    for z, color, y in ((1, BLUE, 0.44), (1.96, ORANGE, 0.47), (3, GREEN, 0.50)):
        share = float(normal_cdf(z) - normal_cdf(-z))
        ax.annotate("", (-z, y), (z, y), arrowprops={"arrowstyle": "<->", "color": color, "lw": 1.4})
        ax.text(z + 0.08, y, f"±{z:g}: {share:.1%}", color=color, va="center", fontsize=10)
    ax.set_xticks([-3, -1.96, -1, 0, 1, 1.96, 3], ["−3", "−1.96", "−1", "0", "1", "1.96", "3"])
    ax.set_xlabel("z (standard deviations from the mean)")
    ax.set_ylabel("density")
    ax.set_ylim(0, 0.54)
    ax.set_xlim(-4, 4.6)
    ax.set_title("N(0, 1): P(|Z| < 1), P(|Z| < 1.96), P(|Z| < 3)")
    return fig


@figure("prob-central-limit-theorem", "math-probability",
        "Histograms of 20,000 sample means of a skewed exponential distribution (mean 1, variance 1) for "
        "sample sizes n = 1, 2, 5 and 30, each with the normal density N(1, 1/n) the central limit theorem "
        "predicts: the skew fades and the histograms match the normal curve as n grows.")
def fig_clt() -> Figure:
    fig, axes = new(2.9, ncols=4, sharey=False)
    g = rng(25)
    for ax, n in zip(axes, (1, 2, 5, 30), strict=True):
        means = g.exponential(1.0, (20000, n)).mean(1)
        hi = 1 + 4.5 / sqrt(n)
        bins = np.linspace(max(0, 1 - 4 / sqrt(n)), hi, 40)
        ax.hist(means, bins=bins, density=True, color=rgba(BLUE, 0.55), edgecolor="none")
        xs = np.linspace(bins[0], hi, 300)
        ax.plot(xs, normal_pdf(xs, 1, 1 / sqrt(n)), color=ORANGE, lw=1.8)
        ax.set_title(f"n = {n}")
        ax.set_yticks([])
        ax.set_xlabel("sample mean")
    axes[0].set_ylabel("density")
    axes[0].plot([], [], color=ORANGE, label="N(1, 1/n)")
    legend(axes[0], loc="upper right", fontsize=8.5)
    return fig


@figure("prob-cauchy-no-mean", "math-probability",
        "Running sample means over up to 100,000 draws, log scale: three sequences of standard normal draws "
        "settle onto 0, while three sequences of standard Cauchy draws keep jumping whenever a huge value "
        "arrives and never converge.")
def fig_cauchy() -> Figure:
    fig, (ax,) = new(3.5)
    g = rng(26)
    n = 100_000
    k = np.arange(1, n + 1)
    for r in range(3):
        ax.plot(k, np.cumsum(g.standard_cauchy(n)) / k, color=ORANGE, lw=1.2, alpha=1 - 0.25 * r,
                label="standard Cauchy (3 runs)" if r == 0 else None)
    for r in range(3):
        ax.plot(k, np.cumsum(g.normal(size=n)) / k, color=BLUE, lw=1.4, alpha=1 - 0.25 * r,
                label="standard normal (3 runs)" if r == 0 else None)
    ax.axhline(0, color=GREY, lw=0.8)
    ax.set_xscale("log")
    ax.set_ylim(-6, 6)
    ax.set_xlim(1, n)
    ax.set_xlabel("number of draws n (log scale)")
    ax.set_ylabel("running mean  X̄ₙ")
    ax.grid(True)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2)
    ax.set_title("No mean, no law of large numbers: X̄ₙ of Cauchy draws is Cauchy for every n")
    return fig


@figure("inf-type-i-ii-errors-power", "math-inference",
        "Sampling distributions of the test statistic under H0 (centred at 0) and under an alternative "
        "(centred at 2.5) with a one-sided critical value of 1.645: the H0 tail beyond it is alpha = 0.05, "
        "the alternative's mass below it is beta (about 0.20), and the rest of the alternative is the power "
        "(about 0.80).")
def fig_type_errors() -> Figure:
    fig, (ax,) = new(3.5)
    x = np.linspace(-3.5, 6, 951)
    crit, shift = 1.645, 2.5
    h0, h1 = normal_pdf(x), normal_pdf(x, shift)
    ax.plot(x, h0, color=BLUE, label="H₀ true")
    ax.plot(x, h1, color=ORANGE, label="alternative true (effect 2.5 SE)")
    ax.fill_between(x[x >= crit], h0[x >= crit], h1[x >= crit], color=GREEN, alpha=0.25, lw=0)
    ax.fill_between(x[x <= crit], h1[x <= crit], color=VIOLET, alpha=0.35, lw=0)
    ax.fill_between(x[x >= crit], h0[x >= crit], color=RED, alpha=0.6, lw=0)
    beta = float(normal_cdf(crit - shift))
    ax.axvline(crit, color=GREY, ls="--", lw=1.3)
    ax.text(crit + 0.1, 0.44, "reject H₀ →", fontsize=9.5)
    ax.text(crit - 0.1, 0.44, "← do not reject", fontsize=9.5, ha="right")
    ax.annotate("α = 0.05: Type I error", (2.0, 0.02), (4.2, 0.2), color=RED, fontsize=9.5,
                arrowprops={"arrowstyle": "->", "color": RED})
    ax.annotate(f"β = {beta:.2f}:\nType II error", (1.2, 0.06), (-3.4, 0.3), color=VIOLET, fontsize=9.5,
                arrowprops={"arrowstyle": "->", "color": VIOLET})
    ax.text(2.55, 0.13, f"power\n= 1 − β\n= {1 - beta:.2f}", color=GREEN, fontsize=10, ha="center")
    ax.set_xlabel("test statistic (in standard errors)")
    ax.set_ylabel("density")
    ax.set_ylim(0, 0.5)
    legend(ax, loc="upper right", fontsize=8.5)
    ax.set_title("One-sided z-test at α = 0.05")
    return fig


@figure("inf-ci-interpretation", "math-inference",
        "Fifty 95% confidence intervals for a mean, each from a new sample of 30 draws from a distribution "
        "whose true mean is 10: most intervals cover the dashed true value and the few drawn in red miss "
        "it; the 95% describes how often the procedure covers, not one interval.")
def fig_ci() -> Figure:
    fig, (ax,) = new(3.6)
    g = rng(27)
    mu, sd, n, reps = 10.0, 2.0, 30, 50
    t_crit = 2.045  # t quantile 0.975 with 29 degrees of freedom
    samples = g.normal(mu, sd, (reps, n))
    centre = samples.mean(1)
    half = t_crit * samples.std(1, ddof=1) / sqrt(n)
    miss = np.abs(centre - mu) > half
    for i in range(reps):
        color = RED if miss[i] else BLUE
        ax.plot([i, i], [centre[i] - half[i], centre[i] + half[i]], color=color, lw=2 if miss[i] else 1.4)
        ax.plot(i, centre[i], "o", color=color, ms=3)
    ax.axhline(mu, color=GREY, ls="--", lw=1.3)
    ax.text(reps - 0.5, mu + 1.85, f"{miss.sum()} of {reps} miss the true mean 10 (red)", ha="right",
            fontsize=9.5, color=RED)
    ax.set_xlabel("repeated sample")
    ax.set_ylabel("95% CI for the mean")
    ax.set_xlim(-1, reps)
    ax.set_ylim(mu - 2.3, mu + 2.3)
    ax.grid(True, axis="y")
    ax.set_title("Coverage is a property of the procedure, not of one interval")
    return fig


@figure("inf-peeking", "math-inference",
        "Simulated A/A tests with no true effect. Left: p-value paths of five tests checked daily for 30 "
        "days, two of them dipping below 0.05 at some point by chance. Right: the false-positive rate of "
        "stopping at the first look with p < 0.05 grows with the number of looks, from 5% with one look to "
        "about 25% or more with 30.")
def fig_peeking() -> Figure:
    fig, (a1, a2) = new(3.5, ncols=2)
    g = rng(28)
    days = 30
    inc = g.normal(size=(4000, days))
    z = np.cumsum(inc, 1) / np.sqrt(np.arange(1, days + 1))
    p = 2 * (1 - normal_cdf(np.abs(z)))
    for r, color in zip(range(5), PALETTE, strict=False):
        a1.plot(np.arange(1, days + 1), p[r], color=color, lw=1.3)
    a1.axhline(0.05, color=RED, ls="--", lw=1.3)
    a1.text(1, 0.056, "p = 0.05", color=RED, ha="left", va="bottom", fontsize=9)
    a1.set_yscale("log")
    a1.set_xlabel("day (one look per day)")
    a1.set_ylabel("p-value (log scale)")
    a1.set_title("A/A tests: p-values wander")
    a1.grid(True)
    looks = np.arange(1, days + 1)
    fpr = [(p[:, :k] < 0.05).any(1).mean() for k in looks]
    a2.plot(looks, fpr, "o-", color=ORANGE, ms=3.5)
    a2.axhline(0.05, color=GREY, ls=":", lw=1.2)
    a2.text(29, 0.065, "nominal 5%", ha="right", fontsize=9)
    a2.set_xlabel("number of looks")
    a2.set_ylabel("false-positive rate")
    a2.set_ylim(0, max(fpr) * 1.15)
    a2.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    a2.set_title("Stop at the first p < 0.05")
    a2.grid(True)
    return fig


@figure("info-kl-forward-reverse", "math-information-theory",
        "A bimodal density p (two separated bumps) approximated by a single Gaussian q: minimizing the "
        "forward KL(p || q) gives a wide Gaussian covering both modes and the gap between them, while "
        "minimizing the reverse KL(q || p) gives a narrow Gaussian locked onto one mode.")
def fig_kl() -> Figure:
    fig, (ax,) = new(3.5)
    x = np.linspace(-8, 8, 3201)
    dx = x[1] - x[0]
    p = 0.5 * normal_pdf(x, -2, 0.6) + 0.5 * normal_pdf(x, 2, 0.6)
    mean_p = float((x * p).sum() * dx)
    sd_p = sqrt(float(((x - mean_p) ** 2 * p).sum() * dx))  # forward KL: moment matching
    best, best_kl = (0.0, 1.0), np.inf
    for mu in np.linspace(-3, 3, 121):
        for sd in np.linspace(0.3, 3, 109):
            q = normal_pdf(x, mu, sd)
            kl = float((q * (np.log(np.maximum(q, 1e-300)) - np.log(np.maximum(p, 1e-300)))).sum() * dx)
            if kl < best_kl:
                best, best_kl = (float(mu), float(sd)), kl
    ax.fill_between(x, p, color=rgba(GREY, 0.3), lw=0)
    ax.plot(x, p, color=GREY, lw=1.6, label="p: bimodal target")
    ax.plot(x, normal_pdf(x, mean_p, sd_p), color=BLUE, lw=2.2,
            label=f"argmin KL(p‖q): mass-covering, N({mean_p:.1f}, {sd_p:.2f}²)")
    ax.plot(x, normal_pdf(x, *best), color=ORANGE, lw=2.2,
            label=f"argmin KL(q‖p): mode-seeking, N({best[0]:.1f}, {best[1]:.2f}²)")
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.set_xlim(-6, 6)
    ax.set_ylim(0, 0.98)
    legend(ax, loc="upper left")
    ax.set_title("Fitting one Gaussian to two modes: forward vs reverse KL")
    return fig


@figure("info-entropy-biased-coin", "math-information-theory",
        "The binary entropy H(p) = -p log2 p - (1 - p) log2 (1 - p) in bits against the probability of heads: "
        "0 for a certain outcome, a maximum of 1 bit for a fair coin, and 0.811 bits at p = 0.25.")
def fig_entropy() -> Figure:
    fig, (ax,) = new(3.3)
    pr = np.linspace(1e-6, 1 - 1e-6, 801)
    h = -pr * np.log2(pr) - (1 - pr) * np.log2(1 - pr)
    ax.plot(pr, h, color=BLUE)
    h25 = -0.25 * np.log2(0.25) - 0.75 * np.log2(0.75)
    ax.plot([0.25, 0.5], [h25, 1], "o", color=ORANGE)
    ax.annotate(f"p = 0.25: {h25:.3f} bits", (0.25, h25), (0.02, 0.93), fontsize=9.5,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.annotate("fair coin: 1 bit", (0.5, 1), (0.6, 1.03), fontsize=9.5,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.set_xlabel("P(heads) = p")
    ax.set_ylabel("entropy H(p) (bits)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.12)
    ax.grid(True)
    ax.set_title("Binary entropy: the more predictable, the fewer bits")
    return fig



# ---------------------------------------------------------------------------------------------- ML systems


@figure("rec-two-tower", "algorithms-recommenders",
        "Two-tower retrieval: user features go through a user tower to an embedding u and item features "
        "through a separate item tower to an embedding v, scored by the dot product u.v; the item embeddings "
        "are computed offline and stored in an approximate nearest-neighbour index, which returns the top "
        "candidates for a user in milliseconds.")
def fig_two_tower() -> Figure:
    fig, ax = canvas((0, 13), (0.3, 6.0))
    box(ax, 0.3, 0.6, 2.4, 0.9, "user / query\nfeatures", BLUE, size=9.5)
    box(ax, 0.3, 2.1, 2.4, 1.3, "user tower\n(MLP)", BLUE, size=10)
    box(ax, 0.9, 4.0, 1.2, 0.7, "u", BLUE, fill=0.35, size=12)
    box(ax, 4.6, 0.6, 2.4, 0.9, "item features\n(id, text, …)", ORANGE, size=9.5)
    box(ax, 4.6, 2.1, 2.4, 1.3, "item tower\n(MLP)", ORANGE, size=10)
    box(ax, 5.2, 4.0, 1.2, 0.7, "v", ORANGE, fill=0.35, size=12)
    for x in (1.5, 5.8):
        arrow(ax, (x, 1.5), (x, 2.1))
        arrow(ax, (x, 3.4), (x, 4.0))
    ax.add_patch(Circle((3.65, 4.35), 0.42, facecolor=rgba(VIOLET, 0.2), edgecolor=VIOLET, lw=1.6))
    ax.text(3.65, 4.35, "u·v", ha="center", va="center", fontsize=10.5)
    arrow(ax, (2.1, 4.35), (3.23, 4.35))
    arrow(ax, (5.2, 4.35), (4.07, 4.35))
    ax.text(3.65, 3.75, "score u·v:\nthe towers\nmeet only\nhere", ha="center", va="top", fontsize=9)
    ax.plot([8.0, 8.0], [0.3, 5.3], color=GREY, ls=":", lw=1)
    ax.text(10.45, 5.3, "serving", ha="center", fontsize=11)
    box(ax, 8.6, 3.2, 3.8, 1.2, "ANN index of item vectors v\n(precomputed offline)", ORANGE, size=9.5)
    box(ax, 8.6, 0.7, 3.8, 1.2, "top-k items for this u\n(millions → hundreds, ms)", GREEN, size=9.5)
    arrow(ax, (10.5, 3.2), (10.5, 1.9))
    arrow(ax, (6.4, 4.6), (8.6, 3.9), color=ORANGE, connectionstyle="arc3,rad=-0.2")
    ax.text(7.45, 3.95, "embed\nall items", fontsize=9, ha="center", va="top", color=ORANGE)
    arrow(ax, (1.5, 4.7), (9.2, 4.4), color=BLUE, connectionstyle="arc3,rad=-0.25")
    ax.text(4.9, 5.65, "query the index with u", fontsize=9, color=BLUE, ha="center")
    return fig


@figure("sysd-multistage-funnel", "mlops-system-design",
        "A recommendation funnel drawn as shrinking bars: about ten million items in the corpus, cut by cheap "
        "high-recall candidate generation to a few hundred, scored and ordered by a heavy ranking model with "
        "rich features, whose top few dozen are re-ranked for diversity, freshness and business rules into "
        "the ten or so items shown.")
def fig_funnel() -> Figure:
    fig, ax = canvas((0, 13), (0, 5.4))
    stages = [("corpus", "~10,000,000 items", 8.6, GREY, "the whole catalogue"),
              ("candidate generation", "~500", 6.6, BLUE, "ANN, co-visits, popularity:\n"
               "cheap per item, high recall"),
              ("ranking", "top ~50", 4.8, ORANGE, "heavy model, rich features:\nscores all ~500, precise order"),
              ("re-ranking", "~10 shown", 3.6, GREEN, "diversity, freshness,\nbusiness rules")]
    y = 4.4
    for name, count, width, color, note in stages:
        x0 = 4.6 - width / 2
        box(ax, x0, y, width, 0.75, f"{name}: {count}", color, fill=0.25, size=10)
        ax.text(9.1, y + 0.37, note, va="center", fontsize=9, color=color if color != GREY else GREY)
        y -= 1.25
    for y0 in (4.4, 3.15, 1.9):
        arrow(ax, (4.6, y0), (4.6, y0 - 0.5))
    ax.text(0.25, 0.25, "recall first, precision last: each stage spends compute on fewer items", fontsize=9.5)
    return fig


@figure("cicd-canary-release", "mlops-cicd-rollout",
        "Share of live traffic sent to a new model version over a canary release: 1% at first, then 5%, 25%, "
        "50% and 100% after each healthy check of errors, latency and business metrics; a failed check at "
        "the 5% stage instead sends all traffic back to the old version.")
def fig_canary() -> Figure:
    fig, (ax,) = new(3.5)
    t = np.array([0, 2, 4, 6, 8, 10])
    share = np.array([1, 5, 25, 50, 100, 100])
    ax.step(t, share, where="post", color=GREEN, lw=2.4, label="healthy: ramp up in steps")
    ax.step([0, 2, 4, 10], [1, 5, 0, 0], where="post", color=RED, lw=1.8, ls="--",
            label="check fails at 5%: automatic rollback")
    for x in (2, 4, 6, 8):
        ax.axvline(x, color=GREY, ls=":", lw=0.9)
    ax.text(4.1, 72, "dotted lines: health checks\n(errors, latency, key metrics)", fontsize=9, va="top")
    for x, v in zip(t[:5], share[:5], strict=True):
        ax.text(x + 0.1, v + 2.5, f"{v}%", fontsize=9.5, color=GREEN)
    ax.set_xlabel("time (e.g. hours since release)")
    ax.set_ylabel("traffic to the new version (%)")
    ax.set_ylim(-4, 110)
    ax.set_xlim(0, 10)
    ax.grid(True, axis="y")
    legend(ax, loc="upper left")
    ax.set_title("Canary release: small blast radius first, ramp up only while healthy")
    return fig


def _psi(expected: np.ndarray, actual: np.ndarray, floor: float = 1e-4) -> float:
    e, a = np.maximum(expected, floor), np.maximum(actual, floor)
    return float(np.sum((a - e) * np.log(a / e)))


@figure("mon-psi-thresholds", "mlops-monitoring",
        "A feature's training distribution cut into its ten deciles (10% of rows each) and the share of this "
        "week's production rows in each bin, shifted toward the upper bins; the population stability index "
        "over the bins is about 0.16, inside the 0.1 to 0.25 band that the rule of thumb calls a moderate "
        "shift worth investigating.")
def fig_psi() -> Figure:
    fig, (a1, a2) = new(3.9, nrows=2, gridspec_kw={"height_ratios": [4, 1]})
    g = rng(29)
    train = g.normal(0, 1, 50_000)
    prod = g.normal(0.42, 1.1, 20_000)
    edges = np.quantile(train, np.linspace(0, 1, 11))
    edges[0], edges[-1] = -np.inf, np.inf
    e = np.histogram(train, edges)[0] / train.size
    a = np.histogram(prod, edges)[0] / prod.size
    psi = _psi(e, a)
    xs = np.arange(10)
    a1.bar(xs - 0.2, e, 0.4, color=BLUE, alpha=0.8, label="training (baseline deciles)")
    a1.bar(xs + 0.2, a, 0.4, color=ORANGE, alpha=0.85, label="production this week")
    a1.set_xticks(xs, [f"D{k + 1}" for k in xs])
    a1.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    a1.set_ylabel("share of rows")
    a1.set_xlabel("bin (training-set decile of the feature)")
    a1.grid(True, axis="y")
    legend(a1, loc="upper left")
    a1.set_title(f"PSI = Σ (a − e) ln(a / e) = {psi:.2f}")
    bands = ((0, 0.1, GREEN, "< 0.1: stable", 0.05), (0.1, 0.25, ORANGE, "0.1–0.25: investigate", 0.205),
             (0.25, 0.4, RED, "> 0.25: major shift", 0.325))
    for lo, hi, color, label, centre in bands:
        a2.add_patch(Rectangle((lo, 0), hi - lo, 1, facecolor=rgba(color, 0.35), edgecolor=color))
        a2.text(centre, 0.5, label, ha="center", va="center", fontsize=9)
    a2.plot([psi, psi], [-0.25, 1.25], color=VIOLET, lw=3, clip_on=False)
    a2.set_xlim(0, 0.4)
    a2.set_ylim(0, 1)
    a2.set_yticks([])
    a2.spines[["left"]].set_visible(False)
    a2.set_xlabel("PSI (violet: this week); rule-of-thumb bands from credit scoring")
    return fig


@figure("drift-covariate-shift", "challenges-drift",
        "Covariate shift in a risk model: the training data are mostly patients over 40 while production "
        "patients are mostly younger, so the age densities differ, but the risk curve P(y = 1 | age) is the "
        "same in both; the model now works mostly in the young region where it saw little data.")
def fig_covariate_shift() -> Figure:
    fig, (ax,) = new(3.8)
    age = np.linspace(15, 85, 701)
    ax.fill_between(age, normal_pdf(age, 55, 10), color=BLUE, alpha=0.3, lw=0)
    ax.plot(age, normal_pdf(age, 55, 10), color=BLUE, label="P_train(age)")
    ax.fill_between(age, normal_pdf(age, 30, 7), color=ORANGE, alpha=0.3, lw=0)
    ax.plot(age, normal_pdf(age, 30, 7), color=ORANGE, label="P_production(age)")
    ax.set_xlabel("age")
    ax.set_ylabel("density")
    ax.set_ylim(0, 0.075)
    twin = ax.twinx()
    twin.plot(age, sigmoid((age - 50) / 7), color=GREEN, lw=2.2, ls="--", label="P(y = 1 | age): unchanged")
    twin.set_ylabel("P(y = 1 | age)", color=GREEN)
    twin.set_ylim(0, 1.05)
    twin.spines[["top"]].set_visible(False)
    twin.spines["right"].set_visible(True)
    ax.text(24, 0.066, "few training patients here", fontsize=9, color=ORANGE)
    lines = ax.get_legend_handles_labels()
    extra = twin.get_legend_handles_labels()
    fig.legend(lines[0] + extra[0], lines[1] + extra[1], loc="outside lower center", ncols=3, fontsize=9)
    ax.set_title("Covariate shift: P(x) moves, P(y | x) stays")
    return fig


@figure("serve-quantization-symmetric-example", "mlops-serving",
        "Symmetric per-tensor int8 quantization of weights in [-1.27, 1.27]. Left: the weight histogram with "
        "the range set by the largest absolute value, scale s = 1.27/127 = 0.01. Right: a zoom on the integer "
        "grid, where w = 0.123 rounds to q = 12 and dequantizes to 0.12, an error of 0.003, never more than "
        "s/2 = 0.005.")
def fig_int8() -> Figure:
    fig, (a1, a2) = new(3.4, ncols=2)
    g = rng(30)
    w = np.clip(g.normal(0, 0.25, 20000), -1.2, 1.2)
    w[0] = 1.27  # the largest magnitude sets the scale
    scale = np.abs(w).max() / 127
    a1.hist(w, bins=120, color=rgba(BLUE, 0.6), edgecolor="none")
    for v in (-1.27, 1.27):
        a1.axvline(v, color=RED, ls="--", lw=1.3)
    a1.text(1.2, a1.get_ylim()[1] * 0.8, "max |w| = 1.27\n→ q = ±127", color=RED, fontsize=9, ha="right")
    a1.set_xlabel("weight value")
    a1.set_ylabel("count")
    a1.set_title(f"scale s = 1.27 / 127 = {scale:.2f}")
    levels = np.arange(9, 17) * scale
    a2.plot([0.085, 0.165], [0.3, 0.3], color=GREY, lw=1.2)
    for q, v in zip(range(9, 17), levels, strict=True):
        a2.plot([v, v], [0.24, 0.36], color=GREY, lw=1.4)
        a2.text(v, 0.17, f"{q}", ha="center", va="top", fontsize=9)
    a2.text(0.125, 0.02, "integer code q (level q × s)", ha="center", fontsize=9)
    a2.add_patch(Rectangle((0.115, 0.24), 0.01, 0.12, facecolor=rgba(GREEN, 0.3), edgecolor="none"))
    a2.plot(0.123, 0.3, "o", color=ORANGE, ms=8, zorder=3)
    a2.plot(0.12, 0.3, "s", color=GREEN, ms=7, zorder=3)
    a2.annotate("", (0.1203, 0.37), (0.1228, 0.37),
                arrowprops={"arrowstyle": "->", "color": ORANGE, "lw": 1.6, "connectionstyle": "arc3,rad=0.6"})
    a2.text(0.125, 0.88, "w = 0.123 (orange)\nq = round(0.123 / 0.01) = 12\nŵ = 12 × 0.01 = 0.12 (green)\n"
            "error 0.003", ha="center", va="top", fontsize=9.5)
    a2.text(0.12, 0.43, "[0.115, 0.125) → 12", ha="center", fontsize=8.5, color=GREEN)
    a2.set_xlim(0.085, 0.165)
    a2.set_ylim(0, 1)
    a2.set_yticks([])
    a2.set_xticks([])
    a2.spines[["left", "bottom"]].set_visible(False)
    a2.set_title("error |w − ŵ| ≤ s / 2 = 0.005")
    return fig


NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
                -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
                0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0])  # the NF4 code book of QLoRA / bitsandbytes


@figure("llm-qlora-nf4", "dl-llm-engineering",
        "Normally distributed weights scaled into [-1, 1] by the absolute maximum of each 64-weight block, "
        "with the 16 NF4 levels and the 15 evenly spaced levels of symmetric absmax int4 marked; below, the share "
        "of weights mapped to each level: NF4 spreads them far more evenly, about 4 to 9% on each inner level, "
        "while int4 puts about 15% on the zero level and under 3% on each of its six outermost levels.")
def fig_nf4() -> Figure:
    fig, (a1, a2, a3) = new(4.6, nrows=3, gridspec_kw={"height_ratios": [2.2, 1, 1]})
    g = rng(31)
    blocks = g.normal(size=(4000, 64))
    w = (blocks / np.abs(blocks).max(1, keepdims=True)).ravel()
    int4 = np.arange(-7, 8) / 7
    a1.hist(w, bins=160, color=rgba(GREY, 0.45), edgecolor="none", density=True)
    for v in NF4:
        a1.axvline(v, ymin=0.5, ymax=1, color=VIOLET, lw=1.3)
    for v in int4:
        a1.axvline(v, ymin=0, ymax=0.5, color=ORANGE, lw=1.3)
    fig.legend([matplotlib.lines.Line2D([], [], color=VIOLET), matplotlib.lines.Line2D([], [], color=ORANGE)],
               ["NF4: 16 levels at normal quantiles (upper ticks)", "int4: 15 levels k/7, uniform (lower ticks)"],
               loc="outside upper center", ncols=2, fontsize=8.5)
    a1.set_yticks([])
    a1.set_xlim(-1.05, 1.05)
    a1.set_ylabel("N(0,1) weights\n÷ block absmax", fontsize=9)
    for ax, levels, color, name in ((a2, NF4, VIOLET, "NF4"), (a3, int4, ORANGE, "int4")):
        nearest = np.abs(w[:, None] - levels[None, :]).argmin(1)
        usage = np.bincount(nearest, minlength=levels.size) / w.size
        ax.bar(levels, usage, width=0.045, color=color, alpha=0.85)
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(0, 0.36)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_yticks([0, 0.15, 0.3])
        ax.set_ylabel(f"{name} use", fontsize=9)
        ax.grid(True, axis="y")
    a2.set_xticks([])
    a3.set_xlabel("quantization level")
    return fig


@figure("scal-amdahl-law", "challenges-scalability",
        "Amdahl's law: speedup 1 / ((1 - p) + p / N) against the number of workers N on a log scale for "
        "parallel fractions p = 0.5, 0.9, 0.95 and 0.99; each curve flattens toward its ceiling 1 / (1 - p), "
        "and p = 0.9 gives about 5.3x with 10 workers and never more than 10x.")
def fig_amdahl() -> Figure:
    fig, (ax,) = new(3.5)
    n = np.geomspace(1, 4096, 200)
    for p, color in ((0.5, RED), (0.9, ORANGE), (0.95, GREEN), (0.99, BLUE)):
        ax.plot(n, 1 / ((1 - p) + p / n), color=color, label=f"p = {p}: ceiling {1 / (1 - p):.0f}×")
        ax.axhline(1 / (1 - p), color=color, ls=":", lw=1)
    s10 = 1 / (0.1 + 0.9 / 10)
    ax.plot(10, s10, "o", color=ORANGE)
    ax.annotate(f"N = 10, p = 0.9: {s10:.1f}×", (10, s10), (20, 2.5), fontsize=9.5,
                arrowprops={"arrowstyle": "->", "color": GREY})
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of workers N (log scale)")
    ax.set_ylabel("speedup (log scale)")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g×"))
    ax.set_yticks([1, 2, 5, 10, 20, 50, 100])
    ax.grid(True)
    legend(ax, loc="upper left")
    ax.set_title("The serial fraction caps the speedup at 1 / (1 − p)")
    return fig


@figure("scal-pipeline-bubble", "challenges-scalability",
        "GPipe schedule for K = 4 pipeline stages and M = 12 micro-batches: each stage runs the 12 forward "
        "passes in a diagonal wave and then the 12 backward passes in reverse, and the empty cells where a "
        "stage waits make up the bubble, (K - 1) / (M + K - 1) = 3/15 = 20% of the time.")
def fig_pipeline() -> Figure:
    fig, (ax,) = new(2.6)
    k_stages, m = 4, 12
    total = 2 * (m + k_stages - 1)
    busy = np.zeros((k_stages, total), bool)
    for k in range(k_stages):
        for j in range(m):
            tf = k + j
            tb = (m + k_stages - 1) + (k_stages - 1 - k) + (m - 1 - j)
            for t, color, label in ((tf, BLUE, j + 1), (tb, ORANGE, j + 1)):
                busy[k, t] = True
                ax.add_patch(Rectangle((t, k_stages - 1 - k), 0.95, 0.9, facecolor=rgba(color, 0.55),
                                       edgecolor=color, lw=0.8))
                ax.text(t + 0.475, k_stages - 1 - k + 0.45, str(label), ha="center", va="center", fontsize=8)
    for k in range(k_stages):
        for t in range(total):
            if not busy[k, t]:
                ax.add_patch(Rectangle((t, k_stages - 1 - k), 0.95, 0.9, facecolor="none", edgecolor=RED,
                                       lw=0.8, hatch="///", alpha=0.7))
    ax.set_xlim(0, total)
    ax.set_ylim(-0.1, k_stages)
    ax.set_yticks([k_stages - 1 - k + 0.45 for k in range(k_stages)], [f"stage {k + 1}" for k in range(k_stages)])
    ax.set_xlabel("time step")
    ax.spines[["left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    handles = [Rectangle((0, 0), 1, 1, facecolor=rgba(BLUE, 0.55), edgecolor=BLUE),
               Rectangle((0, 0), 1, 1, facecolor=rgba(ORANGE, 0.55), edgecolor=ORANGE),
               Rectangle((0, 0), 1, 1, facecolor="none", edgecolor=RED, hatch="///")]
    fig.legend(handles, ["forward (micro-batch)", "backward", "bubble (idle)"], loc="outside lower center", ncols=3)
    ax.set_title(f"K = {k_stages}, M = {m}: idle share (K − 1)/(M + K − 1) = 3/15 = 20%")
    return fig


# ---------------------------------------------------------------------------------------------- SQL


def _cell(ax: Axes, x: float, y: float, w: float, h: float, text: str, color: str | None = None,
          alpha: float = 0.3, size: float = 9.5, edge: str = GREY) -> None:
    ax.add_patch(Rectangle((x, y), w, h, facecolor=rgba(color, alpha) if color else "none", edgecolor=edge, lw=0.9))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)


def _venn(ax: Axes, cx: float, cy: float, r: float, shade: str, label: str) -> None:
    """Two overlapping circles a (left) and b (right) with the rows a join returns shaded."""
    ca, cb = np.array([cx - r * 0.55, cy]), np.array([cx + r * 0.55, cy])
    t = np.linspace(0, 2 * np.pi, 721)
    ring = np.stack([np.cos(t), np.sin(t)], 1) * r
    pa, pb = ca + ring, cb + ring
    in_b = np.linalg.norm(pa - cb, axis=1) <= r
    in_a = np.linalg.norm(pb - ca, axis=1) <= r
    if shade == "inner":
        region = np.vstack([pa[in_b], pb[in_a]])
    elif shade == "left":
        region = pa
    else:
        region = np.vstack([pa[~in_b], pb[~in_a]])
    order = np.argsort(np.arctan2(region[:, 1] - cy, region[:, 0] - cx))  # both shapes are star-shaped
    ax.add_patch(Polygon(region[order] if shade != "left" else region, closed=True,
                         facecolor=rgba(VIOLET, 0.4), edgecolor="none"))
    ax.add_patch(Circle(tuple(ca), r, facecolor="none", edgecolor=BLUE, lw=1.5))
    ax.add_patch(Circle(tuple(cb), r, facecolor="none", edgecolor=ORANGE, lw=1.5))
    ax.text(ca[0] - r * 0.45, cy, "a", color=BLUE, fontsize=11, ha="center", va="center")
    ax.text(cb[0] + r * 0.45, cy, "b", color=ORANGE, fontsize=11, ha="center", va="center")
    ax.text(cx, cy - r - 0.2, label, ha="center", va="top", fontsize=9.5)


@figure("join-row-counts-duplicate-keys", "sql-joins",
        "Table a with join keys 1, 1, 2 and table b with keys 1, 1, 3: the two 1s on each side form 2 x 2 = 4 "
        "matching pairs, so the inner join returns 4 rows, the left join adds a's unmatched 2 for 5 rows, and "
        "the full join also adds b's unmatched 3 for 6 rows, shown with Venn-style shading of each join.")
def fig_join_counts() -> Figure:
    fig, ax = canvas((0, 13), (-0.6, 4.5))
    a_keys, b_keys = ["1", "1", "2"], ["1", "1", "3"]
    ys = [3.2, 2.3, 1.4]
    ax.text(0.9, 4.05, "a.key", ha="center", fontsize=10, color=BLUE)
    ax.text(3.5, 4.05, "b.key", ha="center", fontsize=10, color=ORANGE)
    for y, ka, kb in zip(ys, a_keys, b_keys, strict=True):
        _cell(ax, 0.4, y, 1.0, 0.7, ka, BLUE)
        _cell(ax, 3.0, y, 1.0, 0.7, kb, ORANGE)
    for ia in range(2):
        for ib in range(2):
            ax.plot([1.4, 3.0], [ys[ia] + 0.35, ys[ib] + 0.35], color=VIOLET, lw=1.6)
    ax.text(2.2, 1.2, "key 1: 2 × 2 = 4 pairs\n2 and 3: no match", ha="center", va="top", fontsize=9.5)
    _venn(ax, 6.2, 2.45, 0.8, "inner", "a JOIN b\n4 rows")
    _venn(ax, 8.75, 2.45, 0.8, "left", "a LEFT JOIN b\n4 + 1 = 5 rows")
    _venn(ax, 11.3, 2.45, 0.8, "full", "a FULL JOIN b\n4 + 1 + 1 = 6 rows")
    ax.text(8.75, 4.05, "shaded = rows returned; the overlap holds matching pairs, not keys", ha="center",
            fontsize=9.5)
    ax.text(8.75, -0.2, "LEFT adds a's unmatched row (2, NULL); FULL also adds b's (NULL, 3)", ha="center",
            fontsize=9.5)
    return fig


@figure("win-running-total-ties", "sql-window-functions",
        "The rows (d, v) = (1, 10), (2, 20), (2, 30), (3, 40) with the frame used for the second row: the "
        "default RANGE frame runs through all peers with d = 2 and sums to 60, the ROWS frame stops at the "
        "current row and sums to 30; the full results are 10, 60, 60, 100 and 10, 30, 60, 100.")
def fig_window_frames() -> Figure:
    fig, ax = canvas((0, 13.6), (-0.8, 4.2))
    rows = [(1, 10), (2, 20), (2, 30), (3, 40)]
    range_sum = [10, 60, 60, 100]
    rows_sum = [10, 30, 60, 100]
    for x0, title, frame, result, color in ((0.9, "SUM(v) OVER (ORDER BY d)\ndefault: RANGE … CURRENT ROW", {0, 1, 2},
                                            range_sum, BLUE),
                                           (7.3, "… ROWS BETWEEN UNBOUNDED\nPRECEDING AND CURRENT ROW", {0, 1},
                                            rows_sum, ORANGE)):
        ax.text(x0 + 2.7, 4.05, title, ha="center", va="top", fontsize=9.5, color=color)
        for j, head in enumerate(("d", "v", "result")):
            _cell(ax, x0 + [0, 1.2, 2.4][j], 2.7, [1.2, 1.2, 1.8][j], 0.6, head, size=9.5)
        for i, (d, v) in enumerate(rows):
            y = 2.1 - i * 0.6
            in_frame = i in frame
            _cell(ax, x0, y, 1.2, 0.6, str(d), color if in_frame else None)
            _cell(ax, x0 + 1.2, y, 1.2, 0.6, str(v), color if in_frame else None)
            _cell(ax, x0 + 2.4, y, 1.8, 0.6, str(result[i]), color if i == 1 else None, alpha=0.6)
        ax.text(x0 + 4.35, 2.1 - 0.6 + 0.3, "← current row", va="center", fontsize=9)
        why = "the peer row with d = 2 is included" if len(frame) == 3 else "physical rows up to the current one"
        ax.text(x0 + 2.1, 0.15, f"row 2's frame (shaded): {' + '.join(str(rows[i][1]) for i in sorted(frame))}"
                f" = {result[1]}\n{why}", ha="center", va="top", fontsize=9.5, color=color)
    return fig


@figure("win-vs-group-by", "sql-window-functions",
        "The same five order rows of two users summed two ways: GROUP BY user_id collapses them into one row "
        "per user with the total, while SUM(amt) OVER (PARTITION BY user_id) keeps all five rows and attaches "
        "the user's total to each, so each row's share can be computed.")
def fig_window_vs_groupby() -> Figure:
    fig, ax = canvas((0, 13.4), (0.0, 4.45))
    rows = [("u1", 10), ("u1", 30), ("u2", 5), ("u2", 15), ("u2", 20)]
    color = {"u1": BLUE, "u2": ORANGE}
    totals = {"u1": 40, "u2": 40}

    def table(x0: float, heads: list[str], widths: list[float], body: list[list[str]], keys: list[str],
              title: str) -> None:
        ax.text(x0 + sum(widths) / 2, 4.25, title, ha="center", va="top", fontsize=9.5)
        xs = np.r_[0, np.cumsum(widths)] + x0
        for j, h in enumerate(heads):
            _cell(ax, xs[j], 2.95, widths[j], 0.55, h)
        for i, (cells, key) in enumerate(zip(body, keys, strict=True)):
            for j, text in enumerate(cells):
                _cell(ax, xs[j], 2.4 - i * 0.55, widths[j], 0.55, text, color[key], alpha=0.25)

    table(0.2, ["user_id", "amt"], [1.3, 1.0], [[u, str(a)] for u, a in rows], [u for u, _ in rows], "orders")
    table(3.7, ["user_id", "SUM(amt)"], [1.3, 1.4], [["u1", "40"], ["u2", "40"]], ["u1", "u2"],
          "GROUP BY user_id\n→ one row per user")
    table(7.6, ["user_id", "amt", "total", "share"], [1.3, 0.9, 1.0, 1.1],
          [[u, str(a), str(totals[u]), f"{a / totals[u]:g}"] for u, a in rows], [u for u, _ in rows],
          "SUM(amt) OVER (PARTITION BY user_id)\n→ every row kept")
    arrow(ax, (2.65, 1.75), (3.55, 2.4))
    arrow(ax, (2.65, 1.15), (7.45, 1.15))
    return fig


@figure("schema-composite-index-order", "sql-schema-performance",
        "A B-tree index on (a, b) sketched as a root and four leaf pages of entries sorted by a, then by b: "
        "WHERE a = 1 descends once and reads one contiguous run of entries, WHERE a = 1 AND b = 2 lands on a "
        "single entry, while WHERE b = 2 matches entries scattered across every leaf, so the whole index "
        "must be scanned.")
def fig_btree() -> Figure:
    fig, ax = canvas((0, 13), (-0.5, 4.65))
    leaves = [[(1, 1), (1, 2), (1, 4)], [(1, 7), (2, 1), (2, 2)], [(2, 5), (3, 2), (3, 3)], [(3, 8), (4, 2), (4, 6)]]
    box(ax, 3.7, 3.3, 5.6, 0.75, "root, separator keys: (1,7) | (2,5) | (3,8)", GREY, fill=0.1, size=9.5)
    lw = 0.95
    for li, leaf in enumerate(leaves):
        x0 = 0.3 + li * 3.2
        ax.plot([6.5, x0 + 1.45], [3.3, 2.15], color=GREY, lw=1)
        for ei, (a, b) in enumerate(leaf):
            x = x0 + ei * lw
            a_match = a == 1
            b_match = b == 2
            _cell(ax, x, 1.45, lw, 0.7, f"({a},{b})", GREEN if a_match else None, alpha=0.35)
            if b_match:
                ax.add_patch(Rectangle((x + 0.05, 1.5), lw - 0.1, 0.6, facecolor="none", edgecolor=RED, lw=2))
        if li < 3:
            arrow(ax, (x0 + 3 * lw, 1.8), (x0 + 3.2, 1.8), width=1, style="->")
    ax.text(6.5, 4.35, "B-tree on (a, b): leaf entries sorted by a, then by b; leaves linked in order (→)",
            ha="center", fontsize=10)
    ax.text(0.3, 1.05, "WHERE a = 1: one descent, then one contiguous run (green)", fontsize=9.5, color=GREEN)
    ax.text(0.3, 0.45, "WHERE a = 1 AND b = 2: straight to the single entry (1,2)", fontsize=9.5)
    ax.text(0.3, -0.15, "WHERE b = 2 alone: matches (red) are scattered over every leaf → scan the whole index",
            fontsize=9.5, color=RED)
    return fig


# ---------------------------------------------------------------------------------------------- preprocessing


@figure("feat-cyclical-sin-cos", "preprocessing-domain-features",
        "Hour of day encoded two ways: as a raw integer on a line, 23:00 and 00:00 are 23 apart, the farthest "
        "pair; mapped to the unit circle by (sin 2 pi h / 24, cos 2 pi h / 24), the 24 hours sit evenly "
        "around it and every neighbouring pair, 23 and 0 included, is 2 sin(pi / 24), about 0.26, apart.")
def fig_cyclical() -> Figure:
    fig, (a1, a2) = new(3.3, ncols=2, gridspec_kw={"width_ratios": [1.2, 1]})
    hours = np.arange(24)
    a1.scatter(hours, np.zeros(24), color=BLUE, s=22)
    for h in (0, 23):
        a1.scatter([h], [0], color=ORANGE, s=60, zorder=3)
    a1.annotate("", (23, 0.15), (0, 0.15), arrowprops={"arrowstyle": "<->", "color": ORANGE, "lw": 1.5})
    a1.text(11.5, 0.22, "|23 − 0| = 23: midnight looks like a cliff", ha="center", fontsize=9.5, color=ORANGE)
    a1.set_ylim(-0.5, 0.6)
    a1.set_yticks([])
    a1.set_xticks([0, 6, 12, 18, 23])
    a1.set_xlabel("raw hour h")
    a1.spines[["left"]].set_visible(False)
    a1.set_title("raw integer")
    angle = 2 * np.pi * hours / 24
    xs, ys = np.sin(angle), np.cos(angle)
    a2.add_patch(Circle((0, 0), 1, fill=False, edgecolor=GREY, lw=0.8))
    a2.scatter(xs, ys, color=BLUE, s=22)
    a2.scatter(xs[[0, 23]], ys[[0, 23]], color=ORANGE, s=60, zorder=3)
    for h in (0, 6, 12, 18, 23):
        a2.text(1.2 * xs[h], 1.2 * ys[h], f"{h}", ha="center", va="center", fontsize=9.5)
    a2.plot(xs[[23, 0]], ys[[23, 0]], color=ORANGE, lw=2)
    a2.text(0.0, 0.6, f"23 ↔ 0: {2 * np.sin(np.pi / 24):.2f}", ha="center", fontsize=9.5, color=ORANGE)
    a2.set_aspect("equal")
    a2.set_xlim(-1.4, 1.4)
    a2.set_ylim(-1.4, 1.4)
    a2.set_xlabel("sin(2πh / 24)")
    a2.set_ylabel("cos(2πh / 24)")
    a2.set_title("(sin, cos) on the unit circle")
    return fig


@figure("clean-iqr-fences", "preprocessing-cleaning",
        "A box plot of 15 values with first quartile 10, median 15 and third quartile 20: the IQR is 10, so "
        "Tukey's fences sit at 10 - 15 = -5 and 20 + 15 = 35, the whiskers stop at the most extreme values "
        "inside them, and the two values -9 and 44 beyond the fences are flagged as outliers.")
def fig_iqr() -> Figure:
    fig, (ax,) = new(2.9)
    values = np.array([-9, 3, 7, 10, 10, 12, 14, 15, 16, 18, 20, 20, 24, 29, 44], float)
    q1, med, q3 = (float(np.percentile(values, q)) for q in (25, 50, 75))
    iqr = q3 - q1
    lo, hi = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    inside = values[(values >= lo) & (values <= hi)]
    ax.add_patch(Rectangle((q1, 0.7), q3 - q1, 0.6, facecolor=rgba(BLUE, 0.25), edgecolor=BLUE, lw=1.6))
    ax.plot([med, med], [0.7, 1.3], color=BLUE, lw=2.2)
    ax.plot([inside.min(), q1], [1, 1], color=BLUE, lw=1.4)
    ax.plot([q3, inside.max()], [1, 1], color=BLUE, lw=1.4)
    for v in (inside.min(), inside.max()):
        ax.plot([v, v], [0.85, 1.15], color=BLUE, lw=1.4)
    g = rng(32)
    jitter = 0.35 + g.uniform(-0.06, 0.06, values.size)
    out = (values < lo) | (values > hi)
    ax.scatter(values[~out], jitter[~out], s=18, color=GREY)
    ax.scatter(values[out], jitter[out], s=60, color=RED, marker="x", linewidths=2, label="flagged outliers")
    for v, label, ha, dx in ((lo, f"fence Q1 − 1.5·IQR = {lo:g}", "left", 0.6),
                             (hi, f"fence Q3 + 1.5·IQR = {hi:g}", "right", -0.6)):
        ax.axvline(v, color=ORANGE, ls="--", lw=1.4)
        ax.text(v + dx, 1.62, label, ha=ha, fontsize=9.5, color=ORANGE)
    for v, label in ((q1, "Q1 = 10"), (med, "median"), (q3, "Q3 = 20")):
        ax.text(v, 1.36, label, ha="center", fontsize=8.5)
    ax.annotate("", (q1, 0.6), (q3, 0.6), arrowprops={"arrowstyle": "<->", "color": BLUE})
    ax.text(15, 0.5, "IQR = 10", ha="center", va="top", fontsize=9, color=BLUE)
    ax.set_ylim(0.1, 1.85)
    ax.set_yticks([])
    ax.spines[["left"]].set_visible(False)
    ax.set_xlabel("value")
    legend(ax, loc="center right")
    return fig


# ---------------------------------------------------------------------------------------------- main


def card_ids(deck: str) -> set[str]:
    text = (ROOT / deck).read_text(encoding="utf-8")
    return set(re.findall(r"(?m)^## (\S+)\s*$", text))


def render(spec: Spec) -> Path:
    if spec.card_id not in card_ids(spec.deck):
        raise SystemExit(f"{spec.deck}: no card {spec.card_id}")
    fig = spec.draw()
    path = IMG / f"{spec.card_id}.png"
    fig.savefig(path, dpi=DPI, transparent=True, metadata={"Software": None})
    plt.close(fig)
    width, height = (int(v) for v in (fig.get_figwidth() * DPI, fig.get_figheight() * DPI))
    size = path.stat().st_size
    if size > MAX_BYTES:
        print(f"warning: {path.name} is {size} bytes (limit {MAX_BYTES})", file=sys.stderr)
    print(f"{path.relative_to(ROOT)}  {width}x{height}  {size / 1000:.1f} kB")
    return path


def write_map() -> None:
    rows = [{"card_id": s.card_id, "deck": s.deck, "image": f"img/{s.card_id}.png", "alt": s.alt}
            for s in REGISTRY]
    MAP_PATH.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    ids = [s.card_id for s in REGISTRY]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise SystemExit(f"more than one figure for {sorted(duplicates)}")
    unknown = set(argv) - set(ids)
    if unknown:
        raise SystemExit(f"no figure for {sorted(unknown)}")
    IMG.mkdir(parents=True, exist_ok=True)
    for spec in REGISTRY:
        if not argv or spec.card_id in argv:
            render(spec)
    write_map()
    print(f"{len(REGISTRY)} figures in the registry; map written to {MAP_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
