"""The read model: the chain's state as rows, rebuilt from events alone.

Every table here is derived from the raw event log (:class:`ChainEvent`) by
the oracle's handlers, one per event; nothing is read from the contracts. So
after a reorganisation the oracle may delete the events of the abandoned blocks
and replay the log, and a fresh database synced from block 0 ends up identical.

Addresses are checksummed text; ``right`` is the Solidity enum's name in lower
case (``holding``, ``development``, ``operation``); times are Unix seconds as
the contracts keep them. Share counts are basis points (at most 10,000, so a
64-bit integer); amounts and ids are uint256.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from ledger.store.types import Bytes32, CounterId, Uint256

__all__ = [
    "Anchor",
    "Certificate",
    "CertificateEvent",
    "CertificateVersion",
    "DueProcessProposal",
    "Licence",
    "Member",
    "Pledge",
    "ShareHolding",
]

_ADDRESS = 42


class Member(SQLModel, table=True):
    """A member of the consortium."""

    __tablename__ = "rm_members"

    account: str = Field(primary_key=True, max_length=_ADDRESS)
    identity_hash: str = Field(sa_type=Bytes32, index=True)
    name: str = Field(max_length=400)
    roles: int = Field(sa_type=Uint256)
    status: str = Field(max_length=20)
    suspension_reason_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    added_block: int = Field(sa_type=BigInteger)
    updated_block: int = Field(sa_type=BigInteger)


class Certificate(SQLModel, table=True):
    """A certificate and where it is in its lifecycle."""

    __tablename__ = "rm_certificates"

    certificate_id: int = Field(sa_type=Uint256, primary_key=True)
    status: str = Field(max_length=20, index=True)
    holder: str = Field(max_length=_ADDRESS, index=True)
    registrar: str = Field(max_length=_ADDRESS, index=True)
    number: str | None = Field(default=None, max_length=400)
    version: int = Field(sa_type=BigInteger)
    catalog_hash: str = Field(sa_type=Bytes32, index=True)
    notice_deadline: int = Field(default=0, sa_type=BigInteger)
    expiry: int = Field(default=0, sa_type=BigInteger)
    pending_request: str = Field(default="none", max_length=20)
    requested_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    requested_expiry: int = Field(default=0, sa_type=BigInteger)
    last_reason_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    submitted_block: int = Field(sa_type=BigInteger)
    issued_block: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    updated_block: int = Field(sa_type=BigInteger)
    #: The registration law: the stable registration number, the rights claimed and granted (rights masks),
    #: the end of the source authorisation (0: none declared), and whether an objection after issue is pending.
    registration_number: str | None = Field(default=None, max_length=64)
    rights_claimed: int = Field(default=7)
    rights_granted: int = Field(default=0)
    authorised_until: int = Field(default=0, sa_type=BigInteger)
    disputed: bool = Field(default=False)


class CertificateVersion(SQLModel, table=True):
    """The catalog hash of one version of a certificate (old versions stay)."""

    __tablename__ = "rm_certificate_versions"

    certificate_id: int = Field(sa_type=Uint256, primary_key=True)
    version: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    catalog_hash: str = Field(sa_type=Bytes32, index=True)
    block_number: int = Field(sa_type=BigInteger)
    tx_hash: str = Field(sa_type=Bytes32)


class ShareHolding(SQLModel, table=True):
    """How many basis points of one right of one certificate an owner holds now."""

    __tablename__ = "rm_share_holdings"

    certificate_id: int = Field(sa_type=Uint256, primary_key=True)
    right: str = Field(primary_key=True, max_length=20)
    owner: str = Field(primary_key=True, max_length=_ADDRESS, index=True)
    shares: int = Field(sa_type=BigInteger)


class Licence(SQLModel, table=True):
    """A licence over the development or operation right, and sub-licences under it."""

    __tablename__ = "rm_licences"

    licence_id: int = Field(sa_type=Uint256, primary_key=True)
    certificate_id: int = Field(sa_type=Uint256, index=True)
    right: str = Field(max_length=20)
    grantor: str = Field(max_length=_ADDRESS)
    licensee: str = Field(max_length=_ADDRESS, index=True)
    parent_id: int = Field(sa_type=Uint256)
    terms_hash: str = Field(sa_type=Bytes32)
    start: int = Field(sa_type=BigInteger)
    end: int = Field(sa_type=BigInteger)
    exclusive: bool
    sublicensable: bool
    revoked: bool = False
    revoked_by: str | None = Field(default=None, max_length=_ADDRESS)
    root_licence_id: int | None = Field(default=None, sa_type=Uint256, nullable=True)
    revoke_reason_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    granted_block: int = Field(sa_type=BigInteger)


class Pledge(SQLModel, table=True):
    """A pledge of shares of a right to a bank; pledge ids rank pledges on the same right."""

    __tablename__ = "rm_pledges"

    pledge_id: int = Field(sa_type=Uint256, primary_key=True)
    certificate_id: int = Field(sa_type=Uint256, index=True)
    right: str = Field(max_length=20)
    pledgor: str = Field(max_length=_ADDRESS, index=True)
    pledgee: str = Field(max_length=_ADDRESS, index=True)
    shares: int = Field(sa_type=BigInteger)
    amount: int = Field(sa_type=Uint256)
    currency: str = Field(max_length=3)
    maturity: int = Field(sa_type=BigInteger)
    external_ref: str = Field(sa_type=Bytes32)
    senior_pledge_id: int = Field(sa_type=Uint256)
    status: str = Field(max_length=20, index=True)
    registered_at: int = Field(default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"})
    registration_expiry: int = Field(default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"})
    realised_buyer: str | None = Field(default=None, max_length=_ADDRESS)
    realised_shares: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    realisation_method: str | None = Field(default=None, max_length=20)
    price: int | None = Field(default=None, sa_type=Uint256, nullable=True)
    surplus: int | None = Field(default=None, sa_type=Uint256, nullable=True)
    shortfall: int | None = Field(default=None, sa_type=Uint256, nullable=True)
    document_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    recorded_block: int = Field(sa_type=BigInteger)
    updated_block: int = Field(sa_type=BigInteger)


class Anchor(SQLModel, table=True):
    """A Merkle root recorded on chain, as seen in ``AnchorRecorded``."""

    __tablename__ = "rm_anchors"

    root: str = Field(sa_type=Bytes32, primary_key=True)
    kind: str = Field(max_length=66, index=True)
    count: int = Field(sa_type=Uint256)
    batch_ref: str = Field(sa_type=Bytes32)
    block_number: int = Field(sa_type=BigInteger)
    block_timestamp: int = Field(sa_type=BigInteger)
    tx_hash: str = Field(sa_type=Bytes32)


class DueProcessProposal(SQLModel, table=True):
    """A due-process proposal: a court-ordered transfer, or the recovery of a member's lost key.

    ``source`` gives the shares (or is the lost address), ``target`` receives them (or is the new address);
    a recovery's scope is kept as the lists it names, comma-separated ids and hex qualifications.
    """

    __tablename__ = "rm_due_process_proposals"

    proposal_id: int = Field(sa_type=Uint256, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    status: str = Field(max_length=20, index=True)
    proposer: str = Field(max_length=_ADDRESS)
    source: str = Field(max_length=_ADDRESS, index=True)
    target: str = Field(max_length=_ADDRESS, index=True)
    document_hash: str = Field(sa_type=Bytes32)
    executable_at: int = Field(sa_type=BigInteger)
    certificate_id: int | None = Field(default=None, sa_type=Uint256, nullable=True, index=True)
    right: str | None = Field(default=None, max_length=20)
    shares: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    scope_certificates: str = Field(default="", max_length=4000)
    scope_licences: str = Field(default="", max_length=4000)
    scope_pledges: str = Field(default="", max_length=4000)
    scope_qualifications: str = Field(default="", max_length=4000)
    cancel_reason_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    proposed_block: int = Field(sa_type=BigInteger)
    updated_block: int = Field(sa_type=BigInteger)


class CertificateEvent(SQLModel, table=True):
    """Which raw events concern which certificate: its lifecycle, shares, licences and pledges.

    The index behind fast history queries (an auditor's trace): one row per
    (certificate, event), keyed like the event log by ``(block_number, log_index)``
    so that a certificate's rows are in chain order and join the log by its key.
    Share movements name their certificate in the token id; a ``TransferBatch``
    that moves several rights of one certificate is linked once. Nearly every
    event has a row here, so the certificate id is a ``BIGINT``
    (:class:`ledger.store.types.CounterId`: the Certificates contract counts
    them up from 1), not a uint256 column.
    """

    __tablename__ = "rm_certificate_events"
    __table_args__ = {"sqlite_with_rowid": False}

    certificate_id: int = Field(sa_type=CounterId, primary_key=True, sa_column_kwargs={"autoincrement": False})
    block_number: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    log_index: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
