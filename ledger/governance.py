"""Upgrading the suite under governance: new implementations, scheduled and run through the timelock.

Only the Consortium's timelock (OpenZeppelin's TimelockController) upgrades a contract of the suite,
and only governance (the admin: a multisig in production) schedules and executes its operations. An
upgrade is therefore three steps, each visible on chain:

1. **build**: the new implementation of each contract whose code changed is deployed from the
   shipped artifacts (anyone may deploy code; it does nothing until a proxy points at it);
2. **schedule**: governance schedules one timelock operation calling ``upgradeToAndCall`` on each
   proxy (``CallScheduled`` events, public from then on);
3. **execute**: once the timelock's delay has passed, governance executes it (``CallExecuted`` on
   the timelock, ``Upgraded`` on each proxy).

:func:`upgrade_suite` does the first two, and the third at once when the delay is zero (the local
profile). :func:`execute_upgrade` runs a scheduled operation later, rebuilt from the timelock's own
events. When governance is a contract (a multisig), the ledger cannot sign for it: the answer
carries the timelock call for the multisig's owners to submit instead. :func:`suite_governance`
is the auditor's view: each contract's implementation, the timelock and its delay, and every
operation scheduled through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.types import TxReceipt

from ledger.chain.artifacts import DEPLOYED_CONTRACTS, load_artifact
from ledger.chain.clock import block_time_at
from ledger.chain.deploy import TIMELOCK, implementation_of
from ledger.chain.logs import ChainLog
from ledger.chain.sender import TxRequest
from ledger.context import LedgerContext
from ledger.errors import ChainError, ValidationError
from ledger.members import event_log

__all__ = [
    "Governance",
    "OperationState",
    "TimelockOperation",
    "TimelockOutcome",
    "UpgradeOutcome",
    "execute_upgrade",
    "suite_governance",
    "through_timelock",
    "upgrade_suite",
]

_ZERO = b"\x00" * 32


@dataclass(frozen=True)
class TimelockOperation:
    """A batch of calls scheduled through the timelock, as ``scheduleBatch`` takes it."""

    targets: tuple[str, ...]
    payloads: tuple[bytes, ...]
    salt: bytes
    predecessor: bytes = _ZERO

    @property
    def values(self) -> list[int]:
        return [0] * len(self.targets)

    @property
    def operation_id(self) -> str:
        """The timelock's id of the operation (``hashOperationBatch``)."""
        encoded = abi_encode(
            ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"],
            [list(self.targets), self.values, list(self.payloads), self.predecessor, self.salt],
        )
        return "0x" + keccak(encoded).hex()

    def schedule(self, ctx: LedgerContext, delay: int, label: str = "upgrade") -> TxRequest:
        """The timelock call that schedules the operation."""
        return TxRequest.call(
            ctx.contract(TIMELOCK), "scheduleBatch", list(self.targets), self.values,
            list(self.payloads), self.predecessor, self.salt, delay, label=label,
        )

    def execute(self, ctx: LedgerContext, label: str = "upgrade") -> TxRequest:
        """The timelock call that runs the operation once its delay has passed."""
        return TxRequest.call(
            ctx.contract(TIMELOCK), "executeBatch", list(self.targets), self.values,
            list(self.payloads), self.predecessor, self.salt, label=label,
        )


@dataclass(frozen=True)
class TimelockOutcome:
    """Where a governance act sent through the timelock stands.

    ``state`` is ``executed`` (no delay: it ran at once), ``scheduled`` (waiting for the delay,
    until ``ready_at``; run it then with :func:`execute_upgrade`) or ``for the multisig``
    (governance is a contract: ``multisig_call`` is the timelock call its owners submit).
    """

    state: str
    operation_id: str
    delay: int = 0
    ready_at: int | None = None
    multisig_call: dict[str, str] | None = None


def through_timelock(
    ctx: LedgerContext, operation: TimelockOperation, *, label: str, as_: str | None = None
) -> TimelockOutcome:
    """Schedule ``operation`` through the timelock as governance (``as_``), and run it at once when
    the delay is zero; when governance is a contract, answer the call for its owners instead."""
    timelock = ctx.contract(TIMELOCK)
    delay = int(timelock.functions.getMinDelay().call())
    admin = to_checksum_address(ctx.contract("Consortium").functions.admin().call())
    if _is_contract(ctx, admin):
        request = operation.schedule(ctx, delay, label)
        return TimelockOutcome(
            state="for the multisig", operation_id=operation.operation_id, delay=delay,
            multisig_call={"to": str(request.to), "value": "0", "data": "0x" + request.data.hex()},
        )
    scheduled = ctx.transact(operation.schedule(ctx, delay, label), as_=as_)
    if delay == 0:
        ctx.transact(operation.execute(ctx, label), as_=as_)
        return TimelockOutcome(state="executed", operation_id=operation.operation_id)
    ready_at = block_time_at(ctx.w3, int(scheduled["blockNumber"])) + delay
    return TimelockOutcome(state="scheduled", operation_id=operation.operation_id, delay=delay, ready_at=ready_at)


@dataclass(frozen=True)
class UpgradeOutcome:
    """What ``dal chain upgrade`` did: the implementations built and where the operation stands.

    ``state`` is ``up to date`` (no code changed), ``executed``, ``scheduled`` (waiting for the
    delay, until ``ready_at``) or ``for the multisig`` (governance is a contract: ``multisig_call``
    is the timelock call its owners submit).
    """

    state: str
    upgrades: dict[str, str]
    operation_id: str | None = None
    delay: int = 0
    ready_at: int | None = None
    multisig_call: dict[str, str] | None = None


@dataclass(frozen=True)
class OperationState:
    """One operation scheduled through the timelock, from its events."""

    operation_id: str
    calls: list[dict[str, str]]
    scheduled_block: int
    ready_at: int
    executed_block: int | None
    cancelled: bool

    @property
    def state(self) -> str:
        if self.cancelled:
            return "cancelled"
        return "executed" if self.executed_block is not None else "pending"


@dataclass(frozen=True)
class Governance:
    """The auditor's view of the suite's governance at one block."""

    admin: str
    timelock: str
    delay: int
    implementations: dict[str, str]
    directory: dict[str, str]
    operations: list[OperationState]


def _creation_code(ctx: LedgerContext, name: str) -> bytes:
    """The shipped artifact's creation code of ``name``'s implementation, with its constructor
    arguments (the Consortium's proxy, for every contract but the Consortium)."""
    artifact = load_artifact(name)
    factory = ctx.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    args = () if name == "Consortium" else (ctx.deployment.address("Consortium"),)
    return bytes.fromhex(factory.constructor(*args).data_in_transaction[2:])


def _changed(ctx: LedgerContext, names: Sequence[str]) -> dict[str, bytes]:
    """The contracts whose shipped implementation differs from the code behind their proxy (the
    values of immutables, such as the addresses of sibling contracts, aside), with the creation code
    of the shipped one."""
    changed: dict[str, bytes] = {}
    for name in names:
        current = bytes(ctx.w3.eth.get_code(implementation_of(ctx.w3, ctx.deployment.address(name))))
        if not load_artifact(name).same_code(current):
            changed[name] = _creation_code(ctx, name)
    return changed


def _is_contract(ctx: LedgerContext, address: str) -> bool:
    return len(ctx.w3.eth.get_code(to_checksum_address(address))) > 0


def upgrade_suite(
    ctx: LedgerContext, names: Sequence[str] = DEPLOYED_CONTRACTS, *, as_: str | None = None
) -> UpgradeOutcome:
    """Upgrade the named contracts (default: all) to the implementations this release ships.

    Deploys each changed implementation as ``as_``, then schedules one timelock operation that
    points every changed proxy at its new implementation, and runs it at once when the timelock's
    delay is zero. ``as_`` must be governance (the admin) to schedule; when governance is a
    contract, the outcome carries the call for its owners instead.
    """
    unknown = [name for name in names if name not in DEPLOYED_CONTRACTS]
    if unknown:
        raise ValidationError(
            f"{', '.join(unknown)} is not a contract of the suite; name any of {', '.join(DEPLOYED_CONTRACTS)}"
        )
    changed = _changed(ctx, list(dict.fromkeys(names)))
    if not changed:
        return UpgradeOutcome(state="up to date", upgrades={})
    upgrades: dict[str, str] = {}
    for name, creation in changed.items():
        receipt = ctx.transact(TxRequest(to=None, data=creation, label=f"{name} implementation"), as_=as_)
        created = receipt.get("contractAddress")
        if created is None:
            raise ChainError(f"deploying the new {name} implementation created no contract")
        upgrades[name] = to_checksum_address(created)
    operation = TimelockOperation(
        targets=tuple(ctx.deployment.address(name) for name in upgrades),
        payloads=tuple(
            bytes.fromhex(ctx.contract(name).encode_abi("upgradeToAndCall", args=[address, b""])[2:])
            for name, address in upgrades.items()
        ),
        salt=keccak(b"".join(bytes.fromhex(address[2:]) for address in upgrades.values())),
    )
    outcome = through_timelock(ctx, operation, label="upgrade", as_=as_)
    return UpgradeOutcome(
        state=outcome.state, upgrades=upgrades, operation_id=outcome.operation_id, delay=outcome.delay,
        ready_at=outcome.ready_at, multisig_call=outcome.multisig_call,
    )


def _operation_logs(ctx: LedgerContext) -> list[ChainLog]:
    log = event_log(ctx, TIMELOCK)
    return log.fetch(
        [(TIMELOCK, "CallScheduled"), (TIMELOCK, "CallSalt"), (TIMELOCK, "CallExecuted"), (TIMELOCK, "Cancelled")]
    )


def _operations(ctx: LedgerContext) -> dict[str, tuple[TimelockOperation, OperationState]]:
    """Every operation scheduled through the timelock, rebuilt from its events, by id."""
    logs = _operation_logs(ctx)
    calls: dict[str, list[ChainLog]] = {}
    salts: dict[str, bytes] = {}
    executed: dict[str, int] = {}
    cancelled: set[str] = set()
    for entry in logs:
        key = "0x" + bytes(entry.args["id"]).hex()
        if entry.event == "CallScheduled":
            calls.setdefault(key, []).append(entry)
        elif entry.event == "CallSalt":
            salts[key] = bytes(entry.args["salt"])
        elif entry.event == "CallExecuted":
            executed[key] = entry.block_number
        else:
            cancelled.add(key)
    names = {
        str(to_checksum_address(ctx.deployment.address(name))): name for name in (*DEPLOYED_CONTRACTS, TIMELOCK)
    }
    found: dict[str, tuple[TimelockOperation, OperationState]] = {}
    for key, entries in calls.items():
        entries.sort(key=lambda item: int(item.args["index"]))
        operation = TimelockOperation(
            targets=tuple(to_checksum_address(item.args["target"]) for item in entries),
            payloads=tuple(bytes(item.args["data"]) for item in entries),
            salt=salts.get(key, _ZERO),
            predecessor=bytes(entries[0].args["predecessor"]),
        )
        first = entries[0]
        state = OperationState(
            operation_id=key,
            calls=[_describe_call(ctx, names, item) for item in entries],
            scheduled_block=first.block_number,
            ready_at=block_time_at(ctx.w3, first.block_number) + int(first.args["delay"]),
            executed_block=executed.get(key),
            cancelled=key in cancelled,
        )
        found[key] = (operation, state)
    return found


def _describe_call(ctx: LedgerContext, names: dict[str, str], entry: ChainLog) -> dict[str, str]:
    """A scheduled call in words: which contract (``names``: address -> contract name), which function, with
    what."""
    target = to_checksum_address(entry.args["target"])
    name = names.get(target)
    description = {"target": f"{name} ({target})" if name else target}
    if name is not None:
        try:
            function, args = ctx.contract(name).decode_function_input(bytes(entry.args["data"]))
            described: dict[str, Any] = dict(args)
            description["call"] = f"{function.fn_name}({', '.join(f'{k}={_plain(v)}' for k, v in described.items())})"
        except ValueError:
            description["call"] = "0x" + bytes(entry.args["data"]).hex()
    else:
        description["call"] = "0x" + bytes(entry.args["data"]).hex()
    return description


def _plain(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex() if value else "0x"
    return str(value)


def execute_upgrade(ctx: LedgerContext, operation_id: str, *, as_: str | None = None) -> TxReceipt:
    """Run the scheduled operation ``operation_id`` whose delay has passed (governance only).

    The operation is rebuilt from the timelock's events; a refusal (not ready yet, already done,
    not governance) is the timelock's decoded error.
    """
    key = operation_id.lower()
    operations = _operations(ctx)
    if key not in operations:
        raise ValidationError(
            f"no operation {operation_id} was scheduled through the timelock; list them with `dal chain governance`"
        )
    operation, _ = operations[key]
    return ctx.transact(operation.execute(ctx), as_=as_)


def suite_governance(ctx: LedgerContext) -> Governance:
    """Who governs the suite, what code runs behind each proxy, and every timelock operation."""
    consortium = ctx.contract("Consortium").functions
    timelock = ctx.contract(TIMELOCK)
    directory = {
        bytes(name).rstrip(b"\0").decode(errors="replace"): str(to_checksum_address(consortium.contractOf(name).call()))
        for name in consortium.contractNames().call()
    }
    return Governance(
        admin=to_checksum_address(consortium.admin().call()),
        timelock=timelock.address,
        delay=int(timelock.functions.getMinDelay().call()),
        implementations={
            name: str(implementation_of(ctx.w3, ctx.deployment.address(name))) for name in DEPLOYED_CONTRACTS
        },
        directory=directory,
        operations=[state for _, state in sorted(_operations(ctx).values(), key=lambda item: item[1].scheduled_block)],
    )
