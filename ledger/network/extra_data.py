"""QBFT's ``extraData``: the RLP list Besu keeps in every block header.

The list is ``[vanity, validators, vote, round, commit seals]``:

- ``vanity``: 32 bytes, free for the proposer;
- ``validators``: the 20-byte addresses of the validators for the next block (at genesis: the
  network's first validators);
- ``vote``: ``[]`` (no vote), or ``[address, 0xff]`` to add a validator, ``[address, ""]`` to
  remove one;
- ``round``: the consensus round the block was agreed in, as an RLP scalar (no leading zeros);
- ``commit seals``: each validator's 65-byte signature (r, s, recovery id) over the header with
  no seals.

A QBFT block is named (its hash) by the header whose ``extraData`` has round 0 and no seals,
since those two differ between the copies of one block that validators circulate; the genesis
block is hashed as it is. A commit seal signs the header with no seals but with its round.
(Besu: ``QbftExtraDataCodec``, ``BftBlockHashing.calculateHashOfBftBlockOnChain`` and
``calculateDataHashForCommittedSeal``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import rlp
from eth_utils.address import is_address, to_checksum_address

from ledger.errors import ValidationError

__all__ = ["VANITY_LENGTH", "QbftExtraData", "Vote", "genesis_extra_data"]

VANITY_LENGTH = 32
_SEAL_LENGTH = 65
_ADD = b"\xff"
_DROP = b""


@dataclass(frozen=True)
class Vote:
    """A proposer's vote carried in a block: add ``address`` to the validators, or remove it."""

    address: str
    add: bool


def _address_bytes(address: str) -> bytes:
    if not is_address(address):
        raise ValidationError(f"{address!r} is not an address: give 0x and 40 hex digits")
    return bytes.fromhex(to_checksum_address(address)[2:])


@dataclass(frozen=True)
class QbftExtraData:
    """The decoded ``extraData`` of a QBFT block header."""

    validators: tuple[str, ...]
    vanity: bytes = bytes(VANITY_LENGTH)
    vote: Vote | None = None
    round: int = 0
    seals: tuple[bytes, ...] = field(default=(), repr=False)

    def encode(self) -> bytes:
        """The RLP bytes, exactly as Besu writes them."""
        if self.round < 0 or self.round >= 2**32:
            raise ValidationError(f"a QBFT round is a 32-bit number, got {self.round}")
        vote: list[bytes] = []
        if self.vote is not None:
            vote = [_address_bytes(self.vote.address), _ADD if self.vote.add else _DROP]
        return bytes(rlp.encode([
            self.vanity,
            [_address_bytes(validator) for validator in self.validators],
            vote,
            self.round,
            list(self.seals),
        ]))

    @classmethod
    def decode(cls, raw: bytes) -> QbftExtraData:
        """Decode ``raw``; anything that is not QBFT's list is a :class:`ValidationError`."""
        try:
            items = rlp.decode(raw)
        except rlp.exceptions.DecodingError:
            raise ValidationError("the extraData is not an RLP list") from None
        if not isinstance(items, list) or len(items) != 5:
            raise ValidationError("the extraData is not QBFT's list (vanity, validators, vote, round, seals)")
        vanity, validators, vote, round_, seals = items
        if not isinstance(vanity, bytes) or not isinstance(validators, list) or not isinstance(seals, list):
            raise ValidationError("the extraData's vanity, validators or seals have the wrong shape")
        if not all(isinstance(v, bytes) and len(v) == 20 for v in validators):
            raise ValidationError("a validator in the extraData is not a 20-byte address")
        if not isinstance(round_, bytes) or len(round_) > 4 or round_[:1] == b"\x00":
            raise ValidationError("the extraData's round is not a 32-bit RLP scalar")
        if not all(isinstance(s, bytes) and len(s) == _SEAL_LENGTH for s in seals):
            raise ValidationError("a commit seal in the extraData is not a 65-byte signature")
        return cls(
            validators=tuple(to_checksum_address(v) for v in validators),
            vanity=vanity,
            vote=_decode_vote(vote),
            round=int.from_bytes(round_, "big"),
            seals=tuple(seals),
        )

    def for_block_hash(self) -> QbftExtraData:
        """The form a block's hash is computed over: round 0 and no commit seals."""
        return replace(self, round=0, seals=())

    def for_commit_seal(self) -> QbftExtraData:
        """The form each validator's commit seal signs: the round kept, no commit seals."""
        return replace(self, seals=())


def _decode_vote(vote: object) -> Vote | None:
    if vote == []:
        return None
    if not isinstance(vote, list) or len(vote) != 2 or not isinstance(vote[0], bytes) or len(vote[0]) != 20:
        raise ValidationError("the extraData's vote is not [address, add or remove]")
    if vote[1] == _ADD:
        return Vote(to_checksum_address(vote[0]), add=True)
    if vote[1] in (_DROP, b"\x00"):
        return Vote(to_checksum_address(vote[0]), add=False)
    raise ValidationError("the extraData's vote is neither an add (0xff) nor a removal")


def genesis_extra_data(validators: Iterable[str]) -> str:
    """The genesis ``extraData`` naming ``validators`` (zero vanity, no vote, round 0, no seals)."""
    listed = tuple(to_checksum_address(_address_bytes(v)) for v in validators)
    if not listed:
        raise ValidationError("a QBFT network needs at least one validator")
    if len(set(listed)) != len(listed):
        raise ValidationError("a validator is listed twice")
    return "0x" + QbftExtraData(validators=listed).encode().hex()
