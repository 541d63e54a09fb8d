"""Fixtures of the network tests: a clean environment, a data home with the members' keystores."""

from __future__ import annotations

from pathlib import Path

import pytest
from dal_environment import clean_environment  # noqa: F401 - a fixture, used by name

from ledger.accounts import Keystore

#: Keys of the members' accounts: keys 5-7 of the public development mnemonic (published, worthless),
#: imported as ordinary accounts, as an operator imports real ones.
MEMBER_KEYS = {
    "exchange": "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "bank": "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "regulator": "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
}
PASSWORD = "network test password"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data home holding the members' accounts."""
    path = tmp_path / "dal-home"
    keystore = Keystore(path / "keystores")
    for name, key in MEMBER_KEYS.items():
        keystore.import_key(name, key, PASSWORD, scrypt_n=2**4)
    return path


@pytest.fixture
def member_addresses() -> dict[str, str]:
    """The members' account addresses, lowercase (as Besu's allowlist lists them)."""
    from eth_account import Account

    return {name: str(Account.from_key(key).address).lower() for name, key in MEMBER_KEYS.items()}


@pytest.fixture
def member_password() -> str:
    """The password of the members' keystores."""
    return PASSWORD
