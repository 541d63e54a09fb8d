"""Handler of the Anchors contract's event: Merkle roots recorded on chain."""

from __future__ import annotations

from sqlalchemy import Connection

from ledger.store.read_model import Anchor
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import handles, upsert

__all__ = ["kind_text"]


def kind_text(kind_hex: str) -> str:
    """A right-padded ``bytes32`` tag as text (``"catalog-version"``), or its hex if not text."""
    raw = bytes.fromhex(kind_hex[2:]).rstrip(b"\0")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return kind_hex
    return text if text.isprintable() else kind_hex


@handles("Anchors", "AnchorRecorded")
def anchor_recorded(connection: Connection, event: LoggedEvent) -> None:
    args = event.args
    values = {
        "root": args["root"],
        "kind": kind_text(args["kind"]),
        "count": int(args["count"]),
        "batch_ref": args["batchRef"],
        "block_number": event.block_number,
        "block_timestamp": event.block_timestamp,
        "tx_hash": event.tx_hash,
    }
    upsert(connection, Anchor, values, [k for k in values if k != "root"])
