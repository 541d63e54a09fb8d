"""The amortisation schedule follows Chinese practice and posts each month once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from ledger.books import posting
from ledger.books.cards import open_card
from ledger.books.journal import card_balance, list_entries
from ledger.books.schedule import amortisation_months, amortise
from ledger.errors import ValidationError

D = dt.date


def _intangible(session: Session, entity: str, cost: int, on: dt.date, **options: object) -> int:
    card = open_card(session, entity, "data", asset_class="intangible", **options)  # type: ignore[arg-type]
    assert card.id is not None
    posting.purchase(session, entity, card.id, on=on, cost=cost)
    return card.id


def test_a_year_from_a_mid_month_start_charges_the_first_month_in_full(session: Session, entity: str) -> None:
    """Ready on 15 March 2026, 360,000.00 over 36 months: 10,000.00 a month from March (当月增加当月摊销),
    twelve months to February 2027, each dated at its month's end and charged to management expense."""
    card = _intangible(session, entity, 36_000_000, D(2026, 3, 15), life="3y")
    posted = amortise(session, entity, "2027-02")
    assert [(entry.entry_date, entry.lines[0].account, entry.lines[0].amount_minor) for entry in posted] == [
        (D(2026, 3, 31), "6602", 1_000_000), (D(2026, 4, 30), "6602", 1_000_000), (D(2026, 5, 31), "6602", 1_000_000),
        (D(2026, 6, 30), "6602", 1_000_000), (D(2026, 7, 31), "6602", 1_000_000), (D(2026, 8, 31), "6602", 1_000_000),
        (D(2026, 9, 30), "6602", 1_000_000), (D(2026, 10, 31), "6602", 1_000_000),
        (D(2026, 11, 30), "6602", 1_000_000), (D(2026, 12, 31), "6602", 1_000_000),
        (D(2027, 1, 31), "6602", 1_000_000), (D(2027, 2, 28), "6602", 1_000_000),
    ]
    assert all(entry.lines[1].account == "1702.01" and entry.lines[1].side == "credit" for entry in posted)
    assert card_balance(session, card, "1702.01") == 12_000_000


def test_running_the_schedule_again_posts_nothing_twice(session: Session, entity: str) -> None:
    _intangible(session, entity, 1_200_000, D(2026, 1, 5), life="1y")
    assert len(amortise(session, entity, "2026-06")) == 6
    assert amortise(session, entity, "2026-06") == []
    later = amortise(session, entity, "2026-08")
    assert [entry.entry_date.month for entry in later] == [7, 8]
    assert len(list_entries(session, entity)) == 1 + 8


def test_the_last_month_takes_what_rounding_left_so_the_total_is_exact(session: Session, entity: str) -> None:
    """100.00 over 3 months: 10000/3 = 3333.33 -> 3333 fen; 6667/2 = 3333.5 -> 3334 (half up); then 3333."""
    card = _intangible(session, entity, 10_000, D(2026, 1, 1), life="3m")
    assert [entry.lines[0].amount_minor for entry in amortise(session, entity, "2026-12")] == [3_333, 3_334, 3_333]
    assert card_balance(session, card, "1702.01") == 10_000


def test_an_indefinite_life_is_never_amortised(session: Session, entity: str) -> None:
    _intangible(session, entity, 5_000_000, D(2026, 1, 1), life="indefinite")
    assert amortise(session, entity, "2030-12") == []


def test_the_useful_life_is_capped_at_the_term_of_the_rights_held(session: Session, entity: str) -> None:
    """A 5-year life, but the certificate lapses on 30 June 2027: July 2026 to June 2027, twelve months."""
    card = open_card(session, entity, "data", asset_class="intangible", life="5y", rights_end=D(2027, 6, 30))
    assert card.id is not None
    posting.purchase(session, entity, card.id, on=D(2026, 7, 10), cost=1_200_000)
    assert amortisation_months(card)[0] == "2026-07" and amortisation_months(card)[-1] == "2027-06"
    assert len(amortise(session, entity, "2030-12")) == 12
    assert card_balance(session, card.id, "1702.01") == 1_200_000


def test_data_serving_customers_is_amortised_to_cost_of_sales(session: Session, entity: str) -> None:
    _intangible(session, entity, 1_200_000, D(2026, 1, 1), life="1y", serves_customers=True)
    assert {entry.lines[0].account for entry in amortise(session, entity, "2026-03")} == {"6401"}


def test_an_impairment_spreads_the_rest_over_the_remaining_life(session: Session, entity: str) -> None:
    """1,200.00 over 12 months from January; 300.00 impaired in March: March still charges 100.00, then the
    carrying amount 1200 - 300 - 300 = 600.00 goes over the 9 months left, 66.67 then rounding."""
    card = _intangible(session, entity, 120_000, D(2026, 1, 1), life="1y")
    amortise(session, entity, "2026-02")
    posting.impair(session, entity, card, on=D(2026, 3, 10), amount=30_000)
    charges = [entry.lines[0].amount_minor for entry in amortise(session, entity, "2026-12")]
    assert charges[0] == 10_000 and charges[1] == 6_667
    assert card_balance(session, card, "1702.01") + 30_000 == 120_000


def test_a_pattern_of_benefits_amortises_each_year_its_share_of_the_cost(session: Session, entity: str) -> None:
    """240,000.00 over two years in the pattern 60,40: 144,000.00 in the first year (12,000.00 a month) and
    96,000.00 in the second (8,000.00 a month)."""
    card = _intangible(session, entity, 24_000_000, D(2026, 1, 20), life="2y", method="pattern", pattern="60,40")
    charges = [entry.lines[0].amount_minor for entry in amortise(session, entity, "2027-12")]
    assert charges == [1_200_000] * 12 + [800_000] * 12
    assert card_balance(session, card, "1702.01") == 24_000_000


@pytest.mark.parametrize(("life", "pattern", "message"), [
    ("2y", "50,40", "summing to 100"),
    ("3y", "60,40", "the pattern has 2 years but the useful life of 36 months has 3"),
    ("2y", None, "needs the percentage for each year"),
])
def test_a_pattern_that_does_not_fit_the_life_is_refused(
    session: Session, entity: str, life: str, pattern: str | None, message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        open_card(session, entity, "data", asset_class="intangible", life=life, method="pattern", pattern=pattern)


def test_a_revised_useful_life_spreads_what_is_left_over_the_new_remainder(session: Session, entity: str) -> None:
    """120,000.00 bought on 1 January 2026 over 5 years: 2,000.00 a month through June (12,000.00 charged,
    108,000.00 left). Reviewed in July, the life becomes 3 years from January 2026: the 108,000.00 left is spread
    over the 30 months July 2026 to December 2028, 3,600.00 a month (a change in estimate: prospective)."""
    from ledger.books.cards import revise_card
    from ledger.books.disclosure import disclosure
    from ledger.books.periods import parse_report_period

    card = _intangible(session, entity, 12_000_000, D(2026, 1, 1), life="5y")
    assert [entry.lines[0].amount_minor for entry in amortise(session, entity, "2026-06")] == [200_000] * 6
    with pytest.raises(ValidationError, match="amortised through 2026-06; a change of estimate applies from a later "
                                              "month, 2026-07 or after"):
        revise_card(session, entity, card, effective="2026-06", reason="review", life="3y")
    with pytest.raises(ValidationError, match="not amortised through 2026-07 yet"):
        revise_card(session, entity, card, effective="2026-08", reason="review", life="3y")
    with pytest.raises(ValidationError, match="ends before 2026-07"):
        revise_card(session, entity, card, effective="2026-07", reason="review", life="6m")
    with pytest.raises(ValidationError, match="say why"):
        revise_card(session, entity, card, effective="2026-07", reason=" ", life="3y")
    revision = revise_card(session, entity, card, effective="2026-07", reason="faster obsolescence of port data",
                           life="3y")
    assert (revision.previous_life_months, revision.useful_life_months) == (60, 36)
    later = amortise(session, entity, "2028-12")
    assert [entry.lines[0].amount_minor for entry in later] == [360_000] * 30
    assert card_balance(session, card, "1702.01") == 12_000_000
    report = disclosure(session, entity, parse_report_period("2026")).document()
    assert report["narrative"]["changes_of_useful_life_or_method"] == [
        {"card": card, "name": "data", "from": "2026-07", "useful_life": "60 months -> 36 months",
         "method": "straight-line -> straight-line", "reason": "faster obsolescence of port data"}
    ]
    assert disclosure(session, entity, parse_report_period("2027")).document()["narrative"][
        "changes_of_useful_life_or_method"] == []
