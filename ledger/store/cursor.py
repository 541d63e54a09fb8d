"""The oracle's cursor: how far the read model is in step with the chain.

The cursor names the last block whose events are applied, with its hash; the
recent blocks table keeps the hashes of the blocks indexed lately, so a
reorganisation (or a local chain reset) is noticed and rolled back to the
common ancestor.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from ledger.store.history import CHAIN_CURSOR
from ledger.store.types import Bytes32, utc_now

__all__ = ["CHAIN_CURSOR", "IndexedBlock", "OracleCursor"]


class OracleCursor(SQLModel, table=True):
    """The last block applied to the read model, per indexer."""

    __tablename__ = "oracle_cursor"

    name: str = Field(primary_key=True, max_length=40)
    chain_id: int = Field(sa_type=BigInteger)
    block_number: int = Field(sa_type=BigInteger)
    block_hash: str = Field(sa_type=Bytes32)
    updated_at: dt.datetime = Field(default_factory=utc_now)


class IndexedBlock(SQLModel, table=True):
    """A block recently indexed: its hash and parent hash, to detect reorganisations."""

    __tablename__ = "indexed_blocks"

    number: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    hash: str = Field(sa_type=Bytes32)
    parent_hash: str = Field(sa_type=Bytes32)
    timestamp: int = Field(sa_type=BigInteger)
