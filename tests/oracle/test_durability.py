"""Only the indexer's transactions of chain-derived data commit without waiting for the disk."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from ledger.store.session import make_engine, upgrade_to_head
from oracle.locking import derived_data_transaction


def _durability(connection: Connection) -> str:
    if connection.dialect.name == "sqlite":
        return {1: "relaxed", 2: "durable"}[int(connection.exec_driver_sql("PRAGMA synchronous").scalar_one())]
    return {"off": "relaxed", "on": "durable"}[str(connection.exec_driver_sql("SHOW synchronous_commit").scalar_one())]


def test_derived_data_commits_relaxed_and_every_other_transaction_durably(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            assert _durability(connection) == "durable"
        with derived_data_transaction(engine) as connection:
            assert _durability(connection) == "relaxed"
            connection.exec_driver_sql("UPDATE oracle_cursor SET name = name WHERE 1 = 0")
        with engine.begin() as connection:  # the same pooled connection, restored
            assert _durability(connection) == "durable"
        with pytest.raises(RuntimeError), derived_data_transaction(engine):
            raise RuntimeError("a window that fails")
        with engine.begin() as connection:
            assert _durability(connection) == "durable"
    finally:
        engine.dispose()
