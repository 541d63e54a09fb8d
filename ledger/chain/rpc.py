"""Plain JSON-RPC over HTTP: the read path's connection to the profile's node.

The questions that only read (verify, show, trace) ask the node for blocks,
logs, code, proofs and ``eth_call`` answers, encoded and decoded with eth-abi
against the shipped ABIs. They need nothing of web3 but its transport, and
importing web3 costs most of a short command's time (it loads eth-account's
keystore code, BLS curves, aiohttp and ENS whatever the command), so they
talk JSON-RPC here, over one ``requests`` session per connection. Writes
(signing, sending, deploying) still go through web3 (:mod:`ledger.chain.connect`).

A node that cannot be reached is a :class:`~ledger.errors.NodeUnavailableError`
whose one line names the URL and what to do; a node on another chain is a
:class:`~ledger.errors.ConfigError`. A JSON-RPC error is returned as the
node's answer (:meth:`JsonRpc.answer`) or raised as :class:`RpcError`
(:meth:`JsonRpc.request`), for the caller to decode (a revert's data) or say
in its terms.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ledger.config import Profile
from ledger.errors import ChainError, ConfigError, NodeUnavailableError

__all__ = ["BATCH_CALLS", "JsonRpc", "RpcError", "check_chain_id", "reason", "unreachable"]

#: The most calls one JSON-RPC batch request carries (Besu answers batches of up to
#: ``--rpc-http-max-batch-size`` calls, 1024 by default).
BATCH_CALLS = 500

# Reads are retried a little on connection errors (every call here only reads).
_RETRY = Retry(total=2, connect=2, read=2, status=0, backoff_factor=0.1, allowed_methods=None)


class RpcError(ChainError):
    """The node answered a call with a JSON-RPC error (kept whole in :attr:`error`, revert data included)."""

    def __init__(self, method: str, error: Any) -> None:
        self.method = method
        self.error = error
        #: What the node said, in one line.
        self.message = " ".join(str(error.get("message", error) if isinstance(error, Mapping) else error).split())
        super().__init__(f"the node refused {method}: {self.message}")


def unreachable(profile: Profile, reason: str) -> NodeUnavailableError:
    """The one-line error for a node that does not answer, with what to do about it."""
    if profile.managed_node:
        hint = "start it with `dal chain up`"
    else:
        hint = f"check that the node is running and that rpc_url of profile {profile.name!r} is right"
    return NodeUnavailableError(f"cannot reach the node at {profile.rpc_url} ({reason}); {hint}")


def reason(exc: BaseException) -> str:
    """A connection failure in a few words."""
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


class JsonRpc:
    """JSON-RPC calls to the profile's node over HTTP sessions kept alive between calls, one per thread (as
    web3's provider keeps them: a server answers many questions at once through one context).

    With ``check`` (the default) the node is asked for its chain id at once, so
    a wrong URL or chain is reported here rather than in the middle of a
    question.
    """

    def __init__(self, profile: Profile, *, check: bool = True) -> None:
        self.profile = profile
        self._local = threading.local()
        if check:
            check_chain_id(profile, int(self.request("eth_chainId", []), 16))

    @property
    def session(self) -> requests.Session:
        """This thread's HTTP session to the node."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            adapter = HTTPAdapter(max_retries=_RETRY)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        return session

    def _post(self, payload: Any) -> Any:
        try:
            response = self.session.post(self.profile.rpc_url, json=payload, timeout=self.profile.timeout)
        except requests.RequestException as exc:
            raise unreachable(self.profile, reason(exc)) from None
        try:
            return response.json()
        except ValueError:
            raise unreachable(self.profile, f"HTTP {response.status_code} with no JSON-RPC answer") from None

    def answer(self, method: str, params: Sequence[Any]) -> dict[str, Any]:
        """The node's answer to one call: ``{"result": ...}`` or ``{"error": ...}``."""
        answer = self._post({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        if not isinstance(answer, Mapping):
            raise ChainError(f"the node at {self.profile.rpc_url} answered {method} with no JSON-RPC answer")
        return dict(answer)

    def request(self, method: str, params: Sequence[Any]) -> Any:
        """The result of one call; a JSON-RPC error is raised as :class:`RpcError`."""
        answer = self.answer(method, params)
        if "error" in answer:
            raise RpcError(method, answer["error"])
        return answer.get("result")

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[dict[str, Any]]:
        """The node's answers to ``calls``, sent as JSON-RPC batches (one HTTP round trip per
        :data:`BATCH_CALLS` calls), in the calls' order: each ``{"result": ...}`` or ``{"error": ...}``.

        A batch the node refuses as a whole (a node without batches, or with a smaller cap) is asked again call
        by call: slower, but the same answers.
        """
        answers: list[dict[str, Any]] = []
        for start in range(0, len(calls), BATCH_CALLS):
            chunk = calls[start:start + BATCH_CALLS]
            # Ids need only be unique within a batch: a call's id is its place in it.
            payload = [
                {"jsonrpc": "2.0", "id": index, "method": method, "params": list(params)}
                for index, (method, params) in enumerate(chunk)
            ]
            response = self._post(payload)
            if isinstance(response, list) and len(response) == len(chunk):
                by_id = {item.get("id"): item for item in response if isinstance(item, Mapping)}
                if all(index in by_id for index in range(len(chunk))):
                    answers += [dict(by_id[index]) for index in range(len(chunk))]
                    continue
            answers += [self.answer(method, params) for method, params in chunk]
        return answers
