"""Catalog entries and every version of each, as stored off chain.

A :class:`CatalogRecord` is one data asset's entry over time; each change adds
a :class:`CatalogVersion` with all the fields of the entry and the record hash
computed when it was written. A version keeps the shape it was written in
(``entry_schema``): a ``dal.catalog-entry/1`` version has no value in the columns
that only ``/2`` has, and reads back as the same ``/1`` entry, with the same
hash. The hash column is what was
put on chain; the fields are what the user can read and query. Reconciliation
recomputes the hash from the fields, so a changed row shows up as drift.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, UniqueConstraint, func
from sqlmodel import Field, Session, SQLModel, select

from ledger.catalog import CATALOG_ENTRY_SCHEMA, CatalogEntry, catalog_columns, entry_from_columns
from ledger.errors import NotFoundError
from ledger.hashing import record_hash
from ledger.store.types import Bytes32, Uint256, utc_now

__all__ = [
    "CatalogRecord",
    "CatalogVersion",
    "CatalogVersionBase",
    "CatalogVersionPublic",
    "add_catalog_version",
    "entry_of_certificate",
    "latest_version",
]


class CatalogRecord(SQLModel, table=True):
    """A data asset's catalog entry across versions, tied to its certificate once known."""

    __tablename__ = "catalog_entries"

    id: int | None = Field(default=None, primary_key=True)
    certificate_id: int | None = Field(default=None, sa_type=Uint256, unique=True, nullable=True)
    created_at: dt.datetime = Field(default_factory=utc_now)


class CatalogVersionBase(SQLModel):
    """The fields of one version of a catalog entry (see docs/canonical-form.md)."""

    name: str = Field(max_length=200)
    description: str = Field(max_length=4000)
    source: str = Field(max_length=4000)
    scale: str = Field(max_length=200)
    update_frequency: str = Field(max_length=20)
    format: str = Field(max_length=200)
    coverage: str = Field(max_length=4000)
    classification_level: str = Field(max_length=20)
    contains_personal_data: bool
    compliance_report_hash: str = Field(sa_type=Bytes32)
    compliance_report_reference: str = Field(max_length=200)
    quality_report_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    quality_report_reference: str | None = Field(default=None, max_length=200)
    valuation_amount_minor: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    valuation_currency: str | None = Field(default=None, max_length=3)
    valuation_method: str | None = Field(default=None, max_length=20)
    valuation_date: dt.date | None = None
    # From here on, only a dal.catalog-entry/2 version has values (see ledger.catalog.CatalogEntryV2).
    entry_schema: str = Field(default=CATALOG_ENTRY_SCHEMA, max_length=40,
                              sa_column_kwargs={"server_default": CATALOG_ENTRY_SCHEMA})
    valuation_appraiser: str | None = Field(default=None, max_length=200)
    valuation_report_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    object_type: str | None = Field(default=None, max_length=20)
    product_form: str | None = Field(default=None, max_length=20)
    rights_claimed: list[str] | None = Field(default=None, sa_type=JSON)
    acquisition_method: str | None = Field(default=None, max_length=40)
    authorisation_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    authorisation_expiry: dt.date | None = None
    application_scenarios: list[str] | None = Field(default=None, sa_type=JSON)
    scope_of_use: str | None = Field(default=None, max_length=4000)
    restricted_regions: list[str] | None = Field(default=None, sa_type=JSON)
    restricted_fields: list[str] | None = Field(default=None, sa_type=JSON)
    cross_border_restricted: bool | None = None
    sample_kind: str | None = Field(default=None, max_length=20)
    sample_hash: str | None = Field(default=None, sa_type=Bytes32, nullable=True)
    storage_location: str | None = Field(default=None, max_length=200)
    registrant_credit_code: str | None = Field(default=None, max_length=18, index=True)
    personal_information_basis: str | None = Field(default=None, max_length=40)
    review_reviewer: str | None = Field(default=None, max_length=200)
    review_reviewer_credit_code: str | None = Field(default=None, max_length=18)
    review_date: dt.date | None = None
    review_conclusion: str | None = Field(default=None, max_length=40)

    @classmethod
    def fields_of(cls, entry: CatalogEntry) -> dict[str, Any]:
        """The column values of ``entry`` (the ``/2`` columns empty for a ``/1`` entry)."""
        return catalog_columns(entry)

    def to_entry(self) -> CatalogEntry:
        """The catalog entry these columns hold, in the shape it was written in (validated again, so bad
        rows are caught)."""
        return entry_from_columns({name: getattr(self, name) for name in CatalogVersionBase.model_fields})


class CatalogVersion(CatalogVersionBase, table=True):
    """One version of a catalog entry, with the hash it had when written."""

    __tablename__ = "catalog_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_catalog_versions_entry_version"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(
        sa_column=Column(Integer, ForeignKey("catalog_entries.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    version: int = Field(ge=1)
    record_hash: str = Field(sa_type=Bytes32, index=True)
    created_at: dt.datetime = Field(default_factory=utc_now)


class CatalogVersionPublic(CatalogVersionBase):
    """A catalog version as shown to users and in JSON output."""

    id: int
    entry_id: int
    version: int
    record_hash: str
    created_at: dt.datetime


def latest_version(session: Session, entry_id: int) -> CatalogVersion:
    """The newest version of catalog entry ``entry_id``."""
    version = session.exec(
        select(CatalogVersion)
        .where(CatalogVersion.entry_id == entry_id)
        .order_by(CatalogVersion.version.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    if version is None:
        raise NotFoundError(f"catalog entry {entry_id} does not exist; add it with its first version")
    return version


def add_catalog_version(
    session: Session,
    entry: CatalogEntry,
    *,
    entry_id: int | None = None,
    certificate_id: int | None = None,
) -> CatalogVersion:
    """Store ``entry`` as the next version of ``entry_id`` (or as a new entry).

    The caller commits. The version's ``record_hash`` is the hash to put on the
    certificate.
    """
    if entry_id is None:
        record = CatalogRecord(certificate_id=certificate_id)
        session.add(record)
        session.flush()
        assert record.id is not None
        entry_id, next_version = record.id, 1
    else:
        if session.get(CatalogRecord, entry_id) is None:
            raise NotFoundError(f"catalog entry {entry_id} does not exist")
        current = session.exec(
            select(func.max(CatalogVersion.version)).where(CatalogVersion.entry_id == entry_id)
        ).one()
        next_version = int(current or 0) + 1
    version = CatalogVersion(
        entry_id=entry_id,
        version=next_version,
        record_hash="0x" + record_hash(entry).hex(),
        **CatalogVersionBase.fields_of(entry),
    )
    session.add(version)
    session.flush()
    return version


def entry_of_certificate(session: Session, certificate_id: int, catalog_hash: str) -> CatalogEntry | None:
    """The stored entry of certificate ``certificate_id`` whose hash is ``catalog_hash`` (the one on
    chain), or ``None`` when the store holds no such version."""
    version = session.exec(
        select(CatalogVersion)
        .join(CatalogRecord, CatalogRecord.id == CatalogVersion.entry_id)  # type: ignore[arg-type]
        .where(CatalogRecord.certificate_id == certificate_id, CatalogVersion.record_hash == catalog_hash.lower())
        .order_by(CatalogVersion.version.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    return version.to_entry() if version is not None else None
