"""The amortisation schedule of intangible data resources, in Chinese practice.

- Straight-line by default, or following a pattern of benefits (the card's
  percentage of the cost for each year of its life); residual value zero;
  over the useful life capped at the term of the rights held (the card's
  ``rights_end``: the certificate's validity or the licence's period). An
  indefinite life is not amortised.
- Amortisation starts in the month the asset becomes ready for use, a
  mid-month start included, and stops before the month it is derecognised
  (当月增加当月摊销，当月减少当月不再摊销).
- Each month's charge is the carrying amount at the start of the month (cost
  booked by the month's end, less amortisation and impairment booked before
  it) times the month's weight over the weights of the months left, rounded
  half up to the minor unit. Straight-line weighs every month alike (the
  carrying amount spread evenly over the months left); a pattern weighs each
  month with its year's percentage shared among that year's months. The last
  month takes what is left, so the total is exact, and an impairment spreads
  the rest over the remaining life in the same proportions (CAS 8).
- The charge goes to cost of sales (6401) when the data serves customers,
  else to management expense (6602), against accumulated amortisation (1702.01).
- Each month's entry carries the key ``amortise:CARD:YYYY-MM``: running the
  schedule again posts nothing twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlmodel import Session, col, select

from ledger.books.accounts import (
    ACCUMULATED_AMORTISATION,
    ADMIN_EXPENSE,
    COST_OF_SALES,
    IMPAIRMENT_PROVISION,
    INTANGIBLE_COST,
    Side,
)
from ledger.books.cards import AssetClass, pattern_percentages
from ledger.books.journal import EntryDraft, EntryView, LineDraft, card_movements, post_many
from ledger.books.periods import month_end, month_of, month_start, next_month, parse_month
from ledger.store.books import AssetCard, JournalEntry

__all__ = ["amortisation_months", "amortise", "due_months", "month_weights", "schedule_key"]


def schedule_key(card_id: int, month: str) -> str:
    """The key that makes a month's amortisation of a card post once."""
    return f"amortise:{card_id}:{month}"


def _months(first: dt.date, last: dt.date) -> int:
    return (last.year * 12 + last.month) - (first.year * 12 + first.month)


def amortisation_months(card: AssetCard) -> list[str]:
    """The months over which ``card`` is amortised in full: from the month it was ready for use, for its useful
    life capped at the end of its rights (a month counts when the rights last to its final day)."""
    if card.ready_on is None or card.useful_life_months is None or card.asset_class != AssetClass.INTANGIBLE:
        return []
    life = card.useful_life_months
    if card.rights_end is not None:
        covered = _months(card.ready_on, card.rights_end) + (1 if card.rights_end == month_end(month_of(card.rights_end)) else 0)
        life = min(life, max(covered, 1))
    first = month_of(card.ready_on)
    return [next_month(first, index) for index in range(life)]


def _round(value: Fraction) -> int:
    return int((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def month_weights(card: AssetCard, count: int) -> list[Fraction]:
    """How much of the cost each of the first ``count`` months of the life bears, relative to the others."""
    if card.method != "pattern" or card.pattern is None or card.useful_life_months is None:
        return [Fraction(1)] * count
    percentages = pattern_percentages(card.pattern)
    life = card.useful_life_months
    weights = []
    for index in range(count):
        year = index // 12
        months_in_year = min(12, life - 12 * year)
        weights.append(Fraction(percentages[year]) / months_in_year)
    return weights


def due_months(session: Session, card: AssetCard, through: str) -> list[tuple[str, int]]:
    """The months up to ``through`` whose amortisation of ``card`` is not posted yet, with each one's charge
    (months with nothing left to charge are left out)."""
    plan = amortisation_months(card)
    if not plan or card.id is None:
        return []
    stop = month_of(card.derecognised_on) if card.derecognised_on is not None else None
    posted = set(session.exec(
        select(JournalEntry.schedule_key).where(
            JournalEntry.card_id == card.id, col(JournalEntry.schedule_key).is_not(None)
        )
    ).all())
    moves = card_movements(session, card.id, [INTANGIBLE_COST, ACCUMULATED_AMORTISATION, IMPAIRMENT_PROVISION])
    weights = month_weights(card, len(plan))
    charged: dict[str, int] = {}
    due: list[tuple[str, int]] = []
    for index, month in enumerate(plan):
        if month > through or (stop is not None and month >= stop):
            break
        if schedule_key(card.id, month) in posted:
            continue
        start, end = month_start(month), month_end(month)
        cost = sum(amount for day, code, amount in moves if code == INTANGIBLE_COST and day <= end)
        taken = sum(amount for day, code, amount in moves if code != INTANGIBLE_COST and day < start)
        taken += sum(amount for earlier, amount in charged.items() if earlier < month)
        carrying = cost - taken
        charge = _round(carrying * weights[index] / sum(weights[index:]))
        if charge <= 0:
            continue
        charged[month] = charge
        due.append((month, charge))
    return due


def amortise(session: Session, entity: str, through: str, *, card_id: int | None = None) -> list[EntryView]:
    """Post every amortisation due on ``entity``'s books up to month ``through`` (one card, or all); the
    caller commits. Returns what was posted (nothing when the schedule is up to date)."""
    month = parse_month(through, what="the month to amortise through")
    query = select(AssetCard).where(
        AssetCard.entity == entity, AssetCard.asset_class == AssetClass.INTANGIBLE.value,
        col(AssetCard.ready_on).is_not(None), col(AssetCard.useful_life_months).is_not(None),
    ).order_by(col(AssetCard.id))
    if card_id is not None:
        query = query.where(AssetCard.id == card_id)
    posted: list[EntryView] = []
    for card in session.exec(query).all():
        assert card.id is not None
        charge_to = COST_OF_SALES if card.serves_customers else ADMIN_EXPENSE
        drafts = [
            EntryDraft(
                entity=entity, entry_date=month_end(due), description=f"Amortisation of {card.name} for {due}",
                lines=[LineDraft(charge_to, Side.DEBIT, charge, card_id=card.id),
                       LineDraft(ACCUMULATED_AMORTISATION, Side.CREDIT, charge, card_id=card.id)],
                kind="amortise", currency=card.currency, card_id=card.id, schedule_key=schedule_key(card.id, due),
            )
            for due, charge in due_months(session, card, month)
        ]
        posted += post_many(session, drafts)
    return posted
