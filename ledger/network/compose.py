"""The ``docker-compose.yml`` that runs the network and the ledger's services beside it.

Services:

- ``validator-1`` ... ``validator-N``: the official Besu image (``hyperledger/besu``, the version
  pinned by :data:`BESU_VERSION`, overridable with ``BESU_VERSION``), each with its own key, the
  shared genesis and permissioning file, and a fixed address on the compose network (enode URLs
  name IP addresses; Besu resolves no host names in them by default);
- ``postgres``: the off-chain store (its password comes from ``POSTGRES_PASSWORD`` in the
  environment, never from a file written here);
- ``oracle``: ``dal oracle run``, keeping the read model in step and anchoring records;
- ``api``: ``dal serve``, the HTTP service for banks, browsers and the notice board.

The two ``dal`` services run the image named by ``DAL_IMAGE`` (the ledger's package installed in
a Python 3.11 image; see docs/network.md) with the generated profile, reaching the chain at
``validator-1`` and the database at ``postgres``.

**The JSON-RPC APIs** each validator enables (:data:`RPC_APIS`) are what ``dal`` calls, and no
more: ``ETH`` (calls, transactions, logs, blocks, ``eth_getProof`` and ``eth_createAccessList``
for ``dal verify --proof``), ``NET`` and ``WEB3`` (client checks), ``QBFT`` (``dal network
validators`` and ``propose``), ``PERM`` (reloading the allowlists after ``dal network allow``) and
``TXPOOL`` (operators looking at pending transactions). ``DEBUG``, ``TRACE`` and ``ADMIN`` stay
off: ``dal`` needs none of them (the proof of a read runs in a local EVM, not through
``debug_traceCall``), and they expose the node's internals. JSON-RPC is published on the host's
loopback only (``127.0.0.1:8545`` for ``validator-1``); ``QBFT`` and ``PERM`` change the network,
so the RPC port must never face the internet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = [
    "BESU_IMAGE",
    "BESU_VERSION",
    "RPC_APIS",
    "SUBNET",
    "ValidatorNode",
    "compose_document",
    "render_compose",
    "validator_ip",
]

BESU_IMAGE = "hyperledger/besu"
#: The pinned Besu release (its Docker tag). The genesis activates Shanghai and Cancun at genesis by time
#: (the contracts are compiled for Cancun), which needs a recent release with time-based milestones on QBFT.
BESU_VERSION = "25.1.0"
RPC_APIS = ("ETH", "NET", "WEB3", "QBFT", "PERM", "TXPOOL")
SUBNET = "172.28.0.0/24"
RPC_PORT = 8545
P2P_PORT = 30303
_CONFIG = "/config"
_DATA = "/opt/besu/data"


def validator_ip(index: int) -> str:
    """The fixed address of validator ``index`` (1-based) on the compose network."""
    return f"172.28.0.{10 + index}"


@dataclass(frozen=True)
class ValidatorNode:
    """One validator as the compose file knows it: service name, address and enode URL."""

    name: str
    index: int
    address: str
    enode: str

    @property
    def ip(self) -> str:
        return validator_ip(self.index)


def _besu_command(node: ValidatorNode, nodes: Sequence[ValidatorNode], log_range: int) -> list[str]:
    bootnodes = ",".join(other.enode for other in nodes if other.name != node.name)
    permissions = f"{_CONFIG}/permissions_config.toml"
    command = [
        f"--genesis-file={_CONFIG}/genesis.json",
        f"--data-path={_DATA}",
        f"--node-private-key-file={_CONFIG}/key",
        "--sync-mode=FULL",
        "--min-gas-price=0",
        f"--p2p-host={node.ip}",
        f"--p2p-port={P2P_PORT}",
        "--rpc-http-enabled",
        "--rpc-http-host=0.0.0.0",
        f"--rpc-http-port={RPC_PORT}",
        f"--rpc-http-api={','.join(RPC_APIS)}",
        f"--host-allowlist=localhost,127.0.0.1,{node.name}",
        "--rpc-http-cors-origins=none",
        f"--rpc-max-logs-range={log_range}",
        "--permissions-nodes-config-file-enabled",
        f"--permissions-nodes-config-file={permissions}",
        "--permissions-accounts-config-file-enabled",
        f"--permissions-accounts-config-file={permissions}",
    ]
    if bootnodes:
        command.append(f"--bootnodes={bootnodes}")
    return command


def _dal_service(profile: str, command: list[str], chain: str) -> dict[str, Any]:
    return {
        "image": "${DAL_IMAGE:?build the ledger's image and set DAL_IMAGE (see docs/network.md)}",
        "command": ["dal", "--profile", profile, *command],
        "environment": {
            "DAL_CONFIG": f"{_CONFIG}/dal.toml",
            "DAL_HOME": "/dal",
            "DAL_RPC_URL": f"http://{chain}:{RPC_PORT}",
            "DAL_DATABASE_URL": "postgresql+psycopg://ledger:${POSTGRES_PASSWORD}@postgres:5432/ledger",
            "DAL_PASSWORD": "${DAL_PASSWORD:?set DAL_PASSWORD to unlock the service's keystore}",
        },
        "volumes": ["./dal.toml:/config/dal.toml:ro", "dal-home:/dal"],
        "depends_on": {"postgres": {"condition": "service_healthy"}, chain: {"condition": "service_started"}},
        "networks": ["ledger"],
        "restart": "unless-stopped",
    }


def compose_document(nodes: Sequence[ValidatorNode], *, profile: str, log_range: int) -> dict[str, Any]:
    """The compose file's content."""
    services: dict[str, Any] = {}
    for node in nodes:
        service: dict[str, Any] = {
            "image": f"{BESU_IMAGE}:${{BESU_VERSION:-{BESU_VERSION}}}",
            "user": "${BESU_USER:-1000:1000}",
            "command": _besu_command(node, nodes, log_range),
            "volumes": [
                "./genesis.json:/config/genesis.json:ro",
                "./permissions_config.toml:/config/permissions_config.toml",
                f"./{node.name}/key:/config/key:ro",
                f"{node.name}-data:{_DATA}",
            ],
            "networks": {"ledger": {"ipv4_address": node.ip}},
            "restart": "unless-stopped",
        }
        if node.index == 1:
            service["ports"] = [f"127.0.0.1:{RPC_PORT}:{RPC_PORT}"]
        services[node.name] = service
    services["postgres"] = {
        "image": "postgres:16",
        "environment": {
            "POSTGRES_USER": "ledger",
            "POSTGRES_DB": "ledger",
            "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD for the ledger's database}",
        },
        "volumes": ["postgres-data:/var/lib/postgresql/data"],
        "ports": ["127.0.0.1:5432:5432"],
        "healthcheck": {"test": ["CMD", "pg_isready", "-U", "ledger"], "interval": "5s", "retries": 12},
        "networks": ["ledger"],
        "restart": "unless-stopped",
    }
    chain = nodes[0].name
    services["oracle"] = _dal_service(profile, ["--as", "oracle", "oracle", "run"], chain)
    services["api"] = _dal_service(profile, ["serve", "--host", "0.0.0.0", "--port", "8000"], chain)
    services["api"]["ports"] = ["127.0.0.1:8000:8000"]
    volumes: dict[str, Any] = {f"{node.name}-data": {} for node in nodes}
    volumes.update({"postgres-data": {}, "dal-home": {}})
    return {
        "name": profile,
        "services": services,
        "networks": {"ledger": {"ipam": {"config": [{"subnet": SUBNET}]}}},
        "volumes": volumes,
    }


def render_compose(document: dict[str, Any]) -> str:
    """The compose file's text."""
    header = (
        "# The consortium's network, written by `dal network init` (see docs/network.md).\n"
        "# Needs POSTGRES_PASSWORD, DAL_PASSWORD and DAL_IMAGE in the environment or in .env.\n"
    )
    body: str = yaml.safe_dump(document, sort_keys=False, default_flow_style=False, width=120)
    return header + body
