"""Deploy the contract suite from the shipped artifacts: seven proxies, their implementations, and
the governance timelock.

Every contract of the suite sits behind its own ERC-1967 proxy (UUPS), whose address is the
contract's address for good. The contracts find each other through the Consortium's directory:
an implementation reads its siblings' proxy addresses from it when it is built, so the proxies
and the directory come first. The steps:

1. a :class:`SuiteBootstrap` implementation, which only its deployer can upgrade away from;
2. seven :class:`SuiteProxy` proxies in front of it;
3. the :class:`Timelock` (OpenZeppelin's TimelockController), whose only proposer and executor is
   the admin (governance), with the profile's delay;
4. the Consortium's implementation, and the upgrade of its proxy to it, initialising governance
   (admin, timelock) and the directory (the seven proxies);
5. the implementations of the other six (each reads the directory when built), and the upgrade
   of each proxy to its implementation, initialising it.
6. the Rights contract's copy of the Compliance contract's conditions in force (none yet), with
   which a transfer or licence skips the Compliance contract while no module is in force.

From then on only the timelock upgrades any of them. :func:`verify_suite` checks a deployment
read back from the chain: the directory, the wiring, the timelock, and that no proxy is left on
the bootstrap.

Sending is pluggable: by default the transactions go through ``eth_sendTransaction`` from an
account the node has unlocked (anvil's development accounts); pass ``send`` to sign them
elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.exceptions import Web3Exception
from web3.types import TxParams, TxReceipt

from ledger.chain.artifacts import DEPLOYED_CONTRACTS, load_artifact
from ledger.errors import ChainError, ConfigError, TransactionError

__all__ = [
    "IMPLEMENTATION_SLOT",
    "TIMELOCK",
    "SendTransaction",
    "deploy_suite",
    "directory_name",
    "implementation_of",
    "send_unlocked",
    "verify_suite",
]

#: Sends one transaction (``from`` and ``data`` set, ``to`` unless it creates a contract) and
#: returns its mined receipt.
SendTransaction = Callable[[Web3, TxParams], TxReceipt]

#: The name under which a deployment records its governance timelock.
TIMELOCK = "Timelock"

#: ERC-1967's implementation slot: ``keccak256("eip1967.proxy.implementation") - 1``.
IMPLEMENTATION_SLOT = 0x360894A13BA1A3210667C828492DB98DCA3E2076CC3735A920A3CA505D382BBC

#: The view through which each contract names a sibling it calls, by the sibling's name.
_WIRING_VIEWS: dict[str, dict[str, str]] = {
    "Certificates": {"consortium": "Consortium", "rights": "Rights", "pledges": "Pledges"},
    "Rights": {"consortium": "Consortium", "certificates": "Certificates", "pledges": "Pledges"},
    "Pledges": {"consortium": "Consortium", "rights": "Rights", "certificates": "Certificates"},
    "Anchors": {"consortium": "Consortium"},
    "Compliance": {
        "consortium": "Consortium", "certificates": "Certificates", "rights": "Rights", "pledges": "Pledges",
    },
    "Registrations": {"consortium": "Consortium", "certificates": "Certificates", "rights": "Rights"},
}

#: The suite's contracts that keep a copy of the member records (all but the Consortium).
_REPLICAS = ("Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations")


def directory_name(name: str) -> bytes:
    """A contract's name as the Consortium's directory keys it (``bytes32``, right-padded)."""
    encoded = name.encode()
    if not 0 < len(encoded) <= 32:
        raise ConfigError(f"a directory name takes 1 to 32 bytes, got {name!r}")
    return encoded.ljust(32, b"\0")


def send_unlocked(w3: Web3, transaction: TxParams) -> TxReceipt:
    """Send through ``eth_sendTransaction`` (the node holds the key) and wait for the receipt."""
    origin = transaction.get("from")
    sender = to_checksum_address(origin) if origin else "the node's default account"
    try:
        tx_hash = w3.eth.send_transaction(transaction)
        return w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)
    except (Web3Exception, ValueError) as exc:
        raise TransactionError(
            f"the node did not send from {sender} ({exc}); "
            "unlock that account on the node, or deploy with a signing sender"
        ) from None


def implementation_of(w3: Web3, proxy: str) -> ChecksumAddress:
    """The implementation behind an ERC-1967 proxy, read from its storage."""
    word = w3.eth.get_storage_at(to_checksum_address(proxy), IMPLEMENTATION_SLOT)
    return to_checksum_address(bytes(word)[-20:])


class _Deployer:
    """Creates contracts and calls them from one account, checking every receipt."""

    def __init__(self, w3: Web3, deployer: str, send: SendTransaction) -> None:
        self.w3 = w3
        self.deployer = to_checksum_address(deployer)
        self._send = send

    def create(self, artifact: str, *args: Any, label: str) -> ChecksumAddress:
        loaded = load_artifact(artifact)
        factory = self.w3.eth.contract(abi=loaded.abi, bytecode=loaded.bytecode)
        data = factory.constructor(*args).data_in_transaction
        receipt = self._transact({"from": self.deployer, "data": data}, label)
        created = receipt.get("contractAddress")
        if created is None:
            raise ChainError(f"deploying {label} created no contract")
        return to_checksum_address(created)

    def call(self, address: str, artifact: str, function: str, *args: Any, label: str) -> None:
        contract = self.w3.eth.contract(
            address=to_checksum_address(address), abi=load_artifact(artifact).abi
        )
        data = contract.encode_abi(function, args=list(args))
        self._transact(
            {"from": self.deployer, "to": to_checksum_address(address), "data": data}, label
        )

    def _transact(self, transaction: TxParams, label: str) -> TxReceipt:
        receipt = self._send(self.w3, transaction)
        if receipt["status"] != 1:
            raise ChainError(f"{label} failed in transaction {receipt['transactionHash'].hex()}")
        return receipt


def deploy_suite(
    w3: Web3,
    deployer_address: str,
    admin_address: str,
    *,
    send: SendTransaction = send_unlocked,
    timelock_delay: int = 0,
) -> dict[str, ChecksumAddress]:
    """Deploy the suite behind its proxies, with its timelock; return the addresses by name.

    The seven contracts are named as in :data:`~ledger.chain.compiler.DEPLOYED_CONTRACTS` (their
    proxies' addresses), the timelock as :data:`TIMELOCK`. ``admin_address`` becomes governance:
    the Consortium's admin, and the timelock's only proposer and executor; it may be a
    multi-signature wallet. ``timelock_delay`` is the timelock's delay in seconds. The deployer
    keeps no power afterwards. Raises :class:`ChainError` if a step fails.
    """
    if timelock_delay < 0:
        raise ConfigError(f"the timelock delay must be 0 or more seconds, got {timelock_delay}")
    admin = to_checksum_address(admin_address)
    step = _Deployer(w3, deployer_address, send)
    bootstrap = step.create("SuiteBootstrap", label="the bootstrap implementation")
    start = w3.eth.contract(abi=load_artifact("SuiteBootstrap").abi).encode_abi("initialize")
    proxies = {
        name: step.create("SuiteProxy", bootstrap, start, label=f"the {name} proxy")
        for name in DEPLOYED_CONTRACTS
    }
    timelock = step.create("Timelock", timelock_delay, [admin], [admin], label="the timelock")

    consortium = step.create("Consortium", label="the Consortium implementation")
    names = [name for name in DEPLOYED_CONTRACTS if name != "Consortium"]
    initialize = w3.eth.contract(abi=load_artifact("Consortium").abi).encode_abi(
        "initialize",
        args=[
            admin,
            timelock,
            [directory_name(name) for name in names],
            [proxies[name] for name in names],
            [name in _REPLICAS for name in names],
        ],
    )
    step.call(
        proxies["Consortium"], "SuiteBootstrap", "upgradeToAndCall", consortium, initialize,
        label="initialising the Consortium",
    )
    for name in names:
        implementation = step.create(
            name, proxies["Consortium"], label=f"the {name} implementation"
        )
        initialize = w3.eth.contract(abi=load_artifact(name).abi).encode_abi("initialize")
        step.call(
            proxies[name], "SuiteBootstrap", "upgradeToAndCall", implementation, initialize,
            label=f"initialising {name}",
        )

    step.call(
        proxies["Rights"], "Rights", "syncComplianceConditions",
        label="copying the compliance conditions into Rights",
    )

    addresses: dict[str, ChecksumAddress] = {**proxies, TIMELOCK: timelock}
    verify_suite(w3, addresses)
    return addresses


def verify_suite(w3: Web3, addresses: Mapping[str, str]) -> None:
    """Check a deployment against the chain: code at every address, the Consortium's directory and
    timelock, each contract's wiring, and no proxy left on its bootstrap.

    Raises :class:`ConfigError` naming the first mismatch.
    """
    missing = [name for name in (*DEPLOYED_CONTRACTS, TIMELOCK) if name not in addresses]
    if missing:
        raise ConfigError(f"the deployment lacks the address of {', '.join(missing)}")
    for name in (*DEPLOYED_CONTRACTS, TIMELOCK):
        if not w3.eth.get_code(to_checksum_address(addresses[name])):
            raise ConfigError(
                f"no contract at {addresses[name]} ({name}) on this chain; deploy the suite first"
            )
    mismatch = "the deployment record does not match the chain"
    for name in DEPLOYED_CONTRACTS:
        implementation = implementation_of(w3, addresses[name])
        if not w3.eth.get_code(implementation):
            raise ConfigError(f"{name} at {addresses[name]} has no implementation; {mismatch}")
    consortium = w3.eth.contract(
        address=to_checksum_address(addresses["Consortium"]), abi=load_artifact("Consortium").abi
    )
    timelock = to_checksum_address(consortium.functions.timelock().call())
    if timelock != to_checksum_address(addresses[TIMELOCK]):
        raise ConfigError(
            f"the Consortium's timelock is {timelock}, not {addresses[TIMELOCK]}; {mismatch}"
        )
    for name in DEPLOYED_CONTRACTS:
        if name == "Consortium":
            continue
        listed = to_checksum_address(consortium.functions.contractOf(directory_name(name)).call())
        if listed != to_checksum_address(addresses[name]):
            raise ConfigError(
                f"the Consortium's directory lists {name} at {listed}, not {addresses[name]}; "
                f"{mismatch}"
            )
    for name, views in _WIRING_VIEWS.items():
        contract = w3.eth.contract(
            address=to_checksum_address(addresses[name]), abi=load_artifact(name).abi
        )
        for view, target in views.items():
            try:
                actual = to_checksum_address(contract.functions[view]().call())
            except (Web3Exception, ValueError):
                raise ConfigError(
                    f"{name} at {addresses[name]} does not answer {view}(): it is still on its "
                    f"bootstrap or is another contract; {mismatch}"
                ) from None
            if actual != to_checksum_address(addresses[target]):
                raise ConfigError(
                    f"{name} at {addresses[name]} refers to {target} at {actual}, "
                    f"not {addresses[target]}; {mismatch}"
                )
