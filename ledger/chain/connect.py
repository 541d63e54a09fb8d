"""Connecting to the profile's node over standard JSON-RPC.

The same code serves the local development node and a Besu QBFT network:
what differs (proof-of-authority block headers, the chain id, timeouts) comes
from the profile. A node that cannot be reached is a
:class:`~ledger.errors.NodeUnavailableError` whose one line names the URL and
what to do; a node on another chain is a :class:`~ledger.errors.ConfigError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests
from web3 import HTTPProvider, Web3
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers.rpc.utils import ExceptionRetryConfiguration
from web3.types import RPCEndpoint

from ledger.config import Profile
from ledger.errors import ConfigError, NodeUnavailableError

__all__ = ["BATCH_CALLS", "batch_request", "check_chain_id", "connect", "unreachable"]

# Read-only calls are retried a little on connection errors; writes never are.
_RETRY = ExceptionRetryConfiguration(
    errors=(requests.ConnectionError, requests.Timeout), retries=2, backoff_factor=0.1
)


# A chain's id never changes under a connection: web3's validation layer asks for it before every eth_call,
# eth_estimateGas and eth_createAccessList, so the provider keeps the first answer (and nothing else).
_CACHED = {RPCEndpoint("eth_chainId")}


def unreachable(profile: Profile, reason: str) -> NodeUnavailableError:
    """The one-line error for a node that does not answer, with what to do about it."""
    if profile.managed_node:
        hint = "start it with `dal chain up`"
    else:
        hint = f"check that the node is running and that rpc_url of profile {profile.name!r} is right"
    return NodeUnavailableError(f"cannot reach the node at {profile.rpc_url} ({reason}); {hint}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "connection refused"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def check_chain_id(profile: Profile, reported: int) -> None:
    """Refuse a node whose chain id is not the profile's."""
    if reported != profile.chain_id:
        raise ConfigError(
            f"the node at {profile.rpc_url} is on chain {reported}, but profile {profile.name!r} "
            f"expects chain {profile.chain_id}; fix chain_id or rpc_url"
        )


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
            raise unreachable(profile, _reason(exc)) from None
        check_chain_id(profile, reported)
    return w3


#: The most calls one JSON-RPC batch request carries (Besu answers batches of up to
#: ``--rpc-http-max-batch-size`` calls, 1024 by default).
BATCH_CALLS = 500


def batch_request(w3: Web3, calls: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    """The node's answers to ``calls``, sent as JSON-RPC batches (one HTTP round trip per
    :data:`BATCH_CALLS` calls), in the calls' order: each ``{"result": ...}`` or ``{"error": ...}``.

    A batch the node refuses as a whole (a node without batches, or with a smaller cap) is asked again call
    by call: slower, but the same answers. A node that cannot be reached raises ``requests``' exception,
    for the caller to say so in its terms.
    """
    answers: list[dict[str, Any]] = []
    for start in range(0, len(calls), BATCH_CALLS):
        chunk = [(RPCEndpoint(method), params) for method, params in calls[start:start + BATCH_CALLS]]
        response: Any = w3.provider.make_batch_request(chunk)  # type: ignore[attr-defined]
        if isinstance(response, list) and len(response) == len(chunk):
            answers += [dict(item) for item in response]
        else:
            answers += [dict(w3.provider.make_request(method, params)) for method, params in chunk]
    return answers
