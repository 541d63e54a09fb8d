"""The certificate follows its holders: who holds each right, and the holders' signed consents to a request.

After issue, a change, renewal or cancellation of the certificate as a whole
is asked by the holders of its *leading right* (the holding right, or the
first right granted when the holding right was not), never by the original
applicant as such. One holder of more than half of it (more than 5,000 of
10,000 shares) asks alone; otherwise the asking holder passes the signed
consents of other holders so that together they hold more than half. Each
consent is an EIP-712 ``CertificateRequestConsent`` that names the
consenting holder, the requester, the certificate, the request and what it
asks for (catalog hash, reason hash or expiry), the certificate's request
nonce (so a consent serves one request only) and a deadline. The contract
(``Certificates._requireMajority``) is the judge; this module reads holders,
signs consents locally and carries them as JSON files
(``dal.request-consent/1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from eth_utils.address import to_checksum_address

from ledger.chain.clock import format_time
from ledger.consent import (
    field_address,
    field_bytes,
    field_integer,
    field_mapping,
    read_consent_file,
)
from ledger.errors import ValidationError
from ledger.types import TOTAL_SHARES, CertificateRequest

if TYPE_CHECKING:  # eth-account (keystore and BLS code) loads only where a consent is signed or checked
    from eth_account.signers.local import LocalAccount

__all__ = [
    "REQUEST_CONSENT_KIND",
    "REQUEST_CONSENT_TYPES",
    "REQUEST_DOMAIN_NAME",
    "REQUEST_DOMAIN_VERSION",
    "RequestConsent",
    "check_consents",
    "majority_of",
    "read_request_consent",
]

#: The EIP-712 domain of the Certificates contract.
REQUEST_DOMAIN_NAME: Final = "DataAssetLedger Certificates"
REQUEST_DOMAIN_VERSION: Final = "1"
REQUEST_CONSENT_KIND: Final = "dal.request-consent/1"

REQUEST_CONSENT_TYPES: list[dict[str, str]] = [
    {"name": "holder", "type": "address"},
    {"name": "requester", "type": "address"},
    {"name": "certificateId", "type": "uint256"},
    {"name": "request", "type": "uint8"},
    {"name": "requestedHash", "type": "bytes32"},
    {"name": "requestedExpiry", "type": "uint64"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]


def majority_of(shares: int) -> bool:
    """Whether ``shares`` of the leading right are more than half of it."""
    return shares * 2 > TOTAL_SHARES


@dataclass(frozen=True)
class RequestConsent:
    """One holder's consent to one request on a certificate, signed or not yet."""

    chain_id: int
    certificates: str
    holder: str
    requester: str
    certificate_id: int
    request: CertificateRequest
    requested_hash: bytes
    requested_expiry: int
    nonce: int
    deadline: int
    signature: bytes = b""

    def domain(self) -> dict[str, Any]:
        return {
            "name": REQUEST_DOMAIN_NAME,
            "version": REQUEST_DOMAIN_VERSION,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.certificates),
        }

    def message(self) -> dict[str, Any]:
        """The EIP-712 ``CertificateRequestConsent`` message."""
        return {
            "holder": to_checksum_address(self.holder),
            "requester": to_checksum_address(self.requester),
            "certificateId": self.certificate_id,
            "request": int(self.request),
            "requestedHash": self.requested_hash,
            "requestedExpiry": self.requested_expiry,
            "nonce": self.nonce,
            "deadline": self.deadline,
        }

    def signed_by(self, account: LocalAccount) -> RequestConsent:
        """This consent signed with ``account``, which must be the consenting holder."""
        if to_checksum_address(account.address) != to_checksum_address(self.holder):
            raise ValidationError("only the consenting holder signs its consent")
        signed = account.sign_typed_data(self.domain(), {"CertificateRequestConsent": REQUEST_CONSENT_TYPES},
                                         self.message())
        return RequestConsent(**{**self.__dict__, "signature": bytes(signed.signature)})

    def recovered_signer(self) -> str | None:
        from eth_account import Account
        from eth_account.messages import encode_typed_data

        signable = encode_typed_data(self.domain(), {"CertificateRequestConsent": REQUEST_CONSENT_TYPES},
                                     self.message())
        try:
            return str(to_checksum_address(Account.recover_message(signable, signature=self.signature)))
        except Exception:  # noqa: BLE001 - an unreadable signature is simply not the holder's
            return None

    def as_argument(self) -> tuple[str, int, bytes]:
        """The contract's ``HolderConsent`` tuple."""
        return (to_checksum_address(self.holder), self.deadline, self.signature)

    def summary(self) -> dict[str, Any]:
        return {
            "holder": to_checksum_address(self.holder),
            "requester": to_checksum_address(self.requester),
            "certificate": self.certificate_id,
            "request": self.request.label,
            "valid_until": format_time(self.deadline),
        }

    def to_document(self) -> dict[str, Any]:
        """The consent file's JSON value."""
        message = self.message()
        message["requestedHash"] = "0x" + self.requested_hash.hex()
        for key in ("certificateId", "requestedExpiry", "nonce", "deadline"):
            message[key] = str(message[key])
        return {
            "type": REQUEST_CONSENT_KIND,
            "summary": self.summary(),
            "signer": to_checksum_address(self.holder),
            "domain": self.domain(),
            "primaryType": "CertificateRequestConsent",
            "message": message,
            "signature": "0x" + self.signature.hex(),
        }


def read_request_consent(path: Path) -> RequestConsent:
    """A holder's consent read back from its file; refused if malformed, edited, or not signed by the holder."""
    document = read_consent_file(path)
    if document.get("type") != REQUEST_CONSENT_KIND:
        raise ValidationError(f"{path} is not a holder's consent file (type {REQUEST_CONSENT_KIND!r})")
    domain = field_mapping(document.get("domain"), "domain")
    message = field_mapping(document.get("message"), "message")
    if domain.get("name") != REQUEST_DOMAIN_NAME or str(domain.get("version")) != REQUEST_DOMAIN_VERSION:
        raise ValidationError(f"{path} is not a consent to the Certificates contract")
    try:
        request = CertificateRequest(field_integer(message.get("request"), "message.request"))
    except ValueError:
        raise ValidationError("the consent file is malformed: message.request is not a request") from None
    consent = RequestConsent(
        chain_id=field_integer(domain.get("chainId"), "domain.chainId"),
        certificates=field_address(domain.get("verifyingContract"), "domain.verifyingContract"),
        holder=field_address(message.get("holder"), "message.holder"),
        requester=field_address(message.get("requester"), "message.requester"),
        certificate_id=field_integer(message.get("certificateId"), "message.certificateId"),
        request=request,
        requested_hash=field_bytes(message.get("requestedHash"), 32, "message.requestedHash"),
        requested_expiry=field_integer(message.get("requestedExpiry"), "message.requestedExpiry"),
        nonce=field_integer(message.get("nonce"), "message.nonce"),
        deadline=field_integer(message.get("deadline"), "message.deadline"),
        signature=field_bytes(document.get("signature"), 65, "signature"),
    )
    if consent.recovered_signer() != consent.holder:
        raise ValidationError(
            f"consent file {path} was altered or mis-signed: its signature is not {consent.holder}'s over these "
            "terms; ask the holder for a new consent"
        )
    return consent


def check_consents(consents: Sequence[RequestConsent], *, certificate_id: int, request: CertificateRequest,
                   requester: str, requested_hash: bytes, requested_expiry: int, nonce: int) -> None:
    """Refuse, before sending, a consent that does not consent to exactly this request."""
    for consent in consents:
        wanted = (certificate_id, request, to_checksum_address(requester), requested_hash, requested_expiry, nonce)
        given = (consent.certificate_id, consent.request, to_checksum_address(consent.requester),
                 consent.requested_hash, consent.requested_expiry, consent.nonce)
        if given != wanted:
            raise ValidationError(
                f"{consent.holder}'s consent is to another request (certificate {consent.certificate_id}, "
                f"{consent.request.label}, nonce {consent.nonce}); ask for a consent to this one"
            )
