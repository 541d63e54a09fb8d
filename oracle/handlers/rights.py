"""Handlers of the Rights contract's events: shares (ERC-1155 transfers) and licences."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ledger.store.read_model import Licence, ShareHolding
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import (
    buffered,
    certificate_links,
    deferred,
    flushes,
    handles,
    handles_batch,
    link_certificate,
    right_name,
    table,
    update_row,
    upsert,
)

__all__ = ["ZERO_ADDRESS"]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

_holdings = table(ShareHolding)
_licences = table(Licence)
_DELTAS = "rights.share-deltas"


def _move(connection: Connection, moves: Iterable[tuple[LoggedEvent, int, int]]) -> None:
    """Note share movements (event, token id, shares): net deltas per holding, and the certificate links."""
    deltas: dict[tuple[int, str, str], int] = deferred(connection, _DELTAS, dict)
    links = certificate_links(connection)
    for event, token_id, shares in moves:
        certificate_id, right = token_id >> 2, right_name(token_id & 3)
        args = event.args
        sender, recipient = args["from"], args["to"]
        if sender != ZERO_ADDRESS:
            key = (certificate_id, right, sender)
            deltas[key] = deltas.get(key, 0) - shares
        if recipient != ZERO_ADDRESS:
            key = (certificate_id, right, recipient)
            deltas[key] = deltas.get(key, 0) + shares
        links.add((certificate_id, event.block_number, event.log_index))


@cache
def _holding_statements(dialect_name: str) -> tuple[Any, Any]:
    """Adding a delta to a holding, and deleting a holding that reached zero (by key)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(_holdings)
    add = insert.on_conflict_do_update(
        index_elements=["certificate_id", "right", "owner"],
        set_={"shares": _holdings.c.shares + insert.excluded.shares},
    )
    remove_empty = delete(_holdings).where(
        _holdings.c.certificate_id == bindparam("c", type_=_holdings.c.certificate_id.type),
        _holdings.c.right == bindparam("r"),
        _holdings.c.owner == bindparam("o"),
        _holdings.c.shares == 0,
    )
    return add, remove_empty


@flushes
def write_share_movements(connection: Connection) -> None:
    """Apply the window's share deltas in bulk (sums commute)."""
    deltas: dict[tuple[int, str, str], int] | None = buffered(connection, _DELTAS)
    if not deltas:
        return
    changes = [
        {"certificate_id": c, "right": r, "owner": o, "shares": delta}
        for (c, r, o), delta in deltas.items() if delta != 0
    ]
    if changes:
        add, remove_empty = _holding_statements(connection.dialect.name)
        connection.execute(add, changes)
        emptied = [{"c": c, "r": r, "o": o} for (c, r, o), delta in deltas.items() if delta < 0]
        if emptied:
            connection.execute(remove_empty, emptied)


@handles_batch("Rights", "TransferSingle")
def transfer_single(connection: Connection, events: list[LoggedEvent]) -> None:
    _move(connection, ((event, int(event.args["id"]), int(event.args["value"])) for event in events))


@handles_batch("Rights", "TransferBatch")
def transfer_batch(connection: Connection, events: list[LoggedEvent]) -> None:
    _move(connection, (
        (event, int(token_id), int(value))
        for event in events
        for token_id, value in zip(event.args["ids"], event.args["values"], strict=True)
    ))


@handles("Rights", "LicenceGranted")
def licence_granted(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    values = {
        "licence_id": int(args["licenceId"]),
        "certificate_id": int(args["certificateId"]),
        "right": right_name(args["right"]),
        "grantor": args["grantor"],
        "licensee": args["licensee"],
        "parent_id": int(args["parentId"]),
        "terms_hash": args["termsHash"],
        "start": int(args["start"]),
        "end": int(args["end"]),
        "exclusive": bool(args["exclusive"]),
        "sublicensable": bool(args["sublicensable"]),
        "revoked": False,
        "revoked_by": None,
        "root_licence_id": None,
        "revoke_reason_hash": None,
        "granted_block": event.block_number,
    }
    upsert(connection, Licence, values, [k for k in values if k != "licence_id"])
    link_certificate(connection, event, values["certificate_id"])


@handles("Rights", "LicenceRevoked")
def licence_revoked(connection: Connection, event: LoggedEvent) -> None:
    """Revocation is lazy on chain (one event for the licence revoked); the read model marks the whole subtree
    revoked, each licence naming the revoked ancestor (``root_licence_id``), as the contract's views answer."""
    args = event.args
    root = int(args["licenceId"])
    granted = connection.execute(select(_licences.c.certificate_id).where(_licences.c.licence_id == root)).scalar()
    if granted is not None:
        link_certificate(connection, event, int(granted))
    generation = [root]
    while generation:
        for licence_id in generation:
            update_row(
                connection, Licence, "licence_id", licence_id,
                revoked=True, revoked_by=args["revokedBy"], root_licence_id=root, revoke_reason_hash=args["reasonHash"],
            )
        generation = list(connection.execute(
            select(_licences.c.licence_id).where(
                _licences.c.parent_id.in_(generation), _licences.c.revoked.is_(False)
            )
        ).scalars())
