"""The suite's Python types agree with the Solidity sources and the shipped ABI."""

from __future__ import annotations

import re
from dataclasses import fields
from enum import IntEnum

import pytest

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import PROJECT_ROOT
from ledger.types import (
    CertificateRecord,
    CertificateRequest,
    CertificateStatus,
    ComplianceCondition,
    LicenceRecord,
    MemberRecord,
    MemberStatus,
    PledgeRecord,
    PledgeStatus,
    ProposalKind,
    ProposalRecord,
    ProposalStatus,
    RealisationMethod,
    RealisationRecord,
    RecoveryScope,
    Right,
    Role,
    decode_token_id,
    token_id,
)

TYPES = PROJECT_ROOT / "contracts" / "types"


def solidity_enum(name: str) -> list[str]:
    text = (TYPES / f"{name}.sol").read_text()
    body = re.search(rf"enum {name} \{{([^}}]*)\}}", text)
    assert body is not None, name
    return [item.strip() for item in body.group(1).split(",") if item.strip()]


def upper_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


@pytest.mark.parametrize(
    "enum",
    [
        MemberStatus, Right, CertificateStatus, CertificateRequest, PledgeStatus, RealisationMethod, ProposalKind,
        ProposalStatus,
    ],
    ids=lambda e: e.__name__
)
def test_every_enum_has_the_solidity_members_in_order(enum: type[IntEnum]) -> None:
    assert [member.name for member in enum] == [upper_snake(name) for name in solidity_enum(enum.__name__)]
    assert [int(member) for member in enum] == list(range(len(enum)))


def test_the_role_bits_are_those_of_roles_sol() -> None:
    text = (TYPES / "Roles.sol").read_text()
    bits = {name: 1 << int(shift) for name, shift in re.findall(r"constant (\w+) = 1 << (\d+);", text)}
    assert {role.name: int(role) for role in Role} == bits
    assert Role.holders() == Role.MERCHANT | Role.BANK
    assert (Role.REGISTRAR | Role.BANK).names == ["registrar", "bank"]


def test_the_compliance_conditions_are_those_of_compliance_conditions_sol() -> None:
    text = (TYPES / "ComplianceConditions.sol").read_text()
    bits = {name: 1 << int(shift) for name, shift in re.findall(r"constant (\w+) = 1 << (\d+);", text)}
    assert {condition.name: int(condition) for condition in ComplianceCondition} == bits
    assert (ComplianceCondition.HOLDER_CHANGE | ComplianceCondition.ALWAYS).labels == ["holder change", "always"]


def test_keys_and_labels_spell_each_member_one_way() -> None:
    assert (CertificateStatus.UNDER_NOTICE.key, CertificateStatus.UNDER_NOTICE.label) == ("under_notice", "under notice")
    assert CertificateStatus.from_key("under notice") is CertificateStatus.from_key("under_notice")
    assert Right.from_key("Holding") is Right.HOLDING


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize(
    ("struct", "contract", "view"),
    [
        (MemberRecord, "Consortium", "member"),
        (CertificateRecord, "Certificates", "certificate"),
        (PledgeRecord, "Pledges", "pledge"),
        (RealisationRecord, "Pledges", "realisation"),
        (LicenceRecord, "Rights", "licence"),
        (ProposalRecord, "DueProcess", "proposal"),
        (RecoveryScope, "DueProcess", "recoveryScope"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_every_struct_has_the_abi_fields_in_order(struct: type, contract: str, view: str) -> None:
    (function,) = [item for item in load_artifact(contract).abi if item.get("name") == view]
    (output,) = function["outputs"]
    # A field named as a Python keyword takes a trailing underscore (``from_``).
    assert [field.name.rstrip("_") for field in fields(struct)] == [
        snake(item["name"]) for item in output["components"]
    ]


def test_a_struct_is_built_from_the_decoded_tuple_with_typed_fields() -> None:
    record = PledgeRecord.from_abi(
        (1, "0x" + "ab" * 20, "0x" + "cd" * 20, 3, 2, 6000, 1_900_000_000, 0, 500, b"CNY", b"\x01" * 32, 7, 8)
    )
    assert record.status is PledgeStatus.ACTIVE and record.right is Right.OPERATION
    assert (record.currency, record.external_ref) == ("CNY", "0x" + "01" * 32)
    assert record.pledgor.lower() == "0x" + "ab" * 20
    assert (record.registered_at, record.registration_expiry) == (7, 8)
    with pytest.raises(ValueError, match="PledgeRecord has 13 fields, the answer 2"):
        PledgeRecord.from_abi((1, 2))


def test_token_ids_encode_the_certificate_and_the_right() -> None:
    assert token_id(5, Right.OPERATION) == 22
    assert decode_token_id(22) == (5, Right.OPERATION)
    assert decode_token_id(23) is None
    assert decode_token_id(2) is None
