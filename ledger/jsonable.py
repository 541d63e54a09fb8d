"""Answers in plain JSON types, one form for every interface (`dal --json`, the HTTP API).

Bytes are ``0x`` hex, enums their lower-case name, UTC times ISO 8601 with ``Z``, other dates ISO 8601,
decimals and paths text, dataclasses their fields; integers stay exact however big.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

__all__ = ["to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """``value`` in plain JSON types: bytes as 0x hex, dates as ISO 8601, big integers exact."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, Enum):
        return value.name.lower()
    if isinstance(value, datetime) and value.utcoffset() is not None and not value.utcoffset():
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")  # one form for UTC times, as ledger.rights.format_time
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, Sequence | set | frozenset):
        return [to_jsonable(item) for item in value]
    return str(value)
