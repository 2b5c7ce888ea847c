"""Test helpers for the planner: a memory model simple enough to work examples by hand, and
hypothesis strategies for whole plan scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from mlprep.core import sm2
from mlprep.core.memory import FsrsModel, MemoryState, Recall
from mlprep.core.models import CardId, DeckId
from mlprep.core.plan_forecast import PlanCard
from mlprep.core.planner import Pace, PlanSettings, Weight, day_instant

TODAY = date(2025, 3, 3)
FSRS = FsrsModel()


class LinearModel:
    """Recall ``1 − 0.01 × whole days since the last answer`` (never below 0); an answer only moves
    the last review. Lets place_due and forecast examples be worked by hand."""

    rate = 0.01

    def replay(self, history: Sequence[Recall]) -> MemoryState | None:
        return MemoryState(1.0, 5.0, max(r.at for r in history)) if history else None

    def review(self, state: MemoryState | None, at: datetime, quality: int) -> MemoryState:
        return MemoryState(1.0, 5.0, at)

    def retrievability(self, state: MemoryState | None, at: datetime) -> float:
        if state is None:
            return 0.0
        return max(0.0, 1 - self.rate * max(0, (at - state.last_review).days))


def seen_on(day: date) -> MemoryState:
    """A LinearModel state last answered on study day ``day``."""
    return MemoryState(1.0, 5.0, day_instant(day))


def new_cards(area: str, deck: str, count: int) -> list[PlanCard]:
    return [PlanCard(CardId(f"{deck}-{i}"), area, DeckId(deck)) for i in range(count)]


@dataclass(frozen=True)
class Scenario:
    cards: tuple[PlanCard, ...]
    settings: PlanSettings
    pace: Pace
    today: date = TODAY


@st.composite
def seen_card(draw: st.DrawFn, card_id: CardId, area: str, deck: DeckId) -> PlanCard:
    """A card answered a few times before today (SM-2 gaps, so due dates fall before, on or after today)."""
    day = TODAY - timedelta(days=draw(st.integers(1, 80)))
    state, memory, due = sm2.NEW_CARD, None, day
    for quality in draw(st.lists(st.integers(0, 5), min_size=1, max_size=6)):
        if due >= TODAY:
            break
        state = sm2.review(state, quality)
        memory = FSRS.review(memory, day_instant(due), quality)
        due = due + timedelta(days=state.interval)
    return PlanCard(card_id, area, deck, state, due, memory)


@st.composite
def scenarios(draw: st.DrawFn, *, seen: bool = True, max_cards: int = 10) -> Scenario:
    """Up to 4 areas of up to 3 decks each, ``max_cards`` cards per deck (some seen if ``seen``),
    random weights (not every area skipped), an interview 1–40 days away, and budget, pace, target."""
    cards: list[PlanCard] = []
    area_weights: dict[str, Weight] = {}
    deck_weights: dict[DeckId, Weight] = {}
    for a in range(draw(st.integers(1, 4))):
        area = f"area{a}"
        area_weights[area] = draw(st.sampled_from(Weight))
        for d in range(draw(st.integers(1, 3))):
            deck = DeckId(f"{area}-deck{d}")
            deck_weights[deck] = draw(st.sampled_from([Weight.NORMAL, Weight.NORMAL, Weight.FOCUS, Weight.SKIP]))
            for i in range(draw(st.integers(0, max_cards))):
                card_id = CardId(f"{deck}-{i}")
                is_seen = seen and draw(st.booleans())
                cards.append(draw(seen_card(card_id, area, deck)) if is_seen else PlanCard(card_id, area, deck))
    if all(weight is Weight.SKIP for weight in area_weights.values()):
        area_weights["area0"] = Weight.NORMAL
    interview = TODAY + timedelta(days=draw(st.integers(1, 40)))
    start = TODAY - timedelta(days=draw(st.integers(0, 10)))
    settings = PlanSettings(interview=interview, start=start, budget_minutes=draw(st.integers(3, 120)),
                            target_recall=draw(st.sampled_from([0.8, 0.85, 0.9, 0.95])),
                            area_weights=area_weights, deck_weights=deck_weights)
    pace = Pace(draw(st.sampled_from([6.0, 10.0, 15.0, 30.0])), draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
                draw(st.sampled_from([0.0, 0.1, 0.3])), draw(st.sampled_from([1.0, 2.0])))
    return Scenario(tuple(cards), settings, pace)
