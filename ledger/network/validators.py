"""The validator set and the allowlists as a node holds them, through Besu's ``qbft_*`` and ``perm_*`` methods.

- ``qbft_getValidatorsByBlockNumber([block])`` answers the addresses of the validators of a block
  (``"latest"`` or a hex block number);
- ``qbft_proposeValidatorVote([address, add])`` makes the node vote, in the blocks it proposes, to
  add (``true``) or remove (``false``) ``address``; a validator joins or leaves once more than half
  of the validators voted for it. It answers ``true``.

``perm_reloadPermissionsFromFile([])`` makes the node read its ``permissions_config.toml`` again
(after ``dal network allow``); it answers ``"Success"``.

The methods need the ``QBFT`` (or ``PERM``) API enabled on the node (``--rpc-http-api=...,QBFT``); a node without
it answers "Method not enabled" (Besu) or "Method not found", said here as one line naming the
flag. Besu: https://besu.hyperledger.org/private-networks/reference/api#qbft-methods.
"""

from __future__ import annotations

from typing import Any

from eth_utils.address import is_address, to_checksum_address
from web3 import Web3
from web3.types import RPCEndpoint

from ledger.errors import ChainError, ConfigError, ValidationError

__all__ = ["propose_validator_vote", "reload_permissions", "validators_at"]

# JSON-RPC error codes a node gives for a method it does not offer (Besu: -32604 "Method not enabled").
_NOT_OFFERED = {-32601, -32604}


def _request(w3: Web3, method: str, params: list[Any]) -> Any:
    response = w3.provider.make_request(RPCEndpoint(method), params)
    error = response.get("error")
    if error:
        code = error.get("code") if isinstance(error, dict) else None
        message = error.get("message", error) if isinstance(error, dict) else error
        if code in _NOT_OFFERED:
            api = method.split("_", 1)[0].upper()
            raise ConfigError(
                f"the node does not offer {method} ({message}); enable the {api} API on it "
                f"(--rpc-http-api=ETH,NET,WEB3,{api},...) or point the profile at a node that has it"
            )
        raise ChainError(f"the node refused {method}: {message}")
    return response.get("result")


def _block_tag(block: int | str) -> str:
    if isinstance(block, int):
        if block < 0:
            raise ValidationError(f"a block number is 0 or more, got {block}")
        return hex(block)
    if block in {"latest", "earliest", "pending"}:
        return block
    raise ValidationError(f"give a block number or 'latest', got {block!r}")


def validators_at(w3: Web3, block: int | str = "latest") -> list[str]:
    """The validators of ``block``, checksummed, in the node's order."""
    result = _request(w3, "qbft_getValidatorsByBlockNumber", [_block_tag(block)])
    if not isinstance(result, list) or not all(isinstance(a, str) and is_address(a) for a in result):
        raise ChainError(f"qbft_getValidatorsByBlockNumber answered {result!r}, not a list of addresses")
    return [str(to_checksum_address(address)) for address in result]


def propose_validator_vote(w3: Web3, address: str, *, add: bool) -> bool:
    """Have the node vote to add or remove ``address``; ``True`` when the node took the vote."""
    if not is_address(address):
        raise ValidationError(f"{address!r} is not a validator address: give 0x and 40 hex digits")
    result = _request(w3, "qbft_proposeValidatorVote", [str(to_checksum_address(address)).lower(), add])
    if not isinstance(result, bool):
        raise ChainError(f"qbft_proposeValidatorVote answered {result!r}, not true or false")
    return result


def reload_permissions(w3: Web3) -> None:
    """Have the node read its permissioning file again."""
    result = _request(w3, "perm_reloadPermissionsFromFile", [])
    if result != "Success":
        raise ChainError(f"perm_reloadPermissionsFromFile answered {result!r}, not Success")
