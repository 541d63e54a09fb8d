"""The raw event log: every decoded chain event the oracle has applied.

Keyed by ``(block_number, log_index)``: JSON-RPC numbers logs across the whole
block, so the key is unique and its order is chain order (the same as ordering
by block, transaction index and log index). Applying a log twice changes
nothing. On SQLite the table is stored in that key's order (``WITHOUT ROWID``),
so a window's rows append at its end. Events are looked up by name only for
the rare ones: ``ix_chain_events_event`` is partial and leaves the share
movements out. The read model can always be rebuilt from this table alone.
Arguments are stored as JSON with integers as decimal strings and bytes as
``0x`` hex, so uint256 values survive every database and every JSON reader.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from ledger.store.history import NOT_SHARE_MOVEMENT
from ledger.store.types import Bytes32

__all__ = ["ChainEvent"]


class ChainEvent(SQLModel, table=True):
    """One decoded log of one of the suite's contracts."""

    __tablename__ = "chain_events"
    __table_args__ = (
        # Looks up the rare events by name (members, pledges); the share movements, which
        # make up nearly the whole log, would cost one index write each and are never looked up by name.
        Index("ix_chain_events_event", "event", sqlite_where=text(NOT_SHARE_MOVEMENT),
              postgresql_where=text(NOT_SHARE_MOVEMENT)),
        {"sqlite_with_rowid": False},
    )

    block_number: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    #: The log's position in its block (block-wide, as JSON-RPC numbers it).
    log_index: int = Field(sa_type=Integer, primary_key=True, sa_column_kwargs={"autoincrement": False})
    tx_hash: str = Field(sa_type=Bytes32)
    block_hash: str = Field(sa_type=Bytes32)
    #: The block's time (seconds since 1970), so history can be asked "as of a date".
    block_timestamp: int = Field(sa_type=BigInteger)
    tx_index: int = Field(sa_type=Integer)
    contract: str = Field(max_length=40)
    address: str = Field(max_length=42)
    event: str = Field(max_length=80)
    #: The event's arguments by name, as JSON (integers as decimal strings).
    args: str = Field(sa_type=Text)
