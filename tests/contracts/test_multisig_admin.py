"""Governance by a multi-signature wallet: a real Safe (2 of 3 owners) takes over the Consortium's
admin role.

The Safe singleton and proxy factory are deployed from the compiled artifacts that the npm package
``@safe-global/safe-smart-account`` ships; owners sign the Safe's EIP-712 transaction hash off
chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from contract_harness import BANK, MERCHANT, Ledger, signer_key
from eth_abi.abi import decode as abi_decode
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from hexbytes import HexBytes
from web3.contract import Contract
from web3.logs import DISCARD

from ledger.chain.compiler import PROJECT_ROOT

SAFE_ARTIFACTS = (
    PROJECT_ROOT / "node_modules" / "@safe-global" / "safe-smart-account" / "build" / "artifacts"
)
ZERO = "0x" + "00" * 20
ERROR_STRING = keccak(text="Error(string)")[:4]


def _artifact(path: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SAFE_ARTIFACTS / path).read_text())
    return document


def _deploy(ledger: Ledger, artifact: dict[str, Any], *args: Any) -> Contract:
    factory = ledger.w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    tx_hash = factory.constructor(*args).transact({"from": ledger.address("admin")})
    receipt = ledger.w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    return ledger.w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"])


class Multisig:
    """A Safe proxy and the keys of its owners."""

    def __init__(self, ledger: Ledger, safe: Contract, owners: list[LocalAccount]) -> None:
        self.ledger = ledger
        self.safe = safe
        self.owners = owners

    @property
    def address(self) -> str:
        return str(self.safe.address)

    def signatures(self, to: str, data: bytes, signers: list[LocalAccount]) -> bytes:
        nonce = self.safe.functions.nonce().call()
        safe_tx_hash = self.safe.functions.getTransactionHash(
            to, 0, data, 0, 0, 0, 0, ZERO, ZERO, nonce
        ).call()
        ordered = sorted(signers, key=lambda account: int(account.address, 16))
        return b"".join(
            bytes(account.unsafe_sign_hash(safe_tx_hash).signature) for account in ordered
        )

    def execute(self, to: str, data: bytes, signers: list[LocalAccount]) -> Any:
        """Execute a call from the Safe with the signers' approvals; returns the receipt."""
        signatures = self.signatures(to, data, signers)
        call = self.safe.functions.execTransaction(to, 0, data, 0, 0, 0, 0, ZERO, ZERO, signatures)
        return self.ledger.send(call, "stranger")

    def refusal(self, to: str, data: bytes, signers: list[LocalAccount]) -> str:
        """The Safe's error string when it refuses to execute."""
        signatures = self.signatures(to, data, signers)
        call = self.safe.functions.execTransaction(to, 0, data, 0, 0, 0, 0, ZERO, ZERO, signatures)
        revert = self.ledger.revert_data(call, "stranger")
        assert revert[:4] == ERROR_STRING
        (message,) = abi_decode(["string"], revert[4:])
        return str(message)


@pytest.fixture
def multisig(ledger: Ledger) -> Iterator[Multisig]:
    """A 2-of-3 Safe whose owners hold keys that are not consortium members."""
    if not SAFE_ARTIFACTS.exists():
        pytest.skip("@safe-global/safe-smart-account is not installed; run `make setup`")
    singleton = _deploy(ledger, _artifact("contracts/Safe.sol/Safe.json"))
    factory = _deploy(
        ledger, _artifact("contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json")
    )
    owners = [signer_key(index) for index in (40, 41, 42)]
    initializer = singleton.functions.setup(
        [owner.address for owner in owners], 2, ZERO, b"", ZERO, ZERO, 0, ZERO
    )._encode_transaction_data()
    receipt = ledger.send(
        factory.functions.createProxyWithNonce(singleton.address, initializer, 1), "admin"
    )
    (created,) = factory.events.ProxyCreation().process_receipt(receipt, errors=DISCARD)
    safe = ledger.w3.eth.contract(address=created["args"]["proxy"], abi=singleton.abi)
    assert safe.functions.getThreshold().call() == 2
    yield Multisig(ledger, safe, owners)


def test_a_two_of_three_safe_takes_over_governance_and_governs(
    ledger: Ledger, multisig: Multisig
) -> None:
    c = ledger.consortium.functions
    consortium = ledger.consortium.address
    first, second, third = multisig.owners

    # Hand-over: the current admin proposes, the Safe accepts with two owner signatures.
    ledger.send(c.transferOwnership(multisig.address), "admin")
    accept = bytes(HexBytes(c.acceptOwnership()._encode_transaction_data()))
    assert multisig.refusal(consortium, accept, [first]) == "GS020"
    multisig.execute(consortium, accept, [first, third])
    assert c.admin().call() == multisig.address

    # The Safe admits a member; one signature is not enough, nor a stranger's.
    newcomer = ledger.w3.to_checksum_address("0x" + "cd" * 20)
    admit = bytes(
        HexBytes(
            c.addMember(
                newcomer, keccak(text="USCC:new"), "New Bank", BANK
            )._encode_transaction_data()
        )
    )
    assert multisig.refusal(consortium, admit, [second]) == "GS020"
    outsider = signer_key(43)
    assert multisig.refusal(consortium, admit, [second, outsider]) == "GS026"
    receipt = multisig.execute(consortium, admit, [second, third])
    assert ledger.events(receipt, "Consortium", "MemberAdded")[0]["account"] == newcomer
    assert c.isActive(newcomer, BANK).call()

    # The Safe suspends a member; the former admin key governs nothing any more.
    suspend = bytes(
        HexBytes(
            c.suspendMember(
                ledger.address("merchant_b"), keccak(text="dispute")
            )._encode_transaction_data()
        )
    )
    multisig.execute(consortium, suspend, [first, second])
    assert not c.isActive(ledger.address("merchant_b"), MERCHANT).call()
    ledger.reverts(
        c.reinstateMember(ledger.address("merchant_b")),
        "admin",
        "OwnableUnauthorizedAccount",
        "admin",
    )


def test_the_safe_hands_governance_on_in_two_steps_as_well(
    ledger: Ledger, multisig: Multisig
) -> None:
    c = ledger.consortium.functions
    consortium = ledger.consortium.address
    ledger.send(c.transferOwnership(multisig.address), "admin")
    multisig.execute(
        consortium,
        bytes(HexBytes(c.acceptOwnership()._encode_transaction_data())),
        multisig.owners[:2],
    )
    propose = bytes(
        HexBytes(c.transferOwnership(ledger.address("auditor"))._encode_transaction_data())
    )
    multisig.execute(consortium, propose, multisig.owners[1:])
    assert c.admin().call() == multisig.address
    ledger.send(c.acceptOwnership(), "auditor")
    assert c.admin().call() == ledger.address("auditor")


def test_a_suite_governed_by_the_multisig_is_upgraded_only_through_it_and_the_timelock(
    ledger: Ledger, multisig: Multisig
) -> None:
    from contract_harness import DAY

    from ledger.chain.artifacts import load_artifact
    from ledger.chain.compiler import TESTING_ARTIFACTS_DIR
    from ledger.chain.deploy import TIMELOCK, deploy_suite, implementation_of

    w3 = ledger.w3
    addresses = deploy_suite(w3, ledger.address("admin"), multisig.address, timelock_delay=DAY)
    timelock = w3.eth.contract(address=addresses[TIMELOCK], abi=load_artifact("Timelock").abi)
    anchors = w3.eth.contract(address=addresses["Anchors"], abi=load_artifact("Anchors").abi)
    second = load_artifact("AnchorsV2", TESTING_ARTIFACTS_DIR)
    factory = w3.eth.contract(abi=second.abi, bytecode=second.bytecode)
    implementation = ledger.send(factory.constructor(addresses["Consortium"]), "admin")["contractAddress"]
    upgrade = HexBytes(anchors.encode_abi("upgradeToAndCall", args=[implementation, b""]))
    operation = ([anchors.address], [0], [upgrade], b"\x00" * 32, keccak(text="edition 2"))
    schedule = HexBytes(timelock.encode_abi("scheduleBatch", args=[*operation, DAY]))
    execute = HexBytes(timelock.encode_abi("executeBatch", args=list(operation)))

    # The deployer keeps no power, and one owner's signature is not the multisig's.
    ledger.reverts(timelock.functions.scheduleBatch(*operation, DAY), "admin", "AccessControlUnauthorizedAccount",
                   "admin", keccak(text="PROPOSER_ROLE"))
    assert multisig.refusal(timelock.address, schedule, multisig.owners[:1]) == "GS020"
    receipt = multisig.execute(timelock.address, schedule, multisig.owners[:2])
    scheduled = timelock.events.CallScheduled().process_receipt(receipt, errors=DISCARD)
    assert [log["args"]["target"] for log in scheduled] == [anchors.address]
    # Not before the delay; then the multisig runs it and the proxy runs the second edition.
    early = multisig.safe.functions.execTransaction(
        timelock.address, 0, execute, 0, 0, 0, 0, ZERO, ZERO,
        multisig.signatures(timelock.address, execute, multisig.owners[:2]),
    )
    name, _ = ledger.decode(ledger.revert_data(early, "stranger"))
    assert name == "TimelockUnexpectedOperationState"
    ledger.advance(DAY)
    multisig.execute(timelock.address, execute, multisig.owners[1:])
    assert implementation_of(w3, anchors.address) == implementation
    upgraded = w3.eth.contract(address=anchors.address, abi=second.abi)
    assert upgraded.functions.edition().call() == 2
