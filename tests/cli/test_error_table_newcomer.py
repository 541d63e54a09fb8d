"""What a newcomer meets first, one case per item: the command, its exit code, its one line on stderr, its
JSON on stdout, and that nothing was written."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from cli.errors import environment_advice
from cli.main import NOUNS, app, module_of
from ledger.accounts import Keystore
from ledger.chain.node import free_port
from ledger.errors import AccountError

runner = CliRunner()


def _remote(home: Path) -> dict[str, str]:
    """A data home whose default profile is a network whose node is down."""
    (home / "config.toml").write_text(
        f'default_profile = "qbft"\n[profiles.qbft]\nrpc_url = "http://127.0.0.1:{free_port()}"\n'
        "chain_id = 1337\ntimeout = 2\n"
    )
    return {"DAL_HOME": str(home)}


def _tree(path: Path) -> list[str]:
    return sorted(str(item.relative_to(path)) for item in path.rglob("*"))


# (case, arguments, exit code, the start of the line on stderr, the JSON error code on stdout or None)
CASES: list[tuple[str, list[str], int, str, str | None]] = [
    ("a value the parser refuses", ["asset", "publicize", "1", "--notice-days", "0"], 2,
     ("error: Invalid value for '--notice-days': Input should be greater than or equal to 1; see "
      "`dal asset publicize --help`"), None),
    ("a value the parser refuses, under --json after the noun", ["pledge", "release", "abc", "--json"], 2,
     "error: Invalid value for 'ID': Input should be a valid integer", "UsageError"),
    ("an unknown option of a command", ["asset", "show", "1", "--bogus", "--json"], 2,
     "error: No such option: --bogus; see `dal asset show --help`", "UsageError"),
    ("an unknown global option", ["--nope"], 2, "error: No such option: --nope; see `dal --help`", None),
    ("an unknown profile, --profile after the noun", ["chain", "status", "--profile", "nope", "--json"], 1,
     "error: ", "ConfigError"),
    ("a bad duration for the clock", ["chain", "advance", "soon", "--json"], 1,
     "error: duration 'soon' is not a duration; give a count and a unit", "ValidationError"),
]


@pytest.mark.parametrize(("case", "args", "code", "line", "json_code"), CASES, ids=[case[0] for case in CASES])
def test_a_refusal_is_one_line_an_exit_code_and_one_json_document(
    home: Path, case: str, args: list[str], code: int, line: str, json_code: str | None,
) -> None:
    before = _tree(home)
    result = runner.invoke(app, args, env={"DAL_HOME": str(home)})
    assert result.exit_code == code, (case, result.stderr)
    assert result.stderr.startswith(line), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    if json_code is None:
        assert result.stdout == ""
    else:
        answer: dict[str, Any] = json.loads(result.stdout)
        assert answer == {"error": {"code": json_code, "message": result.stderr.removeprefix("error: ").strip()}}
    assert _tree(home) == before  # nothing written


def test_global_options_work_after_the_noun(home: Path) -> None:
    env = _remote(home)
    before = runner.invoke(app, ["--json", "chain", "status"], env=env)
    after = runner.invoke(app, ["chain", "status", "--json"], env=env)
    assert before.exit_code == after.exit_code == 0
    assert json.loads(before.stdout)["profile"] == json.loads(after.stdout)["profile"] == "qbft"
    local = runner.invoke(app, ["chain", "status", "--profile", "local", "--json"], env=env)
    assert json.loads(local.stdout)["profile"] == "local"


def test_chain_status_reports_a_node_that_is_down(home: Path) -> None:
    result = runner.invoke(app, ["chain", "status", "--json"], env=_remote(home))
    assert result.exit_code == 0, result.stderr
    status = json.loads(result.stdout)
    assert (status["node"], status["block"]) == ("unreachable", None)
    assert status["problem"].startswith("cannot reach the node at http://127.0.0.1:")


def test_dal_says_its_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, "dal 0.1.0\n")


def _helps(noun: str) -> list[tuple[str, str]]:
    """The help of ``dal NOUN`` and of every command under it."""
    group = typer.main.get_command(importlib.import_module(module_of(noun)).app)
    commands = [[noun]] + [[noun, name] for name in getattr(group, "commands", {})]
    found = []
    for args in commands:
        shown = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, (args, shown.stderr)
        found.append((" ".join(args), shown.stdout))
    return found


@pytest.mark.parametrize("noun", NOUNS)
def test_help_reads_as_words_not_python_types(noun: str) -> None:
    for command, text in _helps(noun):
        for python_type in ("<bool>", "<str>", "<int>", "<path>", "<list[", "<float>"):
            assert python_type not in text, f"`dal {command} --help` shows {python_type}"


@pytest.mark.parametrize("noun", ["verify", "demo"])
def test_a_single_command_noun_has_no_spurious_subcommand_usage(noun: str) -> None:
    result = runner.invoke(app, [noun, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    usage = next(line for line in result.stdout.splitlines() if "Usage:" in line)
    assert "COMMAND" not in usage and "[ARGS]" not in usage


def test_a_file_where_the_data_home_should_be_gets_advice(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file\n")
    result = runner.invoke(app, ["account", "list", "--json"], env={"DAL_HOME": str(blocker / "home")})
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "is a file where dal needs a folder" in result.stderr
    assert "DAL_DEBUG" not in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(result.stdout)["error"]["code"] in ("EnvironmentError", "ConfigError")
    assert blocker.read_text() == "a file\n"


def test_a_data_home_that_is_not_writable_gets_advice() -> None:
    # Tests run as root here, which no folder permission stops, so the advice is checked on the error itself.
    advice = environment_advice(PermissionError(13, "Permission denied", "/srv/dal/keystores"))
    assert advice == ("permission denied on /srv/dal/keystores: dal needs to read and write there; fix its "
                      "permissions, or set DAL_HOME to a folder of yours")


def _altered(path: Path) -> None:
    document = json.loads(path.read_text())
    cipher = document["crypto"]["ciphertext"]
    document["crypto"]["ciphertext"] = ("0" if cipher[0] != "0" else "1") + cipher[1:]
    path.write_text(json.dumps(document))


def test_an_altered_keystore_is_reported_damaged_not_a_wrong_password(tmp_path: Path) -> None:
    keystore = Keystore(tmp_path / "keystores")
    keystore.create("ops", "right password", scrypt_n=2**4)
    with pytest.raises(AccountError, match="wrong password for account 'ops'"):
        keystore.unlock("ops", "wrong password")
    _altered(keystore.path("ops"))
    with pytest.raises(AccountError, match=r"the keystore of account 'ops' \(.*ops.json\) is damaged: its "
                       "encrypted key was altered since dal wrote it; no password can open it"):
        keystore.unlock("ops", "right password")


def test_one_damaged_keystore_does_not_stop_the_account_list(home: Path) -> None:
    env = _remote(home)
    keystore = Keystore(home / "keystores")
    for name in ("alpha", "beta", "gamma"):
        keystore.create(name, "password", scrypt_n=2**4)
    keystore.path("beta").write_text("{ not json")
    result = runner.invoke(app, ["account", "list", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(row["name"], row["damaged"] is None) for row in rows] == [
        ("alpha", True), ("beta", False), ("gamma", True)
    ]
    assert result.stderr.startswith("warning: the keystore ") and "beta.json is unreadable" in result.stderr
