"""Fixtures for the contract tests: the whole suite deployed once per session on the session's
anvil, its members admitted, and a clean chain for every test (``evm_snapshot`` before,
``evm_revert`` after)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from contract_harness import DAY, SIGNERS, Ledger, error_index, identity_of, rpc, signer_key
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import DEPLOYED_CONTRACTS, TESTING_ARTIFACTS_DIR
from ledger.chain.deploy import TIMELOCK, deploy_suite


@pytest.fixture(scope="session")
def ledger_suite(w3: Web3) -> Ledger:
    """The suite's contracts deployed by ``admin`` and its members admitted, once per session."""
    keys = {name: signer_key(index) for name, (index, _) in SIGNERS.items()}
    accounts = {name: Web3.to_checksum_address(key.address) for name, key in keys.items()}
    for name, (index, _) in SIGNERS.items():
        if index >= 10:
            rpc(w3, "anvil_impersonateAccount", [accounts[name]])
            rpc(w3, "anvil_setBalance", [accounts[name], hex(10**21)])

    addresses = deploy_suite(w3, accounts["admin"], accounts["admin"], timelock_delay=DAY)
    contracts = {
        name: w3.eth.contract(address=addresses[name], abi=load_artifact(name).abi)
        for name in DEPLOYED_CONTRACTS
    }
    abis = [load_artifact(name).abi for name in DEPLOYED_CONTRACTS]
    abis.append(load_artifact("TestWallet", TESTING_ARTIFACTS_DIR).abi)
    abis += [load_artifact(name).abi for name in ("Timelock", "SuiteBootstrap", "SuiteProxy")]
    timelock = w3.eth.contract(address=addresses[TIMELOCK], abi=load_artifact("Timelock").abi)
    ledger = Ledger(
        w3=w3,
        contracts=contracts,
        accounts=accounts,
        keys=keys,
        errors=error_index(abis),
        timelock=timelock,
    )

    for name, (_, roles) in SIGNERS.items():
        if roles:
            ledger.send(
                ledger.consortium.functions.addMember(
                    accounts[name], identity_of(name), name.title(), roles
                ),
                "admin",
            )
    ledger.send(
        ledger.consortium.functions.suspendMember(accounts["suspended"], keccak(text="audit")),
        "admin",
    )
    return ledger


@pytest.fixture
def ledger(ledger_suite: Ledger) -> Iterator[Ledger]:
    """The session's suite, with every change the test makes undone afterwards."""
    snapshot = rpc(ledger_suite.w3, "evm_snapshot", [])
    try:
        yield ledger_suite
    finally:
        rpc(ledger_suite.w3, "evm_revert", [snapshot])


@pytest.fixture
def deploy_wallet(ledger: Ledger) -> Callable[[str], Contract]:
    """Deploy a test contract wallet owned by a signer and return it."""

    def deploy(owner: str) -> Contract:
        artifact = load_artifact("TestWallet", TESTING_ARTIFACTS_DIR)
        factory = ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        tx_hash = factory.constructor(ledger.address(owner)).transact(
            {"from": ledger.address(owner)}
        )
        receipt = ledger.w3.eth.wait_for_transaction_receipt(tx_hash)
        return ledger.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)

    return deploy
