"""Registrar rules: notices counted in working days on real calendars, validity capped by the authorisation,
and the configuration that holds them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.config import load_profile
from ledger.errors import ConfigError, ValidationError
from ledger.registrar_rules import RegistrarRules, parse_registrar_rules, rules_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _days(first: str, last: str) -> frozenset[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return frozenset(start + dt.timedelta(days=n) for n in range((end - start).days + 1))


# The State Council's 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04): days off and the make-up
# working days (调休上班) that replace some of them.
HOLIDAYS_2026 = (
    _days("2026-01-01", "2026-01-03") | _days("2026-02-15", "2026-02-23") | _days("2026-04-04", "2026-04-06")
    | _days("2026-05-01", "2026-05-05") | _days("2026-06-19", "2026-06-21") | _days("2026-09-25", "2026-09-27")
    | _days("2026-10-01", "2026-10-07")
)
WORKING_DAYS_2026 = frozenset(dt.date.fromisoformat(day) for day in (
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
))
SHENZHEN = RegistrarRules(
    key="registrar", holidays=HOLIDAYS_2026, working_days=WORKING_DAYS_2026,
    rule_source="深发改规〔2023〕5号", rule_lapses=dt.date(2026, 6, 30),
)


def _at(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp())


def _local(moment: int) -> str:
    return dt.datetime.fromtimestamp(moment, SHANGHAI).isoformat()


def test_a_notice_over_the_national_day_holiday_skips_it_and_counts_the_make_up_saturday() -> None:
    # Published Monday 28 September; 29 and 30 September count, 1-7 October are off, Saturday 10 October is
    # worked, so the tenth working day is Friday 16 October: the notice ends at midnight that night.
    deadline = SHENZHEN.notice_deadline(_at("2026-09-28T10:00:00+08:00"))
    assert _local(deadline) == "2026-10-17T00:00:00+08:00"
    # With weekends only, the same notice would end four working days earlier.
    assert _local(RegistrarRules().notice_deadline(_at("2026-09-28T10:00:00+08:00"))) == "2026-10-13T00:00:00+08:00"


def test_a_make_up_sunday_counts_and_the_mid_autumn_and_national_days_do_not() -> None:
    # Published Friday 18 September: Sunday 20 September is worked (1), 21-24 (5), 25-27 off, 28-30 (8),
    # 1-7 October off, 8 and 9 October (10).
    deadline = SHENZHEN.notice_deadline(_at("2026-09-18T15:00:00+08:00"))
    assert _local(deadline) == "2026-10-10T00:00:00+08:00"


def test_the_day_a_notice_starts_on_is_not_counted_and_is_a_day_in_the_registrars_timezone() -> None:
    # 20:00 UTC on 28 September is already 29 September in Shenzhen: counting starts on the 30th.
    deadline = SHENZHEN.notice_deadline(_at("2026-09-28T20:00:00+00:00"))
    assert _local(deadline) == "2026-10-20T00:00:00+08:00"
    # A notice published one second before midnight in Shenzhen starts counting the next day.
    assert SHENZHEN.notice_deadline(_at("2026-09-28T23:59:59+08:00")) == SHENZHEN.notice_deadline(
        _at("2026-09-28T00:00:00+08:00"))


def test_spring_festival_with_its_two_make_up_saturdays() -> None:
    # Published Friday 13 February: Saturday 14 February is worked (1), 15-23 off, 24-27 (5), Saturday 28
    # February is worked (6), then 2-5 March (10).
    deadline = SHENZHEN.notice_deadline(_at("2026-02-13T09:00:00+08:00"))
    assert _local(deadline) == "2026-03-06T00:00:00+08:00"


def test_a_registrar_sets_its_minimum_notice_and_a_shorter_one_is_refused() -> None:
    strict = RegistrarRules(key="beijing", notice_working_days=15)
    start = _at("2026-11-02T09:00:00+08:00")  # a Monday, no holidays nearby
    assert _local(strict.notice_deadline(start)) == "2026-11-24T00:00:00+08:00"
    assert strict.notice_deadline(start, 20) > strict.notice_deadline(start)
    with pytest.raises(ValidationError, match="a notice of 10 working days is shorter than the minimum of 15"):
        strict.notice_deadline(start, 10)
    with pytest.raises(ValidationError, match="would end before the minimum of 15 working days under the rules "
                                              "configured for registrar 'beijing', which ends at 2026-11-24T00:00"):
        strict.check_notice_deadline(start, start + 14 * 86_400)
    strict.check_notice_deadline(start, strict.notice_deadline(start))


def test_validity_is_three_years_by_default_and_never_beyond_the_authorisation() -> None:
    issued = _at("2026-12-07T10:00:00+08:00")
    assert _local(RegistrarRules().validity_end(issued)) == "2029-12-07T10:00:00+08:00"
    assert _local(RegistrarRules(validity_years=5).validity_end(issued)) == "2031-12-07T10:00:00+08:00"
    capped = RegistrarRules().validity_end(issued, dt.date(2028, 6, 30))
    assert _local(capped) == "2028-06-30T23:59:59+08:00"
    # An authorisation that ends after the validity does not extend it.
    assert RegistrarRules().validity_end(issued, dt.date(2035, 1, 1)) == RegistrarRules().validity_end(issued)
    with pytest.raises(ValidationError, match="the source authorisation ended on 2026-12-06, before the "
                                              "certificate would be issued"):
        RegistrarRules().validity_end(issued, dt.date(2026, 12, 6))


def test_an_expiry_after_the_authorisation_is_refused() -> None:
    rules = RegistrarRules()
    end = rules.authorisation_end(dt.date(2028, 6, 30))
    rules.check_expiry(end, dt.date(2028, 6, 30))
    rules.check_expiry(end + 10**9, None)
    with pytest.raises(ValidationError, match=r"later than the end of the source authorisation \(2028-06-30"):
        rules.check_expiry(end + 1, dt.date(2028, 6, 30))


def test_a_lapsed_rule_source_and_an_uncovered_year_are_warned_of() -> None:
    before, after = _at("2026-06-30T23:00:00+08:00"), _at("2026-07-01T00:00:00+08:00")
    assert not SHENZHEN.lapsed(before) and SHENZHEN.lapsed(after)
    assert SHENZHEN.warnings(_at("2026-03-02T09:00:00+08:00"), _at("2026-03-16T00:00:00+08:00")) == []
    warnings = SHENZHEN.warnings(_at("2026-12-21T09:00:00+08:00"), _at("2027-01-05T00:00:00+08:00"))
    assert warnings == [
        ("warning: 深发改规〔2023〕5号 lapsed on 2026-06-30; update registrar 'registrar''s rules in the profile's "
        "configuration"),
        ("warning: registrar 'registrar''s calendar lists no holidays for 2027; only weekends were taken as days "
        "off there"),
    ]


def test_rules_are_found_by_address_or_name_else_the_defaults_apply() -> None:
    address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    by_name = RegistrarRules(key="Shenzhen Data Exchange", notice_working_days=12)
    by_address = RegistrarRules(key=address.lower(), notice_working_days=15)
    assert rules_for([by_name], address, ["Shenzhen Data Exchange"]) is by_name
    assert rules_for([by_address], address) is by_address
    assert rules_for([by_name], address, ["registrar"]) == RegistrarRules()
    with pytest.raises(ConfigError, match="has more than one rules table"):
        rules_for([by_name, by_address], address, ["Shenzhen Data Exchange"])


CONFIG = """
[profiles.local.registrars.registrar]
rule_source = "深发改规〔2023〕5号"
rule_lapses = 2026-06-30
notice_working_days = 10
validity_years = 3
timezone = "Asia/Shanghai"
holidays = [2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07]
working_days = ["2026-10-10"]

[profiles.local.registrars."0x90F79bf6EB2c4f870365E785982E1f101E93b906"]
validity_years = 5
"""


def test_the_profile_holds_each_registrars_rules(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    profile = load_profile(env={"DAL_HOME": str(tmp_path)})
    shenzhen, other = profile.registrar_rules
    assert shenzhen.key == "registrar"
    assert shenzhen.rule_source == "深发改规〔2023〕5号" and shenzhen.rule_lapses == dt.date(2026, 6, 30)
    assert dt.date(2026, 10, 7) in shenzhen.holidays and shenzhen.working_days == {dt.date(2026, 10, 10)}
    assert (other.validity_years, other.notice_working_days, other.holidays) == (5, 10, frozenset())


@pytest.mark.parametrize(("table", "message"), [
    ("holidays = [\"2026-13-01\"]", "registrars.registrar.holidays must be a list of dates"),
    ("holidays = 2026-10-01", "registrars.registrar.holidays must be a list of dates"),
    ("notice_working_days = 0", ("registrars.registrar.notice_working_days must be a whole number of working "
                                "days from 1 to 250, got 0")),
    ("validity_years = true", "registrars.registrar.validity_years must be a whole number of years"),
    ("timezone = \"Mars/Olympus\"", "registrars.registrar.timezone must be an IANA timezone name"),
    ("notice_days = 10", "registrars.registrar: unknown setting 'notice_days'; known settings: holidays, "),
    ("holidays = [2026-10-10]\nworking_days = [2026-10-10]", "2026-10-10 is both a holiday and a working day"),
])
def test_a_bad_registrar_setting_is_one_line_naming_it(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "config.toml").write_text(f"[profiles.local.registrars.registrar]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_profile(env={"DAL_HOME": str(tmp_path)})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_registrars_must_be_tables() -> None:
    with pytest.raises(ConfigError, match=r"profiles.besu.registrars must hold one table per registrar"):
        parse_registrar_rules({"registrar": 10}, "profiles.besu")


_DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))
_MOMENTS = st.integers(min_value=_at("2025-01-01T00:00:00+08:00"), max_value=_at("2027-12-31T00:00:00+08:00"))


@given(start=_MOMENTS, later=st.integers(min_value=0, max_value=40 * 86_400), count=st.integers(1, 40),
       holidays=st.frozensets(_DAYS, max_size=60), worked=st.frozensets(_DAYS, max_size=10))
def test_a_notice_ends_at_midnight_after_exactly_its_count_of_working_days(
    start: int, later: int, count: int, holidays: frozenset[dt.date], worked: frozenset[dt.date]
) -> None:
    rules = RegistrarRules(key="any", holidays=holidays - worked, working_days=worked, notice_working_days=1)
    deadline = rules.notice_deadline(start, count)
    end = dt.datetime.fromtimestamp(deadline, SHANGHAI)
    assert end.time() == dt.time(0, 0)
    first, last = dt.datetime.fromtimestamp(start, SHANGHAI).date(), end.date() - dt.timedelta(days=1)
    assert rules.is_working_day(last)
    between = [first + dt.timedelta(days=n) for n in range(1, (last - first).days + 1)]
    assert sum(rules.is_working_day(day) for day in between) == count
    # Publishing later never ends the notice earlier.
    assert rules.notice_deadline(start + later, count) >= deadline
