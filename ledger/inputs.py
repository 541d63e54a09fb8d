"""What a user types: moments, durations, amounts, parties, rights and shares, each with one meaning.

Every command of ``dal`` and every workflow of the library reads these
inputs here, so that the same text means the same thing everywhere.

**Moments** (``--expiry``, ``--at``, ``--maturity``, ``--from``, ``--until``
...) are given as one of:

- a date ``YYYY-MM-DD``: the *end* of that day in UTC (23:59:59), so "on
  30 June" includes all of 30 June and "mature on 31 December" means the
  debt is due by the end of that day;
- an ISO 8601 date and time, UTC unless it carries an offset
  (``2026-06-30T18:00:00+08:00``);
- a duration from now, the chain's time (``5y``, ``90d``, ``+12h``).

A day in the books (``dal books ... --date``) is a calendar day
``YYYY-MM-DD``, not a moment: an entry is dated, not timed.

**Durations** (``--for``, ``--valid-for``, ``dal chain advance``, and any
moment) are a positive count and a unit: ``y`` calendar years, ``m`` (or
``mo``) calendar months, ``w`` weeks, ``d`` days, ``h`` hours. Years and
months follow the calendar: ``1y`` from 2026-03-15 is 2027-03-15, and a day
that the target month lacks becomes its last day (``1m`` from 31 January is
28 or 29 February). Weeks, days and hours are exact numbers of seconds.

**Amounts** are decimals in a currency's minor units (ISO 4217 exponent: CNY,
USD, EUR 2; JPY, KRW 0; BHD, KWD 3 ...), converted losslessly to an integer
(``1000000.00`` CNY is ``100000000`` fen). Each currency has a ceiling
(:data:`AMOUNT_CEILINGS`, in whole units) that no real secured debt reaches,
so a slip of the keyboard (a pledge of 10^40 CNY) is refused, not recorded.

**Parties** are named by an account name of the data home's keystores
(``merchant-a``), a member's display name as admitted on chain, or a ``0x``
address; a mixed-case address must carry a valid EIP-55 checksum.

**Unified social credit codes** (统一社会信用代码, GB 32100-2015) identify a
Chinese legal person: 18 digits and capital letters (no I, O, S, V or Z),
the last a check character over the first 17. :func:`parse_uscc` checks it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Context, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final

from eth_typing import ChecksumAddress
from eth_utils.address import is_checksum_address, to_checksum_address

from ledger.errors import LedgerError, NotFoundError, ValidationError
from ledger.types import TOTAL_SHARES, Right

if TYPE_CHECKING:
    from ledger.context import LedgerContext

__all__ = [
    "AMOUNT_CEILINGS",
    "CURRENCY_EXPONENTS",
    "DATE_HELP",
    "DURATION_HELP",
    "Duration",
    "add_duration",
    "format_amount",
    "parse_amount",
    "parse_certificate_id",
    "parse_chain_moment",
    "parse_currency",
    "parse_day",
    "parse_duration",
    "parse_jurisdiction",
    "parse_moment",
    "parse_qualification",
    "parse_right",
    "parse_shares",
    "parse_uscc",
    "resolve_party",
    "seconds_of",
]

#: What ``--help`` says of a moment.
DATE_HELP: Final = (
    "a date YYYY-MM-DD (the end of that day, UTC), a date and time (2030-12-31T12:00:00+08:00), "
    "or a duration from now (5y, 6m, 2w, 90d, 12h)"
)
#: What ``--help`` says of a duration.
DURATION_HELP: Final = "a count and a unit: y calendar years, m months, w weeks, d days, h hours (1y, 6m, 30d, 12h)"


# --- durations and moments ------------------------------------------------------------------------

_DURATION = re.compile(r"^\+?\s*(\d+)\s*(y|mo|m|w|d|h)$", re.IGNORECASE)
_FIXED_SECONDS: Final = {"h": 3600, "d": 86_400, "w": 7 * 86_400}


@dataclass(frozen=True)
class Duration:
    """A count of calendar years (``y``), calendar months (``m``), weeks, days or hours."""

    count: int
    unit: str

    def after(self, start: int) -> int:
        """``start`` (unix seconds) plus this duration; years and months follow the calendar."""
        if self.unit in _FIXED_SECONDS:
            return start + self.count * _FIXED_SECONDS[self.unit]
        moment = datetime.fromtimestamp(start, UTC)
        months = self.count * 12 if self.unit == "y" else self.count
        year, month = divmod(moment.month - 1 + months, 12)
        year += moment.year
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return int(moment.replace(year=year, month=month + 1, day=day).timestamp())

    @property
    def months(self) -> int | None:
        """The duration in months when it is given in years or months, else ``None``."""
        if self.unit == "y":
            return self.count * 12
        return self.count if self.unit == "m" else None


def parse_duration(text: str, *, what: str = "duration") -> Duration:
    """A duration such as ``1y``, ``6m`` (months), ``2w``, ``30d`` or ``12h`` (``+`` allowed)."""
    match = _DURATION.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ValidationError(f"{what} {text!r} is not a duration; give {DURATION_HELP}")
    unit = match.group(2).lower()
    return Duration(int(match.group(1)), "m" if unit == "mo" else unit)


def add_duration(start: int, duration: str, *, what: str = "duration") -> int:
    """``start`` (unix seconds) plus ``duration``; years and months follow the calendar."""
    return parse_duration(duration, what=what).after(start)


def seconds_of(duration: str, now: int, *, what: str = "duration") -> int:
    """How many seconds ``duration`` lasts when it starts at ``now`` (a calendar year from now, ...)."""
    return add_duration(now, duration, what=what) - now


def parse_moment(text: str, now: int, *, what: str = "time") -> int:
    """A point in time as unix seconds: a date (end of that day, UTC), an ISO 8601 date and time, or a
    duration from ``now`` (the chain's time)."""
    raw = text.strip()
    if _DURATION.match(raw):
        return add_duration(now, raw, what=what)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            moment = datetime.combine(date.fromisoformat(raw), time(23, 59, 59), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a time; give {DATE_HELP}") from None
    return int(moment.timestamp())


def parse_day(text: str | date, *, what: str = "date") -> date:
    """A calendar day (``2026-06-30``), as the books date their entries: a day, not a moment."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD") from None


def parse_since(ctx: LedgerContext, text: str, *, what: str = "time") -> int:
    """The lower bound of a period (``--from``): a bare date means the start of that day (UTC), so the
    period includes it; anything else as :func:`parse_chain_moment`."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        day = parse_day(text, what=what)
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    return parse_chain_moment(ctx, text, what=what)


def parse_chain_moment(ctx: LedgerContext, text: str, *, what: str = "time") -> int:
    """:func:`parse_moment` with "now" the time of the ledger chain's latest block."""
    from ledger.chain.clock import chain_time

    return parse_moment(text, chain_time(ctx.w3), what=what)


# --- amounts and currencies -----------------------------------------------------------------------

#: ISO 4217 minor-unit exponents of the currencies an amount may be expressed in.
CURRENCY_EXPONENTS: Final[dict[str, int]] = {
    "CNY": 2, "HKD": 2, "MOP": 2, "TWD": 2, "USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "SGD": 2,
    "AUD": 2, "CAD": 2, "NZD": 2, "SEK": 2, "NOK": 2, "DKK": 2, "INR": 2, "MYR": 2, "THB": 2,
    "PHP": 2, "IDR": 2, "AED": 2, "SAR": 2, "BRL": 2, "MXN": 2, "ZAR": 2, "RUB": 2, "TRY": 2,
    "PLN": 2, "CZK": 2, "HUF": 2, "ILS": 2, "XDR": 0,
    "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "PYG": 0, "UGX": 0, "XAF": 0, "XOF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "CLF": 4, "UYW": 4,
}

# Ten trillion whole units: more than any secured debt in a currency worth about a yuan or more. Currencies
# worth far less per unit get a ceiling of about the same value.
_DEFAULT_CEILING: Final = 10**13
#: The largest amount, in whole units of each currency, that an amount may have.
AMOUNT_CEILINGS: Final[dict[str, int]] = {
    code: _DEFAULT_CEILING for code in CURRENCY_EXPONENTS
} | {
    "JPY": 10**15, "KRW": 10**16, "VND": 10**17, "IDR": 10**17, "CLP": 10**16, "ISK": 10**15,
    "PYG": 10**17, "UGX": 10**17, "XAF": 10**16, "XOF": 10**16, "IQD": 10**16, "HUF": 10**15,
    "INR": 10**14, "PHP": 10**14, "RUB": 10**14, "TWD": 10**14, "THB": 10**14, "CZK": 10**14,
}

# Decimal arithmetic wide enough for any typed amount and its decimals: no rounding ever.
_EXACT = Context(prec=120)


def parse_currency(text: str) -> str:
    """An ISO 4217 code whose minor units the ledger knows (``CNY``)."""
    code = text.strip().upper()
    if code not in CURRENCY_EXPONENTS:
        known = ", ".join(sorted(CURRENCY_EXPONENTS)[:12])
        raise ValidationError(f"unknown currency {text!r}; use an ISO 4217 code such as {known} ...")
    return code


def parse_amount(text: str | Decimal, currency: str, *, what: str = "amount") -> int:
    """``text`` in ``currency`` as an integer of minor units, exactly (``"1000000.00"`` CNY -> 100000000).

    Zero and negative amounts are refused, and so is an amount beyond the currency's ceiling.
    """
    code = parse_currency(currency)
    exponent = CURRENCY_EXPONENTS[code]
    cleaned = str(text).strip().replace(",", "").replace("_", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{what} {text!r} is not a number; write it like 1000000.00") from None
    if not value.is_finite():
        raise ValidationError(f"{what} {text!r} is not a number; write it like 1000000.00")
    minor = value.scaleb(exponent, context=_EXACT)
    if minor != minor.to_integral_value(context=_EXACT):
        raise ValidationError(
            f"{what} {text} has more decimals than {code} allows ({exponent}); round it to the {code} minor unit"
        )
    if minor <= 0:
        raise ValidationError(f"{what} must be greater than zero, got {text}")
    ceiling = AMOUNT_CEILINGS[code]
    if value > ceiling:
        raise ValidationError(
            f"{what} {text} {code} is beyond the ceiling of {ceiling:,} {code}; check the number of digits"
        )
    return int(minor)


def format_amount(minor: int, currency: str) -> str:
    """Minor units as the decimal amount (``100000000`` CNY -> ``"1000000.00"``)."""
    exponent = CURRENCY_EXPONENTS.get(currency, 0)
    if exponent == 0:
        return str(minor)
    whole, fraction = divmod(minor, 10**exponent)
    return f"{whole}.{fraction:0{exponent}d}"


# --- unified social credit codes -------------------------------------------------------------------

# GB 32100-2015: 31 characters (digits and capitals without I, O, S, V, Z); weights 3^i mod 31.
_USCC_CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))
_USCC: Final = re.compile(rf"^[{_USCC_CHARSET}]{{18}}$")


def _uscc_check_character(code17: str) -> str:
    total = sum(_USCC_CHARSET.index(char) * weight for char, weight in zip(code17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def parse_uscc(text: str) -> str:
    """A unified social credit code (GB 32100-2015), checked and in upper case.

    The message of a refusal names the code and what is wrong with it, without the
    field it came from, so that each caller can say where it was typed.
    """
    normalised = text.strip().upper()
    if not _USCC.match(normalised):
        raise ValidationError(
            f"{text.strip()!r} is not a unified social credit code: expected 18 characters, digits and capital "
            "letters other than I, O, S, V and Z"
        )
    expected = _uscc_check_character(normalised[:17])
    if normalised[17] != expected:
        raise ValidationError(
            f"{normalised} is not a valid unified social credit code: its check character is "
            f"{normalised[17]!r}, the first 17 characters give {expected!r}; check for a typo"
        )
    return normalised


# --- rights, shares and certificates --------------------------------------------------------------


def parse_jurisdiction(text: str) -> bytes:
    """An ISO 3166-1 alpha-2 code as typed (``cn`` or ``CN``), as the two bytes the contract keeps."""
    code = text.strip().upper()
    if len(code) != 2 or not ("A" <= code[0] <= "Z" and "A" <= code[1] <= "Z"):
        raise ValidationError(f"{text!r} is not a jurisdiction; give an ISO 3166-1 alpha-2 code such as CN or DE")
    return code.encode("ascii")


def parse_qualification(text: str) -> bytes:
    """A qualification's name (``PI-PROCESSOR``) as the 32 bytes the contract keeps (right-padded)."""
    name = text.strip()
    encoded = name.encode("utf-8")
    if not encoded:
        raise ValidationError("a qualification needs a name, such as PI-PROCESSOR")
    if len(encoded) > 32:
        raise ValidationError(f"the qualification {name!r} is longer than 32 bytes; shorten it")
    return encoded.ljust(32, b"\0")


def parse_right(text: str | Right) -> Right:
    """``holding``, ``development`` or ``operation`` (or a prefix such as ``dev``)."""
    if isinstance(text, Right):
        return text
    wanted = text.strip().lower()
    matches = [right for right in Right if wanted and right.label.startswith(wanted)]
    if len(matches) != 1:
        raise ValidationError(f"unknown right {text!r}; use holding, development or operation")
    return matches[0]


def parse_certificate_id(text: str | int) -> int:
    """A certificate id as typed: ``12`` or ``#12``."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        cleaned = str(text).strip().removeprefix("#")
        if not cleaned.isdigit():
            raise ValidationError(
                f"{text!r} is not a certificate id; give the number `dal asset list` shows (for example 12)"
            )
        value = int(cleaned)
    if value <= 0:
        raise ValidationError(f"certificate ids start at 1, got {value}")
    return value


def parse_shares(shares: int | None = None, percent: str | Decimal | None = None) -> int:
    """Basis points from ``--shares N`` or ``--percent P`` (exactly one; 40 % = 4,000 shares)."""
    if (shares is None) == (percent is None):
        raise ValidationError("give the shares either as --shares N (basis points) or as --percent P")
    if shares is not None:
        value = shares
    else:
        try:
            exact = Decimal(str(percent).strip().removesuffix("%")) * 100
        except InvalidOperation:
            raise ValidationError(f"--percent must be a number such as 40 or 12.5, got {percent!r}") from None
        if exact != exact.to_integral_value():
            raise ValidationError(f"{percent}% is not a whole number of basis points; use at most two decimals")
        value = int(exact)
    if not 1 <= value <= TOTAL_SHARES:
        raise ValidationError(f"shares must be between 1 and {TOTAL_SHARES} basis points (0.01% to 100%), got {value}")
    return value


# --- parties --------------------------------------------------------------------------------------

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _address(text: str, what: str) -> ChecksumAddress:
    if not _ADDRESS.match(text):
        raise ValidationError(f"{what} {text!r} is not an address: it must be 0x and 40 hex digits")
    body = text[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(text):
        raise ValidationError(
            f"{what} address {text} has a wrong checksum (a mistyped character?); copy the address again"
        )
    return to_checksum_address(text)


def resolve_party(ctx: LedgerContext, text: str, *, what: str = "member") -> ChecksumAddress:
    """The checksum address of a party given as an account name, a member's display name or a 0x address.

    An account name of the data home's keystores comes first; otherwise a
    member admitted on chain under exactly that display name. A mixed-case
    address must carry a valid EIP-55 checksum (a typo in an address would
    otherwise send shares to nobody); an all-lower-case or all-upper-case
    address is taken as it is.
    """
    raw = text.strip()
    if raw.lower().startswith("0x"):
        return _address(raw, what)
    if not raw:
        raise ValidationError(f"no {what} given; give an account name or a 0x address")
    if ctx.keystore.exists(raw):
        return to_checksum_address(ctx.keystore.info(raw).address)
    # Imported here: the member list is read only when a name is not an account of this data home.
    from ledger.parties import member_addresses_named

    try:
        matches = member_addresses_named(ctx, raw)
    except LedgerError:
        matches = []  # without the chain's member list, only account names and addresses name a party
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationError(f"{len(matches)} members are named {raw!r}; give the {what}'s 0x address instead")
    raise NotFoundError(
        f"no account or member named {raw!r} for the {what}; give a 0x address, an account name "
        "(see `dal account list`) or a member's name (see `dal member list`)"
    )
