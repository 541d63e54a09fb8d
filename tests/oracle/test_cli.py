"""`dal oracle` and `dal anchor` on a configured network profile (the session's chain and suite)."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from oracle_support import Suite
from sqlalchemy import select
from sqlmodel import Session
from typer.testing import CliRunner

from cli.main import app
from ledger.accounts import Keystore
from ledger.catalog import parse_catalog_entry
from ledger.chain.deployments import Deployment, DeploymentsFile
from ledger.chain.node import LocalNode
from ledger.store import DocumentCreate, add_catalog_version, add_document
from ledger.store.cursor import OracleCursor
from ledger.store.session import head_revision, open_store
from oracle.handlers.registry import table

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "canonical-form.md").read_text(encoding="utf-8")
ENTRY: dict[str, Any] = json.loads(DOC.split("<!-- worked-example-entry -->\n```json\n", 1)[1].split("```", 1)[0])


@pytest.fixture
def env(tmp_path: Path, suite: Suite, local_node: LocalNode) -> dict[str, str]:
    """A data home with a `testchain` profile on the session's node, its deployment and the oracle's key."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f'default_profile = "testchain"\n\n[profiles.testchain]\nrpc_url = "{local_node.url}"\n'
        f'chain_id = {suite.w3.eth.chain_id}\ngas_price = 0\nlog_range = 2000\n'
        f'database_url = "sqlite:///{home / "ledger.db"}"\n',
        encoding="utf-8",
    )
    DeploymentsFile(home / "deployments.json").record(
        Deployment(chain_id=suite.w3.eth.chain_id, addresses=dict(suite.addresses), block=suite.block)
    )
    Keystore(home / "keystores").import_key("oracle", suite.oracle.key.hex(), "secret", scrypt_n=2**10)
    return {"DAL_HOME": str(home), "DAL_PASSWORD": "secret", "DAL_CONFIG": "", "DAL_PROFILE": ""}


def dal(env: dict[str, str], *args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(app, ["--json", *args], env=env)
    try:
        answer = json.loads(result.stdout) if result.stdout.strip() else None
    except json.JSONDecodeError:
        answer = result.stdout
    return result.exit_code, answer if answer is not None else result.stderr


def _store_records(env: dict[str, str], tag: str) -> Path:
    engine = open_store(f"sqlite:///{env['DAL_HOME']}/ledger.db")
    entry = dict(ENTRY, name=f"cli {tag}")
    with Session(engine) as session:
        add_catalog_version(session, parse_catalog_entry(entry))
        add_document(session, DocumentCreate(kind="quality-report", hash="0x" + tag.encode().hex().ljust(64, "0"),
                                             location="vault/1.pdf"))
        session.commit()
    engine.dispose()
    path = Path(env["DAL_HOME"]) / "entry.json"
    path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    return path


def test_migrate_sync_anchor_verify_and_reconcile(env: dict[str, str], suite: Suite) -> None:
    code, answer = dal(env, "oracle", "migrate")
    assert code == 0 and answer["revision"] == head_revision()
    gc.unfreeze()
    code, answer = dal(env, "oracle", "sync")
    assert code == 0 and answer["behind"] == 0 and answer["cursor"] == suite.w3.eth.block_number
    assert gc.get_freeze_count() > 0  # the objects of start-up were taken out of the collector's walks
    gc.unfreeze()

    entry_file = _store_records(env, os.urandom(8).hex())
    code, answer = dal(env, "oracle", "reconcile")
    assert code == 3
    assert sorted(d["kind"] for d in answer) == ["not-anchored", "not-anchored"]

    code, answer = dal(env, "--as", "oracle", "oracle", "anchor")
    assert code == 0 and sorted((b["kind"], b["records"]) for b in answer) == [
        ("catalog-version", 1), ("document", 1)]
    # The operator's order (sync, anchor, reconcile): the blocks anchoring added are not drift.
    code, answer = dal(env, "oracle", "reconcile")
    assert (code, answer) == (0, [])
    code, answer = dal(env, "anchor", "verify", str(entry_file))
    assert code == 0 and answer["verdict"] == "anchored and unchanged" and answer["on_chain"]
    code, answer = dal(env, "anchor", "verify", "--record", "document:1")
    assert code == 0 and answer["unchanged"] is True
    code, answer = dal(env, "anchor", "verify", "--hash", "0x" + "ee" * 32)
    assert code == 3 and answer["verdict"] == "not anchored"

    code, proof = dal(env, "anchor", "proof", "--record", "catalog-version:1")
    assert code == 0 and set(proof) == {"record_hash", "root", "proof", "kind"}
    proof_file = Path(env["DAL_HOME"]) / "proof.json"
    proof_file.write_text(json.dumps(proof), encoding="utf-8")
    code, answer = dal(env, "anchor", "verify", "--proof", str(proof_file), str(entry_file))
    assert code == 0 and answer["ok"]

    code, answer = dal(env, "oracle", "sync")
    assert code == 0
    code, answer = dal(env, "oracle", "reconcile")
    assert (code, answer) == (0, [])


def test_bad_input_is_one_line_and_writes_nothing(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["anchor", "verify", "--record", "catalog-version:x"], env=env)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: --record must be KIND:ID, e.g. catalog-version:3, got 'catalog-version:x'"]
    result = CliRunner().invoke(app, ["oracle", "anchor", "--kind", "receipts"], env=env)
    assert result.exit_code == 1 and "unknown record kind 'receipts'" in result.stderr


def test_an_old_schema_is_refused_with_the_migration_command(env: dict[str, str]) -> None:
    from ledger.store.session import upgrade_to

    upgrade_to(f"sqlite:///{env['DAL_HOME']}/ledger.db", "0001")
    result = CliRunner().invoke(app, ["oracle", "status"], env=env)
    assert result.exit_code == 1
    assert "at revision 0001" in result.stderr and "run `dal oracle migrate`" in result.stderr


def _cursor(env: dict[str, str]) -> int | None:
    engine = open_store(f"sqlite:///{env['DAL_HOME']}/ledger.db", create_if_empty=True)
    try:
        with engine.connect() as connection:
            row = connection.execute(select(table(OracleCursor).c.block_number)).first()
        return None if row is None else int(row[0])
    finally:
        engine.dispose()


def _wait_for_cursor(env: dict[str, str], block: int) -> None:
    deadline = time.monotonic() + 60
    while (_cursor(env) or -1) < block:
        assert time.monotonic() < deadline, f"the oracle did not reach block {block}"
        time.sleep(0.1)


def test_run_follows_the_chain_and_stops_cleanly_on_sigterm(env: dict[str, str], suite: Suite) -> None:
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("dal")), "--json", "oracle", "run", "--interval", "0.2"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for_cursor(env, suite.w3.eth.block_number)
        suite.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        _wait_for_cursor(env, suite.w3.eth.block_number)  # it keeps following
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "stopping after the current window (SIGTERM)" in stderr
    answer = json.loads(stdout)
    assert answer["syncs"] >= 2 and answer["cursor"] >= suite.w3.eth.block_number - 1
