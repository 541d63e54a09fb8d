"""What `dal` prints: tables for people, one JSON document for programs.

Every command hands its answer to :class:`Output` once, as one record or a
list of records. On a terminal (and in pipes) that is a table; with
``--json`` it is exactly one JSON document on stdout and nothing else there.
Notes and progress always go to stderr, and progress bars only appear on a
terminal, never under ``--json`` or in a pipe.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ledger.errors import ValidationError
from ledger.jsonable import to_jsonable

__all__ = ["Output", "ProgressUpdate", "table_time", "to_jsonable", "write_new_file"]


def write_new_file(path: Path, text: str, *, option: str = "--output") -> None:
    """Write ``text`` to the new file ``path``, atomically; an existing file is never overwritten."""
    if path.exists():
        raise ValidationError(f"{path} already exists; choose another {option} or remove it first")
    if not path.parent.is_dir():
        raise ValidationError(f"cannot write {path}: the folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValidationError(f"cannot write {path}: {exc.strerror}; choose a folder you can write to") from None


class ProgressUpdate(Protocol):
    """Tell the progress display how far the work is: ``update(done, total)``."""

    def __call__(self, done: int, total: int) -> None: ...


def table_time(value: datetime | str) -> str:
    """A time as tables show it, ``YYYY-MM-DD HH:MM UTC`` (from a datetime or an ISO 8601 string)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cell(value: Any) -> str:
    """One table cell: readable forms of the JSON values."""
    value = to_jsonable(value)
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "\n".join(f"{key}: {_cell(item)}" for key, item in value.items()) or "-"
    if isinstance(value, list):
        return "\n".join(_cell(item) for item in value) or "-"
    return str(value)


def _table(names: Sequence[str], rows: Sequence[Mapping[str, Any]], title: str | None) -> Table:
    table = Table(title=title)
    for name in names:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(name)) for name in names))
    return table


class Output:
    """The one answer of a command, and its notes and progress on stderr."""

    def __init__(self, json_mode: bool, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> None:
        self.json_mode = json_mode
        self._stdout = stdout
        self._stderr = stderr
        self._answered = False

    @property
    def answered(self) -> bool:
        """Whether the command has given its answer on stdout (an error after it adds no second document)."""
        return self._answered

    @property
    def stdout(self) -> IO[str]:
        return self._stdout or sys.stdout

    @property
    def stderr(self) -> IO[str]:
        return self._stderr or sys.stderr

    def _console(self, stream: IO[str]) -> Console:
        # Off a terminal, keep whole addresses and hashes rather than wrapping at 80 columns.
        width = None if stream.isatty() else 200
        return Console(file=stream, width=width, highlight=False, soft_wrap=False)

    def _claim(self) -> None:
        if self._answered:
            raise RuntimeError("a command answers once: collect its records and emit them together")
        self._answered = True

    def record(self, row: Mapping[str, Any], *, title: str | None = None) -> None:
        """Answer with one record: a two-column table, or one JSON object."""
        self._claim()
        if self.json_mode:
            self._json(row)
            return
        table = Table(title=title, show_header=False, box=None, pad_edge=False)
        table.add_column("field", style="bold", no_wrap=True)
        table.add_column("value", overflow="fold")
        for key, value in row.items():
            table.add_row(str(key), _cell(value))
        self._console(self.stdout).print(table)

    def records(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        columns: Sequence[str] | None = None,
        title: str | None = None,
        empty: str = "nothing to show",
    ) -> None:
        """Answer with a list of records: a table, or one JSON array."""
        self._claim()
        if self.json_mode:
            self._json(list(rows))
            return
        if not rows:
            self.note(empty)
            return
        names = list(columns) if columns is not None else list(dict.fromkeys(k for row in rows for k in row))
        self._console(self.stdout).print(_table(names, rows, title))

    def sections(
        self, document: Any, sections: Sequence[tuple[str, Sequence[str], Sequence[Mapping[str, Any]]]]
    ) -> None:
        """Answer with a report: ``document`` as one JSON document, or each section as a table of its own
        (title, columns, rows)."""
        self._claim()
        if self.json_mode:
            self._json(document)
            return
        console = self._console(self.stdout)
        for title, columns, rows in sections:
            console.print(_table(columns, rows or [{}], title))

    def text(self, text: str) -> None:
        """Answer with text in a format of its own (CSV, say), written to stdout as it is."""
        self._claim()
        self.stdout.write(text)
        self.stdout.flush()

    def _json(self, value: Any) -> None:
        json.dump(to_jsonable(value), self.stdout, indent=2, ensure_ascii=False)
        self.stdout.write("\n")
        self.stdout.flush()

    def note(self, text: str) -> None:
        """A remark for the person at the terminal (stderr, never part of the answer)."""
        print(text, file=self.stderr)

    @contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[ProgressUpdate]:
        """A progress bar on stderr while the block runs, shown only on a terminal and never with --json.

        Yields ``update(done, total)``, which matches the ``on_progress``
        callbacks of the ledger's batch operations.
        """
        if self.json_mode or not self.stderr.isatty():
            yield lambda done, total: None
            return
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=self.stderr),
            transient=True,
        )
        task = bar.add_task(description, total=total)
        with bar:
            yield lambda done, total: bar.update(task, completed=done, total=total, refresh=True)
