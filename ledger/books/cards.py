"""Asset cards: one data resource on a member's books.

A card says what the resource is on the balance sheet (its class: an
intangible asset, inventory, or development in progress), how it was acquired
(the columns of the disclosure), its useful life or an indefinite life, its
amortisation method, whether it serves customers (amortisation to cost of
sales) or the company itself (management expense), and the member whose books
hold it.

A card may be linked to a certificate on chain, and to the licence that gives
the member its right to the data when it holds no holding shares. Recognition
rests on control and expected benefit, not on registration: research and
development are booked before any certificate exists, and purchased data may
never be registered; `dal audit books` lists the unlinked cards.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from ledger.books.periods import month_of, next_month, parse_month
from ledger.errors import NotFoundError, ValidationError
from ledger.inputs import parse_currency, parse_duration
from ledger.store.books import AssetCard, CardRevision, JournalEntry

__all__ = [
    "METHODS",
    "Acquisition",
    "AssetClass",
    "card_row",
    "check_method",
    "get_card",
    "link_card",
    "list_cards",
    "open_card",
    "parse_life",
    "pattern_percentages",
    "revise_card",
]

#: Amortisation methods the books compute: straight-line (the default of CAS 6 when the pattern of benefits
#: cannot be determined reliably), or a pattern of benefits given as the percentage of the cost for each year
#: of the useful life (``pattern`` with ``40,30,20,10``).
METHODS = ("straight-line", "pattern")


class AssetClass(StrEnum):
    """Where the resource sits on the balance sheet."""

    INTANGIBLE = "intangible"
    INVENTORY = "inventory"
    DEVELOPMENT = "development"


class Acquisition(StrEnum):
    """How the resource was acquired (the columns of the disclosure tables)."""

    PURCHASED = "purchased"
    DEVELOPED = "developed"
    PROCESSED = "processed"
    OTHER = "other"


_ALLOWED: dict[AssetClass, tuple[Acquisition, ...]] = {
    AssetClass.INTANGIBLE: (Acquisition.PURCHASED, Acquisition.OTHER),
    AssetClass.INVENTORY: (Acquisition.PURCHASED, Acquisition.PROCESSED, Acquisition.OTHER),
    AssetClass.DEVELOPMENT: (Acquisition.DEVELOPED,),
}


def parse_life(text: str | None) -> int | None:
    """A useful life as months (``5y`` -> 60, ``18m`` -> 18), or ``None`` for ``indefinite``."""
    if text is None or text.strip().lower() == "indefinite":
        return None
    months = parse_duration(text, what="useful life").months
    if months is None:
        raise ValidationError(f"useful life {text!r}: give years or months (5y, 36m) or 'indefinite'")
    return months


def _enum(kind: type[StrEnum], value: str, what: str) -> Any:
    try:
        return kind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(item.value for item in kind)
        raise ValidationError(f"{what} {value!r} is not one of {allowed}") from None


def open_card(
    session: Session,
    entity: str,
    name: str,
    *,
    asset_class: str,
    acquisition: str | None = None,
    life: str | None = None,
    currency: str = "CNY",
    serves_customers: bool = False,
    certificate_id: int | None = None,
    licence_id: int | None = None,
    rights_end: dt.date | None = None,
    method: str = "straight-line",
    pattern: str | None = None,
) -> AssetCard:
    """Put a new data resource on ``entity``'s books (the caller commits).

    ``life`` is required for an intangible asset: a duration (``5y``) or
    ``indefinite``; a resource in development gets its life when it is ready
    for use. ``acquisition`` defaults to ``developed`` for development and
    ``purchased`` otherwise.
    """
    kind: AssetClass = _enum(AssetClass, asset_class, "asset class")
    how: Acquisition = (
        _enum(Acquisition, acquisition, "acquisition") if acquisition is not None
        else Acquisition.DEVELOPED if kind is AssetClass.DEVELOPMENT else Acquisition.PURCHASED
    )
    if how not in _ALLOWED[kind]:
        allowed = ", ".join(item.value for item in _ALLOWED[kind])
        raise ValidationError(
            f"a card of class {kind.value} is acquired as {allowed}, not {how.value}"
            + ("; developed data becomes intangible with `dal books post ready`" if kind is AssetClass.INTANGIBLE
               else "")
        )
    if not name.strip() or len(name) > 200:
        raise ValidationError("a card needs a name of 1 to 200 characters")
    if kind is AssetClass.INTANGIBLE and life is None:
        raise ValidationError("an intangible asset needs a useful life: give --life 5y (or 36m), or --life indefinite")
    card = AssetCard(
        entity=entity, name=name.strip(), asset_class=kind.value, acquisition=how.value,
        currency=parse_currency(currency), useful_life_months=parse_life(life) if life is not None else None,
        method=method, pattern=pattern, serves_customers=serves_customers, certificate_id=certificate_id,
        licence_id=licence_id, rights_end=rights_end,
    )
    check_method(card.method, card.pattern, card.useful_life_months)
    session.add(card)
    session.flush()
    return card


def pattern_percentages(text: str) -> list[Decimal]:
    """The yearly percentages of a pattern (``"40,30,20,10"``), each positive, summing to 100."""
    try:
        values = [Decimal(part.strip()) for part in text.split(",")]
    except InvalidOperation:
        values = []
    if not values or any(not value.is_finite() or value <= 0 for value in values) or sum(values) != 100:
        raise ValidationError(
            f"pattern {text!r} must list a positive percentage of the cost for each year of the life, "
            "summing to 100, e.g. 40,30,20,10"
        )
    return values


def check_method(method: str, pattern: str | None, life: int | None) -> None:
    """Refuse an amortisation method the books cannot compute, or a pattern that does not fit the useful life of
    ``life`` months (one percentage per year or part of a year)."""
    if method not in METHODS:
        raise ValidationError(f"amortisation method {method!r} is not one of {', '.join(METHODS)}")
    if method == "straight-line":
        if pattern is not None:
            raise ValidationError("a pattern goes with the method 'pattern', not straight-line")
        return
    if pattern is None:
        raise ValidationError("the method 'pattern' needs the percentage for each year: --pattern 40,30,20,10")
    years = len(pattern_percentages(pattern))
    if life is not None and years != -(-life // 12):
        raise ValidationError(
            f"the pattern has {years} years but the useful life of {life} months has {-(-life // 12)}"
        )


def get_card(session: Session, card_id: int, entity: str | None = None) -> AssetCard:
    """Card ``card_id`` (on ``entity``'s books, when given)."""
    card = session.get(AssetCard, card_id)
    if card is None or (entity is not None and card.entity != entity):
        where = "" if entity is None else f" on the books of {entity}"
        raise NotFoundError(f"asset card {card_id} does not exist{where}; see `dal books cards`")
    return card


def list_cards(session: Session, entity: str | None = None) -> list[AssetCard]:
    """Every card (on ``entity``'s books, when given), in the order they were opened."""
    query = select(AssetCard).order_by(col(AssetCard.id))
    if entity is not None:
        query = query.where(AssetCard.entity == entity)
    return list(session.exec(query).all())


def link_card(
    session: Session, card: AssetCard, *, certificate_id: int, licence_id: int | None = None,
    rights_end: dt.date | None = None,
) -> AssetCard:
    """Link ``card`` to a certificate (and the licence it rests on), with the end of the rights held."""
    if card.derecognised_on is not None:
        raise ValidationError(f"asset card {card.id} was derecognised on {card.derecognised_on}; it cannot be linked")
    card.certificate_id, card.licence_id = certificate_id, licence_id
    if rights_end is not None:
        card.rights_end = rights_end
    session.add(card)
    session.flush()
    return card


def card_row(card: AssetCard) -> dict[str, Any]:
    """A card as `dal books cards` shows it."""
    life = card.useful_life_months
    return {
        "card": card.id,
        "name": card.name,
        "class": card.asset_class,
        "acquisition": card.acquisition,
        "certificate": card.certificate_id,
        "licence": card.licence_id,
        "life": "indefinite" if life is None and card.asset_class == AssetClass.INTANGIBLE
        else None if life is None else f"{life} months",
        "method": card.method if card.pattern is None else f"{card.method} {card.pattern}",
        "charge_to": "cost of sales" if card.serves_customers else "management expense",
        "ready_on": card.ready_on,
        "rights_end": card.rights_end,
        "derecognised_on": card.derecognised_on,
        "derecognition_reason": card.derecognition_reason,
        "currency": card.currency,
        "entity": card.entity,
    }


def revise_card(
    session: Session,
    entity: str,
    card_id: int,
    *,
    effective: str,
    reason: str,
    life: str | None = None,
    method: str | None = None,
    pattern: str | None = None,
) -> CardRevision:
    """Change the estimate of an intangible's useful life (``life``: ``8y``, ``indefinite``) or amortisation
    method from month ``effective`` on (CAS 6 and 28: prospectively; the months already amortised stay as
    they are, and the carrying amount left is spread over the months the new estimate leaves). The change is
    recorded for the disclosure; the caller commits.

    ``life`` counts from the month the asset became ready for use, as when the card was opened; what is not
    given stays as it was.
    """
    card = get_card(session, card_id, entity)
    if card.asset_class != AssetClass.INTANGIBLE or card.ready_on is None:
        raise ValidationError(
            f"card {card_id} is not an intangible asset in use; only the life and method of one can be revised"
        )
    if not reason.strip():
        raise ValidationError("say why the estimate changed (--reason), as the disclosure must")
    month = parse_month(effective, what="the month the new estimate applies from")
    keys = session.exec(
        select(JournalEntry.schedule_key).where(
            JournalEntry.card_id == card_id, col(JournalEntry.schedule_key).is_not(None)
        )
    ).all()
    amortised = sorted(str(key).rsplit(":", 1)[1] for key in keys if key)
    if amortised and month <= amortised[-1]:
        raise ValidationError(
            f"card {card_id} is amortised through {amortised[-1]}; a change of estimate applies from a later "
            f"month, {next_month(amortised[-1], 1)} or after"
        )
    if month < month_of(card.ready_on):
        raise ValidationError(f"card {card_id} became ready for use in {month_of(card.ready_on)}; revise from then on")
    due_from = next_month(amortised[-1], 1) if amortised else month_of(card.ready_on)
    old_end = (next_month(month_of(card.ready_on), card.useful_life_months - 1)
               if card.useful_life_months is not None else None)
    if old_end is not None and due_from < month and due_from <= old_end:
        previous = next_month(month, -1)
        raise ValidationError(
            f"card {card_id} is not amortised through {previous} yet; post the schedule under the old estimate "
            f"first (`dal books schedule --through {previous}`)"
        )
    new_life = parse_life(life) if life is not None else card.useful_life_months
    new_method = method if method is not None else card.method
    new_pattern = pattern if pattern is not None else (card.pattern if new_method == "pattern" else None)
    check_method(new_method, new_pattern, new_life)
    if new_life is not None and next_month(month_of(card.ready_on), new_life - 1) < month:
        raise ValidationError(
            f"a useful life of {new_life} months from {month_of(card.ready_on)} ends before {month}; "
            "give a longer life, or derecognise or impair the asset instead"
        )
    if (new_life, new_method, new_pattern) == (card.useful_life_months, card.method, card.pattern):
        raise ValidationError(f"card {card_id} already has that life and method; nothing to revise")
    revision = CardRevision(
        card_id=card_id, entity=entity, effective_month=month, previous_life_months=card.useful_life_months,
        useful_life_months=new_life, previous_method=card.method, method=new_method,
        previous_pattern=card.pattern, pattern=new_pattern, reason=reason.strip(),
    )
    card.useful_life_months, card.method, card.pattern = new_life, new_method, new_pattern
    session.add(card)
    session.add(revision)
    session.flush()
    return revision

