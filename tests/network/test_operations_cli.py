"""`dal network validators | propose | allow`: operating the network.

The qbft_* calls are a protocol test of our client: anvil does not implement QBFT and Besu cannot
run here, so a small real JSON-RPC server on 127.0.0.1 answers as Besu's API reference documents
(https://besu.hyperledger.org/private-networks/reference/api#qbft-methods: qbft_getValidatorsByBlockNumber
takes a block number or tag and returns the validators' addresses; qbft_proposeValidatorVote takes
an address and true to add or false to remove, and returns true; perm_reloadPermissionsFromFile takes
no parameters and returns "Success"; a method whose API is not enabled is refused with code -32604,
"Method not enabled"). The test checks the exact requests dal sends
and how it reads the answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from besu_rpc import VALIDATORS, BesuLike
from typer.testing import CliRunner

from cli.main import app
from ledger.network.permissions import read_allowlists

runner = CliRunner()
NODE_ID = "6f8a80d14311c39f35f516fa664deaaaa13e85b2f7493f37f6144d86991ec012937307647bd3b9a82abe2974e1407241d54947bbb39763a4cac9f77166ad92a0"


@pytest.fixture
def besu() -> Iterator[BesuLike]:
    with BesuLike() as node:
        yield node


def _env(home: Path, url: str) -> dict[str, str]:
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(
        f'default_profile = "consortium"\n[profiles.consortium]\nrpc_url = "{url}"\nchain_id = 2026\n'
        "poa = true\ngas_price = 0\ntimeout = 2\n"
    )
    return {"DAL_HOME": str(home)}


def test_validators_asks_for_the_latest_blocks_validators_and_lists_them(besu: BesuLike, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--json", "network", "validators"], env=_env(tmp_path / "h", besu.url))
    assert result.exit_code == 0, result.stderr
    assert besu.qbft_requests() == [("qbft_getValidatorsByBlockNumber", ["latest"])]
    answer = json.loads(result.stdout)
    assert [a.lower() for a in answer["validators"]] == VALIDATORS
    assert answer["validators"][0] == "0x647BfdD19655e51E69D35454fF3A92F8828e6302"


def test_validators_at_a_block_number_sends_it_in_hex(besu: BesuLike, tmp_path: Path) -> None:
    result = runner.invoke(app, ["network", "validators", "--block", "7528"], env=_env(tmp_path / "h", besu.url))
    assert result.exit_code == 0, result.stderr
    assert besu.qbft_requests() == [("qbft_getValidatorsByBlockNumber", ["0x1d68"])]
    assert "0x647BfdD19655e51E69D35454fF3A92F8828e6302" in result.stdout


@pytest.mark.parametrize(("vote", "flag"), [("add", True), ("remove", False)])
def test_propose_votes_through_qbft_propose_validator_vote(
    besu: BesuLike, tmp_path: Path, vote: str, flag: bool
) -> None:
    address = "0xB92E91F4DCC9D28503BE521AFA2A8FBF3C1ACF60"
    result = runner.invoke(app, ["--json", "network", "propose", vote, address], env=_env(tmp_path / "h", besu.url))
    assert result.exit_code == 0, result.stderr
    assert besu.qbft_requests() == [("qbft_proposeValidatorVote", [address.lower(), flag])]
    assert json.loads(result.stdout)["accepted_by_node"] is True


def test_a_node_without_the_qbft_api_is_one_line_naming_the_flag(tmp_path: Path) -> None:
    with BesuLike(qbft_enabled=False) as node:
        result = runner.invoke(app, ["network", "validators"], env=_env(tmp_path / "h", node.url))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the node does not offer qbft_getValidatorsByBlockNumber (Method not enabled); enable the QBFT API "
        "on it (--rpc-http-api=ETH,NET,WEB3,QBFT,...) or point the profile at a node that has it\n"
    )


def test_a_bad_block_is_refused_in_one_line(besu: BesuLike, tmp_path: Path) -> None:
    result = runner.invoke(app, ["network", "validators", "--block", "12a"], env=_env(tmp_path / "h", besu.url))
    assert result.exit_code == 1
    assert result.stderr == "error: --block '12a' is not a block number or 'latest'\n"
    assert besu.qbft_requests() == []


def test_a_bad_validator_address_is_refused_before_any_vote(besu: BesuLike, tmp_path: Path) -> None:
    result = runner.invoke(app, ["network", "propose", "add", "0x1234"], env=_env(tmp_path / "h", besu.url))
    assert result.exit_code == 1
    assert result.stderr == "error: '0x1234' is not a validator address: give 0x and 40 hex digits\n"
    assert besu.qbft_requests() == []


def _network(tmp_path: Path) -> Path:
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "permissions_config.toml").write_text(
        f'accounts-allowlist=["0x647bfdd19655e51e69d35454ff3a92f8828e6302"]\n'
        f'nodes-allowlist=["enode://{NODE_ID}@172.28.0.11:30303"]\n'
    )
    return folder


def test_allow_adds_a_node_and_an_account_to_the_permissioning_file(tmp_path: Path) -> None:
    folder = _network(tmp_path)
    other = "ab" * 64
    node = runner.invoke(app, ["--json", "network", "allow", "node", f"enode://{other.upper()}@10.1.2.3:30303",
                               "--dir", str(folder)])
    assert node.exit_code == 0, node.stderr
    assert json.loads(node.stdout)["added"] is True
    account = runner.invoke(app, ["network", "allow", "account", "0xA5C8416B9D13417B45B45ADA76408F39D1E504EF",
                                  "--dir", str(folder)])
    assert account.exit_code == 0, account.stderr
    lists = read_allowlists(folder / "permissions_config.toml")
    assert lists.nodes == (f"enode://{NODE_ID}@172.28.0.11:30303", f"enode://{other}@10.1.2.3:30303")
    assert lists.accounts == tuple(VALIDATORS)
    again = runner.invoke(app, ["--json", "network", "allow", "account", VALIDATORS[1], "--dir", str(folder)])
    assert json.loads(again.stdout)["added"] is False


def test_allow_with_reload_has_the_node_read_the_file_again(besu: BesuLike, tmp_path: Path) -> None:
    folder = _network(tmp_path)
    env = _env(tmp_path / "h", besu.url)
    result = runner.invoke(app, ["--json", "network", "allow", "account", VALIDATORS[1], "--dir", str(folder),
                                 "--reload"], env=env)
    assert result.exit_code == 0, result.stderr
    assert besu.qbft_requests("perm_") == [("perm_reloadPermissionsFromFile", [])]
    assert json.loads(result.stdout)["reloaded"] is True
    assert read_allowlists(folder / "permissions_config.toml").accounts == tuple(VALIDATORS)


def test_a_node_at_a_new_address_is_a_new_entry_until_the_old_one_is_removed(tmp_path: Path) -> None:
    folder = _network(tmp_path)
    moved = f"enode://{NODE_ID}@10.9.9.9:30303"
    result = runner.invoke(app, ["network", "allow", "node", moved, "--dir", str(folder)])
    assert result.exit_code == 0, result.stderr
    old = f"enode://{NODE_ID}@172.28.0.11:30303"
    assert read_allowlists(folder / "permissions_config.toml").nodes == (old, moved)
    removed = runner.invoke(app, ["--json", "network", "disallow", "node", old, "--dir", str(folder)])
    assert removed.exit_code == 0, removed.stderr
    assert json.loads(removed.stdout)["removed"] is True
    assert read_allowlists(folder / "permissions_config.toml").nodes == (moved,)
    again = runner.invoke(app, ["--json", "network", "disallow", "node", old, "--dir", str(folder)])
    assert json.loads(again.stdout)["removed"] is False


def test_disallow_removes_an_account(tmp_path: Path) -> None:
    folder = _network(tmp_path)
    result = runner.invoke(app, ["network", "disallow", "account", VALIDATORS[0].upper().replace("0X", "0x"),
                                 "--dir", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert read_allowlists(folder / "permissions_config.toml").accounts == ()


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("node", "enode://abc@10.0.0.1:30303", "is not an enode URL: give enode://<128 hex digits"),
        ("node", f"enode://{NODE_ID}@10.0.0.1", "is not an enode URL"),
        ("node", f"enode://{NODE_ID}@10.0.0.1:70000", "has port 70000, outside 1-65535"),
        ("account", "0xnothex", "is not an account address: give 0x and 40 hex digits"),
    ],
)
def test_allow_refuses_a_malformed_entry_and_leaves_the_file_as_it_was(
    tmp_path: Path, kind: str, value: str, message: str
) -> None:
    folder = _network(tmp_path)
    before = (folder / "permissions_config.toml").read_text()
    result = runner.invoke(app, ["network", "allow", kind, value, "--dir", str(folder)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and message in result.stderr and result.stderr.count("\n") == 1
    assert (folder / "permissions_config.toml").read_text() == before
    assert sorted(p.name for p in folder.iterdir()) == ["permissions_config.toml"]


def test_allow_without_a_network_folder_says_how_to_make_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["network", "allow", "account", VALIDATORS[0], "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path / 'permissions_config.toml'} does not exist: create the network with `dal network init`\n"
    )
