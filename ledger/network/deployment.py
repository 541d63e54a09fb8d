"""``dal network deploy``: the suite onto the consortium's network, governed by its multisig wallet.

A thin layer over :meth:`ledger.context.LedgerContext.deploy`, which deploys whatever the suite is
(its contracts, proxies and governance as :mod:`ledger.chain.deploy` defines them) and records the
addresses in the deployments file. What this adds is what a shared network needs before that:

- the profile is a network's, not the local development chain;
- the admin is a contract (the consortium's multisig wallet, a Safe), not a single key;
- the suite is not already live on the chain (a second deployment would split the ledger).
"""

from __future__ import annotations

from eth_utils.address import is_address, to_checksum_address

from ledger.chain.deployments import Deployment, is_live
from ledger.context import LedgerContext
from ledger.errors import ConfigError, ValidationError

__all__ = ["deploy_to_network"]


def deploy_to_network(ledger: LedgerContext, *, admin: str) -> Deployment:
    """Deploy the suite as the acting account, administered by the multisig ``admin``, and record it."""
    profile = ledger.profile
    if profile.managed_node:
        raise ConfigError(
            "`dal network deploy` deploys onto a consortium network; the local profile deploys by itself "
            "(`dal chain up`): choose the network's profile with --profile NAME"
        )
    if not is_address(admin):
        raise ValidationError(f"--admin {admin!r} is not an address: give the multisig wallet's 0x address")
    checksummed = to_checksum_address(admin)
    admin = str(checksummed)
    recorded = ledger.recorded_deployment()
    if recorded is not None and is_live(ledger.rpc, recorded):
        raise ConfigError(
            f"the suite is already deployed on chain {profile.chain_id} (Consortium at "
            f"{recorded.addresses.get('Consortium', '?')}, recorded in {ledger.deployments.path}); "
            "a second deployment would split the ledger"
        )
    if len(ledger.w3.eth.get_code(checksummed)) == 0:
        raise ValidationError(
            f"--admin {admin} has no code on chain {profile.chain_id}: the admin must be the consortium's "
            "multisig wallet (a Safe); deploy it first and give its address"
        )
    return ledger.deploy(admin=admin)
