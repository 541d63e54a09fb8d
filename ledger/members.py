"""The consortium's members: admitting, suspending and reinstating them, and looking them up.

Every acting address on the ledger belongs to a member with one or more roles
(:class:`Role`). Only the consortium's admin (the governance address of the
Consortium contract) admits, suspends and reinstates members; anyone may read
them.

**Identity.** A member carries a unique identity hash. For a Chinese legal
person it is derived from its unified social credit code (统一社会信用代码,
GB 32100-2015), an 18-character code whose last character is a check
character: :func:`uscc_identity_hash` checks the code and returns
``keccak256(UTF-8("USCC:" + CODE))`` with the code in upper case. The prefix
names the kind of identifier, so a future scheme (another country's register)
can never collide with it. Anyone holding the code recomputes the hash; the
code itself never goes on chain. An identity given directly as a hash (``0x``
and 64 hex digits) is taken as is.

**Who.** Wherever a member is named, :func:`ledger.inputs.resolve_party`
reads it (an account name, a member's display name or a ``0x`` address).

The Consortium contract keeps no list of members, so the list and the display
names come from its ``MemberAdded`` events; status and roles are read from
the contract itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.artifacts import DEPLOYED_CONTRACTS
from ledger.chain.logs import EventLog, address_topic
from ledger.context import LedgerContext
from ledger.errors import NotFoundError, ValidationError
from ledger.inputs import parse_uscc, resolve_party
from ledger.reasons import reason_hash
from ledger.transactions import transact_named
from ledger.types import MemberStatus, Role

__all__ = [
    "DEVELOPMENT_MEMBERS",
    "SUITE_CONTRACTS",
    "MemberStatus",
    "MemberView",
    "Role",
    "add_member",
    "admin_address",
    "admit_development_consortium",
    "event_log",
    "identity_from",
    "list_members",
    "parse_roles",
    "reinstate_member",
    "role_names",
    "show_member",
    "suspend_member",
    "uscc_identity_hash",
]

#: The contracts of the ledger suite, whose events history is read from.
SUITE_CONTRACTS = DEPLOYED_CONTRACTS  # the suite, in deployment order


_ALL_ROLES = int(Role.any())


def event_log(ledger: LedgerContext, *contracts: str) -> EventLog:
    """The events of ``contracts`` (default: the whole suite) on the ledger's chain, from the deployment on."""
    return EventLog(
        ledger.rpc,
        {name: ledger.contract_abi(name) for name in contracts or SUITE_CONTRACTS},
        start_block=ledger.deployment.block,
        log_range=ledger.profile.log_range,
    )


# --- roles ------------------------------------------------------------------------------------


def parse_roles(roles: str | Iterable[str]) -> int:
    """The role mask of ``"registrar,merchant"`` (or a list of names); names are case-insensitive."""
    names = roles.split(",") if isinstance(roles, str) else list(roles)
    mask = 0
    for raw in names:
        name = raw.strip().upper()
        if not name:
            continue
        try:
            mask |= Role[name]
        except KeyError:
            known = ", ".join(role.name.lower() for role in Role if role.name)
            raise ValidationError(f"unknown role {raw.strip()!r}; use one or more of {known}") from None
    if mask == 0:
        raise ValidationError("no role given; use one or more of registrar, merchant, bank, auditor, oracle")
    return int(mask)


def role_names(mask: int) -> list[str]:
    """The lower-case names of the roles in ``mask``."""
    return [str(role.name).lower() for role in Role if role.name and mask & role]


# --- identity ---------------------------------------------------------------------------------

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")


def uscc_identity_hash(code: str) -> bytes:
    """``keccak256("USCC:" + CODE)`` of a valid unified social credit code (checked, upper-cased)."""
    return bytes(keccak(text="USCC:" + parse_uscc(code)))


def identity_from(*, uscc: str | None = None, identity_hash: str | None = None) -> bytes:
    """The identity hash from exactly one of a unified social credit code or a ready hash."""
    if (uscc is None) == (identity_hash is None):
        raise ValidationError("give the member's identity once: its unified social credit code or its hash")
    if uscc is not None:
        return uscc_identity_hash(uscc)
    assert identity_hash is not None
    if not _HASH.match(identity_hash.strip()):
        raise ValidationError(f"identity hash {identity_hash!r} must be 0x and 64 hex digits")
    digest = bytes.fromhex(identity_hash.strip()[2:])
    if digest == bytes(32):
        raise ValidationError("the identity hash must not be zero")
    return digest


# --- members ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    """A member as the ledger shows it."""

    account: str
    name: str
    roles: list[str]
    status: str
    identity_hash: str
    local_name: str | None
    added_block: int | None
    suspension_reason_hash: str | None = None


def admin_address(ledger: LedgerContext) -> ChecksumAddress:
    """The consortium's admin (governance) address."""
    return to_checksum_address(ledger.call("Consortium", "admin"))


def _local_names(ledger: LedgerContext) -> dict[str, str]:
    return {info.address.lower(): str(info.name) for info in ledger.keystore.accounts()}


def _view(
    ledger: LedgerContext, account: str, added: Mapping[str, Any] | None, names: Mapping[str, str],
    suspension: bytes | None = None,
) -> MemberView:
    record = ledger.member(account)
    member_status = record.status
    return MemberView(
        account=to_checksum_address(account),
        name=str(added["args"]["name"]) if added else "",
        roles=role_names(int(record.roles)),
        status=member_status.key,
        identity_hash=record.identity_hash,
        local_name=names.get(account.lower()),
        added_block=int(added["block"]) if added else None,
        suspension_reason_hash=(
            "0x" + suspension.hex() if suspension is not None and member_status is MemberStatus.SUSPENDED else None
        ),
    )


def _history(ledger: LedgerContext, account: str | None) -> tuple[dict[str, dict[str, Any]], dict[str, bytes]]:
    """Per account: its MemberAdded event, and the reason hash of its last suspension."""
    log = event_log(ledger, "Consortium")
    topics = [address_topic(account)] if account is not None else []
    added: dict[str, dict[str, Any]] = {}
    suspended: dict[str, bytes] = {}
    for event in log.fetch(
        [("Consortium", "MemberAdded"), ("Consortium", "MemberSuspended")], topics=topics
    ):
        key = str(event.args["account"]).lower()
        if event.event == "MemberAdded":
            added[key] = {"args": event.args, "block": event.block_number}
        else:
            suspended[key] = bytes(event.args["reasonHash"])
    return added, suspended


def show_member(ledger: LedgerContext, who: str) -> MemberView:
    """The member named by ``who``; :class:`NotFoundError` for an address that is not one."""
    account = resolve_party(ledger, who)
    status = ledger.member(account).status
    if status is MemberStatus.NONE:
        named = account if who.strip().lower() == account.lower() else f"{who.strip()} ({account})"
        raise NotFoundError(f"{named} is not a member of the consortium; see `dal member list`")
    added, suspended = _history(ledger, account)
    return _view(ledger, account, added.get(account.lower()), _local_names(ledger), suspended.get(account.lower()))


def list_members(ledger: LedgerContext) -> list[MemberView]:
    """Every member ever admitted, in admission order, with its current status and roles."""
    added, suspended = _history(ledger, None)
    names = _local_names(ledger)
    return [
        _view(ledger, to_checksum_address(account), event, names, suspended.get(account))
        for account, event in added.items()
    ]


def _check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("the member's display name is empty; give the organisation's name")
    if len(cleaned) > 200:
        raise ValidationError(f"the member's display name has {len(cleaned)} characters; keep it under 200")
    return cleaned


def add_member(
    ledger: LedgerContext,
    who: str,
    *,
    name: str,
    roles: int,
    identity: bytes,
    as_: str | None = None,
) -> MemberView:
    """Admit ``who`` as an active member with ``roles`` (the admin acts)."""
    account = resolve_party(ledger, who)
    display = _check_name(name)
    if roles == 0 or roles & ~_ALL_ROLES != 0:
        raise ValidationError(f"role mask {roles} is not valid; use registrar, merchant, bank, auditor, oracle")
    if len(identity) != 32 or identity == bytes(32):
        raise ValidationError("the identity hash must be 32 bytes and not zero")
    transact_named(ledger, "Consortium", "addMember", account, identity, display, int(roles), as_=as_)
    return show_member(ledger, account)


def suspend_member(ledger: LedgerContext, who: str, *, reason: str | None, as_: str | None = None) -> MemberView:
    """Suspend the active member ``who``: it can do nothing until reinstated (the admin acts)."""
    account = resolve_party(ledger, who)
    transact_named(ledger, "Consortium", "suspendMember", account, reason_hash(reason), as_=as_)
    return show_member(ledger, account)


def reinstate_member(ledger: LedgerContext, who: str, *, as_: str | None = None) -> MemberView:
    """Reinstate the suspended member ``who`` (the admin acts)."""
    account = resolve_party(ledger, who)
    transact_named(ledger, "Consortium", "reinstateMember", account, as_=as_)
    return show_member(ledger, account)


# --- the development consortium ---------------------------------------------------------------

#: The members of the local development consortium: account name -> (display name, roles). Their
#: identity hashes are ``keccak256("DEV:" + account name)``, a scheme no real register uses.
DEVELOPMENT_MEMBERS: dict[str, tuple[str, int]] = {
    "registrar": ("Shenzhen Data Exchange (development)", Role.REGISTRAR),
    "merchant-a": ("Pearl River Logistics Data Co. (development)", Role.MERCHANT),
    "merchant-b": ("Eastern Analytics Ltd. (development)", Role.MERCHANT),
    "merchant-c": ("Harbour Retail Insights Ltd. (development)", Role.MERCHANT),
    "bank": ("Qianhai Commercial Bank (development)", Role.BANK),
    "bank-b": ("Second Harbour Bank (development)", Role.BANK),
    "auditor": ("Crosswater Audit LLP (development)", Role.AUDITOR),
    "oracle": ("Ledger Oracle Service (development)", Role.ORACLE),
}


def admit_development_consortium(ledger: LedgerContext, *, as_: str = "admin") -> list[MemberView]:
    """Admit the development accounts as members, where they are not members yet (local profile only)."""
    if not ledger.profile.managed_node:
        raise ValidationError(
            "the development consortium exists only on the local profile; admit real members with `dal member add`"
        )
    admitted = []
    for account_name, (display, roles) in DEVELOPMENT_MEMBERS.items():
        account = resolve_party(ledger, account_name)
        if ledger.member(account).status is MemberStatus.NONE:
            identity = bytes(keccak(text="DEV:" + account_name))
            admitted.append(add_member(ledger, account_name, name=display, roles=int(roles), identity=identity,
                                       as_=as_))
    return admitted
