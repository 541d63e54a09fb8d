"""Naming parties: the name to show for an address, wherever a name is known.

An address is shown with the account name it has in the data home's
keystores, else with the display name its member was admitted under (from
the Consortium's ``MemberAdded`` events; a key recovery's ``MemberRecovered``
hands it to the member's new address), so a bank sees its counterparties'
names without holding their keystores. Reading a party's name *from* what a
user typed is :func:`ledger.inputs.resolve_party`.
"""

from __future__ import annotations

from collections.abc import Mapping

from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address

from ledger.chain.logs import EventLog, checksum
from ledger.context import LedgerContext
from ledger.errors import LedgerError

__all__ = ["member_addresses_named", "member_names", "name_of", "party_label", "party_names"]

#: How a member's lost address is named once a key recovery moved the member to its new address.
_RETIRED_NAME = "{name} (lost key, retired)"


def member_names(ctx: LedgerContext, *, log: EventLog | None = None) -> dict[str, str]:
    """Checksum address -> display name of every member admitted on chain. A key recovery hands the name to the
    member's new address, and the lost address keeps it marked as retired (so the name names one member)."""
    # Imported here: the store's models load only when names are asked for.
    from ledger.history import named_events

    names: dict[str, str] = {}
    selection = [("Consortium", "MemberAdded"), ("Consortium", "MemberRecovered")]
    for event in named_events(ctx, selection, log=log).events:
        if event.event == "MemberAdded":
            names[checksum(event.args["account"])] = str(event.args["name"])
            continue
        lost, new = checksum(event.args["from"]), checksum(event.args["to"])
        name = names.get(lost, lost)
        names[new] = name
        names[lost] = _RETIRED_NAME.format(name=name)
    return names


def party_names(ctx: LedgerContext) -> dict[str, str]:
    """Checksum address -> the name to show: the account name in the data home's keystores, else the
    member's display name from its ``MemberAdded`` event."""
    names: dict[str, str] = {}
    try:
        names.update(member_names(ctx))
    except LedgerError:
        pass  # names are a courtesy: without the chain's, the keystores' still help
    try:
        names.update({checksum(info.address): info.name for info in ctx.keystore.accounts()})
    except LedgerError:
        pass
    return names


def party_label(address: str, names: Mapping[str, str]) -> str:
    """``bank (0xAbC...)`` where the address has a known name, else the address."""
    shown = checksum(address)
    name = names.get(shown)
    return f"{name} ({shown})" if name else shown


def name_of(ctx: LedgerContext, address: str) -> str | None:
    """The account name of ``address`` in the data home's keystores, if there is one."""
    wanted = address.lower()
    for info in ctx.keystore.accounts():
        if info.address.lower() == wanted:
            return str(info.name)
    return None


def member_addresses_named(ctx: LedgerContext, name: str) -> list[ChecksumAddress]:
    """The addresses of the members admitted on chain under the display name ``name`` (exactly)."""
    return sorted(to_checksum_address(address) for address, shown in member_names(ctx).items() if shown == name)
