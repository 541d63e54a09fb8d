"""What every `dal` command shares: the global options, the output, and the ledger.

The main callback makes one :class:`CliState` per run; a command reaches it
with :func:`current` (no ``typer.Context`` parameter needed)::

    from cli.state import current

    @app.command()
    def show(number: str) -> None:
        \"\"\"Show one certificate.\"\"\"
        state = current()
        record = certificates.show(state.ledger(), number)
        state.out.record(record)
"""

from __future__ import annotations

import sys
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from cli.output import Output

if TYPE_CHECKING:  # the ledger (its profiles, chain, keystores) is imported only by commands that use it
    from ledger.config import Profile
    from ledger.context import LedgerContext

__all__ = ["GLOBAL_FLAGS", "GLOBAL_OPTIONS", "CliState", "begin", "current", "global_options_first", "prompt_password"]

#: The global options that take a value, and those that do not; they may be given after the noun too.
GLOBAL_OPTIONS = ("--as", "--profile")
GLOBAL_FLAGS = ("--json",)


def global_options_first(args: list[str]) -> list[str]:
    """``args`` with the global options moved before the noun, so that ``dal verify 1 --json`` and
    ``dal asset show 1 --as bank`` mean ``dal --json verify 1`` and ``dal --as bank asset show 1``.

    Nothing after ``--`` moves (it is a command's own text).
    """
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        item = args[index]
        if item == "--":
            rest.extend(args[index:])
            break
        name = item.split("=", 1)[0]
        if item in GLOBAL_FLAGS or name in GLOBAL_OPTIONS and "=" in item:
            front.append(item)
        elif item in GLOBAL_OPTIONS and index + 1 < len(args):
            front.extend(args[index:index + 2])
            index += 1
        else:
            rest.append(item)
        index += 1
    return front + rest


def prompt_password(name: str) -> str:
    """Ask for the password of account ``name`` without echoing it."""
    return str(typer.prompt(f"password for account {name!r}", hide_input=True, err=True))


@dataclass
class CliState:
    """The global options of one `dal` run and what is built from them on demand."""

    json: bool = False
    as_name: str | None = None
    profile_name: str | None = None
    out: Output = field(default_factory=lambda: Output(False))
    #: The names of parties (address -> name) for tables, read once per run when first needed.
    names: dict[str, str] | None = None
    _ledger: LedgerContext | None = None

    def profile(self) -> Profile:
        """The chosen profile (``--profile``, ``DAL_PROFILE``, the config's default, ``local``)."""
        if self._ledger is not None:
            return self._ledger.profile
        from ledger.config import load_profile

        return load_profile(self.profile_name)

    def ledger(self) -> LedgerContext:
        """The ledger of the chosen profile, acting as ``--as``; made on first use."""
        if self._ledger is None:
            from ledger.context import LedgerContext

            prompt = prompt_password if sys.stdin.isatty() else None
            self._ledger = LedgerContext.load(self.profile_name, acting_as=self.as_name, prompt=prompt)
        return self._ledger


_CURRENT: ContextVar[CliState] = ContextVar("dal_cli_state")


def begin(state: CliState) -> None:
    """Make ``state`` the state of the running command (called by the main callback)."""
    _CURRENT.set(state)


def current() -> CliState:
    """The state of the running `dal` command."""
    try:
        return _CURRENT.get()
    except LookupError:
        raise RuntimeError("dal's main callback did not run: invoke commands through cli.main.app") from None
