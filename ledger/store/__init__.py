"""The off-chain store: sqlmodel tables, lossless chain types, and the database session.

Importing this package registers every table on ``SQLModel.metadata``, which is
what the Alembic environment compares revisions against.
"""

from __future__ import annotations

from ledger.store.anchors import AnchorBatch, AnchoredRecord, AnchorStatus, RecordKind
from ledger.store.api_access import AccessLogEntry, ApiKey
from ledger.store.books import (
    AssetCard,
    BookAccount,
    CardRevision,
    JournalEntry,
    JournalLine,
    PeriodClose,
)
from ledger.store.catalog import CatalogRecord, CatalogVersion, add_catalog_version
from ledger.store.cursor import CHAIN_CURSOR, IndexedBlock, OracleCursor
from ledger.store.documents import Document, DocumentCreate, add_document
from ledger.store.events import ChainEvent
from ledger.store.read_model import (
    Anchor,
    Certificate,
    CertificateEvent,
    CertificateVersion,
    Licence,
    Member,
    Pledge,
    ShareHolding,
)
from ledger.store.session import make_engine, open_store, upgrade_to_head

__all__ = [
    "CHAIN_CURSOR",
    "AccessLogEntry",
    "Anchor",
    "AnchorBatch",
    "AnchorStatus",
    "AnchoredRecord",
    "ApiKey",
    "AssetCard",
    "BookAccount",
    "CardRevision",
    "CatalogRecord",
    "CatalogVersion",
    "Certificate",
    "CertificateEvent",
    "CertificateVersion",
    "ChainEvent",
    "Document",
    "DocumentCreate",
    "IndexedBlock",
    "JournalEntry",
    "JournalLine",
    "Licence",
    "Member",
    "OracleCursor",
    "PeriodClose",
    "Pledge",
    "RecordKind",
    "ShareHolding",
    "add_catalog_version",
    "add_document",
    "make_engine",
    "open_store",
    "upgrade_to_head",
]
