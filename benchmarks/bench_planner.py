"""The interview planner on a simulated learner: recall on the interview day and daily minutes.

    python benchmarks/bench_planner.py [--cards 923 all] [--horizons 14 30 60] [--methods a b c] [--seed 1]
                                       [--budget 45] [--true-time day|answer] [--first-answer again|good]

A simulated learner whose *true* memory follows FSRS-6 with its published default parameters
(:class:`mlprep.core.memory.FsrsModel`, an instance apart from the app's planner, one true
:class:`MemoryState` per card) studies the decks every day for each of ``--horizons`` days, answering
everything the app's study session offers, under three methods:

* ``a`` today's default: no plan, ``StudySettings()`` (SM-2, 20 new cards and 200 reviews a day);
* ``b`` by hand: no plan, ``new_per_day = ceil(cards / days)``, ``reviews_per_day = 99999``;
* ``c`` the plan: ``Collection.set_plan(PlanSettings(interview=start + days, start=start,
  budget_minutes=45))`` with ``reviews_per_day = 99999`` (the plan sets the new-card limit).

The simulator drives the real services: :func:`mlprep.services.collection.open_collection` on a new
temporary folder (on tmpfs, ``/dev/shm``, when there is one) with a :class:`FixedClock` set to 08:00 UTC
of each study day in turn, ``Collection.study()``, ``StudySession.next_card()`` and ``answer()``. Every
answer moves the clock 15 s, so the planner measures a 15 s pace (and the real drill rate) from the log.

Grading rule, at each answer (drills included): ``p`` = the card's true retrievability at that moment
(0 for a card never seen, so a first answer is always Again unless ``--first-answer good``); with
probability ``p`` (``random.Random(seed)``) the answer is Good, else Again. Hard and Easy are never
used: in FSRS's whole-day time every same-day repeat has ``p`` = 1, so an Easy rule would make every
drill Easy. Each answer then updates the true memory through ``FsrsModel.review``.

Time for the true memory (``--true-time``): ``day`` (the default) stamps every answer of a study day
at that day's start (04:00 UTC, the rollover) and measures at the interview day's start, so elapsed
time is whole study days (as the planner counts them, noon to noon) and a same-day repeat is FSRS's
same-day review. ``answer`` stamps each answer at the clock's instant: py-fsrs floors elapsed time to
whole 24 h, so a card answered at 08:40 yesterday and shown at 08:20 today counts 0 days (recall 1.0,
a sure success), and 04:00 on the interview day is under a day after the previous day's answers.

Prints, per card count, a Markdown table: expected recall on the day over all cards (mean true
retrievability, cards never seen count 0), the share never seen, p95 (linear interpolation) and
maximum daily minutes (answers × 15 s / 60), days over the budget, answers per card and the run's
wall time; then what the plan projected when it was set against what happened; then the least
answers any schedule needs against the answers the budget holds. Runs alternate a, b, c per horizon
in one process. Not a test: ``tests/services/test_bench_planner_smoke.py`` only checks that it runs.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from itertools import combinations
from pathlib import Path
from random import Random

from mlprep.core.clock import DEFAULT_ROLLOVER_HOUR, FixedClock, day_start
from mlprep.core.memory import FsrsModel, MemoryState
from mlprep.core.models import Button, CardId, Deck, ReviewKind
from mlprep.core.planner import PlanSettings, last_new_day
from mlprep.core.study_settings import StudySettings
from mlprep.core.taxonomy import AREAS_BY_SLUG
from mlprep.services.collection import Collection, open_collection
from mlprep.services.deck_loader import load_decks, shipped_decks_dir
from mlprep.services.planning import PlanReport

START = date(2026, 3, 2)  # a Monday; any day would do (UTC has no DST)
STUDY_HOUR = 8  # each day's session begins at 08:00 UTC (the study day rolls over at 04:00)
SECONDS_PER_ANSWER = 15
BUDGET_MINUTES = 45
HORIZONS = (14, 30, 60)
ISSUE_CARDS = 923  # the card count the issue specifies
UNLIMITED_REVIEWS = 99999


class Method(StrEnum):
    """The three ways of studying that are compared (see the module docstring)."""

    DEFAULT = "a"
    BY_HAND = "b"
    PLAN = "c"

    def label(self, budget_minutes: int = BUDGET_MINUTES) -> str:
        """The method's row label in the tables."""
        if self is Method.PLAN:
            return f"(c) plan, {budget_minutes} min"
        return "(a) default: 20 new/day" if self is Method.DEFAULT else "(b) by hand: ceil(cards/days) new/day"


class TrueTime(StrEnum):
    """When the learner's true memory takes an answer to happen (see the module docstring)."""

    DAY = "day"
    ANSWER = "answer"


class FirstAnswer(StrEnum):
    """How the learner answers a card at first sight: ``again`` by the grading rule (the true
    retrievability of a card never seen is 0), or ``good`` (a sensitivity check: the first sight
    counts as learned, which is what the plan's projection assumes of every answer)."""

    AGAIN = "again"
    GOOD = "good"


class Learner:
    """A learner whose true memory is ``model`` (FSRS-6): grades each answer from its true recall.

    :meth:`answer` draws a success with probability ``p`` = the card's true retrievability at ``at``
    (0 for an unseen card, unless ``first`` is ``good``) from ``rng``, returns Good or Again, and
    updates the true memory with it."""

    def __init__(self, model: FsrsModel, rng: Random, first: FirstAnswer = FirstAnswer.AGAIN) -> None:
        self.model, self.rng, self.first = model, rng, first
        self.memory: dict[CardId, MemoryState] = {}

    def answer(self, card_id: CardId, at: datetime) -> Button:
        state = self.memory.get(card_id)
        p = 1.0 if state is None and self.first is FirstAnswer.GOOD else self.model.retrievability(state, at)
        grade = Button.GOOD if self.rng.random() < p else Button.AGAIN
        self.memory[card_id] = self.model.review(state, at, int(grade))
        return grade

    def recall(self, at: datetime, cards: int) -> float:
        """Mean true retrievability at ``at`` over ``cards`` cards (those never seen count 0)."""
        return sum(self.model.retrievability(state, at) for state in self.memory.values()) / cards


@dataclass(frozen=True)
class PlanOutlook:
    """What the plan's own report said when it was set: status, advice, new cards on day 0, the last
    new day, cards it projects unseen, days it projects over budget, and its mean predicted recall on
    the day over all cards."""

    status: str
    advice: str
    new_today: int
    last_new_day: date
    unseen_on_day: int
    days_over_budget: int
    predicted_recall: float


@dataclass(frozen=True)
class Day:
    """One simulated study day: answers given, of which new cards, reviews and drills."""

    answers: int
    new: int
    reviews: int
    drills: int

    @property
    def minutes(self) -> float:
        return self.answers * SECONDS_PER_ANSWER / 60


@dataclass(frozen=True)
class RunResult:
    """One method over one horizon.

    ``recall``: mean true retrievability on the interview day over all ``cards`` (unseen 0);
    ``unseen``: cards never answered; ``days``: one :class:`Day` per study day; ``placed``: first
    answers whose due date the plan moved off SM-2's, and ``placed_on_or_after``: those it moved to
    the interview day or later (0 if the plan does what it says); ``unseen_after_last_new``: cards
    still unseen at the end of the plan's last new day (``None`` without a plan); ``outlook``: the
    plan's report when set (``None`` without), ``outlook_day1`` its report at the start of day 1, with
    the pace measured on day 0; ``seconds``: wall time of the run; ``budget_minutes``: the minutes a
    day each day is measured against."""

    method: Method
    horizon: int
    cards: int
    recall: float
    unseen: int
    days: tuple[Day, ...]
    placed: int
    placed_on_or_after: int
    unseen_after_last_new: int | None
    outlook: PlanOutlook | None
    seconds: float
    budget_minutes: int = BUDGET_MINUTES
    outlook_day1: PlanOutlook | None = None

    @property
    def answers(self) -> int:
        return sum(d.answers for d in self.days)

    @property
    def unseen_share(self) -> float:
        return self.unseen / self.cards

    @property
    def p95_minutes(self) -> float:
        return percentile([d.minutes for d in self.days], 95)

    @property
    def max_minutes(self) -> float:
        return max(d.minutes for d in self.days)

    @property
    def days_over_budget(self) -> int:
        return sum(d.minutes > self.budget_minutes for d in self.days)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile of ``values``, interpolated linearly between order statistics."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(p) - 1]


def tmp_root() -> Path | None:
    """``/dev/shm`` (tmpfs: SQLite's fsyncs cost nothing) when it is a writable folder, else ``None``
    (the system's temporary folder)."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None


def settings_for(method: Method, cards: int, horizon: int) -> StudySettings:
    """The study settings of ``method`` for ``cards`` cards over ``horizon`` days."""
    if method is Method.DEFAULT:
        return StudySettings()
    if method is Method.BY_HAND:
        return StudySettings(new_per_day=min(9999, math.ceil(cards / horizon)), reviews_per_day=UNLIMITED_REVIEWS)
    return StudySettings(reviews_per_day=UNLIMITED_REVIEWS)


# -- the decks ----------------------------------------------------------------------------------------


def _curriculum_key(deck: Deck, position: int) -> tuple[int, tuple[int, ...], str, int]:
    """Curriculum order, as the app sorts cards (area number, leaf, deck title, position in the file)."""
    area = AREAS_BY_SLUG.get(deck.area)
    leaf = tuple(int(p) for p in deck.leaf.split(".") if p.isdigit())
    return (area.number if area else 99, leaf, deck.title.lower(), position)


def deck_folder(source: Path, limit: int | None, folder: Path) -> tuple[Path, int]:
    """The deck folder holding the first ``limit`` cards of ``source``'s decks in curriculum order
    (``None``: ``source`` itself, every card), written into ``folder`` by cutting deck files before
    their first card left out; and the number of cards in it. ``ValueError`` if a deck in ``source``
    fails to load (the benchmark measures the shipped cards, all of them)."""
    loaded = load_decks([source])
    if loaded.errors:
        raise ValueError(f"{source}: {len(loaded.errors)} deck problems, first: {loaded.errors[0]}")
    total = sum(len(deck.cards) for deck in loaded.decks)
    if limit is None or limit >= total:
        return source, total
    ranked = sorted(((deck, i) for deck in loaded.decks for i in range(len(deck.cards))),
                    key=lambda pair: _curriculum_key(*pair))
    keep: dict[str, int] = {}
    for deck, position in ranked[:limit]:
        keep[deck.id] = max(keep.get(deck.id, 0), position + 1)
    folder.mkdir(parents=True, exist_ok=True)
    for deck in loaded.decks:
        if (kept := keep.get(deck.id, 0)) == 0:
            continue
        lines = Path(deck.path).read_text(encoding="utf-8").splitlines(keepends=True)
        cut = deck.cards[kept].line - 1 if kept < len(deck.cards) else len(lines)
        (folder / Path(deck.path).name).write_text("".join(lines[:cut]), encoding="utf-8")
    check = load_decks([folder])
    count = sum(len(deck.cards) for deck in check.decks)
    if check.errors or count != limit:
        raise ValueError(f"cutting the decks to {limit} cards gave {count} cards and {len(check.errors)} problems")
    return folder, count


# -- one run ---------------------------------------------------------------------------------------------


def simulate(decks: Path, *, method: Method, horizon: int, folder: Path, seed: int = 1,
             budget_minutes: int = BUDGET_MINUTES, true_time: TrueTime = TrueTime.DAY,
             first: FirstAnswer = FirstAnswer.AGAIN) -> RunResult:
    """Study the decks in ``decks`` for ``horizon`` days with ``method`` in a new collection in ``folder``
    (created; it must not hold one yet), and measure the learner on the interview day (``START +
    horizon``). Raises ``RuntimeError`` if a day's answers would run past the next day's rollover."""
    began = time.perf_counter()
    interview = START + timedelta(days=horizon)
    clock = FixedClock(_session_start(START))
    collection = open_collection(folder, clock, [decks], tz=UTC)
    try:
        cards = sum(deck.total for deck in collection.decks())
        collection.save_settings(settings_for(method, cards, horizon))
        outlook = None
        if method is Method.PLAN:
            outlook = _outlook(collection.set_plan(PlanSettings(interview=interview, start=START,
                                                                budget_minutes=budget_minutes)), cards)
        learner = Learner(FsrsModel(), Random(seed), first)
        days: list[Day] = []
        placed = placed_late = 0
        unseen_after_last_new = None
        outlook_day1 = None
        for offset in range(horizon):
            today = START + timedelta(days=offset)
            clock.set(_session_start(today))
            if offset == 1 and method is Method.PLAN and (report := collection.plan_report()) is not None:
                outlook_day1 = _outlook(report, cards)
            day, moved, moved_late = _study_day(collection, clock, learner, today, interview, true_time)
            days.append(day)
            placed, placed_late = placed + moved, placed_late + moved_late
            if outlook is not None and today == outlook.last_new_day:
                unseen_after_last_new = cards - len(learner.memory)
        recall = learner.recall(_day_start(interview), cards)
    finally:
        collection.close()
    return RunResult(method, horizon, cards, recall, cards - len(learner.memory), tuple(days), placed, placed_late,
                     unseen_after_last_new, outlook, time.perf_counter() - began, budget_minutes, outlook_day1)


def _session_start(day: date) -> datetime:
    return datetime.combine(day, clock_time(STUDY_HOUR), UTC)


def _day_start(day: date) -> datetime:
    return day_start(day, UTC, DEFAULT_ROLLOVER_HOUR)


def _outlook(report: PlanReport, cards: int) -> PlanOutlook:
    predicted = sum(r.on_day * r.cards for r in report.readiness) / cards
    return PlanOutlook(report.status, report.advice, report.new_today, report.last_new_day, report.unseen_on_day,
                       report.days_over_budget, predicted)


def _study_day(collection: Collection, clock: FixedClock, learner: Learner, today: date, interview: date,
               true_time: TrueTime) -> tuple[Day, int, int]:
    """Answer everything today's session offers; the day's counts, and the first answers whose due
    date the plan moved off SM-2's (all, and those moved to the interview or later)."""
    session = collection.study()
    rollover = _day_start(today + timedelta(days=1))
    counts = dict.fromkeys(ReviewKind, 0)
    moved = moved_late = 0
    while (card := session.next_card()) is not None:
        clock.advance(seconds=SECONDS_PER_ANSWER)
        if clock.now() >= rollover:
            raise RuntimeError(f"{today}: the day's answers run past the next day's rollover")
        at = _day_start(today) if true_time is TrueTime.DAY else clock.now()
        answered = session.answer(learner.answer(card.id, at))
        counts[answered.kind] += 1
        progress = answered.progress
        if answered.kind is not ReviewKind.DRILL and progress.due != today + timedelta(days=progress.interval):
            moved += 1
            moved_late += progress.due is not None and progress.due >= interview
    day = Day(sum(counts.values()), counts[ReviewKind.NEW], counts[ReviewKind.REVIEW], counts[ReviewKind.DRILL])
    return day, moved, moved_late


# -- the report --------------------------------------------------------------------------------------------


def table(results: Sequence[RunResult]) -> str:
    """The Markdown table of ``results`` (one row per method and horizon)."""
    rows = ["| method | days | recall on the day | never seen | p95 min/day | max min/day | days over budget "
            "| answers per card | run time (s) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows += [f"| {r.method.label(r.budget_minutes)} | {r.horizon} | {r.recall:.3f} | {r.unseen_share:.1%} "
             f"| {r.p95_minutes:.1f} | {r.max_minutes:.1f} | {r.days_over_budget} | {r.answers / r.cards:.2f} "
             f"| {r.seconds:.1f} |"
             for r in results]
    return "\n".join(rows)


def plan_table(results: Sequence[RunResult]) -> str:
    """What the plan projected when set, against what the simulated learner got."""
    rows = ["| days | status when set | new on day 0 | last new day | projected unseen | projected days over "
            "| predicted recall | true recall | unseen after last new day | placed reviews (on/after the day) "
            "| status on day 1 (pace measured) | predicted recall on day 1 |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        o = r.outlook
        if o is None:
            continue
        status = o.status + (f": {o.advice}" if o.advice else "")
        rows.append(f"| {r.horizon} | {status} | {o.new_today} | day {(o.last_new_day - START).days} "
                    f"| {o.unseen_on_day} | {o.days_over_budget} | {o.predicted_recall:.3f} | {r.recall:.3f} "
                    f"| {r.unseen_after_last_new} | {r.placed} ({r.placed_on_or_after}) "
                    f"| {_status(r.outlook_day1)} | {_predicted(r.outlook_day1)} |")
    return "\n".join(rows)


def _status(outlook: PlanOutlook | None) -> str:
    return "–" if outlook is None else outlook.status + (f": {outlook.advice}" if outlook.advice else "")


def _predicted(outlook: PlanOutlook | None) -> str:
    return "–" if outlook is None else f"{outlook.predicted_recall:.3f}"


def fewest_answers(model: FsrsModel, *, first: FirstAnswer, days_before: int, target: float,
                   most_reviews: int = 2) -> int | None:
    """The fewest answers that bring a card first seen ``days_before`` whole days before the interview
    to a true recall of at least ``target`` on the day: its first sight (Again and the drill's Good, 2
    answers; or Good, 1), then the best choice of up to ``most_reviews`` review days, every review a
    success (so a lower bound for the learner). ``None`` if no such choice reaches ``target``."""
    seen = _day_start(START)
    state = model.review(None, seen, int(Button.GOOD if first is FirstAnswer.GOOD else Button.AGAIN))
    if first is FirstAnswer.AGAIN:
        state = model.review(state, seen, int(Button.GOOD))  # the same session's drill
    cost, on_day = (1 if first is FirstAnswer.GOOD else 2), seen + timedelta(days=days_before)
    for reviews in range(most_reviews + 1):
        for review_days in combinations(range(1, days_before), reviews):
            after = state
            for day in review_days:
                after = model.review(after, seen + timedelta(days=day), int(Button.GOOD))
            if model.retrievability(after, on_day) >= target:
                return cost + reviews
    return None


def fit_table(cards: int, horizons: Sequence[int], budget_minutes: int, first: FirstAnswer,
              target: float = 0.90) -> str:
    """Whether ``cards`` can fit each horizon at all: the answers the budget holds against the fewest
    answers per card (:func:`fewest_answers`, first seen by the plan's last new day) times the cards."""
    model, per_day = FsrsModel(), math.floor(60 * budget_minutes / SECONDS_PER_ANSWER)
    rows = [f"| days | answers {budget_minutes} min a day holds | fewest answers per card to {target:.0%} "
            "| fewest answers for every card | fits |", "|---:|---:|---:|---:|:---:|"]
    for horizon in horizons:
        interview = START + timedelta(days=horizon)
        earliest = (interview - last_new_day(START, interview)).days
        counts = [n for k in range(earliest, horizon + 1)
                  if (n := fewest_answers(model, first=first, days_before=k, target=target)) is not None]
        least = min(counts) if counts else None
        need = "–" if least is None else f"{least * cards:,}"
        fits = "no" if least is None or least * cards > per_day * horizon else "yes"
        rows.append(f"| {horizon} | {per_day * horizon:,} | {least if least is not None else '> 4'} | {need} "
                    f"| {fits} |")
    return "\n".join(rows)


def _count(value: str) -> int | None:
    return None if value == "all" else int(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", nargs="+", type=_count, default=[ISSUE_CARDS, None],
                        help="card counts to run (the first N in curriculum order, or 'all')")
    parser.add_argument("--horizons", nargs="+", type=int, default=list(HORIZONS))
    parser.add_argument("--methods", nargs="+", type=Method, default=list(Method))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=int, default=BUDGET_MINUTES, help="the plan's minutes a day")
    parser.add_argument("--true-time", type=TrueTime, default=TrueTime.DAY)
    parser.add_argument("--first-answer", type=FirstAnswer, default=FirstAnswer.AGAIN)
    parser.add_argument("--decks", type=Path, default=shipped_decks_dir())
    args = parser.parse_args()
    root = tmp_root()
    load = os.getloadavg()
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
          f"{sqlite3.sqlite_version}, temporary folders in {root or tempfile.gettempdir()}, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=root, prefix="bench-planner-") as tmp:
        for limit in args.cards:
            decks, count = deck_folder(args.decks, limit, Path(tmp) / f"decks-{limit}")
            results = []
            for horizon in args.horizons:
                for method in args.methods:
                    folder = Path(tmp) / f"run-{count}-{horizon}-{method}"
                    result = simulate(decks, method=method, horizon=horizon, folder=folder, seed=args.seed,
                                      budget_minutes=args.budget, true_time=args.true_time,
                                      first=args.first_answer)
                    shutil.rmtree(folder)
                    results.append(result)
                    print(f"{count} cards, {horizon} days, {method.label(args.budget)}: recall {result.recall:.3f}, "
                          f"{result.seconds:.1f} s", file=sys.stderr)
            print(f"\n### {count} cards, seed {args.seed}, true time: {args.true_time}, first answer: "
                  f"{args.first_answer}, plan budget {args.budget} min\n")
            print(table(results))
            print()
            print(plan_table(results))
            print()
            print(fit_table(count, args.horizons, args.budget, args.first_answer))
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end", file=sys.stderr)


if __name__ == "__main__":
    main()
