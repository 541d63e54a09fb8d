"""Decoding revert data into named errors with human messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak
from web3.exceptions import ContractCustomError, ContractLogicError

from ledger.chain.revert import MESSAGES, RevertDecoder, render_message, revert_data_of

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
