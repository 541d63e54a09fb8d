"""`dal`: the one entry point of the data-asset ledger, for users and operators.

Each noun (``chain``, ``account``, ``member``, ``asset`` ...) is a
``typer.Typer()`` in ``cli/<noun>.py`` named ``app``, joined here under its
name. The CLI stays thin: commands parse input, call the ``ledger`` library
and hand the answer to :mod:`cli.output`.

Every error the ledger raises ends the command with its message as one line
on stderr (``error: ...``) and exit code 1; Ctrl-C exits with 130; anything
unexpected is one line too, with the traceback available under
``DAL_DEBUG=1``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cli.output import Output
from cli.state import CliState, begin
from ledger.errors import LedgerError

__all__ = ["NOUNS", "app"]

# The nouns of `dal`, in the order `dal --help` lists them. To add one, write
# `cli/<noun>.py` with `app = typer.Typer(help=...)` and list it here: it is
# joined as `dal <noun>`. (A single-command noun such as `demo` gives its Typer
# a callback with `invoke_without_command=True`.) A noun's module is imported
# only when the noun is used, so `dal chain status` does not pay for the
# libraries behind `dal asset`; `dal --help` lists the nouns with the
# ``help=`` text of their Typer, read from the source without importing it.
NOUNS: tuple[str, ...] = (
    "chain",
    "account",
    "member",
    "asset",
    "rights",
    "pledge",
    "verify",
    "audit",
    "books",
    "anchor",
    "oracle",
    "network",
    "demo",
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(code)


def _noun_exists(noun: str) -> bool:
    return importlib.util.find_spec(f"cli.{noun}") is not None


def _declared_help(noun: str) -> str | None:
    """The literal ``help=`` of ``app = typer.Typer(...)`` in ``cli/<noun>.py``, read without importing it."""
    spec = importlib.util.find_spec(f"cli.{noun}")
    if spec is None or spec.origin is None:
        return None
    for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and any(isinstance(target, ast.Name) and target.id == "app" for target in node.targets)):
            for keyword in node.value.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


class _LedgerGroup(TyperGroup):
    """The top-level group: loads nouns on use; turns errors into one line on stderr and an exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        listed = list(super().list_commands(ctx))
        return listed + [noun for noun in NOUNS if noun not in listed and _noun_exists(noun)]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # Listing the nouns needs their help text only: stand-ins carry it, nothing is imported.
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None and getattr(self, "_listing", False) and cmd_name in NOUNS:
            text = _declared_help(cmd_name)
            if text is not None:
                return TyperGroup(name=cmd_name, help=text)
        if command is None and cmd_name in NOUNS and _noun_exists(cmd_name):
            module = importlib.import_module(f"cli.{cmd_name}")
            # Built exactly as `add_typer` would join it, then kept.
            holder = typer.Typer()
            holder.add_typer(module.app, name=cmd_name)
            command = typer.main.get_group(holder).get_command(ctx, cmd_name)
            if command is not None:
                self.add_command(command, cmd_name)
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            raise _fail(" ".join(str(exc).split()) or type(exc).__name__) from None
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise  # typer reports these itself (a closed pipe ends quietly)
        except Exception as exc:
            if os.environ.get("DAL_DEBUG"):
                raise
            first_line = (str(exc).splitlines() or [""])[0]
            raise _fail(
                f"unexpected {type(exc).__name__}: {first_line} (rerun with DAL_DEBUG=1 for the traceback)"
            ) from None


app = typer.Typer(
    cls=_LedgerGroup,
    name="dal",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    json_output: Annotated[
        bool, typer.Option("--json", help="Answer with exactly one JSON document on stdout.")
    ] = False,
    as_name: Annotated[
        str | None,
        typer.Option("--as", metavar="NAME", envvar="DAL_AS", help="Act as this account (see `dal account list`)."),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile", metavar="NAME", help="Use this profile (default: DAL_PROFILE, the config's default, local)."
        ),
    ] = None,
) -> None:
    """The data-asset ledger: certificates, rights, licences and pledges on a permissioned chain."""
    begin(CliState(json=json_output, as_name=as_name, profile_name=profile, out=Output(json_output)))


