"""Registration numbers: the stable number a certificate keeps for good, with its check character.

A registration number is written ``PREFIX`` + ``DIGITS`` + ``CHECK``: up to 8
upper-case letters naming the registry (``SZDEX``), 8 to 22 digits (by
convention the year and a serial: ``2026`` + ``00000123``), and one check
character computed over the digits by ISO 7064 MOD 11-2 (``0``-``9``, or
``X`` for ten), the scheme of China's citizen identity numbers and the
pattern of CNIPA's registration numbers as far as it fits. A mistyped digit,
or two digits swapped, changes the check character.

The contract checks the same rule at issue (``Certificates._isRegistrationNumber``)
and refuses a number that breaks it; this module makes and checks numbers
before anything is sent. Registration and certificate numbers share one
namespace across the consortium: the chain refuses a number any certificate
already carries.
"""

from __future__ import annotations

import re
from typing import Final

from ledger.errors import ValidationError

__all__ = ["check_character", "is_registration_number", "registration_number", "require_registration_number"]

_PATTERN: Final = re.compile(r"([A-Z]{0,8})([0-9]{8,22})([0-9X])")


def check_character(digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a string of decimal digits."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{digits!r} is not a string of digits")
    remainder = 0
    for digit in digits:
        remainder = ((remainder + int(digit)) * 2) % 11
    check = (12 - remainder) % 11
    return "X" if check == 10 else str(check)


def registration_number(prefix: str, digits: str) -> str:
    """The registration number of ``prefix`` and ``digits``, its check character appended."""
    number = f"{prefix}{digits}{check_character(digits) if digits.isdigit() and digits else ''}"
    require_registration_number(number)
    return number


def is_registration_number(text: str) -> bool:
    """Whether ``text`` is a well-formed registration number whose check character is right."""
    match = _PATTERN.fullmatch(text)
    return bool(match) and check_character(match.group(2)) == match.group(3)  # type: ignore[union-attr]


def require_registration_number(text: str) -> str:
    """``text``, checked: a clear refusal says what is wrong with it."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise ValidationError(
            f"registration number {text!r} is not PREFIX+DIGITS+CHECK (up to 8 capital letters, 8 to 22 digits, "
            "then the check character); make one with `dal asset number PREFIX DIGITS`"
        )
    expected = check_character(match.group(2))
    if match.group(3) != expected:
        raise ValidationError(
            f"registration number {text!r} has check character {match.group(3)}, but its digits give {expected}; "
            "check the digits"
        )
    return text
