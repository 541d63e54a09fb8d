"""Profiles: defaults, the TOML file, environment overrides and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.config import (
    LOCAL_CHAIN_ID,
    LOCAL_RPC_URL,
    config_path,
    data_home,
    load_profile,
    profile_names,
    with_overrides,
)
from ledger.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "config.example.toml"


def _write(tmp_path: Path, text: str) -> dict[str, str]:
    (tmp_path / "config.toml").write_text(text)
    return {"DAL_HOME": str(tmp_path)}


def test_no_configuration_gives_the_local_profile_in_the_data_directory(tmp_path: Path) -> None:
    profile = load_profile(env={"DAL_HOME": str(tmp_path)})
    assert profile.name == "local"
    assert profile.managed_node
    assert profile.rpc_url == LOCAL_RPC_URL
    assert profile.chain_id == LOCAL_CHAIN_ID
    assert profile.database_url == f"sqlite:///{tmp_path / 'ledger.db'}"
    assert profile.keystore_dir == tmp_path / "keystores"
    assert profile.deployments_file == tmp_path / "deployments.json"
    assert profile.free_gas
    assert profile.tx_batch_size == 1  # the local node runs the calls of one request concurrently


def test_data_home_defaults_to_dot_dal_in_the_user_home() -> None:
    assert data_home({}) == Path.home() / ".dal"
    assert config_path({}) == Path.home() / ".dal" / "config.toml"


def test_the_committed_example_loads_and_validates(tmp_path: Path) -> None:
    env = {"DAL_HOME": str(tmp_path), "DAL_CONFIG": str(EXAMPLE)}
    besu = load_profile(env=env)
    assert besu.name == "besu"
    assert not besu.managed_node
    assert besu.poa
    assert besu.gas_price == 0
    assert besu.chain_id == 1337
    assert besu.rpc_url.startswith("https://")
    assert besu.database_url.startswith("postgresql+psycopg://")
    assert besu.log_range == 5000
    assert besu.confirmations == 0
    assert besu.tx_batch_size == 100
    local = load_profile("local", env=env)
    assert local.managed_node
    assert local.database_url.startswith("postgresql+psycopg://")
    assert profile_names(env) == ["besu", "local"]


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    env = _write(tmp_path, '[profiles.qbft]\nrpc_url = "http://10.0.0.5:8545"\nchain_id = 2024\n')
    env |= {
        "DAL_PROFILE": "qbft",
        "DAL_RPC_URL": "http://10.0.0.6:8545",
        "DAL_POA": "true",
        "DAL_GAS_PRICE": "auto",
        "DAL_DATABASE_URL": "postgresql://ledger:secret@db/ledger",
        "DAL_CONFIRMATIONS": "2",
    }
    profile = load_profile(env=env)
    assert profile.name == "qbft"
    assert profile.rpc_url == "http://10.0.0.6:8545"
    assert profile.chain_id == 2024
    assert profile.poa
    assert profile.gas_price is None
    assert profile.confirmations == 2
    # A driverless PostgreSQL URL gets the psycopg 3 driver the ledger ships with.
    assert profile.database_url == "postgresql+psycopg://ledger:secret@db/ledger"
    assert profile.public_database_url() == "postgresql+psycopg://ledger:***@db/ledger"


def test_explicit_name_beats_environment_and_default(tmp_path: Path) -> None:
    env = _write(
        tmp_path,
        'default_profile = "a"\n[profiles.a]\nrpc_url = "http://a:1"\nchain_id = 1\n'
        '[profiles.b]\nrpc_url = "http://b:1"\nchain_id = 2\n',
    )
    assert load_profile(env=env).name == "a"
    assert load_profile(env=env | {"DAL_PROFILE": "b"}).name == "b"
    assert load_profile("local", env=env | {"DAL_PROFILE": "b"}).name == "local"


def test_a_remote_profile_defaults_to_its_own_sqlite_file(tmp_path: Path) -> None:
    env = _write(tmp_path, '[profiles.qbft]\nrpc_url = "http://10.0.0.5:8545"\nchain_id = 7\n')
    profile = load_profile("qbft", env=env)
    assert profile.database_url == f"sqlite:///{tmp_path / 'ledger-qbft.db'}"
    assert profile.gas_price is None


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("", {"DAL_PROFILE": "besu"}, "unknown profile 'besu' (known: local); define [profiles.besu]"),
        ("[profiles.x]\nrpc_url = \n", {}, "cannot parse"),
        ("colour = 'blue'\n", {}, "unknown top-level key 'colour'"),
        ("[profiles.x]\nchain_id = 1\n", {"DAL_PROFILE": "x"}, "profile 'x' needs rpc_url"),
        ("[profiles.x]\nrpc_url = 'http://h:1'\n", {"DAL_PROFILE": "x"}, "profile 'x' needs chain_id"),
        (
            "[profiles.x]\nrpc_url = 'ws://h:1'\nchain_id = 1\n",
            {"DAL_PROFILE": "x"},
            "profiles.x.rpc_url must be an http:// or https:// URL, got 'ws://h:1'",
        ),
        (
            "[profiles.x]\nrpc_url = 'http://h:1'\nchain_id = -3\n",
            {"DAL_PROFILE": "x"},
            "profiles.x.chain_id must be a positive integer, got -3",
        ),
        (
            "[profiles.x]\nrpc_url = 'http://h:1'\nchain_id = 1\nchainid = 2\n",
            {"DAL_PROFILE": "x"},
            "unknown setting 'profiles.x.chainid'",
        ),
        (
            "[profiles.x]\nrpc_url = 'http://h:1'\nchain_id = 1\ndatabase_url = 'mysql://db'\n",
            {"DAL_PROFILE": "x"},
            "profiles.x.database_url must be a sqlite:///<file> or postgresql+psycopg://",
        ),
        ("", {"DAL_CHAIN_ID": "abc"}, "environment: DAL_CHAIN_ID must be a positive integer, got 'abc'"),
        ("", {"DAL_POA": "maybe"}, "DAL_POA must be true or false"),
        ("", {"DAL_TX_BATCH_SIZE": "5000"}, "DAL_TX_BATCH_SIZE must be a number of transactions from 1 to 1000"),
        ("", {"DAL_RPC_URL": "http://10.1.1.1:8545"}, "the local profile's rpc_url must be http://127.0.0.1"),
        ("[profiles.Bad]\n", {}, "profile name 'Bad' is not valid"),
    ],
)
def test_bad_configuration_is_one_line_saying_what_to_fix(
    tmp_path: Path, text: str, env: dict[str, str], expected: str
) -> None:
    full_env = _write(tmp_path, text) | env
    with pytest.raises(ConfigError) as caught:
        load_profile(env=full_env)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_a_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    env = {"DAL_HOME": str(tmp_path), "DAL_CONFIG": str(tmp_path / "nope.toml")}
    with pytest.raises(ConfigError, match="does not exist: create it or unset DAL_CONFIG"):
        load_profile(env=env)


def test_overrides_are_validated(tmp_path: Path) -> None:
    profile = load_profile(env={"DAL_HOME": str(tmp_path)})
    assert with_overrides(profile, rpc_url="http://127.0.0.1:9999").local_port == 9999
    with pytest.raises(ConfigError, match="log_range must be a positive number of blocks"):
        with_overrides(profile, log_range=0)
