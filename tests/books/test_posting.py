"""Every posting rule writes the journal an accountant would write by hand (amounts in fen)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from ledger.books import posting
from ledger.books.cards import get_card, open_card
from ledger.books.journal import EntryView, card_balance
from ledger.errors import NotFoundError, ValidationError

D = dt.date


def journal(entry: EntryView) -> list[tuple[str, str, int]]:
    """The entry's lines as (account, side, amount)."""
    return [(line.account, line.side[0].upper() + "r", line.amount_minor) for line in entry.lines]


def _card(session: Session, entity: str, kind: str, **options: object) -> int:
    card = open_card(session, entity, f"{kind} data", asset_class=kind, **options)  # type: ignore[arg-type]
    assert card.id is not None
    return card.id


def test_purchase_for_own_use_debits_intangible_cost_and_input_vat(session: Session, entity: str) -> None:
    card = _card(session, entity, "intangible", life="5y")
    entry = posting.purchase(session, entity, card, on=D(2026, 3, 10), cost=60_000_000, vat=3_600_000)
    assert journal(entry) == [("1701.01", "Dr", 60_000_000), ("2221.01", "Dr", 3_600_000), ("1002", "Cr", 63_600_000)]
    assert entry.kind == "purchase" and entry.voucher == "JV-202603-00001"


def test_purchase_for_sale_on_credit_debits_inventory_and_credits_payables(session: Session, entity: str) -> None:
    card = _card(session, entity, "inventory")
    entry = posting.purchase(session, entity, card, on=D(2026, 1, 5), cost=1_000_000, paid="payable")
    assert journal(entry) == [("1405.01", "Dr", 1_000_000), ("2202", "Cr", 1_000_000)]


def test_processing_gathers_in_production_cost_and_finish_moves_it_to_finished_goods(
    session: Session, entity: str,
) -> None:
    card = _card(session, entity, "inventory", acquisition="processed")
    first = posting.processing(session, entity, card, on=D(2026, 2, 1), cost=400_000)
    posting.processing(session, entity, card, on=D(2026, 2, 20), cost=100_000, paid="payable")
    done = posting.finish(session, entity, card, on=D(2026, 3, 1))
    assert journal(first) == [("5001.01", "Dr", 400_000), ("1002", "Cr", 400_000)]
    assert journal(done) == [("1405.01", "Dr", 500_000), ("5001.01", "Cr", 500_000)]
    assert card_balance(session, card, "5001.01") == 0 and card_balance(session, card, "1405.01") == 500_000


def test_research_is_expensed_at_once_and_development_capitalised_until_ready(session: Session, entity: str) -> None:
    card = _card(session, entity, "development")
    research = posting.research(session, entity, card, on=D(2026, 1, 15), cost=300_000)
    develop = posting.develop(session, entity, card, on=D(2026, 2, 15), cost=2_400_000)
    ready = posting.ready(session, entity, card, on=D(2026, 6, 16), life="4y")
    assert journal(research) == [("5301.02", "Dr", 300_000), ("1002", "Cr", 300_000),
                                 ("6602", "Dr", 300_000), ("5301.02", "Cr", 300_000)]
    assert journal(develop) == [("5301.01", "Dr", 2_400_000), ("1002", "Cr", 2_400_000)]
    assert journal(ready) == [("1701.01", "Dr", 2_400_000), ("5301.01", "Cr", 2_400_000)]
    stored = get_card(session, card)
    assert (stored.asset_class, stored.ready_on, stored.useful_life_months) == ("intangible", D(2026, 6, 16), 48)


def test_ready_needs_capitalised_cost_and_a_useful_life(session: Session, entity: str) -> None:
    card = _card(session, entity, "development")
    with pytest.raises(ValidationError, match="useful life"):
        posting.ready(session, entity, card, on=D(2026, 6, 1))
    with pytest.raises(ValidationError, match="no capitalised development cost"):
        posting.ready(session, entity, card, on=D(2026, 6, 1), life="3y")


def test_impairment_goes_to_the_provision_and_may_not_exceed_the_carrying_amount(
    session: Session, entity: str,
) -> None:
    card = _card(session, entity, "intangible", life="indefinite")
    posting.purchase(session, entity, card, on=D(2026, 1, 1), cost=1_000_000)
    entry = posting.impair(session, entity, card, on=D(2026, 12, 31), amount=250_000)
    assert journal(entry) == [("6701", "Dr", 250_000), ("1703.01", "Cr", 250_000)]
    with pytest.raises(ValidationError, match="exceeds the carrying amount 7500.00"):
        posting.impair(session, entity, card, on=D(2026, 12, 31), amount=750_001)


def test_inventory_write_down_and_its_reversal_up_to_the_provision(session: Session, entity: str) -> None:
    card = _card(session, entity, "inventory")
    posting.purchase(session, entity, card, on=D(2026, 1, 1), cost=1_000_000)
    down = posting.write_down(session, entity, card, on=D(2026, 6, 30), amount=150_000)
    back = posting.reverse_write_down(session, entity, card, on=D(2026, 9, 30), amount=50_000)
    assert journal(down) == [("6701", "Dr", 150_000), ("1471.01", "Cr", 150_000)]
    assert journal(back) == [("1471.01", "Dr", 50_000), ("6701", "Cr", 50_000)]
    with pytest.raises(ValidationError, match="exceeds the write-down provision 1000.00"):
        posting.reverse_write_down(session, entity, card, on=D(2026, 9, 30), amount=100_001)


def test_a_sale_books_revenue_output_vat_cost_of_sales_and_transfers_the_provision(
    session: Session, entity: str,
) -> None:
    card = _card(session, entity, "inventory")
    posting.purchase(session, entity, card, on=D(2026, 1, 1), cost=1_000_000)
    posting.write_down(session, entity, card, on=D(2026, 6, 30), amount=100_000)
    entry = posting.sale(session, entity, card, on=D(2026, 11, 20), proceeds=1_200_000, vat=72_000,
                         received="receivable", cost=400_000)
    assert journal(entry) == [
        ("1122", "Dr", 1_272_000), ("6001", "Cr", 1_200_000), ("2221.02", "Cr", 72_000),
        ("6401", "Dr", 400_000), ("1405.01", "Cr", 400_000),
        ("1471.01", "Dr", 40_000), ("6401", "Cr", 40_000),
    ]
    rest = posting.sale(session, entity, card, on=D(2026, 12, 1), proceeds=900_000)
    assert journal(rest)[2:] == [("6401", "Dr", 600_000), ("1405.01", "Cr", 600_000),
                                 ("1471.01", "Dr", 60_000), ("6401", "Cr", 60_000)]
    assert rest.reason == "sale"
    with pytest.raises(ValidationError, match="left the books on 2026-12-01"):
        posting.sale(session, entity, card, on=D(2026, 12, 2), proceeds=1)


def test_licence_revenue_is_other_operating_revenue_with_output_vat(session: Session, entity: str) -> None:
    card = _card(session, entity, "intangible", life="5y")
    posting.purchase(session, entity, card, on=D(2026, 1, 1), cost=6_000_000)
    entry = posting.licence_revenue(session, entity, card, on=D(2026, 4, 1), amount=800_000, vat=48_000)
    assert journal(entry) == [("1002", "Dr", 848_000), ("6051", "Cr", 800_000), ("2221.02", "Cr", 48_000)]


def test_disposal_catches_up_amortisation_clears_the_asset_and_books_the_gain(session: Session, entity: str) -> None:
    card = _card(session, entity, "intangible", life="10m")
    posting.purchase(session, entity, card, on=D(2026, 1, 20), cost=1_000_000)
    posting.impair(session, entity, card, on=D(2026, 2, 10), amount=100_000)
    entry = posting.dispose(session, entity, card, on=D(2026, 4, 15), proceeds=800_000, vat=48_000)
    # January 1000000/10 = 100000; February 100000 (its impairment counts from March); March: carrying
    # 1000000 - 200000 - 100000 = 700000 over the 8 months left = 87500. Not April, the month it leaves.
    amortised = 100_000 + 100_000 + 87_500
    carrying = 1_000_000 - amortised - 100_000
    assert journal(entry) == [
        ("1002", "Dr", 848_000), ("1702.01", "Dr", amortised), ("1703.01", "Dr", 100_000),
        ("1701.01", "Cr", 1_000_000), ("2221.02", "Cr", 48_000), ("6115", "Cr", 800_000 - carrying),
    ]
    assert entry.reason == "disposal"


def test_a_disposal_below_carrying_amount_debits_the_loss_to_asset_disposal_gains(
    session: Session, entity: str,
) -> None:
    card = _card(session, entity, "intangible", life="indefinite")
    posting.purchase(session, entity, card, on=D(2026, 1, 20), cost=1_000_000)
    entry = posting.dispose(session, entity, card, on=D(2026, 4, 15), proceeds=300_000)
    assert journal(entry) == [("1002", "Dr", 300_000), ("1701.01", "Cr", 1_000_000), ("6115", "Dr", 700_000)]


def test_a_lapse_writes_the_carrying_amount_off_to_non_operating_expenses(session: Session, entity: str) -> None:
    card = _card(session, entity, "intangible", life="20m")
    posting.purchase(session, entity, card, on=D(2026, 1, 1), cost=2_000_000)
    entry = posting.lapse(session, entity, card, on=D(2026, 3, 31))
    assert journal(entry) == [("1702.01", "Dr", 200_000), ("6711", "Dr", 1_800_000), ("1701.01", "Cr", 2_000_000)]
    assert entry.reason == "lapsed"
    stock = _card(session, entity, "inventory", acquisition="processed")
    posting.processing(session, entity, stock, on=D(2026, 1, 1), cost=500_000)
    posting.finish(session, entity, stock, on=D(2026, 1, 2))
    posting.processing(session, entity, stock, on=D(2026, 2, 1), cost=100_000)
    posting.write_down(session, entity, stock, on=D(2026, 2, 2), amount=50_000)
    gone = posting.lapse(session, entity, stock, on=D(2026, 3, 1), reason="other")
    assert journal(gone) == [("1471.01", "Dr", 50_000), ("6711", "Dr", 550_000), ("1405.01", "Cr", 500_000),
                             ("5001.01", "Cr", 100_000)]
    assert gone.reason == "other"


def test_events_refuse_cards_of_the_wrong_class_and_other_members_cards(session: Session, entity: str) -> None:
    stock = _card(session, entity, "inventory")
    with pytest.raises(ValidationError, match="impairment applies to intangible data resources; card 1 is inventory"):
        posting.impair(session, entity, stock, on=D(2026, 1, 1), amount=1)
    with pytest.raises(NotFoundError, match="asset card 1 does not exist on the books of 0xb"):
        posting.purchase(session, "0x" + "b" * 40, stock, on=D(2026, 1, 1), cost=1)
