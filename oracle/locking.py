"""One writer at a time, and how durable the indexer's commits need to be.

**The writer lock.**
Two oracles (say a `dal oracle run` and a `dal oracle sync` started by hand)
may point at the same database. Each window, rollback and anchor batch takes
this lock first and then re-reads what it is about to change, so their work is
serialised and nothing is applied twice. PostgreSQL uses a transaction-level
advisory lock; SQLite takes its database write lock by starting a write.

**Relaxed commits for derived data.** The indexer's transactions (a window,
a rollback) write only data derived from the chain: the raw event log, the
read model and the cursor, all in the same transaction. On PostgreSQL such a
transaction may commit with ``synchronous_commit = off`` (:func:`relax_commit`):
the server then acknowledges the commit before its WAL reaches the disk. This
stays crash-safe. A crash of the server can only lose the last commits whole,
never part of one (the WAL is still written in order and replayed atomically),
so the database is left as it was after an earlier window, with the cursor
that goes with it, and the indexer fetches and applies the lost windows again
from the chain. Nothing the chain cannot give back is at risk. A crash of the
oracle itself loses nothing acknowledged. Transactions that write anchoring or
catalog records (off-chain data the chain cannot give back) never call it and
keep the server's durable default. SQLite connections already run with
write-ahead logging and ``synchronous=NORMAL`` (see :mod:`ledger.store.session`),
which makes the same trade for every transaction; there is nothing to relax.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text

__all__ = ["hold_writer_lock", "relax_commit"]

#: The advisory lock key of the ledger's oracle (an arbitrary constant, "dal" in ASCII).
_ADVISORY_KEY: Final = 0x64616C


def hold_writer_lock(connection: Connection) -> None:
    """Block until this transaction is the only writer of the oracle's tables; held until it ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
    else:
        # Any write statement takes SQLite's write lock, even one that changes no row.
        connection.execute(text("UPDATE oracle_cursor SET name = name WHERE 0"))


def relax_commit(connection: Connection) -> None:
    """Let this transaction commit without waiting for the disk (derived data only; see above)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL synchronous_commit = off"))
