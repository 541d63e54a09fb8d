"""The raw event log: every decoded chain event the oracle has applied.

Keyed by ``(tx_hash, log_index)``, so applying a log twice changes nothing. The
read model can always be rebuilt from this table alone. Arguments are stored
as JSON with integers as decimal strings and bytes as ``0x`` hex, so uint256
values survive every database and every JSON reader.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, Text
from sqlmodel import Field, SQLModel

from ledger.store.types import Bytes32

__all__ = ["ChainEvent"]


class ChainEvent(SQLModel, table=True):
    """One decoded log of one of the suite's contracts."""

    __tablename__ = "chain_events"
    __table_args__ = (Index("ix_chain_events_order", "block_number", "tx_index", "log_index"),)

    tx_hash: str = Field(sa_type=Bytes32, primary_key=True)
    log_index: int = Field(sa_type=Integer, primary_key=True, sa_column_kwargs={"autoincrement": False})
    block_number: int = Field(sa_type=BigInteger)
    block_hash: str = Field(sa_type=Bytes32)
    #: The block's time (seconds since 1970), so history can be asked "as of a date".
    block_timestamp: int = Field(sa_type=BigInteger)
    tx_index: int = Field(sa_type=Integer)
    contract: str = Field(max_length=40)
    address: str = Field(max_length=42)
    event: str = Field(max_length=80, index=True)
    #: The event's arguments by name, as JSON (integers as decimal strings).
    args: str = Field(sa_type=Text)
