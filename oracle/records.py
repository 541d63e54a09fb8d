"""The kinds of off-chain records that are anchored, and how to read each.

A record source lists the records of its kind not yet in any anchor batch,
and recomputes the hash of a stored record from its fields now (so an
anchored record that was changed since shows up as drift). Catalog versions
and documents are built in; another kind (accounting entries) joins by
registering its own source with :func:`register_source`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlmodel import Session, SQLModel

from ledger.hashing import record_hash
from ledger.store.anchors import AnchoredRecord, RecordKind
from ledger.store.catalog import CatalogVersion
from ledger.store.documents import Document, DocumentBase
from oracle.handlers.registry import table

__all__ = ["RecordSource", "record_sources", "register_source", "table_source"]

_anchored = table(AnchoredRecord)


@dataclass(frozen=True)
class RecordSource:
    """How to list unanchored records of one kind and recompute a stored record's hash."""

    kind: str
    #: ``(connection, limit) -> [(record id, record hash as 0x hex)]`` not yet anchored, oldest first.
    unanchored: Callable[[Connection, int], list[tuple[int, str]]]
    #: ``(connection, record id) -> record hash now`` (``None`` if the record is gone).
    current_hash: Callable[[Connection, int], str | None]
    #: ``(connection) -> [(record id, stored record hash)]`` of every record of the kind.
    all_records: Callable[[Connection], list[tuple[int, str]]]


def table_source(kind: str, model: type[SQLModel],
                 recompute: Callable[[Connection, int], str | None]) -> RecordSource:
    """The source of records kept one per row of ``model``'s table, with ``id`` and ``record_hash`` columns."""
    rows = table(model)

    def unanchored(connection: Connection, limit: int) -> list[tuple[int, str]]:
        done = select(_anchored.c.record_id).where(_anchored.c.record_kind == kind)
        query = (
            select(rows.c.id, rows.c.record_hash)
            .where(rows.c.id.not_in(done))
            .order_by(rows.c.id)
            .limit(limit)
        )
        return [(int(i), str(h)) for i, h in connection.execute(query)]

    def all_records(connection: Connection) -> list[tuple[int, str]]:
        query = select(rows.c.id, rows.c.record_hash).order_by(rows.c.id)
        return [(int(i), str(h)) for i, h in connection.execute(query)]

    return RecordSource(kind, unanchored, recompute, all_records)


def _catalog_hash(connection: Connection, record_id: int) -> str | None:
    with Session(bind=connection) as session:
        version = session.get(CatalogVersion, record_id)
        if version is None:
            return None
        try:
            return "0x" + record_hash(version.to_entry()).hex()
        except ValueError:  # a field no longer valid is a change too
            return "0x" + "00" * 32


def _document_hash(connection: Connection, record_id: int) -> str | None:
    with Session(bind=connection) as session:
        document = session.get(Document, record_id)
        if document is None:
            return None
        try:
            fields = DocumentBase.model_validate(document.model_dump())
            return "0x" + record_hash(fields).hex()
        except ValueError:  # a field no longer valid is a change too
            return "0x" + "00" * 32


_SOURCES: dict[str, RecordSource] = {
    RecordKind.CATALOG_VERSION.value: table_source(RecordKind.CATALOG_VERSION.value, CatalogVersion, _catalog_hash),
    RecordKind.DOCUMENT.value: table_source(RecordKind.DOCUMENT.value, Document, _document_hash),
}


def register_source(source: RecordSource) -> None:
    """Add the record source of another kind (for example accounting entries)."""
    if source.kind in _SOURCES:
        raise ValueError(f"records of kind {source.kind!r} already have a source")
    _SOURCES[source.kind] = source


def record_sources() -> dict[str, RecordSource]:
    """Every registered record source, by kind."""
    return dict(_SOURCES)
