// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {MemberReplica} from "./base/MemberReplica.sol";
import {IAnchors} from "./interfaces/IAnchors.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {Roles} from "./types/Roles.sol";

/// @title Anchors
/// @notice Merkle roots of batches of off-chain records, and on-chain proof checks against them.
contract Anchors is IAnchors, MemberReplica {
    mapping(bytes32 root => uint256 timestamp) private _anchoredAt;

    /// @param consortium_ The Consortium, the only writer of this contract's member records.
    constructor(IConsortium consortium_) MemberReplica(consortium_) {}

    /// @inheritdoc IAnchors
    function anchor(bytes32 kind, bytes32 root, uint256 count, bytes32 batchRef) external {
        _requireActive(msg.sender, Roles.ORACLE);
        if (root == bytes32(0)) revert AnchorsInvalidRoot(root);
        if (count == 0) revert AnchorsEmptyBatch(count);
        if (_anchoredAt[root] != 0) revert AnchorsRootAlreadyRecorded(root);
        _anchoredAt[root] = block.timestamp;
        emit AnchorRecorded(root, kind, count, batchRef);
    }

    /// @inheritdoc IAnchors
    function anchoredAt(bytes32 root) external view returns (uint256) {
        return _anchoredAt[root];
    }

    /// @inheritdoc IAnchors
    function verify(bytes32 root, bytes32 recordHash, bytes32[] calldata proof) external view returns (bool) {
        return _anchoredAt[root] != 0 && MerkleProof.verifyCalldata(proof, root, leafOf(recordHash));
    }

    /// @inheritdoc IAnchors
    function leafOf(bytes32 recordHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(recordHash))));
    }
}
