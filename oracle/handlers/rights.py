"""Handlers of the Rights contract's events: shares (ERC-1155 transfers) and licences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ledger.store.read_model import Licence, ShareHolding, ShareTransfer
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import (
    buffered,
    bulk_insert,
    deferred,
    flushes,
    handles,
    link_certificate,
    right_name,
    table,
    upsert,
)

__all__ = ["ZERO_ADDRESS"]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

_holdings = table(ShareHolding)
_licences = table(Licence)
_WINDOW = "rights.shares"


@dataclass
class _Window:
    """Share movements of one window: net deltas per holding, and the history rows."""

    deltas: dict[tuple[int, str, str], int] = field(default_factory=dict)
    transfers: list[dict[str, Any]] = field(default_factory=list)


def _move(connection: Connection, event: LoggedEvent, item: int, token_id: int, shares: int) -> None:
    window: _Window = deferred(connection, _WINDOW, _Window)
    certificate_id, right = token_id >> 2, right_name(token_id & 3)  # history links: rm_share_transfers
    sender, recipient = event.args["from"], event.args["to"]
    if sender != ZERO_ADDRESS:
        key = (certificate_id, right, sender)
        window.deltas[key] = window.deltas.get(key, 0) - shares
    if recipient != ZERO_ADDRESS:
        key = (certificate_id, right, recipient)
        window.deltas[key] = window.deltas.get(key, 0) + shares
    window.transfers.append({
        "tx_hash": event.tx_hash,
        "log_index": event.log_index,
        "item": item,
        "certificate_id": certificate_id,
        "right": right,
        "sender": sender,
        "recipient": recipient,
        "shares": shares,
        "operator": event.args["operator"],
        "block_number": event.block_number,
        "block_timestamp": event.block_timestamp,
    })


@flushes
def write_share_movements(connection: Connection) -> None:
    """Apply the window's share deltas and history rows in bulk (sums commute, history rows are keyed)."""
    window: _Window | None = buffered(connection, _WINDOW)
    if window is None:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    changes = [
        {"certificate_id": c, "right": r, "owner": o, "shares": delta}
        for (c, r, o), delta in window.deltas.items() if delta != 0
    ]
    if changes:
        upsert = dialect.insert(_holdings)
        connection.execute(
            upsert.on_conflict_do_update(
                index_elements=["certificate_id", "right", "owner"],
                set_={"shares": _holdings.c.shares + upsert.excluded.shares},
            ),
            changes,
        )
        if any(delta < 0 for delta in window.deltas.values()):
            connection.execute(delete(_holdings).where(_holdings.c.shares == 0))
    bulk_insert(connection, ShareTransfer, window.transfers, ["tx_hash", "log_index", "item"])


@handles("Rights", "TransferSingle")
def transfer_single(connection: Connection, event: LoggedEvent) -> None:
    _move(connection, event, 0, int(event.args["id"]), int(event.args["value"]))


@handles("Rights", "TransferBatch")
def transfer_batch(connection: Connection, event: LoggedEvent) -> None:
    for item, (token_id, value) in enumerate(zip(event.args["ids"], event.args["values"], strict=True)):
        _move(connection, event, item, int(token_id), int(value))


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
    args = event.args
    granted = connection.execute(
        select(_licences.c.certificate_id).where(_licences.c.licence_id == int(args["licenceId"]))
    ).scalar()
    if granted is not None:
        link_certificate(connection, event, int(granted))
    connection.execute(
        update(_licences)
        .where(_licences.c.licence_id == int(args["licenceId"]))
        .values(
            revoked=True,
            revoked_by=args["revokedBy"],
            root_licence_id=int(args["rootLicenceId"]),
            revoke_reason_hash=args["reasonHash"],
        )
    )
