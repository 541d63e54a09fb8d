"""`dal`: the one entry point of the data-asset ledger, for users and operators.

Each noun (``chain``, ``account``, ``member``, ``asset`` ...) is a
``typer.Typer()`` in ``cli/<noun>.py`` named ``app``, joined here under its
name. The CLI stays thin: commands parse input, call the ``ledger`` library
and hand the answer to :mod:`cli.output`.

Every error the ledger raises ends the command with its message as one line
on stderr (``error: ...``) and exit code 1 (2 for a usage error), and under
``--json`` also as one JSON document on stdout (see :mod:`cli.errors`);
Ctrl-C exits with 130; anything unexpected is one line too, with the
traceback available under ``DAL_DEBUG=1``. The global options (``--json``,
``--as``, ``--profile``) may also be given after the noun.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cli.errors import (
    USAGE_EXIT_CODE,
    environment_advice,
    error_code,
    fail,
    is_usage_error,
    usage_message,
)
from cli.help import as_single_command, readable_help
from cli.output import Output
from cli.state import CliState, begin, current, global_options_first
from ledger.errors import LedgerError

__all__ = ["NOUNS", "app", "module_of"]

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
    "compliance",
    "due-process",
    "verify",
    "audit",
    "books",
    "anchor",
    "oracle",
    "network",
    "serve",
    "demo",
)


def module_of(noun: str) -> str:
    """The module of a noun: ``cli/<noun>.py``, a hyphen spelled as an underscore (``due-process``)."""
    return f"cli.{noun.replace('-', '_')}"


def _noun_exists(noun: str) -> bool:
    return importlib.util.find_spec(module_of(noun)) is not None


def _declared_help(noun: str) -> str | None:
    """The literal ``help=`` of ``app = typer.Typer(...)`` in ``cli/<noun>.py``, read without importing it."""
    spec = importlib.util.find_spec(module_of(noun))
    if spec is None or spec.origin is None:
        return None
    for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and any(isinstance(target, ast.Name) and target.id == "app" for target in node.targets)):
            for keyword in node.value.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


def _json_error(ctx: Any) -> bool:
    """Whether an error is also a JSON document on stdout: under --json, unless the answer is already there."""
    if not ctx.meta.get("dal.json"):
        return False
    try:
        return not current().out.answered
    except RuntimeError:  # the main callback did not run
        return True


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
            module = importlib.import_module(module_of(cmd_name))
            # Built exactly as `add_typer` would join it, then kept.
            holder = typer.Typer()
            holder.add_typer(module.app, name=cmd_name)
            command = typer.main.get_group(holder).get_command(ctx, cmd_name)
            if command is not None:
                command = readable_help(as_single_command(command, cmd_name))
                self.add_command(command, cmd_name)
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        readable_help(self)  # the global options' help (the nouns are made readable when loaded)
        args = global_options_first(list(args))
        wants_json = "--json" in args[: args.index("--")] if "--" in args else "--json" in args
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as exc:
            if not is_usage_error(exc):
                raise
            raise fail(usage_message(exc), code="UsageError", exit_code=USAGE_EXIT_CODE,
                       json_output=wants_json) from None
        ctx.meta["dal.json"] = wants_json
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            raise fail(str(exc), code=error_code(exc), json_output=_json_error(ctx)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", code="Interrupted", exit_code=130, json_output=_json_error(ctx)) from None
        except typer.TyperException as exc:
            if not is_usage_error(exc):
                raise  # `dal NOUN` alone shows the noun's help; typer reports the rest itself
            raise fail(usage_message(exc), code="UsageError", exit_code=USAGE_EXIT_CODE,
                       json_output=_json_error(ctx)) from None
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise  # typer reports these itself (a closed pipe ends quietly)
        except Exception as exc:
            if os.environ.get("DAL_DEBUG"):
                raise
            advice = environment_advice(exc) if isinstance(exc, OSError) else None
            first_line = (str(exc).splitlines() or [""])[0]
            message = advice or (
                f"unexpected {type(exc).__name__}: {first_line} (rerun with DAL_DEBUG=1 for the traceback)"
            )
            raise fail(message, code=error_code(exc), json_output=_json_error(ctx)) from None


app = typer.Typer(
    cls=_LedgerGroup,
    name="dal",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"dal {version('data-asset-ledger')}")
        raise typer.Exit()


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
    _version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_show_version, help="Show dal's version and exit."),
    ] = False,
) -> None:
    """The data-asset ledger: certificates, rights, licences and pledges on a permissioned chain."""
    begin(CliState(json=json_output, as_name=as_name, profile_name=profile, out=Output(json_output)))


