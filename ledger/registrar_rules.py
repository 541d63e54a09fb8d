"""The rules a registrar applies that the chain cannot see: its working days, notice period and validity.

A registrar (a data exchange) acts under rules of its own city or province,
and those rules change: Shenzhen's data property registration measures
(深发改规〔2023〕5号) lapse on 2026-06-30. So they are configuration, one table
per registrar in the profile (``[profiles.<name>.registrars.<registrar>]``,
keyed by the registrar member's account name, display name or address; see
``docs/config.example.toml``):

- its **holiday calendar**: the public holidays it closes on and the make-up
  working days (调休上班, a Saturday or Sunday worked in exchange), as the
  State Council publishes them each year;
- its **minimum public notice**, in working days (10 unless configured);
- the **validity** it gives a certificate, in years (3 unless configured);
- the **rule source** it applies, and the day that source lapses;
- its **timezone** (``Asia/Shanghai`` unless configured).

A registrar with no table has those defaults and an empty calendar (only
weekends are days off).

**Counting a notice.** A period in days does not count the day it starts on
(Civil Code art. 201): from a start on day D, the first working day counted is
the first one after D. A working day is a Monday to Friday that is not a
holiday, or a make-up working day. The notice ends at the end of its last
working day in the registrar's timezone, which is the midnight starting the
next day: the contract takes objections while the block time is before the
deadline, and lets the certificate be issued from the deadline on.

**Validity.** A certificate issued at T is valid until T plus the registrar's
validity (calendar years), and never beyond the end of the authorisation the
catalog entry declares (its expiry day, to 23:59:59 in the registrar's
timezone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ledger.errors import ConfigError, ValidationError
from ledger.inputs import add_duration

if TYPE_CHECKING:
    from ledger.context import LedgerContext

__all__ = [
    "DEFAULT_NOTICE_WORKING_DAYS",
    "DEFAULT_TIMEZONE",
    "DEFAULT_VALIDITY_YEARS",
    "RegistrarRules",
    "Schedule",
    "authorisation_expiry_of",
    "notice_schedule",
    "parse_registrar_rules",
    "registrar_rules_of",
    "rules_for",
    "validity_schedule",
]

DEFAULT_TIMEZONE: Final = "Asia/Shanghai"
DEFAULT_NOTICE_WORKING_DAYS: Final = 10
DEFAULT_VALIDITY_YEARS: Final = 3
# A year of working days: no registrar's notice is longer (the contract caps a notice at a year too).
_MAX_NOTICE_WORKING_DAYS: Final = 250
_MAX_VALIDITY_YEARS: Final = 30


@dataclass(frozen=True)
class RegistrarRules:
    """One registrar's rules (the defaults when ``key`` is empty)."""

    key: str = ""
    timezone: str = DEFAULT_TIMEZONE
    holidays: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()
    notice_working_days: int = DEFAULT_NOTICE_WORKING_DAYS
    validity_years: int = DEFAULT_VALIDITY_YEARS
    rule_source: str | None = None
    rule_lapses: dt.date | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The registrar's timezone."""
        return ZoneInfo(self.timezone)

    @property
    def configured(self) -> bool:
        """Whether these rules come from the configuration (else they are the defaults)."""
        return bool(self.key)

    def describe(self) -> str:
        """How a message names these rules: the source, else whose configuration, else the defaults."""
        if self.rule_source:
            return f"the rules of {self.rule_source}"
        if self.configured:
            return f"the rules configured for registrar {self.key!r}"
        return "the default registrar rules (no registrar table in the profile)"

    # --- days ------------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """A make-up working day, or a Monday to Friday that is not a holiday."""
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def calendar_years(self) -> frozenset[int]:
        """The years the calendar lists days of (holidays or make-up working days)."""
        return frozenset(day.year for day in self.holidays | self.working_days)

    def uncovered_years(self, start: int, end: int) -> list[int]:
        """The years from ``start`` to ``end`` (unix seconds) that the calendar lists no day of."""
        first, last = self._local_day(start).year, self._local_day(end - 1).year
        known = self.calendar_years()
        return [year for year in range(first, last + 1) if year not in known]

    def _local_day(self, moment: int) -> dt.date:
        return dt.datetime.fromtimestamp(moment, self.zone).date()

    def _day_end(self, day: dt.date) -> int:
        """The midnight that ends ``day`` in the registrar's timezone, as unix seconds."""
        following = day + dt.timedelta(days=1)
        return int(dt.datetime.combine(following, dt.time(0, 0), tzinfo=self.zone).timestamp())

    # --- notice ----------------------------------------------------------------------------------

    def notice_deadline(self, start: int, working_days: int | None = None) -> int:
        """When a notice published at ``start`` (unix seconds) ends: the end of its last working day.

        ``working_days`` defaults to the registrar's minimum; fewer is refused.
        """
        count = self.notice_working_days if working_days is None else working_days
        if count < self.notice_working_days:
            raise ValidationError(
                f"a notice of {count} working days is shorter than the minimum of {self.notice_working_days} "
                f"under {self.describe()}"
            )
        day = self._local_day(start)
        counted = 0
        while counted < count:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self._day_end(day)

    def check_notice_deadline(self, start: int, deadline: int) -> None:
        """Refuse a notice from ``start`` that would end before the registrar's minimum notice does."""
        minimum = self.notice_deadline(start)
        if deadline < minimum:
            ends = dt.datetime.fromtimestamp(minimum, self.zone).isoformat()
            raise ValidationError(
                f"the notice would end before the minimum of {self.notice_working_days} working days under "
                f"{self.describe()}, which ends at {ends}; give a longer notice, or none to use the minimum"
            )

    # --- validity --------------------------------------------------------------------------------

    def authorisation_end(self, expiry: dt.date) -> int:
        """The last second of an authorisation's expiry day, in the registrar's timezone (unix seconds)."""
        return self._day_end(expiry) - 1

    def validity_end(self, issued_at: int, authorisation_expiry: dt.date | None = None) -> int:
        """When a certificate issued at ``issued_at`` expires: the registrar's validity later, and never
        after the end of the source authorisation's expiry day (when the catalog entry declares one)."""
        end = add_duration(issued_at, f"{self.validity_years}y", what="validity")
        if authorisation_expiry is not None:
            end = min(end, self.authorisation_end(authorisation_expiry))
        if end <= issued_at:
            raise ValidationError(
                f"the source authorisation ended on {authorisation_expiry}, before the certificate would be "
                "issued; the applicant must renew it and change the catalog entry first"
            )
        return end

    def check_expiry(self, expiry: int, authorisation_expiry: dt.date | None) -> None:
        """Refuse an expiry later than the end of the source authorisation the catalog entry declares."""
        if authorisation_expiry is not None and expiry > self.authorisation_end(authorisation_expiry):
            raise ValidationError(
                f"the expiry is later than the end of the source authorisation ({authorisation_expiry}, "
                "declared in the catalog entry); a certificate is never valid beyond it: give an earlier "
                "expiry, or none to take the latest allowed"
            )

    # --- the rule source -------------------------------------------------------------------------

    def lapsed(self, at: int) -> bool:
        """Whether the rule source had lapsed at ``at`` (unix seconds): it is in force to its lapse day's end."""
        return self.rule_lapses is not None and at >= self._day_end(self.rule_lapses)

    def warnings(self, start: int, end: int) -> list[str]:
        """What a registrar should know about acting under these rules from ``start`` to ``end``."""
        notes = []
        if self.lapsed(start):
            notes.append(
                f"warning: {self.rule_source or 'the rule source'} lapsed on {self.rule_lapses}; update "
                f"registrar {self.key!r}'s rules in the profile's configuration"
            )
        if self.configured and self.holidays:
            missing = self.uncovered_years(start, end)
            if missing:
                years = ", ".join(str(year) for year in missing)
                notes.append(
                    f"warning: registrar {self.key!r}'s calendar lists no holidays for {years}; only weekends "
                    "were taken as days off there"
                )
        return notes


# --- configuration -------------------------------------------------------------------------------

_KNOWN: Final = (
    "holidays", "working_days", "notice_working_days", "validity_years", "rule_source", "rule_lapses", "timezone",
)


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeError
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise TypeError


def _days(value: Any) -> frozenset[dt.date]:
    if not isinstance(value, list):
        raise TypeError
    return frozenset(_day(item) for item in value)


def _count(value: Any, ceiling: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        raise ValueError
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError
    return value.strip()


def _zone(value: Any) -> str:
    name = _text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError from None
    return name


_CHECKS: Final[dict[str, tuple[Any, str]]] = {
    "holidays": (_days, "a list of dates such as [2026-10-01, 2026-10-02]"),
    "working_days": (_days, "a list of dates (make-up working days) such as [2026-10-10]"),
    "notice_working_days": (lambda v: _count(v, _MAX_NOTICE_WORKING_DAYS),
                            f"a whole number of working days from 1 to {_MAX_NOTICE_WORKING_DAYS}"),
    "validity_years": (lambda v: _count(v, _MAX_VALIDITY_YEARS),
                       f"a whole number of years from 1 to {_MAX_VALIDITY_YEARS}"),
    "rule_source": (_text, "the text of the rules' reference, e.g. \"深发改规〔2023〕5号\""),
    "rule_lapses": (_day, "a date such as 2026-06-30"),
    "timezone": (_zone, "an IANA timezone name such as \"Asia/Shanghai\""),
}


def parse_registrar_rules(raw: Any, where: str) -> tuple[RegistrarRules, ...]:
    """The ``registrars`` table of a profile, checked; ``where`` names it in errors (``profiles.besu``)."""
    if not isinstance(raw, dict) or not all(isinstance(table, dict) for table in raw.values()):
        raise ConfigError(f"{where}.registrars must hold one table per registrar, such as "
                          f"[{where}.registrars.registrar]")
    parsed = []
    for key, table in raw.items():
        settings: dict[str, Any] = {}
        for name, value in table.items():
            if name not in _CHECKS:
                raise ConfigError(f"{where}.registrars.{key}: unknown setting {name!r}; known settings: "
                                  f"{', '.join(sorted(_KNOWN))}")
            check, expected = _CHECKS[name]
            try:
                settings[name] = check(value)
            except (ValueError, TypeError):
                raise ConfigError(f"{where}.registrars.{key}.{name} must be {expected}, got {value!r}") from None
        both = settings.get("holidays", frozenset()) & settings.get("working_days", frozenset())
        if both:
            raise ConfigError(f"{where}.registrars.{key}: {min(both)} is both a holiday and a working day; "
                              "keep it in one list")
        parsed.append(RegistrarRules(key=str(key), **settings))
    return tuple(parsed)


def rules_for(rules: Sequence[RegistrarRules], address: str, names: Iterable[str] = ()) -> RegistrarRules:
    """The rules of the registrar at ``address`` known by ``names``, else the defaults.

    A table is keyed by the registrar's address (any case) or one of its names (exactly).
    """
    wanted = {address.lower(), *names}
    found = [rule for rule in rules if rule.key in wanted or rule.key.lower() == address.lower()]
    if len(found) > 1:
        keys = ", ".join(repr(rule.key) for rule in found)
        raise ConfigError(f"registrar {address} has more than one rules table ({keys}); keep one")
    return found[0] if found else RegistrarRules()


def registrar_rules_of(ctx: LedgerContext, address: str) -> RegistrarRules:
    """The rules of the registrar at ``address`` in the profile of ``ctx``: its table keyed by that address,
    by its account name in the keystores, or by the display name it was admitted under."""
    configured = ctx.profile.registrar_rules
    if not configured:
        return RegistrarRules()
    from ledger.parties import member_addresses_named, name_of

    names = {name for name in [name_of(ctx, address)] if name}
    for rule in configured:
        if rule.key.lower().startswith("0x") or rule.key in names:
            continue
        if address.lower() in {member.lower() for member in member_addresses_named(ctx, rule.key)}:
            names.add(rule.key)
    return rules_for(configured, address, names)


# --- applying them to a certificate --------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """A notice deadline or an expiry worked out, or checked, under a registrar's rules."""

    moment: int
    rules: RegistrarRules
    warnings: tuple[str, ...] = ()


def authorisation_expiry_of(ctx: LedgerContext, certificate_id: int, catalog_hash: str) -> tuple[bool, dt.date | None]:
    """Whether this profile's store holds the catalog entry of ``certificate_id`` with ``catalog_hash``, and
    the authorisation expiry that entry declares (``None``: none, or an authorisation that does not end)."""
    from sqlmodel import Session

    from ledger.catalog import authorisation_expiry
    from ledger.certificates import catalog_store
    from ledger.store.catalog import entry_of_certificate

    with Session(catalog_store(ctx)) as session:
        entry = entry_of_certificate(session, certificate_id, catalog_hash)
    return entry is not None, authorisation_expiry(entry) if entry is not None else None


def notice_schedule(ctx: LedgerContext, certificate_id: int, *, deadline: int | None = None) -> Schedule:
    """The public notice of ``certificate_id`` published now (the chain's time) under its registrar's rules:
    ``deadline`` checked against the minimum notice, or, when ``None``, the minimum notice's end."""
    from ledger.chain.clock import chain_time

    rules = registrar_rules_of(ctx, ctx.certificate(certificate_id).registrar)
    now = chain_time(ctx.w3)
    if deadline is None:
        deadline = rules.notice_deadline(now)
    else:
        rules.check_notice_deadline(now, deadline)
    return Schedule(deadline, rules, tuple(rules.warnings(now, deadline)))


def validity_schedule(
    ctx: LedgerContext, certificate_id: int, *, expiry: int | None = None, catalog_hash: str | None = None
) -> Schedule:
    """The expiry of ``certificate_id`` issued (or renewed) now, under its registrar's rules: ``expiry``
    checked against the source authorisation's end, or, when ``None``, the registrar's validity from now
    capped at that end. ``catalog_hash`` names the catalog entry (default: the certificate's current one)."""
    from ledger.chain.clock import chain_time

    record = ctx.certificate(certificate_id)
    rules = registrar_rules_of(ctx, record.registrar)
    digest = catalog_hash or record.catalog_hash
    stored, authorisation = authorisation_expiry_of(ctx, certificate_id, digest)
    now = chain_time(ctx.w3)
    if expiry is None:
        expiry = rules.validity_end(now, authorisation)
    else:
        rules.check_expiry(expiry, authorisation)
    warnings = rules.warnings(now, now + 1)
    if not stored:
        warnings.append(f"warning: this profile's store has no catalog entry {digest} of certificate "
                        f"{certificate_id}, so the end of its source authorisation was not checked")
    return Schedule(expiry, rules, tuple(warnings))
