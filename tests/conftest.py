"""Fixtures shared by every test: one real local chain (anvil) per test session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from web3 import Web3

from ledger.chain.node import LocalNode, free_port


@pytest.fixture(scope="session")
def local_node() -> Iterator[LocalNode]:
    """An ephemeral anvil node on a free port, stopped at the end of the session."""
    node = LocalNode(port=free_port())
    node.start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="session")
def w3(local_node: LocalNode) -> Web3:
    """A web3 client connected to the session's local node."""
    return Web3(Web3.HTTPProvider(local_node.url, request_kwargs={"timeout": 30}))


# --- off-chain databases: a fresh SQLite file or PostgreSQL database per test -------------------


@pytest.fixture(autouse=True)
def _close_direct_stores() -> Iterator[None]:
    """Each test's databases are its own: the connections the library kept during a test are closed after it."""
    yield
    from ledger.store.direct import close_direct_stores

    close_direct_stores()


POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database on the PostgreSQL server on 127.0.0.1:5432 for this test run, dropped at its end.

    Each test gets its own schema in it (see :func:`fresh_postgres_url`): creating
    and dropping schemas is much cheaper than databases.
    """
    import os
    import uuid

    import sqlalchemy

    server = sqlalchemy.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    name = f"dal_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'create database "{name}"'))
    except sqlalchemy.exc.OperationalError as exc:
        server.dispose()
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({str(exc.orig).strip()})")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'drop database if exists "{name}" with (force)'))
        server.dispose()


def fresh_postgres_url(database_url: str) -> str:
    """Create an empty schema in the test database; the URL puts it first on the search path."""
    import uuid

    import sqlalchemy

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f'create schema "{schema}"'))
    engine.dispose()
    return f"{database_url}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Makes URLs of fresh empty databases: on SQLite in one run of a test, on PostgreSQL in the other."""
    if request.param == "sqlite":
        counter = iter(range(1_000_000))
        return lambda: f"sqlite:///{tmp_path / f'ledger-{next(counter)}.db'}"
    database: str = request.getfixturevalue("postgres_database")
    return lambda: fresh_postgres_url(database)


@pytest.fixture
def empty_database_url(new_database_url: Callable[[], str]) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    return new_database_url()
