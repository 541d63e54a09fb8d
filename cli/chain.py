"""`dal chain`: start, stop and inspect the chain; deploy the ledger's contracts."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from cli.state import current
from ledger.errors import ConfigError

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
