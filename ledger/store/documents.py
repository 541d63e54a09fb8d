"""Documents kept off chain: what each is, its digest, and where it is kept.

Only the digest of a document ever goes on chain (as part of an anchored
record, see :func:`ledger.hashing.document_form`); the file itself stays in the
archive named by ``location``.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel

from ledger.hashing import document_form, record_hash
from ledger.store.types import Bytes32, Uint256, utc_now

__all__ = ["Document", "DocumentBase", "DocumentCreate", "DocumentPublic", "add_document"]


class DocumentBase(SQLModel):
    """What a user says about a document."""

    kind: str = Field(max_length=40, regex=r"^[a-z][a-z0-9-]{0,39}$")
    hash: str = Field(sa_type=Bytes32, regex=r"^0x[0-9a-f]{64}$")
    location: str = Field(max_length=1000)
    certificate_id: int | None = Field(default=None, sa_type=Uint256, nullable=True, index=True)

    def canonical_form(self) -> dict[str, object]:
        """The document record that is hashed and anchored (location left out)."""
        return document_form(self.kind, bytes.fromhex(self.hash[2:]), self.certificate_id)


class DocumentCreate(DocumentBase):
    """Input shape of a new document."""


class Document(DocumentBase, table=True):
    """A stored document record."""

    __tablename__ = "documents"

    id: int | None = Field(default=None, primary_key=True)
    record_hash: str = Field(sa_type=Bytes32, index=True)
    created_at: dt.datetime = Field(default_factory=utc_now)


class DocumentPublic(DocumentBase):
    """A document as shown to users."""

    id: int
    record_hash: str
    created_at: dt.datetime


def add_document(session: Session, document: DocumentCreate) -> Document:
    """Store a document record and its record hash (the caller commits)."""
    checked = DocumentCreate.model_validate(document.model_dump())
    row = Document(**checked.model_dump(), record_hash="0x" + record_hash(checked).hex())
    session.add(row)
    session.flush()
    return row
