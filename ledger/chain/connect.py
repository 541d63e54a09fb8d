"""Connecting web3 to the profile's node, for the commands that sign and send (reads use :mod:`ledger.chain.rpc`).

The same code serves the local development node and a Besu QBFT network:
what differs (proof-of-authority block headers, the chain id, timeouts) comes
from the profile. A node that cannot be reached is a
:class:`~ledger.errors.NodeUnavailableError` whose one line names the URL and
what to do; a node on another chain is a :class:`~ledger.errors.ConfigError`.
"""

from __future__ import annotations

import requests
from web3 import HTTPProvider, Web3
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers.rpc.utils import ExceptionRetryConfiguration
from web3.types import RPCEndpoint

from ledger.chain.rpc import check_chain_id, reason, unreachable
from ledger.config import Profile

__all__ = ["connect"]

# Read-only calls are retried a little on connection errors; writes never are.
_RETRY = ExceptionRetryConfiguration(
    errors=(requests.ConnectionError, requests.Timeout), retries=2, backoff_factor=0.1
)


# A chain's id never changes under a connection: web3's validation layer asks for it before every eth_call,
# eth_estimateGas and eth_createAccessList, so the provider keeps the first answer (and nothing else).
_CACHED = {RPCEndpoint("eth_chainId")}


def connect(profile: Profile, *, check: bool = True) -> Web3:
    """A :class:`Web3` client for the profile's node.

    With ``check`` (the default) the node is asked for its chain id at once,
    so a wrong URL or chain is reported here rather than in the middle of a
    workflow.
    """
    provider = HTTPProvider(
        profile.rpc_url,
        request_kwargs={"timeout": profile.timeout},
        exception_retry_configuration=_RETRY,
        cache_allowed_requests=True,
        cacheable_requests=_CACHED,
        request_cache_validation_threshold=None,
    )
    w3 = Web3(provider)
    if profile.poa:
        # QBFT headers carry the validators and seals in extraData (> 32 bytes).
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    if check:
        try:
            reported = w3.eth.chain_id
        except (requests.RequestException, OSError) as exc:
            raise unreachable(profile, reason(exc)) from None
        check_chain_id(profile, reported)
    return w3
