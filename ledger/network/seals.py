"""A QBFT block's commit seals: which validators agreed to it, and whether they make a quorum.

A QBFT block is final once a quorum of the validators signed it: each commit seal in its
``extraData`` is a validator's secp256k1 signature over the keccak-256 of the header without
seals (round kept, :meth:`~ledger.network.extra_data.QbftExtraData.for_commit_seal`). The quorum is
``ceil(2n / 3)`` of ``n`` validators (Besu: ``BftHelpers.calculateRequiredValidatorQuorum``).

So a member holding the validator set (from the genesis, or the network's ``network.json``, as
changed by the votes it followed) can check that a block is the network's without trusting the
node that served it: the header must hash to the block's hash, and its seals must recover to
enough distinct trusted validators. ``dal verify --proof`` then proves the ledger's answer against
that block's state root.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature
from eth_utils.address import is_address, to_checksum_address
from web3 import Web3
from web3.types import RPCEndpoint

from ledger.errors import ChainError, ConfigError, ValidationError
from ledger.network.extra_data import QbftExtraData
from ledger.verify import header_hash

__all__ = ["SealCheck", "check_seals", "raw_header", "required_quorum", "trusted_validators"]


def required_quorum(validators: int) -> int:
    """How many of ``validators`` must seal a block: ``ceil(2n / 3)``."""
    return math.ceil(2 * validators / 3)


@dataclass(frozen=True)
class SealCheck:
    """Who sealed a block, measured against a trusted validator set."""

    number: int
    block_hash: str
    signers: tuple[str, ...]
    trusted: tuple[str, ...]
    quorum: int
    hash_matches: bool

    @property
    def trusted_signers(self) -> tuple[str, ...]:
        return tuple(signer for signer in self.signers if signer in self.trusted)

    @property
    def untrusted_signers(self) -> tuple[str, ...]:
        return tuple(signer for signer in self.signers if signer not in self.trusted)

    @property
    def final(self) -> bool:
        """The header is the block it claims to be, and a quorum of trusted validators sealed it."""
        return self.hash_matches and len(set(self.trusted_signers)) >= self.quorum

    def as_dict(self) -> dict[str, Any]:
        return {
            "block": self.number, "hash": self.block_hash, "hash_matches": self.hash_matches,
            "signers": list(self.signers), "untrusted_signers": list(self.untrusted_signers),
            "trusted_validators": len(self.trusted), "quorum": self.quorum,
            "trusted_seals": len(set(self.trusted_signers)), "final": self.final,
        }


def _recover(seal: bytes, digest: bytes) -> str | None:
    try:
        signature = Signature(vrs=(seal[64], int.from_bytes(seal[:32], "big"), int.from_bytes(seal[32:64], "big")))
        return str(signature.recover_public_key_from_msg_hash(digest).to_checksum_address())
    except (BadSignature, ValueError):
        return None


def check_seals(header: Mapping[str, Any], trusted: Sequence[str]) -> SealCheck:
    """Check ``header`` (as ``eth_getBlockByNumber`` returns it, with its ``hash``) against ``trusted``."""
    if not trusted:
        raise ValidationError("the trusted validator set is empty; give the network's validators")
    number = int(str(header["number"]), 16)
    if number == 0:
        raise ValidationError("the genesis block has no seals: it is trusted as the network's genesis file says")
    extra = QbftExtraData.decode(bytes.fromhex(str(header["extraData"])[2:]))
    digest = header_hash({**header, "extraData": "0x" + extra.for_commit_seal().encode().hex()})
    signers = tuple(s for s in (_recover(seal, digest) for seal in extra.seals) if s is not None)
    unique = tuple(dict.fromkeys(signers))  # a validator sealing twice counts once
    trusted_set = tuple(dict.fromkeys(str(to_checksum_address(v)) for v in trusted))
    return SealCheck(
        number=number,
        block_hash=str(header.get("hash")),
        signers=unique,
        trusted=trusted_set,
        quorum=required_quorum(len(trusted_set)),
        hash_matches="0x" + header_hash(header, qbft=True).hex() == str(header.get("hash")),
    )


def raw_header(w3: Web3, block: int | str = "latest") -> dict[str, Any]:
    """The block's header as the node sends it (past any client middleware that renames fields)."""
    tag = hex(block) if isinstance(block, int) else block
    response = w3.provider.make_request(RPCEndpoint("eth_getBlockByNumber"), [tag, False])
    result = response.get("result")
    if "error" in response or not isinstance(result, dict):
        raise ChainError(f"the node has no block {block}: {response.get('error', 'no answer')}")
    return result


def trusted_validators(path: Path) -> list[str]:
    """The validator set in ``path``: a ``network.json`` written by ``dal network init``, a genesis
    file (its ``extraData``), or a JSON list of addresses."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the trusted validators from {path}: {exc}") from None
    if isinstance(document, dict) and isinstance(document.get("extraData"), str):
        return list(QbftExtraData.decode(bytes.fromhex(document["extraData"][2:])).validators)
    if isinstance(document, dict) and isinstance(document.get("validators"), list):
        document = [v.get("address") if isinstance(v, dict) else v for v in document["validators"]]
    if not isinstance(document, list) or not document or not all(isinstance(v, str) and is_address(v)
                                                                  for v in document):
        raise ConfigError(
            f"{path} holds no validator set: give network.json, genesis.json or a JSON list of addresses"
        )
    return [str(to_checksum_address(v)) for v in document]
