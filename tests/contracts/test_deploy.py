"""Deploying the suite: predicted addresses, immutable wiring, and checks of a deployment record."""

from __future__ import annotations

import pytest
from contract_harness import Ledger
from web3 import Web3
from web3.types import TxParams, TxReceipt

from ledger.chain.compiler import DEPLOYED_CONTRACTS
from ledger.chain.deploy import deploy_suite, predict_addresses, send_unlocked, verify_suite
from ledger.errors import ChainError, ConfigError, TransactionError


def test_suite_is_deployed_where_predicted_and_wired_both_ways(ledger: Ledger) -> None:
    addresses = {name: contract.address for name, contract in ledger.contracts.items()}
    verify_suite(ledger.w3, addresses)
    assert ledger.consortium.functions.admin().call() == ledger.address("admin")
    assert ledger.consortium.functions.replicas().call() == [
        addresses["Certificates"],
        addresses["Rights"],
        addresses["Pledges"],
        addresses["Anchors"],
    ]
    assert ledger.certificates.functions.rights().call() == addresses["Rights"]
    assert ledger.rights.functions.certificates().call() == addresses["Certificates"]
    assert ledger.rights.functions.pledges().call() == addresses["Pledges"]
    assert ledger.pledges.functions.rights().call() == addresses["Rights"]
    for name in ("Certificates", "Rights", "Pledges", "Anchors"):
        assert ledger.contracts[name].functions.consortium().call() == addresses["Consortium"]


def test_a_second_deployment_with_a_separate_admin(ledger: Ledger) -> None:
    deployer, admin = ledger.address("stranger"), ledger.address("auditor")
    nonce = ledger.w3.eth.get_transaction_count(deployer)
    addresses = deploy_suite(ledger.w3, deployer, admin)
    assert list(addresses) == list(DEPLOYED_CONTRACTS)
    assert addresses == predict_addresses(deployer, nonce)
    consortium = ledger.w3.eth.contract(address=addresses["Consortium"], abi=ledger.consortium.abi)
    assert consortium.functions.admin().call() == admin


def test_verify_suite_refuses_a_record_that_does_not_match_the_chain(ledger: Ledger) -> None:
    addresses = {name: contract.address for name, contract in ledger.contracts.items()}
    swapped = dict(addresses, Rights=addresses["Pledges"], Pledges=addresses["Rights"])
    with pytest.raises(ConfigError, match="does not match the chain"):
        verify_suite(ledger.w3, swapped)
    with pytest.raises(ConfigError, match="lacks the address of Anchors"):
        verify_suite(
            ledger.w3, {name: address for name, address in addresses.items() if name != "Anchors"}
        )
    nowhere = dict(addresses, Anchors=Web3.to_checksum_address("0x" + "11" * 20))
    with pytest.raises(ConfigError, match="no contract at"):
        verify_suite(ledger.w3, nowhere)


def test_a_deployer_the_node_cannot_sign_for_is_refused_with_a_hint(ledger: Ledger) -> None:
    unknown = Web3.to_checksum_address("0x" + "12" * 20)
    with pytest.raises(TransactionError, match="unlock that account"):
        deploy_suite(ledger.w3, unknown, ledger.address("admin"))


def test_an_interleaved_transaction_from_the_deployer_is_detected(ledger: Ledger) -> None:
    deployer = ledger.address("merchant_c")
    sent: list[int] = []

    def send_with_own_nonces(w3: Web3, transaction: TxParams) -> TxReceipt:
        """A sender assigning nonces itself, while something else also sends from the deployer."""
        if len(sent) == 1:
            send_unlocked(w3, {"from": deployer, "to": deployer, "value": 0})
        sent.append(1)
        return send_unlocked(
            w3, {key: value for key, value in transaction.items() if key != "nonce"}
        )  # type: ignore[misc]

    with pytest.raises(ChainError, match="not at the predicted"):
        deploy_suite(ledger.w3, deployer, deployer, send=send_with_own_nonces)
