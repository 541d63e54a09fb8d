"""Due process: a forced transfer by court order, and the recovery of a member's lost key.

A registrar proposes, recording the hash of the document that grounds the act; governance (the
Consortium's admin) executes the proposal once its delay has passed, or governance or the proposing
registrar cancels it. The DueProcess contract is the judge of every rule (``docs/rules.md``, rules
24 to 27): this module sends, reads, and computes what the chain cannot, the list of records a
recovery must move. That list comes from the ledger's history (:mod:`ledger.history`: the read
model up to its cursor, the chain's logs after it): every certificate whose shares the lost address
ever received, every licence where it was grantor or licensee, every pledge where it was pledgee,
every qualification it was granted and still holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.chain.clock import chain_time
from ledger.context import LedgerContext
from ledger.hashing import digest_of
from ledger.history import certificates_moved, named_events
from ledger.inputs import parse_right, parse_shares, resolve_party, seconds_of
from ledger.reasons import reason_hash
from ledger.transactions import Written, events_in, transact_named
from ledger.types import ProposalRecord, RecoveryScope

__all__ = [
    "Proposed",
    "cancel",
    "delay",
    "execute",
    "proposal",
    "proposals",
    "propose_forced_transfer",
    "propose_recovery",
    "recovery_scope",
    "set_delay",
]

_CONTRACT = "DueProcess"


@dataclass(frozen=True)
class Proposed:
    """A proposal just made: its id, when governance may execute it, and the transaction."""

    proposal_id: int
    executable_at: int
    written: Written


def propose_forced_transfer(
    ctx: LedgerContext,
    certificate_id: int,
    right: str,
    giver: str,
    receiver: str,
    *,
    shares: int | None = None,
    percent: str | None = None,
    document: str,
    as_: str | None = None,
) -> Proposed:
    """Propose moving shares of ``right`` of the certificate from ``giver`` to ``receiver`` as the court's order
    or ruling ``document`` (a file, or its 0x hash) requires. Caller: an active registrar."""
    args = (
        certificate_id,
        int(parse_right(right)),
        resolve_party(ctx, giver, what="giving member"),
        resolve_party(ctx, receiver, what="receiving member"),
        parse_shares(shares, percent),
        digest_of(document, what="--document"),
    )
    receipt = transact_named(ctx, _CONTRACT, "proposeForcedTransfer", *args, as_=as_)
    (event,) = events_in(ctx, receipt, _CONTRACT, "ForcedTransferProposed")
    return Proposed(int(event["proposalId"]), int(event["executableAt"]), Written.of(receipt))


def recovery_scope(ctx: LedgerContext, lost: str) -> RecoveryScope:
    """Every record of ``lost`` that a recovery must move, from the ledger's history."""
    account = resolve_party(ctx, lost, what="lost address")
    history = named_events(ctx, [
        ("Rights", "TransferSingle"), ("Rights", "TransferBatch"), ("Rights", "LicenceGranted"),
        ("Rights", "LicenceRecovered"), ("Pledges", "PledgeRecorded"), ("Pledges", "PledgeRecovered"),
        ("Compliance", "QualificationGranted"), ("Compliance", "QualificationRevoked"),
    ]).events
    certificates: set[int] = set()
    licences: set[int] = set()
    pledges: set[int] = set()
    qualifications: dict[str, bool] = {}
    for event in history:
        args = event.args
        match event.event:
            case "TransferSingle" | "TransferBatch" if args["to"] == account:
                certificates |= certificates_moved(event)
            case "LicenceGranted" if account in (args["grantor"], args["licensee"]):
                licences.add(int(args["licenceId"]))
            case "LicenceRecovered" if args["to"] == account:
                licences.add(int(args["licenceId"]))
            case "PledgeRecorded" if args["pledgee"] == account:
                pledges.add(int(args["pledgeId"]))
            case "PledgeRecovered" if args["to"] == account:
                pledges.add(int(args["pledgeId"]))
            case "QualificationGranted" | "QualificationRevoked" if args["member"] == account:
                qualifications["0x" + bytes(args["qualification"]).hex()] = event.event == "QualificationGranted"
    # A record that a recovery already moved away, or a pledge where the account is the pledgor, is not ours.
    licences = {i for i in licences if account in _licence_parties(ctx, i)}
    pledges = {i for i in pledges if ctx.call("Pledges", "pledge", i)[2] == account}
    return RecoveryScope(
        certificate_ids=tuple(sorted(certificates)),
        licence_ids=tuple(sorted(licences)),
        pledge_ids=tuple(sorted(pledges)),
        qualifications=tuple(sorted(q for q, held in qualifications.items() if held)),
    )


def _licence_parties(ctx: LedgerContext, licence_id: int) -> tuple[str, str]:
    licence = ctx.call("Rights", "licence", licence_id)
    return str(licence[2]), str(licence[3])


def propose_recovery(
    ctx: LedgerContext, lost: str, new: str, *, document: str, as_: str | None = None
) -> tuple[Proposed, RecoveryScope]:
    """Propose recovering the member at ``lost`` to the new address ``new``, on the document ``document`` (the
    member's request and the proof of its identity), moving every record :func:`recovery_scope` finds. Caller: an
    active registrar."""
    scope = recovery_scope(ctx, lost)
    receipt = transact_named(
        ctx,
        _CONTRACT,
        "proposeRecovery",
        resolve_party(ctx, lost, what="lost address"),
        resolve_party(ctx, new, what="new address"),
        digest_of(document, what="--document"),
        scope.as_abi(),
        as_=as_,
    )
    (event,) = events_in(ctx, receipt, _CONTRACT, "RecoveryProposed")
    return Proposed(int(event["proposalId"]), int(event["executableAt"]), Written.of(receipt)), scope


def execute(ctx: LedgerContext, proposal_id: int, *, as_: str | None = None) -> Written:
    """Execute a proposal whose delay has passed. Caller: governance."""
    return Written.of(transact_named(ctx, _CONTRACT, "execute", proposal_id, as_=as_))


def cancel(ctx: LedgerContext, proposal_id: int, reason: str, *, as_: str | None = None) -> Written:
    """Cancel a proposal with a reason (text, or its 0x hash). Caller: governance or the proposing registrar."""
    return Written.of(transact_named(ctx, _CONTRACT, "cancel", proposal_id, reason_hash(reason), as_=as_))


def set_delay(ctx: LedgerContext, duration: str, *, as_: str | None = None) -> Written:
    """Set the delay of later proposals: a duration (``2d``, ``12h``) from now, or ``0`` for none. Caller:
    governance."""
    seconds = 0 if duration.strip() == "0" else seconds_of(duration, chain_time(ctx.w3), what="delay")
    return Written.of(transact_named(ctx, _CONTRACT, "setDelay", seconds, as_=as_))


def delay(ctx: LedgerContext) -> int:
    """The delay, in seconds, that a proposal made now waits."""
    return int(ctx.call(_CONTRACT, "delay"))


def proposal(ctx: LedgerContext, proposal_id: int) -> ProposalRecord:
    """The stored proposal (a refusal names an unknown id)."""
    return ProposalRecord.from_abi(ctx.call(_CONTRACT, "proposal", proposal_id))


def proposals(ctx: LedgerContext) -> list[tuple[int, ProposalRecord, RecoveryScope | None]]:
    """Every proposal, oldest first, with a recovery's scope."""
    listed: list[tuple[int, ProposalRecord, RecoveryScope | None]] = []
    for proposal_id in range(1, int(ctx.call(_CONTRACT, "proposalCount")) + 1):
        record = proposal(ctx, proposal_id)
        scope: Any = None
        if record.kind.key == "recovery":
            scope = RecoveryScope.from_abi(ctx.call(_CONTRACT, "recoveryScope", proposal_id))
        listed.append((proposal_id, record, scope))
    return listed
