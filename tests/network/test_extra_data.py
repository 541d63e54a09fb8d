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
  without its seals, and the hash the seals sign (0x75ea18...0a32).
"""

from __future__ import annotations

from typing import Any

import pytest
import rlp
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

_HEAD = (
    "a00af93e70b1c6d3974a88a42eb70bb61adbd523bfac0c83027ba4637c52746a0fa01dcc4de8dec75d7aab85b567b6ccd41ad3"
    "12451b948a7413f0a142fd40d4934794ee3353e587cfa91625a1adaef308a726de3803d3a0166ed98eea93ab2b6f6b1a425526"
    "994adc2d675bf9a0d77d600ed1e02d8f77dfa056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
    "a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421b90100" + "00" * 256
    + "01821d688347b76080846640618b"
)
_VALIDATORS_AND_VOTE = (
    "a00000000000000000000000000000000000000000000000000000000000000000f85494647bfdd19655e51e69d35454ff3a92f8"
    "828e630294a5c8416b9d13417b45b45ada76408f39d1e504ef94b92e91f4dcc9d28503be521afa2a8fbf3c1acf6094ee3353e5"
    "87cfa91625a1adaef308a726de3803d3c001"
)
_SEALS = (
    "f8c9b841bc7633fd65570f610a595086e9a34e5bf6aacfb67b8f8cd01852e6b285147f046a50577b49378b86723ac9b456ef59"
    "ef7ab57cda7139d807f10f58e8cb10c67600b841ad1defc2b0b4a48158cff24778bb5ba4d9f373c171022ab0a42e37bdb0d402"
    "5718434d303a8d94df56ef9ad5219be9f27b2f67179a7fb82d3323dde29546f9f701b841e233d3670dd97c715f72b440eeb1cc"
    "b1e22c8c23f6ab470c46c99c2d0ee6509f0341a42e0e4569782557e93c3815e8ca4294043595f69a90f73f135de8ecf41e00"
)
_TAIL = "a063746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365880000000000000000"
SEALED_HEADER = bytes.fromhex("f9033f" + _HEAD + "b90147f90144" + _VALIDATORS_AND_VOTE + _SEALS + _TAIL)
UNSEALED_HEADER = bytes.fromhex("f90273" + _HEAD + "b87cf87a" + _VALIDATORS_AND_VOTE + "c0" + _TAIL)
COMMIT_SEAL_HASH = bytes.fromhex("75ea184f58cd3f0ef89032a069df01f07ec524ef3a85cf6d3e424d62130c0a32")
VALIDATORS_7528 = [
    "0x647bfdd19655e51e69d35454ff3a92f8828e6302", "0xa5c8416b9d13417b45b45ada76408f39d1e504ef",
    "0xb92e91f4dcc9d28503be521afa2a8fbf3c1acf60", "0xee3353e587cfa91625a1adaef308a726de3803d3",
]
_FIELDS = ("parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
           "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce")
_INTEGERS = {"difficulty", "number", "gasLimit", "gasUsed", "timestamp"}


def _as_rpc_header(encoded: bytes) -> dict[str, Any]:
    """The header as eth_getBlockByNumber returns it (hex strings), from its RLP."""
    items = rlp.decode(encoded)
    return {name: hex(int.from_bytes(value, "big")) if name in _INTEGERS else "0x" + value.hex()
            for name, value in zip(_FIELDS, items, strict=True)}


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
    sealed = _as_rpc_header(SEALED_HEADER)
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
    sealed, unsealed = _as_rpc_header(SEALED_HEADER), _as_rpc_header(UNSEALED_HEADER)
    on_chain = header_hash(sealed, qbft=True)
    extra = bytes.fromhex(sealed["extraData"][2:])
    named_form = {**sealed, "extraData": "0x" + QbftExtraData.decode(extra).for_block_hash().encode().hex()}
    assert on_chain == header_hash(named_form) == header_hash(unsealed, qbft=True)
    assert on_chain != COMMIT_SEAL_HASH  # the round (1) is left out of the name, not of the seals
    assert on_chain != header_hash(sealed)


def test_a_header_whose_extra_data_is_not_qbfts_fails_the_proof_with_one_line() -> None:
    sealed = _as_rpc_header(SEALED_HEADER)
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
