"""The registry of event handlers, and the SQL helpers they share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

from ledger.store.types import Uint256
from oracle.decoding import LoggedEvent

__all__ = [
    "LOG_ONLY",
    "RIGHTS",
    "Handler",
    "HandlerRegistry",
    "buffered",
    "bulk_insert",
    "default_registry",
    "deferred",
    "flushes",
    "handles",
    "link_certificate",
    "right_name",
    "table",
    "upsert",
]

Handler = Callable[[Connection, LoggedEvent], None]
Flush = Callable[[Connection], None]

#: Events kept in the raw log without a read-model handler: ERC-1155 approvals (disabled
#: in Rights) and URIs, the admin's ownership hand-over (governance, read from the
#: contract when needed) and EIP-712 domain changes (never emitted by the suite).
LOG_ONLY: Final = frozenset(
    {
        ("Rights", "ApprovalForAll"),
        ("Rights", "URI"),
        ("Consortium", "OwnershipTransferStarted"),
        ("Consortium", "OwnershipTransferred"),
        ("Pledges", "EIP712DomainChanged"),
    }
)

#: The ``Right`` enum of the contracts, by value.
RIGHTS: Final = ("holding", "development", "operation")


def right_name(value: str | int) -> str:
    """The read model's name of a ``Right`` enum value."""
    return RIGHTS[int(value)]


class HandlerRegistry:
    """Handlers by (contract, event name); at most one each."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._flushes: list[Flush] = []

    def register(self, contract: str, event: str, handler: Handler) -> None:
        key = (contract, event)
        if key in self._handlers:
            raise ValueError(f"{contract}.{event} already has a handler")
        self._handlers[key] = handler

    def handler(self, contract: str, event: str) -> Handler | None:
        return self._handlers.get((contract, event))

    def handled(self) -> set[tuple[str, str]]:
        return set(self._handlers)

    def apply(self, connection: Connection, event: LoggedEvent) -> None:
        """Run the handler of ``event``, if it has one."""
        handler = self._handlers.get((event.contract, event.event))
        if handler is not None:
            handler(connection, event)

    def register_flush(self, flush: Flush) -> None:
        """Add a step that writes what handlers deferred (see :func:`deferred`)."""
        self._flushes.append(flush)

    def apply_all(self, connection: Connection, events: Iterable[LoggedEvent]) -> None:
        """Apply ``events`` in order, then write what their handlers deferred, all on ``connection``.

        Handlers may defer writes that commute (adding share deltas, inserting
        history rows) to one bulk statement per window; nothing reads those
        rows while the window is applied, so the result is the same as writing
        each at once. A failure discards whatever was deferred.
        """
        token = _DEFERRED.set({})
        try:
            for event in events:
                self.apply(connection, event)
            for flush in self._flushes:
                flush(connection)
        finally:
            _DEFERRED.reset(token)


#: The writes deferred by the handlers of the window being applied (see ``apply_all``).
_DEFERRED: ContextVar[dict[str, Any] | None] = ContextVar("oracle_deferred_writes", default=None)

default_registry = HandlerRegistry()


def deferred(connection: Connection, key: str, factory: Callable[[], Any]) -> Any:
    """The buffer ``key`` of writes deferred to the end of the current window on ``connection``."""
    buffers = _DEFERRED.get()
    if buffers is None:
        raise RuntimeError("handlers that defer writes run inside HandlerRegistry.apply_all")
    if key not in buffers:
        buffers[key] = factory()
    return buffers[key]


def buffered(connection: Connection, key: str) -> Any:
    """The buffer ``key`` if handlers filled one in this window, else ``None``."""
    buffers = _DEFERRED.get()
    return None if buffers is None else buffers.get(key)


_LINKS = "registry.certificate-events"


def link_certificate(connection: Connection, event: LoggedEvent, certificate_id: int) -> None:
    """Note that ``event`` concerns ``certificate_id`` (written in bulk at the end of the window)."""
    links: dict[tuple[int, int, int, int], str] = deferred(connection, _LINKS, dict)
    links[(certificate_id, event.block_number, event.tx_index, event.log_index)] = event.tx_hash


def _write_links(connection: Connection) -> None:
    links: dict[tuple[int, int, int, int], str] | None = buffered(connection, _LINKS)
    if links:
        from ledger.store.read_model import CertificateEvent

        rows = [
            {"certificate_id": c, "block_number": b, "tx_index": t, "log_index": i, "tx_hash": h}
            for (c, b, t, i), h in links.items()
        ]
        bulk_insert(connection, CertificateEvent, rows, ["certificate_id", "block_number", "tx_index", "log_index"])


def flushes(function: Flush) -> Flush:
    """Register the decorated function as a flush step of the default registry."""
    default_registry.register_flush(function)
    return function


def handles(contract: str, event: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``contract.event``."""

    def register(function: Handler) -> Handler:
        default_registry.register(contract, event, function)
        return function

    return register


def table(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table of a sqlmodel class."""
    result: Table = model.__table__  # type: ignore[attr-defined]
    return result


def bulk_insert(
    connection: Connection,
    model: type[SQLModel],
    rows: Sequence[Mapping[str, Any]],
    conflict_keys: Sequence[str],
) -> None:
    """Insert many rows in one driver-level batch, skipping rows whose key exists.

    The hot path of indexing: the rows come from the decoder already in the
    columns' stored form (hex text checked there), so only uint256 columns go
    through their type's conversion; everything else is handed to the driver as
    it is, without SQLAlchemy's per-row parameter processing.
    """
    if not rows:
        return
    target = table(model)
    columns = list(rows[0])
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(target).on_conflict_do_nothing(index_elements=list(conflict_keys))
    compiled = statement.compile(dialect=connection.dialect, column_keys=columns)
    convert = {
        name: processor
        for name in columns
        if isinstance(target.c[name].type, Uint256)
        and (processor := target.c[name].type.bind_processor(connection.dialect)) is not None
    }
    if convert:
        rows = [{**row, **{name: f(row[name]) for name, f in convert.items()}} for row in rows]
    if compiled.positiontup is not None:
        pick = itemgetter(*compiled.positiontup)
        values = [pick(row) for row in rows] if len(compiled.positiontup) > 1 else [(pick(row),) for row in rows]
        connection.exec_driver_sql(compiled.string, values)
        return
    # PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT that skips existing keys.
    keys = ", ".join(f'"{name}"' for name in conflict_keys)
    names = ", ".join(f'"{name}"' for name in columns)
    staging = f"_staging_{target.name}"
    pick = itemgetter(*columns)
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMPORARY TABLE IF NOT EXISTS "{staging}" (LIKE "{target.name}") ON COMMIT DELETE ROWS'
        )
        with cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN') as copy:
            for row in rows:
                picked = pick(row)
                copy.write_row(picked if len(columns) > 1 else (picked,))
        cursor.execute(
            f'INSERT INTO "{target.name}" ({names}) SELECT {names} FROM "{staging}" '
            f"ON CONFLICT ({keys}) DO NOTHING"
        )
        cursor.execute(f'DELETE FROM "{staging}"')


def upsert(
    connection: Connection,
    model: type[SQLModel],
    values: Mapping[str, Any],
    update: Iterable[str] | Mapping[str, Any],
) -> None:
    """Insert a row, or on a primary-key conflict update the named columns.

    ``update`` is a list of columns to take from ``values``, or a mapping of
    column to SQL expression (which may use ``excluded``).
    """
    target = table(model)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(target).values(dict(values))
    keys = [column.name for column in target.primary_key.columns]
    if isinstance(update, Mapping):
        changes = dict(update)
    else:
        changes = {name: statement.excluded[name] for name in update}
    if changes:
        connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
    else:
        connection.execute(statement.on_conflict_do_nothing(index_elements=keys))


default_registry.register_flush(_write_links)
