"""A holder's consent file read back: what it signed comes back whole, and any damage to it is one clear refusal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from ledger.errors import ValidationError
from ledger.holders import RequestConsent, read_request_consent
from ledger.types import CertificateRequest

# Development keys of the local chain (anvil's well-known accounts 2 and 3): test data only.
HOLDER = Account.from_key("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a")
REQUESTER = Account.from_key("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6")


def _written(tmp_path: Path, edit: Callable[[dict[str, Any]], None] = lambda document: None) -> Path:
    consent = RequestConsent(
        chain_id=31337, certificates="0x" + "ab" * 20, holder=HOLDER.address, requester=REQUESTER.address,
        certificate_id=7, request=CertificateRequest.RENEWAL, requested_hash=b"\x00" * 32,
        requested_expiry=1_900_000_000, nonce=2, deadline=1_800_000_000,
    ).signed_by(HOLDER)
    document = consent.to_document()
    edit(document)
    path = tmp_path / "consent.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_signed_consent_reads_back_as_it_was_signed(tmp_path: Path) -> None:
    consent = read_request_consent(_written(tmp_path))
    assert (consent.holder, consent.requester, consent.certificate_id, consent.request, consent.nonce) == (
        HOLDER.address, REQUESTER.address, 7, CertificateRequest.RENEWAL, 2
    )
    assert consent.recovered_signer() == HOLDER.address


@pytest.mark.parametrize(("edit", "refusal"), [
    (lambda d: d["message"].pop("nonce"), "the consent file is malformed: message.nonce must be an integer"),
    (lambda d: d["message"].update(holder="nobody"), "the consent file is malformed: message.holder must be an address"),
    (lambda d: d["message"].update(requestedHash="0x12"),
     "the consent file is malformed: message.requestedHash must be 32 bytes of 0x hex"),
    (lambda d: d["message"].update(request="9"), "the consent file is malformed: message.request is not a request"),
    (lambda d: d.update(domain=[]), "the consent file is malformed: domain must be an object"),
    (lambda d: d["message"].update(nonce="3"), "was altered or mis-signed: its signature is not "),
    (lambda d: d.update(type="dal.pledge-consent/1"), "is not a holder's consent file"),
    (lambda d: d["domain"].update(name="DataAssetLedger Pledges"), "is not a consent to the Certificates contract"),
])
def test_a_damaged_consent_file_is_refused_in_one_line(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], refusal: str
) -> None:
    with pytest.raises(ValidationError, match=refusal.replace(".", r"\.")):
        read_request_consent(_written(tmp_path, edit))


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consent.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="is not JSON"):
        read_request_consent(path)
    with pytest.raises(ValidationError, match="does not exist"):
        read_request_consent(tmp_path / "missing.json")
