"""The event indexer: brings the read model up to the chain's head, window by window.

Logs of all the suite's contracts are fetched with ``eth_getLogs`` in windows
of at most ``log_range`` blocks (Besu caps the range), decoded, put in chain
order and applied by one handler each. A window of more than one block is
fetched in requests of growing block ranges, sized by the log density seen so
far (see :func:`next_range`), by a worker thread that fetches and decodes ahead
while this thread writes what came before; a worker's error aborts the window.
The raw events, the read-model changes, the window's last block and the cursor
are written in one database transaction: a crash at any point leaves the
database either before or after the whole window, never in between, and a
restart carries on from the cursor. The hash of the window's last block is
read before the first request and after the last: if it changed, the chain
moved under the window, which is rolled back and fetched again.

Events are keyed by (block, log index): JSON-RPC numbers logs across the whole
block, so the key is unique and orders as (block, transaction index, log index)
does. Applying a window twice changes nothing: under the writer lock the window
reads which of its keys are stored already and writes only the others, so its
rows go straight into their tables (PostgreSQL ``COPY``) without a conflict
check.

**Durability.** The window and rollback transactions commit without waiting
for the disk (``synchronous_commit = off`` on PostgreSQL, ``synchronous=NORMAL``
on SQLite; see :mod:`oracle.locking`). This is safe here, and only here:
everything these transactions write is derived from the chain, and the cursor
commits with it.
A commit lost to a server or power failure is lost whole, cursor included, so
the database is left after an earlier window and the next sync indexes the
lost windows again. Nothing else relaxes it: the anchoring and catalog writers
commit durably on both databases.

Before each window the block under the cursor is compared with the chain. If
its hash changed (a reorganisation, or a local chain reset), the indexer walks
back through the checkpoints it kept to the newest block the chain still has,
deletes the events after it and rebuilds the read model from the remaining
event log, all in one transaction, then carries on.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, Final

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.exc import SQLAlchemyError
from web3 import Web3

from ledger.errors import ChainError, StoreError
from ledger.store.cursor import CHAIN_CURSOR, IndexedBlock, OracleCursor
from ledger.store.events import ChainEvent
from ledger.store.read_model import (
    Anchor,
    Certificate,
    CertificateEvent,
    CertificateVersion,
    Licence,
    Member,
    Pledge,
    ShareHolding,
)
from ledger.store.types import utc_now
from oracle.decoding import ARGS_JSON, LogDecoder, LoggedEvent
from oracle.handlers import HandlerRegistry, default_registry
from oracle.handlers.registry import insert_rows, table, upsert
from oracle.locking import derived_data_transaction, hold_writer_lock

__all__ = ["READ_MODEL_TABLES", "Indexer", "SyncReport", "rebuild_read_model"]

#: Every table derived from the event log (emptied and replayed on a rollback).
READ_MODEL_TABLES: Final = (
    Member, Certificate, CertificateVersion, CertificateEvent, ShareHolding, Licence, Pledge, Anchor,
)

_events = table(ChainEvent)
_blocks = table(IndexedBlock)
_cursor = table(OracleCursor)
_REPLAY_PAGE: Final = 2000


@dataclass
class SyncReport:
    """What one :meth:`Indexer.sync` did."""

    start_block: int
    cursor: int
    target: int
    head: int
    windows: int = 0
    events: int = 0
    rollbacks: list[tuple[int, int]] = field(default_factory=list)
    #: Seconds spent fetching logs (with the block headers that frame them), decoding them,
    #: and writing them (the window transactions, commit included). Fetching and decoding
    #: run in a worker thread while windows are written, so the three may overlap.
    fetch_seconds: float = 0.0
    decode_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def behind(self) -> int:
        """How many blocks the read model is behind the chain's head."""
        return max(0, self.head - self.cursor)


#: The columns of :class:`ChainEvent` in the order :func:`_event_row` gives them.
_EVENT_COLUMNS: Final = (
    "block_number", "log_index", "tx_hash", "block_hash", "block_timestamp", "tx_index", "contract", "address",
    "event", "args",
)
_EVENT_KEY: Final = ("block_number", "log_index")


def _event_row(event: LoggedEvent) -> tuple[Any, ...]:
    return (
        event.block_number, event.log_index, event.tx_hash, event.block_hash, event.block_timestamp,
        event.tx_index, event.contract, event.address, event.event,
        event.args_json if event.args_json is not None else ARGS_JSON.encode(event.args),
    )


def _stored_event(row: Any) -> LoggedEvent:
    return LoggedEvent(
        contract=row.contract,
        event=row.event,
        args=json.loads(row.args),
        address=row.address,
        block_number=row.block_number,
        block_hash=row.block_hash,
        block_timestamp=row.block_timestamp,
        tx_hash=row.tx_hash,
        tx_index=row.tx_index,
        log_index=row.log_index,
    )


def rebuild_read_model(connection: Connection, registry: HandlerRegistry = default_registry) -> int:
    """Empty the read model and replay the whole event log into it; returns the events replayed."""
    for model in READ_MODEL_TABLES:
        connection.execute(delete(table(model)))
    replayed = 0
    last: tuple[int, int] | None = None
    while True:
        query = select(_events).order_by(_events.c.block_number, _events.c.log_index).limit(_REPLAY_PAGE)
        if last is not None:
            query = query.where(
                (_events.c.block_number > last[0])
                | ((_events.c.block_number == last[0]) & (_events.c.log_index > last[1]))
            )
        rows = connection.execute(query).all()
        registry.apply_all(connection, (_stored_event(row) for row in rows), fresh=True)
        replayed += len(rows)
        if len(rows) < _REPLAY_PAGE:
            return replayed
        last = (rows[-1].block_number, rows[-1].log_index)


class Indexer:
    """Indexes the events of the suite's contracts from one chain into one database."""

    def __init__(
        self,
        w3: Web3,
        engine: Engine,
        decoder: LogDecoder,
        *,
        chain_id: int,
        log_range: int = 5000,
        confirmations: int = 0,
        start_block: int = 0,
        keep_blocks: int = 4096,
        registry: HandlerRegistry = default_registry,
    ) -> None:
        if log_range < 1:
            raise ValueError("log_range must be at least 1 block")
        self.w3 = w3
        self.engine = engine
        self.decoder = decoder
        self.chain_id = chain_id
        self.log_range = log_range
        self.confirmations = confirmations
        self.start_block = start_block
        self.keep_blocks = max(keep_blocks, 4 * log_range)
        self.registry = registry
        self._addresses = sorted(Web3.to_checksum_address(a) for a in decoder.addresses)

    # --- talking to the node ---------------------------------------------------------------

    def _rpc(self, method: str, params: Sequence[Any]) -> Any:
        try:
            response = self.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - any transport failure is a chain error
            raise ChainError(f"{method} failed: {exc}") from None
        if "error" in response:
            error = response["error"]
            message = error.get("message", error) if isinstance(error, dict) else error
            raise ChainError(f"{method} failed: {message}")
        return response.get("result")

    def head(self) -> int:
        """The chain's latest block number."""
        return int(self._rpc("eth_blockNumber", []), 16)

    def _header(self, number: int) -> dict[str, Any] | None:
        block: dict[str, Any] | None = self._rpc("eth_getBlockByNumber", [hex(number), False])
        return block

    def fetch_logs(self, start: int, end: int) -> list[dict[str, Any]]:
        """The raw logs of the suite's contracts in blocks ``start..end`` (one request)."""
        logs: list[dict[str, Any]] = self._rpc(
            "eth_getLogs", [{"fromBlock": hex(start), "toBlock": hex(end), "address": self._addresses}]
        )
        return logs

    # --- the cursor ------------------------------------------------------------------------

    def cursor(self) -> tuple[int, str] | None:
        """The last applied block and its hash, or ``None`` before the first window."""
        try:
            with self.engine.connect() as connection:
                row = connection.execute(select(_cursor).where(_cursor.c.name == CHAIN_CURSOR)).first()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the oracle cursor: {exc}") from None
        if row is None:
            return None
        if row.chain_id != self.chain_id:
            raise StoreError(
                f"this database indexes chain {row.chain_id}, not chain {self.chain_id}: "
                "use the database of that chain's profile"
            )
        return int(row.block_number), str(row.block_hash)

    # --- syncing ---------------------------------------------------------------------------

    def sync(
        self,
        target: int | None = None,
        *,
        stop: Callable[[], bool] = lambda: False,
        progress: Callable[[SyncReport], None] | None = None,
    ) -> SyncReport:
        """Apply windows until the read model reaches ``target`` (head minus confirmations).

        ``stop`` is asked between windows, so a stop request ends the run at a
        window boundary, with everything before it committed.
        """
        head = self.head()
        goal = head - self.confirmations if target is None else min(target, head)
        current = self.cursor()
        position = current[0] if current else self.start_block - 1
        report = SyncReport(start_block=position, cursor=position, target=goal, head=head)
        while not stop():
            current = self._check_continuity(current, report)
            position = current[0] if current else self.start_block - 1
            report.cursor = position
            if position >= goal:
                break
            start, end = position + 1, min(position + self.log_range, goal)
            applied = self._window(start, end, report)
            if applied is None:
                current = self.cursor()  # the chain or another oracle moved meanwhile: look again
                continue
            current = applied[0]
            report.windows += 1
            report.events += applied[1]
            report.cursor = current[0]
            if progress is not None:
                progress(report)
        return report

    def _check_continuity(self, current: tuple[int, str] | None, report: SyncReport) -> tuple[int, str] | None:
        if current is None:
            return None
        header = self._header(current[0])
        if header is not None and str(header["hash"]).lower() == current[1]:
            return current
        ancestor = self._common_ancestor()
        self._roll_back(ancestor)
        report.rollbacks.append((current[0], ancestor[0] if ancestor else self.start_block - 1))
        return ancestor

    def _common_ancestor(self) -> tuple[int, str] | None:
        """The newest checkpoint the chain still has (binary search: blocks chain by hash)."""
        with self.engine.connect() as connection:
            checkpoints = [
                (int(number), str(block_hash))
                for number, block_hash in connection.execute(
                    select(_blocks.c.number, _blocks.c.hash).order_by(_blocks.c.number)
                )
            ]
        low, high, found = 0, len(checkpoints) - 1, None
        while low <= high:
            middle = (low + high) // 2
            number, block_hash = checkpoints[middle]
            header = self._header(number)
            if header is not None and str(header["hash"]).lower() == block_hash:
                found, low = checkpoints[middle], middle + 1
            else:
                high = middle - 1
        return found

    def _roll_back(self, ancestor: tuple[int, str] | None) -> None:
        """Forget everything after ``ancestor`` and rebuild the read model, in one transaction."""
        keep = ancestor[0] if ancestor else self.start_block - 1
        with derived_data_transaction(self.engine) as connection:
            hold_writer_lock(connection)
            connection.execute(delete(_events).where(_events.c.block_number > keep))
            connection.execute(delete(_blocks).where(_blocks.c.number > keep))
            if ancestor is None:
                connection.execute(delete(_cursor).where(_cursor.c.name == CHAIN_CURSOR))
            else:
                self._set_cursor(connection, ancestor[0], ancestor[1])
            rebuild_read_model(connection, self.registry)

    def _position(self, connection: Connection) -> int:
        """The last applied block as this transaction sees it."""
        number = connection.execute(
            select(_cursor.c.block_number).where(_cursor.c.name == CHAIN_CURSOR)
        ).scalar()
        return self.start_block - 1 if number is None else int(number)

    def _set_cursor(self, connection: Connection, number: int, block_hash: str) -> None:
        values = {
            "name": CHAIN_CURSOR,
            "chain_id": self.chain_id,
            "block_number": number,
            "block_hash": block_hash,
            "updated_at": utc_now(),
        }
        upsert(connection, OracleCursor, values, ["chain_id", "block_number", "block_hash", "updated_at"])

    def _block_time(self, number: int) -> int:
        """The time of block ``number``, for nodes whose logs do not carry it."""
        header = self._header(number)
        if header is None:
            raise ChainError(f"block {number} vanished while indexing; run again")
        return int(header["timestamp"], 16)

    def _window(self, start: int, end: int, report: SyncReport) -> tuple[tuple[int, str], int] | None:
        """Fetch and apply one window; ``None`` if the chain moved under it (or another oracle applied it)."""
        began = perf_counter()
        before = self._header(end)
        report.fetch_seconds += perf_counter() - began
        if before is None:
            return None
        fetcher = _Fetcher(self, start, end, report)
        if end > start:
            fetcher.start()  # fetch and decode ahead, while this thread writes
        else:
            fetcher.fetch()  # a one-block window: one request, made before the transaction
            if fetcher.after is None or fetcher.after["hash"] != before["hash"]:
                return None
        try:
            with derived_data_transaction(self.engine) as connection:
                return self._apply(connection, start, end, before, fetcher, report)
        except _ChainMoved:
            return None
        finally:
            fetcher.stop()

    def _apply(
        self, connection: Connection, start: int, end: int, before: Mapping[str, Any], fetcher: _Fetcher,
        report: SyncReport,
    ) -> tuple[tuple[int, str], int] | None:
        """Write one window's events, read-model changes and cursor in the transaction of ``connection``.

        The events come in chunks of consecutive blocks, in chain order; each is
        written as it comes. The block ``end`` must keep its hash from before the
        first fetch to after the last (it chains every block below it), else
        :class:`_ChainMoved` rolls the whole window back.
        """
        began = perf_counter()
        end_hash = str(before["hash"]).lower()
        hold_writer_lock(connection)
        if self._position(connection) != start - 1:
            return None  # another oracle applied this window meanwhile: look again
        seen = {
            (row.block_number, row.log_index)
            for row in connection.execute(
                select(_events.c.block_number, _events.c.log_index).where(_events.c.block_number.between(start, end))
            )
        }
        written = 0
        report.write_seconds += perf_counter() - began
        for events in fetcher:
            began = perf_counter()
            for event in reversed(events):  # in chain order: the last block's events are last
                if event.block_number != end:
                    break
                if event.block_hash != end_hash:
                    raise _ChainMoved
            if seen:
                events = [e for e in events if (e.block_number, e.log_index) not in seen]
            # Under the writer lock, with the keys just read: every row written below is new.
            insert_rows(connection, ChainEvent, _EVENT_COLUMNS, [_event_row(e) for e in events], _EVENT_KEY,
                        fresh=True)
            self.registry.apply_all(connection, events, fresh=True)
            written += len(events)
            report.write_seconds += perf_counter() - began
        began = perf_counter()
        after = fetcher.after
        if after is None or after["hash"] != before["hash"]:
            raise _ChainMoved
        block = {
            "number": end,
            "hash": end_hash,
            "parent_hash": str(after["parentHash"]).lower(),
            "timestamp": int(after["timestamp"], 16),
        }
        upsert(connection, IndexedBlock, block, ["hash", "parent_hash", "timestamp"])
        connection.execute(delete(_blocks).where(_blocks.c.number < end - self.keep_blocks))
        self._set_cursor(connection, end, end_hash)
        report.write_seconds += perf_counter() - began
        return (end, end_hash), written


class _ChainMoved(Exception):
    """The chain changed under a window being applied: roll it back and look again."""


#: A pipelined window's requests grow toward this many logs each (Besu and most providers
#: answer a few thousand logs at once without trouble).
_LOGS_PER_REQUEST: Final = 1500
#: How much bigger, at most, each request's block range is than the one before: after blocks
#: without a log, and after blocks that held some.
_GROWTH_EMPTY: Final = 4
_GROWTH: Final = 2


def next_range(blocks: int, logs: int) -> int:
    """The block range of a window's next ``eth_getLogs``, after one of ``blocks`` blocks gave ``logs`` logs.

    Sized by the density just seen to about :data:`_LOGS_PER_REQUEST` logs, so
    that dense blocks are fetched in pieces that keep the writer busy. A range
    grows at most :data:`_GROWTH_EMPTY`-fold after blocks without a log, so a
    sparse window of thousands of blocks takes a handful of requests, and at
    most :data:`_GROWTH`-fold after blocks with a few: dense blocks may follow a
    sparse stretch (a busy spell after quiet ones), and the first request that
    reaches them, which the writer waits for whole, should stay small.
    """
    if logs == 0:
        return blocks * _GROWTH_EMPTY
    return max(1, min(blocks * _GROWTH, blocks * _LOGS_PER_REQUEST // logs))


class _Fetcher:
    """A window's logs, decoded, in chunks of consecutive blocks: the whole window in one request
    (:meth:`fetch`), or (:meth:`start`) requests of growing block ranges fetched and decoded ahead in
    a worker thread.

    Iterating gives the chunks in chain order; a worker's error is raised
    there, so it aborts the window's transaction. :attr:`after` is the header
    of the window's last block, read after the last request.
    """

    def __init__(self, indexer: Indexer, start: int, end: int, report: SyncReport) -> None:
        self._indexer = indexer
        self._start, self._end = start, end
        self._report = report
        self._queue: queue.Queue[tuple[list[LoggedEvent], float, float] | BaseException | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.after: Mapping[str, Any] | None = None
        self._fetched: list[LoggedEvent] | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="oracle-fetch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker (after its request in flight) and wait for it."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def fetch(self) -> None:
        """Fetch and decode the whole window now, in this thread, with one request."""
        events, _, fetching, decoding = self._fetch(self._start, self._end)
        began = perf_counter()
        self.after = self._indexer._header(self._end)
        self._report.fetch_seconds += fetching + perf_counter() - began
        self._report.decode_seconds += decoding
        self._fetched = events

    def _fetch(self, first: int, last: int) -> tuple[list[LoggedEvent], int, float, float]:
        indexer = self._indexer
        began = perf_counter()
        logs = indexer.fetch_logs(first, last)
        fetched = perf_counter()
        events = indexer.decoder.decode_all(logs, indexer._block_time)
        return events, len(logs), fetched - began, perf_counter() - fetched

    def _run(self) -> None:
        try:
            first, blocks = self._start, 1
            while first <= self._end and not self._stopping.is_set():
                last = min(first + blocks - 1, self._end)
                events, logs, fetching, decoding = self._fetch(first, last)
                self._queue.put((events, fetching, decoding))
                blocks, first = next_range(last - first + 1, logs), last + 1
            if not self._stopping.is_set():
                began = perf_counter()
                self.after = self._indexer._header(self._end)
                self._queue.put(([], perf_counter() - began, 0.0))
            self._queue.put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the writer, which aborts the window
            self._queue.put(exc)

    def __iter__(self) -> Iterator[list[LoggedEvent]]:
        report = self._report
        if self._thread is None:
            if self._fetched is None:
                self.fetch()
            yield self._fetched or []
            return
        while (item := self._queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            events, fetching, decoding = item
            report.fetch_seconds += fetching
            report.decode_seconds += decoding
            if events:
                yield events
