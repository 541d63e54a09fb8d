"""One writer at a time: a database-wide lock held for the rest of a transaction.

Two oracles (say a `dal oracle run` and a `dal oracle sync` started by hand)
may point at the same database. Each window, rollback and anchor batch takes
this lock first and then re-reads what it is about to change, so their work is
serialised and nothing is applied twice. PostgreSQL uses a transaction-level
advisory lock; SQLite takes its database write lock by starting a write.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text

__all__ = ["hold_writer_lock"]

#: The advisory lock key of the ledger's oracle (an arbitrary constant, "dal" in ASCII).
_ADVISORY_KEY: Final = 0x64616C


def hold_writer_lock(connection: Connection) -> None:
    """Block until this transaction is the only writer of the oracle's tables; held until it ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
    else:
        # Any write statement takes SQLite's write lock, even one that changes no row.
        connection.execute(text("UPDATE oracle_cursor SET name = name WHERE 0"))
