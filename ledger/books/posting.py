"""The standard events of a data resource's life, each posted as one journal entry.

Every function takes an open session, checks the card and the amounts, posts
one entry through :func:`ledger.books.journal.post` and returns it; the caller
commits. Amounts are minor units of the card's currency. ``voucher`` and
``description`` default to the next voucher number and a description of the
event. The journals (Dr = debit, Cr = credit; account codes of
:mod:`ledger.books.accounts`):

==================  ==========================================================================
purchase            Dr 1701.01 (intangible) or 1405.01 (inventory), Dr 2221.01 input VAT;
                    Cr 1002 bank or 2202 payables
processing          Dr 5001.01 (data being processed); Cr 1002 or 2202
finish              Dr 1405.01; Cr 5001.01 (the card's whole processing cost)
research            Dr 5301.02, Cr 1002 or 2202; then Dr 6602, Cr 5301.02 (expensed at once)
develop             Dr 5301.01 (capitalised); Cr 1002 or 2202
ready               Dr 1701.01; Cr 5301.01 (the card's capitalised balance); the card becomes
                    intangible, amortised from that month
impair              Dr 6701; Cr 1703.01 (never reversed)
write-down          Dr 6701; Cr 1471.01
reverse-write-down  Dr 1471.01; Cr 6701 (at most the provision)
sale                Dr 1002 or 1122, Cr 6001, Cr 2221.02 output VAT; Dr 6401, Cr 1405.01 (cost sold);
                    Dr 1471.01, Cr 6401 (the provision on the cost sold)
licence-revenue     Dr 1002 or 1122; Cr 6051, Cr 2221.02
dispose             Dr 1002 or 1122, Dr 1702.01, Dr 1703.01; Cr 1701.01, Cr 2221.02;
                    the difference to 6115 (a gain on the credit side, a loss on the debit side)
lapse               intangible: Dr 1702.01, Dr 1703.01, Dr 6711; Cr 1701.01
                    inventory:  Dr 1471.01, Dr 6711; Cr 1405.01, Cr 5001.01
==================  ==========================================================================

Disposal and lapse first post any amortisation still due up to the month
before (none is charged in the month an asset leaves the books), and record
the reason of the derecognition on the card and the entry: ``disposal``,
``lapsed`` (失效且终止确认) or ``other``; a sale of inventory that takes its
whole cost records ``sale``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from sqlmodel import Session

from ledger.books.accounts import (
    ACCOUNTS_PAYABLE,
    ACCOUNTS_RECEIVABLE,
    ACCUMULATED_AMORTISATION,
    ADMIN_EXPENSE,
    ASSET_DISPOSAL_GAIN,
    BANK,
    COST_OF_SALES,
    DEVELOPMENT_CAPITALISED,
    DEVELOPMENT_EXPENSED,
    IMPAIRMENT_LOSS,
    IMPAIRMENT_PROVISION,
    INPUT_VAT,
    INTANGIBLE_COST,
    INVENTORY_COST,
    INVENTORY_WRITE_DOWN,
    NON_OPERATING_EXPENSE,
    OTHER_REVENUE,
    OUTPUT_VAT,
    REVENUE,
    WORK_IN_PROCESS,
    Side,
)
from ledger.books.cards import AssetClass, check_method, get_card, parse_life
from ledger.books.journal import EntryDraft, EntryView, LineDraft, card_balance, format_money, post
from ledger.books.periods import month_of, next_month
from ledger.books.schedule import amortise
from ledger.errors import ValidationError
from ledger.store.books import AssetCard

__all__ = [
    "DERECOGNITION_REASONS",
    "EVENTS",
    "develop",
    "dispose",
    "finish",
    "impair",
    "lapse",
    "licence_revenue",
    "processing",
    "purchase",
    "ready",
    "research",
    "reverse_write_down",
    "sale",
    "write_down",
]

#: Why an asset left the books (the decrease columns of the disclosure).
DERECOGNITION_REASONS: Final = ("disposal", "lapsed", "other")

#: The events posted here, as `dal books post` names them.
EVENTS: Final = (
    "purchase", "processing", "finish", "research", "develop", "ready", "impair", "write-down",
    "reverse-write-down", "sale", "licence-revenue", "dispose", "lapse",
)

_D, _C = Side.DEBIT, Side.CREDIT


def _counter(paid: str, *, receiving: bool = False) -> str:
    choices = {"bank": BANK, "receivable": ACCOUNTS_RECEIVABLE} if receiving else {"bank": BANK, "payable": ACCOUNTS_PAYABLE}
    if paid not in choices:
        raise ValidationError(f"settle through {' or '.join(choices)}, not {paid!r}")
    return choices[paid]


def _card(session: Session, entity: str, card_id: int, *classes: AssetClass, event: str) -> AssetCard:
    card = get_card(session, card_id, entity)
    if card.derecognised_on is not None:
        raise ValidationError(
            f"asset card {card_id} left the books on {card.derecognised_on} ({card.derecognition_reason}); "
            f"nothing more can be posted to it"
        )
    if classes and card.asset_class not in classes:
        wanted = " or ".join(kind.value for kind in classes)
        raise ValidationError(f"{event} applies to {wanted} data resources; card {card_id} is {card.asset_class}")
    return card


def _positive(amount: int, what: str) -> int:
    if amount <= 0:
        raise ValidationError(f"{what} must be greater than zero")
    return amount


def _post(
    session: Session, card: AssetCard, kind: str, on: dt.date, lines: Sequence[tuple[str, Side, int]],
    description: str, voucher: str | None, reason: str | None = None,
) -> EntryView:
    assert card.id is not None
    return post(session, EntryDraft(
        entity=card.entity, entry_date=on, description=description,
        lines=[LineDraft(code, side, amount, card_id=card.id) for code, side, amount in lines if amount],
        kind=kind, voucher=voucher, currency=card.currency, card_id=card.id, reason=reason,
    ))


def purchase(
    session: Session, entity: str, card_id: int, *, on: dt.date, cost: int, vat: int = 0, paid: str = "bank",
    ready_on: dt.date | None = None, voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """Purchase for own use (an intangible asset, ready for use on ``ready_on``, default ``on``) or for sale
    (inventory)."""
    card = _card(session, entity, card_id, AssetClass.INTANGIBLE, AssetClass.INVENTORY, event="a purchase")
    _positive(cost, "the cost")
    asset = INTANGIBLE_COST if card.asset_class == AssetClass.INTANGIBLE else INVENTORY_COST
    entry = _post(session, card, "purchase", on, [
        (asset, _D, cost), (INPUT_VAT, _D, vat), (_counter(paid), _C, cost + vat),
    ], description or f"Purchase of {card.name}", voucher)
    if card.asset_class == AssetClass.INTANGIBLE and card.ready_on is None:
        card.ready_on = ready_on or on
        session.add(card)
        session.flush()
    return entry


def processing(
    session: Session, entity: str, card_id: int, *, on: dt.date, cost: int, paid: str = "bank",
    voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """Costs of collecting and processing data held for sale, gathered in 5001.01 until it is finished."""
    card = _card(session, entity, card_id, AssetClass.INVENTORY, event="processing")
    _positive(cost, "the processing cost")
    return _post(session, card, "processing", on, [(WORK_IN_PROCESS, _D, cost), (_counter(paid), _C, cost)],
                 description or f"Processing of {card.name}", voucher)


def finish(session: Session, entity: str, card_id: int, *, on: dt.date, voucher: str | None = None,
           description: str | None = None) -> EntryView:
    """Processing finished: the card's processing cost moves from 5001.01 to finished goods 1405.01."""
    card = _card(session, entity, card_id, AssetClass.INVENTORY, event="finishing processing")
    assert card.id is not None
    cost = card_balance(session, card.id, WORK_IN_PROCESS)
    if cost <= 0:
        raise ValidationError(f"card {card_id} has no processing cost to finish; post processing costs first")
    return _post(session, card, "finish", on, [(INVENTORY_COST, _D, cost), (WORK_IN_PROCESS, _C, cost)],
                 description or f"Processing of {card.name} finished", voucher)


def research(
    session: Session, entity: str, card_id: int, *, on: dt.date, cost: int, paid: str = "bank",
    voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """Spending of the research phase: gathered in 5301.02 and expensed to management expense at once."""
    card = _card(session, entity, card_id, AssetClass.DEVELOPMENT, event="research")
    _positive(cost, "the research cost")
    return _post(session, card, "research", on, [
        (DEVELOPMENT_EXPENSED, _D, cost), (_counter(paid), _C, cost),
        (ADMIN_EXPENSE, _D, cost), (DEVELOPMENT_EXPENSED, _C, cost),
    ], description or f"Research on {card.name}, expensed", voucher)


def develop(
    session: Session, entity: str, card_id: int, *, on: dt.date, cost: int, paid: str = "bank",
    voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """Spending of the development phase that meets the conditions of CAS 6 for capitalisation."""
    card = _card(session, entity, card_id, AssetClass.DEVELOPMENT, event="development")
    _positive(cost, "the development cost")
    return _post(session, card, "develop", on, [(DEVELOPMENT_CAPITALISED, _D, cost), (_counter(paid), _C, cost)],
                 description or f"Development of {card.name}, capitalised", voucher)


def ready(
    session: Session, entity: str, card_id: int, *, on: dt.date, life: str | None = None,
    serves_customers: bool | None = None, voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """The developed resource is ready for use: its capitalised cost becomes an intangible asset, amortised
    from this month over ``life`` (``5y``, ``36m`` or ``indefinite``; default the card's)."""
    card = _card(session, entity, card_id, AssetClass.DEVELOPMENT, event="ready for use")
    assert card.id is not None
    if life is None and card.useful_life_months is None:
        raise ValidationError("say the useful life of the finished asset: --life 5y (or 36m), or --life indefinite")
    months = parse_life(life) if life is not None else card.useful_life_months
    check_method(card.method, card.pattern, months)
    cost = card_balance(session, card.id, DEVELOPMENT_CAPITALISED)
    if cost <= 0:
        raise ValidationError(f"card {card_id} has no capitalised development cost; post development costs first")
    entry = _post(session, card, "ready", on, [(INTANGIBLE_COST, _D, cost), (DEVELOPMENT_CAPITALISED, _C, cost)],
                  description or f"{card.name} ready for use", voucher)
    card.asset_class, card.ready_on = AssetClass.INTANGIBLE.value, on
    card.useful_life_months = months
    if serves_customers is not None:
        card.serves_customers = serves_customers
    session.add(card)
    session.flush()
    return entry


def _carrying(session: Session, card: AssetCard) -> tuple[int, int, int]:
    """(cost, the provisions against it, carrying amount) of an intangible or inventory card."""
    assert card.id is not None
    if card.asset_class == AssetClass.INTANGIBLE:
        cost = card_balance(session, card.id, INTANGIBLE_COST)
        provisions = card_balance(session, card.id, ACCUMULATED_AMORTISATION) + card_balance(
            session, card.id, IMPAIRMENT_PROVISION)
    else:
        cost = card_balance(session, card.id, INVENTORY_COST) + card_balance(session, card.id, WORK_IN_PROCESS)
        provisions = card_balance(session, card.id, INVENTORY_WRITE_DOWN)
    return cost, provisions, cost - provisions


def _provide(session: Session, entity: str, card_id: int, asset_class: AssetClass, kind: str, what: str,
             provision: str, on: dt.date, amount: int, description: str | None, voucher: str | None,
             template: str) -> EntryView:
    """Charge ``amount`` to asset impairment losses against ``provision``, at most the carrying amount;
    ``template`` is the default description, with ``{name}`` for the card's name."""
    card = _card(session, entity, card_id, asset_class, event=what)
    _positive(amount, f"the {what}")
    _, _, carrying = _carrying(session, card)
    if amount > carrying:
        raise ValidationError(
            f"the {what} {format_money(amount, card.currency)} exceeds the carrying amount "
            f"{format_money(carrying, card.currency)} of card {card_id}"
        )
    return _post(session, card, kind, on, [(IMPAIRMENT_LOSS, _D, amount), (provision, _C, amount)],
                 description or template.format(name=card.name), voucher)


def impair(session: Session, entity: str, card_id: int, *, on: dt.date, amount: int, voucher: str | None = None,
           description: str | None = None) -> EntryView:
    """Impairment of an intangible asset to its recoverable amount (CAS 8: never reversed later)."""
    return _provide(session, entity, card_id, AssetClass.INTANGIBLE, "impair", "impairment", IMPAIRMENT_PROVISION,
                    on, amount, description, voucher, "Impairment of {name}")


def write_down(session: Session, entity: str, card_id: int, *, on: dt.date, amount: int,
               voucher: str | None = None, description: str | None = None) -> EntryView:
    """Write inventory down to its net realisable value."""
    return _provide(session, entity, card_id, AssetClass.INVENTORY, "write-down", "write-down", INVENTORY_WRITE_DOWN,
                    on, amount, description, voucher, "Write-down of {name} to net realisable value")


def reverse_write_down(session: Session, entity: str, card_id: int, *, on: dt.date, amount: int,
                       voucher: str | None = None, description: str | None = None) -> EntryView:
    """Reverse an inventory write-down when net realisable value recovers (at most the provision)."""
    card = _card(session, entity, card_id, AssetClass.INVENTORY, event="reversing a write-down")
    assert card.id is not None
    _positive(amount, "the reversal")
    provision = card_balance(session, card.id, INVENTORY_WRITE_DOWN)
    if amount > provision:
        raise ValidationError(
            f"the reversal {format_money(amount, card.currency)} exceeds the write-down provision "
            f"{format_money(provision, card.currency)} of card {card_id}"
        )
    return _post(session, card, "reverse-write-down", on,
                 [(INVENTORY_WRITE_DOWN, _D, amount), (IMPAIRMENT_LOSS, _C, amount)],
                 description or f"Reversal of the write-down of {card.name}", voucher)


def _share(amount: int, part: int, whole: int) -> int:
    return int((Decimal(amount) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def sale(
    session: Session, entity: str, card_id: int, *, on: dt.date, proceeds: int, vat: int = 0,
    received: str = "bank", cost: int | None = None, voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """Sale of inventory: revenue, and the cost sold (default: all of it) to cost of sales with its share of the
    write-down provision."""
    card = _card(session, entity, card_id, AssetClass.INVENTORY, event="a sale")
    assert card.id is not None
    _positive(proceeds, "the proceeds")
    if card_balance(session, card.id, WORK_IN_PROCESS):
        raise ValidationError(f"card {card_id} is still being processed; post `finish` before selling it")
    held = card_balance(session, card.id, INVENTORY_COST)
    sold = held if cost is None else cost
    if not 0 < sold <= held:
        raise ValidationError(
            f"the cost sold must be more than zero and at most the cost held, {format_money(held, card.currency)}"
        )
    provision = _share(card_balance(session, card.id, INVENTORY_WRITE_DOWN), sold, held)
    entry = _post(session, card, "sale", on, [
        (_counter(received, receiving=True), _D, proceeds + vat), (REVENUE, _C, proceeds), (OUTPUT_VAT, _C, vat),
        (COST_OF_SALES, _D, sold), (INVENTORY_COST, _C, sold),
        (INVENTORY_WRITE_DOWN, _D, provision), (COST_OF_SALES, _C, provision),
    ], description or f"Sale of {card.name}", voucher, reason="sale" if sold == held else None)
    if sold == held:
        card.derecognised_on, card.derecognition_reason = on, "sale"
        session.add(card)
        session.flush()
    return entry


def licence_revenue(
    session: Session, entity: str, card_id: int, *, on: dt.date, amount: int, vat: int = 0,
    received: str = "bank", voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """Revenue from licensing the data to a customer (other operating revenue)."""
    card = _card(session, entity, card_id, AssetClass.INTANGIBLE, AssetClass.INVENTORY, event="licence revenue")
    _positive(amount, "the licence revenue")
    return _post(session, card, "licence-revenue", on, [
        (_counter(received, receiving=True), _D, amount + vat), (OTHER_REVENUE, _C, amount), (OUTPUT_VAT, _C, vat),
    ], description or f"Licence of {card.name}", voucher)


def _catch_up(session: Session, card: AssetCard, on: dt.date) -> None:
    if card.asset_class == AssetClass.INTANGIBLE:
        amortise(session, card.entity, next_month(month_of(on), -1), card_id=card.id)


def _leave(session: Session, card: AssetCard, on: dt.date, reason: str) -> None:
    card.derecognised_on, card.derecognition_reason = on, reason
    session.add(card)
    session.flush()


def dispose(
    session: Session, entity: str, card_id: int, *, on: dt.date, proceeds: int = 0, vat: int = 0,
    received: str = "bank", voucher: str | None = None, description: str | None = None,
) -> EntryView:
    """Disposal of an intangible asset: it leaves the books, the gain or loss goes to 6115."""
    card = _card(session, entity, card_id, AssetClass.INTANGIBLE, event="disposal")
    assert card.id is not None
    if proceeds < 0 or vat < 0:
        raise ValidationError("proceeds and VAT are not negative")
    _catch_up(session, card, on)
    cost = card_balance(session, card.id, INTANGIBLE_COST)
    amortised = card_balance(session, card.id, ACCUMULATED_AMORTISATION)
    impaired = card_balance(session, card.id, IMPAIRMENT_PROVISION)
    gain = proceeds - (cost - amortised - impaired)
    entry = _post(session, card, "dispose", on, [
        (_counter(received, receiving=True), _D, proceeds + vat), (ACCUMULATED_AMORTISATION, _D, amortised),
        (IMPAIRMENT_PROVISION, _D, impaired), (INTANGIBLE_COST, _C, cost), (OUTPUT_VAT, _C, vat),
        (ASSET_DISPOSAL_GAIN, _C if gain > 0 else _D, abs(gain)),
    ], description or f"Disposal of {card.name}", voucher, reason="disposal")
    _leave(session, card, on, "disposal")
    return entry


def lapse(
    session: Session, entity: str, card_id: int, *, on: dt.date, reason: str = "lapsed", voucher: str | None = None,
    description: str | None = None,
) -> EntryView:
    """The resource no longer brings benefits (lapsed and derecognised, 失效且终止确认) or leaves the books for
    another reason: its carrying amount goes to non-operating expenses (6711)."""
    if reason not in ("lapsed", "other"):
        raise ValidationError(f"a lapse is 'lapsed' or 'other', not {reason!r}; a sale goes through `dispose`")
    card = _card(session, entity, card_id, AssetClass.INTANGIBLE, AssetClass.INVENTORY, event="a lapse")
    assert card.id is not None
    _catch_up(session, card, on)
    if card.asset_class == AssetClass.INTANGIBLE:
        cost = card_balance(session, card.id, INTANGIBLE_COST)
        amortised = card_balance(session, card.id, ACCUMULATED_AMORTISATION)
        impaired = card_balance(session, card.id, IMPAIRMENT_PROVISION)
        lines = [(ACCUMULATED_AMORTISATION, _D, amortised), (IMPAIRMENT_PROVISION, _D, impaired),
                 (NON_OPERATING_EXPENSE, _D, cost - amortised - impaired), (INTANGIBLE_COST, _C, cost)]
    else:
        finished = card_balance(session, card.id, INVENTORY_COST)
        in_process = card_balance(session, card.id, WORK_IN_PROCESS)
        provision = card_balance(session, card.id, INVENTORY_WRITE_DOWN)
        lines = [(INVENTORY_WRITE_DOWN, _D, provision), (NON_OPERATING_EXPENSE, _D, finished + in_process - provision),
                 (INVENTORY_COST, _C, finished), (WORK_IN_PROCESS, _C, in_process)]
    if not any(amount for _, _, amount in lines):
        raise ValidationError(f"card {card_id} carries nothing on the books; there is nothing to derecognise")
    words = "lapsed and derecognised" if reason == "lapsed" else "derecognised"
    entry = _post(session, card, "lapse", on, lines, description or f"{card.name} {words}", voucher, reason=reason)
    _leave(session, card, on, reason)
    return entry
