"""`dal chain`: start, stop and inspect the chain; deploy the ledger's contracts."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from cli.state import current
from ledger.errors import ConfigError
from ledger.inputs import DURATION_HELP

__all__ = ["app"]

app = typer.Typer(help="The chain: run the local node, see where things are, deploy the contracts.",
                  no_args_is_help=True)


def _require_local(action: str) -> None:
    profile = current().profile()
    if not profile.managed_node:
        raise ConfigError(
            f"`dal chain {action}` manages the local node only; profile {profile.name!r} is the network "
            f"at {profile.rpc_url}, run by its operators"
        )


def _answer_status(title: str) -> None:
    state = current()
    status = state.ledger().status()
    state.out.record(dataclasses.asdict(status), title=title)


@app.command()
def up() -> None:
    """Start the local chain and deploy the ledger's contracts on it if they are not there yet.

    The chain's state is kept in the data directory, so it survives `dal chain down` and restarts.
    The development accounts (admin, registrar, merchant-a ...) are created on first use.
    """
    _require_local("up")
    ledger = current().ledger()
    ledger.keystore  # noqa: B018 - creates the development accounts
    ledger.deployment  # noqa: B018 - starts the node, deploys the suite if missing
    _answer_status("local chain")


@app.command()
def down() -> None:
    """Stop the local chain; its state is kept for the next `dal chain up`."""
    _require_local("down")
    state = current()
    node = state.ledger().node
    assert node is not None
    pid = node.running_pid()
    node.stop()
    state.out.record({"profile": state.profile().name, "stopped": pid is not None, "pid": pid})


@app.command()
def advance(
    duration: Annotated[str, typer.Argument(metavar="DURATION", help=f"How far: {DURATION_HELP}.")],
) -> None:
    """Move the local chain's clock forward and mine a block at the new time (local profile only).

    Deadlines on the ledger (public notice, expiry, pledge maturity) follow the chain's clock, so this is how
    a notice period ends on a laptop without waiting for it. Networks' clocks are their validators'.
    """
    from ledger.chain.clock import advance_time, chain_time, format_time
    from ledger.inputs import parse_duration

    _require_local("advance")
    span = parse_duration(duration)  # a typo stops here, before the node is started
    state = current()
    ledger = state.ledger()
    before = chain_time(ledger.w3)
    after = advance_time(ledger.w3, ledger.profile, span.after(before) - before)
    state.out.record({"from": format_time(before), "to": format_time(after), "seconds": after - before,
                      "block": int(ledger.w3.eth.block_number)}, title="chain clock advanced")


@app.command()
def status() -> None:
    """Show the profile, the node, its chain and block, and the deployed contracts (starts nothing)."""
    _answer_status("chain")


@app.command()
def deploy(
    admin: Annotated[
        str | None,
        typer.Option(metavar="ADDRESS", help="The consortium's admin (default: the acting account)."),
    ] = None,
) -> None:
    """Deploy the ledger's contracts as the acting account (--as) and record their addresses."""
    ledger = current().ledger()
    ledger.deploy(admin=admin)
    _answer_status("deployed")


@app.command()
def upgrade(
    contracts: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="CONTRACT",
            help="Consortium, Certificates, Rights, Pledges, Anchors, Compliance or Registrations (default: every one "
                 "whose code changed).",
        ),
    ] = None,
    execute: Annotated[
        str | None,
        typer.Option(metavar="OPERATION", help="Run this scheduled operation (its id) once its delay has passed."),
    ] = None,
) -> None:
    """Upgrade the contracts to the implementations this release ships, through the governance timelock.

    Deploys each changed implementation, then schedules one timelock operation pointing every changed
    proxy at its new code. With no delay (the local profile) it runs at once; otherwise run it after the
    delay with --execute OPERATION. Scheduling and executing are governance's (the admin's): act as it
    with --as. When governance is a multisig, the answer is the timelock call for its owners to submit.
    """
    from ledger.chain.clock import format_time
    from ledger.governance import execute_upgrade, upgrade_suite

    state = current()
    ledger = state.ledger()
    if execute is not None:
        if contracts:
            raise ConfigError("--execute runs an operation already scheduled; name no contracts with it")
        receipt = execute_upgrade(ledger, execute)
        state.out.record({"operation": execute, "state": "executed", "block": receipt["blockNumber"],
                          "transaction": receipt["transactionHash"].to_0x_hex()}, title="upgrade")
        return
    outcome = upgrade_suite(ledger, contracts) if contracts else upgrade_suite(ledger)
    row: dict[str, object] = {"state": outcome.state, "upgrades": outcome.upgrades}
    if outcome.operation_id is not None:
        row["operation"] = outcome.operation_id
    if outcome.ready_at is not None:
        row["delay"] = f"{outcome.delay} s"
        row["ready at"] = format_time(outcome.ready_at)
        row["next"] = f"dal chain upgrade --execute {outcome.operation_id}"
    if outcome.multisig_call is not None:
        row["multisig call"] = outcome.multisig_call
    state.out.record(row, title="upgrade")


@app.command()
def governance() -> None:
    """Who governs the suite: the admin, the timelock and its delay, the code behind each contract,
    the directory, and every operation scheduled through the timelock (pending, executed, cancelled)."""
    from ledger.chain.clock import format_time
    from ledger.governance import suite_governance

    state = current()
    view = suite_governance(state.ledger())
    state.out.record(
        {
            "admin": view.admin,
            "timelock": view.timelock,
            "delay": f"{view.delay} s",
            "implementations": view.implementations,
            "directory": view.directory,
            "operations": [
                {
                    "operation": item.operation_id,
                    "state": item.state,
                    "calls": item.calls,
                    "scheduled block": item.scheduled_block,
                    "ready at": format_time(item.ready_at),
                    "executed block": item.executed_block,
                }
                for item in view.operations
            ],
        },
        title="governance",
    )
