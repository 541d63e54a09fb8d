"""Where the ledger's contracts live on each chain.

``<home>/deployments.json`` records, per chain id, the address of every
contract of the suite (its proxy's, which never changes), of the governance
timelock, and the block the deployment started in (where an indexer starts
reading)::

    {"31337": {"Consortium": "0x...", "Certificates": "0x...", ..., "Timelock": "0x...", "block": 1}}

A record is trusted only while code exists at every address it names: a
local chain that was reset gets the suite deployed again, and a record that
no longer matches a remote network is reported rather than used.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from eth_utils.address import is_address, to_checksum_address

from ledger.chain.rpc import JsonRpc, RpcError
from ledger.errors import ConfigError

if TYPE_CHECKING:  # web3, keys and the sender load only for a deployment
    from eth_account.signers.local import LocalAccount
    from web3 import Web3
    from web3.types import TxParams, TxReceipt

    from ledger.chain.sender import Sender

__all__ = [
    "DeployFunction",
    "Deployment",
    "DeploymentsFile",
    "deploy_and_record",
    "is_live",
]

class DeployFunction(Protocol):
    """``deploy_suite(w3, deployer_address, admin_address, *, send, timelock_delay) -> {name: address}``.

    ``send(w3, transaction) -> receipt`` sends one transaction of the
    deployment (``from`` and ``data`` set, ``to`` for a call) and waits for it;
    ``timelock_delay`` is the governance timelock's delay in seconds.
    """

    def __call__(
        self,
        w3: Web3,
        deployer_address: str,
        admin_address: str,
        *,
        send: Callable[[Web3, TxParams], TxReceipt],
        timelock_delay: int,
    ) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class Deployment:
    """The suite on one chain: contract name -> address, and the first block of the deployment."""

    chain_id: int
    addresses: dict[str, str]
    block: int

    def address(self, contract: str) -> str:
        try:
            return self.addresses[contract]
        except KeyError:
            known = ", ".join(sorted(self.addresses))
            raise ConfigError(
                f"no {contract} contract is recorded for chain {self.chain_id} (recorded: {known}); "
                "deploy the current suite again"
            ) from None


class DeploymentsFile:
    """The deployments file of one data home."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict[str, object]]:
        if not self.path.exists():
            return {}
        try:
            document = json.loads(self.path.read_text())
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"the deployments file {self.path} is unreadable ({exc}); fix it or delete it to redeploy"
            ) from None
        if not isinstance(document, dict):
            raise ConfigError(f"the deployments file {self.path} must hold an object keyed by chain id")
        return document

    def get(self, chain_id: int) -> Deployment | None:
        """The recorded deployment on ``chain_id``, if any."""
        entry = self._read().get(str(chain_id))
        if entry is None:
            return None
        if not isinstance(entry, dict):
            raise ConfigError(f"{self.path}: the entry for chain {chain_id} must be an object")
        addresses: dict[str, str] = {}
        for name, value in entry.items():
            if name == "block":
                continue
            if not isinstance(value, str) or not is_address(value):
                raise ConfigError(f"{self.path}: chain {chain_id}, {name} is not an address: {value!r}")
            addresses[name] = to_checksum_address(value)
        block = entry.get("block", 0)
        if not isinstance(block, int) or block < 0:
            raise ConfigError(f"{self.path}: chain {chain_id}, block must be a block number")
        return Deployment(chain_id=chain_id, addresses=addresses, block=block)

    def record(self, deployment: Deployment) -> None:
        """Write ``deployment``, replacing the chain's previous record, atomically."""
        document = self._read()
        document[str(deployment.chain_id)] = {**deployment.addresses, "block": deployment.block}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        os.replace(temporary, self.path)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the file's lock, so two processes never deploy the suite twice at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def is_live(rpc: JsonRpc, deployment: Deployment) -> bool:
    """True when code exists at every recorded address (the chain was not reset); asked in one batch."""
    if not deployment.addresses:
        return False
    addresses = [to_checksum_address(address) for address in deployment.addresses.values()]
    answers = rpc.batch([("eth_getCode", [address, "latest"]) for address in addresses])
    for answer in answers:
        code = answer.get("result")
        if "error" in answer or not isinstance(code, str):
            raise RpcError("eth_getCode", answer.get("error", "no code in the answer"))
        if not code.removeprefix("0x"):
            return False
    return True


def deploy_and_record(
    sender: Sender,
    deployments: DeploymentsFile,
    deploy: DeployFunction,
    deployer: LocalAccount,
    admin: str,
) -> Deployment:
    """Deploy the suite with ``deploy`` as ``deployer``, then record it.

    Every transaction of the deployment goes through ``sender``: signed
    here with the deployer's key, fees as the profile says, a refusal
    decoded. No node account is ever used.
    """

    from hexbytes import HexBytes

    from ledger.chain.sender import TxRequest

    def send(w3: Web3, transaction: TxParams) -> TxReceipt:
        to = transaction.get("to")
        request = TxRequest(
            to=str(to) if to else None,
            data=bytes(HexBytes(transaction.get("data", b""))),
            value=int(transaction.get("value", 0)),
            label="deployment",
        )
        nonce = transaction.get("nonce")
        return sender.transact(deployer, request, nonce=int(nonce) if nonce is not None else None)

    first_block = int(sender.w3.eth.block_number) + 1
    deployed = deploy(
        sender.w3, deployer.address, admin, send=send, timelock_delay=sender.profile.timelock_delay
    )
    addresses = {name: str(to_checksum_address(address)) for name, address in deployed.items()}
    deployment = Deployment(chain_id=sender.profile.chain_id, addresses=addresses, block=first_block)
    deployments.record(deployment)
    return deployment
