"""The oracle of one profile: its database, its chain, its contracts, ready to sync, anchor and reconcile.

Built from a :class:`ledger.context.LedgerContext`, so the profile decides
everything: the node, the deployed contracts (and the block they were deployed
in, where indexing starts), the database URL, the ``eth_getLogs`` range and the
confirmation depth.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from web3.contract import Contract

from ledger.chain.artifacts import load_artifact
from ledger.context import LedgerContext
from ledger.errors import ChainError, LedgerError, StoreError
from ledger.store.direct import direct_store
from ledger.store.history import ReadModelPosition, read_model_position
from ledger.store.session import open_store, upgrade_to_head
from oracle.anchoring import AnchorOutcome, ContractAnchorChain, anchor_pending
from oracle.decoding import LogDecoder
from oracle.indexer import Indexer, SyncReport
from oracle.reconcile import Drift, reconcile
from oracle.verification import RecordCheck, check_proof, check_record_hash, check_stored_record

__all__ = ["ANCHORING_ACCOUNT", "Oracle", "keep_startup_objects"]

#: The account that anchors when none is named (the development consortium's oracle).
ANCHORING_ACCOUNT = "oracle"

#: New objects between two collections of the youngest generation in a process that indexes
#: (Python's default is 700).
_YOUNG_OBJECTS_PER_COLLECTION = 20_000


def keep_startup_objects() -> None:
    """Take every object alive now out of the garbage collector's reach, and collect less often, before a
    process indexes.

    A process that indexes keeps its libraries, contract objects and database
    engine until it exits, and a full collection walks all of them: tens of
    milliseconds each time one falls inside a sync. Frozen (``gc.freeze``),
    they are no longer walked, and collections cost only what indexing
    allocates. Indexing allocates several objects per event (the node's JSON,
    the decoded event, its row), which live until their chunk of the window is
    written, nearly none of them in a cycle: collected after every 700 new
    objects, as by default, the window's live events are walked again and again
    (about 1.3 µs per event indexed, of about 14 µs in all); after every
    :data:`_YOUNG_OBJECTS_PER_COLLECTION`, far less often. ``dal oracle sync``
    and ``dal oracle run`` call this once they are set up; a program embedding
    the oracle may do the same at its start.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(_YOUNG_OBJECTS_PER_COLLECTION, middle, old)


class Oracle:
    """Sync, run, anchor, verify and reconcile for one profile."""

    def __init__(self, ledger: LedgerContext, *, log_range: int | None = None,
                 confirmations: int | None = None) -> None:
        self.ledger = ledger
        self.log_range = log_range or ledger.profile.log_range
        self.confirmations = ledger.profile.confirmations if confirmations is None else confirmations

    @cached_property
    def engine(self) -> Engine:
        """The store, at the newest schema (an empty database is created; an old one is refused)."""
        return open_store(self.ledger.profile.database_url, create_if_empty=True)

    def contracts(self) -> dict[str, Contract]:
        deployment = self.ledger.deployment
        return {name: self.ledger.contract(name) for name in deployment.addresses}

    @cached_property
    def indexer(self) -> Indexer:
        deployment = self.ledger.deployment
        decoder = LogDecoder(
            {name: (address, load_artifact(name).abi) for name, address in deployment.addresses.items()}
        )
        return Indexer(
            self.ledger.w3, self.engine, decoder, chain_id=self.ledger.profile.chain_id,
            log_range=self.log_range, confirmations=self.confirmations, start_block=deployment.block,
        )

    # --- indexing ----------------------------------------------------------------------------

    def status(self) -> ReadModelPosition:
        """Where the read model is against the chain's head."""
        head = self.indexer.head()  # the indexer's engine first: it creates an empty database at the newest schema
        store = direct_store(self.ledger.profile.database_url)
        return read_model_position(store, self.ledger.profile.chain_id, head, self.confirmations)

    def sync(self, *, target: int | None = None, stop: Callable[[], bool] = lambda: False,
             progress: Callable[[SyncReport], None] | None = None) -> SyncReport:
        return self.indexer.sync(target, stop=stop, progress=progress)

    def run(self, stop: threading.Event, *, interval: float = 2.0,
            on_sync: Callable[[SyncReport], None] | None = None,
            on_error: Callable[[LedgerError], None] | None = None) -> int:
        """Sync, wait ``interval`` seconds, and again, until ``stop`` is set; returns the syncs done.

        A stop request is honoured between windows, so the last window is
        always committed whole. With ``on_error``, a node or database that is
        briefly unreachable is reported and tried again after ``interval``
        instead of ending the run.
        """
        rounds = 0
        while not stop.is_set():
            try:
                report = self.sync(stop=stop.is_set)
            except (ChainError, StoreError) as exc:
                if on_error is None:
                    raise
                on_error(exc)
                stop.wait(interval)
                continue
            rounds += 1
            if on_sync is not None and (report.windows or report.rollbacks):
                on_sync(report)
            stop.wait(interval)
        return rounds

    # --- anchoring ---------------------------------------------------------------------------

    def anchor_chain(self, account: str | None = None) -> ContractAnchorChain:
        name = account or self.ledger.acting_as or ANCHORING_ACCOUNT
        return ContractAnchorChain(self.ledger.contract("Anchors"), self.ledger.sender, self.ledger.account(name))

    def reader(self) -> ContractAnchorChain:
        """The Anchors contract for reading (no account unlocked)."""
        return _ReadOnlyAnchors(self.ledger.contract("Anchors"))

    def anchor(self, *, kinds: Sequence[str] | None = None, max_batch: int = 10_000,
               account: str | None = None, progress: Callable[[AnchorOutcome], None] | None = None
               ) -> list[AnchorOutcome]:
        """Anchor the records not yet on chain; then, when the read model is kept (it was synced before),
        bring it up to the head, so the blocks the anchoring itself added never show up as drift."""
        outcomes = anchor_pending(self.engine, self.anchor_chain(account), kinds=kinds, max_batch=max_batch,
                                  progress=progress)
        if any(outcome.tx_hash for outcome in outcomes) and self.status().cursor is not None:
            self.sync()
        return outcomes

    def verify_hash(self, record_hash: str) -> RecordCheck:
        return check_record_hash(self.engine, self.reader(), record_hash)

    def verify_stored(self, kind: str, record_id: int) -> RecordCheck:
        return check_stored_record(self.engine, self.reader(), kind, record_id)

    def verify_proof(self, record_hash: str, root: str, proof: Sequence[str]) -> RecordCheck:
        return check_proof(self.reader(), record_hash, root, proof)

    # --- reconciliation ----------------------------------------------------------------------

    def reconcile(self, progress: Callable[[str], None] | None = None) -> list[Drift]:
        status = self.status()
        return reconcile(
            self.engine, contracts=self.contracts(), anchors=self.reader(), cursor_block=status.cursor,
            head=status.head, confirmations=self.confirmations, progress=progress,
        )

    # --- the schema --------------------------------------------------------------------------

    @staticmethod
    def migrate(database_url: str) -> str:
        """Bring the database to the newest schema; returns the revision."""
        return upgrade_to_head(database_url)


class _ReadOnlyAnchors(ContractAnchorChain):
    def __init__(self, anchors: Contract) -> None:
        self.anchors = anchors

    def record(self, kind: bytes, root: bytes, count: int, batch_ref: bytes) -> Any:
        raise RuntimeError("a read-only view of the Anchors contract cannot record roots")
