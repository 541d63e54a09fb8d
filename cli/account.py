"""`dal account`: the named accounts `dal` acts as, kept as encrypted keystores."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli.state import current
from ledger.accounts import AccountInfo, Keystore, password_from_env
from ledger.errors import AccountError, ValidationError

__all__ = ["app"]

app = typer.Typer(help="Named accounts: encrypted keystores in the data directory.", no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="Account name: lowercase letters, digits, '-'.")]


def _read_secret(label: str, *, confirm: bool) -> str:
    """A secret from the terminal (hidden) or, when stdin is not a terminal, its next line."""
    if sys.stdin.isatty():
        return str(typer.prompt(label, hide_input=True, confirmation_prompt=confirm, err=True))
    return sys.stdin.readline().strip()


def _new_password(name: str) -> str:
    password = password_from_env(name) or _read_secret(f"password for account {name!r}", confirm=True)
    if not password:
        raise ValidationError(
            f"no password given for account {name!r}: type one, or set DAL_PASSWORD_"
            f"{name.upper().replace('-', '_')} or DAL_PASSWORD"
        )
    return password


def _check_free(keystore: Keystore, name: str) -> None:
    """Refuse a bad or taken name before asking for any secret."""
    if keystore.exists(name):
        raise AccountError(f"an account named {name!r} already exists ({keystore.path(name)}); choose another name")


def _row(info: AccountInfo) -> dict[str, object]:
    return {"name": info.name, "address": info.address, "development": info.development}


@app.command()
def new(name: NameArgument) -> None:
    """Create an account with a new random key, encrypted with a password you choose."""
    state = current()
    keystore = state.ledger().keystore
    _check_free(keystore, name)
    password = _new_password(name)
    state.out.record(_row(keystore.create(name, password)), title="new account")


@app.command("import")
def import_(name: NameArgument) -> None:
    """Import an existing private key, read from a hidden prompt or from stdin (never an argument)."""
    state = current()
    keystore = state.ledger().keystore
    _check_free(keystore, name)
    key = _read_secret("private key (hex)", confirm=False)
    if not key:
        raise ValidationError("no private key given: type it at the prompt or pipe it on stdin")
    password = _new_password(name)
    state.out.record(_row(keystore.import_key(name, key, password)), title="imported account")


@app.command("list")
def list_() -> None:
    """List the accounts of the data directory (development accounts on the local profile); a damaged
    keystore is listed as damaged, with the others."""
    state = current()
    readable, damaged = state.ledger().keystore.survey()
    rows = [{**_row(info), "damaged": None} for info in readable] + [
        {"name": name, "address": None, "development": None, "damaged": problem} for name, problem in damaged.items()
    ]
    rows.sort(key=lambda row: str(row["name"]))
    for problem in damaged.values():
        state.out.note(f"warning: {problem}")
    columns = ["name", "address", "development"] + (["damaged"] if damaged else [])
    state.out.records(rows, columns=columns, empty="no accounts yet: create one with `dal account new NAME`")
