"""Decoding revert data into named errors with human messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError

from ledger.accounts import DEVELOPMENT_MNEMONIC
from ledger.chain.node import LocalNode
from ledger.chain.revert import MESSAGES, RevertDecoder, render_message, revert_data_of
from ledger.chain.sender import Sender, TxRequest
from ledger.config import Profile
from ledger.errors import ContractRevertError

Account.enable_unaudited_hdwallet_features()
# Account #3 of the public development mnemonic, funded by the local node.
CALLER: LocalAccount = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path="m/44'/60'/0'/0/3")

PLEDGEE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
TEST_ABI: list[dict[str, Any]] = [
    {
        "type": "error",
        "name": "RightsSharesPledged",
        "inputs": [
            {"name": "pledgeId", "type": "uint256"},
            {"name": "pledgee", "type": "address"},
            {"name": "maturity", "type": "uint64"},
        ],
    },
    {
        "type": "error",
        "name": "CertificatesWrongStatus",
        "inputs": [
            {"name": "certificateId", "type": "uint256"},
            {"name": "status", "type": "uint8"},
            {"name": "documentHash", "type": "bytes32"},
        ],
    },
    {"type": "error", "name": "ConsortiumNotMember", "inputs": [{"name": "", "type": "address"}]},
    {
        "type": "error",
        "name": "AccessControlUnauthorizedAccount",
        "inputs": [{"name": "account", "type": "address"}, {"name": "neededRole", "type": "bytes32"}],
    },
    {"type": "function", "name": "ignored", "inputs": [], "outputs": [], "stateMutability": "view"},
]
TEMPLATES = {
    "RightsSharesPledged": (
        "the shares are pledged to {pledgee} under pledge #{pledgeId} until {maturity:date}; "
        "release the pledge first"
    ),
    "CertificatesWrongStatus": "certificate {certificateId} is in the wrong state ({unknownField})",
}


def _revert(signature: str, types: list[str], values: list[Any]) -> bytes:
    return keccak(text=signature)[:4] + abi_encode(types, values)


@pytest.fixture
def decoder() -> RevertDecoder:
    decoder = RevertDecoder(templates={**MESSAGES, **TEMPLATES})
    decoder.add_abi(TEST_ABI, "Test")
    return decoder


def test_a_custom_error_with_a_template_reads_as_a_sentence(decoder: RevertDecoder) -> None:
    data = _revert("RightsSharesPledged(uint256,address,uint64)", ["uint256", "address", "uint64"],
                   [7, PLEDGEE, 1_782_777_600])
    error = decoder.decode(data)
    assert error.name == "RightsSharesPledged"
    assert error.args_by_name == {"pledgeId": 7, "pledgee": PLEDGEE, "maturity": 1_782_777_600}
    assert str(error) == (
        f"the shares are pledged to {PLEDGEE} under pledge #7 until 2026-06-30; release the pledge first"
    )


def test_hex_string_revert_data_decodes_like_bytes(decoder: RevertDecoder) -> None:
    data = _revert("RightsSharesPledged(uint256,address,uint64)", ["uint256", "address", "uint64"],
                   [1, PLEDGEE, 0])
    assert decoder.decode("0x" + data.hex()).args_by_name == decoder.decode(data).args_by_name


def test_an_error_without_template_gets_the_generic_form_with_unnamed_args(decoder: RevertDecoder) -> None:
    error = decoder.decode(_revert("ConsortiumNotMember(address)", ["address"], [PLEDGEE]))
    assert error.name == "ConsortiumNotMember"
    assert error.args_by_name == {"arg0": PLEDGEE}
    assert str(error) == f"the contract refused: ConsortiumNotMember(arg0={PLEDGEE})"


def test_a_template_that_no_longer_fits_falls_back_to_the_generic_form(decoder: RevertDecoder) -> None:
    document = b"\x11" * 32
    data = _revert("CertificatesWrongStatus(uint256,uint8,bytes32)", ["uint256", "uint8", "bytes32"],
                   [3, 2, document])
    error = decoder.decode(data)
    assert error.args_by_name == {"certificateId": 3, "status": 2, "documentHash": "0x" + "11" * 32}
    assert str(error) == (
        f"the contract refused: CertificatesWrongStatus(certificateId=3, status=2, documentHash=0x{'11' * 32})"
    )


def test_a_missing_role_is_named(decoder: RevertDecoder) -> None:
    data = _revert("AccessControlUnauthorizedAccount(address,bytes32)", ["address", "bytes32"],
                   [PLEDGEE, keccak(text="REGISTRAR_ROLE")])
    error = decoder.decode(data)
    assert error.name == "AccessControlUnauthorizedAccount"
    assert str(error) == (
        f"{PLEDGEE} does not hold the REGISTRAR role; ask the consortium admin to grant it"
    )


def test_error_string_and_panic_are_decoded(decoder: RevertDecoder) -> None:
    error = decoder.decode(_revert("Error(string)", ["string"], ["not allowed"]))
    assert (error.name, error.args_by_name, str(error)) == (
        "Error", {"message": "not allowed"}, "the contract refused: not allowed"
    )
    panic = decoder.decode(_revert("Panic(uint256)", ["uint256"], [0x11]))
    assert panic.name == "Panic"
    assert panic.args_by_name == {"code": 0x11}
    assert "an arithmetic overflow or underflow (panic 0x11)" in str(panic)


def test_empty_and_unknown_revert_data(decoder: RevertDecoder) -> None:
    empty = decoder.decode("0x")
    assert (empty.name, empty.args_by_name) == ("Revert", {})
    assert str(empty) == "the contract refused without giving a reason"
    unknown = decoder.decode(bytes.fromhex("deadbeef") + bytes(32))
    assert unknown.name == "UnknownError"
    assert unknown.args_by_name["selector"] == "0xdeadbeef"
    assert "update the ledger's contract artifacts" in str(unknown)


def test_truncated_payload_is_reported_as_unknown_not_a_crash(decoder: RevertDecoder) -> None:
    data = _revert("RightsSharesPledged(uint256,address,uint64)", ["uint256", "address", "uint64"],
                   [1, PLEDGEE, 0])[:40]
    assert decoder.decode(data).name == "UnknownError"


def test_render_message_formats_dates_shares_and_roles() -> None:
    templates = {"E": "{when:date} {at:datetime} {share:bp} {role:role} {other:role}"}
    args = {"when": 0, "at": 86_400, "share": 2_550, "role": "0x" + "00" * 32, "other": "0x01"}
    assert render_message("E", args, templates) == "1970-01-01 1970-01-02 00:00:00 UTC 25.5% admin 0x01"


def test_revert_data_is_found_in_web3_exceptions_and_rpc_errors() -> None:
    assert revert_data_of(ContractCustomError("0xabcdef01", data="0xabcdef01")) == "0xabcdef01"
    assert revert_data_of(ContractLogicError("execution reverted", data="0x")) == "0x"
    assert revert_data_of({"code": 3, "message": "execution reverted", "data": "0x1234"}) == "0x1234"
    assert revert_data_of({"code": -32000, "message": "x", "data": {"data": "0x99"}}) == "0x99"
    assert revert_data_of({"code": -32000, "message": "execution reverted"}) == "0x"
    assert revert_data_of({"code": -32000, "message": "nonce too low"}) is None
    assert revert_data_of(ConnectionError("refused")) is None


def test_decoder_indexes_every_artifact_in_a_directory(tmp_path: Path) -> None:
    artifact = {"contractName": "Test", "abi": TEST_ABI, "bytecode": "0x", "deployedBytecode": "0x"}
    (tmp_path / "Test.json").write_text(json.dumps(artifact))
    decoder = RevertDecoder.from_artifacts(tmp_path)
    assert sorted(decoder.errors) == [
        "AccessControlUnauthorizedAccount(address,bytes32)",
        "CertificatesWrongStatus(uint256,uint8,bytes32)",
        "ConsortiumNotMember(address)",
        "RightsSharesPledged(uint256,address,uint64)",
    ]
    assert decoder.errors["ConsortiumNotMember(address)"].contracts == {"Test"}


# --- every error the shipped contracts define reads as a sentence ----------------------------------


def _example(abi_type: str) -> Any:
    """A valid value of ``abi_type`` (enum-like small integers stay in range)."""
    if abi_type.endswith("]"):
        return []
    if abi_type == "address":
        return PLEDGEE
    if abi_type == "bool":
        return True
    if abi_type == "string":
        return "DA-2025-0001"
    if abi_type == "bytes":
        return b"\x01"
    if abi_type.startswith("bytes"):
        return b"C" * int(abi_type[5:])
    return 1


def test_every_error_of_the_shipped_contracts_has_a_message_that_renders() -> None:
    decoder = RevertDecoder.from_artifacts()
    assert len(decoder.errors) > 40
    for signature, spec in decoder.errors.items():
        data = spec.selector + abi_encode(spec.types, [_example(t) for t in spec.types])
        error = decoder.decode(data)
        assert error.name == spec.name, signature
        message = str(error)
        assert not message.startswith(f"the contract refused: {spec.name}("), f"no template for {signature}"
        assert "{" not in message and "\n" not in message, signature


# --- a real contract on the local chain --------------------------------------------------------------

PROBE_SOURCE = """
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.0;

/// Refuses in every way a contract can, for the decoding tests.
contract RevertProbe {
    error ProbeRefused(uint256 id, address caller, uint64 until);

    uint256 public counter;

    function refuse(uint256 id) external view {
        revert ProbeRefused(id, msg.sender, 86_400);
    }

    function setSmall(uint256 value) external {
        require(value < 10, "value too big");
        counter = value;
    }

    function divide(uint256 a, uint256 b) external {
        counter = a / b;
    }
}
"""
PROBE_TEMPLATES = {"ProbeRefused": "probe {id} refused {caller} until {until:date}"}


@pytest.fixture(scope="module")
def probe_artifact() -> dict[str, Any]:
    """RevertProbe compiled with the project's pinned compiler and settings."""
    import solcx

    from ledger.chain.compiler import load_config, solc_binary

    config = load_config()
    settings = {**config.settings, "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}}}
    standard = {"language": "Solidity", "sources": {"RevertProbe.sol": {"content": PROBE_SOURCE}},
                "settings": settings}
    output = solcx.compile_standard(standard, solc_binary=solc_binary(config))
    compiled: dict[str, Any] = output["contracts"]["RevertProbe.sol"]["RevertProbe"]
    return {"abi": compiled["abi"], "bytecode": "0x" + compiled["evm"]["bytecode"]["object"]}


@pytest.fixture
def probe(w3: Web3, local_node: LocalNode, tmp_path: Path, probe_artifact: dict[str, Any]) -> Iterator[Probe]:
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    profile = Profile(
        name="local", home=tmp_path, rpc_url=local_node.url, chain_id=local_node.chain_id,
        database_url="sqlite://", gas_price=0, managed_node=True, receipt_timeout=30, tx_batch_size=1,
    )
    decoder = RevertDecoder(templates={**MESSAGES, **PROBE_TEMPLATES})
    decoder.add_abi(probe_artifact["abi"], "RevertProbe")
    sender = Sender(w3, profile, decoder, on_stall=local_node.mine_pending)
    receipt = sender.transact(CALLER, TxRequest(to=None, data=bytes.fromhex(probe_artifact["bytecode"][2:])))
    contract = w3.eth.contract(address=receipt["contractAddress"], abi=probe_artifact["abi"])
    yield Probe(sender, contract)
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


@dataclass
class Probe:
    sender: Sender
    contract: Contract


def test_a_call_refused_with_a_custom_error_is_decoded_with_its_arguments(probe: Probe) -> None:
    with pytest.raises(ContractRevertError) as caught:
        probe.sender.call(TxRequest.call(probe.contract, "refuse", 7), CALLER.address)
    assert caught.value.name == "ProbeRefused"
    assert caught.value.args_by_name == {"id": 7, "caller": CALLER.address, "until": 86_400}
    assert str(caught.value) == f"probe 7 refused {CALLER.address} until 1970-01-02"


def test_a_refusal_at_estimation_is_decoded_and_nothing_is_sent(probe: Probe, w3: Web3) -> None:
    start = w3.eth.block_number
    with pytest.raises(ContractRevertError) as caught:
        probe.sender.transact(CALLER, TxRequest.call(probe.contract, "setSmall", 11))
    assert (caught.value.name, caught.value.args_by_name) == ("Error", {"message": "value too big"})
    assert str(caught.value) == "the contract refused: value too big"
    with pytest.raises(ContractRevertError) as panic:
        probe.sender.transact(CALLER, TxRequest.call(probe.contract, "divide", 1, 0))
    assert (panic.value.name, panic.value.args_by_name) == ("Panic", {"code": 0x12})
    assert w3.eth.block_number == start


def test_a_transaction_that_fails_on_chain_is_replayed_and_decoded(probe: Probe, w3: Web3) -> None:
    start = w3.eth.block_number
    with pytest.raises(ContractRevertError) as caught:
        # With its gas given, nothing stops it before the chain: it is mined, and fails.
        probe.sender.transact(CALLER, replace(TxRequest.call(probe.contract, "refuse", 9), gas=100_000))
    assert caught.value.name == "ProbeRefused"
    assert caught.value.args_by_name["id"] == 9
    assert w3.eth.block_number == start + 1


def test_a_batch_reports_each_item_s_outcome_in_order(probe: Probe) -> None:
    requests = [
        TxRequest.call(probe.contract, "setSmall", 3, label="fine"),
        TxRequest.call(probe.contract, "setSmall", 12, label="refused at estimation"),
        replace(TxRequest.call(probe.contract, "refuse", 5), gas=100_000, label="failed on chain"),
        TxRequest.call(probe.contract, "setSmall", 4, label="fine too"),
    ]
    results = probe.sender.send_batch(CALLER, requests)
    assert [r.request.label for r in results] == [r.label for r in requests]
    assert [r.ok for r in results] == [True, False, False, True]
    assert isinstance(results[1].error, ContractRevertError) and results[1].error.name == "Error"
    assert results[1].tx_hash is None
    assert isinstance(results[2].error, ContractRevertError) and results[2].error.name == "ProbeRefused"
    assert results[2].receipt is not None and results[2].receipt.status == 0
    assert probe.contract.functions.counter().call() == 4


def test_a_batch_item_needing_more_gas_than_its_kind_is_estimated_on_its_own(probe: Probe, w3: Web3) -> None:
    # Writing 0 over 0 is cheap; writing 5 over 0 costs some 20,000 gas more: the first call's estimate
    # (with its margin) is not enough for the second, which is then estimated by itself.
    requests = [TxRequest.call(probe.contract, "setSmall", 0), TxRequest.call(probe.contract, "setSmall", 5)]
    results = probe.sender.send_batch(CALLER, requests)
    assert [r.ok for r in results] == [True, True]
    cheap, dear = (w3.eth.get_transaction(r.receipt.tx_hash)["gas"] for r in results if r.receipt is not None)
    assert dear > cheap + 15_000
    assert probe.contract.functions.counter().call() == 5
