"""The three rights of a certificate: who owns which share, and moving shares (transfer registrations).

Every issued certificate carries the holding, development and operation
rights, each owned in basis points summing to 10,000. This module answers
"who owns what" for one certificate, read from the contracts' state at one
block (:class:`ledger.reader.ChainReader`), and registers transfers of shares
between members. The candidates (owners) are found in the suite's event logs,
which the state at the pinned block then confirms or discards.

Input is read by :mod:`ledger.inputs` and checked before anything is sent;
contract refusals are decoded and re-worded with the names of the members
involved (:mod:`ledger.transactions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eth_utils.address import to_checksum_address

from ledger.chain.logs import ChainLog, checksum
from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.inputs import parse_right, parse_shares, resolve_party
from ledger.parties import party_label, party_names
from ledger.reader import (
    ChainReader,
    Read,
    certificate_exists,
    certificate_reads,
    require_holder_member,
    require_in_force,
)
from ledger.transactions import Written, transact_named
from ledger.types import TOTAL_SHARES, Right

__all__ = [
    "TOTAL_SHARES",
    "CertificateRights",
    "Holding",
    "Right",
    "RightHoldings",
    "ShareTransfer",
    "owners_of",
    "read_rights",
    "rights_reads",
    "share_owner_candidates",
    "show_rights",
    "transfer_shares",
]


@dataclass(frozen=True)
class Holding:
    """One owner's shares of one right: owned, under active pledges, and free to transfer now."""

    owner: str
    name: str | None
    shares: int
    pledged: int
    transferable: int

    @property
    def percent(self) -> str:
        return f"{Decimal(self.shares) / 100:f}%"


@dataclass(frozen=True)
class RightHoldings:
    """Every owner of one right of a certificate; their shares sum to :data:`TOTAL_SHARES` once issued."""

    right: Right
    holdings: list[Holding]

    @property
    def total(self) -> int:
        return sum(holding.shares for holding in self.holdings)


@dataclass(frozen=True)
class CertificateRights:
    """The three rights of a certificate at one block."""

    certificate_id: int
    status: str
    in_force: bool
    block_number: int
    block_hash: str
    rights: list[RightHoldings] = field(default_factory=list)

    def holdings(self, right: Right) -> list[Holding]:
        return next(item.holdings for item in self.rights if item.right is right)

    def rows(self) -> list[dict[str, Any]]:
        """One row per (right, owner): what `dal rights show` lists."""
        return [
            {
                "right": item.right.label,
                "owner": holding.owner,
                "name": holding.name,
                "shares": holding.shares,
                "percent": holding.percent,
                "pledged": holding.pledged,
                "transferable": holding.transferable,
            }
            for item in self.rights
            for holding in item.holdings
        ]


def share_owner_candidates(events: Iterable[ChainLog], certificate_id: int) -> dict[Right, set[str]]:
    """Every address that ever received shares of the certificate's rights, per right, from its events."""
    from ledger.history import transfer_items

    candidates: dict[Right, set[str]] = {right: set() for right in Right}
    for event in events:
        if event.event in ("TransferSingle", "TransferBatch"):
            for right, _shares in transfer_items(event, certificate_id):
                candidates[Right(right)].add(checksum(event.args["to"]))
    return candidates


def rights_reads(certificate_id: int, events: Iterable[ChainLog]) -> list[Read]:
    """The reads :func:`read_rights` makes, found from the certificate's events (for
    :meth:`~ledger.reader.ChainReader.prefetch`)."""
    candidates = share_owner_candidates(events, certificate_id)
    return certificate_reads(certificate_id) + [
        ("Rights", function, (certificate_id, int(right), owner))
        for right in Right
        for owner in sorted(candidates[right])
        for function in ("sharesOf", "pledgedSharesOf", "transferableSharesOf")
    ]


def read_rights(reader: ChainReader, certificate_id: int, names: Mapping[str, str]) -> CertificateRights:
    """The owners of the certificate's three rights at the reader's block (state confirms the logs)."""
    events = reader.history(certificate_id).events
    reader.prefetch(rights_reads(certificate_id, events))
    record = certificate_exists(reader, certificate_id)
    in_force = bool(reader.call("Certificates", "isInForce", certificate_id))
    candidates = share_owner_candidates(events, certificate_id)
    rights: list[RightHoldings] = []
    for right in Right:
        holdings: list[Holding] = []
        for owner in sorted(candidates[right]):
            shares = int(reader.call("Rights", "sharesOf", certificate_id, int(right), owner))
            if shares == 0:
                continue
            pledged = int(reader.call("Rights", "pledgedSharesOf", certificate_id, int(right), owner))
            transferable = int(reader.call("Rights", "transferableSharesOf", certificate_id, int(right), owner))
            holdings.append(Holding(owner, names.get(owner), shares, pledged, transferable))
        holdings.sort(key=lambda holding: (-holding.shares, holding.owner))
        rights.append(RightHoldings(right, holdings))
    return CertificateRights(
        certificate_id=certificate_id,
        status=record.status.key,
        in_force=in_force,
        block_number=reader.block_number,
        block_hash=reader.block_hash,
        rights=rights,
    )


def show_rights(ctx: LedgerContext, certificate_id: int, *, block: int | str | None = None) -> CertificateRights:
    """Who owns which share of each right of ``certificate_id``, with pledged and transferable shares."""
    return read_rights(ChainReader(ctx, block), certificate_id, party_names(ctx))


# --- transfers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareTransfer:
    """A registered transfer of shares, and the two owners' shares of that right after it."""

    certificate_id: int
    right: Right
    sender: str
    recipient: str
    shares: int
    sender_shares_after: int
    recipient_shares_after: int
    written: Written


def _check_transfer(
    reader: ChainReader, certificate_id: int, right: Right, sender: str, recipient: str, shares: int,
    names: Mapping[str, str],
) -> None:
    require_in_force(reader, certificate_id)
    if sender == recipient:
        raise ValidationError(f"{party_label(sender, names)} cannot transfer shares to itself; name another member")
    require_holder_member(reader, sender, names, role="sender of shares")
    require_holder_member(reader, recipient, names, role="recipient of shares")
    balance = int(reader.call("Rights", "sharesOf", certificate_id, int(right), sender))
    if balance < shares:
        raise ValidationError(
            f"{party_label(sender, names)} holds {balance} shares of the {right.label} right of certificate "
            f"{certificate_id}, fewer than the {shares} to transfer"
        )
    # Pledged shares are refused by the contract itself (RightsSharesPledged), which names the pledge; the
    # gas estimation before sending surfaces that refusal with its message, so nothing is sent.


def transfer_shares(
    ctx: LedgerContext,
    certificate_id: int,
    right: Right | str,
    to: str,
    shares: int,
    *,
    as_: str | None = None,
) -> ShareTransfer:
    """Register a transfer of ``shares`` (basis points) of ``right`` from the acting member to ``to``.

    Checked first, with nothing sent on failure: the certificate is in force,
    both parties are active MERCHANT or BANK members, the sender holds the
    shares and they are not under an active pledge (the contract's refusal,
    with the pledgee and maturity, is reported before sending).
    """
    right = parse_right(right)
    shares = parse_shares(shares=shares)
    names = party_names(ctx)
    sender = to_checksum_address(ctx.account(as_).address)  # a wrong password stops here, before any work
    recipient = resolve_party(ctx, to, what="recipient")
    reader = ChainReader(ctx)
    _check_transfer(reader, certificate_id, right, sender, recipient, shares, names)
    receipt = transact_named(ctx, "Rights", "transferShares", certificate_id, int(right), recipient, shares, as_=as_)
    after = ChainReader(ctx, int(receipt["blockNumber"]))
    return ShareTransfer(
        certificate_id=certificate_id,
        right=right,
        sender=sender,
        recipient=recipient,
        shares=shares,
        sender_shares_after=int(after.call("Rights", "sharesOf", certificate_id, int(right), sender)),
        recipient_shares_after=int(after.call("Rights", "sharesOf", certificate_id, int(right), recipient)),
        written=Written.of(receipt),
    )


def owners_of(rights: CertificateRights, right: Right) -> Iterable[str]:
    """The owners of ``right`` in ``rights``, largest share first."""
    return (holding.owner for holding in rights.holdings(right))
