"""The QBFT genesis file, and how its block gas limit is sized.

The genesis is Besu's format (https://besu.hyperledger.org/public-networks/reference/genesis-items):
``config`` names the chain id, the protocol milestones from block 0 (up to Cancun, the EVM version
the contracts are compiled for), ``zeroBaseFee`` (a free-gas network: with ``--min-gas-price=0``
on every node, transactions are sent as legacy transactions at gas price 0),
``contractSizeLimit`` and the ``qbft`` settings; ``extraData`` lists the first validators
(:mod:`ledger.network.extra_data`); ``mixHash`` is the constant that marks a BFT block, and
``difficulty`` is 1. No account holds ether: on a free-gas network nobody needs any.

**The block gas limit** is sized for the throughput the consortium plans for: at least 500 single
registrations a second, and at least 5,000 certificates a second when they come in batches (bulk
imports). A registration is one application transaction (``submit`` in ``bench/gas-report.md``:
118,335 gas, taken as :data:`GAS_PER_REGISTRATION`); a certificate of a bulk import is also one
application (the import sends one per certificate, pipelined), so it costs the same gas. The
network must therefore take ``max(500, 5,000) x 120,000 = 600,000,000`` gas a second; a block
carries ``block period`` seconds of it, and :data:`HEADROOM` more, so that a backlog drains
instead of growing. With a 1-second block period that is a limit of 750 million gas a block.

The gas limit is a ceiling, not a speed: whether the nodes execute that much gas in a block
period depends on their hardware and Besu's execution speed (Besu's published QBFT figures are
hundreds of transactions a second from one client). Measure the network with ``bench/`` before
promising the goal; a lower ``--gas-limit`` is written as given and the answer says it is below
the goal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.errors import ValidationError
from ledger.network.extra_data import genesis_extra_data

__all__ = [
    "BFT_MIX_HASH",
    "CONTRACT_SIZE_LIMIT",
    "GAS_PER_REGISTRATION",
    "GOAL_BATCHED_CERTIFICATES_PER_SECOND",
    "GOAL_REGISTRATIONS_PER_SECOND",
    "HEADROOM",
    "GasLimitSizing",
    "genesis_document",
    "size_gas_limit",
]

#: The mixHash every BFT block carries (ASCII "ctical byzantine fault tolerance").
BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365"
#: Gas of one application (``submit``, 118,335 gas in bench/gas-report.md), rounded up.
GAS_PER_REGISTRATION = 120_000
#: The throughput goals.
GOAL_REGISTRATIONS_PER_SECOND = 500
GOAL_BATCHED_CERTIFICATES_PER_SECOND = 5_000
#: How much more than the goal a block may carry, so that a backlog drains.
HEADROOM = 1.25
#: The largest contract the network accepts: twice Ethereum's 24,576 bytes (EIP-170), room for the
#: suite to grow on a network where size is not paid for; every shipped contract is far below it.
CONTRACT_SIZE_LIMIT = 49_152
#: QBFT settings besides the block period (Besu's documented defaults).
EPOCH_LENGTH = 30_000
REQUEST_TIMEOUT_SECONDS = 10
#: The largest gas limit Besu accepts in a genesis (a signed 64-bit number).
_MAX_GAS_LIMIT = 2**63 - 1


@dataclass(frozen=True)
class GasLimitSizing:
    """A block gas limit and how it compares with the throughput goal."""

    gas_limit: int
    needed: int  # gas a block must carry to meet the goal, with headroom
    gas_per_second: int  # what the goal asks of the network
    meets_goal: bool

    def note(self) -> str:
        """One paragraph saying how the limit was chosen (written beside the genesis)."""
        basis = (
            f"The goal is {GOAL_REGISTRATIONS_PER_SECOND} single registrations and "
            f"{GOAL_BATCHED_CERTIFICATES_PER_SECOND:,} certificates in batches a second; each is one "
            f"application of about {GAS_PER_REGISTRATION:,} gas (bench/gas-report.md), so the network "
            f"must take {self.gas_per_second:,} gas a second. A block of the chosen period, with "
            f"{HEADROOM:g}x headroom, needs {self.needed:,} gas."
        )
        if self.meets_goal:
            return f"{basis} The gas limit is {self.gas_limit:,}."
        return f"{basis} The gas limit given, {self.gas_limit:,}, is below that: the goal cannot be met."


def size_gas_limit(block_period: int, gas_limit: int | None = None) -> GasLimitSizing:
    """The gas limit for ``block_period`` seconds a block (``gas_limit`` when the operator chose one)."""
    if block_period < 1:
        raise ValidationError(f"the block period must be at least 1 second, got {block_period}")
    per_second = max(GOAL_REGISTRATIONS_PER_SECOND, GOAL_BATCHED_CERTIFICATES_PER_SECOND) * GAS_PER_REGISTRATION
    needed = math.ceil(per_second * block_period * HEADROOM)
    if gas_limit is None:
        gas_limit = math.ceil(needed / 1_000_000) * 1_000_000
    if not 5_000 <= gas_limit <= _MAX_GAS_LIMIT:
        raise ValidationError(f"the gas limit must be between 5,000 and {_MAX_GAS_LIMIT:,}, got {gas_limit:,}")
    return GasLimitSizing(gas_limit=gas_limit, needed=needed, gas_per_second=per_second,
                          meets_goal=gas_limit >= needed)


def genesis_document(
    *, chain_id: int, validators: Sequence[str], block_period: int, gas_limit: int, timestamp: int
) -> dict[str, Any]:
    """The genesis file's content (to be written as JSON)."""
    if chain_id < 1:
        raise ValidationError(f"the chain id must be a positive number, got {chain_id}")
    return {
        "config": {
            "chainId": chain_id,
            "berlinBlock": 0,
            "londonBlock": 0,
            "shanghaiTime": 0,
            "cancunTime": 0,
            "zeroBaseFee": True,
            "contractSizeLimit": CONTRACT_SIZE_LIMIT,
            "qbft": {
                "blockperiodseconds": block_period,
                "epochlength": EPOCH_LENGTH,
                "requesttimeoutseconds": max(REQUEST_TIMEOUT_SECONDS, 2 * block_period),
            },
        },
        "nonce": "0x0",
        "timestamp": hex(timestamp),
        "gasLimit": hex(gas_limit),
        "difficulty": "0x1",
        "mixHash": BFT_MIX_HASH,
        "coinbase": "0x" + "00" * 20,
        "alloc": {},
        "extraData": genesis_extra_data(validators),
    }
