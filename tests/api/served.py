"""A real `dal serve` in a child process on 127.0.0.1, for the API and browser tests.

Import the fixture into a test module (``from served import served_fixture``): ``served`` is the server over the
session's chain with a certificate's history, two active pledges and a key per member (module-scoped).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner
from web3 import Web3
from workflow_chain import WorkflowChain, _pledge, build_history

from cli.main import app
from ledger.chain.clock import YEAR, chain_time
from ledger.chain.node import free_port
from ledger.context import LedgerContext

__all__ = ["MEMBERS", "DalServer", "Served", "issue_key", "list_keys", "revoke_key", "served_fixture"]

_runner = CliRunner()


def issue_key(env: dict[str, str], member: str, *roles: str) -> str:
    """A new API key for ``member`` (through `dal serve keys new`), its secret."""
    args = ["--json", "serve", "keys", "new", "--member", member]
    for role in roles:
        args += ["--role", role]
    result = _runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.stderr
    secret: str = json.loads(result.stdout)["key"]
    return secret


def list_keys(env: dict[str, str]) -> list[dict[str, Any]]:
    result = _runner.invoke(app, ["--json", "serve", "keys", "list"], env=env)
    assert result.exit_code == 0, result.stderr
    listed: list[dict[str, Any]] = json.loads(result.stdout)
    return listed


def revoke_key(env: dict[str, str], key_id: int) -> dict[str, Any]:
    result = _runner.invoke(app, ["--json", "serve", "keys", "revoke", str(key_id)], env=env)
    assert result.exit_code == 0, result.stderr
    revoked: dict[str, Any] = json.loads(result.stdout)
    return revoked


@dataclass
class DalServer:
    """`dal serve` on a free port with ``env``; its output kept in ``log``."""

    env: dict[str, str]
    log: Path
    args: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, wait_in_step: bool = True, timeout: float = 90.0) -> None:
        clean = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")}
        command = [str(Path(sys.executable).with_name("dal")), "serve", "--port", str(self.port), *self.args]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, env=clean | self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"dal serve exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                status = httpx.get(f"{self.url}/api/status", timeout=5)
                if status.status_code == 200 and (not wait_in_step or status.json()["read_model"]["in_step"]):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"dal serve did not come up in {timeout} s: {self.log.read_text()}")

    def wait_in_step(self, timeout: float = 30.0) -> None:
        """Until the read model has caught up with the chain's head."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = httpx.get(f"{self.url}/api/status", timeout=5)
            if status.status_code == 200 and status.json()["read_model"]["in_step"]:
                return
            time.sleep(0.2)
        raise AssertionError("the read model did not catch up")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


#: The members that get a key, each by its development account name.
MEMBERS = ("bank", "bank-b", "merchant-a", "merchant-b", "merchant-c", "auditor", "registrar")


@dataclass
class Served:
    """The server, its environment, each member's key, and a key issued then revoked."""

    server: DalServer
    env: dict[str, str]
    keys: dict[str, str]
    revoked: str
    history: dict[str, Any]
    addresses: dict[str, str]
    tmp: Path

    @property
    def url(self) -> str:
        return self.server.url

    def get(self, path: str, as_: str | None = None, **params: Any) -> httpx.Response:
        """GET ``path`` with ``params``, with the key of member ``as_`` (none: the public)."""
        headers = {"Authorization": f"Bearer {self.keys[as_]}"} if as_ else {}
        return httpx.get(self.url + path, params=params, headers=headers, timeout=30)


@pytest.fixture(scope="module", name="served")
def served_fixture(workflow_chain: WorkflowChain, w3: Web3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`dal serve` over the session's chain with a certificate's history; every chain change undone after."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    tmp = tmp_path_factory.mktemp("api")
    env = workflow_chain.env(workflow_chain.new_database(tmp))
    server = DalServer(env=env, log=tmp / "serve.log", args=("--timeout", "30"))
    try:
        ledger = LedgerContext.load(env=env)
        history = build_history(ledger, tmp)
        # Two more pledges of merchant-a's holding shares to the bank: ranks 1 and 2 (pledge 1 was realised).
        maturity = chain_time(ledger.w3) + YEAR
        _pledge(ledger, history["certificate"], 1_000, maturity=maturity)
        _pledge(ledger, history["certificate"], 500, maturity=maturity)
        keys = {member: issue_key(env, member) for member in MEMBERS}
        revoked = issue_key(env, "bank")
        revoke_key(env, max(row["id"] for row in list_keys(env)))
        addresses = {member: ledger.address_of(member) for member in MEMBERS}
        server.start()
        yield Served(server=server, env=env, keys=keys, revoked=revoked, history=history, addresses=addresses,
                     tmp=tmp)
    finally:
        server.stop()
        w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
