"""How `dal` reports a failure: one line on stderr, and under ``--json`` one JSON document on stdout.

Every failure ends the command with ``error: <what is wrong, what to do>`` on
stderr and an exit code: 1 for an error, 2 for a usage error (a value or an
option the argument parser refuses), 130 when interrupted. Under ``--json`` the
same failure is also exactly one JSON document on stdout,
``{"error": {"code": ..., "message": ...}}``, whose ``code`` is stable: the
contract's custom error name for a refusal by a contract
(``CertificatesWrongStatus``), else the kind of error (``ValidationError``,
``NotFoundError``, ``ConfigError``, ``UsageError`` ...).
"""

from __future__ import annotations

import errno
import json
import sys

import typer

from ledger.errors import ContractRevertError, LedgerError

__all__ = ["USAGE_EXIT_CODE", "environment_advice", "error_code", "fail", "is_usage_error", "usage_message"]

#: The exit code of a usage error (the argument parser's refusals).
USAGE_EXIT_CODE = 2


def is_usage_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the argument parser's refusal of what was typed (not a request for help, such as a
    noun given alone, which shows the noun's help)."""
    return (isinstance(exc, typer.TyperException) and getattr(exc, "exit_code", 1) == USAGE_EXIT_CODE
            and type(exc).__name__ != "NoArgsIsHelpError")


def error_code(exc: BaseException) -> str:
    """The stable code of ``exc`` under ``--json``."""
    if isinstance(exc, ContractRevertError):
        return exc.name
    if isinstance(exc, LedgerError):
        return type(exc).__name__
    if is_usage_error(exc):
        return "UsageError"
    if isinstance(exc, OSError):
        return "EnvironmentError"
    return "UnexpectedError"


def fail(message: str, *, code: str, exit_code: int = 1, json_output: bool = False) -> typer.Exit:
    """Report a failure (one line on stderr; the JSON document on stdout under ``--json``) and return the
    :class:`typer.Exit` to raise."""
    line = " ".join(message.split()) or code
    print(f"error: {line}", file=sys.stderr)
    if json_output:
        print(json.dumps({"error": {"code": code, "message": line}}, ensure_ascii=False))
    return typer.Exit(exit_code)


def usage_message(exc: typer.TyperException) -> str:
    """The argument parser's refusal as one sentence, with where to read the command's usage."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    ctx = getattr(exc, "ctx", None)
    where = f"`{ctx.command_path} --help`" if ctx is not None else "`dal --help`"
    return f"{message}; see {where}"


def environment_advice(exc: OSError) -> str | None:
    """Advice for a failure of the machine rather than of the input: a folder dal cannot write, a file where a
    folder should be, a full disk. ``None`` when there is none to give."""
    where = exc.filename or "the data home"
    if isinstance(exc, PermissionError):
        return (f"permission denied on {where}: dal needs to read and write there; fix its permissions, or set "
                "DAL_HOME to a folder of yours")
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return (f"{where} (or a folder above it) is a file where dal needs a folder; move that file away, or set "
                "DAL_HOME to another folder")
    if isinstance(exc, IsADirectoryError):
        return f"{where} is a folder where dal needs a file; move that folder away"
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device of {where}; free some space and run the command again"
    if exc.errno == errno.EROFS:
        return f"{where} is on a read-only file system; set DAL_HOME to a folder on a writable one"
    return None
