"""Accounting entries as anchored records.

Importing this module registers the source of accounting entries
(:data:`ledger.store.anchors.RecordKind.ACCOUNTING_ENTRY`) with
:func:`oracle.records.register_source` (:mod:`oracle.anchoring` imports it):
the oracle then anchors journal entries in Merkle batches like catalog
versions, and `dal anchor verify --record accounting-entry:ID` proves one,
recomputing its hash from the stored entry and lines
(:func:`ledger.books.journal.stored_entry_hash`).
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlmodel import Session

from ledger.books.journal import stored_entry_hash
from ledger.store.anchors import RecordKind
from ledger.store.books import JournalEntry
from oracle.records import RecordSource, record_sources, register_source, table_source

__all__ = ["ACCOUNTING_ENTRIES"]

_KIND = RecordKind.ACCOUNTING_ENTRY.value


def _entry_hash(connection: Connection, record_id: int) -> str | None:
    with Session(bind=connection) as session:
        return stored_entry_hash(session, record_id)


#: The record source of accounting entries (registered once, when this module is first imported).
ACCOUNTING_ENTRIES: RecordSource = record_sources().get(_KIND) or table_source(_KIND, JournalEntry, _entry_hash)
if _KIND not in record_sources():
    register_source(ACCOUNTING_ENTRIES)
