"""Closing a member's books through a month.

A close covers a month and every month before it: they refuse new entries
from then on. Closes only move forward, and a month is closed only once every
amortisation due up to it is posted (run the schedule first). A mistake found
in a closed month is corrected by a reversing or red-ink voucher dated in an
open month (:func:`ledger.books.journal.correct`).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from ledger.books.cards import AssetClass
from ledger.books.periods import closed_through, parse_month
from ledger.books.schedule import due_months
from ledger.errors import ValidationError
from ledger.store.books import AssetCard, PeriodClose

__all__ = ["close_books"]


def close_books(session: Session, entity: str, through: str) -> PeriodClose:
    """Close ``entity``'s books through month ``through`` (the caller commits)."""
    month = parse_month(through, what="the month to close through")
    current = closed_through(session, entity)
    if current is not None and month <= current:
        raise ValidationError(
            f"the books are already closed through {current}; closes only move forward, so name a later month"
        )
    cards = session.exec(select(AssetCard).where(
        AssetCard.entity == entity, AssetCard.asset_class == AssetClass.INTANGIBLE.value,
    ).order_by(col(AssetCard.id))).all()
    for card in cards:
        due = due_months(session, card, month)
        if due:
            raise ValidationError(
                f"card {card.id} ({card.name}) is not amortised for {due[0][0]}"
                + (f" to {due[-1][0]}" if len(due) > 1 else "")
                + f"; run `dal books schedule --through {month}` before closing"
            )
    row = PeriodClose(entity=entity, through=month)
    session.add(row)
    session.flush()
    return row
