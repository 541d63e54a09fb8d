"""Encrypted keystores: creating, importing, unlocking, and the development consortium."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from ledger.accounts import DEVELOPMENT_ACCOUNTS, DEVELOPMENT_PASSWORD, Keystore, password_from_env
from ledger.errors import AccountError, NotFoundError, ValidationError

FAST = 2**10  # scrypt cost for throwaway test keys; the default is checked once below
# Account #1 of the public development mnemonic (a published test vector, worthless).
KNOWN_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
KNOWN_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


@pytest.fixture
def keystore(tmp_path: Path) -> Keystore:
    return Keystore(tmp_path / "keystores")


def test_a_new_account_unlocks_with_its_password_and_only_with_it(keystore: Keystore) -> None:
    info = keystore.create("treasury", "correct horse", scrypt_n=FAST)
    assert keystore.unlock("treasury", "correct horse").address == info.address
    with pytest.raises(AccountError) as caught:
        keystore.unlock("treasury", "wrong horse")
    assert str(caught.value) == (
        "wrong password for account 'treasury'; check DAL_PASSWORD_TREASURY or DAL_PASSWORD, or type it again"
    )


def test_new_keystores_use_scrypt_at_full_cost_and_private_file_modes(keystore: Keystore) -> None:
    info = keystore.create("vault", "pw")
    document = json.loads(info.path.read_text())
    assert document["crypto"]["kdf"] == "scrypt"
    assert document["crypto"]["kdfparams"]["n"] == 2**18
    assert "development" not in document
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keystore.directory.stat().st_mode) == 0o700


def test_importing_a_key_keeps_its_address_and_never_stores_it_in_clear(keystore: Keystore) -> None:
    info = keystore.import_key("imported", KNOWN_KEY, "pw", scrypt_n=FAST)
    assert info.address == KNOWN_ADDRESS
    text = info.path.read_text()
    assert KNOWN_KEY.removeprefix("0x") not in text.lower()
    assert bytes(keystore.unlock("imported", "pw").key).hex() == KNOWN_KEY.removeprefix("0x")


@pytest.mark.parametrize("bad", ["0x1234", "zz" * 32, "0x" + "00" * 32, "f" * 64])
def test_a_malformed_private_key_is_refused_without_echoing_it(keystore: Keystore, bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        keystore.import_key("imported", bad, "pw", scrypt_n=FAST)
    assert bad.removeprefix("0x") not in str(caught.value)
    assert not keystore.exists("imported")


def test_an_existing_name_is_never_overwritten(keystore: Keystore) -> None:
    first = keystore.create("ops", "pw", scrypt_n=FAST)
    before = first.path.read_bytes()
    with pytest.raises(AccountError, match="an account named 'ops' already exists"):
        keystore.import_key("ops", KNOWN_KEY, "pw", scrypt_n=FAST)
    assert first.path.read_bytes() == before


@pytest.mark.parametrize("bad", ["Admin", "1st", "a b", "x" * 33, "../escape", ""])
def test_account_names_are_checked(keystore: Keystore, bad: str) -> None:
    with pytest.raises(ValidationError, match="is not valid"):
        keystore.create(bad, "pw", scrypt_n=FAST)


def test_an_unknown_account_says_how_to_create_it(keystore: Keystore) -> None:
    with pytest.raises(NotFoundError, match="create it with `dal account new ghost`"):
        keystore.unlock("ghost", "pw")


def test_passwords_come_from_the_specific_variable_then_the_general_one() -> None:
    env = {"DAL_PASSWORD": "general", "DAL_PASSWORD_MERCHANT_A": "specific"}
    assert password_from_env("merchant-a", env) == "specific"
    assert password_from_env("bank", env) == "general"
    assert password_from_env("bank", {}) is None


def test_unlock_with_asks_the_prompt_only_when_the_environment_has_no_password(keystore: Keystore) -> None:
    keystore.create("clerk", "from-prompt", scrypt_n=FAST)
    asked: list[str] = []

    def prompt(name: str) -> str:
        asked.append(name)
        return "from-prompt"

    keystore.unlock_with("clerk", allow_development=False, env={}, prompt=prompt)
    assert asked == ["clerk"]
    with pytest.raises(AccountError, match="wrong password for account 'clerk'"):
        keystore.unlock_with("clerk", allow_development=False, env={"DAL_PASSWORD": "x"}, prompt=prompt)
    assert asked == ["clerk"]
    with pytest.raises(AccountError, match="no password for account 'clerk': set DAL_PASSWORD_CLERK"):
        keystore.unlock_with("clerk", allow_development=False, env={}, prompt=None)


def test_development_consortium_derives_the_public_development_accounts(keystore: Keystore) -> None:
    infos = keystore.create_development_accounts(local_profile=True)
    assert [info.name for info in infos] == list(DEVELOPMENT_ACCOUNTS)
    assert infos[0].address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert infos[1].address == KNOWN_ADDRESS
    document = json.loads(infos[0].path.read_text())
    assert document["development"] is True
    assert "DEVELOPMENT ACCOUNT" in document["comment"]
    assert keystore.unlock("registrar", DEVELOPMENT_PASSWORD).address == KNOWN_ADDRESS
    assert keystore.unlock_with("registrar", allow_development=True, env={}).address == KNOWN_ADDRESS
    # Running it again keeps what exists.
    assert keystore.create_development_accounts(local_profile=True) == infos
    assert [info.name for info in keystore.accounts()] == sorted(DEVELOPMENT_ACCOUNTS)


def test_development_accounts_are_refused_outside_the_local_profile(keystore: Keystore) -> None:
    with pytest.raises(AccountError, match="development accounts exist only on the local profile"):
        keystore.create_development_accounts(local_profile=False)
    assert keystore.accounts() == []
    keystore.create_development_accounts(local_profile=True)
    with pytest.raises(AccountError, match="'admin' is a development account whose key is public"):
        keystore.unlock_with("admin", allow_development=False, env={"DAL_PASSWORD": DEVELOPMENT_PASSWORD})


def test_a_corrupt_keystore_is_one_clear_error(keystore: Keystore) -> None:
    keystore.directory.mkdir(parents=True)
    (keystore.directory / "broken.json").write_text("{not json")
    with pytest.raises(AccountError, match="is unreadable"):
        keystore.info("broken")
