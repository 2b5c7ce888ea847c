"""What the interview planner reads: every card with its SM-2 state and deck, the answers its memory
model replays, and the user's pace (answer times, drills per first answer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mlprep.core.models import CardId, DeckId
from mlprep.storage.db import Db as Database
from mlprep.storage.log_codec import DRILL, NEW, REVIEW, instant_us, read_instant


@dataclass(frozen=True)
class PlannedCard:
    """A present, unsuspended card: its deck's area, leaf and title and its place in the deck file
    (for curriculum order), and its SM-2 state (``due`` ``None`` while new)."""

    card_id: CardId
    deck_id: DeckId
    area: str
    leaf: str
    deck_title: str
    position: int
    repetitions: int
    easiness: float
    interval: int
    due: date | None


@dataclass(frozen=True)
class PaceSample:
    """The review log's pace: ``answer_ms`` of the latest answers (first answers and drills, newest
    first), and since a day: first answers of new cards (``new``) and of reviews (``reviews``), how many
    of each were graded below ``passing`` (``new_failed``, ``reviews_failed``), and the ``drills``."""

    answer_ms: tuple[int, ...]
    new: int
    new_failed: int
    reviews: int
    reviews_failed: int
    drills: int


class PlanQueries:
    """The planner's reads over one open collection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def cards(self) -> list[PlannedCard]:
        """Every present, unsuspended card, unordered."""
        rows = self._db.execute(
            "SELECT c.id, c.deck_id, d.area, COALESCE(d.leaf, ''), d.title, c.position, c.repetitions, "
            "c.easiness, c.interval, c.due FROM cards c JOIN decks d ON d.id = c.deck_id "
            "WHERE c.present = 1 AND c.suspended = 0").fetchall()
        return [PlannedCard(CardId(i), DeckId(deck), area, leaf, title, int(pos), int(reps), float(ef), int(ivl),
                            date.fromisoformat(due) if due else None)
                for i, deck, area, leaf, title, pos, reps, ef, ivl, due in rows]

    def answers(self, card_id: CardId | None = None) -> dict[CardId, list[tuple[datetime, int]]]:
        """Every logged answer (every kind: a cram answer is recall practice too) as ``(UTC instant,
        SM-2 quality)``, per card in log order; for one card, or for every present card."""
        where, params = ("l.card_id = ?", [card_id]) if card_id is not None else \
            ("l.card_id IN (SELECT id FROM cards WHERE present = 1)", [])
        out: dict[CardId, list[tuple[datetime, int]]] = {}
        for card, at, quality in self._db.execute(
                f"SELECT l.card_id, l.reviewed_at, l.quality FROM review_log l WHERE {where} ORDER BY l.id",
                params).fetchall():
            out.setdefault(CardId(card), []).append((read_instant(at), int(quality)))
        return out

    def pace(self, since: datetime, passing: int, latest: int = 1000) -> PaceSample:
        """The ``latest`` answer times, and the first-answer, failure (quality < ``passing``) and drill
        counts since ``since`` (UTC)."""
        ms = tuple(int(r[0]) for r in self._db.execute(
            f"SELECT answer_ms FROM review_log WHERE kind IN ({NEW}, {REVIEW}, {DRILL}) AND answer_ms > 0 "
            "ORDER BY id DESC LIMIT ?", [latest]).fetchall())
        new, new_failed, reviews, reviews_failed, drills = self._db.execute(
            f"SELECT COALESCE(SUM(kind = {NEW}), 0), COALESCE(SUM(kind = {NEW} AND quality < :p), 0), "
            f"COALESCE(SUM(kind = {REVIEW}), 0), COALESCE(SUM(kind = {REVIEW} AND quality < :p), 0), "
            f"COALESCE(SUM(kind = {DRILL}), 0) FROM review_log WHERE reviewed_at >= :since",
            {"p": passing, "since": instant_us(since)}).fetchone()
        return PaceSample(ms, int(new), int(new_failed), int(reviews), int(reviews_failed), int(drills))
