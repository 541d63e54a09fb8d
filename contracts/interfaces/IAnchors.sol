// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IAnchors
/// @notice Merkle roots of batches of off-chain records (catalog versions, accounting entries, valuation or
/// compliance reports), recorded by the ORACLE role, against which anyone checks a record and its proof.
///
/// Leaf encoding (the same as OpenZeppelin's StandardMerkleTree with leaf type `bytes32`): for a record whose
/// canonical hash is `recordHash`, `leaf = keccak256(bytes.concat(keccak256(abi.encode(recordHash))))`, i.e. the
/// keccak-256 of the keccak-256 of the 32 bytes of `recordHash`. Inner nodes hash the sorted pair:
/// `node = keccak256(min(a, b) ++ max(a, b))`. A proof is the list of sibling hashes from the leaf up
/// (OpenZeppelin `MerkleProof.verify`). A one-record batch has `root = leaf` and an empty proof.
///
/// Only the root and the time it was recorded are stored; kind, count and batch reference are in {AnchorRecorded}.
interface IAnchors {
    /// @notice A batch of `count` records of `kind` was anchored under `root`.
    /// @param root The Merkle root.
    /// @param kind What the records are (an application-defined tag, for example "accounting-entry" right-padded).
    /// @param count The number of records in the batch.
    /// @param batchRef The batch's reference off chain (for example its id or the hash of its manifest).
    event AnchorRecorded(bytes32 indexed root, bytes32 indexed kind, uint256 count, bytes32 batchRef);

    /// @notice `root` was already recorded; a root is recorded once.
    error AnchorsRootAlreadyRecorded(bytes32 root);

    /// @notice The zero root cannot be recorded.
    error AnchorsInvalidRoot(bytes32 root);

    /// @notice A batch must hold at least one record.
    error AnchorsEmptyBatch(uint256 count);

    /// @notice Record the Merkle root of a batch. Caller: an active ORACLE.
    function anchor(bytes32 kind, bytes32 root, uint256 count, bytes32 batchRef) external;

    /// @notice When `root` was recorded (block timestamp), or 0 if it never was.
    function anchoredAt(bytes32 root) external view returns (uint256);

    /// @notice Whether `root` was recorded and `proof` proves that `recordHash` is one of its records.
    function verify(bytes32 root, bytes32 recordHash, bytes32[] calldata proof) external view returns (bool);

    /// @notice The leaf of `recordHash` under the encoding above.
    function leafOf(bytes32 recordHash) external pure returns (bytes32);
}
