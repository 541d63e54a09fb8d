"""Profiles: which chain and which database the ledger talks to.

With no configuration at all the ledger runs the ``local`` profile: a local
development chain that the ledger starts itself, and a SQLite file, both kept
in the data directory (``DAL_HOME``, else ``~/.dal``).

A TOML file (``<home>/config.toml``, or the file named by ``DAL_CONFIG``)
defines more profiles, for example a Besu QBFT network with PostgreSQL::

    default_profile = "besu"

    [profiles.besu]
    rpc_url = "https://rpc.exchange.example:8545"
    chain_id = 1337
    poa = true
    gas_price = 0
    database_url = "postgresql+psycopg://ledger@db.example/ledger"

Environment variables override the file: ``DAL_PROFILE`` picks the profile,
and ``DAL_RPC_URL``, ``DAL_CHAIN_ID``, ``DAL_POA``, ``DAL_GAS_PRICE``,
``DAL_DATABASE_URL``, ``DAL_LOG_RANGE``, ``DAL_CONFIRMATIONS``,
``DAL_TIMEOUT``, ``DAL_RECEIPT_TIMEOUT`` and ``DAL_TX_BATCH_SIZE`` override single settings of the
chosen profile. Every problem is reported as one :class:`ConfigError` line
that names the setting and says how to fix it.

Only the ``local`` profile has a node the ledger manages; every other
profile is a network reached over standard JSON-RPC.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ledger.errors import ConfigError
from ledger.registrar_rules import RegistrarRules, parse_registrar_rules

__all__ = [
    "LOCAL_CHAIN_ID",
    "LOCAL_PROFILE",
    "LOCAL_RPC_URL",
    "Profile",
    "check_profile_name",
    "config_path",
    "data_home",
    "load_profile",
    "profile_names",
    "sqlite_path",
    "with_overrides",
]

LOCAL_PROFILE = "local"
LOCAL_CHAIN_ID = 31337
LOCAL_RPC_URL = "http://127.0.0.1:8545"

_PROFILE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
_TOP_LEVEL_KEYS = frozenset({"default_profile", "profiles"})


@dataclass(frozen=True)
class Profile:
    """One resolved, validated profile.

    ``gas_price`` is ``None`` when fees come from the node (EIP-1559); an
    integer means legacy transactions at that price in wei (``0`` on a
    free-gas network such as Besu with ``zeroBaseFee``). ``tx_batch_size`` is
    how many transactions a batch sends per JSON-RPC request (a node that runs
    the calls of one request concurrently needs ``1`` to see nonces in order).
    ``timelock_delay`` is the governance timelock's delay, in seconds, for a
    suite deployed on this profile: every upgrade and directory change waits
    it (two days unless configured; none on the local profile).
    ``managed_node`` is true only for the ``local`` profile, whose node the
    ledger starts and stops. ``registrar_rules`` are the rules of the
    registrars that have a ``[profiles.<name>.registrars.<registrar>]`` table
    (see :mod:`ledger.registrar_rules`).
    """

    name: str
    home: Path
    rpc_url: str
    chain_id: int
    database_url: str
    poa: bool = False
    gas_price: int | None = None
    log_range: int = 5000
    confirmations: int = 0
    timeout: float = 30.0
    receipt_timeout: float = 120.0
    tx_batch_size: int = 100
    timelock_delay: int = 2 * 24 * 3600
    managed_node: bool = False
    registrar_rules: tuple[RegistrarRules, ...] = ()

    @property
    def keystore_dir(self) -> Path:
        """Where encrypted keystores live (shared by every profile of this home)."""
        return self.home / "keystores"

    @property
    def deployments_file(self) -> Path:
        """The record of the suite's addresses per chain id."""
        return self.home / "deployments.json"

    @property
    def node_dir(self) -> Path:
        """Where the local node keeps its state, pid and log."""
        return self.home / "node"

    @property
    def local_port(self) -> int:
        """The port of ``rpc_url`` (the port the local node listens on)."""
        parts = urlsplit(self.rpc_url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def free_gas(self) -> bool:
        """True when transactions are sent as legacy transactions at price 0."""
        return self.gas_price == 0

    def database_exists(self) -> bool:
        """False for a SQLite file that does not exist yet (opening it would create it); True otherwise (a server
        database is asked when opened). A question that reads the store skips it, and never loads it, when False."""
        path = sqlite_path(self.database_url)
        return path is None or path in ("", ":memory:") or Path(path).exists()

    def public_database_url(self) -> str:
        """The database URL with any password replaced by ``***`` (for display)."""
        parts = urlsplit(self.database_url)
        if parts.password is None:
            return self.database_url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))


def sqlite_path(url: str) -> str | None:
    """The file a ``sqlite:///<file>`` URL names (``sqlite:////abs`` is absolute, ``sqlite:///rel`` relative to the
    working directory, as SQLAlchemy reads them); ``""`` or ``":memory:"`` for an in-memory database; ``None``
    for a URL of another database."""
    scheme, _, rest = url.partition("://")
    if scheme.split("+", 1)[0] != "sqlite":
        return None
    return rest.removeprefix("/").split("?", 1)[0]


# --- where things are -------------------------------------------------------------------------


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """The data directory: ``DAL_HOME`` if set, else ``~/.dal``."""
    env = os.environ if env is None else env
    raw = env.get("DAL_HOME", "").strip()
    home = Path(raw).expanduser() if raw else Path.home() / ".dal"
    return home.absolute()


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The config file: ``DAL_CONFIG`` if set, else ``<home>/config.toml``."""
    env = os.environ if env is None else env
    raw = env.get("DAL_CONFIG", "").strip()
    if raw:
        return Path(raw).expanduser().absolute()
    return data_home(env) / "config.toml"


def check_profile_name(name: object) -> str:
    """``name`` if it can name a profile (lowercase letters, digits, '-' or '_'), else a ConfigError."""
    if not isinstance(name, str) or not _PROFILE_NAME.match(name):
        raise ConfigError(f"profile name {name!r} is not valid; use lowercase letters, digits, '-' or '_'")
    return name


# --- reading the file -------------------------------------------------------------------------


def _read_config(path: Path, explicit: bool) -> dict[str, Any]:
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {path} does not exist: create it or unset DAL_CONFIG")
        return {}
    import tomllib  # here: it compiles its regular expressions at import (about 20 ms), and a profile may have no file

    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot parse {path}: {exc}; fix the TOML syntax") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown top-level key {unknown[0]!r}; "
            "expected 'default_profile' and [profiles.<name>] tables"
        )
    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(v, dict) for v in profiles.values()):
        raise ConfigError(f"{path}: 'profiles' must hold tables such as [profiles.besu]")
    for name in profiles:
        if not _PROFILE_NAME.match(name):
            raise ConfigError(
                f"{path}: profile name {name!r} is not valid; use lowercase letters, digits, '-' or '_'"
            )
    return document


def profile_names(env: Mapping[str, str] | None = None) -> list[str]:
    """Every profile that can be chosen: ``local`` and those in the config file."""
    env = os.environ if env is None else env
    document = _read_config(config_path(env), explicit=bool(env.get("DAL_CONFIG", "").strip()))
    names = set(document.get("profiles", {})) | {LOCAL_PROFILE}
    return sorted(names)


# --- validating single settings ---------------------------------------------------------------


def _positive_int(value: Any, *, minimum: int = 1) -> int:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, str):
        value = int(value.strip(), 0)
    if not isinstance(value, int) or value < minimum:
        raise ValueError
    return value


def _check_chain_id(value: Any) -> int:
    return _positive_int(value)


def _check_log_range(value: Any) -> int:
    return _positive_int(value)


def _check_confirmations(value: Any) -> int:
    return _positive_int(value, minimum=0)


def _check_delay(value: Any) -> int:
    return _positive_int(value, minimum=0)


def _check_tx_batch_size(value: Any) -> int:
    size = _positive_int(value)
    if size > 1000:
        raise ValueError
    return size


def _check_seconds(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError
    number = float(value)
    if not number > 0:
        raise ValueError
    return number


def _check_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError


def _check_gas_price(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().lower() == "auto":
        return None
    return _positive_int(value, minimum=0)


def _check_rpc_url(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ValueError from None
    return value.strip()


def _check_database_url(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    url = value.strip()
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme == "sqlite":
        if not url.startswith("sqlite:///"):
            raise ValueError
        return url
    if scheme == "postgresql":
        # Without a driver SQLAlchemy would pick psycopg2; the ledger ships psycopg 3.
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme == "postgresql+psycopg":
        return url
    raise ValueError


_Checker = Callable[[Any], Any]

# key -> (checker, what a valid value looks like, environment variable)
_SETTINGS: dict[str, tuple[_Checker, str, str]] = {
    "rpc_url": (_check_rpc_url, "an http:// or https:// URL", "DAL_RPC_URL"),
    "chain_id": (_check_chain_id, "a positive integer", "DAL_CHAIN_ID"),
    "poa": (_check_bool, "true or false", "DAL_POA"),
    "gas_price": (_check_gas_price, "a price in wei (0 for free gas) or \"auto\"", "DAL_GAS_PRICE"),
    "database_url": (
        _check_database_url,
        "a sqlite:///<file> or postgresql+psycopg://<user>@<host>/<db> URL",
        "DAL_DATABASE_URL",
    ),
    "log_range": (_check_log_range, "a positive number of blocks", "DAL_LOG_RANGE"),
    "confirmations": (_check_confirmations, "a number of blocks, 0 or more", "DAL_CONFIRMATIONS"),
    "timeout": (_check_seconds, "a positive number of seconds", "DAL_TIMEOUT"),
    "receipt_timeout": (_check_seconds, "a positive number of seconds", "DAL_RECEIPT_TIMEOUT"),
    "tx_batch_size": (_check_tx_batch_size, "a number of transactions from 1 to 1000", "DAL_TX_BATCH_SIZE"),
    "timelock_delay": (_check_delay, "a number of seconds, 0 or more", "DAL_TIMELOCK_DELAY"),
}


def _validated(raw: Mapping[str, Any], where: str, key_label: Callable[[str], str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _SETTINGS:
            known = ", ".join(sorted(_SETTINGS))
            raise ConfigError(f"{where}: unknown setting {key_label(key)!r}; known settings: {known}")
        checker, expected, _ = _SETTINGS[key]
        try:
            settings[key] = checker(value)
        except (ValueError, TypeError):
            raise ConfigError(
                f"{where}: {key_label(key)} must be {expected}, got {value!r}"
            ) from None
    return settings


# --- resolving a profile ----------------------------------------------------------------------


def _local_defaults(home: Path) -> dict[str, Any]:
    return {
        "rpc_url": LOCAL_RPC_URL,
        "chain_id": LOCAL_CHAIN_ID,
        "database_url": f"sqlite:///{home / 'ledger.db'}",
        # The local node runs with a zero base fee and zero gas price, like a
        # free-gas Besu network, so fresh accounts can act without funding.
        "gas_price": 0,
        # The local node (anvil) runs the calls of one JSON-RPC request
        # concurrently, and its auto-miner can lose track of a transaction that
        # arrives ahead of its predecessor: send one transaction per request.
        "tx_batch_size": 1,
        # Upgrades on a development chain need not wait; a real network configures its delay.
        "timelock_delay": 0,
    }


def load_profile(name: str | None = None, env: Mapping[str, str] | None = None) -> Profile:
    """Resolve and validate a profile.

    The name is taken from ``name`` (the CLI's ``--profile``), else
    ``DAL_PROFILE``, else the file's ``default_profile``, else ``local``.
    """
    env = os.environ if env is None else env
    home = data_home(env)
    path = config_path(env)
    document = _read_config(path, explicit=bool(env.get("DAL_CONFIG", "").strip()))
    profiles: dict[str, dict[str, Any]] = document.get("profiles", {})

    chosen = name or env.get("DAL_PROFILE", "").strip() or document.get("default_profile") or LOCAL_PROFILE
    chosen = check_profile_name(chosen)
    if chosen != LOCAL_PROFILE and chosen not in profiles:
        known = ", ".join(sorted(set(profiles) | {LOCAL_PROFILE}))
        raise ConfigError(
            f"unknown profile {chosen!r} (known: {known}); define [profiles.{chosen}] in {path}"
        )

    table = dict(profiles.get(chosen, {}))
    rules = parse_registrar_rules(table.pop("registrars", {}), f"{path}: profiles.{chosen}")
    from_file = _validated(table, str(path), lambda key: f"profiles.{chosen}.{key}")
    env_raw = {key: env[var] for key, (_, _, var) in _SETTINGS.items() if env.get(var, "").strip()}
    from_env = _validated(env_raw, "environment", lambda key: _SETTINGS[key][2])

    if chosen == LOCAL_PROFILE:
        settings = {**_local_defaults(home), **from_file, **from_env}
    else:
        settings = {"database_url": f"sqlite:///{home / f'ledger-{chosen}.db'}", **from_file, **from_env}
        for required in ("rpc_url", "chain_id"):
            if required not in settings:
                raise ConfigError(
                    f"{path}: profile {chosen!r} needs {required} "
                    f"(set profiles.{chosen}.{required} or {_SETTINGS[required][2]})"
                )

    profile = Profile(name=chosen, home=home, managed_node=chosen == LOCAL_PROFILE, registrar_rules=rules,
                      **settings)
    if profile.managed_node:
        _check_local_url(profile)
    return profile


def _check_local_url(profile: Profile) -> None:
    parts = urlsplit(profile.rpc_url)
    if parts.scheme != "http" or parts.hostname not in _LOCAL_HOSTS or parts.port is None:
        raise ConfigError(
            f"the local profile's rpc_url must be http://127.0.0.1:<port>, got {profile.rpc_url!r}; "
            "use another profile name for a remote node"
        )


def with_overrides(profile: Profile, **changes: Any) -> Profile:
    """A copy of ``profile`` with some settings changed (validated like the file's)."""
    settings = _validated(changes, f"profile {profile.name!r}", lambda key: key)
    return replace(profile, **settings)

