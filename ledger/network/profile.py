"""The ``dal`` profile that points at the network, in the format of docs/config.example.toml.

The profile names the first validator's JSON-RPC endpoint as the host sees it
(``http://127.0.0.1:8545``; the compose services override it with ``DAL_RPC_URL``), the chain id
of the genesis, and the three settings a Besu QBFT network needs from ``dal``: ``poa = true``
(QBFT's ``extraData`` is longer than 32 bytes), ``gas_price = 0`` (``zeroBaseFee`` and
``--min-gas-price=0``) and ``log_range`` equal to the nodes' ``--rpc-max-logs-range``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NetworkProfile", "render_profile"]


@dataclass(frozen=True)
class NetworkProfile:
    """What the profile says about the network."""

    name: str
    chain_id: int
    log_range: int
    rpc_url: str = "http://127.0.0.1:8545"
    database_url: str = "postgresql+psycopg://ledger@127.0.0.1:5432/ledger"


def render_profile(profile: NetworkProfile) -> str:
    """The profile as a config file: copy it to ``$DAL_HOME/config.toml`` or point ``DAL_CONFIG`` at it."""
    return f'''# dal profile for the consortium network "{profile.name}", written by `dal network init`.
# Use it with DAL_CONFIG=<this file>, or copy the [profiles.{profile.name}] table into
# $DAL_HOME/config.toml. See docs/network.md and docs/config.example.toml.

default_profile = "{profile.name}"

[profiles.{profile.name}]
# The first validator's JSON-RPC endpoint, published on the host's loopback by docker-compose.yml.
rpc_url = "{profile.rpc_url}"
# From genesis.json: dal refuses a node on another chain.
chain_id = {profile.chain_id}
# QBFT blocks carry the validators and seals in extraData (more than 32 bytes).
poa = true
# Free gas: zeroBaseFee in the genesis and --min-gas-price=0 on every node.
gas_price = 0
# The nodes run with --rpc-max-logs-range={profile.log_range}; the indexer reads logs in windows of this size.
log_range = {profile.log_range}
# QBFT has immediate finality.
confirmations = 0
# Besu runs the calls of one JSON-RPC request in order: imports send 100 transactions a request.
tx_batch_size = 100
# Every upgrade of the contracts and change of their directory waits this long (seconds) in the
# governance timelock after the multisig schedules it, in public: two days (see docs/upgrades.md).
timelock_delay = 172800
# The compose file's PostgreSQL; give the password through DAL_DATABASE_URL, never here.
database_url = "{profile.database_url}"
'''
