"""`dal audit books`: one member's books reconciled with the chain.

:func:`audit_books` checks every card the member carries against the
certificate and rights on chain (:func:`ledger.books.chain_check.check_cards`)
and every anchored accounting entry against its anchored leaf: still in the
store, still hashing to the leaf, its proof leading to its batch root, and that
root on chain. Each drift is one line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select
from sqlmodel import Session

from ledger.books.chain_check import CardCheck, check_cards
from ledger.books.journal import entry_form
from ledger.errors import ValidationError
from ledger.hashing import record_hash, to_hex
from ledger.members import event_log
from ledger.merkle import verify_proof
from ledger.store.anchors import AnchorBatch, AnchoredRecord, RecordKind
from ledger.store.books import JournalEntry, JournalLine
from oracle.anchoring import AnchorReader
from oracle.handlers.registry import table

if TYPE_CHECKING:
    from oracle.service import Oracle

__all__ = ["BooksAudit", "audit_books", "check_anchored_entries"]

_KIND = RecordKind.ACCOUNTING_ENTRY.value
_records = table(AnchoredRecord)
_batches = table(AnchorBatch)
_entries = table(JournalEntry)
_lines = table(JournalLine)


def _current_hashes(connection: Connection, entity: str) -> dict[int, str]:
    """Each of ``entity``'s entries' hash recomputed from its stored fields and lines now."""
    lines: dict[int, list[dict[str, object]]] = defaultdict(list)
    for line in connection.execute(
        select(_lines).join(_entries, _entries.c.id == _lines.c.entry_id).where(_entries.c.entity == entity)
    ).mappings():
        lines[int(line["entry_id"])].append(dict(line))
    hashes: dict[int, str] = {}
    for entry in connection.execute(select(_entries).where(_entries.c.entity == entity)).mappings():
        try:
            hashes[int(entry["id"])] = to_hex(record_hash(entry_form(dict(entry), lines[int(entry["id"])])))
        except (ValueError, TypeError, AttributeError):
            hashes[int(entry["id"])] = "0x" + "00" * 32
    return hashes


def check_anchored_entries(connection: Connection, chain: AnchorReader, entity: str) -> tuple[int, list[str]]:
    """How many anchored entries of ``entity`` were checked, and one line per drift: an entry changed since it
    was anchored, an anchored entry gone from the store, a proof that does not lead to its root, or a root the
    chain does not have."""
    current = _current_hashes(connection, entity)
    rows = connection.execute(
        select(_records.c.record_id, _records.c.record_hash, _records.c.proof, _batches.c.root, _batches.c.id)
        .join(_batches, _batches.c.id == _records.c.batch_id)
        .where(_records.c.record_kind == _KIND)
        .order_by(_records.c.record_id)
    ).all()
    existing = {int(i) for i in connection.execute(select(_entries.c.id)).scalars()}
    problems: list[str] = []
    roots: dict[str, int] = {}
    checked = 0
    for record_id, anchored_hash, proof, root, batch_id in rows:
        record_id = int(record_id)
        if record_id not in existing:
            problems.append(f"anchored accounting entry {record_id} is gone from the store (batch {batch_id})")
            continue
        if record_id not in current:
            continue  # another member's entry
        checked += 1
        if current[record_id] != anchored_hash:
            problems.append(f"accounting entry {record_id} changed after it was anchored: it hashes to "
                            f"{current[record_id]}, the anchored leaf is {anchored_hash}")
        nodes = [bytes.fromhex(node[2:]) for node in json.loads(proof)]
        if not verify_proof(bytes.fromhex(root[2:]), bytes.fromhex(anchored_hash[2:]), nodes):
            problems.append(f"the stored proof of accounting entry {record_id} does not lead to its batch root {root}")
        roots[root] = int(batch_id)
    for root, batch_id in sorted(roots.items(), key=lambda item: item[1]):
        if chain.anchored_at(bytes.fromhex(root[2:])) == 0:
            problems.append(f"the root {root} of anchor batch {batch_id} is not on chain")
    return checked, problems


@dataclass
class BooksAudit:
    """The reconciliation of one member's books with the chain."""

    entity: str
    block: int | None
    cards: list[CardCheck] = field(default_factory=list)
    entries_checked: int = 0
    entries_unanchored: int = 0
    entry_problems: list[str] = field(default_factory=list)

    @property
    def drift(self) -> list[str]:
        """Every drift, one line each."""
        return [problem for card in self.cards for problem in card.problems] + self.entry_problems

    @property
    def ok(self) -> bool:
        return not self.drift


def audit_books(oracle: Oracle, entity: str, *, at: int | None = None) -> BooksAudit:
    """Reconcile ``entity``'s books with the chain, as it was at Unix time ``at`` (default: now)."""
    ledger = oracle.ledger
    block = None
    day = None
    if at is not None:
        block = event_log(ledger).block_at(at)
        if block is None:
            raise ValidationError("the chain did not exist yet at that time; ask about a later time")
        day = dt.datetime.fromtimestamp(at, dt.UTC).date()
    engine = oracle.engine
    with Session(engine) as session:
        cards = check_cards(ledger, session, entity, day=day, block=block)
    with engine.connect() as connection:
        checked, problems = check_anchored_entries(connection, oracle.reader(), entity)
        total = len(connection.execute(select(_entries.c.id).where(_entries.c.entity == entity)).all())
    return BooksAudit(entity=entity, block=block, cards=cards, entries_checked=checked,
                      entries_unanchored=total - checked, entry_problems=problems)

