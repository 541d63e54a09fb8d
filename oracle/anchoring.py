"""Anchoring: batches of off-chain records go on chain as Merkle roots.

For each kind of record, the records not yet anchored are gathered, a tree is
built over their hashes (:mod:`ledger.merkle`), and the batch, every record's
position and proof are written to the store as ``pending`` *before* the root
is sent. Then the root is recorded on the Anchors contract and the batch marked
``anchored``. A crash at any point is safe:

- before the batch is written: nothing happened; the next run starts afresh;
- after it is written, before or while sending: the next run finds the pending
  batch and asks the chain whether its root is recorded (``anchoredAt``); if
  not it sends it again, and a first transaction mined late makes the second
  fail with ``AnchorsRootAlreadyRecorded``, which counts as done;
- after sending, before marking: the chain has the root; the next run marks it.

A record belongs to at most one batch (a unique key), so nothing is anchored
twice, and a run anchors every record that was there when it started. A record
whose hash is already anchored (an identical copy) gets the existing proof.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from eth_account.signers.local import LocalAccount
from sqlalchemy import Connection, Engine, insert, select, update
from web3.contract import Contract

import oracle.entries  # noqa: F401 - registers the accounting-entry record source
from ledger.chain.sender import Sender, TxRequest
from ledger.errors import ContractRevertError, ValidationError
from ledger.hashing import canonical_bytes
from ledger.merkle import MerkleTree
from ledger.store.anchors import AnchorBatch, AnchoredRecord, AnchorStatus
from ledger.store.types import utc_now
from oracle.handlers.registry import table
from oracle.locking import hold_writer_lock
from oracle.records import RecordSource, record_sources

__all__ = [
    "BATCH_SCHEMA",
    "AnchorChain",
    "AnchorOutcome",
    "AnchorReader",
    "ContractAnchorChain",
    "anchor_pending",
    "batch_reference",
    "kind_tag",
]

#: The record type of a batch manifest, whose hash is the batch's on-chain reference.
BATCH_SCHEMA: Final = "dal.anchor-batch/1"

_batches = table(AnchorBatch)
_records = table(AnchoredRecord)


def kind_tag(kind: str) -> bytes:
    """The ``bytes32`` tag of a record kind: its ASCII text, right-padded with zeros."""
    raw = kind.encode("ascii")
    if len(raw) > 32:
        raise ValidationError(f"record kind {kind!r} is longer than 32 characters")
    return raw.ljust(32, b"\0")


def batch_reference(kind: str, record_hashes: Sequence[str]) -> bytes:
    """keccak-256 of the batch manifest: its kind and record hashes in order (see docs/canonical-form.md)."""
    from eth_utils.crypto import keccak

    manifest = {"schema": BATCH_SCHEMA, "kind": kind, "records": list(record_hashes)}
    return bytes(keccak(canonical_bytes(manifest)))


class AnchorReader(Protocol):
    """What checking a record needs from the chain."""

    def anchored_at(self, root: bytes) -> int:
        """When ``root`` was recorded (block time), or 0."""
        ...

    def verify(self, root: bytes, record_hash: bytes, proof: Sequence[bytes]) -> bool:
        """Whether the chain accepts ``proof`` of ``record_hash`` under ``root``."""
        ...


class AnchorChain(AnchorReader, Protocol):
    """What anchoring needs from the chain."""

    def record(self, kind: bytes, root: bytes, count: int, batch_ref: bytes) -> tuple[str, int] | None:
        """Record a root; the transaction hash and block, or ``None`` if the root was already there."""
        ...


class ContractAnchorChain:
    """The Anchors contract, written through the ledger's sender as the oracle's account."""

    def __init__(self, anchors: Contract, sender: Sender, account: LocalAccount) -> None:
        self.anchors = anchors
        self.sender = sender
        self.account = account

    def anchored_at(self, root: bytes) -> int:
        return int(self.anchors.functions.anchoredAt(root).call())

    def verify(self, root: bytes, record_hash: bytes, proof: Sequence[bytes]) -> bool:
        """The contract's own check (OpenZeppelin ``MerkleProof``) of a record under a recorded root."""
        return bool(self.anchors.functions.verify(root, record_hash, list(proof)).call())

    def record(self, kind: bytes, root: bytes, count: int, batch_ref: bytes) -> tuple[str, int] | None:
        request = TxRequest.call(self.anchors, "anchor", kind, root, count, batch_ref, label="anchor batch")
        try:
            receipt = self.sender.transact(self.account, request)
        except ContractRevertError as exc:
            if exc.name == "AnchorsRootAlreadyRecorded":
                return None
            raise
        return "0x" + bytes(receipt["transactionHash"]).hex(), int(receipt["blockNumber"])


@dataclass
class AnchorOutcome:
    """One batch that a run anchored (or found anchored)."""

    batch_id: int
    kind: str
    root: str
    count: int
    resumed: bool
    tx_hash: str | None
    block_number: int | None


@dataclass
class _Gathered:
    kind: str
    fresh: list[tuple[int, str]] = field(default_factory=list)
    copies: list[tuple[int, str, Any]] = field(default_factory=list)


def _gather(connection: Connection, source: RecordSource, limit: int) -> _Gathered:
    gathered = _Gathered(source.kind)
    pending = source.unanchored(connection, limit)
    if not pending:
        return gathered
    hashes = sorted({record_hash for _, record_hash in pending})
    existing: dict[str, Any] = {}
    for chunk_start in range(0, len(hashes), 500):
        chunk = hashes[chunk_start:chunk_start + 500]
        for row in connection.execute(
            select(_records.c.record_hash, _records.c.batch_id, _records.c.position, _records.c.proof)
            .join(_batches, _batches.c.id == _records.c.batch_id)
            .where(_records.c.record_hash.in_(chunk), _batches.c.kind == source.kind)
        ):
            existing.setdefault(row.record_hash, row)
    for record_id, record_hash in pending:
        if record_hash in existing:
            gathered.copies.append((record_id, record_hash, existing[record_hash]))
        else:
            gathered.fresh.append((record_id, record_hash))
    return gathered


def _write_batch(engine: Engine, source: RecordSource, limit: int) -> tuple[int | None, int]:
    """Gather and write one pending batch of ``source``'s kind.

    Returns the new batch's id (``None`` when every gathered record was a copy
    of an anchored one) and how many records were gathered (0: nothing left).
    """
    with engine.begin() as connection:
        hold_writer_lock(connection)
        gathered = _gather(connection, source, limit)
        for record_id, record_hash, row in gathered.copies:
            connection.execute(insert(_records).values(
                batch_id=row.batch_id, record_kind=source.kind, record_id=record_id,
                record_hash=record_hash, position=row.position, proof=row.proof,
            ))
        gathered_count = len(gathered.fresh) + len(gathered.copies)
        if not gathered.fresh:
            return None, gathered_count
        hashes = [record_hash for _, record_hash in gathered.fresh]
        tree = MerkleTree.of([bytes.fromhex(h[2:]) for h in hashes])
        batch_id = connection.execute(
            insert(_batches).values(
                kind=source.kind, root="0x" + tree.root.hex(), count=len(hashes),
                batch_ref="0x" + batch_reference(source.kind, hashes).hex(),
                status=AnchorStatus.PENDING.value, created_at=utc_now(),
            ).returning(_batches.c.id)
        ).scalar_one()
        proofs = tree.proofs_json()
        connection.execute(insert(_records), [
            {
                "batch_id": batch_id, "record_kind": source.kind, "record_id": record_id,
                "record_hash": record_hash, "position": position, "proof": proofs[position],
            }
            for position, (record_id, record_hash) in enumerate(gathered.fresh)
        ])
        return int(batch_id), gathered_count


def _send_batch(engine: Engine, chain: AnchorChain, batch_id: int, resumed: bool) -> AnchorOutcome:
    with engine.connect() as connection:
        batch = connection.execute(select(_batches).where(_batches.c.id == batch_id)).one()._mapping
    root = bytes.fromhex(batch["root"][2:])
    sent: tuple[str, int] | None = None
    if chain.anchored_at(root) == 0:
        sent = chain.record(kind_tag(batch["kind"]), root, int(batch["count"]), bytes.fromhex(batch["batch_ref"][2:]))
    with engine.begin() as connection:
        connection.execute(
            update(_batches).where(_batches.c.id == batch_id).values(
                status=AnchorStatus.ANCHORED.value,
                tx_hash=sent[0] if sent else batch["tx_hash"],
                block_number=sent[1] if sent else batch["block_number"],
                anchored_at=utc_now(),
            )
        )
    return AnchorOutcome(
        batch_id=batch_id, kind=batch["kind"], root=batch["root"], count=int(batch["count"]), resumed=resumed,
        tx_hash=sent[0] if sent else None, block_number=sent[1] if sent else None,
    )


def anchor_pending(
    engine: Engine,
    chain: AnchorChain,
    *,
    kinds: Sequence[str] | None = None,
    max_batch: int = 10_000,
    progress: Callable[[AnchorOutcome], None] | None = None,
) -> list[AnchorOutcome]:
    """Finish any batch a previous run left pending, then anchor every unanchored record.

    One batch per kind per ``max_batch`` records; returns what was anchored.
    """
    sources = record_sources()
    chosen = list(sources) if kinds is None else list(kinds)
    unknown = [kind for kind in chosen if kind not in sources]
    if unknown:
        raise ValidationError(f"unknown record kind {unknown[0]!r}; known kinds: {', '.join(sorted(sources))}")
    if max_batch < 1:
        raise ValidationError("a batch holds at least one record")
    outcomes: list[AnchorOutcome] = []

    def done(outcome: AnchorOutcome) -> None:
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)

    with engine.connect() as connection:
        pending = connection.execute(
            select(_batches.c.id).where(_batches.c.status == AnchorStatus.PENDING.value).order_by(_batches.c.id)
        ).scalars().all()
    for batch_id in pending:
        done(_send_batch(engine, chain, int(batch_id), resumed=True))
    for kind in chosen:
        while True:
            batch_id, gathered = _write_batch(engine, sources[kind], max_batch)
            if batch_id is not None:
                done(_send_batch(engine, chain, batch_id, resumed=False))
            if gathered == 0:
                break
    return outcomes
