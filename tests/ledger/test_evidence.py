"""Evidence a bank keeps: a proven answer saved with its header, proofs, code hashes and reads, re-checked with
no node; each kind of tampering refused with its reason."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.evidence import (
    EVIDENCE_FORMAT,
    EvidenceError,
    check_evidence,
    evidence_document,
    load_evidence,
    save_evidence,
)
from ledger.pledges import record_pledge, sign_consent
from ledger.rights import transfer_shares
from ledger.verify import verify_certificate
from tests.finance.support import (  # noqa: F401 - fixtures
    YEAR,
    chain_fixture,
    finance_chain_fixture,
    issued_certificate,
    ledger_fixture,
    now,
)


def _proven_evidence(ledger: LedgerContext, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    certificate_id = issued_certificate(ledger)
    transfer_shares(ledger, certificate_id, "holding", "merchant-b", 3000, as_="merchant-a")
    consent = sign_consent(ledger, certificate_id, "holding", 4000, "bank", "5000000.00", "CNY", now(ledger) + YEAR,
                           as_="merchant-a")
    record_pledge(ledger, consent, as_="bank")
    answer = verify_certificate(ledger, certificate_id, proof=True, bank="bank-b")
    assert answer.proof is not None and answer.proof.verified, answer.reasons
    path = tmp_path / "evidence.json"
    save_evidence(answer, ledger.profile.chain_id, path)
    return path, load_evidence(path)


def test_saved_evidence_holds_offline_and_says_what_is_still_trusted(ledger: LedgerContext, tmp_path: Path) -> None:
    path, document = _proven_evidence(ledger, tmp_path)
    assert document["format"] == EVIDENCE_FORMAT and document["tool"]["version"]
    assert set(document["contracts"]) >= {"Certificates", "Rights", "Pledges", "Consortium"}
    implementations = {item["implementation"]["address"] for item in document["contracts"].values()}
    assert len(implementations) == len(document["contracts"])  # each proxy's own implementation, proven
    assert document["catalog_hash"] == document["answer"]["catalog_hash"]
    checked = check_evidence(document)  # a pure function of the file: no ledger, no node
    assert checked.lendable and checked.calls == len(document["calls"]) and checked.slots > 0
    assert checked.block_hash == document["answer"]["block"]["hash"]
    header_line = checked.trusted[0]
    assert header_line.startswith(f"the block header of block {checked.block_number} ({checked.block_hash})")
    summary = checked.summary()
    assert summary["evidence"] == "holds" and summary["checked"]["answer_recomposed_from_proven_reads"]
    assert not path.with_name(path.name + ".partial").exists()


def _first_account(document: dict[str, Any]) -> dict[str, Any]:
    rights = document["contracts"]["Rights"]["address"]
    return dict(document["accounts"][rights])


def _flip(node: str) -> str:
    """One hex digit of a proof node changed."""
    middle = len(node) // 2
    return node[:middle] + ("0" if node[middle] != "0" else "1") + node[middle + 1:]


def _alter_account_proof(document: dict[str, Any]) -> None:
    rights = document["contracts"]["Rights"]["address"]
    proof = document["accounts"][rights]["accountProof"]
    proof[-1] = _flip(proof[-1])


def _alter_storage_proof(document: dict[str, Any]) -> None:
    rights = document["contracts"]["Rights"]["address"]
    storage = document["accounts"][rights]["storageProof"]
    slot = min(storage)
    storage[slot][-1] = _flip(storage[slot][-1])


def _state_root_of_another_block(other: str) -> Callable[[dict[str, Any]], None]:
    def alter(document: dict[str, Any]) -> None:
        document["header"]["stateRoot"] = other
        document["answer"]["block"]["state_root"] = other
    return alter


def _edit_shares(document: dict[str, Any]) -> None:
    document["answer"]["rights"][0]["holders"][0]["free"] += 1000


def _edit_amount(document: dict[str, Any]) -> None:
    document["answer"]["pledges"][0]["amount"] = "500000.00"


def _change_code_hash(document: dict[str, Any]) -> None:
    document["contracts"]["Pledges"]["code_hash"] = "0x" + "ee" * 32


def _change_implementation_code_hash(document: dict[str, Any]) -> None:
    document["contracts"]["Rights"]["implementation"]["code_hash"] = "0x" + "dd" * 32


def _name_another_implementation(document: dict[str, Any]) -> None:
    document["contracts"]["Rights"]["implementation"] = dict(document["contracts"]["Pledges"]["implementation"])


def _change_code(document: dict[str, Any]) -> None:
    pledges = document["contracts"]["Pledges"]["address"]
    code = document["accounts"][pledges]["code"]
    document["accounts"][pledges]["code"] = code[:-2] + ("00" if code[-2:] != "00" else "01")


def _change_a_read(document: dict[str, Any]) -> None:
    call = next(item for item in document["calls"] if item["function"] == "sharesOf")
    call["output"] = "0x" + (7001).to_bytes(32, "big").hex()


def test_each_kind_of_tampering_is_refused_with_its_reason(ledger: LedgerContext, tmp_path: Path) -> None:
    _path, document = _proven_evidence(ledger, tmp_path)
    other_root = "0x" + bytes(ledger.w3.eth.get_block(1)["stateRoot"]).hex()
    rights = document["contracts"]["Rights"]["address"]
    pledges = document["contracts"]["Pledges"]["address"]
    cases: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
        ("an account proof altered", _alter_account_proof, f"the proof of account {rights} does not lead to the root"),
        ("a storage proof altered", _alter_storage_proof, "the proof of storage slot 0x"),
        ("the state root of another block", _state_root_of_another_block(other_root),
         "the block header kept does not hash to the answer's block hash"),
        ("a free share count edited", _edit_shares, (
            "the answer was edited: rights[0].holders[0].free: the answer says 4000, the proven state gives 3000"
        )),
        ("a pledge amount edited", _edit_amount, (
            'the answer was edited: pledges[0].amount: the answer says "500000.00", the proven state gives '
            '"5000000.00"'
        )),
        ("a code hash changed", _change_code_hash, "the code hash of contract Pledges in the evidence (0xeeee"),
        ("an implementation's code hash changed", _change_implementation_code_hash,
         "the code hash of contract Rights (implementation) in the evidence (0xdddd"),
        ("another implementation named", _name_another_implementation,
         "the implementation the evidence names for contract Rights is not the one its proxy points to"),
        ("the code changed", _change_code, f"the code kept for {pledges} does not hash to its proven code hash"),
        ("a read's answer changed", _change_a_read,
         "Rights.sharesOf returns something else on the proven state than the evidence says"),
    ]
    for what, alter, reason in cases:
        tampered = copy.deepcopy(document)
        alter(tampered)
        with pytest.raises(EvidenceError) as refused:
            check_evidence(tampered)
        assert str(refused.value).startswith(reason), (what, str(refused.value))
    check_evidence(document)  # the original still holds


def test_a_header_without_qbft_seals_is_refused_when_validators_are_given(
    ledger: LedgerContext, tmp_path: Path
) -> None:
    _path, document = _proven_evidence(ledger, tmp_path)
    with pytest.raises(EvidenceError, match="^the block's seals cannot be checked"):
        check_evidence(document, validators=[ledger.address_of("admin")])


def test_an_unproven_answer_is_not_kept_and_a_foreign_file_is_refused(ledger: LedgerContext, tmp_path: Path) -> None:
    answer = verify_certificate(ledger, issued_certificate(ledger))
    with pytest.raises(ValidationError, match="only a proven answer can be kept as evidence"):
        evidence_document(answer, ledger.profile.chain_id)
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"answer": "lendable"}))
    with pytest.raises(ValidationError, match="is not verification evidence of format"):
        load_evidence(foreign)
