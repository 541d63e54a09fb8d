"""Column types for chain values that SQL has no native type for.

uint256 is stored losslessly: as ``NUMERIC(78, 0)`` on PostgreSQL (78 digits
hold 2**256 - 1), and on SQLite, whose numbers are at most 64-bit integers or
doubles, as text of exactly 78 decimal digits, zero-padded on the left so that
text order is numeric order and equality, ``ORDER BY`` and range filters work.
Python always sees an ``int``.

32-byte values (hashes, ids made of hashes) are stored as ``0x`` and 64
lower-case hex digits on every database, which is also how they are shown.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["UINT256_DIGITS", "Bytes32", "Uint256", "bytes32_hex", "utc_now"]

UINT256_DIGITS: Final = 78
_UINT256_MAX: Final = 2**256 - 1


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
