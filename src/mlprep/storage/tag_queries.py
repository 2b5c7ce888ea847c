"""Tags and how many cards carry them (the tag picker's counts)."""

from __future__ import annotations

from mlprep.storage.db import Db as Database


def tag_card_counts(db: Database) -> dict[str, int]:
    """Per tag on a present card (deck and card tags, ``leaf:``/``ref:`` tags, and user tags such as
    ``leech``), how many present cards carry it (a card counted once per tag, suspended and buried
    cards included); ordered by tag."""
    rows = db.execute(
        "SELECT tag, COUNT(*) FROM ("
        " SELECT c.id, j.value AS tag FROM cards c, json_each(c.tags) j WHERE c.present = 1"
        " UNION"
        " SELECT c.id, j.value FROM cards c, json_each(c.user_tags) j WHERE c.present = 1"
        ") GROUP BY tag ORDER BY tag").fetchall()
    return {str(tag): int(n) for tag, n in rows}
