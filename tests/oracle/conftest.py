"""Fixtures of the oracle tests: a contract that emits the suite's events, and databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from oracle_support import (
    CompiledSource,
    Suite,
    compile_event_source,
    deploy_ledger_suite,
    deploy_source,
)
from sqlalchemy import Engine
from web3 import Web3
from web3.contract import Contract

from ledger.store.session import open_store


@pytest.fixture(scope="session")
def event_source_build() -> CompiledSource:
    """EventSource compiled once per session with the pinned compiler."""
    return compile_event_source()


@pytest.fixture
def source(w3: Web3, event_source_build: CompiledSource) -> Contract:
    return deploy_source(w3, event_source_build)


@pytest.fixture
def store(empty_database_url: str) -> Iterator[Engine]:
    """An engine on an empty database at the newest schema (SQLite, then PostgreSQL)."""
    engine = open_store(empty_database_url, create_if_empty=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def suite(w3: Web3, tmp_path_factory: pytest.TempPathFactory) -> Suite:
    """The ledger's contracts, deployed once per session, with an ORACLE member."""
    return deploy_ledger_suite(w3, tmp_path_factory.mktemp("suite-home"))
