"""The off-chain store: sqlmodel tables, lossless chain types, and the database session.

Each module holds one concern's tables; a program imports only the modules it
uses, since every table module costs its share of a short command's start. A
question that only reads (a verification, a trace) imports none of them: it
reads through the database's driver (:mod:`ledger.store.direct`).
The names below are loaded from their module on first use, so
``from ledger.store import CatalogRecord`` works as before.
:func:`register_tables` imports every table module, registering each table on
``SQLModel.metadata``: what the Alembic environment compares revisions against.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Every module that defines tables.
TABLE_MODULES = (
    "ledger.store.anchors", "ledger.store.api_access", "ledger.store.books", "ledger.store.catalog",
    "ledger.store.cursor", "ledger.store.documents", "ledger.store.events", "ledger.store.read_model",
)

_HOMES = {
    **dict.fromkeys(("AnchorBatch", "AnchoredRecord", "AnchorStatus", "RecordKind"), "ledger.store.anchors"),
    **dict.fromkeys(("AccessLogEntry", "ApiKey"), "ledger.store.api_access"),
    **dict.fromkeys(
        ("AssetCard", "BookAccount", "CardRevision", "JournalEntry", "JournalLine", "PeriodClose"), "ledger.store.books"
    ),
    **dict.fromkeys(("CatalogRecord", "CatalogVersion", "add_catalog_version"), "ledger.store.catalog"),
    **dict.fromkeys(("CHAIN_CURSOR", "IndexedBlock", "OracleCursor"), "ledger.store.cursor"),
    **dict.fromkeys(("Document", "DocumentCreate", "add_document"), "ledger.store.documents"),
    "ChainEvent": "ledger.store.events",
    **dict.fromkeys(
        ("Anchor", "Certificate", "CertificateEvent", "CertificateVersion", "Licence", "Member", "Pledge",
         "ShareHolding"),
        "ledger.store.read_model",
    ),
    **dict.fromkeys(("make_engine", "open_store", "upgrade_to_head"), "ledger.store.session"),
}

__all__ = [
    "CHAIN_CURSOR",
    "TABLE_MODULES",
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
    "register_tables",
    "upgrade_to_head",
]


def register_tables() -> None:
    """Import every table module, so that ``SQLModel.metadata`` holds every table of the store."""
    for module in TABLE_MODULES:
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
