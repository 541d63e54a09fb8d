"""The ledger's past events, read from the fastest source that is complete.

Questions answered from history rather than from contract state (a
certificate's trace, who ever received its shares, the terms its licences and
pledges were recorded with, the number it was issued under, the members'
names) read their events in two parts:

1. up to the oracle's cursor, from the read model (:mod:`ledger.store.history`),
   provided the block under the cursor is still on this chain;
2. the blocks after the cursor, from the chain's logs (``eth_getLogs``).

Without a read model, or with one that never synced or that indexes another
chain (a reset local chain, a reorganisation the oracle has not rolled back
yet), every event comes from the logs. Each answer says where it was read and
how far behind the chain's head the read model was (:attr:`History.source`),
and both sources give the same :class:`~ledger.chain.logs.ChainLog` values, so
callers cannot tell them apart otherwise.

The store is read before the cursor's block is checked against the chain: a
rollback that the oracle writes meanwhile can only follow a change of that
block, which the check then sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from ledger.chain.logs import ChainLog, EventLog, uint_topic
from ledger.context import LedgerContext
from ledger.errors import StoreError
from ledger.members import event_log
from ledger.types import RecoveryScope

if TYPE_CHECKING:  # the store loads only when there is a read model to read
    from ledger.store.direct import DirectStore
    from ledger.store.history import IndexedHistory

__all__ = [
    "CERTIFICATE_EVENTS", "REGISTRATION_EVENTS", "History", "Logged", "certificate_events", "certificates_moved", "named_events",
    "transfer_items",
]

#: The Certificates events of one certificate's lifecycle (each indexes ``certificateId`` first).
CERTIFICATE_EVENTS = (
    "CertificateSubmitted", "CertificateReturned", "CertificateResubmitted", "CertificateAccepted",
    "CertificatePublicized", "CertificateObjected", "CertificateObjectionResolved", "CertificateRejected",
    "CertificateIssued", "CertificateImported", "CertificateChangeRequested", "CertificateRenewalRequested",
    "CertificateCancellationRequested", "CertificateRequestDeclined", "CertificateChanged", "CertificateRenewed",
    "CertificateSuspended", "CertificateReinstated", "CertificateCancelled", "CertificateRefused",
    "CertificateDisputed", "CertificateDisputeResolved", "CertificateReassigned",
)
#: The Registrations events of one certificate (each indexes ``certificateId`` first).
REGISTRATION_EVENTS = ("TransferRegistered", "LicenceRegistered")
_PLEDGE_ENDS = ("PledgeReleased", "PledgeExtended", "PledgeRealised", "PledgeActConsented", "PledgeRecovered")
_SHARE_MOVES = (("Rights", "TransferSingle"), ("Rights", "TransferBatch"))
#: The events whose transaction mints a certificate's shares.
_ISSUANCES = ("CertificateIssued", "CertificateImported")


@dataclass(frozen=True)
class History:
    """Events in chain order, the times of the blocks the read model knew, and where they were read."""

    events: list[ChainLog]
    block_times: dict[int, int]
    source: str


class Logged(Protocol):
    """An event with its name and arguments: a :class:`ChainLog`, or an event of an audit trace."""

    @property
    def event(self) -> str: ...

    @property
    def args(self) -> Mapping[str, Any]: ...


def transfer_items(event: Logged, certificate_id: int) -> list[tuple[int, int]]:
    """The (right, shares) pairs a ``TransferSingle``/``TransferBatch`` moves of ``certificate_id``."""
    if event.event == "TransferSingle":
        pairs = [(int(event.args["id"]), int(event.args["value"]))]
    else:
        pairs = list(zip(map(int, event.args["ids"]), map(int, event.args["values"]), strict=True))
    return [(token & 3, value) for token, value in pairs if token >> 2 == certificate_id and token & 3 < 3]


def certificates_moved(event: Logged) -> set[int]:
    """The certificates whose shares a ``TransferSingle``/``TransferBatch`` moves."""
    tokens = [int(event.args["id"])] if event.event == "TransferSingle" else [int(t) for t in event.args["ids"]]
    return {token >> 2 for token in tokens if token & 3 < 3}


def certificate_events(
    ctx: LedgerContext, certificate_id: int, *, to_block: int | None = None, log: EventLog | None = None
) -> History:
    """Every event of the certificate and of its shares, licences and pledges up to ``to_block`` (default:
    the head), oldest first."""
    log = log or event_log(ctx)
    end = log.head() if to_block is None else to_block
    stored, why = _from_store(ctx, log, lambda store: _indexed().certificate_history(store, certificate_id, end))
    if stored is None:
        return History(_logged_certificate_events(log, certificate_id, None, end, []), {}, f"chain logs ({why})")
    tail = _logged_certificate_events(log, certificate_id, stored.complete_to + 1, end, stored.events)
    return History(stored.events + tail, stored.block_times, _source(log, stored, end, to_block))


def named_events(
    ctx: LedgerContext,
    selection: Iterable[tuple[str, str]],
    *,
    to_block: int | None = None,
    log: EventLog | None = None,
) -> History:
    """Every event named by ``selection`` ((contract, event) pairs) up to ``to_block``, oldest first."""
    pairs = list(dict.fromkeys(selection))
    log = log or event_log(ctx)
    end = log.head() if to_block is None else to_block
    stored, why = _from_store(ctx, log, lambda store: _indexed().events_named(store, pairs, end))
    if stored is None:
        return History(log.fetch(pairs, to_block=end), {}, f"chain logs ({why})")
    tail = log.fetch(pairs, from_block=stored.complete_to + 1, to_block=end) if stored.complete_to < end else []
    return History(stored.events + tail, stored.block_times, _source(log, stored, end, to_block))


# --- the two sources --------------------------------------------------------------------------------


def _indexed() -> ModuleType:
    """The read model's queries (:mod:`ledger.store.history`), imported when there is a read model to read."""
    from ledger.store import history

    return history


def _from_store(
    ctx: LedgerContext, log: EventLog, read: Callable[[DirectStore], IndexedHistory]
) -> tuple[IndexedHistory | None, str]:
    """The read model's part of an answer, or ``None`` and why it cannot be used."""
    if not ctx.profile.database_exists():
        return None, "no read model"
    from ledger.store.direct import direct_store

    try:
        stored = read(direct_store(ctx.profile.database_url))
    except StoreError:
        return None, "read model not readable"
    if stored.cursor is None or stored.cursor < ctx.deployment.block:
        return None, "read model never synced"
    if log.block_hash(stored.cursor) != stored.cursor_hash:
        return None, "read model on another chain"
    return stored, ""


def _source(log: EventLog, stored: IndexedHistory, end: int, to_block: int | None) -> str:
    cursor = stored.cursor if stored.cursor is not None else -1
    if stored.complete_to < end:
        return f"read model to block {cursor}, chain logs for the {_blocks(end - cursor)} after it"
    head = end if to_block is None else log.head()
    return f"read model ({_blocks(head - cursor)} behind the head)"


def _blocks(count: int) -> str:
    return f"{count} block" if count == 1 else f"{count} blocks"


def _logged_certificate_events(
    log: EventLog, certificate_id: int, from_block: int | None, to_block: int, earlier: Sequence[ChainLog]
) -> list[ChainLog]:
    """The certificate's events in ``from_block..to_block`` from the logs; ``earlier`` holds its events
    before ``from_block`` (the licences and pledges granted there may end in this range)."""
    if from_block is not None and from_block > to_block:
        return []
    cert = uint_topic(certificate_id)

    def fetch(selection: Iterable[tuple[str, str]], topics: Sequence[str | Sequence[str] | None] = ()) -> list[ChainLog]:
        return log.fetch(selection, topics=topics, from_block=from_block, to_block=to_block)

    events = fetch([("Certificates", name) for name in CERTIFICATE_EVENTS], [cert])
    events += fetch([("Registrations", name) for name in REGISTRATION_EVENTS], [cert])
    # The ERC-1155 events index no token id: the certificate's SharesMoved name the transactions that moved its
    # shares, and only their blocks are asked for the movements themselves.
    announced = fetch([("Rights", "SharesMoved")], [cert])
    moving = {event.tx_hash for event in announced}
    issued = {event.tx_hash for event in [*earlier, *events] if event.event in _ISSUANCES}
    # Issued before the range: if its issuance announced no movement, the range may hold unannounced ones too.
    issued_before = {event.block_number for event in earlier if event.event in _ISSUANCES}
    if issued_before:
        moving |= {event.tx_hash for event in log.fetch_blocks([("Rights", "SharesMoved")], issued_before)}
    if issued - moving:
        # Issued by a Rights contract that did not announce movements yet (a suite upgraded since): every movement
        # of the range is read, and the certificate's kept.
        moves = fetch(_SHARE_MOVES)
    else:
        moves = [event for event in log.fetch_blocks(_SHARE_MOVES, {event.block_number for event in announced})
                 if event.tx_hash in moving]
    events += [event for event in moves if transfer_items(event, certificate_id)]
    granted = fetch([("Rights", "LicenceGranted")], [None, cert])
    recorded = fetch([("Pledges", "PledgeRecorded")], [None, cert])
    events += granted + recorded
    licences = _ids([*earlier, *granted], "LicenceGranted", "licenceId")
    if licences:
        events += fetch([("Rights", "LicenceRevoked")], [licences])
    pledges = _ids([*earlier, *recorded], "PledgeRecorded", "pledgeId")
    if pledges:
        events += fetch([("Pledges", name) for name in _PLEDGE_ENDS], [pledges])
    events += _due_process_events(fetch, cert, certificate_id, earlier, licences)
    events.sort(key=lambda event: event.order)
    return events


def _due_process_events(
    fetch: Callable[..., list[ChainLog]],
    cert: str,
    certificate_id: int,
    earlier: Sequence[ChainLog],
    licences: list[str],
) -> list[ChainLog]:
    """Due process on the certificate: its forced transfers and the recoveries whose scope lists it, how each
    proposal ended, and the positions, licences and pledges a recovery moved."""
    forced = fetch([("DueProcess", "ForcedTransferProposed")], [None, cert])
    recoveries = [
        event for event in fetch([("DueProcess", "RecoveryProposed")])
        if certificate_id in RecoveryScope.from_event(event.args["scope"]).certificate_ids
    ]
    events = forced + recoveries + fetch([("Rights", "PositionRecovered")], [cert])
    proposals = _ids([*earlier, *forced, *recoveries], "ForcedTransferProposed", "proposalId") + _ids(
        [*earlier, *recoveries], "RecoveryProposed", "proposalId"
    )
    if proposals:
        events += fetch([("DueProcess", "DueProcessExecuted"), ("DueProcess", "DueProcessCancelled")], [proposals])
    if licences:
        events += fetch([("Rights", "LicenceRecovered")], [licences])
    return events


def _ids(events: Iterable[ChainLog], name: str, key: str) -> list[str]:
    return [uint_topic(int(event.args[key])) for event in events if event.event == name]

