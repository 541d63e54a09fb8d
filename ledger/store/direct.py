"""Reading the store directly through its database's driver, for the questions a short command asks.

A question that only reads the store (a verification's catalog check, the read model behind a history, a
trace) asks a few queries. Through SQLAlchemy and SQLModel it would first pay for loading them, about
0.4 s of a 2-core machine's time, which is more than the whole answer; a bank's script that asks
``dal verify`` per certificate would pay it each time. So these reads go through the driver itself:
``sqlite3`` from the standard library, or psycopg for PostgreSQL, with SQL written once for both (``?``
marks the parameters). Writes, and every read that needs the models, stay with SQLAlchemy
(:mod:`ledger.store.session`); the schema is the Alembic revisions' alone, and each question checks that
the database is at the newest revision, as :func:`ledger.store.session.open_store` does.

Each thread has one connection per database, made on its first question and kept for the next ones (a
connection costs more than these queries); :func:`close_direct_stores` closes them all.

Rows come back as the driver gives them: on SQLite a boolean is 0 or 1, a date ISO text and a JSON
column its text; a uint256 column is zero-padded text on SQLite and ``NUMERIC`` on PostgreSQL
(:mod:`ledger.store.values`), which :meth:`DirectStore.uint256` writes as a parameter.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from ledger.config import sqlite_path
from ledger.errors import StoreError
from ledger.store.schema import head_revision, not_at_head, unsupported_database
from ledger.store.values import uint256_param

__all__ = ["DirectStore", "close_direct_stores", "direct_store"]

# Every connection any thread made, so that close_direct_stores reaches them all; closing bumps the
# generation, and a thread's store whose connection is of an older one makes a new one.
_LOCK = threading.Lock()
_OPEN: list[Any] = []
_GENERATION = [0]
_LOCAL = threading.local()


class DirectStore:
    """One thread's connection to the database at ``url``, made on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(url)
        if self.path is None and not url.partition("://")[0].startswith("postgresql"):
            raise unsupported_database(url.partition("://")[0])
        self.dialect = "sqlite" if self.path is not None else "postgresql"
        self._connection: Any = None
        self._generation = -1

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows ``sql`` selects (``?`` marks each of ``params``), each as a dict by column name.

        A PostgreSQL connection that the server closed meanwhile is made again once.
        """
        for attempt in (1, 2):
            connection = self._connect()
            try:
                cursor = connection.cursor()
                try:
                    cursor.execute(sql if self.dialect == "sqlite" else sql.replace("%", "%%").replace("?", "%s"),
                                   tuple(params))
                    if cursor.description is None:
                        return []  # a statement that returns no rows
                    names = [column[0] for column in cursor.description]
                    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
                finally:
                    cursor.close()
            except sqlite3.Error as exc:
                raise StoreError(_reason(exc)) from None
            except Exception as exc:  # psycopg's errors: psycopg is imported only for a PostgreSQL database
                if not type(exc).__module__.startswith("psycopg"):
                    raise
                if attempt == 1 and connection.closed:
                    continue
                raise StoreError(_reason(exc)) from None
        raise AssertionError("unreachable")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """The queries inside read one state of the database (a read transaction), whatever commits meanwhile."""
        self.rows("BEGIN")
        try:
            yield
        except BaseException:
            self.rows("ROLLBACK")
            raise
        self.rows("COMMIT")

    def uint256(self, value: int) -> Any:
        """``value`` as a parameter compared with a uint256 column."""
        return uint256_param(value, self.dialect)

    def check_revision(self) -> None:
        """Refuse a database that is not at the newest revision (with the command that migrates it)."""
        self._connect()  # a database that cannot be reached says so, not that it is not initialised
        try:
            rows = self.rows("SELECT version_num FROM alembic_version")
        except StoreError:
            rows = []  # no version table: nothing was ever migrated into it
        revision = str(rows[0]["version_num"]) if len(rows) == 1 else None
        head = head_revision()
        if revision != head:
            raise not_at_head(revision, head)

    def _connect(self) -> Any:
        if self._connection is not None and self._generation == _GENERATION[0] and not _closed(self._connection):
            return self._connection
        with _LOCK:
            try:
                if self.path is None:
                    import psycopg

                    connection: Any = psycopg.connect(self.url.replace("+psycopg", "", 1), autocommit=True)
                else:
                    # mode=rw: a read never creates the database file it was pointed at.
                    target = f"file:{quote(self.path)}?mode=rw" if self.path not in ("", ":memory:") else ":memory:"
                    connection = sqlite3.connect(target, uri=True, check_same_thread=False)
                    connection.execute("PRAGMA busy_timeout=30000")
            except Exception as exc:  # noqa: BLE001 - sqlite3's or psycopg's refusal, worded alike
                raise StoreError(f"cannot reach the database: {_reason(exc)}") from None
            _OPEN.append(connection)
            self._connection, self._generation = connection, _GENERATION[0]
        return connection


def _closed(connection: Any) -> bool:
    return bool(getattr(connection, "closed", False))


def _reason(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def direct_store(url: str) -> DirectStore:
    """The calling thread's :class:`DirectStore` on ``url``, the database's revision checked now."""
    stores: dict[str, DirectStore] = _LOCAL.__dict__.setdefault("stores", {})
    store = stores.get(url)
    if store is None:
        store = stores[url] = DirectStore(url)
    store.check_revision()
    return store


def close_direct_stores() -> None:
    """Close every connection :func:`direct_store` made, in any thread (a long-running process before it forks,
    tests between tests); the next question makes its own again."""
    with _LOCK:
        connections = list(_OPEN)
        _OPEN.clear()
        _GENERATION[0] += 1
    for connection in connections:
        connection.close()
