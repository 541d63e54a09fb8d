"""Checking a record against the chain: is it anchored, and is it unchanged?

A record is *there* when the store holds a proof for its hash, the proof leads
to the batch's root (checked here with :mod:`ledger.merkle`) and the Anchors
contract has that root and accepts the proof (checked on chain, so the answer
does not rest on this software's Merkle code alone). A stored record is
*unchanged* when the hash recomputed from its fields now equals the hash that
was anchored. A proof file (``{"root", "record_hash", "proof"}``, as
:func:`proof_document` writes it) lets anyone check without the store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from ledger.errors import NotFoundError, ValidationError
from ledger.merkle import verify_proof
from ledger.store.anchors import AnchorBatch, AnchoredRecord
from oracle.anchoring import AnchorReader
from oracle.handlers.registry import table
from oracle.records import record_sources

__all__ = ["RecordCheck", "check_proof", "check_record_hash", "check_stored_record", "proof_document"]

_batches = table(AnchorBatch)
_records = table(AnchoredRecord)


@dataclass
class RecordCheck:
    """The answer to "is this record anchored on chain, unchanged?"."""

    record_hash: str
    anchored: bool = False
    root: str | None = None
    proof: list[str] = field(default_factory=list)
    proof_valid: bool = False
    on_chain: bool = False
    anchored_at: int = 0
    kind: str | None = None
    record_id: int | None = None
    batch_id: int | None = None
    current_hash: str | None = None

    @property
    def unchanged(self) -> bool | None:
        """For a stored record: whether its fields still hash to the anchored hash."""
        return None if self.current_hash is None else self.current_hash == self.record_hash

    @property
    def ok(self) -> bool:
        """Anchored on chain, the proof holds, and (for a stored record) nothing changed since."""
        return self.anchored and self.proof_valid and self.on_chain and self.unchanged is not False

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "unchanged": self.unchanged, "ok": self.ok}


def _hex32(value: str, what: str) -> bytes:
    text = value.strip().lower()
    if not text.startswith("0x") or len(text) != 66:
        raise ValidationError(f"{what} must be 0x and 64 hex digits, got {value!r}")
    try:
        return bytes.fromhex(text[2:])
    except ValueError:
        raise ValidationError(f"{what} must be 0x and 64 hex digits, got {value!r}") from None


def check_proof(chain: AnchorReader, record_hash: str, root: str, proof: Sequence[str]) -> RecordCheck:
    """Check a record hash and its proof against the chain, without the store."""
    leaf, top = _hex32(record_hash, "the record hash"), _hex32(root, "the root")
    nodes = [_hex32(node, "a proof element") for node in proof]
    check = RecordCheck(record_hash="0x" + leaf.hex(), anchored=True, root="0x" + top.hex(),
                        proof=["0x" + n.hex() for n in nodes])
    check.proof_valid = verify_proof(top, leaf, nodes)
    check.anchored_at = chain.anchored_at(top)
    check.on_chain = check.anchored_at > 0 and chain.verify(top, leaf, nodes)
    return check


def _from_store(engine: Engine, chain: AnchorReader, where: Any, record_hash: str | None) -> RecordCheck:
    with engine.connect() as connection:
        row = connection.execute(
            select(_records, _batches.c.root)
            .join(_batches, _batches.c.id == _records.c.batch_id)
            .where(where)
            .order_by(_records.c.id)
            .limit(1)
        ).first()
    if row is None:
        return RecordCheck(record_hash=record_hash or "")
    check = check_proof(chain, row.record_hash, row.root, json.loads(row.proof))
    check.kind, check.record_id, check.batch_id = row.record_kind, int(row.record_id), int(row.batch_id)
    return check


def check_record_hash(engine: Engine, chain: AnchorReader, record_hash: str) -> RecordCheck:
    """Whether a record with this hash (a catalog entry file's, say) is anchored on chain."""
    normalised = "0x" + _hex32(record_hash, "the record hash").hex()
    return _from_store(engine, chain, _records.c.record_hash == normalised, normalised)


def check_stored_record(engine: Engine, chain: AnchorReader, kind: str, record_id: int) -> RecordCheck:
    """Whether stored record ``kind``/``record_id`` is anchored, and unchanged since."""
    sources = record_sources()
    if kind not in sources:
        raise ValidationError(f"unknown record kind {kind!r}; known kinds: {', '.join(sorted(sources))}")
    with engine.connect() as connection:
        current = sources[kind].current_hash(connection, record_id)
    if current is None:
        raise NotFoundError(f"there is no {kind} record {record_id} in the store")
    check = _from_store(engine, chain, (_records.c.record_kind == kind) & (_records.c.record_id == record_id),
                        None)
    if not check.anchored:
        check.record_hash, check.kind, check.record_id = current, kind, record_id
    check.current_hash = current
    return check


def proof_document(check: RecordCheck) -> dict[str, Any]:
    """A portable proof: enough to check the record against the chain without the store."""
    if not check.anchored or check.root is None:
        raise NotFoundError(f"record {check.record_hash} is not anchored yet: run `dal oracle anchor`")
    return {"record_hash": check.record_hash, "root": check.root, "proof": check.proof, "kind": check.kind}
