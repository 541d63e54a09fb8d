"""How the store writes chain values that SQL has no native type for, on every database.

uint256 is stored losslessly: as ``NUMERIC(78, 0)`` on PostgreSQL (78 digits
hold 2**256 - 1), and on SQLite, whose numbers are at most 64-bit integers or
doubles, as text of exactly 78 decimal digits, zero-padded on the left so that
text order is numeric order and equality, ``ORDER BY`` and range filters work.

Ids that a contract assigns from a counter (certificate ids) are uint256 on
chain but count up from 1, so where a table holds many of them (the links from
certificates to their events) they are stored as ``BIGINT``, which both
databases compare and store far more cheaply; an id past 2**63 - 1 is refused
with a :class:`ledger.errors.StoreError` rather than cut short.

32-byte values (hashes, ids made of hashes) are stored as ``0x`` and 64
lower-case hex digits on every database, which is also how they are shown.

The column types that apply these forms are in :mod:`ledger.store.types`; this
module loads no SQLAlchemy, so the store's direct reads (:mod:`ledger.store.direct`)
write their parameters in the same forms.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from ledger.errors import StoreError

__all__ = ["COUNTER_ID_MAX", "UINT256_DIGITS", "UINT256_MAX", "bytes32_hex", "counter_id", "uint256_param", "uint256_text"]

#: The digits of a uint256 stored as SQLite text (2**256 - 1 has 78).
UINT256_DIGITS: Final = 78
UINT256_MAX: Final = 2**256 - 1
#: The largest id a counter-id column holds (a signed 64-bit ``BIGINT``).
COUNTER_ID_MAX: Final = 2**63 - 1


def uint256_text(value: int) -> str:
    """A uint256 as SQLite stores it: 78 decimal digits, zero-padded, so that text order is numeric order."""
    return f"{value:0{UINT256_DIGITS}d}"


def uint256_param(value: int, dialect: str) -> str | Decimal:
    """A uint256 as a parameter for a ``dialect`` (``sqlite`` or ``postgresql``) uint256 column."""
    return Decimal(value) if dialect == "postgresql" else uint256_text(value)


def counter_id(value: int) -> int:
    """``value`` as a :class:`CounterId` column stores it; a :class:`StoreError` if it does not fit."""
    number = int(value)
    if not 0 <= number <= COUNTER_ID_MAX:
        raise StoreError(
            f"id {number} does not fit the read model's 64-bit id columns (0 to 2**63 - 1): "
            "this read model cannot index it; report the event that carries it"
        )
    return number


def bytes32_hex(value: bytes | str) -> str:
    """A 32-byte value as ``0x`` and 64 lower-case hex digits."""
    text = "0x" + value.hex() if isinstance(value, (bytes, bytearray)) else value.lower()
    if len(text) != 66 or not text.startswith("0x"):
        raise ValueError(f"not a 32-byte value: {value!r}")
    int(text, 16)
    return text
