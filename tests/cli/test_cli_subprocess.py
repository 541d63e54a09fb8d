"""The installed `dal` executable in a real process: streams, exit codes, and the local chain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.accounts import Keystore
from ledger.chain.node import free_port, node_for
from ledger.config import load_profile

DAL = Path(sys.executable).with_name("dal")


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DAL_")}
    return subprocess.run(
        [str(DAL), *args],
        check=False,  # the exit code is what the tests look at
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def local_env(home: Path) -> Iterator[dict[str, str]]:
    env = {"DAL_HOME": str(home), "DAL_RPC_URL": f"http://127.0.0.1:{free_port()}"}
    yield env
    node_for(load_profile(env=env)).stop()


def test_chain_up_answers_one_json_document_and_the_node_outlives_the_command(
    local_env: dict[str, str],
) -> None:
    up = _run(local_env, "--json", "chain", "up")
    assert up.returncode == 0, up.stderr
    status = json.loads(up.stdout)  # the whole of stdout is one document
    assert status["node"] == "running"
    assert status["contracts_live"] is True

    later = _run(local_env, "chain", "status")
    assert later.returncode == 0
    assert "running" in later.stdout
    assert status["contracts"]["Certificates"] in later.stdout

    down = _run(local_env, "chain", "down")
    assert down.returncode == 0


def test_an_unknown_profile_exits_1_with_one_line(home: Path) -> None:
    result = _run({"DAL_HOME": str(home)}, "--profile", "besu", "account", "list")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: unknown profile 'besu' (known: local); define [profiles.besu] in {home / 'config.toml'}\n"
    )
    assert list(home.iterdir()) == []


def test_an_unreachable_node_exits_1_with_one_line_and_writes_nothing(home: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    (home / "config.toml").write_text(f'[profiles.qbft]\nrpc_url = "{url}"\nchain_id = 1337\ntimeout = 2\n')
    result = _run({"DAL_HOME": str(home), "DAL_PROFILE": "qbft"}, "asset", "list")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: cannot reach the node at {url} (connection refused)")
    assert sorted(path.name for path in home.iterdir()) == ["config.toml"]


def test_a_wrong_password_exits_1_with_one_line_and_no_traceback(home: Path) -> None:
    (home / "config.toml").write_text(
        f'[profiles.qbft]\nrpc_url = "http://127.0.0.1:{free_port()}"\nchain_id = 1337\n'
    )
    Keystore(home / "keystores").create("treasury", "right password", scrypt_n=2**10)
    env = {"DAL_HOME": str(home), "DAL_PROFILE": "qbft", "DAL_PASSWORD": "wrong password"}
    result = _run(env, "--as", "treasury", "chain", "deploy")
    assert result.returncode == 1
    assert result.stderr == (
        "error: wrong password for account 'treasury'; check DAL_PASSWORD_TREASURY or DAL_PASSWORD, "
        "or type it again\n"
    )
    assert "Traceback" not in result.stderr
    assert not (home / "deployments.json").exists()
