"""``mlprep plan``: set, show or clear the interview plan (see :mod:`mlprep.services.planning`)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from mlprep.core.planner import PlanSettings
    from mlprep.services.collection import Collection
    from mlprep.services.planning import PlanReport


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``plan`` command to the ``mlprep`` parser's subcommands ``sub``."""
    plan = sub.add_parser("plan", help="prepare for an interview date: set, show (no options) or clear the plan")
    plan.add_argument("--date", metavar="YYYY-MM-DD", help="the interview day (sets or changes the plan)")
    plan.add_argument("--budget-min", type=int, metavar="N", help="study minutes a day (default 45)")
    plan.add_argument("--focus", nargs="+", default=[], metavar="AREA", help="areas to give twice the new cards")
    plan.add_argument("--skip", nargs="+", default=[], metavar="AREA", help="areas to leave out")
    plan.add_argument("--target", metavar="P", help="predicted recall wanted on the day: 0.9 or 90 (default 90 %%)")
    plan.add_argument("--clear", action="store_true", help="remove the plan")
    plan.add_argument("--json", action="store_true", help="the plan, its forecast and readiness as one JSON document")


def run(args: argparse.Namespace, open_collection: Callable[[bool], Collection]) -> int:
    """Run ``mlprep plan`` with parsed ``args``; ``open_collection(read_only)`` opens the collection
    (read-only when the command only shows the plan). Bad input prints ``mlprep plan: field: message``
    and exits 2, saving nothing."""
    from mlprep.core.planner import PlanError
    from mlprep.services.backups import CollectionInUse

    changing = bool(args.clear or args.date is not None or args.budget_min is not None or args.target is not None
                    or args.focus or args.skip)
    try:
        collection = open_collection(not changing)
    except CollectionInUse as error:
        print(f"mlprep plan: {error}", file=sys.stderr)
        return 1
    try:
        if args.clear:
            collection.clear_plan()
            print("mlprep plan: the plan is cleared", file=sys.stderr)
            return 0
        if changing:
            report = collection.set_plan(_settings(args, collection))
        else:
            found = collection.plan_report()
            if found is None:
                print("mlprep plan: no plan is active; set one with --date YYYY-MM-DD", file=sys.stderr)
                return 1
            report = found
    except PlanError as error:
        print(f"mlprep plan: {error}", file=sys.stderr)
        return 2
    finally:
        collection.close()
    print(json.dumps(report.to_json(), indent=2, ensure_ascii=False) if args.json else text_report(report))
    return 0


def _settings(args: argparse.Namespace, collection: Collection) -> PlanSettings:
    from dataclasses import replace

    from mlprep.core.planner import PlanError, PlanSettings, Weight

    today = collection.today()
    current = collection.plan()
    if current is not None and today >= current.interview:
        current = None  # a past plan is not edited: a new one starts today
    if args.date is None and current is None:
        raise PlanError("date", "give the interview day: --date YYYY-MM-DD")
    try:
        interview = date.fromisoformat(args.date) if args.date is not None else None
    except ValueError as error:
        raise PlanError("date", f"{args.date!r} is not a date YYYY-MM-DD") from error
    if interview is None:
        assert current is not None
        interview = current.interview
    target = _target(args.target) if args.target is not None else None
    weights = dict(current.area_weights) if current is not None else {}
    weights.update({area: Weight.FOCUS for area in args.focus})
    weights.update({area: Weight.SKIP for area in args.skip})
    base = current or PlanSettings(interview=interview, start=today)
    return replace(base, interview=interview, start=base.start if current is not None else today,
                   budget_minutes=args.budget_min if args.budget_min is not None else base.budget_minutes,
                   target_recall=target if target is not None else base.target_recall, area_weights=weights)


def _target(text: str) -> float:
    from mlprep.core.planner import PlanError

    try:
        value = float(text.rstrip("%"))
    except ValueError as error:
        raise PlanError("target", f"{text!r} is not a number (0.9 or 90)") from error
    share = value / 100 if value > 1 else value
    if not 0.5 <= share <= 0.99:
        raise PlanError("target", f"recall on the day must be from 50% to 99% (0.5-0.99 or 50-99), got {text}")
    return share


def text_report(report: PlanReport) -> str:
    """The report as the terminal shows it."""
    from mlprep.services.overview import area_label

    plan, pace = report.plan, report.pace
    peak = max(report.days, key=lambda d: d.minutes, default=None)
    pace_note = "" if report.pace_measured else " (the default until you have 50 answers)"
    lines = [
        f"Interview {plan.interview} ({report.summary().removeprefix('Interview ')})",
        f"Budget {plan.budget_minutes} min a day at {pace.seconds_per_answer:.0f} s an answer, "
        f"{pace.new_fail:.0%} of new cards and {pace.review_fail:.0%} of reviews re-drilled{pace_note}; "
        f"target recall on the day {plan.target_recall:.0%}",
        f"New cards today: {report.new_today}; the last new cards on {report.last_new_day}, then reviews only",
    ]
    if peak is not None:
        lines.append(f"Busiest day {peak.day}: {peak.minutes:.0f} min; days over budget: {report.days_over_budget}; "
                     f"cards unseen on the day: {report.unseen_on_day}")
    lines.append("Readiness (predicted recall now -> on the day):")
    width = max((len(area_label(r.area)) for r in report.readiness), default=0)
    lines += [f"  {area_label(r.area).ljust(width)}  {r.now:4.0%} -> {r.on_day:4.0%}  ({r.cards} cards)"
              for r in report.readiness]
    return "\n".join(lines)
