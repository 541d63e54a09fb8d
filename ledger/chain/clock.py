"""The chain's clock: what time it is on chain, and moving a local chain's clock forward.

Deadlines on the ledger (public notice, expiry, pledge maturity) are compared
with block timestamps, never with the wall clock of the machine that runs
``dal``. :func:`chain_time` is the timestamp of the latest block, which is the
"now" every deadline should be computed from.

On the local development chain, waiting for a seven-day notice to end is not
practical: :func:`advance_time` moves the node's clock forward with the
standard development-node methods ``evm_increaseTime`` and ``evm_mine`` and
returns the new block's time. It is refused on any network whose node the
ledger does not manage, since no production chain can or should do that.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import requests
from web3 import Web3
from web3.exceptions import Web3RPCError

from ledger.chain.connect import unreachable
from ledger.config import Profile
from ledger.errors import ConfigError, TransactionError, ValidationError

__all__ = [
    "DAY",
    "HOUR",
    "MINUTE",
    "YEAR",
    "advance_time",
    "as_datetime",
    "block_time_at",
    "chain_time",
    "parse_moment",
]

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
#: A calendar-neutral year (365 days), as used for durations such as ``--expiry 5y``.
YEAR = 365 * DAY


def chain_time(w3: Web3) -> int:
    """The timestamp of the latest block (seconds since 1970, UTC)."""
    return int(w3.eth.get_block("latest")["timestamp"])


def block_time_at(w3: Web3, block: int) -> int:
    """The timestamp of block ``block``."""
    return int(w3.eth.get_block(block)["timestamp"])


def _rpc(w3: Web3, profile: Profile, method: str, params: list[Any]) -> Any:
    try:
        return w3.manager.request_blocking(method, params)  # type: ignore[arg-type]
    except Web3RPCError as exc:
        raise TransactionError(f"the node refused {method}: {exc}") from None
    except requests.RequestException as exc:
        raise unreachable(profile, type(exc).__name__) from None


def advance_time(w3: Web3, profile: Profile, seconds: int) -> int:
    """Move the local chain's clock ``seconds`` forward, mine a block, and return its timestamp.

    Only for the local profile's node: on a real network, time is what the
    validators say it is.
    """
    if not profile.managed_node:
        raise ConfigError(
            f"the clock of profile {profile.name!r} cannot be moved: only the local development chain's can"
        )
    if seconds <= 0:
        raise ValidationError(f"time moves forward only: give a positive number of seconds, not {seconds}")
    _rpc(w3, profile, "evm_increaseTime", [seconds])
    _rpc(w3, profile, "evm_mine", [])
    return chain_time(w3)


_DURATION = re.compile(r"^\+?(\d+)\s*([ydh])$")
_UNITS = {"y": YEAR, "d": DAY, "h": HOUR}


def parse_moment(text: str, now: int) -> int:
    """A point in time given on the command line, as a Unix timestamp.

    Accepted forms: a duration from ``now`` (the chain's time) such as ``5y``,
    ``90d`` or ``12h`` (``+`` optional); a date ``YYYY-MM-DD``, meaning the end
    of that day in UTC (23:59:59), so "on 30 June" includes all of 30 June; or
    an ISO 8601 date and time, UTC unless it carries an offset
    (``2026-06-30T18:00:00+08:00``).
    """
    raw = text.strip()
    duration = _DURATION.match(raw.lower())
    if duration:
        return now + int(duration.group(1)) * _UNITS[duration.group(2)]
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            day = dt.date.fromisoformat(raw)
            moment = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(raw)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
    except ValueError:
        raise ValidationError(
            f"{raw!r} is not a time: give a date (2030-12-31), a date and time (2030-12-31T12:00:00+08:00) "
            "or a duration from now (5y, 90d, 12h)"
        ) from None
    return int(moment.timestamp())


def as_datetime(timestamp: int) -> dt.datetime | None:
    """A Unix timestamp as an aware UTC datetime; ``None`` for 0 (not set)."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp else None
