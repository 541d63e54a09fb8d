"""Compliance modules: the rules in force over transfers, licences and pledges, and the data they judge by.

The Compliance contract keeps the modules in force (ERC-3643's ModularCompliance): each module is a
contract of its own with its settings fixed when it is deployed, which governance puts in force or
takes out through the timelock. The shipped kinds:

- ``holder-cap``: at most N holders of a right of any certificate (a cap per right);
- ``jurisdiction``: a certificate its registrar flagged as restricted for cross-border flows passes
  only to members of the jurisdictions the registrar allowed for it;
- ``qualification``: a certificate flagged as containing personal information passes only to
  members holding the module's qualification.

Members' jurisdictions and qualifications are set by governance (the Consortium's admin, at once);
a certificate's flags and allowed jurisdictions by its registrar. The contract is the judge:
:func:`check_transfer` asks it with ``eth_call`` and, on a refusal, raises the module's decoded
error (one sentence naming the module, the member and the reason); nothing is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.exceptions import Web3Exception

from ledger.chain.artifacts import load_artifact
from ledger.chain.sender import TxRequest
from ledger.context import LedgerContext
from ledger.errors import ChainError, ContractRevertError, ValidationError
from ledger.governance import TimelockOperation, TimelockOutcome, through_timelock
from ledger.inputs import (
    parse_jurisdiction,
    parse_qualification,
    parse_right,
    parse_shares,
    resolve_party,
)
from ledger.parties import party_label, party_names
from ledger.reader import ChainReader, certificate_exists
from ledger.transactions import Written, named_error, transact_named
from ledger.types import ComplianceCondition, Right

__all__ = [
    "MODULE_KINDS",
    "CertificateCompliance",
    "ComplianceModule",
    "HolderCountSync",
    "ModuleDeployment",
    "TransferCheck",
    "add_module",
    "allow_jurisdiction",
    "certificate_compliance",
    "check_transfer",
    "grant_qualification",
    "member_compliance",
    "modules_in_force",
    "remove_module",
    "set_certificate_flags",
    "set_jurisdiction",
    "sync_holder_counts",
]

#: The module kinds this package ships, by the name each answers to ``kind()``: their artifacts.
MODULE_KINDS: dict[str, str] = {
    "holder-cap": "HolderCapModule",
    "jurisdiction": "JurisdictionModule",
    "qualification": "QualificationModule",
}


def _qualification_text(raw: bytes) -> str:
    stripped = raw.rstrip(b"\0")
    try:
        return stripped.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + raw.hex()


def _jurisdiction_text(raw: bytes) -> str | None:
    return raw.decode("ascii") if raw.strip(b"\0") else None


# --- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceModule:
    """A module in force: its address, kind, when it is consulted and its settings, in words."""

    address: str
    kind: str
    conditions: list[str]
    settings: dict[str, Any] = field(default_factory=dict)


def _module_settings(ctx: LedgerContext, address: str, kind: str) -> dict[str, Any]:
    artifact = MODULE_KINDS.get(kind)
    if artifact is None:
        return {}
    module = ctx.w3.eth.contract(address=to_checksum_address(address), abi=load_artifact(artifact).abi)
    if kind == "holder-cap":
        caps = {right.label: int(module.functions.capOf(int(right)).call()) for right in Right}
        return {f"{label} cap": cap or "none" for label, cap in caps.items()}
    if kind == "qualification":
        return {"qualification": _qualification_text(bytes(module.functions.qualification().call()))}
    return {}


def modules_in_force(ctx: LedgerContext) -> list[ComplianceModule]:
    """The modules in force, in the order they are consulted, with their settings."""
    probe_abi = load_artifact("HolderCapModule").abi  # kind() is every module's (IComplianceModule)
    found: list[ComplianceModule] = []
    for address, conditions in ctx.call("Compliance", "modules"):
        address = to_checksum_address(address)
        try:
            kind = str(ctx.w3.eth.contract(address=address, abi=probe_abi).functions.kind().call())
        except (Web3Exception, ValueError):  # a module of another make need not answer kind()
            kind = "unknown"
        found.append(
            ComplianceModule(
                address=address,
                kind=kind,
                conditions=ComplianceCondition(int(conditions)).labels,
                settings=_module_settings(ctx, address, kind),
            )
        )
    return found


@dataclass(frozen=True)
class CertificateCompliance:
    """A certificate's compliance flags and the number of holders of each right, as the Compliance
    contract counts them: ``holders_counted`` is false while no module that counts holders is in
    force, when the counts stand still."""

    certificate_id: int
    cross_border_restricted: bool
    contains_personal_information: bool
    holders: dict[str, int]
    holders_counted: bool


def certificate_compliance(ctx: LedgerContext, certificate_id: int) -> CertificateCompliance:
    """What the Compliance contract holds about ``certificate_id``."""
    reader = ChainReader(ctx)
    certificate_exists(reader, certificate_id)
    restricted, personal = reader.call("Compliance", "certificateFlags", certificate_id)
    holders = {right.label: int(reader.call("Compliance", "holderCount", certificate_id, int(right))) for right in Right}
    counted = bool(int(reader.call("Compliance", "conditionsInForce")) & ComplianceCondition.HOLDER_CHANGE)
    return CertificateCompliance(certificate_id, bool(restricted), bool(personal), holders, counted)


@dataclass(frozen=True)
class TransferCheck:
    """A planned transfer the modules in force (and the Rights contract's own rules) accept."""

    certificate_id: int
    right: Right
    sender: str
    recipient: str
    shares: int
    recipient_shares_before: int
    sender_shares_after: int
    block: int


def check_transfer(
    ctx: LedgerContext, certificate_id: int, right: Right | str, sender: str, recipient: str, shares: int
) -> TransferCheck:
    """Whether moving ``shares`` of ``right`` from ``sender`` to ``recipient`` would be accepted now.

    Asks the Compliance contract's ``checkTransfer`` with the balances as they are, then simulates the
    transfer itself on the Rights contract, both with ``eth_call`` at one block: nothing is sent. A
    refusal raises the decoded :class:`ContractRevertError`, with members named.
    """
    right = parse_right(right)
    shares = parse_shares(shares=shares)
    names = party_names(ctx)
    source = resolve_party(ctx, sender, what="sender")
    target = resolve_party(ctx, recipient, what="recipient")
    reader = ChainReader(ctx)
    certificate_exists(reader, certificate_id)
    balance = int(reader.call("Rights", "sharesOf", certificate_id, int(right), source))
    if balance < shares:
        raise ValidationError(
            f"{party_label(source, names)} holds {balance} shares of the {right.label} right of certificate "
            f"{certificate_id}, fewer than the {shares} to transfer"
        )
    before = int(reader.call("Rights", "sharesOf", certificate_id, int(right), target))
    after = balance - shares
    try:
        reader.call("Compliance", "checkTransfer", certificate_id, int(right), source, target, shares, before, after)
        transfer = TxRequest.call(
            ctx.contract("Rights"), "transferShares", certificate_id, int(right), target, shares
        )
        ctx.sender.call(transfer, sender=source, block=reader.block_number)
    except ContractRevertError as exc:
        raise named_error(exc, names) from None
    return TransferCheck(certificate_id, right, source, target, shares, before, after, reader.block_number)


# --- acts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleDeployment:
    """A module put in force (or taken out): its address, where the timelock operation stands, and
    the holder counts the same operation re-synced (a module that counts holders, added while none
    did)."""

    module: str
    kind: str
    timelock: TimelockOutcome
    holder_counts: list[dict[str, Any]] = field(default_factory=list)


def _module_operation(ctx: LedgerContext, function: str, module: str) -> TimelockOperation:
    compliance = ctx.contract("Compliance")
    payload = bytes.fromhex(compliance.encode_abi(function, args=[module])[2:])
    return TimelockOperation(
        targets=(compliance.address,), payloads=(payload,), salt=keccak(text=f"{function}:{module}")
    )


def add_module(
    ctx: LedgerContext, kind: str, settings: Mapping[str, Any] | None = None, *, as_: str | None = None
) -> ModuleDeployment:
    """Deploy a shipped module of ``kind`` with ``settings`` and put it in force through the timelock.

    ``holder-cap`` takes ``holding``, ``development`` and ``operation`` caps (0 or absent: none, at
    least one needed); ``qualification`` takes ``qualification`` (its name); ``jurisdiction`` takes
    nothing. ``as_`` must be governance to schedule (see :func:`ledger.governance.through_timelock`).
    """
    settings = dict(settings or {})
    artifact_name = MODULE_KINDS.get(kind)
    if artifact_name is None:
        raise ValidationError(f"unknown module kind {kind!r}; use {', '.join(MODULE_KINDS)}")
    compliance = ctx.contract("Compliance").address
    args: list[Any] = [compliance]
    if kind == "holder-cap":
        caps = [int(settings.get(right.label) or 0) for right in Right]
        if any(cap < 0 or cap > 10_000 for cap in caps) or not any(caps):
            raise ValidationError(
                "a holder cap needs at least one cap between 1 and 10000 (--holding, --development, --operation)"
            )
        args += caps
    elif kind == "qualification":
        if not settings.get("qualification"):
            raise ValidationError("a qualification module needs the qualification it requires (--qualification)")
        args.append(parse_qualification(str(settings["qualification"])))
    artifact = load_artifact(artifact_name)
    factory = ctx.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    creation = bytes.fromhex(factory.constructor(*args).data_in_transaction[2:])
    receipt = ctx.transact(TxRequest(to=None, data=creation, label=f"{kind} module"), as_=as_)
    created = receipt.get("contractAddress")
    if created is None:
        raise ChainError(f"deploying the {kind} module created no contract")
    module = to_checksum_address(created)
    operation = _module_operation(ctx, "addModule", module)
    changes: list[dict[str, Any]] = []
    counting = ComplianceCondition.HOLDER_CHANGE
    declared = ctx.w3.eth.contract(address=module, abi=artifact.abi).functions.conditions().call()
    if int(declared) & counting and not int(ctx.call("Compliance", "conditionsInForce")) & counting:
        # No module counted holders until now, so the counts stood still: re-sync them in the same operation.
        changes, payloads = _holder_count_changes(ctx, ChainReader(ctx), None)
        operation = replace(
            operation, targets=operation.targets + (operation.targets[0],) * len(payloads),
            payloads=operation.payloads + tuple(payloads),
        )
    outcome = through_timelock(ctx, operation, label="addModule", as_=as_)
    return ModuleDeployment(module, kind, outcome, changes)


def remove_module(ctx: LedgerContext, module: str, *, as_: str | None = None) -> ModuleDeployment:
    """Take ``module`` out of force through the timelock (governance)."""
    address = resolve_party(ctx, module, what="module")
    in_force = {item.address: item for item in modules_in_force(ctx)}
    if address not in in_force:
        raise ValidationError(f"{address} is not a compliance module in force; see them with `dal compliance list`")
    outcome = through_timelock(ctx, _module_operation(ctx, "removeModule", address), label="removeModule", as_=as_)
    return ModuleDeployment(address, in_force[address].kind, outcome)


def set_jurisdiction(ctx: LedgerContext, member: str, jurisdiction: str | None, *, as_: str | None = None) -> Written:
    """Record ``member``'s jurisdiction (``None``: clear it). Governance only."""
    account = resolve_party(ctx, member)
    code = parse_jurisdiction(jurisdiction) if jurisdiction else b"\0\0"
    return Written.of(transact_named(ctx, "Compliance", "setJurisdiction", account, code, as_=as_))


def grant_qualification(
    ctx: LedgerContext, member: str, qualification: str, *, revoke: bool = False, as_: str | None = None
) -> Written:
    """Grant (or revoke) ``member``'s ``qualification``. Governance only."""
    account = resolve_party(ctx, member)
    function = "revokeQualification" if revoke else "grantQualification"
    return Written.of(transact_named(ctx, "Compliance", function, account, parse_qualification(qualification), as_=as_))


def set_certificate_flags(
    ctx: LedgerContext,
    certificate_id: int,
    *,
    cross_border_restricted: bool,
    contains_personal_information: bool,
    as_: str | None = None,
) -> Written:
    """Set a certificate's compliance flags. Its registrar only."""
    receipt = transact_named(
        ctx, "Compliance", "setCertificateFlags", certificate_id, cross_border_restricted,
        contains_personal_information, as_=as_,
    )
    return Written.of(receipt)


def allow_jurisdiction(
    ctx: LedgerContext, certificate_id: int, jurisdiction: str, *, allowed: bool = True, as_: str | None = None
) -> Written:
    """Allow (or stop allowing) a jurisdiction to receive a restricted certificate. Its registrar only."""
    code = parse_jurisdiction(jurisdiction)
    receipt = transact_named(ctx, "Compliance", "setJurisdictionAllowed", certificate_id, code, allowed, as_=as_)
    return Written.of(receipt)


@dataclass(frozen=True)
class HolderCountSync:
    """The holder counts that differed from the shares on chain, and the timelock act that sets them
    (``None`` when every count was right)."""

    changes: list[dict[str, Any]]
    timelock: TimelockOutcome | None


def sync_holder_counts(
    ctx: LedgerContext, certificate_ids: list[int] | None = None, *, as_: str | None = None
) -> HolderCountSync:
    """Set, through the timelock, every holder count that differs from the holders the chain shows.

    The counts stand still while no module that counts holders is in force (and start at one holder
    per right in a Compliance contract that joined a running suite); :func:`add_module` re-syncs them
    itself when it puts the first such module in force. The holders of each right are read as
    `dal rights show` reads them (the owners the events name, confirmed by the state at one block).
    Governance's act (``as_``).
    """
    reader = ChainReader(ctx)
    changes, payloads = _holder_count_changes(ctx, reader, certificate_ids)
    if not payloads:
        return HolderCountSync(changes, None)
    operation = TimelockOperation(
        targets=(ctx.contract("Compliance").address,) * len(payloads), payloads=tuple(payloads),
        salt=keccak(b"setHolderCount" + reader.block_number.to_bytes(32, "big")),
    )
    return HolderCountSync(changes, through_timelock(ctx, operation, label="setHolderCount", as_=as_))


def _holder_count_changes(
    ctx: LedgerContext, reader: ChainReader, certificate_ids: list[int] | None
) -> tuple[list[dict[str, Any]], list[bytes]]:
    """The holder counts that differ from the holders on chain (every certificate by default), and
    the ``setHolderCount`` calls that set them."""
    from ledger.rights import read_rights

    count = int(reader.call("Certificates", "certificateCount"))
    wanted = certificate_ids if certificate_ids is not None else list(range(1, count + 1))
    compliance = ctx.contract("Compliance")
    changes: list[dict[str, Any]] = []
    payloads: list[bytes] = []
    for certificate_id in wanted:
        rights = read_rights(reader, certificate_id, {})
        for right in Right:
            holders = len(rights.holdings(right))
            counted = int(reader.call("Compliance", "holderCount", certificate_id, int(right)))
            if holders == 0 or holders == counted:
                continue
            changes.append({"certificate": certificate_id, "right": right.label, "counted": counted, "holders": holders})
            payloads.append(
                bytes.fromhex(compliance.encode_abi("setHolderCount", args=[certificate_id, int(right), holders])[2:])
            )
    return changes, payloads


def member_compliance(ctx: LedgerContext, member: str, qualifications: list[str]) -> dict[str, Any]:
    """A member's jurisdiction and whether it holds each of ``qualifications``."""
    account = resolve_party(ctx, member)
    jurisdiction = _jurisdiction_text(bytes(ctx.call("Compliance", "jurisdictionOf", account)))
    held = {
        name: bool(ctx.call("Compliance", "hasQualification", account, parse_qualification(name)))
        for name in qualifications
    }
    return {"member": account, "jurisdiction": jurisdiction, "qualifications": held}
