"""Encrypted keystores: the named accounts the ledger signs with.

Each account is a standard Ethereum keystore (version 3, scrypt KDF) in
``<home>/keystores/<name>.json``, readable by any wallet. Keys are decrypted
only in memory, when an account acts, with a password taken from
``DAL_PASSWORD_<NAME>`` (name upper-cased, ``-`` as ``_``), else
``DAL_PASSWORD``, else an interactive prompt. Private keys are never logged,
stored in the database or written anywhere unencrypted.

**Development accounts.** On the ``local`` profile only, the ledger creates
the development consortium (``admin``, ``registrar``, ``merchant-a`` ...)
from the publicly known development mnemonic that local nodes fund at
start. Anyone can derive these keys: their keystores carry
``"development": true`` and a warning, are encrypted with the known password
:data:`DEVELOPMENT_PASSWORD`, and the ledger refuses to unlock them on any
other profile.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_utils.address import to_checksum_address

from ledger.errors import AccountError, NotFoundError, ValidationError

if TYPE_CHECKING:  # eth-account loads its keystore and BLS code: imported where a key is made or opened
    from eth_account.signers.local import LocalAccount

__all__ = [
    "DEVELOPMENT_ACCOUNTS",
    "DEVELOPMENT_MNEMONIC",
    "DEVELOPMENT_PASSWORD",
    "AccountInfo",
    "Keystore",
    "PasswordPrompt",
    "password_from_env",
]

# The mnemonic every local development node (anvil, hardhat) funds at start.
# PUBLIC KNOWLEDGE: keys derived from it protect nothing.
DEVELOPMENT_MNEMONIC = "test test test test test test test test test test test junk"
# The password of every development keystore. Also public, on purpose.
DEVELOPMENT_PASSWORD = "development"
# Name -> index in the mnemonic's m/44'/60'/0'/0/<index> path.
DEVELOPMENT_ACCOUNTS: tuple[str, ...] = (
    "admin",
    "registrar",
    "merchant-a",
    "merchant-b",
    "merchant-c",
    "bank",
    "bank-b",
    "auditor",
    "oracle",
)
_DEVELOPMENT_WARNING = (
    "DEVELOPMENT ACCOUNT - its key derives from a public mnemonic and its password is "
    f"{DEVELOPMENT_PASSWORD!r}; it is for the local chain only and must never hold anything of value"
)
# scrypt cost: the library default (2**18) for real keys; development keys are
# public anyway, so their keystores use a cheap cost to keep local work fast.
_DEVELOPMENT_SCRYPT_N = 2**12

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")

PasswordPrompt = Callable[[str], str]
"""Asks the user for the password of the named account (the CLI's hidden prompt)."""


@dataclass(frozen=True)
class AccountInfo:
    """What can be said about a keystore without decrypting it."""

    name: str
    address: str
    development: bool
    path: Path


def password_from_env(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """``DAL_PASSWORD_<NAME>`` (``merchant-a`` -> ``DAL_PASSWORD_MERCHANT_A``), else ``DAL_PASSWORD``."""
    env = os.environ if env is None else env
    specific = "DAL_PASSWORD_" + name.upper().replace("-", "_")
    return env.get(specific) or env.get("DAL_PASSWORD") or None


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValidationError(
            f"account name {name!r} is not valid; use 1-32 lowercase letters, digits or '-', "
            "starting with a letter"
        )
    return name


def _parse_private_key(text: str) -> bytes:
    cleaned = text.strip().removeprefix("0x").removeprefix("0X")
    if not re.fullmatch(r"[0-9a-fA-F]{64}", cleaned):
        # Never echo what was given: it may be a real key with a typo.
        raise ValidationError("the private key must be 32 bytes written as 64 hex digits (0x optional)")
    key = bytes.fromhex(cleaned)
    if int.from_bytes(key, "big") == 0 or int.from_bytes(key, "big") >= _SECP256K1_ORDER:
        raise ValidationError("the private key is out of range for secp256k1")
    return key


_SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


#: The field of a keystore written by dal that holds the SHA-256 of its ``crypto`` section as written, so that
#: an altered ciphertext is told apart from a wrong password (both fail the keystore's MAC). Wallets ignore it.
_INTEGRITY = "x-dal-crypto-sha256"


def _crypto_digest(crypto: Any) -> str:
    return hashlib.sha256(json.dumps(crypto, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _damage(document: Mapping[str, Any]) -> str | None:
    """What is wrong with a keystore whose decryption failed, if it is damaged rather than the password wrong."""
    crypto = document.get("crypto")
    if not isinstance(crypto, Mapping):
        return "it has no encrypted key"
    ciphertext = str(crypto.get("ciphertext", ""))
    if not re.fullmatch(r"(0x)?[0-9a-fA-F]{64}", ciphertext):
        return "its encrypted key is not 32 bytes of hex"
    recorded = document.get(_INTEGRITY)
    if isinstance(recorded, str) and recorded != _crypto_digest(crypto):
        return "its encrypted key was altered since dal wrote it"
    return None


class Keystore:
    """The keystore directory of one data home."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, name: str) -> Path:
        """The keystore file of ``name``."""
        return self.directory / f"{_check_name(name)}.json"

    def exists(self, name: str) -> bool:
        """Whether an account ``name`` exists (a text that cannot be an account name never does)."""
        return bool(_NAME.match(name)) and self.path(name).exists()

    def _load(self, name: str) -> dict[str, Any]:
        path = self.path(name)
        if not path.exists():
            raise NotFoundError(
                f"no account named {name!r} in {self.directory}; "
                f"create it with `dal account new {name}` or import it with `dal account import {name}`"
            )
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise AccountError(f"the keystore {path} is unreadable ({exc}); restore it from a backup") from None
        if not isinstance(document, dict) or "crypto" not in document or "address" not in document:
            raise AccountError(f"the keystore {path} is not an Ethereum keystore; restore it from a backup")
        return document

    def info(self, name: str) -> AccountInfo:
        """Name, address and kind of an account, without its password."""
        document = self._load(name)
        return AccountInfo(
            name=name,
            address=to_checksum_address("0x" + str(document["address"]).removeprefix("0x")),
            development=document.get("development") is True,
            path=self.path(name),
        )

    def accounts(self) -> list[AccountInfo]:
        """Every readable account in the directory, by name (see :meth:`survey` for the damaged ones)."""
        return self.survey()[0]

    def survey(self) -> tuple[list[AccountInfo], dict[str, str]]:
        """Every account in the directory, by name, and the damaged keystores with what is wrong with each:
        one damaged keystore does not hide the others."""
        if not self.directory.exists():
            return [], {}
        names = sorted(path.stem for path in self.directory.glob("*.json") if _NAME.match(path.stem))
        readable: list[AccountInfo] = []
        damaged: dict[str, str] = {}
        for name in names:
            try:
                readable.append(self.info(name))
            except AccountError as exc:
                damaged[name] = str(exc)
        return readable, damaged

    def _write(self, name: str, document: dict[str, Any]) -> AccountInfo:
        path = self.path(name)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # O_EXCL: two processes creating the same name cannot overwrite each other.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise AccountError(
                f"an account named {name!r} already exists ({path}); choose another name"
            ) from None
        with os.fdopen(fd, "w") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        return self.info(name)

    def _store_key(
        self, name: str, key: bytes, password: str, *, scrypt_n: int | None, extra: dict[str, Any]
    ) -> AccountInfo:
        _check_name(name)
        if not password:
            raise ValidationError("the password must not be empty")
        if self.exists(name):
            raise AccountError(f"an account named {name!r} already exists ({self.path(name)}); choose another name")
        from eth_account import Account

        encrypted = Account.encrypt(key, password, kdf="scrypt", iterations=scrypt_n)
        document = {**extra, **encrypted, _INTEGRITY: _crypto_digest(encrypted["crypto"])}
        return self._write(name, document)

    def create(self, name: str, password: str, *, scrypt_n: int | None = None) -> AccountInfo:
        """A new account with a fresh random key.

        ``scrypt_n`` is the scrypt cost; leave it ``None`` for eth-account's
        default (2**18), which is what a real key deserves.
        """
        from eth_account import Account

        account = Account.create()
        return self._store_key(name, bytes(account.key), password, scrypt_n=scrypt_n, extra={"name": name})

    def import_key(
        self, name: str, private_key: str, password: str, *, scrypt_n: int | None = None
    ) -> AccountInfo:
        """An account for an existing private key (hex, with or without ``0x``)."""
        key = _parse_private_key(private_key)
        return self._store_key(name, key, password, scrypt_n=scrypt_n, extra={"name": name})

    def unlock(self, name: str, password: str) -> LocalAccount:
        """Decrypt ``name`` with ``password``; a wrong password is one clear AccountError."""
        from eth_account import Account

        document = self._load(name)
        try:
            key = Account.decrypt(document, password)
        except ValueError:
            damage = _damage(document)
            if damage is not None:
                raise AccountError(
                    f"the keystore of account {name!r} ({self.path(name)}) is damaged: {damage}; no password can "
                    "open it, restore it from a backup"
                ) from None
            raise AccountError(
                f"wrong password for account {name!r}; check DAL_PASSWORD_{name.upper().replace('-', '_')} "
                "or DAL_PASSWORD, or type it again"
            ) from None
        account: LocalAccount = Account.from_key(key)
        return account

    def unlock_with(
        self,
        name: str,
        *,
        allow_development: bool,
        env: Mapping[str, str] | None = None,
        prompt: PasswordPrompt | None = None,
    ) -> LocalAccount:
        """Unlock ``name`` with the password from the environment or the prompt.

        Development accounts unlock with the known development password, and
        only where ``allow_development`` (the local profile).
        """
        info = self.info(name)
        if info.development:
            if not allow_development:
                raise AccountError(
                    f"account {name!r} is a development account whose key is public; "
                    "it can act only on the local profile - use a real account here"
                )
            return self.unlock(name, DEVELOPMENT_PASSWORD)
        password = password_from_env(name, env)
        if password is None and prompt is not None:
            password = prompt(name)
        if not password:
            raise AccountError(
                f"no password for account {name!r}: set DAL_PASSWORD_{name.upper().replace('-', '_')} "
                "or DAL_PASSWORD, or run dal in a terminal to be asked"
            )
        return self.unlock(name, password)

    def create_development_accounts(self, *, local_profile: bool) -> list[AccountInfo]:
        """The development consortium's keystores, created where missing.

        Refused unless ``local_profile``: these keys are public.
        """
        if not local_profile:
            raise AccountError(
                "development accounts exist only on the local profile (their keys are public); "
                "create real accounts with `dal account new NAME`"
            )
        created: list[AccountInfo] = []
        for index, name in enumerate(DEVELOPMENT_ACCOUNTS):
            if self.exists(name):
                created.append(self.info(name))
                continue
            from eth_account import Account

            Account.enable_unaudited_hdwallet_features()
            account = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
            extra = {"name": name, "development": True, "comment": _DEVELOPMENT_WARNING}
            created.append(
                self._store_key(
                    name, bytes(account.key), DEVELOPMENT_PASSWORD, scrypt_n=_DEVELOPMENT_SCRYPT_N, extra=extra
                )
            )
        return created
