"""The journal refuses bad entries whole, keeps closed periods closed, and corrects by new vouchers only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from ledger.books import posting
from ledger.books.accounts import CHART, Side
from ledger.books.cards import open_card
from ledger.books.closing import close_books
from ledger.books.journal import (
    EntryDraft,
    LineDraft,
    card_balance,
    correct,
    entry_form,
    list_entries,
    parse_money,
    post,
    stored_entry_hash,
)
from ledger.books.schedule import amortise
from ledger.errors import ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.store.books import BookAccount, JournalEntry, JournalLine

D = dt.date


MAY_FIRST = D(2026, 5, 1)


def _draft(entity: str, *lines: LineDraft, **fields: object) -> EntryDraft:
    return EntryDraft(entity=entity, entry_date=MAY_FIRST, description="test entry", lines=list(lines),
                      **fields)  # type: ignore[arg-type]


def _count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(JournalEntry)).scalar_one())


def test_the_chart_in_the_database_is_the_chart_in_the_code(session: Session) -> None:
    stored = {row.code: (row.name_zh, row.name_en, row.parent) for row in session.exec(select(BookAccount)).scalars()}
    assert stored == {item.code: (item.name_zh, item.name_en, item.parent) for item in CHART}


@pytest.mark.parametrize(("lines", "message"), [
    ([LineDraft("1002", Side.DEBIT, 100), LineDraft("2202", Side.CREDIT, 90)],
     "the entry does not balance: debits 1.00 CNY, credits 0.90 CNY \\(difference 0.10\\)"),
    ([LineDraft("9999", Side.DEBIT, 100), LineDraft("2202", Side.CREDIT, 100)],
     "account '9999' is not in the chart of accounts"),
    ([LineDraft("1701", Side.DEBIT, 100), LineDraft("2202", Side.CREDIT, 100)],
     "account 1701 Intangible assets groups sub-accounts; post to one of 1701.01"),
    ([LineDraft("1002", Side.DEBIT, 100, currency="USD"), LineDraft("2202", Side.CREDIT, 100)],
     "line 1 is in USD but the books are in CNY: give the rate"),
    ([LineDraft("1002", Side.DEBIT, -100), LineDraft("2202", Side.CREDIT, -100)],
     "line 1 \\(1002\\) has a negative amount"),
    ([LineDraft("1002", Side.DEBIT, 100)], "at least two lines"),
    ([LineDraft("1703.01", Side.DEBIT, 100), LineDraft("6701", Side.CREDIT, 100)],
     "an impairment loss on an intangible asset is never reversed \\(CAS 8\\)"),
])
def test_a_bad_entry_is_refused_whole_with_one_line(
    session: Session, entity: str, lines: list[LineDraft], message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        post(session, _draft(entity, *lines))
    assert _count(session) == 0


def test_a_line_in_another_currency_is_booked_at_its_rate(session: Session, entity: str) -> None:
    entry = post(session, _draft(
        entity, LineDraft("1701.01", Side.DEBIT, 712_340),
        LineDraft("2202", Side.CREDIT, 100_000, currency="USD", rate="7.1234"),
    ))
    assert [(line.currency, line.amount_minor, line.rate, line.book_amount_minor) for line in entry.lines] == [
        ("CNY", 712_340, None, 712_340), ("USD", 100_000, "7.1234", 712_340),
    ]


def test_amounts_are_exact_decimals_in_minor_units(entity: str) -> None:
    assert parse_money("1,234,567.89", "CNY") == 123_456_789
    assert parse_money("1500", "JPY") == 1500
    assert parse_money("-0.01", "CNY", negative=True) == -1
    with pytest.raises(ValidationError, match="more decimals than CNY allows"):
        parse_money("0.001", "CNY")
    with pytest.raises(ValidationError, match="zero"):
        parse_money("0.00", "CNY")


def test_a_voucher_number_is_used_once_on_a_members_books(session: Session, entity: str) -> None:
    lines = (LineDraft("1002", Side.DEBIT, 100), LineDraft("2202", Side.CREDIT, 100))
    post(session, _draft(entity, *lines, voucher="V-1"))
    with pytest.raises(ValidationError, match="voucher V-1 is already on these books"):
        post(session, _draft(entity, *lines, voucher="V-1"))
    assert post(session, _draft("0x" + "b2" * 20, *lines, voucher="V-1")).voucher == "V-1"


def test_a_closed_period_refuses_entries_and_a_red_ink_voucher_corrects_it(session: Session, entity: str) -> None:
    """A licence fee of 800.00 was booked in April as 8,000.00. April is closed; the red-ink voucher in May
    repeats the wrong entry in negative amounts, and the right one is posted: 800.00 remains."""
    card = open_card(session, entity, "data", asset_class="intangible", life="indefinite")
    assert card.id is not None
    posting.purchase(session, entity, card.id, on=D(2026, 4, 1), cost=1_000_000)
    wrong = posting.licence_revenue(session, entity, card.id, on=D(2026, 4, 20), amount=800_000, voucher="LIC-1")
    close_books(session, entity, "2026-04")
    with pytest.raises(ValidationError, match="closed through 2026-04; date it in an open month"):
        posting.licence_revenue(session, entity, card.id, on=D(2026, 4, 30), amount=80_000)
    with pytest.raises(ValidationError, match="closed through 2026-04"):
        correct(session, entity, "LIC-1", style="red-ink", on=D(2026, 4, 30))
    red = correct(session, entity, "LIC-1", style="red-ink", on=D(2026, 5, 3))
    posting.licence_revenue(session, entity, card.id, on=D(2026, 5, 3), amount=80_000)
    assert [(line.account, line.side, line.amount_minor) for line in red.lines] == [
        ("1002", "debit", -800_000), ("6051", "credit", -800_000)]
    assert (red.kind, red.correction, red.corrects_id) == ("licence-revenue", "red-ink", wrong.id)
    assert card_balance(session, card.id, "6051") == 80_000
    with pytest.raises(ValidationError, match="voucher LIC-1 was already corrected by voucher JV-202605-00001"):
        correct(session, entity, "LIC-1", style="reversal", on=D(2026, 5, 4))
    with pytest.raises(ValidationError, match="already closed through 2026-04"):
        close_books(session, entity, "2026-03")


def test_a_reversing_voucher_swaps_the_sides_and_puts_a_disposed_asset_back(session: Session, entity: str) -> None:
    card = open_card(session, entity, "data", asset_class="intangible", life="indefinite")
    assert card.id is not None
    posting.purchase(session, entity, card.id, on=D(2026, 1, 1), cost=1_000_000)
    disposal = posting.dispose(session, entity, card.id, on=D(2026, 2, 1), proceeds=1_000_000, voucher="D-1")
    back = correct(session, entity, "D-1", style="reversal", on=D(2026, 2, 2))
    assert [(line.account, line.side) for line in back.lines] == [
        (line.account, "credit" if line.side == "debit" else "debit") for line in disposal.lines]
    assert card_balance(session, card.id, "1701.01") == 1_000_000
    session.refresh(card)
    assert card.derecognised_on is None


def test_closing_needs_the_amortisation_schedule_run_first(session: Session, entity: str) -> None:
    card = open_card(session, entity, "data", asset_class="intangible", life="1y")
    assert card.id is not None
    posting.purchase(session, entity, card.id, on=D(2026, 1, 10), cost=1_200_000)
    with pytest.raises(ValidationError, match="card 1 \\(data\\) is not amortised for 2026-01 to 2026-03; run "
                                              "`dal books schedule --through 2026-03`"):
        close_books(session, entity, "2026-03")
    amortise(session, entity, "2026-03")
    assert close_books(session, entity, "2026-03").through == "2026-03"


def test_an_entry_hashes_to_its_canonical_form_and_an_edit_changes_the_hash(session: Session, entity: str) -> None:
    entry = post(session, _draft(entity, LineDraft("1002", Side.DEBIT, 100), LineDraft("2202", Side.CREDIT, 100)))
    stored = session.get(JournalEntry, entry.id)
    lines = session.exec(select(JournalLine).where(JournalLine.entry_id == entry.id)).scalars().all()
    assert stored is not None
    form = entry_form(stored, lines)
    assert form["lines"][0] == {"line": 1, "account": "1002", "side": "debit", "amount_minor": "100",
                                "currency": "CNY", "rate": None, "book_amount_minor": "100", "card": None}
    assert to_hex(record_hash(form)) == entry.record_hash == stored_entry_hash(session, entry.id)
    session.execute(update(JournalLine).where(JournalLine.entry_id == entry.id).values(amount_minor=1000))
    assert stored_entry_hash(session, entry.id) != entry.record_hash
    assert list_entries(session, entity)[0].voucher == entry.voucher
