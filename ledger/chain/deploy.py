"""Deploy the five ledger contracts from the shipped artifacts and wire them together.

The contracts refer to each other through immutables set in their constructors, so nothing can be
rewired after deployment and no cross-contract call reads storage for an address. The references go
both ways (the Consortium writes its member records into the four others, which name it back;
Certificates and Rights name each other; Rights and Pledges too), so the addresses are computed
before deployment from the deployer's nonce: the five creations must be the deployer's next five
transactions, in :data:`~ledger.chain.compiler.DEPLOYED_CONTRACTS` order. Each receipt's contract
address is checked against the prediction, and :func:`verify_suite` checks the wiring of a
deployment read back from the chain.

Sending is pluggable: by default the transactions go through ``eth_sendTransaction`` from an account
the node has unlocked (anvil's development accounts); pass ``send`` to sign them elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import rlp
from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3
from web3.exceptions import Web3Exception
from web3.types import Nonce, TxParams, TxReceipt

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import DEPLOYED_CONTRACTS
from ledger.errors import ChainError, ConfigError, TransactionError

__all__ = ["SendTransaction", "deploy_suite", "predict_addresses", "send_unlocked", "verify_suite"]

#: Sends one transaction (``from``, ``data``, ``nonce`` set) and returns its mined receipt.
SendTransaction = Callable[[Web3, TxParams], TxReceipt]

#: Constructor arguments of each contract, by the names of the contracts they refer to.
_CONSTRUCTOR_REFERENCES: dict[str, tuple[str, ...]] = {
    "Consortium": ("Certificates", "Rights", "Pledges", "Anchors"),
    "Certificates": ("Consortium", "Rights"),
    "Rights": ("Consortium", "Certificates", "Pledges"),
    "Pledges": ("Consortium", "Rights"),
    "Anchors": ("Consortium",),
}

#: The view functions through which each contract names the contracts it refers to.
_WIRING_VIEWS: dict[str, dict[str, str]] = {
    "Certificates": {"consortium": "Consortium", "rights": "Rights"},
    "Rights": {"consortium": "Consortium", "certificates": "Certificates", "pledges": "Pledges"},
    "Pledges": {"consortium": "Consortium", "rights": "Rights"},
    "Anchors": {"consortium": "Consortium"},
}


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


def predict_addresses(deployer: str, nonce: int) -> dict[str, ChecksumAddress]:
    """The addresses the five contracts get when ``deployer`` creates them from ``nonce`` on, in
    order."""
    return {
        name: Web3.to_checksum_address(_create_address(deployer, nonce + index))
        for index, name in enumerate(DEPLOYED_CONTRACTS)
    }


def _create_address(deployer: str, nonce: int) -> str:
    sender = bytes.fromhex(to_checksum_address(deployer)[2:])
    return "0x" + keccak(rlp.encode([sender, nonce]))[12:].hex()


def _constructor_args(name: str, admin: str, addresses: Mapping[str, ChecksumAddress]) -> list[Any]:
    references = [addresses[reference] for reference in _CONSTRUCTOR_REFERENCES[name]]
    return [to_checksum_address(admin), *references] if name == "Consortium" else references


def deploy_suite(
    w3: Web3,
    deployer_address: str,
    admin_address: str,
    *,
    send: SendTransaction = send_unlocked,
) -> dict[str, ChecksumAddress]:
    """Deploy Consortium, Certificates, Rights, Pledges and Anchors; return their addresses by
    contract name.

    ``admin_address`` becomes the Consortium's admin (governance); it may be a multi-signature
    wallet. The deployer needs no role afterwards. Raises :class:`ChainError` if a creation fails or
    lands elsewhere than predicted (another transaction from the deployer interleaved).
    """
    deployer = to_checksum_address(deployer_address)
    nonce = w3.eth.get_transaction_count(deployer, "pending")
    addresses = predict_addresses(deployer, nonce)
    for index, name in enumerate(DEPLOYED_CONTRACTS):
        artifact = load_artifact(name)
        factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        data = factory.constructor(
            *_constructor_args(name, admin_address, addresses)
        ).data_in_transaction
        transaction: TxParams = {"from": deployer, "data": data, "nonce": Nonce(nonce + index)}
        receipt = send(w3, transaction)
        if receipt["status"] != 1:
            raise ChainError(
                f"deploying {name} failed in transaction {receipt['transactionHash'].hex()}"
            )
        created = receipt.get("contractAddress")
        if created is None or to_checksum_address(created) != addresses[name]:
            raise ChainError(
                f"{name} was created at {created}, not at the predicted {addresses[name]}: "
                f"another transaction from {deployer} interleaved; deploy again from an account "
                "that sends nothing else meanwhile"
            )
    verify_suite(w3, addresses)
    return addresses


def verify_suite(w3: Web3, addresses: Mapping[str, str]) -> None:
    """Check that every contract has code and names the others as ``addresses`` says.

    Raises :class:`ConfigError` naming the first mismatch.
    """
    missing = [name for name in DEPLOYED_CONTRACTS if name not in addresses]
    if missing:
        raise ConfigError(f"the deployment lacks the address of {', '.join(missing)}")
    for name in DEPLOYED_CONTRACTS:
        if not w3.eth.get_code(to_checksum_address(addresses[name])):
            raise ConfigError(
                f"no contract at {addresses[name]} ({name}) on this chain; deploy the suite first"
            )
    consortium = w3.eth.contract(
        address=to_checksum_address(addresses["Consortium"]), abi=load_artifact("Consortium").abi
    )
    replicas = [to_checksum_address(address) for address in consortium.functions.replicas().call()]
    expected = [
        to_checksum_address(addresses[name]) for name in _CONSTRUCTOR_REFERENCES["Consortium"]
    ]
    if replicas != expected:
        raise ConfigError(
            f"the Consortium at {addresses['Consortium']} copies its members to {replicas}, "
            f"not to {expected}; "
            "the deployment record does not match the chain"
        )
    for name, views in _WIRING_VIEWS.items():
        contract = w3.eth.contract(
            address=to_checksum_address(addresses[name]), abi=load_artifact(name).abi
        )
        for view, target in views.items():
            actual = to_checksum_address(contract.functions[view]().call())
            if actual != to_checksum_address(addresses[target]):
                raise ConfigError(
                    f"{name} at {addresses[name]} refers to {target} at {actual}, "
                    f"not {addresses[target]}; "
                    "the deployment record does not match the chain"
                )
