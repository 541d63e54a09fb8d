"""The auditor's questions: everything that happened to a certificate, and who held what at a given time.

:func:`trace` lists every event of a certificate and of what hangs on it (its
three rights' share movements, the licences over them and their revocations,
the pledges over them and how each ended), oldest first, each with its block,
its block time and its transaction, and a sentence saying what happened.

:func:`holdings_at` answers "who held each right of certificate X at that time,
and how did it get there": the block in force at that time is found from block
timestamps, the share movements up to it are replayed, and for every holder
the movements that made its holding are listed (issue, transfer, or
realisation of a pledge). The certificate's status then, and the licences and
pledges that bound it then, come from the same replay.

Both read their events through :mod:`ledger.history`: from the oracle's read
model up to its cursor when it is on this chain, and from the chain's logs past
it (or entirely, when there is no read model); each answer says which.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.certificates import CertificateStatus, resolve
from ledger.chain.clock import as_datetime
from ledger.chain.logs import ChainLog, EventLog, checksum, plain_value
from ledger.consent import reference_text
from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.history import certificate_events, certificates_moved, named_events, transfer_items
from ledger.inputs import format_amount, resolve_party
from ledger.members import event_log
from ledger.parties import member_names, name_of
from ledger.types import (
    ALL_RIGHTS,
    CertificateRequest,
    RealisationMethod,
    RefusalReason,
    Right,
    rights_of,
)

__all__ = [
    "Acquisition",
    "HistoryAt",
    "HoldingAt",
    "MemberEvent",
    "MemberTrace",
    "RightAt",
    "Trace",
    "TraceEvent",
    "holdings_at",
    "member_trace",
    "trace",
]

_ZERO = "0x0000000000000000000000000000000000000000"
# The status each lifecycle event leaves the certificate in (types/CertificateStatus.sol).
_STATUS_AFTER: dict[str, CertificateStatus] = {
    "CertificateSubmitted": CertificateStatus.SUBMITTED,
    "CertificateReturned": CertificateStatus.RETURNED,
    "CertificateResubmitted": CertificateStatus.SUBMITTED,
    "CertificateAccepted": CertificateStatus.ACCEPTED,
    "CertificatePublicized": CertificateStatus.UNDER_NOTICE,
    "CertificateObjected": CertificateStatus.OBJECTED,
    "CertificateObjectionResolved": CertificateStatus.UNDER_NOTICE,
    "CertificateRejected": CertificateStatus.REJECTED,
    "CertificateIssued": CertificateStatus.ISSUED,
    "CertificateImported": CertificateStatus.ISSUED,
    "CertificateSuspended": CertificateStatus.SUSPENDED,
    "CertificateReinstated": CertificateStatus.ISSUED,
    "CertificateCancelled": CertificateStatus.CANCELLED,
    "CertificateRefused": CertificateStatus.REFUSED,
}


@dataclass(frozen=True)
class TraceEvent:
    """One event in a certificate's history."""

    block: int
    time: dt.datetime
    tx_hash: str
    log_index: int
    contract: str
    event: str
    summary: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Trace:
    """Everything that happened to a certificate, oldest first."""

    certificate_id: int
    number: str | None
    events: list[TraceEvent]
    source: str = "chain logs"


@dataclass(frozen=True)
class Acquisition:
    """One movement of a holder's shares of a right: in (issue, transfer, realisation of a pledge) or out."""

    block: int
    time: dt.datetime
    tx_hash: str
    direction: str  # "in" or "out"
    counterparty: str | None  # None for the shares minted at issue
    counterparty_name: str | None
    shares: int
    how: str


@dataclass(frozen=True)
class HoldingAt:
    """A holder's shares of one right at the time asked, and the movements that made them."""

    owner: str
    name: str | None
    shares: int
    path: list[Acquisition]


@dataclass(frozen=True)
class RightAt:
    """Who held one right at the time asked."""

    right: str
    holders: list[HoldingAt]


@dataclass(frozen=True)
class HistoryAt:
    """A certificate as it stood at a point in time, replayed from the chain's events."""

    certificate_id: int
    number: str | None
    at: dt.datetime
    block: int
    block_time: dt.datetime
    status: str
    in_force: bool
    expiry: dt.datetime | None
    rights: list[RightAt]
    licences: list[dict[str, Any]] = field(default_factory=list)
    pledges: list[dict[str, Any]] = field(default_factory=list)
    source: str = "chain logs"


# --- reading the history ------------------------------------------------------------------------


def _transfer_items(event: ChainLog, certificate_id: int) -> list[tuple[str, int]]:
    """The (right, shares) this share movement moves of ``certificate_id``."""
    return [(Right(right).label, shares) for right, shares in transfer_items(event, certificate_id)]


class _Names:
    """How parties are named in sentences: the data home's account name, else the member's name."""

    def __init__(self, ledger: LedgerContext, log: EventLog) -> None:
        self._ledger = ledger
        self._members = {address.lower(): name for address, name in member_names(ledger, log=log).items()}
        self._cache: dict[str, str | None] = {}

    def name(self, address: str) -> str | None:
        key = address.lower()
        if key not in self._cache:
            self._cache[key] = name_of(self._ledger, address) or self._members.get(key)
        return self._cache[key]

    def label(self, address: str) -> str:
        return self.name(address) or checksum(address)


def _short(digest: Any) -> str:
    text = plain_value(digest)
    return f"{text[:10]}…{text[-4:]}" if isinstance(text, str) and len(text) == 66 else str(text)


def _date(timestamp: int) -> str:
    moment = as_datetime(int(timestamp))
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _percent(shares: int) -> str:
    return f"{shares / 100:g}%"


def _realised(a: Mapping[str, Any], n: Callable[[str], str], currency: str) -> str:
    """A realisation in the words of the Civil Code (arts. 436, 438)."""
    method = RealisationMethod(int(a["method"]))
    price = format_amount(int(a["price"]), currency) if currency else str(a["price"])
    surplus, shortfall = int(a["surplus"]), int(a["shortfall"])
    if surplus:
        owed = f"the surplus of {format_amount(surplus, currency)} {currency} over the secured debt is owed to the pledgor"
    elif shortfall:
        owed = f"the debtor still owes the shortfall of {format_amount(shortfall, currency)} {currency}"
    else:
        owed = "the price equals the secured debt"
    return (f"pledge {a['pledgeId']} realised by {method.legal_term} at {price} {currency}: "
            f"{_percent(int(a['shares']))} went to the buyer {n(a['buyer'])} (document {_short(a['documentHash'])}); "
            f"{owed}")


def _movement_causes(events: Sequence[ChainLog]) -> dict[str, str]:
    """Transaction hash -> what moved shares in it other than their owner: the realisation of a pledge, or the
    execution of a due-process proposal (a key recovery when it moved a position, else a court-ordered transfer)."""
    recovered = {event.tx_hash for event in events if event.event == "PositionRecovered"}
    causes: dict[str, str] = {}
    for event in events:
        if event.event == "PledgeRealised":
            causes[event.tx_hash] = f"realisation of pledge {event.args['pledgeId']}"
        elif event.event == "DueProcessExecuted":
            act = "key recovery" if event.tx_hash in recovered else "court order"
            causes[event.tx_hash] = f"{act} (due-process proposal {event.args['proposalId']})"
    return causes


def _summary(
    event: ChainLog,
    names: _Names,
    causes: Mapping[str, str],
    certificate_id: int,
    currencies: Mapping[int, str],
) -> str:
    a = event.args
    n = names.label
    match event.event:
        case "CertificateSubmitted":
            until = int(a.get("authorisedUntil", 0))
            source = f", its source authorised until {_date(until)}" if until else ""
            return (f"{n(a['applicant'])} applied to {n(a['registrar'])} with catalog entry {_short(a['catalogHash'])}, "
                    f"claiming {_rights_words(int(a.get('rights', ALL_RIGHTS)))}{source}")
        case "CertificateReturned":
            return f"returned to the applicant for correction (reason {_short(a['reasonHash'])})"
        case "CertificateResubmitted":
            return f"resubmitted with catalog entry {_short(a['catalogHash'])}"
        case "CertificateAccepted":
            return "accepted for review by the registrar"
        case "CertificatePublicized":
            return f"published for objections until {_date(a['noticeDeadline'])}"
        case "CertificateObjected":
            return f"{n(a['objector'])} objected (reason {_short(a['reasonHash'])})"
        case "CertificateObjectionResolved":
            return (f"objection resolved (reason {_short(a['reasonHash'])}); the notice ends "
                    f"{_date(a['noticeDeadline'])}")
        case "CertificateRefused":
            return (f"registration refused by the registrar (不予登记): {RefusalReason(int(a['reason'])).words} "
                    f"(decision {_short(a['reasonHash'])})")
        case "CertificateDisputed":
            return (f"an objection by {n(a['objector'])} was registered through the registrar (异议登记); the "
                    f"certificate is disputed (objection {_short(a['reasonHash'])})")
        case "CertificateDisputeResolved":
            return f"the registered objection was resolved (decision {_short(a['reasonHash'])}); no longer disputed"
        case "CertificateReassigned":
            return f"governance moved the certificate from suspended registrar {n(a['from'])} to {n(a['to'])}"
        case "TransferRegistered":
            return (f"the registrar registered the transfer of {_percent(int(a['shares']))} of the "
                    f"{Right(int(a['right'])).label} right from {n(a['from'])} to {n(a['to'])} (转移登记, voucher "
                    f"{a['voucher']}, transaction {_short(a['movement'])})")
        case "LicenceRegistered":
            return f"the registrar registered licence {a['licenceId']} (许可登记, licence voucher {a['voucher']})"
        case "CertificateRejected":
            return f"rejected by the registrar (reason {_short(a['reasonHash'])})"
        case "CertificateIssued":
            return (f"issued by {n(a['registrar'])} under registration number {a['registrationNumber']} as "
                    f"certificate {a['number']}, in force until {_date(a['expiry'])}; "
                    f"{_rights_words(int(a['rights']))} registered, going to {n(a['holder'])}")
        case "CertificateImported":
            registration = (f" under registration number {a['registrationNumber']}"
                            if a.get("registrationNumber") else "")
            return (f"imported by {n(a['registrar'])} from a legacy registry, which issued it{registration} as "
                    f"certificate {a['number']} on {_date(a['issuedAt'])} (applied for {_date(a['submittedAt'])}), "
                    f"with catalog entry {_short(a['catalogHash'])}, in force until {_date(a['expiry'])}; "
                    f"{_rights_words(ALL_RIGHTS)} registered, going to {n(a['holder'])}")
        case "CertificateChangeRequested":
            return f"{_askers(a, n)} applied to change the catalog entry to {_short(a['catalogHash'])}"
        case "CertificateRenewalRequested":
            return f"{_askers(a, n)} applied to renew it until {_date(a['expiry'])}"
        case "CertificateCancellationRequested":
            return f"{_askers(a, n)} applied for cancellation (reason {_short(a['reasonHash'])})"
        case "CertificateRequestDeclined":
            return f"the registrar declined the {CertificateRequest(int(a['request'])).key} request"
        case "CertificateChanged":
            return (f"catalog entry changed: version {a['version']} is {_short(a['catalogHash'])}; re-issued as "
                    f"certificate {a['number']}")
        case "CertificateRenewed":
            return f"renewed until {_date(a['expiry'])}; re-issued as certificate {a['number']}"
        case "CertificateSuspended":
            return f"suspended by the registrar (reason {_short(a['reasonHash'])})"
        case "CertificateReinstated":
            return "reinstated by the registrar"
        case "CertificateCancelled":
            return f"cancelled (reason {_short(a['reasonHash'])})"
        case "TransferSingle" | "TransferBatch":
            items = _transfer_items(event, certificate_id)
            if len(items) == len(Right) and len({shares for _, shares in items}) == 1:
                moves = f"{_percent(items[0][1])} of each of the three rights"
            else:
                moves = ", ".join(f"{_percent(shares)} of the {right} right" for right, shares in items)
            if str(a["from"]) == _ZERO:
                return f"{n(a['to'])} received {moves} at issue"
            how = f" by {causes[event.tx_hash]}" if event.tx_hash in causes else ""
            return f"{n(a['from'])} transferred {moves} to {n(a['to'])}{how}"
        case "LicenceGranted":
            kind = "exclusive" if a["exclusive"] else "non-exclusive"
            sub = ", sub-licensable" if a["sublicensable"] else ""
            parent = f" under licence {a['parentId']}" if int(a["parentId"]) else ""
            return (f"{n(a['grantor'])} licensed the {Right(int(a['right'])).label} right to {n(a['licensee'])} "
                    f"from {_date(a['start'])} to {_date(a['end'])} ({kind}{sub}): licence {a['licenceId']}{parent}")
        case "LicenceRevoked":
            return f"licence {a['licenceId']} revoked by {n(a['revokedBy'])}, and every licence granted under it"
        case "PledgeRecorded":
            amount = format_amount(int(a["amount"]), bytes(a["currency"]).decode("ascii", "replace"))
            currency = bytes(a["currency"]).decode("ascii", "replace")
            reference = reference_text(bytes(a["externalRef"]))
            ref = (f", publicly registered as {reference} on {_date(a['registeredAt'])} until "
                   f"{_date(a['registrationExpiry'])}") if reference else ", not publicly registered"
            return (f"{n(a['pledgee'])} recorded pledge {a['pledgeId']} over {_percent(int(a['shares']))} of the "
                    f"{Right(int(a['right'])).label} right of {n(a['pledgor'])}, securing {amount} {currency} until "
                    f"{_date(a['maturity'])}{ref}")
        case "PledgeReleased":
            return f"pledge {a['pledgeId']} released"
        case "PledgeExtended":
            return f"pledge {a['pledgeId']} extended to {_date(a['maturity'])}"
        case "PledgeRealised":
            return _realised(a, n, currencies.get(int(a["pledgeId"]), ""))
        case "ForcedTransferProposed":
            return (f"due-process proposal {a['proposalId']} by {n(a['proposer'])}: by court order "
                    f"{_short(a['documentHash'])}, move {_percent(int(a['shares']))} of the "
                    f"{Right(int(a['right'])).label} right from {n(a['from'])} to {n(a['to'])}; governance may "
                    f"execute it from {_date(a['executableAt'])}")
        case "RecoveryProposed":
            return (f"due-process proposal {a['proposalId']} by {n(a['proposer'])}: recover the lost key of "
                    f"{n(a['lostAccount'])} to the new address {n(a['newAccount'])} (document "
                    f"{_short(a['documentHash'])}); governance may execute it from {_date(a['executableAt'])}")
        case "DueProcessExecuted":
            return f"governance ({n(a['executor'])}) executed due-process proposal {a['proposalId']}"
        case "DueProcessCancelled":
            return (f"{n(a['cancelledBy'])} cancelled due-process proposal {a['proposalId']} "
                    f"(reason {_short(a['reasonHash'])})")
        case "PositionRecovered":
            return (f"key recovery moved the whole position of {n(a['from'])} (its shares, pledged shares and pledge "
                    f"chains) to its new address {n(a['to'])}")
        case "LicenceRecovered":
            return f"key recovery moved licence {a['licenceId']} from {n(a['from'])} to its new address {n(a['to'])}"
        case "PledgeRecovered":
            return f"key recovery moved pledge {a['pledgeId']} from {n(a['from'])} to its new address {n(a['to'])}"
        case "PledgeActConsented":
            return f"the pledgee of pledge {a['pledgeId']} consented to an act over its collateral ({_short(a['actHash'])})"
    return event.event


def _rights_words(mask: int) -> str:
    """The rights of a rights mask, in words: "the holding and development rights"."""
    labels = [right.label for right in rights_of(mask)]
    if len(labels) == len(Right):
        return "all three rights"
    if len(labels) == 1:
        return f"the {labels[0]} right only"
    return f"the {' and '.join(labels)} rights only"


def _askers(args: Mapping[str, Any], n: Any) -> str:
    """Who asked for a request on the certificate: the requester, and the holders who consented."""
    requester = n(args["requester"]) if "requester" in args else "the holder"
    consenting = [n(address) for address in args.get("consenting", ())]
    if not consenting:
        return f"{requester}, holding more than half of the leading right,"
    return f"{requester}, with the signed consent of {', '.join(consenting)} (together more than half),"


def _number(events: Iterable[ChainLog]) -> str | None:
    for event in events:
        if event.event in ("CertificateIssued", "CertificateImported"):
            return str(event.args["number"])
    return None


def trace(ledger: LedgerContext, ref: str) -> Trace:
    """Every event of the certificate named by ``ref`` and of its rights, licences and pledges, oldest first."""
    certificate_id = resolve(ledger, ref)
    log = event_log(ledger)
    read = certificate_events(ledger, certificate_id, log=log)
    events = read.events
    names = _Names(ledger, log)
    causes = _movement_causes(events)
    times = dict(read.block_times)
    times.update(log.block_times(event.block_number for event in events if not times.get(event.block_number)))
    currencies = {
        int(event.args["pledgeId"]): bytes(event.args["currency"]).decode("ascii", "replace")
        for event in events if event.event == "PledgeRecorded"
    }
    traced = [
        TraceEvent(
            block=event.block_number,
            time=as_datetime(times[event.block_number]) or dt.datetime.fromtimestamp(0, dt.UTC),
            tx_hash=event.tx_hash,
            log_index=event.log_index,
            contract=event.contract,
            event=event.event,
            summary=_summary(event, names, causes, certificate_id, currencies),
            args=event.plain_args(),
        )
        for event in events
    ]
    return Trace(certificate_id=certificate_id, number=_number(events), events=traced, source=read.source)


# --- the state at a point in time ---------------------------------------------------------------


def _paths(
    events: Sequence[ChainLog], certificate_id: int, log: EventLog, names: _Names
) -> tuple[dict[str, dict[str, int]], dict[tuple[str, str], list[Acquisition]]]:
    """Balances per right and owner after ``events``, and every owner's movements per right."""
    balances: dict[str, dict[str, int]] = {right.label: defaultdict(int) for right in Right}
    paths: dict[tuple[str, str], list[Acquisition]] = defaultdict(list)
    causes = _movement_causes(events)
    moves = [event for event in events if event.event in ("TransferSingle", "TransferBatch")]
    times = log.block_times(event.block_number for event in moves)
    for event in moves:
        sender = checksum(event.args["from"])
        recipient = checksum(event.args["to"])
        time = as_datetime(times[event.block_number]) or dt.datetime.fromtimestamp(0, dt.UTC)
        minted = sender == _ZERO
        how = "issue" if minted else causes.get(event.tx_hash, "transfer")
        for right, shares in _transfer_items(event, certificate_id):
            if not minted:
                balances[right][sender] -= shares
                paths[(right, sender)].append(Acquisition(
                    event.block_number, time, event.tx_hash, "out", recipient, names.name(recipient), shares, how))
            balances[right][recipient] += shares
            paths[(right, recipient)].append(Acquisition(
                event.block_number, time, event.tx_hash, "in", None if minted else sender,
                None if minted else names.name(sender), shares, how))
    return balances, paths


def _licences_then(events: Sequence[ChainLog], when: int, names: _Names) -> list[dict[str, Any]]:
    revoked = {int(event.args["licenceId"]) for event in events if event.event == "LicenceRevoked"}
    licences = []
    for event in events:
        if event.event != "LicenceGranted":
            continue
        a = event.args
        licence_id = int(a["licenceId"])
        if licence_id in revoked or not int(a["start"]) <= when < int(a["end"]):
            continue
        licences.append({
            "licence_id": licence_id,
            "right": Right(int(a["right"])).label,
            "grantor": checksum(a["grantor"]),
            "licensee": checksum(a["licensee"]),
            "licensee_name": names.name(a["licensee"]),
            "parent_id": int(a["parentId"]),
            "start": as_datetime(int(a["start"])),
            "end": as_datetime(int(a["end"])),
            "exclusive": bool(a["exclusive"]),
            "sublicensable": bool(a["sublicensable"]),
        })
    return licences


def _pledges_then(events: Sequence[ChainLog], names: _Names) -> list[dict[str, Any]]:
    ended = {int(e.args["pledgeId"]) for e in events if e.event in ("PledgeReleased", "PledgeRealised")}
    maturity = {int(e.args["pledgeId"]): int(e.args["maturity"]) for e in events if e.event == "PledgeExtended"}
    pledges = []
    for event in events:
        if event.event != "PledgeRecorded" or int(event.args["pledgeId"]) in ended:
            continue
        a = event.args
        pledge_id = int(a["pledgeId"])
        currency = bytes(a["currency"]).decode("ascii", "replace")
        pledges.append({
            "pledge_id": pledge_id,
            "right": Right(int(a["right"])).label,
            "pledgor": checksum(a["pledgor"]),
            "pledgee": checksum(a["pledgee"]),
            "pledgee_name": names.name(a["pledgee"]),
            "shares": int(a["shares"]),
            "amount": format_amount(int(a["amount"]), currency),
            "currency": currency,
            "maturity": as_datetime(maturity.get(pledge_id, int(a["maturity"]))),
        })
    return pledges


def holdings_at(ledger: LedgerContext, ref: str, when: int) -> HistoryAt:
    """Who held each right of the certificate named by ``ref`` at Unix time ``when``, and how they got there."""
    certificate_id = resolve(ledger, ref)
    log = event_log(ledger)
    block = log.block_at(when)
    if block is None:
        raise ValidationError(f"the chain did not exist yet at {_date(when)}; ask about a later time")
    head_time = log.block_time(block)
    if block == log.head() and when > head_time:
        raise ValidationError(
            f"{_date(when)} is in the future: the chain's latest block is of {_date(head_time)}; "
            "ask about a time up to then, or leave out --at for the whole history"
        )
    read = certificate_events(ledger, certificate_id, to_block=block, log=log)
    events = read.events
    names = _Names(ledger, log)
    status = CertificateStatus.NONE
    expiry = 0
    for event in events:
        status = _STATUS_AFTER.get(event.event, status)
        if event.event in ("CertificateIssued", "CertificateImported", "CertificateRenewed"):
            expiry = int(event.args["expiry"])
    balances, paths = _paths(events, certificate_id, log, names)
    rights = [
        RightAt(right=right, holders=[
            HoldingAt(owner=owner, name=names.name(owner), shares=shares, path=paths[(right, owner)])
            for owner, shares in sorted(balances[right].items(), key=lambda item: (-item[1], item[0]))
            if shares > 0
        ])
        for right in (item.label for item in Right)
    ]
    label = "not yet applied for" if status is CertificateStatus.NONE else status.label
    block_time = log.block_time(block)
    return HistoryAt(
        certificate_id=certificate_id,
        number=_number(events),
        at=as_datetime(when) or dt.datetime.fromtimestamp(0, dt.UTC),
        block=block,
        block_time=as_datetime(block_time) or dt.datetime.fromtimestamp(0, dt.UTC),
        status=label,
        in_force=status is CertificateStatus.ISSUED and when < expiry,
        expiry=as_datetime(expiry),
        rights=rights,
        licences=_licences_then(events, when, names),
        pledges=_pledges_then(events, names),
        source=read.source,
    )


# --- one member's history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberEvent:
    """An event of a member's history: the certificate, what the member did or underwent, and the event."""

    certificate_id: int
    number: str | None
    role: str
    event: TraceEvent


@dataclass(frozen=True)
class MemberTrace:
    """Everything a member held, granted, pledged or lost, oldest first (of one certificate, or of all)."""

    member: str
    name: str | None
    certificates: list[int]
    events: list[MemberEvent]
    source: str = "chain logs"


#: The events that can make a member a party to a certificate, and where each names the certificate.
_PARTY_EVENTS = (
    ("Certificates", "CertificateSubmitted"), ("Certificates", "CertificateIssued"),
    ("Certificates", "CertificateImported"),
    ("Certificates", "CertificateObjected"), ("Rights", "TransferSingle"), ("Rights", "TransferBatch"),
    ("Rights", "LicenceGranted"), ("Pledges", "PledgeRecorded"), ("Pledges", "PledgeRealised"),
)


def _role(
    event: TraceEvent, member: str, licences: set[int], pledges: set[int], realised_in: set[str]
) -> str | None:
    """What ``member`` did or underwent in ``event`` (``None`` when it is not a party to it)."""
    a = event.args

    def is_member(key: str) -> bool:
        return isinstance(a.get(key), str) and checksum(str(a[key])) == member

    match event.event:
        case "CertificateSubmitted":
            return "applied" if is_member("applicant") else ("registrar" if is_member("registrar") else None)
        case "CertificateIssued" | "CertificateImported":
            return "holder of record at issue" if is_member("holder") else None
        case "CertificateObjected":
            return "objected" if is_member("objector") else None
        case "TransferSingle" | "TransferBatch":
            realised = event.tx_hash in realised_in
            if is_member("to"):
                return "received at issue" if str(a["from"]) == _ZERO else (
                    "bought at the realisation of a pledge" if realised else "received")
            if is_member("from"):
                return "lost by the realisation of a pledge" if realised else "transferred"
            return None
        case "LicenceGranted":
            if is_member("grantor") or is_member("licensee"):
                licences.add(int(a["licenceId"]))
                return "granted a licence" if is_member("grantor") else "was licensed"
            return None
        case "LicenceRevoked":
            if int(a["licenceId"]) in licences:
                return "revoked a licence" if is_member("revokedBy") else "licence revoked"
            return None
        case "PledgeRecorded":
            if is_member("pledgor") or is_member("pledgee"):
                pledges.add(int(a["pledgeId"]))
                return "pledged" if is_member("pledgor") else "took a pledge"
            return None
        case "PledgeReleased" | "PledgeExtended" | "PledgeRealised":
            if int(a["pledgeId"]) in pledges:
                return {"PledgeReleased": "pledge released", "PledgeExtended": "pledge extended",
                        "PledgeRealised": "pledge realised"}[event.event]
            return "bought at the realisation of a pledge" if event.event == "PledgeRealised" and is_member("buyer") \
                else None
    return None


def _party_certificates(ledger: LedgerContext, member: str, log: EventLog) -> list[int]:
    """The certificates whose events name ``member`` as a party."""
    found: set[int] = set()
    for event in named_events(ledger, _PARTY_EVENTS, log=log).events:
        parties = {checksum(str(value)) for value in event.args.values()
                   if isinstance(value, str) and len(value) == 42 and value.startswith("0x")}
        if member not in parties:
            continue
        if event.event in ("TransferSingle", "TransferBatch"):
            found |= certificates_moved(event)
        elif "certificateId" in event.args:
            found.add(int(event.args["certificateId"]))
    return sorted(found)


def member_trace(ledger: LedgerContext, member: str, ref: str | None = None) -> MemberTrace:
    """Everything ``member`` (an account name or address) held, granted, pledged or lost: on the certificate
    named by ``ref``, or on every certificate it was ever a party to; oldest first."""
    address = checksum(resolve_party(ledger, member))
    log = event_log(ledger)
    certificate_ids = [resolve(ledger, ref)] if ref is not None else _party_certificates(ledger, address, log)
    events: list[MemberEvent] = []
    sources: set[str] = set()
    for certificate_id in certificate_ids:
        traced = trace(ledger, str(certificate_id))
        sources.add(traced.source)
        licences: set[int] = set()
        pledges: set[int] = set()
        realised_in = {event.tx_hash for event in traced.events if event.event == "PledgeRealised"}
        for event in traced.events:
            role = _role(event, address, licences, pledges, realised_in)
            if role is not None:
                events.append(MemberEvent(certificate_id, traced.number, role, event))
    events.sort(key=lambda item: (item.event.block, item.event.log_index))
    return MemberTrace(
        member=address,
        name=_Names(ledger, log).name(address),
        certificates=certificate_ids,
        events=events,
        source="; ".join(sorted(sources)) or "chain logs",
    )
