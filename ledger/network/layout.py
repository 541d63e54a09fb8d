"""``dal network init``: the whole folder an operator needs to start the consortium's network.

The folder holds::

    genesis.json              the QBFT genesis (validators in extraData, zeroBaseFee, gas limit)
    gas-limit.md              how the block gas limit was chosen
    permissions_config.toml   the nodes' and accounts' allowlists
    docker-compose.yml        the validators, PostgreSQL, `dal oracle run` and `dal serve`
    dal.toml                  the dal profile pointing at the network
    network.json              what was generated: validators (addresses, enode URLs), members
    validator-<i>/key         each validator's node key (0600, never printed)
    validator-<i>/key.pub     its public key

Everything is written into a hidden folder beside the target and renamed into place at the end,
so a refusal or a failure leaves nothing behind. An existing folder that is not empty is refused
unless ``force`` is given; it is then kept, renamed with a ``.replaced-<time>`` suffix, since it
may hold node keys.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.accounts import Keystore
from ledger.config import check_profile_name, load_profile
from ledger.errors import ConfigError, ValidationError
from ledger.network.compose import (
    BESU_IMAGE,
    BESU_VERSION,
    P2P_PORT,
    ValidatorNode,
    compose_document,
    render_compose,
    validator_ip,
)
from ledger.network.genesis import GasLimitSizing, genesis_document, size_gas_limit
from ledger.network.keys import NodeKey, write_node_key
from ledger.network.permissions import PERMISSIONS_FILE, Allowlists, check_account, write_allowlists
from ledger.network.profile import NetworkProfile, render_profile

__all__ = ["MAX_VALIDATORS", "NetworkPlan", "NetworkWritten", "init_network"]

MAX_VALIDATORS = 64
_MEMBERS_FILE = "network.json"


@dataclass(frozen=True)
class NetworkPlan:
    """What the operator asked for."""

    directory: Path
    validators: int
    members: Sequence[str]
    block_period: int = 2
    gas_limit: int | None = None
    chain_id: int = 1337
    name: str = "consortium"
    log_range: int = 5000
    force: bool = False


@dataclass(frozen=True)
class NetworkWritten:
    """What was written (no secret: node keys stay in their files)."""

    directory: Path
    name: str
    chain_id: int
    validators: tuple[ValidatorNode, ...]
    members: dict[str, str]
    sizing: GasLimitSizing
    files: tuple[str, ...]
    replaced: Path | None = None
    besu_image: str = field(default=f"{BESU_IMAGE}:{BESU_VERSION}")


def _check_plan(plan: NetworkPlan) -> None:
    if not 1 <= plan.validators <= MAX_VALIDATORS:
        raise ValidationError(
            f"--validators must be from 1 to {MAX_VALIDATORS}, got {plan.validators}; "
            "QBFT tolerates f faulty validators out of 3f+1, so use 4 or more in production"
        )
    if not plan.members:
        raise ValidationError("name at least one member (--member NAME): their accounts are allowed to transact")
    if len(set(plan.members)) != len(plan.members):
        raise ValidationError("a member is named twice; name each member once")
    if plan.log_range < 1:
        raise ValidationError(f"--log-range must be at least 1 block, got {plan.log_range}")
    check_profile_name(plan.name)
    target = plan.directory
    for place in (target, *target.absolute().parents):
        if place.exists():
            if not place.is_dir():
                raise ValidationError(f"{place} is a file, not a folder; choose another -o DIR")
            break
    if target.exists() and any(target.iterdir()) and not plan.force:
        raise ValidationError(
            f"{target} is not empty; choose a new folder, or pass --force to set the old one aside"
        )


def _member_addresses(keystore: Keystore, names: Sequence[str]) -> dict[str, str]:
    members: dict[str, str] = {}
    for name in names:
        info = keystore.info(name)  # an unknown name is a NotFoundError that says how to create it
        if info.development:
            raise ValidationError(
                f"account {name!r} is a development account whose key is public; a real network needs "
                f"real keys: `dal account new NAME` or `dal account import NAME`"
            )
        members[name] = info.address
    return members


def init_network(plan: NetworkPlan, keystore: Keystore, *, now: int | None = None) -> NetworkWritten:
    """Write the network's folder as :func:`_check_plan` and the module's docstring say."""
    _check_plan(plan)
    sizing = size_gas_limit(plan.block_period, plan.gas_limit)
    members = _member_addresses(keystore, plan.members)
    target = plan.directory.absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    except OSError as exc:
        raise ConfigError(f"cannot write into {target.parent}: {exc.strerror}; choose another -o DIR") from None
    try:
        written = _write(staging, plan, members, sizing, now if now is not None else int(time.time()))
        _check_written(staging, plan)
        replaced = None
        if target.exists():
            if any(target.iterdir()):
                replaced = target.with_name(f"{target.name}.replaced-{time.strftime('%Y%m%dT%H%M%S')}")
                os.rename(target, replaced)
            else:
                target.rmdir()
        os.rename(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ConfigError(f"cannot write the network into {target}: {exc.strerror}; nothing was written") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return NetworkWritten(
        directory=target, name=plan.name, chain_id=plan.chain_id, validators=written, members=members,
        sizing=sizing, files=tuple(sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())),
        replaced=replaced,
    )


def _write(
    folder: Path, plan: NetworkPlan, members: dict[str, str], sizing: GasLimitSizing, timestamp: int
) -> tuple[ValidatorNode, ...]:
    os.chmod(folder, 0o755)
    nodes: list[ValidatorNode] = []
    for index in range(1, plan.validators + 1):
        name = f"validator-{index}"
        key = NodeKey.generate()
        (folder / name).mkdir(mode=0o700)
        write_node_key(folder / name, key)
        nodes.append(ValidatorNode(name=name, index=index, address=key.address,
                                   enode=key.enode(validator_ip(index), P2P_PORT)))
    genesis = genesis_document(chain_id=plan.chain_id, validators=[n.address for n in nodes],
                               block_period=plan.block_period, gas_limit=sizing.gas_limit, timestamp=timestamp)
    (folder / "genesis.json").write_text(json.dumps(genesis, indent=2) + "\n")
    (folder / "gas-limit.md").write_text(f"# The block gas limit\n\n{sizing.note()}\n\nSee ledger/network/genesis.py.\n")
    write_allowlists(folder / PERMISSIONS_FILE, Allowlists(
        nodes=tuple(n.enode for n in nodes), accounts=tuple(check_account(a) for a in members.values())
    ))
    compose = compose_document(nodes, profile=plan.name, log_range=plan.log_range)
    (folder / "docker-compose.yml").write_text(render_compose(compose))
    profile = NetworkProfile(name=plan.name, chain_id=plan.chain_id, log_range=plan.log_range)
    (folder / "dal.toml").write_text(render_profile(profile))
    manifest: dict[str, Any] = {
        "name": plan.name,
        "chain_id": plan.chain_id,
        "besu_image": f"{BESU_IMAGE}:{BESU_VERSION}",
        "block_period_seconds": plan.block_period,
        "gas_limit": sizing.gas_limit,
        "log_range": plan.log_range,
        "validators": [{"name": n.name, "address": n.address, "enode": n.enode} for n in nodes],
        "members": members,
    }
    (folder / _MEMBERS_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return tuple(nodes)


def _check_written(folder: Path, plan: NetworkPlan) -> None:
    """Read the profile back through the ledger's own configuration loader: what dal will read."""
    try:
        load_profile(plan.name, env={"DAL_CONFIG": str(folder / "dal.toml"), "DAL_HOME": str(folder)})
    except ConfigError as exc:  # pragma: no cover - the renderer and the loader disagree
        raise ConfigError(f"the generated profile does not load: {exc}") from None
