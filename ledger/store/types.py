"""Column types for chain values that SQL has no native type for (how each is stored: :mod:`ledger.store.values`).

uint256 is ``NUMERIC(78, 0)`` on PostgreSQL and zero-padded text on SQLite; a counter id is ``BIGINT``;
a 32-byte value is ``0x`` hex text. Python always sees an ``int`` or the hex text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from ledger.store.values import UINT256_DIGITS, UINT256_MAX, bytes32_hex, counter_id, uint256_param

__all__ = ["Bytes32", "CounterId", "Uint256", "utc_now"]


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
        if not 0 <= number <= UINT256_MAX:
            raise ValueError(f"{number} is not a uint256")
        return uint256_param(number, dialect.name)

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
