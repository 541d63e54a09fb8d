"""One writer at a time, and how durable the indexer's commits need to be.

**The writer lock.**
Two oracles (say a `dal oracle run` and a `dal oracle sync` started by hand)
may point at the same database. Each window, rollback and anchor batch takes
this lock first and then re-reads what it is about to change, so their work is
serialised and nothing is applied twice. PostgreSQL uses a transaction-level
advisory lock; SQLite takes its database write lock by starting a write.

**Relaxed commits for derived data.** The indexer's transactions (a window,
a rollback) write only data derived from the chain: the raw event log, the
read model and the cursor, all in the same transaction. They run in
:func:`derived_data_transaction`, which commits without waiting for the disk:
PostgreSQL with ``synchronous_commit = off`` (the server acknowledges the
commit before its WAL is flushed), SQLite with ``synchronous=NORMAL`` (the WAL
is synced at checkpoints, not at each commit). This stays crash-safe. A crash
of the server or a power loss can only lose the last commits whole, never part
of one, so the database is left as it was after an earlier window, with the
cursor that goes with it, and the indexer fetches and applies the lost windows
again from the chain. A crash of the oracle itself loses nothing acknowledged.
Every other transaction (anchoring, catalog entries, documents: records the
chain cannot give back) keeps the durable default: PostgreSQL's, and
``synchronous=FULL`` on SQLite (:mod:`ledger.store.session`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from sqlalchemy import Connection, Engine, text

__all__ = ["derived_data_transaction", "hold_writer_lock"]

#: The advisory lock key of the ledger's oracle (an arbitrary constant, "dal" in ASCII).
_ADVISORY_KEY: Final = 0x64616C


def hold_writer_lock(connection: Connection) -> None:
    """Block until this transaction is the only writer of the oracle's tables; held until it ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
    else:
        # Any write statement takes SQLite's write lock, even one that changes no row.
        connection.execute(text("UPDATE oracle_cursor SET name = name WHERE 0"))


@contextmanager
def derived_data_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction of data derived from the chain, committed without waiting for the disk (see above)."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # SQLite refuses to change it inside a transaction: set it before, restore it after
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            connection.commit()
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
                yield connection
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA synchronous=FULL")
                connection.commit()
