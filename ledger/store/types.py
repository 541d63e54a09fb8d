"""Column types for chain values that SQL has no native type for.

uint256 is stored losslessly: as ``NUMERIC(78, 0)`` on PostgreSQL (78 digits
hold 2**256 - 1), and on SQLite, whose numbers are at most 64-bit integers or
doubles, as text of exactly 78 decimal digits, zero-padded on the left so that
text order is numeric order and equality, ``ORDER BY`` and range filters work.
Python always sees an ``int``.

Ids that a contract assigns from a counter (certificate ids) are uint256 on
chain but count up from 1, so where a table holds many of them (the links from
certificates to their events) they are stored as ``BIGINT`` (:class:`CounterId`),
which both databases compare and store far more cheaply; an id past 2**63 - 1
is refused with a :class:`ledger.errors.StoreError` rather than cut short.

32-byte values (hashes, ids made of hashes) are stored as ``0x`` and 64
lower-case hex digits on every database, which is also how they are shown.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import BigInteger, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from ledger.errors import StoreError

__all__ = ["COUNTER_ID_MAX", "UINT256_DIGITS", "Bytes32", "CounterId", "Uint256", "bytes32_hex", "counter_id", "utc_now"]

UINT256_DIGITS: Final = 78
_UINT256_MAX: Final = 2**256 - 1
#: The largest id a :class:`CounterId` column holds (a signed 64-bit ``BIGINT``).
COUNTER_ID_MAX: Final = 2**63 - 1


class Uint256(TypeDecorator[int]):
    """An unsigned 256-bit integer, stored without loss on SQLite and PostgreSQL."""

    impl = String(UINT256_DIGITS)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(UINT256_DIGITS, 0, asdecimal=True))
        return dialect.type_descriptor(String(UINT256_DIGITS))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = int(value)
        if not 0 <= number <= _UINT256_MAX:
            raise ValueError(f"{number} is not a uint256")
        if dialect.name == "postgresql":
            return Decimal(number)
        return f"{number:0{UINT256_DIGITS}d}"

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(value)

    @property
    def python_type(self) -> type[int]:
        return int


class CounterId(TypeDecorator[int]):
    """A uint256 id that a contract assigns from a counter, stored as ``BIGINT`` (see above)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return counter_id(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)

    @property
    def python_type(self) -> type[int]:
        return int


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


class Bytes32(TypeDecorator[str]):
    """A 32-byte value as ``0x`` hex text (accepts bytes or hex on the way in)."""

    impl = String(66)
    cache_ok = True

    def process_bind_param(self, value: bytes | str | None, dialect: Dialect) -> str | None:
        return None if value is None else bytes32_hex(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return value

    @property
    def python_type(self) -> type[str]:
        return str


def utc_now() -> dt.datetime:
    """The current time in UTC, timezone-aware (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC)
