"""Where the interview plan is stored: one settings row, read without loading the planner (issue 16).

:mod:`mlprep.services.planning` (with :mod:`mlprep.core.planner`, the FSRS model and ``statistics``) is
imported only once a plan is stored or the new cards are ranked: a collection without a plan paints its deck
list without it.
"""

from __future__ import annotations

from mlprep.storage.collection_db import CollectionDb

PLAN_KEY = "plan"
"""The settings key under which :class:`mlprep.services.planning.Planner` stores the plan (JSON)."""


def plan_stored(storage: CollectionDb) -> bool:
    """Whether ``storage`` holds a stored plan (a JSON object under :data:`PLAN_KEY`). When False,
    :meth:`mlprep.services.planning.Planner.stored` is ``None`` too: there is no plan, active or past."""
    return isinstance(storage.settings.get_json(PLAN_KEY), dict)
