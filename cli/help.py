"""How `dal --help` reads: words for what an option takes, and a usage line that says what a command takes.

Typer shows a column of Python types in its help (``<str>``, ``<bool>``,
``<list[str]>``). Here a flag shows nothing there (it takes nothing), an
option shows its metavar or a word (``TEXT``, ``INTEGER``, ``PATH``), and an
argument, already named by its metavar, shows nothing more. A noun that is a
single command (``dal verify``, ``dal demo``) is joined as a command, not as a
group, so its usage line has no ``COMMAND [ARGS]...``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

__all__ = ["as_single_command", "readable_help"]

_WORDS: dict[type, str] = {str: "TEXT", int: "INTEGER", float: "NUMBER", Path: "PATH"}


def _word(param: Any) -> str | None:
    if isinstance(param, TyperArgument):
        return None  # the argument's name is its metavar already
    if isinstance(param, TyperOption) and (param.is_flag or param.count):
        return None
    if param.metavar is not None:
        return str(param.metavar)
    annotation = param.type_descriptor.annotation
    inner = getattr(annotation, "__args__", None)
    base = inner[0] if inner and getattr(annotation, "__origin__", None) is list else annotation
    word = _WORDS.get(base, "VALUE") if isinstance(base, type) else "VALUE"
    return f"{word}..." if param.nargs != 1 else word


def _quiet(param: Any) -> Any:
    if param is not None:
        setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010 - per instance
    return param


def readable_help(command: Any) -> Any:
    """``command`` and every command under it, with readable words in their help's type column."""
    if getattr(command, "_dal_readable", False):
        return command
    for param in getattr(command, "params", []):
        if isinstance(param, (TyperArgument, TyperOption)):
            word = _word(param)
            setattr(param, "display_type_rich", lambda ctx, word=word: word)  # noqa: B010 - per instance
    original = command.get_help_option  # the help option is made on first use, once per command
    setattr(command, "get_help_option", lambda ctx: _quiet(original(ctx)))  # noqa: B010 - per instance
    command._dal_readable = True
    for child in getattr(command, "commands", {}).values():
        readable_help(child)
    return command


def as_single_command(command: Any, name: str) -> Any:
    """A noun whose Typer has only a callback (``invoke_without_command``), as the one command it is."""
    if not isinstance(command, TyperGroup) or command.commands or not command.invoke_without_command:
        return command
    return TyperCommand(
        name,
        context_settings=dict(command.context_settings),
        callback=command.callback,
        params=command.params,
        help=command.help,
        epilog=command.epilog,
        short_help=command.short_help,
        no_args_is_help=command.no_args_is_help,
        hidden=command.hidden,
        rich_markup_mode=command.rich_markup_mode,
    )
