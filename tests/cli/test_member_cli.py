"""`dal member` through typer's CliRunner, on the session's chain."""

from __future__ import annotations

import json

from eth_utils.crypto import keccak
from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
)

from cli.main import app

runner = CliRunner()
NEWCOMER = "0x2546BcD3c84621e976D8185a91A922aE77ECEc30"
EXAMPLE_USCC = "91350100M000100Y43"


def test_the_admin_admits_a_member_by_its_credit_code(workflow_env: dict[str, str]) -> None:
    result = runner.invoke(
        app,
        ["--json", "--as", "admin", "member", "add", NEWCOMER, "--name", "Fuzhou Data Exchange",
         "--roles", "registrar", "--uscc", EXAMPLE_USCC],
        env=workflow_env,
    )
    assert result.exit_code == 0, result.stderr
    member = json.loads(result.stdout)
    assert member == {
        "account": NEWCOMER,
        "local_name": None,
        "name": "Fuzhou Data Exchange",
        "roles": ["registrar"],
        "status": "active",
        "identity_hash": "0x" + keccak(text="USCC:" + EXAMPLE_USCC).hex(),
        "added_block": member["added_block"],
        "suspension_reason_hash": None,
    }
    shown = runner.invoke(app, ["--json", "member", "show", NEWCOMER.lower()], env=workflow_env)
    assert json.loads(shown.stdout) == member


def test_the_member_list_is_a_table_by_default_and_one_json_array_with_json(workflow_env: dict[str, str]) -> None:
    table = runner.invoke(app, ["member", "list"], env=workflow_env)
    assert table.exit_code == 0, table.stderr
    assert "Shenzhen Data Exchange (development)" in table.stdout
    assert "merchant-a" in table.stdout
    as_json = runner.invoke(app, ["--json", "member", "list"], env=workflow_env)
    rows = json.loads(as_json.stdout)
    assert {row["local_name"]: row["roles"] for row in rows}["bank"] == ["bank"]


def test_suspension_and_reinstatement_are_shown_with_the_reason_hash(workflow_env: dict[str, str]) -> None:
    suspended = runner.invoke(
        app, ["--json", "--as", "admin", "member", "suspend", "merchant-c", "--reason", "unpaid fees"],
        env=workflow_env,
    )
    assert suspended.exit_code == 0, suspended.stderr
    assert json.loads(suspended.stdout)["status"] == "suspended"
    assert json.loads(suspended.stdout)["suspension_reason_hash"] == "0x" + keccak(text="unpaid fees").hex()
    reinstated = runner.invoke(app, ["--json", "--as", "admin", "member", "reinstate", "merchant-c"],
                               env=workflow_env)
    assert json.loads(reinstated.stdout)["status"] == "active"


def test_a_refusal_by_the_contract_is_one_sentence_on_stderr(workflow_env: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["--as", "registrar", "member", "add", NEWCOMER, "--name", "X", "--roles", "merchant",
              "--identity-hash", "0x" + "11" * 32],
        env=workflow_env,
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: registrar (0x70997970C51812dc3A010C7d01b50e0d17dc79C8) is not the consortium admin")
    assert result.stderr.count("\n") == 1


def test_an_unknown_role_is_refused_before_anything_is_asked_of_the_chain(workflow_env: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["--as", "admin", "member", "add", NEWCOMER, "--name", "X", "--roles", "lender",
              "--uscc", EXAMPLE_USCC],
        env=workflow_env,
    )
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: unknown role 'lender'; use one or more of registrar, merchant, bank, auditor, oracle\n"
    )
