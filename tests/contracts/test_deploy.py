"""Deploying the suite: five proxies wired through the Consortium's directory, the governance
timelock, and checks of a deployment record."""

from __future__ import annotations

import pytest
from contract_harness import DAY, Ledger
from eth_utils.crypto import keccak
from web3 import Web3

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import DEPLOYED_CONTRACTS
from ledger.chain.deploy import (
    TIMELOCK,
    deploy_suite,
    directory_name,
    implementation_of,
    send_unlocked,
    verify_suite,
)
from ledger.errors import ConfigError, TransactionError

PROPOSER_ROLE = keccak(text="PROPOSER_ROLE")
EXECUTOR_ROLE = keccak(text="EXECUTOR_ROLE")


def recorded(ledger: Ledger) -> dict[str, str]:
    return {
        **{name: contract.address for name, contract in ledger.contracts.items()},
        TIMELOCK: ledger.timelock.address,
    }


def test_the_suite_sits_behind_proxies_wired_through_the_directory(ledger: Ledger) -> None:
    addresses = recorded(ledger)
    verify_suite(ledger.w3, addresses)
    c = ledger.consortium.functions
    assert c.admin().call() == ledger.address("admin")
    assert c.timelock().call() == ledger.timelock.address
    names = ["Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations"]
    assert c.contractNames().call() == [directory_name(name) for name in names]
    for name in names:
        assert c.contractOf(directory_name(name)).call() == addresses[name]
        assert ledger.contracts[name].functions.consortium().call() == addresses["Consortium"]
    assert c.replicas().call() == [addresses[name] for name in names]
    assert ledger.certificates.functions.rights().call() == addresses["Rights"]
    assert ledger.rights.functions.certificates().call() == addresses["Certificates"]
    assert ledger.rights.functions.pledges().call() == addresses["Pledges"]
    assert ledger.pledges.functions.rights().call() == addresses["Rights"]
    compliance = ledger.contracts["Compliance"].functions
    assert compliance.certificates().call() == addresses["Certificates"]
    assert compliance.rights().call() == addresses["Rights"]
    assert compliance.pledges().call() == addresses["Pledges"]
    assert compliance.modules().call() == []
    # Each proxy runs its own implementation, which can never be initialised directly.
    implementations = {name: implementation_of(ledger.w3, addresses[name]) for name in DEPLOYED_CONTRACTS}
    assert len(set(implementations.values())) == len(DEPLOYED_CONTRACTS)
    for name, implementation in implementations.items():
        contract = ledger.w3.eth.contract(address=implementation, abi=load_artifact(name).abi)
        args = [ledger.address("stranger"), ledger.address("stranger"), [], [], []]
        call = contract.functions.initialize(*args) if name == "Consortium" else contract.functions.initialize()
        ledger.reverts(call, "stranger", "InvalidInitialization")


def test_governance_is_the_admin_through_a_timelock_with_a_visible_delay(ledger: Ledger) -> None:
    t = ledger.timelock.functions
    admin = ledger.address("admin")
    assert t.getMinDelay().call() == DAY
    assert t.hasRole(PROPOSER_ROLE, admin).call()
    assert t.hasRole(EXECUTOR_ROLE, admin).call()
    # The deployer keeps nothing: the timelock administers itself.
    assert not t.hasRole(keccak(text="DEFAULT_ADMIN_ROLE"), admin).call()
    assert t.hasRole(b"\x00" * 32, ledger.timelock.address).call()
    assert not t.hasRole(b"\x00" * 32, admin).call()


def test_a_second_deployment_with_a_separate_admin_and_delay(ledger: Ledger) -> None:
    deployer, admin = ledger.address("stranger"), ledger.address("auditor")
    addresses = deploy_suite(ledger.w3, deployer, admin, timelock_delay=7 * DAY)
    assert list(addresses) == [*DEPLOYED_CONTRACTS, TIMELOCK]
    verify_suite(ledger.w3, addresses)
    consortium = ledger.w3.eth.contract(address=addresses["Consortium"], abi=ledger.consortium.abi)
    assert consortium.functions.admin().call() == admin
    timelock = ledger.w3.eth.contract(address=addresses[TIMELOCK], abi=ledger.timelock.abi)
    assert timelock.functions.getMinDelay().call() == 7 * DAY
    assert timelock.functions.hasRole(PROPOSER_ROLE, admin).call()
    assert not timelock.functions.hasRole(PROPOSER_ROLE, deployer).call()


def test_only_the_deployer_puts_proxies_on_its_bootstrap_and_upgrades_them_away(ledger: Ledger) -> None:
    w3 = ledger.w3
    bootstrap = load_artifact("SuiteBootstrap")
    receipt = send_unlocked(
        w3,
        {
            "from": ledger.address("admin"),
            "data": w3.eth.contract(abi=bootstrap.abi, bytecode=bootstrap.bytecode)
            .constructor()
            .data_in_transaction,
        },
    )
    address = receipt["contractAddress"]
    start = w3.eth.contract(abi=bootstrap.abi).encode_abi("initialize")
    proxy = load_artifact("SuiteProxy")
    factory = w3.eth.contract(abi=proxy.abi, bytecode=proxy.bytecode)
    ledger.reverts(factory.constructor(address, start), "stranger", "SuiteBootstrapUnauthorized", "stranger")
    ledger.reverts(factory.constructor(address, b""), "admin", "ERC1967ProxyUninitialized")
    receipt = ledger.send(factory.constructor(address, start), "admin")
    on_bootstrap = w3.eth.contract(address=receipt["contractAddress"], abi=bootstrap.abi)
    ledger.reverts(
        on_bootstrap.functions.upgradeToAndCall(ledger.anchors.address, b""),
        "stranger",
        "SuiteBootstrapUnauthorized",
        "stranger",
    )


def test_verify_suite_refuses_a_record_that_does_not_match_the_chain(ledger: Ledger) -> None:
    addresses = recorded(ledger)
    swapped = dict(addresses, Rights=addresses["Pledges"], Pledges=addresses["Rights"])
    with pytest.raises(ConfigError, match="does not match the chain"):
        verify_suite(ledger.w3, swapped)
    other_timelock = dict(addresses, Timelock=addresses["Anchors"])
    with pytest.raises(ConfigError, match="timelock"):
        verify_suite(ledger.w3, other_timelock)
    with pytest.raises(ConfigError, match="lacks the address of Anchors"):
        verify_suite(ledger.w3, {name: a for name, a in addresses.items() if name != "Anchors"})
    nowhere = dict(addresses, Anchors=Web3.to_checksum_address("0x" + "11" * 20))
    with pytest.raises(ConfigError, match="no contract at"):
        verify_suite(ledger.w3, nowhere)


def test_a_deployer_the_node_cannot_sign_for_is_refused_with_a_hint(ledger: Ledger) -> None:
    unknown = Web3.to_checksum_address("0x" + "12" * 20)
    with pytest.raises(TransactionError, match="unlock that account"):
        deploy_suite(ledger.w3, unknown, ledger.address("admin"))


def test_an_implementation_is_built_only_against_a_directory_that_lists_its_siblings(ledger: Ledger) -> None:
    """A Consortium whose directory lacks Rights: Certificates cannot be built against it, and a directory whose
    lists differ in length is refused when the Consortium is initialised."""
    w3 = ledger.w3
    consortium = load_artifact("Consortium")
    implementation = ledger.send(
        w3.eth.contract(abi=consortium.abi, bytecode=consortium.bytecode).constructor(), "admin"
    )["contractAddress"]
    proxy = load_artifact("SuiteProxy")
    factory = w3.eth.contract(abi=proxy.abi, bytecode=proxy.bytecode)
    admin = ledger.address("admin")

    def initialise(names: list[bytes], accounts: list[str], flags: list[bool]) -> bytes:
        return bytes.fromhex(w3.eth.contract(abi=consortium.abi).encode_abi(
            "initialize", args=[admin, ledger.timelock.address, names, accounts, flags])[2:])

    ledger.reverts(
        factory.constructor(implementation, initialise([directory_name("Rights")], [], [True])), "admin",
        "ConsortiumInvalidDirectory", 1, 0, 1,
    )
    empty = ledger.send(factory.constructor(implementation, initialise([], [], [])), "admin")["contractAddress"]
    certificates = load_artifact("Certificates")
    ledger.reverts(
        w3.eth.contract(abi=certificates.abi, bytecode=certificates.bytecode).constructor(empty), "admin",
        "SuiteUnknownContract", directory_name("Rights"),
    )
