"""QBFT's extraData codec and block hashing, held against vectors from Besu and from a real Besu network.

Sources (facts and vectors only):

- Besu's own codec test, ``consensus/qbft/src/test/java/org/hyperledger/besu/consensus/qbft/
  QbftExtraDataCodecTest.java`` (hyperledger/besu): ``RAW_HEX_ENCODING_STRING`` and the values it
  decodes to; a round written with a leading zero byte is refused (``incorrectlyEncodedRound...``).
- Besu's hashing rule, ``consensus/common/src/main/java/org/hyperledger/besu/consensus/common/bft/
  BftBlockHashing.java``: a block is named by its header with round 0 and no commit seals
  (genesis as it is); commit seals sign the header with no seals and the round kept.
- A block (number 7528, round 1, four validators, three commit seals) of a Besu QBFT network, in the
  light-client tests of datachainlab/besu-qbft-elc, ``elc/src/header.rs``: the header with and
  without its seals, and the hash the seals sign (0x75ea18...0a32); and the genesis extraData Besu's
  tooling wrote for a four-validator network (``e2e/chains/chain1/network/genesis.json``); kept in
  ``tests/besu_vectors.py``.
"""

from __future__ import annotations

import pytest
import rlp
from besu_vectors import (
    COMMIT_SEAL_HASH,
    GENERATED_GENESIS_EXTRA_DATA,
    GENERATED_VALIDATORS,
    SEALED_HEADER,
    UNSEALED_HEADER,
    VALIDATORS_7528,
    as_rpc_header,
)
from eth_keys.datatypes import Signature
from eth_utils.crypto import keccak

from ledger.errors import ValidationError
from ledger.network.extra_data import QbftExtraData, Vote, genesis_extra_data
from ledger.verify import ProofError, header_hash

BESU_CODEC_VECTOR = bytes.fromhex(
    "f8f0a00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20ea940000000000000000"
    "000000000000000000000001940000000000000000000000000000000000000002d7940000000000000000"
    "00000000000000000000000181ff83fedcbaf886b841000000000000000000000000000000000000000000"
    "0000000000000000000001000000000000000000000000000000000000000000000000000000000000000a"
    "00b841000000000000000000000000000000000000000000000000000000000000000a0000000000000000"
    "00000000000000000000000000000000000000000000000100"
)

def test_the_codec_decodes_and_reencodes_besus_own_vector_byte_for_byte() -> None:
    decoded = QbftExtraData.decode(BESU_CODEC_VECTOR)
    assert decoded.vanity == bytes(range(1, 33))
    assert decoded.validators == ("0x" + "00" * 19 + "01", "0x" + "00" * 19 + "02")
    assert decoded.vote == Vote("0x" + "00" * 19 + "01", add=True)
    assert decoded.round == 0xFEDCBA
    # Besu's signatures (r=1, s=10, v=0) and (r=10, s=1, v=0), as 65 bytes each.
    one, ten = (1).to_bytes(32, "big"), (10).to_bytes(32, "big")
    assert decoded.seals == (one + ten + b"\x00", ten + one + b"\x00")
    assert decoded.encode() == BESU_CODEC_VECTOR


def test_a_round_written_with_a_leading_zero_byte_is_refused_as_besu_refuses_it() -> None:
    padded = rlp.encode([bytes(32), [], [bytes(19) + b"\x01", b"\xff"], b"\x00\xdc\xba", []])
    with pytest.raises(ValidationError, match="round is not a 32-bit RLP scalar"):
        QbftExtraData.decode(padded)
    assert QbftExtraData.decode(rlp.encode([bytes(32), [], [], b"\xdc\xba", []])).round == 0xDCBA


def test_a_removal_vote_is_written_as_an_empty_byte_string() -> None:
    extra = QbftExtraData(validators=(), vote=Vote("0x" + "00" * 19 + "01", add=False))
    assert rlp.decode(extra.encode())[2] == [bytes(19) + b"\x01", b""]
    assert QbftExtraData.decode(extra.encode()).vote == extra.vote


def test_stripping_the_seals_of_a_real_besu_block_gives_the_header_its_seals_signed() -> None:
    sealed = as_rpc_header(SEALED_HEADER)
    extra = QbftExtraData.decode(bytes.fromhex(sealed["extraData"][2:]))
    assert (extra.round, len(extra.seals), [v.lower() for v in extra.validators]) == (1, 3, VALIDATORS_7528)
    unsealed = {**sealed, "extraData": "0x" + extra.for_commit_seal().encode().hex()}
    assert header_hash(unsealed) == COMMIT_SEAL_HASH == keccak(UNSEALED_HEADER)

    signers = set()
    for seal in extra.seals:
        signature = Signature(vrs=(seal[64], int.from_bytes(seal[:32], "big"), int.from_bytes(seal[32:64], "big")))
        signers.add(signature.recover_public_key_from_msg_hash(COMMIT_SEAL_HASH).to_checksum_address().lower())
    assert len(signers) == 3 and signers <= set(VALIDATORS_7528)


def test_a_real_besu_block_is_named_by_its_header_with_round_zero_and_no_seals() -> None:
    sealed, unsealed = as_rpc_header(SEALED_HEADER), as_rpc_header(UNSEALED_HEADER)
    on_chain = header_hash(sealed, qbft=True)
    extra = bytes.fromhex(sealed["extraData"][2:])
    named_form = {**sealed, "extraData": "0x" + QbftExtraData.decode(extra).for_block_hash().encode().hex()}
    assert on_chain == header_hash(named_form) == header_hash(unsealed, qbft=True)
    assert on_chain != COMMIT_SEAL_HASH  # the round (1) is left out of the name, not of the seals
    assert on_chain != header_hash(sealed)


def test_a_header_whose_extra_data_is_not_qbfts_fails_the_proof_with_one_line() -> None:
    sealed = as_rpc_header(SEALED_HEADER)
    with pytest.raises(ProofError, match="the block header does not decode: the extraData is not QBFT's list"):
        header_hash({**sealed, "extraData": "0x" + rlp.encode([b"a", b"b"]).hex()}, qbft=True)


def test_the_genesis_extra_data_lists_the_validators_with_no_vote_round_zero_and_no_seals() -> None:
    validators = [v for v in VALIDATORS_7528]
    decoded = QbftExtraData.decode(bytes.fromhex(genesis_extra_data(validators)[2:]))
    assert [v.lower() for v in decoded.validators] == validators
    assert (decoded.vanity, decoded.vote, decoded.round, decoded.seals) == (bytes(32), None, 0, ())
    # The same bytes as the unsealed header's extraData minus its vote and round.
    assert genesis_extra_data(validators).endswith("c080c0")
    with pytest.raises(ValidationError, match="at least one validator"):
        genesis_extra_data([])
    with pytest.raises(ValidationError, match="listed twice"):
        genesis_extra_data([validators[0], validators[0].upper().replace("0X", "0x")])


def test_the_genesis_extra_data_is_byte_for_byte_what_besus_tooling_writes() -> None:
    assert genesis_extra_data(GENERATED_VALIDATORS) == GENERATED_GENESIS_EXTRA_DATA
    decoded = QbftExtraData.decode(bytes.fromhex(GENERATED_GENESIS_EXTRA_DATA[2:]))
    assert [v.lower() for v in decoded.validators] == GENERATED_VALIDATORS
