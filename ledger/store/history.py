"""Fast answers from the read model: how far it is in step, and a certificate's whole history.

The oracle keeps the read model (``oracle/``); the library only reads it here,
so a workflow (an auditor's trace, a bank's check) can answer from SQL when the
read model is in step with the chain, say how far behind it is, and fall back
to the chain's logs otherwise. The queries go through the database's driver
(:mod:`ledger.store.direct`): a short command's question does not load SQLAlchemy.
Events come back as
:class:`ledger.chain.logs.ChainLog`, with arguments decoded as web3 decodes
them (integers, ``bytes`` for ``bytesN``, checksummed addresses), so callers
treat both sources alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from ledger.chain.artifacts import load_artifact
from ledger.chain.logs import ChainLog, tuple_components
from ledger.errors import StoreError
from ledger.store.direct import DirectStore
from ledger.store.values import COUNTER_ID_MAX

__all__ = [
    "CHAIN_CURSOR",
    "NOT_SHARE_MOVEMENT",
    "SHARE_MOVEMENTS",
    "IndexedHistory",
    "ReadModelPosition",
    "certificate_history",
    "events_named",
    "read_model_position",
]

#: The name of the event indexer's cursor (a row of ``oracle_cursor``, :mod:`ledger.store.cursor`).
CHAIN_CURSOR: Final = "chain"

# The tables read here are those of ledger.store.cursor, .events and .read_model, by the names they give them.
_CURSOR: Final = "SELECT block_number, chain_id, block_hash FROM oracle_cursor WHERE name = ?"
#: Chain order: log indexes are block-wide, so (block, log index) orders as (block, transaction, log) does.
_ORDER: Final = " ORDER BY e.block_number, e.log_index"
_EVENTS: Final = (
    "SELECT e.block_number, e.log_index, e.tx_hash, e.block_timestamp, e.tx_index, e.contract, e.event, e.args"
    " FROM chain_events e"
)


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


def read_model_position(store: DirectStore, chain_id: int, head: int, confirmations: int = 0) -> ReadModelPosition:
    """The read model's position for ``chain_id`` (``cursor`` is ``None`` when it indexes nothing of it)."""
    try:
        rows = store.rows(_CURSOR, (CHAIN_CURSOR,))
    except StoreError as exc:
        raise StoreError(f"cannot read the read model's position: {exc}") from None
    if not rows or int(rows[0]["chain_id"]) != chain_id:
        return ReadModelPosition(cursor=None, head=head, confirmations=confirmations)
    return ReadModelPosition(cursor=int(rows[0]["block_number"]), head=head, confirmations=confirmations,
                             cursor_hash=_hex(rows[0]["block_hash"]))


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


def _indexed(store: DirectStore, to_block: int | None, where: str, params: Sequence[Any] = ()) -> IndexedHistory:
    """The events ``where`` (joins and a ``WHERE`` clause on ``chain_events e``, with its ``params``) selects,
    up to the cursor (and ``to_block``), in chain order."""
    try:
        with store.snapshot():  # the cursor and the events as one commit of the indexer left them
            cursor = store.rows(_CURSOR, (CHAIN_CURSOR,))
            if not cursor:
                return IndexedHistory(events=[], block_times={}, complete_to=-1)
            at = int(cursor[0]["block_number"])
            complete = at if to_block is None else min(at, to_block)
            rows = store.rows(
                f"{_EVENTS} {where} AND e.block_number <= ?{_ORDER}",
                (*params, complete),
            )
    except StoreError as exc:
        raise StoreError(f"cannot read the read model: {exc}") from None
    events, times = [], {}
    for row in rows:
        kinds = _input_types(row["contract"], row["event"])
        stored = json.loads(row["args"])
        number = int(row["block_number"])
        events.append(ChainLog(
            contract=row["contract"], event=row["event"],
            args={name: _web3_form(value, kinds.get(name, "string")) for name, value in stored.items()},
            block_number=number, tx_index=int(row["tx_index"]), log_index=int(row["log_index"]),
            tx_hash=str(row["tx_hash"]),
        ))
        times[number] = int(row["block_timestamp"])
    return IndexedHistory(events=events, block_times=times, complete_to=complete,
                          cursor=at, cursor_hash=_hex(cursor[0]["block_hash"]))


def certificate_history(store: DirectStore, certificate_id: int, to_block: int | None = None) -> IndexedHistory:
    """Every event of the certificate, its shares, licences and pledges, in chain order, from SQL."""
    if not 0 <= certificate_id <= COUNTER_ID_MAX:
        # No certificate has that id, and the links could not hold it: only the read model's position is read.
        return _indexed(store, to_block, "WHERE 1 = 0")
    return _indexed(store, to_block, "JOIN rm_certificate_events l ON l.block_number = e.block_number "
                                     "AND l.log_index = e.log_index WHERE l.certificate_id = ?", (certificate_id,))


#: The share movements (ERC-1155 transfers): nearly every event, and left out of the index by name.
SHARE_MOVEMENTS: Final = ("TransferSingle", "TransferBatch")
#: The rows the index by name (``ix_chain_events_event``, :mod:`ledger.store.events`) covers, as SQL: a query on
#: ``chain_events`` alone that adds this condition word for word may use the index on SQLite (whose planner
#: matches it as written) and PostgreSQL.
NOT_SHARE_MOVEMENT: Final = "event NOT IN ({})".format(", ".join(f"'{name}'" for name in SHARE_MOVEMENTS))


def events_named(
    store: DirectStore, selection: Iterable[tuple[str, str]], to_block: int | None = None
) -> IndexedHistory:
    """Every event named by ``selection`` ((contract, event) pairs), in chain order, from SQL."""
    pairs = list(dict.fromkeys(selection))
    if not pairs:
        return IndexedHistory(events=[], block_times={}, complete_to=-1)
    names = sorted({event for _, event in pairs})
    where = "WHERE (" + " OR ".join("(e.contract = ? AND e.event = ?)" for _ in pairs) + ")"
    params: list[Any] = [value for pair in pairs for value in pair]
    if not any(event in SHARE_MOVEMENTS for event in names):
        # The index by name leaves the share movements out: a selection of rare events says so, word for
        # word, and names its events in one list, so that SQLite's planner (and PostgreSQL's) can use it.
        where += f" AND e.event IN ({', '.join('?' for _ in names)}) AND {NOT_SHARE_MOVEMENT}"
        params += names
    return _indexed(store, to_block, where, params)
