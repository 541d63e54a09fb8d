"""Fast answers from the read model: how far it is in step, and a certificate's whole history.

The oracle keeps the read model (``oracle/``); the library only reads it here,
so a workflow (an auditor's trace, a bank's check) can answer from SQL when the
read model is in step with the chain, say how far behind it is, and fall back
to the chain's logs otherwise. Events come back as
:class:`ledger.chain.logs.ChainLog`, with arguments decoded as web3 decodes
them (integers, ``bytes`` for ``bytesN``, checksummed addresses), so callers
treat both sources alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Engine, Select, and_, false, or_, select, text
from sqlalchemy.exc import SQLAlchemyError

from ledger.chain.artifacts import load_artifact
from ledger.chain.logs import ChainLog, tuple_components
from ledger.errors import StoreError
from ledger.store.cursor import CHAIN_CURSOR, OracleCursor
from ledger.store.events import NOT_SHARE_MOVEMENT, SHARE_MOVEMENTS, ChainEvent
from ledger.store.read_model import CertificateEvent
from ledger.store.types import COUNTER_ID_MAX

__all__ = ["IndexedHistory", "ReadModelPosition", "certificate_history", "events_named", "read_model_position"]

_cursor = OracleCursor.__table__  # type: ignore[attr-defined]
_events = ChainEvent.__table__  # type: ignore[attr-defined]
_links = CertificateEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ReadModelPosition:
    """Where the read model is, against the chain's head."""

    cursor: int | None
    head: int
    confirmations: int
    cursor_hash: str | None = None

    @property
    def behind(self) -> int:
        """Blocks between the read model and the head (the whole chain when never synced)."""
        return self.head - (self.cursor if self.cursor is not None else -1)

    @property
    def in_step(self) -> bool:
        """Synced to within the confirmation depth: safe to answer from the read model."""
        return self.cursor is not None and 0 <= self.behind <= self.confirmations


def read_model_position(engine: Engine, chain_id: int, head: int, confirmations: int = 0) -> ReadModelPosition:
    """The read model's position for ``chain_id`` (``cursor`` is ``None`` when it indexes nothing of it)."""
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(_cursor.c.block_number, _cursor.c.chain_id, _cursor.c.block_hash)
                .where(_cursor.c.name == CHAIN_CURSOR)
            ).first()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the read model's position: {exc}") from None
    if row is None or int(row.chain_id) != chain_id:
        return ReadModelPosition(cursor=None, head=head, confirmations=confirmations)
    return ReadModelPosition(cursor=int(row.block_number), head=head, confirmations=confirmations,
                             cursor_hash=_hex(row.block_hash))


def _hex(block_hash: Any) -> str:
    """A stored block hash as ``0x`` lower-case hex, whatever form the driver returns it in."""
    text = block_hash.hex() if isinstance(block_hash, bytes) else str(block_hash)
    return "0x" + text.removeprefix("0x").lower()


@cache
def _input_types(contract: str, event: str) -> dict[str, str]:
    for item in load_artifact(contract).abi:
        if item.get("type") == "event" and item.get("name") == event:
            return {str(p["name"]): _type(p) for p in item["inputs"]}
    return {}


def _type(param: Mapping[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(_type(c) for c in param["components"]) + ")" + kind[5:]
    return kind


def _web3_form(value: Any, kind: str) -> Any:
    """A stored argument (see ``oracle.decoding``) back in web3's decoded form."""
    if kind.endswith("]"):
        inner = kind[: kind.rindex("[")]
        return [_web3_form(item, inner) for item in value]
    if kind.startswith("("):
        return tuple(_web3_form(item, inner) for item, inner in zip(value, tuple_components(kind[1:-1]), strict=True))
    if kind.startswith(("uint", "int")):
        return int(value)
    if kind.startswith("bytes") and isinstance(value, str):
        return bytes.fromhex(value[2:])
    return value


@dataclass(frozen=True)
class IndexedHistory:
    """Events from the read model, their blocks' times, and the block they are complete up to.

    ``complete_to`` is the cursor as the query saw it (capped at the block asked for); events past
    the cursor are left out even if a window being written holds some. It is ``-1`` when the read
    model indexes nothing.
    """

    events: list[ChainLog]
    block_times: dict[int, int]
    complete_to: int
    cursor: int | None = None
    cursor_hash: str | None = None


#: Chain order: log indexes are block-wide, so (block, log index) orders as (block, transaction, log) does.
_ORDER = (_events.c.block_number, _events.c.log_index)


def _indexed(engine: Engine, to_block: int | None, narrow: Callable[[Select[Any]], Select[Any]]) -> IndexedHistory:
    """The events ``narrow`` selects, up to the cursor (and ``to_block``), in chain order."""
    try:
        with engine.connect() as connection:
            cursor = connection.execute(
                select(_cursor.c.block_number, _cursor.c.block_hash).where(_cursor.c.name == CHAIN_CURSOR)
            ).first()
            if cursor is None:
                return IndexedHistory(events=[], block_times={}, complete_to=-1)
            complete = int(cursor.block_number) if to_block is None else min(int(cursor.block_number), to_block)
            query = narrow(select(_events)).where(_events.c.block_number <= complete).order_by(*_ORDER)
            rows = connection.execute(query).all()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the read model: {exc}") from None
    events, times = [], {}
    for row in rows:
        kinds = _input_types(row.contract, row.event)
        stored = json.loads(row.args)
        events.append(ChainLog(
            contract=row.contract, event=row.event,
            args={name: _web3_form(value, kinds.get(name, "string")) for name, value in stored.items()},
            block_number=int(row.block_number), tx_index=int(row.tx_index), log_index=int(row.log_index),
            tx_hash=str(row.tx_hash),
        ))
        times[int(row.block_number)] = int(row.block_timestamp)
    return IndexedHistory(events=events, block_times=times, complete_to=complete,
                          cursor=int(cursor.block_number), cursor_hash=_hex(cursor.block_hash))


def certificate_history(engine: Engine, certificate_id: int, to_block: int | None = None) -> IndexedHistory:
    """Every event of the certificate, its shares, licences and pledges, in chain order, from SQL."""

    def concerning(query: Select[Any]) -> Select[Any]:
        query = query.join(_links, and_(_links.c.block_number == _events.c.block_number,
                                        _links.c.log_index == _events.c.log_index))
        if not 0 <= certificate_id <= COUNTER_ID_MAX:
            return query.where(false())  # no certificate has that id, and the links could not hold it
        return query.where(_links.c.certificate_id == certificate_id)

    return _indexed(engine, to_block, concerning)


def events_named(
    engine: Engine, selection: Iterable[tuple[str, str]], to_block: int | None = None
) -> IndexedHistory:
    """Every event named by ``selection`` ((contract, event) pairs), in chain order, from SQL."""
    pairs = list(dict.fromkeys(selection))
    names = sorted({event for _, event in pairs})
    # The index by name leaves the share movements out: a selection of rare events says so, word for
    # word, and names its events in one list, so that SQLite's planner (and PostgreSQL's) can use it.
    rare = not any(event in SHARE_MOVEMENTS for event in names)

    def named(query: Select[Any]) -> Select[Any]:
        query = query.where(or_(*(and_(_events.c.contract == contract, _events.c.event == event)
                                  for contract, event in pairs)))
        return query.where(_events.c.event.in_(names), text(NOT_SHARE_MOVEMENT)) if rare else query

    if not pairs:
        return IndexedHistory(events=[], block_times={}, complete_to=-1)
    return _indexed(engine, to_block, named)
