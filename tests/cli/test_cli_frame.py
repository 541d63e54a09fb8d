"""The `dal` frame through typer's CliRunner: global options, output modes, accounts, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.main import _LedgerGroup, app
from ledger.accounts import DEVELOPMENT_ACCOUNTS
from ledger.chain.node import free_port
from ledger.errors import ContractRevertError

# Account #2 of the public development mnemonic (a published test vector, worthless).
KNOWN_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"
KNOWN_ADDRESS = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"

runner = CliRunner()


def _remote_profile(home: Path, url: str | None = None) -> dict[str, str]:
    """A data home whose default profile is a remote network (nothing local is started)."""
    url = url or f"http://127.0.0.1:{free_port()}"
    (home / "config.toml").write_text(
        f'default_profile = "qbft"\n[profiles.qbft]\nrpc_url = "{url}"\nchain_id = 1337\ntimeout = 2\n'
    )
    return {"DAL_HOME": str(home)}


def test_help_lists_the_nouns_and_global_options() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("chain", "account", "--json", "--as", "--profile"):
        assert word in result.stdout


def test_a_new_account_is_one_json_document_and_then_listed(home: Path) -> None:
    env = _remote_profile(home) | {"DAL_PASSWORD": "s3cret pass"}
    result = runner.invoke(app, ["--json", "account", "new", "treasury"], env=env)
    assert result.exit_code == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["name"] == "treasury"
    assert created["development"] is False
    assert (home / "keystores" / "treasury.json").exists()

    listed = runner.invoke(app, ["--json", "account", "list"], env=env)
    assert json.loads(listed.stdout) == [{**created, "damaged": None}]
    table = runner.invoke(app, ["account", "list"], env=env)
    assert created["address"] in table.stdout


def test_import_reads_the_key_and_password_from_stdin_and_never_prints_the_key(home: Path) -> None:
    env = _remote_profile(home)
    result = runner.invoke(
        app, ["--json", "account", "import", "ops"], input=f"{KNOWN_KEY}\nops password\n", env=env
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["address"] == KNOWN_ADDRESS
    assert KNOWN_KEY[2:] not in result.stdout + result.stderr
    assert KNOWN_KEY[2:] not in (home / "keystores" / "ops.json").read_text()


def test_importing_over_an_existing_name_writes_nothing(home: Path) -> None:
    env = _remote_profile(home) | {"DAL_PASSWORD": "pw"}
    runner.invoke(app, ["account", "import", "ops"], input=f"{KNOWN_KEY}\n", env=env)
    before = (home / "keystores" / "ops.json").read_bytes()
    result = runner.invoke(app, ["account", "import", "ops"], input="0x" + "11" * 32 + "\n", env=env)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: an account named 'ops' already exists")
    assert (home / "keystores" / "ops.json").read_bytes() == before


def test_a_malformed_key_is_one_line_without_the_key(home: Path) -> None:
    env = _remote_profile(home) | {"DAL_PASSWORD": "pw"}
    result = runner.invoke(app, ["account", "import", "ops"], input="0xnot-a-key-at-all\n", env=env)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the private key must be 32 bytes written as 64 hex digits (0x optional)\n"
    )
    assert not (home / "keystores" / "ops.json").exists()


def test_the_local_profile_lists_the_development_consortium(home: Path) -> None:
    result = runner.invoke(app, ["--json", "account", "list"], env={"DAL_HOME": str(home)})
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert sorted(row["name"] for row in rows) == sorted(DEVELOPMENT_ACCOUNTS)
    assert all(row["development"] for row in rows)


def test_an_empty_list_is_an_empty_json_array_and_a_note_on_stderr(home: Path) -> None:
    env = _remote_profile(home)
    as_json = runner.invoke(app, ["--json", "account", "list"], env=env)
    assert (as_json.exit_code, json.loads(as_json.stdout)) == (0, [])
    as_table = runner.invoke(app, ["account", "list"], env=env)
    assert as_table.stdout == ""
    assert "no accounts yet" in as_table.stderr


def test_an_unknown_profile_is_one_line_and_exit_1(home: Path) -> None:
    result = runner.invoke(app, ["--profile", "besu", "chain", "status"], env={"DAL_HOME": str(home)})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: unknown profile 'besu' (known: local); define [profiles.besu] in {home / 'config.toml'}\n"
    )


def test_a_malformed_config_is_one_line_and_exit_1(home: Path) -> None:
    (home / "config.toml").write_text("[profiles.besu\nrpc_url = 1\n")
    result = runner.invoke(app, ["account", "list"], env={"DAL_HOME": str(home)})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot parse {home / 'config.toml'}: ")
    assert result.stderr.count("\n") == 1
    assert not (home / "keystores").exists()


def test_an_unreachable_remote_node_is_one_line_and_exit_1(home: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["asset", "list"], env=_remote_profile(home, url))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot reach the node at {url} (connection refused); "
        "check that the node is running and that rpc_url of profile 'qbft' is right\n"
    )


def test_a_wrong_password_is_one_line_and_nothing_is_deployed(home: Path) -> None:
    env = _remote_profile(home) | {"DAL_PASSWORD": "right"}
    runner.invoke(app, ["account", "import", "ops"], input=f"{KNOWN_KEY}\n", env=env)
    result = runner.invoke(app, ["--as", "ops", "chain", "deploy"], env=env | {"DAL_PASSWORD": "wrong"})
    assert result.exit_code == 1
    assert result.stderr == (
        "error: wrong password for account 'ops'; check DAL_PASSWORD_OPS or DAL_PASSWORD, or type it again\n"
    )
    assert sorted(path.name for path in home.iterdir()) == ["config.toml", "keystores"]


def test_acting_without_an_account_says_how_to_name_one(home: Path) -> None:
    result = runner.invoke(app, ["chain", "deploy"], env=_remote_profile(home))
    assert result.exit_code == 1
    assert result.stderr == "error: no account to act as: name one with --as NAME (see `dal account list`)\n"


@pytest.mark.parametrize("command", [["up"], ["advance", "10d"]])
def test_the_local_node_commands_refuse_a_remote_profile(home: Path, command: list[str]) -> None:
    result = runner.invoke(app, ["chain", *command], env=_remote_profile(home))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: `dal chain {command[0]}` manages the local node only; profile 'qbft'")


def _frame_with(command: typer.Typer) -> typer.Typer:
    """A throwaway app with dal's error handling, to drive failures that real commands should never have."""
    frame = typer.Typer(cls=_LedgerGroup, pretty_exceptions_enable=False)
    frame.add_typer(command, name="noun")
    return frame


def test_an_unexpected_exception_is_one_line_with_the_debug_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    noun = typer.Typer()

    @noun.command()
    def crash() -> None:
        raise RuntimeError("disk on fire\nsecond line")

    @noun.command()
    def other() -> None:
        """A second command, so that `crash` stays a subcommand."""

    frame = _frame_with(noun)
    result = runner.invoke(frame, ["noun", "crash"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: unexpected RuntimeError: disk on fire (rerun with DAL_DEBUG=1 for the traceback)\n"
    )
    monkeypatch.setenv("DAL_DEBUG", "1")
    debug = runner.invoke(frame, ["noun", "crash"])
    assert isinstance(debug.exception, RuntimeError)


def test_a_decoded_revert_and_an_interrupt_end_as_the_frame_says() -> None:
    noun = typer.Typer()

    @noun.command()
    def refuse() -> None:
        raise ContractRevertError("the shares are pledged to 0xB0b under pledge #7;\n release it", "X", {})

    @noun.command()
    def interrupt() -> None:
        raise KeyboardInterrupt

    frame = _frame_with(noun)
    refused = runner.invoke(frame, ["noun", "refuse"])
    assert (refused.exit_code, refused.stderr) == (
        1, "error: the shares are pledged to 0xB0b under pledge #7; release it\n"
    )
    interrupted = runner.invoke(frame, ["noun", "interrupt"])
    assert interrupted.exit_code == 130
