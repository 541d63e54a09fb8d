"""What a user types means one thing everywhere: dates, durations, amounts and parties."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger.context import LedgerContext
from ledger.errors import NotFoundError, ValidationError
from ledger.inputs import (
    AMOUNT_CEILINGS,
    add_duration,
    format_amount,
    parse_amount,
    parse_duration,
    parse_moment,
    resolve_party,
    seconds_of,
)
from ledger.licences import licence_period
from ledger.members import list_members
from tests.finance.support import chain_fixture, finance_chain_fixture, ledger_fixture  # noqa: F401 - fixtures

NOW = int(datetime(2026, 3, 15, 9, 30, tzinfo=UTC).timestamp())


def _utc(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


def test_a_bare_date_is_the_end_of_that_day_in_utc() -> None:
    assert parse_moment("2026-06-30", NOW) == _utc(2026, 6, 30, 23, 59, 59)


def test_a_date_and_time_is_utc_unless_it_carries_an_offset() -> None:
    assert parse_moment("2026-06-30T18:00:00", NOW) == _utc(2026, 6, 30, 18, 0, 0)
    assert parse_moment("2026-06-30T18:00:00+08:00", NOW) == _utc(2026, 6, 30, 10, 0, 0)


def test_a_duration_is_accepted_wherever_a_moment_is_and_counts_from_now() -> None:
    assert parse_moment("90d", NOW) == NOW + 90 * 86_400
    assert parse_moment("+12h", NOW) == NOW + 12 * 3600
    assert parse_moment("1y", NOW) == _utc(2027, 3, 15, 9, 30)
    assert parse_moment("6m", NOW) == _utc(2026, 9, 15, 9, 30)


def test_a_year_is_a_calendar_year_and_a_month_a_calendar_month() -> None:
    leap_day = _utc(2024, 2, 29, 12, 0)
    assert add_duration(leap_day, "1y") == _utc(2025, 2, 28, 12, 0)
    assert add_duration(_utc(2024, 1, 31), "1m") == _utc(2024, 2, 29)
    assert add_duration(_utc(2024, 1, 31), "1mo") == _utc(2024, 2, 29)
    assert add_duration(_utc(2024, 1, 1), "2w") == _utc(2024, 1, 15)
    assert seconds_of("1y", _utc(2024, 1, 1)) == 366 * 86_400
    assert seconds_of("1y", _utc(2025, 1, 1)) == 365 * 86_400


def test_a_licence_period_reads_its_ends_as_every_other_moment() -> None:
    begin, end = licence_period(NOW, "2026-04-01", "2026-04-30", None)
    assert (begin, end) == (parse_moment("2026-04-01", NOW), parse_moment("2026-04-30", NOW))
    assert licence_period(NOW, None, None, "1y") == (None, parse_moment("1y", NOW))  # from the grant
    assert licence_period(NOW, None, "30d", None) == (None, NOW + 30 * 86_400)


def test_a_useful_life_in_years_is_twelve_months_a_year() -> None:
    assert parse_duration("5y").months == 60
    assert parse_duration("18m").months == 18
    assert parse_duration("30d").months is None


@pytest.mark.parametrize("text", ["soon", "0d", "1x", "-3d", "d", "1.5y"])
def test_a_malformed_duration_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a duration; give a count and a unit: y calendar years"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["next spring", "2026-13-01", "30/06/2026", ""])
def test_a_malformed_moment_lists_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValidationError, match=r"is not a time; give a date YYYY-MM-DD \(the end of that day, UTC\)"):
        parse_moment(text, NOW, what="--maturity")


def test_amounts_are_exact_minor_units() -> None:
    assert parse_amount("1,000,000.00", "CNY") == 100_000_000
    assert parse_amount("5000", "JPY") == 5000
    assert parse_amount("1.234", "kwd") == 1234
    assert format_amount(100_000_000, "CNY") == "1000000.00"


def test_an_amount_beyond_the_currency_ceiling_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"amount 1E40 CNY is beyond the ceiling of 10,000,000,000,000 CNY"):
        parse_amount("1E40", "CNY")
    assert parse_amount(str(AMOUNT_CEILINGS["CNY"]), "CNY") == AMOUNT_CEILINGS["CNY"] * 100
    assert parse_amount("1000000000000000", "JPY") == 10**15
    with pytest.raises(ValidationError, match="beyond the ceiling"):
        parse_amount("1000000000000001", "JPY")


@pytest.mark.parametrize(("text", "message"), [
    ("0", "must be greater than zero"),
    ("-5", "must be greater than zero"),
    ("1.001", "has more decimals than CNY allows"),
    ("lots", "is not a number"),
    ("NaN", "is not a number"),
])
def test_a_bad_amount_is_refused_with_what_to_do(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_amount(text, "CNY")


def test_a_party_is_an_account_a_member_name_or_an_address(ledger: LedgerContext) -> None:
    bank = ledger.address_of("bank")
    assert resolve_party(ledger, "bank") == bank
    assert resolve_party(ledger, bank.lower()) == bank
    # A member admitted on chain is found by the display name it was admitted under.
    display = next(member.name for member in list_members(ledger) if member.account == bank)
    assert display != "bank"
    assert resolve_party(ledger, display) == bank


def test_an_unknown_party_says_the_three_ways_to_name_one(ledger: LedgerContext) -> None:
    with pytest.raises(NotFoundError, match=r"no account or member named 'Nobody Ltd' for the pledgee; give a 0x"):
        resolve_party(ledger, "Nobody Ltd", what="pledgee")
    with pytest.raises(ValidationError, match="it must be 0x and 40 hex digits"):
        resolve_party(ledger, "0x1234", what="pledgee")
