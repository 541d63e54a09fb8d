"""What the HTTP service keeps for its whole life: the ledger, the oracle's read model, the access log.

One :class:`Backend` per server process. It holds the profile's
:class:`~ledger.context.LedgerContext` (one web3 client, the deployed
contracts), the :class:`~oracle.service.Oracle` whose read model answers
searches and positions (kept in step by a background sync, unless another
process runs `dal oracle run`), a short-lived cache of verification answers,
and the writer of the access log.

**Verification answers are cached by block.** An answer read at a block never
changes, so it is kept for a few seconds under (certificate, bank, block hash)
and served again while the chain's head is still that block. The cache never
serves an answer of an older block than the head.

**The access log is written in the background**: a request appends its entry
to a queue and returns; a writer thread commits the queue every fraction of a
second, and reading the log flushes it first. While the database is down the
entries wait in the queue (up to a bound) and are written when it returns.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session
from web3.types import RPCEndpoint

from ledger.context import LedgerContext
from ledger.errors import ChainError, NodeUnavailableError, StoreError
from ledger.parties import party_names
from ledger.store.api_access import AccessLogEntry, ApiKey, find_key, key_digest
from ledger.store.direct import direct_store
from ledger.store.history import read_model_position
from ledger.types import MemberStatus, Role
from oracle.service import Oracle

__all__ = ["Backend", "Caller", "ServeSettings"]

log = logging.getLogger("dal.serve")

#: How long a verification answer of a block is served again (the answer of a block never changes; only the
#: off-chain store's check of the catalog may, and that is seen within this time).
VERIFICATION_CACHE_SECONDS = 60.0
#: How long a member's on-chain roles and status, and a key found in the store, are trusted before they are
#: read again: a changed role, a suspension or a revoked key takes effect within this time.
ROLES_CACHE_SECONDS = 2.0
#: How often the chain's head is looked at, and how old the last look may be before requests are refused.
HEAD_INTERVAL = 0.1
HEAD_STALE = 2.0
#: How many access log entries wait for a database that is down before the oldest are dropped (and logged).
ACCESS_LOG_BACKLOG = 100_000


@dataclass(frozen=True)
class ServeSettings:
    """How the server behaves; defaults suit a single bank or registrar."""

    #: Seconds a request may take before it is answered with 503 (the work is abandoned).
    request_timeout: float = 20.0
    #: The largest page of a listing (``limit``).
    max_page: int = 200
    #: Keep the read model in step with the chain from this process (off when `dal oracle run` does it).
    sync: bool = True
    #: Seconds between two syncs of the read model.
    sync_interval: float = 1.0


@dataclass(frozen=True)
class Caller:
    """Who asks: a member (through its key) with its on-chain roles, or the public (no key)."""

    member: str | None
    name: str | None
    roles: Role
    key_id: int | None

    @property
    def public(self) -> bool:
        return self.member is None

    def has(self, role: Role) -> bool:
        return bool(self.roles & role)

    @property
    def auditor(self) -> bool:
        return self.has(Role.AUDITOR)

    @property
    def role_names(self) -> list[str]:
        return self.roles.names

    @staticmethod
    def anonymous() -> Caller:
        return Caller(member=None, name=None, roles=Role(0), key_id=None)


class _Expiring:
    """A small thread-safe cache whose entries expire after ``seconds``; at most ``size`` entries.

    :meth:`get_or_make` makes a missing entry once however many threads ask for it at the same time (the
    others wait for it), so a burst of the same question costs one answer.
    """

    def __init__(self, seconds: float, size: int = 4096) -> None:
        self.seconds = seconds
        self.size = size
        self._items: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Any, threading.Lock] = {}

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        try:
            with making:
                found = self.get(key)
                if found is None:
                    found = make()
                    self.put(key, found)
                return found
        finally:
            with self._lock:
                if self._making.get(key) is making:
                    del self._making[key]

    def get(self, key: Any) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                return None
            return item[1]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self.seconds, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class Backend:
    """The ledger, the read model, the caches and the access log of one server process."""

    def __init__(self, ledger: LedgerContext, settings: ServeSettings | None = None) -> None:
        self.ledger = ledger
        self.settings = settings or ServeSettings()
        self.oracle = Oracle(ledger)
        self.verifications = _Expiring(VERIFICATION_CACHE_SECONDS)
        self._roles = _Expiring(ROLES_CACHE_SECONDS)
        self._keys = _Expiring(ROLES_CACHE_SECONDS)
        self._names: tuple[float, dict[str, str]] | None = None
        self._log_queue: queue.Queue[AccessLogEntry] = queue.Queue(maxsize=ACCESS_LOG_BACKLOG)
        self._log_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        #: (when it was seen, block hash, block number) of the head last seen, or the reason it was not.
        self._head: tuple[float, str, int] | str | None = None

    # --- life -----------------------------------------------------------------------------------

    @property
    def rpc_url(self) -> str:
        return self.ledger.profile.rpc_url

    @property
    def database(self) -> str:
        return self.ledger.profile.public_database_url()

    @cached_property
    def engine(self) -> Engine:
        """The off-chain store at the newest schema (the oracle's engine)."""
        return self.oracle.engine

    def start(self) -> None:
        """Reach the chain and the database once (the local node is started if it is down), and start the
        access log's writer and, unless told not to, the read model's sync."""
        self.ledger.deployment  # noqa: B018 - the contracts are on chain (deployed on the local profile)
        self.ledger.sender  # noqa: B018 - made once, before requests share it
        self.engine  # noqa: B018 - migrates an empty database
        self._look_at_head()
        self._start_thread("dal-serve-head", self._head_loop)
        self._start_thread("dal-serve-access-log", self._write_log_loop)
        if self.settings.sync:
            self._start_thread("dal-serve-sync", self._sync_loop)

    def stop(self) -> None:
        """Stop the background threads, writing what the access log still holds."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        try:
            self.flush_access_log()
        except Exception as exc:  # noqa: BLE001 - stopping: say what is lost, do not fail
            log.warning("access log entries not written at shutdown: %s", exc)

    def _start_thread(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _sync_loop(self) -> None:
        reported: list[str] = []

        def on_error(exc: Exception) -> None:
            message = str(exc)
            if not reported or reported[-1] != message:
                log.warning("the read model could not sync: %s", message)
                reported.append(message)

        while not self._stop.is_set():
            try:
                self.oracle.run(self._stop, interval=self.settings.sync_interval, on_error=on_error)
            except Exception as exc:  # noqa: BLE001 - the sync must outlive any failure; it retries
                on_error(exc)
                self._stop.wait(self.settings.sync_interval)

    # --- the chain's head --------------------------------------------------------------------

    def _look_at_head(self) -> None:
        try:
            reply = self.ledger.w3.provider.make_request(RPCEndpoint("eth_getBlockByNumber"), ["latest", False])
            block = reply.get("result") if isinstance(reply, dict) else None
            if not isinstance(block, dict) or not isinstance(block.get("hash"), str):
                raise ChainError(f"the node at {self.rpc_url} did not return its latest block")
            self._head = (time.monotonic(), str(block["hash"]).lower(), int(str(block["number"]), 16))
        except Exception as exc:  # noqa: BLE001 - any failure means no head; said to the requests
            reason = " ".join(str(exc).split())[:200] if isinstance(exc, ChainError) else type(exc).__name__
            self._head = f"the node at {self.rpc_url} does not answer ({reason}); the server answers again as " \
                         "soon as it does"

    def _head_loop(self) -> None:
        while not self._stop.wait(HEAD_INTERVAL):
            self._look_at_head()

    def head(self) -> tuple[str, int]:
        """The hash and number of the chain's latest block, as last seen; a node that does not answer is a
        :class:`~ledger.errors.NodeUnavailableError`."""
        seen = self._head
        if seen is None:
            self._look_at_head()
            seen = self._head
        if isinstance(seen, tuple) and time.monotonic() - seen[0] <= HEAD_STALE:
            return seen[1], seen[2]
        raise NodeUnavailableError(seen if isinstance(seen, str) else
                                   f"the node at {self.rpc_url} has not answered for {HEAD_STALE:g} s")

    # --- who asks -------------------------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """Address -> name of the parties (keystores and members' display names), read at most once a minute."""
        cached = self._names
        if cached is None or cached[0] < time.monotonic():
            cached = (time.monotonic() + 60.0, party_names(self.ledger))
            self._names = cached
        return cached[1]

    def member_roles(self, member: str) -> tuple[Role, MemberStatus]:
        """``member``'s roles and status on chain (trusted for :data:`ROLES_CACHE_SECONDS`)."""
        found = self._roles.get(member)
        if found is None:
            self.head()  # a node known to be down is said at once, not after the client's retries
            record = self.ledger.member(member)
            found = (Role(int(record.roles) & int(Role.any())), record.status)
            self._roles.put(member, found)
        result: tuple[Role, MemberStatus] = found
        return result

    def find_key(self, secret: str) -> ApiKey | None:
        """The key whose secret is ``secret`` (trusted for :data:`ROLES_CACHE_SECONDS`), else ``None``."""
        digest = key_digest(secret)
        found: ApiKey | None = self._keys.get(digest)
        if found is None:
            with Session(self.engine, expire_on_commit=False) as session:
                found = find_key(session, secret)
            if found is not None:
                self._keys.put(digest, found)
        return found

    # --- the read model -------------------------------------------------------------------------

    def read_model_status(self) -> dict[str, Any]:
        """How far the read model is behind the chain's head."""
        try:
            head = int(self.ledger.w3.eth.block_number)
        except Exception as exc:  # noqa: BLE001 - reported as the node's state
            raise ChainError(f"the node at {self.rpc_url} does not answer ({type(exc).__name__})") from None
        store = direct_store(self.ledger.profile.database_url)
        position = read_model_position(store, self.ledger.profile.chain_id, head, self.oracle.confirmations)
        return {"head": head, "indexed": position.cursor, "behind": position.behind,
                "in_step": position.in_step}

    # --- the access log -------------------------------------------------------------------------

    def record_access(self, entry: AccessLogEntry) -> None:
        """Queue ``entry`` for the access log."""
        try:
            self._log_queue.put_nowait(entry)
        except queue.Full:
            try:
                self._log_queue.get_nowait()
            except queue.Empty:
                pass
            log.error("access log backlog full (the database has been down a while): the oldest entry is dropped")
            self._log_queue.put_nowait(entry)

    def flush_access_log(self) -> int:
        """Write every queued entry now; how many were written. A database down raises
        :class:`~ledger.errors.StoreError` and the entries stay queued."""
        with self._log_lock:
            entries: list[AccessLogEntry] = []
            while True:
                try:
                    entries.append(self._log_queue.get_nowait())
                except queue.Empty:
                    break
            if not entries:
                return 0
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(AccessLogEntry), [entry.model_dump(exclude={"id"}) for entry in entries])
            except Exception as exc:  # noqa: BLE001 - kept for the next try, whatever the failure
                for entry in entries:
                    try:
                        self._log_queue.put_nowait(entry)
                    except queue.Full:
                        break
                raise StoreError(f"the access log cannot be written: {' '.join(str(exc).split())[:300]}") from None
            return len(entries)

    def _write_log_loop(self) -> None:
        failing = False
        while not self._stop.wait(0.25):
            try:
                self.flush_access_log()
                if failing:
                    log.warning("the access log is written again")
                failing = False
            except StoreError as exc:
                if not failing:
                    log.warning("%s; entries are kept until the database answers", exc)
                failing = True
