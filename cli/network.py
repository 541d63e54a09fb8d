"""`dal network`: generate, deploy onto and run the consortium's own Besu QBFT network."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from cli.state import current
from ledger.accounts import Keystore
from ledger.errors import ChainError, ValidationError
from ledger.network.deployment import deploy_to_network
from ledger.network.layout import NetworkPlan, init_network
from ledger.network.permissions import PERMISSIONS_FILE
from ledger.network.permissions import allow as allow_entry
from ledger.network.permissions import disallow as disallow_entry
from ledger.network.validators import propose_validator_vote, reload_permissions, validators_at

__all__ = ["app"]

app = typer.Typer(
    help="The consortium's Besu QBFT network: generate its files, deploy the suite, change validators "
    "and allowlists. See docs/network.md.",
    no_args_is_help=True,
)


def _block(text: str) -> int | str:
    """A block number (decimal or 0x hex) or a tag, as the user typed it."""
    if text in {"latest", "earliest", "pending"}:
        return text
    try:
        return int(text, 0)
    except ValueError:
        raise ValidationError(f"--block {text!r} is not a block number or 'latest'") from None


@app.command()
def init(
    out: Annotated[Path, typer.Option("-o", "--out", metavar="DIR", help="The new folder to write the network into.")],
    validators: Annotated[int, typer.Option("--validators", metavar="N", help="How many validator nodes (4+ in "
                                            "production: QBFT tolerates f faults among 3f+1).")],
    member: Annotated[list[str], typer.Option("--member", metavar="NAME", help="An account (see `dal account "
                                              "list`) allowed to transact; repeat for each member.")],
    block_period: Annotated[int, typer.Option("--block-period", metavar="S", help="Seconds between blocks.")] = 2,
    gas_limit: Annotated[int | None, typer.Option("--gas-limit", metavar="G", help="Block gas limit (default: "
                                                  "sized for the throughput goal, see gas-limit.md).")] = None,
    chain_id: Annotated[int, typer.Option("--chain-id", help="The network's chain id.")] = 1337,
    name: Annotated[str, typer.Option("--name", help="The profile (and compose project) name.")] = "consortium",
    log_range: Annotated[int, typer.Option("--log-range", metavar="BLOCKS", help="The nodes' "
                                           "--rpc-max-logs-range and the profile's log_range.")] = 5000,
    force: Annotated[bool, typer.Option("--force", help="Set a non-empty DIR aside (renamed, never deleted) "
                                        "and write a new network.")] = False,
) -> None:
    """Write a QBFT genesis, one key per validator (0600, never printed), permissions_config.toml, a
    docker-compose.yml (Besu validators, PostgreSQL, `dal oracle run`, `dal serve`) and a dal profile into DIR.
    """
    state = current()
    plan = NetworkPlan(directory=out, validators=validators, members=member, block_period=block_period,
                       gas_limit=gas_limit, chain_id=chain_id, name=name, log_range=log_range, force=force)
    written = init_network(plan, Keystore(state.profile().keystore_dir))
    answer: dict[str, Any] = {
        "directory": str(written.directory),
        "profile": written.name,
        "chain_id": written.chain_id,
        "validators": [{"name": v.name, "address": v.address, "enode": v.enode} for v in written.validators],
        "members": written.members,
        "gas_limit": written.sizing.gas_limit,
        "gas_limit_meets_goal": written.sizing.meets_goal,
        "besu_image": written.besu_image,
        "files": list(written.files),
        "replaced": str(written.replaced) if written.replaced else None,
    }
    if state.json:
        state.out.record(answer)
        return
    state.out.records(answer["validators"], columns=["name", "address", "enode"],
                      title=f"network {written.name} (chain {written.chain_id}) in {written.directory}")
    state.out.note(written.sizing.note())
    if written.replaced:
        state.out.note(f"the previous folder was kept as {written.replaced}")
    state.out.note(f"next: start it with `docker compose up -d` in {written.directory}, then "
                   f"`DAL_CONFIG={written.directory / 'dal.toml'} dal --as NAME network deploy --admin SAFE`")


@app.command()
def deploy(
    admin: Annotated[str, typer.Option("--admin", metavar="ADDRESS", help="The consortium's multisig wallet "
                                       "(a Safe already deployed on the network).")],
) -> None:
    """Deploy the ledger's contracts onto the network as the acting account (--as), governed by --admin,
    and record their addresses in the deployments file."""
    state = current()
    ledger = state.ledger()
    deploy_to_network(ledger, admin=admin)
    state.out.record(dataclasses.asdict(ledger.status()), title="deployed")


@app.command("validators")
def list_validators(
    block: Annotated[str, typer.Option("--block", help="A block number, or latest.")] = "latest",
) -> None:
    """List the validators of a block, as the node reports them (qbft_getValidatorsByBlockNumber)."""
    state = current()
    ledger = state.ledger()
    at = _block(block)
    addresses = validators_at(ledger.w3, at)
    rows = [{"validator": index, "address": address} for index, address in enumerate(addresses, start=1)]
    if state.json:
        state.out.record({"block": block, "validators": addresses})
    else:
        state.out.records(rows, columns=["validator", "address"], title=f"validators at block {block}")


@app.command()
def seals(
    trusted: Annotated[Path, typer.Option("--trusted", metavar="FILE", help="The validator set you trust: the "
                                          "network's network.json or genesis.json, or a JSON list of addresses.")],
    block: Annotated[str, typer.Option("--block", help="A block number, or latest.")] = "latest",
) -> None:
    """Check that a block is final without trusting the node: its header hashes to its hash and a quorum
    (2/3) of the trusted validators sealed it. Exit code 1 when it is not."""
    # Imported here: checking seals hashes headers with the proof code, which pulls in the EVM.
    from ledger.network.seals import check_seals, raw_header, trusted_validators

    state = current()
    validators = trusted_validators(trusted)
    at = _block(block)
    checked = check_seals(raw_header(state.ledger().w3, at), validators)
    state.out.record(checked.as_dict(), title=f"seals of block {checked.number}")
    if not checked.final:
        why = "its header does not hash to its hash" if not checked.hash_matches else (
            f"{len(set(checked.trusted_signers))} of its seals are from trusted validators, and it needs "
            f"{checked.quorum}")
        raise ChainError(f"block {checked.number} is not shown final by the trusted validators: {why}")


@app.command()
def propose(
    vote: Annotated[Literal["add", "remove"], typer.Argument(metavar="add|remove", help="add or remove.")],
    address: Annotated[str, typer.Argument(metavar="ADDRESS", help="The validator's node address.")],
) -> None:
    """Have the profile's node vote to add or remove a validator (qbft_proposeValidatorVote); it changes
    once more than half of the validators voted the same way."""
    state = current()
    taken = propose_validator_vote(state.ledger().w3, address, add=vote == "add")
    state.out.record({"vote": vote, "address": address, "accepted_by_node": taken,
                      "node": state.profile().rpc_url})


KindArgument = Annotated[Literal["node", "account"], typer.Argument(
    metavar="node|account", help="node (an enode URL) or account (an address).")]
ValueArgument = Annotated[str, typer.Argument(metavar="ENODE|ADDRESS")]
DirOption = Annotated[Path, typer.Option("--dir", metavar="DIR", help="The network's folder "
                                         "(holding permissions_config.toml).")]
ReloadOption = Annotated[bool, typer.Option("--reload", help="Then have the profile's node read the file again "
                                            "(perm_reloadPermissionsFromFile), when it reads this very file.")]


def _change_allowlist(kind: str, value: str, directory: Path, reload: bool, *, add: bool) -> None:
    state = current()
    path = directory / PERMISSIONS_FILE
    change = allow_entry if add else disallow_entry
    lists, changed = change(path, node=value) if kind == "node" else change(path, account=value)
    if reload:
        reload_permissions(state.ledger().w3)
    state.out.record({"file": str(path), "added" if add else "removed": changed, "kind": kind, "value": value,
                      "nodes": len(lists.nodes), "accounts": len(lists.accounts), "reloaded": reload})


@app.command()
def allow(kind: KindArgument, value: ValueArgument, directory: DirOption = Path("."),
          reload: ReloadOption = False) -> None:
    """Add a node or an account to the network's permissions_config.toml (checked first; written atomically).
    Copy the file to every node and reload it there (perm_reloadPermissionsFromFile)."""
    _change_allowlist(kind, value, directory, reload, add=True)


@app.command()
def disallow(kind: KindArgument, value: ValueArgument, directory: DirOption = Path("."),
             reload: ReloadOption = False) -> None:
    """Remove a node (its whole enode URL) or an account from the network's permissions_config.toml.
    Copy the file to every node and reload it there (perm_reloadPermissionsFromFile)."""
    _change_allowlist(kind, value, directory, reload, add=False)
