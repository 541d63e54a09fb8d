"""Catalog entries and every version of each, as stored off chain.

A :class:`CatalogRecord` is one data asset's entry over time; each change adds
a :class:`CatalogVersion` with all the fields of :class:`ledger.catalog.CatalogEntry`
and the record hash computed when it was written. The hash column is what was
put on chain; the fields are what the user can read and query. Reconciliation
recomputes the hash from the fields, so a changed row shows up as drift.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, UniqueConstraint, func
from sqlmodel import Field, Session, SQLModel, select

from ledger.catalog import (
    CatalogEntry,
    ClassificationLevel,
    DocumentRef,
    UpdateFrequency,
    Valuation,
    ValuationMethod,
)
from ledger.errors import NotFoundError
from ledger.hashing import record_hash
from ledger.store.types import Bytes32, Uint256, utc_now

__all__ = [
    "CatalogRecord",
    "CatalogVersion",
    "CatalogVersionBase",
    "CatalogVersionPublic",
    "add_catalog_version",
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

    @classmethod
    def fields_of(cls, entry: CatalogEntry) -> dict[str, Any]:
        """The column values of ``entry``."""
        quality = entry.quality_report
        valuation = entry.valuation
        return {
            "name": entry.name,
            "description": entry.description,
            "source": entry.source,
            "scale": entry.scale,
            "update_frequency": entry.update_frequency.value,
            "format": entry.format,
            "coverage": entry.coverage,
            "classification_level": entry.classification_level.value,
            "contains_personal_data": entry.contains_personal_data,
            "compliance_report_hash": entry.compliance_report.hash,
            "compliance_report_reference": entry.compliance_report.reference,
            "quality_report_hash": quality.hash if quality else None,
            "quality_report_reference": quality.reference if quality else None,
            "valuation_amount_minor": valuation.amount_minor if valuation else None,
            "valuation_currency": valuation.currency if valuation else None,
            "valuation_method": valuation.method.value if valuation else None,
            "valuation_date": valuation.date if valuation else None,
        }

    def to_entry(self) -> CatalogEntry:
        """The catalog entry these columns hold (validated again, so bad rows are caught)."""
        quality = None
        if self.quality_report_hash is not None and self.quality_report_reference is not None:
            quality = DocumentRef(hash=self.quality_report_hash, reference=self.quality_report_reference)
        valuation = None
        if self.valuation_amount_minor is not None:
            valuation = Valuation(
                amount_minor=self.valuation_amount_minor,
                currency=self.valuation_currency or "",
                method=ValuationMethod(self.valuation_method or ""),
                date=self.valuation_date or dt.date.min,
            )
        return CatalogEntry(
            name=self.name,
            description=self.description,
            source=self.source,
            scale=self.scale,
            update_frequency=UpdateFrequency(self.update_frequency),
            format=self.format,
            coverage=self.coverage,
            classification_level=ClassificationLevel(self.classification_level),
            contains_personal_data=self.contains_personal_data,
            compliance_report=DocumentRef(
                hash=self.compliance_report_hash, reference=self.compliance_report_reference
            ),
            quality_report=quality,
            valuation=valuation,
        )


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
