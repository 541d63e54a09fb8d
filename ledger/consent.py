"""The pledgor's consents, as EIP-712 typed data, and the files that carry them to the bank.

A pledge is recorded by the bank with the pledgor's signature over
``PledgeConsent``; an extension needs the pledgor's signature over
``PledgeExtension``, and a realisation at an agreed price (折价) its signature
over ``PledgeRealisation``. All are signed here, locally, with the pledgor's
key (eth-account), and travel as a JSON file (``dal.pledge-consent/3``,
``dal.pledge-extension/1`` or ``dal.pledge-realisation/1``) that holds the
EIP-712 domain, the signed message, the signer and the signature, plus a
readable summary.

The signed message is the only source of truth: reading a file recomputes
the summary from it and refuses the file if the two differ, and recovers the
signer from the signature, so an edited amount, maturity or share count is
caught before anything is sent.

Amounts are read by :mod:`ledger.inputs`: decimals in the currency's minor
units, converted losslessly to an integer (``1000000.00 CNY`` is
``100000000`` fen on chain).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from eth_utils.address import is_hex_address, to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.clock import format_time
from ledger.errors import ValidationError
from ledger.inputs import format_amount, parse_currency
from ledger.types import Right

if TYPE_CHECKING:  # eth-account (keystore and BLS code) loads only where a consent is signed or checked
    from eth_account.messages import SignableMessage
    from eth_account.signers.local import LocalAccount

__all__ = [
    "CONSENT_KIND",
    "CONSENT_TYPES",
    "DOMAIN_NAME",
    "DOMAIN_VERSION",
    "EXTENSION_KIND",
    "EXTENSION_TYPES",
    "REALISATION_KIND",
    "REALISATION_TYPES",
    "Domain",
    "ExtensionConsent",
    "PledgeConsent",
    "RealisationConsent",
    "field_address",
    "field_bytes",
    "field_integer",
    "field_mapping",
    "read_consent_file",
    "reference_bytes",
    "reference_text",
]

#: EIP-712 domain of the Pledges contract.
DOMAIN_NAME = "DataAssetLedger Pledges"
DOMAIN_VERSION = "1"

# /2: the consent names its pledgor (a signature binds the one account whose shares it pledges).
# /3: it carries the pledge's public registration (number, time and term), and the rank it takes (the pledge it
# ranks behind) in place of a nonce.
CONSENT_KIND = "dal.pledge-consent/3"
EXTENSION_KIND = "dal.pledge-extension/1"
REALISATION_KIND = "dal.pledge-realisation/1"

CONSENT_TYPES: list[dict[str, str]] = [
    {"name": "pledgor", "type": "address"},
    {"name": "pledgee", "type": "address"},
    {"name": "certificateId", "type": "uint256"},
    {"name": "right", "type": "uint8"},
    {"name": "shares", "type": "uint256"},
    {"name": "amount", "type": "uint256"},
    {"name": "currency", "type": "bytes3"},
    {"name": "maturity", "type": "uint64"},
    {"name": "externalRef", "type": "bytes32"},
    {"name": "registeredAt", "type": "uint64"},
    {"name": "registrationExpiry", "type": "uint64"},
    {"name": "seniorPledgeId", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]

REALISATION_TYPES: list[dict[str, str]] = [
    {"name": "pledgeId", "type": "uint256"},
    {"name": "buyer", "type": "address"},
    {"name": "price", "type": "uint256"},
    {"name": "documentHash", "type": "bytes32"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]

EXTENSION_TYPES: list[dict[str, str]] = [
    {"name": "pledgeId", "type": "uint256"},
    {"name": "newMaturity", "type": "uint64"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")


# --- amounts and currencies ----------------------------------------------------------------------


def reference_bytes(reference: str | None) -> bytes:
    """The ``externalRef`` of a pledge: a ``0x`` hash as given, or the text itself (at most 31 bytes of UTF-8,
    zero-padded, so that a text never reads as a hash nor a hash as a text)."""
    if not reference:
        return bytes(32)
    raw = reference.strip()
    if _HASH.match(raw):
        return bytes.fromhex(raw[2:])
    encoded = raw.encode("utf-8")
    if len(encoded) > 31 or b"\x00" in encoded:
        raise ValidationError(
            f"the reference {reference!r} is {len(encoded)} bytes; at most 31 fit on chain as text, "
            "so give the 0x keccak-256 hash of a longer one"
        )
    return encoded.ljust(32, b"\x00")


def reference_text(external_ref: bytes) -> str | None:
    """The reference as users read it: the text when it is one, else the 0x hash; ``None`` when zero."""
    if external_ref == bytes(32):
        return None
    if external_ref[-1] != 0:
        return "0x" + external_ref.hex()
    stripped = external_ref.rstrip(b"\x00")
    try:
        text = stripped.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and text.isprintable() and b"\x00" not in stripped:
        return text
    return "0x" + external_ref.hex()


# --- typed data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """The EIP-712 domain of the Pledges contract on one chain."""

    chain_id: int
    verifying_contract: str
    name: str = DOMAIN_NAME
    version: str = DOMAIN_VERSION

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.verifying_contract),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Domain:
        return cls(
            chain_id=field_integer(data.get("chainId"), "domain.chainId"),
            verifying_contract=field_address(data.get("verifyingContract"), "domain.verifyingContract"),
            name=str(data.get("name")),
            version=str(data.get("version")),
        )


def _digest(signable: SignableMessage) -> bytes:
    return bytes(keccak(b"\x19" + signable.version + signable.header + signable.body))


def field_integer(value: Any, where: str) -> int:
    """A consent file's field ``where`` as a non-negative integer (JSON number or decimal or 0x text)."""
    if isinstance(value, bool):
        raise ValidationError(f"the consent file is malformed: {where} must be an integer")
    try:
        number = int(str(value), 0) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"the consent file is malformed: {where} must be an integer") from None
    if number < 0:
        raise ValidationError(f"the consent file is malformed: {where} must not be negative")
    return number


def field_address(value: Any, where: str) -> str:
    """A consent file's field ``where`` as a checksummed address."""
    if not isinstance(value, str) or not is_hex_address(value):
        raise ValidationError(f"the consent file is malformed: {where} must be an address")
    return to_checksum_address(value)


def field_bytes(value: Any, size: int, where: str) -> bytes:
    """A consent file's field ``where`` as ``size`` bytes written in 0x hex."""
    if isinstance(value, str) and value.startswith("0x"):
        try:
            raw = bytes.fromhex(value[2:])
        except ValueError:
            raw = b""
        if len(raw) == size:
            return raw
    raise ValidationError(f"the consent file is malformed: {where} must be {size} bytes of 0x hex")


class _SignedConsent:
    """What every consent shares: the EIP-712 typed data it signs (``PRIMARY`` over ``TYPES``), the file that
    carries it (``KIND``), and the pledgor, the only one who signs it. A subclass gives its ``message`` and
    ``summary``, and reads its own fields back in ``from_document``."""

    KIND: ClassVar[str]
    PRIMARY: ClassVar[str]
    TYPES: ClassVar[list[dict[str, str]]]
    #: The refusal when someone other than the pledgor tries to sign.
    ONLY_THE_PLEDGOR: ClassVar[str]

    domain: Domain
    pledgor: str
    signature: bytes

    def message(self) -> dict[str, Any]:
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        raise NotImplementedError

    def signable(self) -> SignableMessage:
        from eth_account.messages import encode_typed_data

        return encode_typed_data(
            domain_data=self.domain.as_dict(), message_types={self.PRIMARY: self.TYPES}, message_data=self.message()
        )

    def digest(self) -> bytes:
        """The EIP-712 digest the pledgor signs (equals the contract's ``hash...`` view of this kind)."""
        return _digest(self.signable())

    def signed_by(self, account: LocalAccount) -> Self:
        """This consent signed with ``account`` (which must be the pledgor)."""
        if to_checksum_address(account.address) != to_checksum_address(self.pledgor):
            raise ValidationError(self.ONLY_THE_PLEDGOR)
        signed = account.sign_typed_data(self.domain.as_dict(), {self.PRIMARY: self.TYPES}, self.message())
        return replace(self, signature=bytes(signed.signature))  # type: ignore[type-var]

    def recovered_signer(self) -> str | None:
        """Who signed these typed data (``None`` when the signature is unreadable)."""
        from eth_account import Account

        try:
            return to_checksum_address(Account.recover_message(self.signable(), signature=self.signature))
        except Exception:  # noqa: BLE001 - any unreadable signature is simply "not the pledgor's"
            return None

    def to_document(self) -> dict[str, Any]:
        """The file's JSON value: bytes as 0x hex and integers as decimal strings in the message."""
        message = {
            key: "0x" + value.hex() if isinstance(value, bytes)
            else str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            for key, value in self.message().items()
        }
        return {
            "type": self.KIND,
            "summary": self.summary(),
            "signer": to_checksum_address(self.pledgor),
            "domain": self.domain.as_dict(),
            "primaryType": self.PRIMARY,
            "message": message,
            "digest": "0x" + self.digest().hex(),
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def _opened(cls, document: Mapping[str, Any], what: str) -> tuple[Mapping[str, Any], dict[str, Any]]:
        """The file's message, and the fields every consent reads the same way (domain, signer, signature)."""
        if document.get("type") != cls.KIND:
            raise ValidationError(
                f"this is not a {what} file (type {document.get('type')!r}, expected {cls.KIND!r})"
            )
        common = {
            "domain": Domain.from_dict(field_mapping(document.get("domain"), "domain")),
            "pledgor": field_address(document.get("signer"), "signer"),
            "signature": field_bytes(document.get("signature"), 65, "signature"),
        }
        return field_mapping(document.get("message"), "message"), common

    def _checked(self, document: Mapping[str, Any]) -> Self:
        _check_untampered(document, self.summary(), self.recovered_signer(), self.pledgor)
        return self


@dataclass(frozen=True)
class PledgeConsent(_SignedConsent):
    """A pledgor's consent to one pledge: the ``PledgeTerms``, the rank it takes (the pledgor's most recent pledge on
    that right, which it ranks behind; 0 for none), the deadline, and the signature."""

    domain: Domain
    pledgor: str
    pledgee: str
    certificate_id: int
    right: Right
    shares: int
    amount: int  # minor units of currency
    currency: str
    maturity: int
    external_ref: bytes
    registered_at: int
    registration_expiry: int
    senior_pledge_id: int
    deadline: int
    signature: bytes = b""

    KIND: ClassVar[str] = CONSENT_KIND
    PRIMARY: ClassVar[str] = "PledgeConsent"
    TYPES: ClassVar[list[dict[str, str]]] = CONSENT_TYPES
    ONLY_THE_PLEDGOR: ClassVar[str] = "only the pledgor signs its consent"

    def message(self) -> dict[str, Any]:
        """The EIP-712 ``PledgeConsent`` message."""
        return {
            "pledgor": to_checksum_address(self.pledgor),
            "pledgee": to_checksum_address(self.pledgee),
            "certificateId": self.certificate_id,
            "right": int(self.right),
            "shares": self.shares,
            "amount": self.amount,
            "currency": self.currency.encode("ascii"),
            "maturity": self.maturity,
            "externalRef": self.external_ref,
            "registeredAt": self.registered_at,
            "registrationExpiry": self.registration_expiry,
            "seniorPledgeId": self.senior_pledge_id,
            "deadline": self.deadline,
        }

    def terms(self) -> tuple[Any, ...]:
        """The contract's ``PledgeTerms`` tuple."""
        return (
            to_checksum_address(self.pledgor),
            self.certificate_id,
            int(self.right),
            self.shares,
            self.amount,
            self.currency.encode("ascii"),
            self.maturity,
            self.external_ref,
            self.registered_at,
            self.registration_expiry,
        )

    def summary(self) -> dict[str, Any]:
        """The consent as people read it (derived from the message; checked when a file is read)."""
        return {
            "pledgor": to_checksum_address(self.pledgor),
            "pledgee": to_checksum_address(self.pledgee),
            "certificate": self.certificate_id,
            "right": self.right.label,
            "shares": self.shares,
            "amount": format_amount(self.amount, self.currency),
            "currency": self.currency,
            "maturity": format_time(self.maturity),
            "registration": reference_text(self.external_ref),
            "registered_at": format_time(self.registered_at) if self.registered_at else None,
            "registration_expiry": format_time(self.registration_expiry) if self.registration_expiry else None,
            "ranks_behind": self.senior_pledge_id or None,
            "valid_until": format_time(self.deadline),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PledgeConsent:
        """A consent read back from its file, refused if malformed, edited, or not signed by the pledgor."""
        message, common = cls._opened(document, "pledge consent")
        currency_raw = field_bytes(message.get("currency"), 3, "message.currency")
        try:
            currency = parse_currency(currency_raw.decode("ascii"))
        except UnicodeDecodeError:
            raise ValidationError("the consent file is malformed: message.currency is not an ISO 4217 code") from None
        right_value = field_integer(message.get("right"), "message.right")
        if right_value > 2:
            raise ValidationError("the consent file is malformed: message.right must be 0, 1 or 2")
        return cls(
            **common,
            pledgee=field_address(message.get("pledgee"), "message.pledgee"),
            certificate_id=field_integer(message.get("certificateId"), "message.certificateId"),
            right=Right(right_value),
            shares=field_integer(message.get("shares"), "message.shares"),
            amount=field_integer(message.get("amount"), "message.amount"),
            currency=currency,
            maturity=field_integer(message.get("maturity"), "message.maturity"),
            external_ref=field_bytes(message.get("externalRef"), 32, "message.externalRef"),
            registered_at=field_integer(message.get("registeredAt"), "message.registeredAt"),
            registration_expiry=field_integer(message.get("registrationExpiry"), "message.registrationExpiry"),
            senior_pledge_id=field_integer(message.get("seniorPledgeId"), "message.seniorPledgeId"),
            deadline=field_integer(message.get("deadline"), "message.deadline"),
        )._checked(document)


@dataclass(frozen=True)
class ExtensionConsent(_SignedConsent):
    """A pledgor's consent to extend pledge ``pledge_id`` to ``new_maturity``."""

    domain: Domain
    pledgor: str
    pledge_id: int
    new_maturity: int
    nonce: int
    deadline: int
    signature: bytes = b""

    KIND: ClassVar[str] = EXTENSION_KIND
    PRIMARY: ClassVar[str] = "PledgeExtension"
    TYPES: ClassVar[list[dict[str, str]]] = EXTENSION_TYPES
    ONLY_THE_PLEDGOR: ClassVar[str] = "only the pledgor signs the extension of its pledge"

    def message(self) -> dict[str, Any]:
        return {
            "pledgeId": self.pledge_id,
            "newMaturity": self.new_maturity,
            "nonce": self.nonce,
            "deadline": self.deadline,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "pledgor": to_checksum_address(self.pledgor),
            "pledge": self.pledge_id,
            "new_maturity": format_time(self.new_maturity),
            "valid_until": format_time(self.deadline),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ExtensionConsent:
        message, common = cls._opened(document, "pledge extension")
        return cls(
            **common,
            pledge_id=field_integer(message.get("pledgeId"), "message.pledgeId"),
            new_maturity=field_integer(message.get("newMaturity"), "message.newMaturity"),
            nonce=field_integer(message.get("nonce"), "message.nonce"),
            deadline=field_integer(message.get("deadline"), "message.deadline"),
        )._checked(document)


@dataclass(frozen=True)
class RealisationConsent(_SignedConsent):
    """A pledgor's agreement (折价) that pledge ``pledge_id`` be realised by selling its shares to ``buyer`` at
    ``price`` (minor units of the pledge's currency), as the document hashed ``document_hash`` records."""

    domain: Domain
    pledgor: str
    pledge_id: int
    buyer: str
    price: int
    document_hash: bytes
    nonce: int
    deadline: int
    signature: bytes = b""

    KIND: ClassVar[str] = REALISATION_KIND
    PRIMARY: ClassVar[str] = "PledgeRealisation"
    TYPES: ClassVar[list[dict[str, str]]] = REALISATION_TYPES
    ONLY_THE_PLEDGOR: ClassVar[str] = "only the pledgor agrees to the price of its pledged shares"

    def message(self) -> dict[str, Any]:
        return {
            "pledgeId": self.pledge_id,
            "buyer": to_checksum_address(self.buyer),
            "price": self.price,
            "documentHash": self.document_hash,
            "nonce": self.nonce,
            "deadline": self.deadline,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "pledgor": to_checksum_address(self.pledgor),
            "pledge": self.pledge_id,
            "buyer": to_checksum_address(self.buyer),
            "price": str(self.price),
            "document": "0x" + self.document_hash.hex(),
            "valid_until": format_time(self.deadline),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> RealisationConsent:
        message, common = cls._opened(document, "pledge realisation")
        return cls(
            **common,
            pledge_id=field_integer(message.get("pledgeId"), "message.pledgeId"),
            buyer=field_address(message.get("buyer"), "message.buyer"),
            price=field_integer(message.get("price"), "message.price"),
            document_hash=field_bytes(message.get("documentHash"), 32, "message.documentHash"),
            nonce=field_integer(message.get("nonce"), "message.nonce"),
            deadline=field_integer(message.get("deadline"), "message.deadline"),
        )._checked(document)


def field_mapping(value: Any, where: str) -> Mapping[str, Any]:
    """A consent file's field ``where`` as a JSON object."""
    if not isinstance(value, Mapping):
        raise ValidationError(f"the consent file is malformed: {where} must be an object")
    return value


def _check_untampered(
    document: Mapping[str, Any], summary: Mapping[str, Any], signer: str | None, pledgor: str
) -> None:
    if dict(document.get("summary") or {}) != dict(summary):
        raise ValidationError(
            "the consent file was altered: its summary does not match the signed terms; "
            "ask the pledgor for a new consent"
        )
    if signer != pledgor:
        raise ValidationError(
            f"the consent file was altered or mis-signed: its signature is not {pledgor}'s over these terms; "
            "ask the pledgor for a new consent"
        )


def read_consent_file(path: Path) -> dict[str, Any]:
    """The JSON object of a consent or extension file, or one clear line about why it cannot be read."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"consent file {path} does not exist") from None
    except OSError as exc:
        raise ValidationError(f"cannot read consent file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ValidationError(f"consent file {path} is not JSON ({exc})") from None
    if not isinstance(document, dict):
        raise ValidationError(f"consent file {path} must hold one JSON object")
    return document
