"""The registry of event handlers, and the SQL helpers they share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import Connection, Table, bindparam, event
from sqlalchemy import update as sql_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

from ledger.store.types import CounterId, Uint256
from ledger.store.values import counter_id
from ledger.types import Right
from oracle.decoding import LoggedEvent

__all__ = [
    "LOG_ONLY",
    "BatchHandler",
    "Handler",
    "HandlerRegistry",
    "buffered",
    "bulk_insert",
    "certificate_links",
    "default_registry",
    "deferred",
    "flushes",
    "fresh_window",
    "handles",
    "handles_batch",
    "insert_rows",
    "link_certificate",
    "right_name",
    "table",
    "update_row",
    "upsert",
]

Handler = Callable[[Connection, LoggedEvent], None]
#: A handler of all a window's events of one kind at once (see :meth:`HandlerRegistry.register_batch`).
BatchHandler = Callable[[Connection, list[LoggedEvent]], None]
Flush = Callable[[Connection], None]

#: Events kept in the raw log without a read-model handler: ERC-1155 approvals (disabled
#: in Rights) and URIs, EIP-712 domain changes, and governance: the admin's ownership
#: hand-over, each proxy's upgrades and initialisation, the directory, replica seeding and
#: the timelock (read from the contracts, or from the raw log, when needed).
LOG_ONLY: Final = frozenset(
    {
        ("Rights", "ApprovalForAll"),
        ("Rights", "URI"),
        # A marker to filter a certificate's share movements by; the read model links the TransferSingle and
        # TransferBatch events to their certificates itself.
        ("Rights", "SharesMoved"),
        ("Consortium", "OwnershipTransferStarted"),
        ("Consortium", "OwnershipTransferred"),
        ("Consortium", "ContractRegistered"),
        ("Consortium", "ContractRemoved"),
        ("Consortium", "ReplicaSeeded"),
        ("Consortium", "TimelockChanged"),
        ("Pledges", "EIP712DomainChanged"),
        # Compliance: the modules in force and the data they judge by are read from the contract
        # (`dal compliance`); the read model keeps their events in its log.
        *(
            ("Compliance", event)
            for event in (
                "ComplianceModuleAdded", "ComplianceModuleRemoved", "MemberJurisdictionSet", "QualificationGranted",
                "QualificationRevoked", "CertificateFlagsSet", "CertificateJurisdictionAllowed", "HolderCountSet",
            )
        ),
        ("Certificates", "EIP712DomainChanged"),
        # Due process: the delay is read from the contract (`dal due-process list`); the log keeps its history.
        ("DueProcess", "DueProcessDelayChanged"),
        # A registrar's minimum notice: the contract holds the value; the event log keeps the history.
        ("Certificates", "MinimumNoticeSet"),
        *(
            (contract, event)
            for contract in (
                "Consortium", "Certificates", "Rights", "Pledges", "Anchors", "Compliance", "Registrations", "DueProcess"
            )
            for event in ("Upgraded", "Initialized")
        ),
    }
)

#: The read model's names of the ``Right`` enum values, by value (read once per share movement).
_RIGHT_NAMES: Final = {right.value: right.key for right in Right}


def right_name(value: str | int) -> str:
    """The read model's name of a ``Right`` enum value."""
    name = _RIGHT_NAMES.get(int(value))
    if name is None:
        raise ValueError(f"{value} is not a valid Right")
    return name


class HandlerRegistry:
    """Handlers by (contract, event name); at most one each."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._batch_handlers: dict[tuple[str, str], BatchHandler] = {}
        self._flushes: list[Flush] = []

    def register(self, contract: str, event: str, handler: Handler) -> None:
        self._check_new(contract, event)
        self._handlers[(contract, event)] = handler

    def register_batch(self, contract: str, event: str, handler: BatchHandler) -> None:
        """Register a handler that takes all of a window's ``contract.event`` events at once, in chain order.

        Only for handlers whose writes are all deferred (see :func:`deferred`)
        and commute with every other handler's: the window's batches run after
        its other events, which gives the same read model as chain order. The
        hottest events (share transfers) are handled this way, in one loop.
        """
        self._check_new(contract, event)
        self._batch_handlers[(contract, event)] = handler

    def _check_new(self, contract: str, event: str) -> None:
        key = (contract, event)
        if key in self._handlers or key in self._batch_handlers:
            raise ValueError(f"{contract}.{event} already has a handler")

    def handler(self, contract: str, event: str) -> Handler | None:
        key = (contract, event)
        batch = self._batch_handlers.get(key)
        if batch is not None:
            return lambda connection, logged: batch(connection, [logged])
        return self._handlers.get(key)

    def handled(self) -> set[tuple[str, str]]:
        return set(self._handlers) | set(self._batch_handlers)

    def apply(self, connection: Connection, event: LoggedEvent) -> None:
        """Run the handler of ``event``, if it has one."""
        self.apply_all(connection, [event])

    def register_flush(self, flush: Flush) -> None:
        """Add a step that writes what handlers deferred (see :func:`deferred`)."""
        self._flushes.append(flush)

    def apply_all(self, connection: Connection, events: Iterable[LoggedEvent], *, fresh: bool = False) -> None:
        """Apply ``events`` in order, then write what their handlers deferred, all on ``connection``.

        Handlers may defer writes that commute (adding share deltas, inserting
        history rows) to one bulk statement per window; nothing reads those
        rows while the window is applied, so the result is the same as writing
        each at once. Row writes (:func:`upsert`, :func:`update_row`) are queued
        too and run in order, alike statements in one batch, before anything
        else runs on ``connection`` (a handler's read included) and at the end:
        every statement still sees the writes of the events before it. A failure
        discards whatever was deferred. ``fresh`` says that no read-model row
        derived from these events exists yet (the events themselves are new to
        the event log, or the read model was emptied), so deferred rows may be
        written without checking their keys.
        """
        pending: list[tuple[Any, dict[str, Any]]] = []
        token = _DEFERRED.set({_FRESH: fresh, _PENDING: pending})

        def before_execute(*_: Any) -> None:
            if pending:
                _run_pending(connection, pending)

        event.listen(connection, "before_execute", before_execute)
        handlers = self._handlers
        batches: dict[tuple[str, str], list[LoggedEvent]] = {key: [] for key in self._batch_handlers}
        try:
            for logged in events:
                key = (logged.contract, logged.event)
                batch = batches.get(key)
                if batch is not None:
                    batch.append(logged)
                    continue
                handler = handlers.get(key)
                if handler is not None:
                    handler(connection, logged)
            for key, batch in batches.items():
                if batch:
                    self._batch_handlers[key](connection, batch)
            _run_pending(connection, pending)
            for flush in self._flushes:
                flush(connection)
        finally:
            event.remove(connection, "before_execute", before_execute)
            _DEFERRED.reset(token)


def _run_pending(connection: Connection, pending: list[tuple[Any, dict[str, Any]]]) -> None:
    """Run the queued row writes, table by table, each run of alike statements as one batch.

    Nothing read the tables in between (a read runs the queue first), and the
    read model's tables are independent, so only the order of the writes to
    each table matters: it is kept, and writes to different tables are batched
    apart (a window of certificate submissions writes all their certificates in
    one batch and all their first versions in another).
    """
    by_table: dict[Any, list[tuple[Any, dict[str, Any]]]] = {}
    for write in pending:
        by_table.setdefault(write[0].table, []).append(write)
    pending.clear()
    for writes in by_table.values():
        start = 0
        while start < len(writes):
            statement, first = writes[start]
            shape = first.keys()
            end = start + 1
            while end < len(writes) and writes[end][0] is statement and writes[end][1].keys() == shape:
                end += 1
            if end - start == 1:
                connection.execute(statement, first)
            else:
                connection.execute(statement, [params for _, params in writes[start:end]])
            start = end


def _write(connection: Connection, statement: Any, params: dict[str, Any]) -> None:
    """Run a row write now, or queue it while a window is applied (see ``apply_all``)."""
    buffers = _DEFERRED.get()
    if buffers is None:
        connection.execute(statement, params)
    else:
        buffers[_PENDING].append((statement, params))


#: The writes deferred by the handlers of the window being applied (see ``apply_all``).
_DEFERRED: ContextVar[dict[str, Any] | None] = ContextVar("oracle_deferred_writes", default=None)

default_registry = HandlerRegistry()
_FRESH = "registry.fresh"
_PENDING = "registry.pending-writes"


def fresh_window() -> bool:
    """Whether the window being applied writes only rows whose keys do not exist yet."""
    buffers = _DEFERRED.get()
    return bool(buffers and buffers.get(_FRESH))


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


def certificate_links(connection: Connection) -> set[tuple[int, int, int]]:
    """The window's (certificate, block, log index) links, written in bulk at its end (see below)."""
    links: set[tuple[int, int, int]] = deferred(connection, _LINKS, set)
    return links


def link_certificate(connection: Connection, event: LoggedEvent, certificate_id: int) -> None:
    """Note that ``event`` concerns ``certificate_id`` (written in bulk at the end of the window)."""
    certificate_links(connection).add((certificate_id, event.block_number, event.log_index))


def _write_links(connection: Connection) -> None:
    links: set[tuple[int, int, int]] | None = buffered(connection, _LINKS)
    if links:
        from ledger.store.read_model import CertificateEvent

        keys = ("certificate_id", "block_number", "log_index")
        insert_rows(connection, CertificateEvent, keys, sorted(links), keys, fresh=fresh_window())


def handles_batch(contract: str, event: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register the decorated function as the batch handler of ``contract.event`` (see ``register_batch``)."""

    def register(function: BatchHandler) -> BatchHandler:
        default_registry.register_batch(contract, event, function)
        return function

    return register


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
    *,
    fresh: bool = False,
) -> None:
    """Insert many rows (mappings of column to value), skipping rows whose key exists; see :func:`insert_rows`."""
    if rows:
        columns = tuple(rows[0])
        pick = itemgetter(*columns)
        values = [pick(row) for row in rows] if len(columns) > 1 else [(pick(row),) for row in rows]
        insert_rows(connection, model, columns, values, conflict_keys, fresh=fresh)


def insert_rows(
    connection: Connection,
    model: type[SQLModel],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    conflict_keys: Sequence[str],
    *,
    fresh: bool = False,
) -> None:
    """Insert many rows (tuples of ``columns``) in one driver-level batch, skipping rows whose key exists.

    The hot path of indexing: the rows come from the decoder already in the
    columns' stored form (hex text checked there), so only uint256 columns go
    through their type's conversion, and id columns (``CounterId``) are checked
    to fit; everything else is handed to the driver as it is, without
    SQLAlchemy's per-row parameter processing. SQLite takes one
    ``executemany``. PostgreSQL takes ``COPY``: straight into the table when the
    caller knows that no row's key exists yet (``fresh``: the indexer checked the
    window's keys under the writer lock, or a rebuild emptied the table), else
    into a temporary table and on with one ``INSERT ... SELECT`` that skips
    existing keys.
    """
    if not rows:
        return
    target = table(model)
    for position, name in enumerate(columns):
        if isinstance(target.c[name].type, CounterId):  # stored as they are, once known to fit
            ids = {row[position] for row in rows}
            counter_id(min(ids))
            counter_id(max(ids))
    convert = [
        (position, processor)
        for position, name in enumerate(columns)
        if isinstance(target.c[name].type, Uint256)
        and (processor := target.c[name].type.bind_processor(connection.dialect)) is not None
    ]
    if convert:
        rows = _converted(rows, convert)
    names = ", ".join(f'"{name}"' for name in columns)
    keys = ", ".join(f'"{name}"' for name in conflict_keys)
    if connection.dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        connection.exec_driver_sql(
            f'INSERT INTO "{target.name}" ({names}) VALUES ({marks}) ON CONFLICT ({keys}) DO NOTHING', list(rows)
        )
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        if fresh:
            with cursor.copy(f'COPY "{target.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        staging = f"_staging_{target.name}"
        cursor.execute(
            f'CREATE TEMPORARY TABLE IF NOT EXISTS "{staging}" (LIKE "{target.name}") ON COMMIT DELETE ROWS'
        )
        with cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f'INSERT INTO "{target.name}" ({names}) SELECT {names} FROM "{staging}" '
            f"ON CONFLICT ({keys}) DO NOTHING"
        )
        cursor.execute(f'DELETE FROM "{staging}"')


def _converted(
    rows: Sequence[Sequence[Any]], convert: Sequence[tuple[int, Callable[[Any], Any]]]
) -> list[tuple[Any, ...]]:
    """``rows`` with the values at the given positions converted, each distinct value once."""
    if len(convert) == 1:  # the usual case (an id column): one conversion per distinct id, one tuple per row
        ((position, processor),) = convert
        by_value = {value: processor(value) for value in {row[position] for row in rows}}
        return [(*row[:position], by_value[row[position]], *row[position + 1:]) for row in rows]
    memos: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
        (position, processor, {}) for position, processor in convert
    ]
    converted = []
    for row in rows:
        values = list(row)
        for position, processor, memo in memos:
            value = values[position]
            stored = memo.get(value)
            if stored is None:
                stored = memo[value] = processor(value)
            values[position] = stored
        converted.append(tuple(values))
    return converted


#: Upsert and update statements by (dialect, table, columns), built once: building and
#: keying a statement costs more than running it.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


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
    keys = [column.name for column in target.primary_key.columns]
    if isinstance(update, Mapping):
        statement = dialect.insert(target).values(dict(values))
        changes = dict(update)
        if changes:
            connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))
        else:
            connection.execute(statement.on_conflict_do_nothing(index_elements=keys))
        return
    columns = tuple(update)
    cache_key = ("upsert", connection.dialect.name, target.name, columns)
    prepared = _STATEMENTS.get(cache_key)
    if prepared is None:
        insert = dialect.insert(target)
        if columns:
            prepared = insert.on_conflict_do_update(
                index_elements=keys, set_={name: insert.excluded[name] for name in columns}
            )
        else:
            prepared = insert.on_conflict_do_nothing(index_elements=keys)
        _STATEMENTS[cache_key] = prepared
    _write(connection, prepared, dict(values))


def update_row(connection: Connection, model: type[SQLModel], key: str, key_value: Any, **values: Any) -> None:
    """Set ``values`` on the row whose column ``key`` is ``key_value`` (nothing if there is none)."""
    target = table(model)
    cache_key = ("update", target.name, key)
    prepared = _STATEMENTS.get(cache_key)
    if prepared is None:
        prepared = sql_update(target).where(target.c[key] == bindparam("key_", type_=target.c[key].type))
        _STATEMENTS[cache_key] = prepared
    _write(connection, prepared, {"key_": key_value, **values})


default_registry.register_flush(_write_links)
