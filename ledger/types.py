"""The suite's types in Python: one home for what ``contracts/types/`` and the interfaces define.

The enums carry the contracts' values (``uint8`` on the wire) and two spellings: ``key``, the
snake-case name stored in the read model and given in JSON (``under_notice``), and ``label``, the
words users read (``under notice``). Each struct a contract view returns has a frozen dataclass
here, built from the decoded ABI tuple by :meth:`from_abi`; a test holds every enum and field list
to the Solidity sources and the shipped ABI, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum, IntFlag
from typing import Any, ClassVar, Self

from eth_utils.address import to_checksum_address

__all__ = [
    "ALL_RIGHTS",
    "TOTAL_SHARES",
    "CertificateRecord",
    "CertificateRequest",
    "CertificateStatus",
    "ComplianceCondition",
    "LicenceRecord",
    "MemberRecord",
    "MemberStatus",
    "PledgeRecord",
    "PledgeStatus",
    "ProposalKind",
    "ProposalRecord",
    "ProposalStatus",
    "RealisationMethod",
    "RealisationRecord",
    "RecoveryScope",
    "RefusalReason",
    "Right",
    "Role",
    "decode_token_id",
    "leading_right",
    "rights_mask",
    "rights_of",
    "token_id",
]

#: The shares of one right: 10,000 basis points.
TOTAL_SHARES = 10_000


class _Named(IntEnum):
    """An enum of the contracts, with the read model's key and the words users read."""

    @property
    def key(self) -> str:
        """The name stored in the read model and given in JSON (``under_notice``)."""
        return self.name.lower()

    @property
    def label(self) -> str:
        """The name as users read it (``under notice``)."""
        return self.name.lower().replace("_", " ")

    @classmethod
    def from_key(cls, key: str) -> Self:
        """The member named ``key`` (either spelling)."""
        return cls[key.strip().upper().replace(" ", "_")]


class MemberStatus(_Named):
    """Where a member stands (``types/MemberStatus.sol``)."""

    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    RETIRED = 3


class ComplianceCondition(IntFlag):
    """When a compliance module is consulted (``types/ComplianceConditions.sol``); the first two are
    also a certificate's compliance flags."""

    CROSS_BORDER_RESTRICTED = 1
    PERSONAL_INFORMATION = 2
    HOLDER_CHANGE = 4
    ALWAYS = 128

    @property
    def labels(self) -> list[str]:
        """The conditions of a mask, in words, lowest bit first."""
        return [str(bit.name).lower().replace("_", " ") for bit in ComplianceCondition if bit & self]


class Role(IntFlag):
    """The consortium's role bits (``types/Roles.sol``); a member's roles are a mask of them."""

    REGISTRAR = 1
    MERCHANT = 2
    BANK = 4
    AUDITOR = 8
    ORACLE = 16

    @classmethod
    def holders(cls) -> Role:
        """The roles that may own shares of a right, receive them, grant and receive licences."""
        return cls.MERCHANT | cls.BANK

    @classmethod
    def any(cls) -> Role:
        """Every role bit: "any active member"."""
        return cls.REGISTRAR | cls.MERCHANT | cls.BANK | cls.AUDITOR | cls.ORACLE

    @property
    def names(self) -> list[str]:
        """The role names of the mask, lower case, in bit order."""
        return [role.name.lower() for role in Role if role.name and role in self]


class Right(_Named):
    """The three rights over a data asset (``types/Right.sol``)."""

    HOLDING = 0
    DEVELOPMENT = 1
    OPERATION = 2

    @property
    def licensable(self) -> bool:
        """Whether licences may be granted over it (development and operation)."""
        return self is not Right.HOLDING


class CertificateStatus(_Named):
    """The lifecycle of a certificate (``types/CertificateStatus.sol``)."""

    NONE = 0
    SUBMITTED = 1
    RETURNED = 2
    ACCEPTED = 3
    UNDER_NOTICE = 4
    OBJECTED = 5
    REJECTED = 6
    ISSUED = 7
    SUSPENDED = 8
    CANCELLED = 9
    REFUSED = 10


class RefusalReason(_Named):
    """Why a registrar refused an application at review, 不予登记 (``types/RefusalReason.sol``)."""

    NONE = 0
    NATIONAL_CORE_DATA = 1
    UNLAWFUL_SOURCE = 2
    OWNERSHIP_DISPUTE = 3
    OTHER = 4

    @property
    def words(self) -> str:
        """The reason as a registrar's decision states it."""
        return {
            RefusalReason.NATIONAL_CORE_DATA: "the data is national core data",
            RefusalReason.UNLAWFUL_SOURCE: "the data's source is unlawful or not authorised",
            RefusalReason.OWNERSHIP_DISPUTE: "the data's ownership is disputed and unresolved",
            RefusalReason.OTHER: "another reason, stated in the decision",
        }.get(self, "no reason")


#: Every right, as a rights mask (``types/RightsMask.sol``: bit ``1 << right``).
ALL_RIGHTS = 7


def rights_mask(rights: Sequence[Right]) -> int:
    """The ``RightsMask`` of a set of rights (bit ``1 << right``)."""
    mask = 0
    for right in rights:
        mask |= 1 << int(right)
    return mask


def rights_of(mask: int) -> list[Right]:
    """The rights a ``RightsMask`` holds, in order (an issued certificate of an earlier edition stores 0: all)."""
    return [right for right in Right if (mask or ALL_RIGHTS) & (1 << int(right))]


def leading_right(mask: int) -> Right:
    """The right whose holders act for the certificate as a whole: Holding when granted, else the first granted."""
    return rights_of(mask)[0]


class CertificateRequest(_Named):
    """A holder's pending application on an issued certificate (``types/CertificateRequest.sol``)."""

    NONE = 0
    CHANGE = 1
    RENEWAL = 2
    CANCELLATION = 3


class PledgeStatus(_Named):
    """Where a pledge stands (``types/PledgeStatus.sol``)."""

    NONE = 0
    ACTIVE = 1
    RELEASED = 2
    REALISED = 3


class RealisationMethod(_Named):
    """How pledged shares were turned into value (``types/RealisationMethod.sol``; Civil Code art. 436)."""

    AGREED_PRICE = 0
    AUCTION = 1
    SALE = 2
    COURT_RULING = 3

    @property
    def legal_term(self) -> str:
        """The act as the Civil Code names it, in English and Chinese."""
        return _REALISATION_TERMS[self]


class ProposalKind(_Named):
    """What a due-process proposal does (``types/ProposalKind.sol``)."""

    FORCED_TRANSFER = 0
    RECOVERY = 1


class ProposalStatus(_Named):
    """Where a due-process proposal stands (``types/ProposalStatus.sol``)."""

    NONE = 0
    PROPOSED = 1
    EXECUTED = 2
    CANCELLED = 3


_REALISATION_TERMS = {
    RealisationMethod.AGREED_PRICE: "conversion at a price agreed with the pledgor (折价)",
    RealisationMethod.AUCTION: "auction (拍卖)",
    RealisationMethod.SALE: "sale (变卖)",
    RealisationMethod.COURT_RULING: "a court's ruling",
}


def token_id(certificate_id: int, right: Right) -> int:
    """The ERC-1155 token id of ``right`` of ``certificate_id`` (``types/RightsTokenId.sol``)."""
    return (certificate_id << 2) | int(right)


def decode_token_id(value: int) -> tuple[int, Right] | None:
    """The certificate id and right behind a token id; ``None`` for an id that names no right."""
    low = value & 3
    if low > max(Right) or value >> 2 == 0:
        return None
    return value >> 2, Right(low)


# --- the structs the views return ------------------------------------------------------------------


def _address(value: Any) -> str:
    return str(to_checksum_address(value))


def _hash(value: Any) -> str:
    return "0x" + bytes(value).hex()


class _Struct:
    """A struct a contract view returns: its fields in the ABI's order, converted on the way in."""

    #: field name -> how to convert the decoded ABI value (default: ``int``).
    _CONVERT: ClassVar[dict[str, Any]] = {}

    @classmethod
    def from_abi(cls, values: Sequence[Any]) -> Self:
        """The struct from the view's decoded tuple (fields in declaration order)."""
        names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
        if len(values) != len(names):
            raise ValueError(f"{cls.__name__} has {len(names)} fields, the answer {len(values)}")
        converted = {name: cls._CONVERT.get(name, int)(value) for name, value in zip(names, values, strict=True)}
        return cls(**converted)


@dataclass(frozen=True)
class MemberRecord(_Struct):
    """``IConsortium.Member``: a member as the Consortium stores it."""

    status: MemberStatus
    roles: Role
    identity_hash: str

    _CONVERT: ClassVar[dict[str, Any]] = {"status": MemberStatus, "roles": Role, "identity_hash": _hash}


@dataclass(frozen=True)
class CertificateRecord(_Struct):
    """``ICertificates.Certificate``: a certificate as stored, every term a bank relies on included."""

    status: CertificateStatus
    holder: str
    registrar: str
    version: int
    catalog_hash: str
    notice_deadline: int
    expiry: int
    pending_request: CertificateRequest
    requested_hash: str
    requested_expiry: int
    number: str
    submitted_at: int
    issued_at: int
    imported: bool
    rights_claimed: int
    rights_granted: int
    authorised_until: int
    disputed: bool
    registration_number: str

    _CONVERT: ClassVar[dict[str, Any]] = {
        "status": CertificateStatus, "holder": _address, "registrar": _address, "catalog_hash": _hash,
        "pending_request": CertificateRequest, "requested_hash": _hash, "number": str, "imported": bool,
        "disputed": bool, "registration_number": str,
    }


@dataclass(frozen=True)
class PledgeRecord(_Struct):
    """``IPledges.Pledge``: a pledge as stored, every term included."""

    status: PledgeStatus
    pledgor: str
    pledgee: str
    certificate_id: int
    right: Right
    shares: int
    maturity: int
    senior_pledge_id: int
    amount: int
    currency: str
    external_ref: str
    registered_at: int
    registration_expiry: int

    _CONVERT: ClassVar[dict[str, Any]] = {
        "status": PledgeStatus, "pledgor": _address, "pledgee": _address, "right": Right,
        "currency": lambda value: bytes(value).decode("ascii"), "external_ref": _hash,
    }


@dataclass(frozen=True)
class RealisationRecord(_Struct):
    """``IPledges.RealisationRecord``: how a pledge was realised, its price and what it left owed."""

    method: RealisationMethod
    buyer: str
    realised_at: int
    shares: int
    price: int
    surplus: int
    shortfall: int
    document_hash: str

    _CONVERT: ClassVar[dict[str, Any]] = {"method": RealisationMethod, "buyer": _address, "document_hash": _hash}


@dataclass(frozen=True)
class LicenceRecord(_Struct):
    """``IRights.Licence``: a licence as stored, its terms hash included."""

    certificate_id: int
    right: Right
    grantor: str
    licensee: str
    parent_id: int
    start: int
    end: int
    exclusive: bool
    sublicensable: bool
    revoked: bool
    terms_hash: str

    _CONVERT: ClassVar[dict[str, Any]] = {
        "right": Right, "grantor": _address, "licensee": _address, "exclusive": bool, "sublicensable": bool,
        "revoked": bool, "terms_hash": _hash,
    }


@dataclass(frozen=True)
class ProposalRecord(_Struct):
    """``IDueProcess.Proposal``: a forced transfer (``from`` gives ``shares`` of ``right`` to ``to``) or a
    key recovery (``from`` the lost address, ``to`` the new one)."""

    kind: ProposalKind
    status: ProposalStatus
    proposer: str
    executable_at: int
    document_hash: str
    certificate_id: int
    right: Right
    from_: str
    to: str
    shares: int

    _CONVERT: ClassVar[dict[str, Any]] = {
        "kind": ProposalKind, "status": ProposalStatus, "proposer": _address, "document_hash": _hash,
        "right": Right, "from_": _address, "to": _address,
    }


@dataclass(frozen=True)
class RecoveryScope(_Struct):
    """``IDueProcess.RecoveryScope``: what a key recovery moves besides identity, roles and jurisdiction."""

    certificate_ids: tuple[int, ...]
    licence_ids: tuple[int, ...]
    pledge_ids: tuple[int, ...]
    qualifications: tuple[str, ...]

    _CONVERT: ClassVar[dict[str, Any]] = {
        "certificate_ids": lambda value: tuple(int(item) for item in value),
        "licence_ids": lambda value: tuple(int(item) for item in value),
        "pledge_ids": lambda value: tuple(int(item) for item in value),
        # Bytes as decoded, or already 0x hex as the read model stores them.
        "qualifications": lambda value: tuple(item.lower() if isinstance(item, str) else _hash(item) for item in value),
    }

    @classmethod
    def from_event(cls, value: Mapping[str, Any] | Sequence[Any]) -> Self:
        """The scope a ``RecoveryScope`` event argument carries: decoded, a mapping by the ABI's names
        (``certificateIds`` ...); stored, its four lists in order."""
        if isinstance(value, Mapping):
            value = [value["certificateIds"], value["licenceIds"], value["pledgeIds"], value["qualifications"]]
        return cls.from_abi(value)

    def as_abi(self) -> tuple[list[int], list[int], list[int], list[bytes]]:
        """The tuple the contract takes."""
        return (
            list(self.certificate_ids),
            list(self.licence_ids),
            list(self.pledge_ids),
            [bytes.fromhex(item[2:]) for item in self.qualifications],
        )
