"""Anchor batches: Merkle roots of off-chain records put on chain, and each record's proof.

A batch is written *before* its transaction is sent (status ``pending``),
together with every record's position and proof. After a crash the oracle
finds the pending batch, asks the chain whether its root is already anchored,
and either marks it ``anchored`` or sends it again: a record is never anchored
twice nor left out. ``(record_kind, record_id)`` is unique, so a record belongs
to at most one batch.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ledger.store.types import Bytes32, Uint256, utc_now

__all__ = ["AnchorBatch", "AnchorStatus", "AnchoredRecord", "RecordKind"]


class RecordKind(StrEnum):
    """The kinds of off-chain records anchored in batches (one tree per kind)."""

    CATALOG_VERSION = "catalog-version"
    DOCUMENT = "document"
    ACCOUNTING_ENTRY = "accounting-entry"


class AnchorStatus(StrEnum):
    """Where a batch is: recorded here, or confirmed on chain."""

    PENDING = "pending"
    ANCHORED = "anchored"


class AnchorBatch(SQLModel, table=True):
    """One Merkle root over a batch of records of one kind."""

    __tablename__ = "anchor_batches"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    root: str = Field(sa_type=Bytes32, unique=True)
    count: int = Field(ge=1)
    #: The batch's reference on chain (``batchRef`` of ``AnchorRecorded``): keccak-256 of
    #: its manifest, see :func:`oracle.anchoring.batch_reference`.
    batch_ref: str = Field(sa_type=Bytes32)
    status: str = Field(default=AnchorStatus.PENDING.value, max_length=20, index=True)
    tx_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    anchor_id: int | None = Field(default=None, sa_type=Uint256, nullable=True)
    block_number: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    created_at: dt.datetime = Field(default_factory=utc_now)
    anchored_at: dt.datetime | None = None


class AnchoredRecord(SQLModel, table=True):
    """A record in a batch: the hash it had when anchored, and its proof."""

    __tablename__ = "anchored_records"
    __table_args__ = (UniqueConstraint("record_kind", "record_id", name="uq_anchored_records_record"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("anchor_batches.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    record_kind: str = Field(max_length=40)
    record_id: int = Field(sa_type=BigInteger)
    record_hash: str = Field(sa_type=Bytes32, index=True)
    position: int = Field(ge=0)
    #: The proof as a JSON list of ``0x`` hex siblings, leaf to root.
    proof: str = Field(sa_type=Text)
