"""`dal network init`: the files an operator starts the consortium's Besu network from.

The genesis, the permissioning file and the compose file are read back with the parsers Besu and
Docker Compose stand for here (json, tomllib, yaml); the extraData is decoded in Besu's format; the
node keys are checked against the validators they must sign as; the profile is loaded by dal itself.
"""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from besu_vectors import GENERATED_VALIDATORS, NODE_0_KEY_FILE, NODE_0_PUBLIC_KEY_FILE
from eth_account import Account
from typer.testing import CliRunner

from cli.main import app
from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import DEPLOYED_CONTRACTS
from ledger.config import load_profile
from ledger.errors import ConfigError
from ledger.network.compose import RPC_APIS
from ledger.network.extra_data import QbftExtraData
from ledger.network.genesis import (
    BFT_MIX_HASH,
    GAS_PER_REGISTRATION,
    GOAL_BATCHED_CERTIFICATES_PER_SECOND,
)
from ledger.network.keys import NodeKey, read_node_key, write_node_key

runner = CliRunner()


def _init(home: Path, *args: str) -> Any:
    return runner.invoke(app, ["--json", "network", "init", *args], env={"DAL_HOME": str(home)})


@pytest.fixture
def network(home: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A four-validator network of three members."""
    out = tmp_path / "net"
    result = _init(home, "-o", str(out), "--validators", "4", "--member", "exchange", "--member", "bank",
                   "--member", "regulator", "--block-period", "1", "--chain-id", "2026", "--log-range", "1000")
    assert result.exit_code == 0, result.stderr
    return out, json.loads(result.stdout)


def test_the_genesis_lists_the_validators_in_besus_extra_data_and_sets_a_free_gas_qbft_chain(
    network: tuple[Path, dict[str, Any]],
) -> None:
    out, answer = network
    genesis = json.loads((out / "genesis.json").read_text())
    extra = QbftExtraData.decode(bytes.fromhex(genesis["extraData"][2:]))
    assert list(extra.validators) == [v["address"] for v in answer["validators"]]
    assert (extra.vote, extra.round, extra.seals) == (None, 0, ())
    config = genesis["config"]
    assert config["chainId"] == 2026 and config["zeroBaseFee"] is True
    assert config["qbft"]["blockperiodseconds"] == 1
    assert (genesis["mixHash"], genesis["difficulty"], genesis["alloc"]) == (BFT_MIX_HASH, "0x1", {})
    # The gas limit carries the goal: 5,000 certificates of ~120,000 gas a second, with headroom.
    assert int(genesis["gasLimit"], 16) >= GOAL_BATCHED_CERTIFICATES_PER_SECOND * GAS_PER_REGISTRATION
    assert answer["gas_limit_meets_goal"] is True
    assert "5,000 certificates in batches" in (out / "gas-limit.md").read_text()
    # Every contract of the suite fits under the network's contract size limit.
    for name in DEPLOYED_CONTRACTS:
        assert len(bytes.fromhex(load_artifact(name).deployed_bytecode[2:])) <= config["contractSizeLimit"]


def test_each_validator_has_its_own_owner_only_key_that_signs_as_its_listed_address(
    network: tuple[Path, dict[str, Any]],
) -> None:
    out, answer = network
    seen = set()
    for validator in answer["validators"]:
        path = out / validator["name"] / "key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE((out / validator["name"]).stat().st_mode) == 0o700
        key = read_node_key(path)
        assert key.address == validator["address"] == Account.from_key(key.private_key).address
        assert validator["enode"].startswith(f"enode://{key.public_key.hex()}@172.28.0.")
        assert (out / validator["name"] / "key.pub").read_text() == "0x" + key.public_key.hex()
        seen.add(key.private_key)
    assert len(seen) == 4


def test_no_node_key_is_ever_printed(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "net"
    for json_mode in (True, False):
        target = out / str(json_mode)
        args = ["--json"] if json_mode else []
        result = runner.invoke(app, [*args, "network", "init", "-o", str(target), "--validators", "2",
                                     "--member", "bank"], env={"DAL_HOME": str(home)})
        assert result.exit_code == 0, result.stderr
        for key_file in target.glob("validator-*/key"):
            secret = key_file.read_text().removeprefix("0x")
            assert secret not in result.stdout and secret not in result.stderr
            for name in ("genesis.json", "docker-compose.yml", "dal.toml", "network.json", "permissions_config.toml"):
                assert secret not in (target / name).read_text()


def test_the_permissioning_file_allows_every_validator_node_and_every_members_account(
    network: tuple[Path, dict[str, Any]], member_addresses: dict[str, str]
) -> None:
    out, answer = network
    with (out / "permissions_config.toml").open("rb") as handle:
        allowlists = tomllib.load(handle)
    assert allowlists["nodes-allowlist"] == [v["enode"] for v in answer["validators"]]
    assert allowlists["accounts-allowlist"] == [member_addresses[n] for n in ("exchange", "bank", "regulator")]


def test_the_compose_file_runs_every_validator_on_besu_beside_postgres_the_oracle_and_the_api(
    network: tuple[Path, dict[str, Any]],
) -> None:
    out, answer = network
    compose = yaml.safe_load((out / "docker-compose.yml").read_text())
    services = compose["services"]
    names = [v["name"] for v in answer["validators"]]
    assert set(services) == {*names, "postgres", "oracle", "api"}
    for validator in answer["validators"]:
        service = services[validator["name"]]
        assert service["image"].startswith("hyperledger/besu:")
        flags = service["command"]
        for flag in ("--min-gas-price=0", "--rpc-max-logs-range=1000", f"--rpc-http-api={','.join(RPC_APIS)}",
                     "--permissions-nodes-config-file-enabled", "--permissions-accounts-config-file-enabled",
                     "--genesis-file=/config/genesis.json", "--node-private-key-file=/config/key"):
            assert flag in flags
        assert f"./{validator['name']}/key:/config/key:ro" in service["volumes"]
        ip = service["networks"]["ledger"]["ipv4_address"]
        assert validator["enode"].endswith(f"@{ip}:30303")
        bootnodes = next(f for f in flags if f.startswith("--bootnodes="))
        assert set(bootnodes.removeprefix("--bootnodes=").split(",")) == {
            v["enode"] for v in answer["validators"] if v["name"] != validator["name"]
        }
    assert "DEBUG" not in RPC_APIS and "ADMIN" not in RPC_APIS
    assert services[names[0]]["ports"] == ["127.0.0.1:8545:8545"]
    assert services["oracle"]["command"][-2:] == ["oracle", "run"]
    assert "serve" in services["api"]["command"]
    assert "POSTGRES_PASSWORD" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]  # from the environment


def test_the_generated_profile_loads_with_the_settings_a_besu_qbft_network_needs(
    network: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    out, _ = network
    profile = load_profile(env={"DAL_CONFIG": str(out / "dal.toml"), "DAL_HOME": str(tmp_path / "h")})
    assert (profile.name, profile.chain_id, profile.poa, profile.gas_price, profile.log_range) == (
        "consortium", 2026, True, 0, 1000
    )
    assert (profile.confirmations, profile.managed_node, profile.rpc_url) == (0, False, "http://127.0.0.1:8545")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--validators", "0", "--member", "bank"], "error: --validators must be from 1 to 64, got 0;"),
        (["--validators", "2", "--member", "nobody"], "error: no account named 'nobody' in "),
        (["--validators", "2", "--member", "bank", "--member", "bank"], "error: a member is named twice;"),
        (["--validators", "2", "--member", "bank", "--block-period", "0"],
         "error: the block period must be at least 1 second, got 0"),
        (["--validators", "2", "--member", "bank", "--name", "Bad Name"], "error: profile name 'Bad Name' is not"),
        (["--validators", "2", "--member", "bank", "--chain-id", "0"], "error: the chain id must be a positive"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(home: Path, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "net"
    result = _init(home, "-o", str(out), *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    # Under --json the same error is the one document on stdout.
    assert json.loads(result.stdout)["error"]["message"] == result.stderr.removeprefix("error: ").strip()
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["dal-home"]  # no staging folder left behind


def test_a_development_account_is_refused_as_a_member(home: Path, tmp_path: Path) -> None:
    from ledger.accounts import Keystore

    Keystore(home / "keystores").create_development_accounts(local_profile=True)
    result = _init(home, "-o", str(tmp_path / "net"), "--validators", "1", "--member", "admin")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: account 'admin' is a development account whose key is public;")
    assert not (tmp_path / "net").exists()


def test_a_folder_that_is_not_empty_is_kept_unless_forced_and_then_set_aside(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "net"
    out.mkdir()
    (out / "notes.txt").write_text("an operator's notes")
    refused = _init(home, "-o", str(out), "--validators", "1", "--member", "bank")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"error: {out} is not empty; choose a new folder, or pass --force")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]

    forced = _init(home, "-o", str(out), "--validators", "1", "--member", "bank", "--force")
    assert forced.exit_code == 0, forced.stderr
    kept = Path(json.loads(forced.stdout)["replaced"])
    assert (kept / "notes.txt").read_text() == "an operator's notes"
    assert (out / "genesis.json").exists() and not (out / "notes.txt").exists()


def test_a_gas_limit_below_the_goal_is_written_and_said_to_fall_short(home: Path, tmp_path: Path) -> None:
    result = _init(home, "-o", str(tmp_path / "net"), "--validators", "1", "--member", "bank",
                   "--gas-limit", "30000000")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["gas_limit_meets_goal"] is False
    genesis = json.loads((tmp_path / "net" / "genesis.json").read_text())
    assert int(genesis["gasLimit"], 16) == 30_000_000
    assert "below that: the goal cannot be met" in (tmp_path / "net" / "gas-limit.md").read_text()


def test_a_folder_under_a_file_is_refused_in_one_line(home: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = _init(home, "-o", str(blocker / "net"), "--validators", "1", "--member", "bank")
    assert result.exit_code == 1
    assert result.stderr == f"error: {blocker} is a file, not a folder; choose another -o DIR\n"
    assert blocker.read_text() == "not a folder"


def test_a_key_file_written_by_besu_reads_as_the_node_its_public_key_file_names(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text(NODE_0_KEY_FILE)
    path.chmod(0o600)
    key = read_node_key(path)
    assert "0x" + key.public_key.hex() == NODE_0_PUBLIC_KEY_FILE
    assert key.address.lower() in GENERATED_VALIDATORS  # the node is one of its network's validators
    assert NODE_0_KEY_FILE.removeprefix("0x") not in repr(key)


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text(NODE_0_KEY_FILE)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match=f"{path} can be read by others than its owner: run `chmod 600 {path}`"):
        read_node_key(path)


def test_a_node_key_is_never_overwritten(tmp_path: Path) -> None:
    write_node_key(tmp_path, NodeKey.generate())
    before = (tmp_path / "key").read_text()
    with pytest.raises(ConfigError, match="already exists: a node key is never overwritten"):
        write_node_key(tmp_path, NodeKey.generate())
    assert (tmp_path / "key").read_text() == before
