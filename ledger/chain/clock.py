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
from typing import TYPE_CHECKING, Any

import requests

from ledger.chain.rpc import unreachable
from ledger.config import Profile
from ledger.errors import ConfigError, TransactionError, ValidationError

if TYPE_CHECKING:  # web3 only for the commands that move the clock or read it through web3
    from web3 import Web3

__all__ = [
    "DAY",
    "HOUR",
    "MINUTE",
    "YEAR",
    "advance_time",
    "as_datetime",
    "block_time_at",
    "chain_time",
    "format_time",
]

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
#: 365 days: a fixed span for tests and the demo; what users type as ``1y`` is a calendar year
#: (see :mod:`ledger.inputs`).
YEAR = 365 * DAY


def chain_time(w3: Web3) -> int:
    """The timestamp of the latest block (seconds since 1970, UTC)."""
    return int(w3.eth.get_block("latest")["timestamp"])


def block_time_at(w3: Web3, block: int) -> int:
    """The timestamp of block ``block``."""
    return int(w3.eth.get_block(block)["timestamp"])


def _rpc(w3: Web3, profile: Profile, method: str, params: list[Any]) -> Any:
    from web3.exceptions import Web3RPCError

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


def format_time(seconds: int) -> str:
    """Unix seconds as an ISO 8601 UTC time (``2026-06-30T00:00:00Z``)."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_datetime(timestamp: int) -> dt.datetime | None:
    """A Unix timestamp as an aware UTC datetime; ``None`` for 0 (not set)."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp else None
