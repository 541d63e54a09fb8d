"""Fixtures of the books tests: a session on a fresh database at the newest schema."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from ledger.store.session import make_engine, open_store, upgrade_to_head


@pytest.fixture
def entity() -> str:
    """The member whose books the tests keep."""
    return "0x" + "a1" * 20


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the newest schema, made once and copied for each test."""
    path = tmp_path_factory.mktemp("books-template") / "books.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture
def engine(migrated_sqlite: Path, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "books.db"
    shutil.copy(migrated_sqlite, copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the member's books (SQLite); the test commits when it wants to."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def any_engine(new_database_url: Callable[[], str]) -> Iterator[Engine]:
    """An engine on a fresh database at the newest schema: SQLite in one run, PostgreSQL in the other."""
    engine = open_store(new_database_url(), create_if_empty=True)
    yield engine
    engine.dispose()
