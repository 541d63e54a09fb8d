"""Sending a workflow's transaction, and reading what it wrote: a refusal is worded with members' names.

A contract's refusal is found at gas estimation, before anything is sent, and
decoded to its custom error (:mod:`ledger.chain.revert`); here its address
arguments are shown with the names of the members they belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_utils.address import is_hex_address

from ledger.chain.revert import render_message
from ledger.context import LedgerContext
from ledger.errors import ContractRevertError
from ledger.parties import party_label, party_names

if TYPE_CHECKING:  # web3 loads only for the commands that send
    from web3.types import TxReceipt

__all__ = ["Written", "events_in", "named_error", "transact_named"]


def named_error(error: ContractRevertError, names: Mapping[str, str]) -> ContractRevertError:
    """``error`` with every address argument shown with its account name where one is known."""
    if not names:
        return error
    labelled = {
        key: party_label(value, names) if isinstance(value, str) and is_hex_address(value) else value
        for key, value in error.args_by_name.items()
    }
    message = render_message(error.name, labelled)
    if message.startswith("the contract refused:"):
        message = str(error)  # no template: keep the plain form with raw values
    return ContractRevertError(message, error.name, error.args_by_name)


@dataclass(frozen=True)
class Written:
    """Where a transaction landed."""

    tx_hash: str
    block: int
    gas_used: int

    @classmethod
    def of(cls, receipt: TxReceipt) -> Written:
        return cls(
            tx_hash="0x" + bytes(receipt["transactionHash"]).hex(),
            block=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
        )


def transact_named(
    ctx: LedgerContext, contract: str, function: str, *args: Any, as_: str | None = None
) -> TxReceipt:
    """Send ``contract.function(*args)``; a refusal (found at gas estimation, before sending) names members."""
    try:
        return ctx.send(contract, function, *args, as_=as_)
    except ContractRevertError as exc:
        raise named_error(exc, party_names(ctx)) from None


def events_in(ctx: LedgerContext, receipt: TxReceipt, contract: str, event: str) -> list[dict[str, Any]]:
    """The decoded ``event`` logs of ``contract`` in ``receipt`` (arguments only)."""
    from web3.logs import DISCARD

    processed = ctx.contract(contract).events[event]().process_receipt(receipt, errors=DISCARD)
    return [dict(log["args"]) for log in processed]
