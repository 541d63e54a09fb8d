"""`dal serve` through outages: its own local node stopped and started again, its PostgreSQL database refusing
connections and accepting them again. Requests get 503 with the reason meanwhile; the server never crashes and
answers again as soon as they are back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy
from served import DalServer, issue_key
from workflow_chain import build_history

from ledger.chain.node import free_port, node_for
from ledger.context import LedgerContext
from ledger.members import admit_development_consortium
from ledger.store.session import upgrade_to_head

#: The PostgreSQL server of the tests (tests/conftest.py), reached as its superuser to switch a database off.
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def own_database() -> Iterator[tuple[str, Callable[[bool], None]]]:
    """A fresh PostgreSQL database, and a switch that makes it refuse (and drop) connections or accept them."""
    server = sqlalchemy.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    name = f"dal_outage_{uuid.uuid4().hex[:10]}"
    try:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'create database "{name}"'))
    except sqlalchemy.exc.OperationalError as exc:
        server.dispose()
        pytest.skip(f"PostgreSQL is not reachable ({str(exc.orig).strip()})")

    def reachable(allowed: bool) -> None:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'alter database "{name}" allow_connections {str(allowed).lower()}'))
            if not allowed:
                connection.execute(sqlalchemy.text(
                    "select pg_terminate_backend(pid) from pg_stat_activity where datname = :name"), {"name": name})

    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", reachable
    finally:
        with server.connect() as connection:
            connection.execute(sqlalchemy.text(f'drop database if exists "{name}" with (force)'))
        server.dispose()


def _until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError("the condition did not hold in time")


def _status(url: str, key: str) -> int:
    try:
        return httpx.get(url, headers={"Authorization": f"Bearer {key}"}, timeout=30).status_code
    except httpx.TransportError:
        return -1


def test_node_and_database_outages_give_503_with_the_reason_and_the_server_recovers(
    tmp_path: Path, own_database: tuple[str, Callable[[bool], None]]
) -> None:
    database_url, reachable = own_database
    upgrade_to_head(database_url)
    env = {"DAL_HOME": str(tmp_path / "home"), "DAL_RPC_URL": f"http://127.0.0.1:{free_port()}",
           "DAL_DATABASE_URL": database_url}
    ledger = LedgerContext.load(env=env)
    node = node_for(ledger.profile)
    server = DalServer(env=env, log=tmp_path / "serve.log", args=("--timeout", "10"))
    try:
        ledger.deployment  # noqa: B018 - starts the profile's own node (kept in the home) and deploys the suite
        admit_development_consortium(ledger)
        build_history(ledger, tmp_path)
        key = issue_key(env, "bank")
        server.start()
        verification = f"{server.url}/api/certificates/1/verification"
        assert _status(verification, key) == 200

        node.stop()
        # The server looks at the chain's head every 0.1 s: from its next look on, requests are refused.
        _until(lambda: _status(verification, key) == 503, timeout=5)
        down = httpx.get(verification, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert down.status_code == 503, down.text
        error = down.json()["error"]
        assert error["code"] == "Unavailable" and ledger.profile.rpc_url in error["message"]
        public = httpx.get(f"{server.url}/api/certificates/1", timeout=30)
        assert public.status_code == 503 and "Traceback" not in public.text
        page = httpx.get(f"{server.url}/certificates/1", timeout=30)
        assert page.status_code == 503 and "does not answer" in page.text and "Traceback" not in page.text
        assert server.process is not None and server.process.poll() is None

        node.start()
        _until(lambda: _status(verification, key) == 200)

        reachable(False)
        # A key found in the store is trusted for 2 s: from then on, requests are refused.
        _until(lambda: _status(verification, key) == 503, timeout=10)
        refused = httpx.get(verification, headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "Unavailable"
        assert "database" in refused.json()["error"]["message"]
        assert server.process.poll() is None

        reachable(True)
        _until(lambda: _status(verification, key) == 200)
    finally:
        reachable(True)
        server.stop()
        node.stop()
