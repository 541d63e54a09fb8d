// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {SuiteContract} from "./base/SuiteContract.sol";
import {IAnchors} from "./interfaces/IAnchors.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {Roles} from "./types/Roles.sol";

/// @title Anchors
/// @notice Merkle roots of batches of off-chain records, and on-chain proof checks against them.
contract Anchors is IAnchors, SuiteContract {
    /// @custom:storage-location erc7201:dataassetledger.storage.Anchors
    struct AnchorsStorage {
        mapping(bytes32 root => uint256 timestamp) anchoredAt;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Anchors")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _ANCHORS_STORAGE = 0x4f1448acf99dbb45fc1057283a53a84799d47d6b06d93b5c59211925c9189c00;

    /// @param consortium_ The Consortium's proxy.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {}

    /// @notice Set up the proxy's state (nothing to set today; kept for the proxy's first call).
    function initialize() external initializer {}

    /// @inheritdoc IAnchors
    function anchor(bytes32 kind, bytes32 root, uint256 count, bytes32 batchRef) external {
        _requireActive(msg.sender, Roles.ORACLE);
        if (root == bytes32(0)) revert AnchorsInvalidRoot(root);
        if (count == 0) revert AnchorsEmptyBatch(count);
        AnchorsStorage storage $ = _store();
        if ($.anchoredAt[root] != 0) revert AnchorsRootAlreadyRecorded(root);
        $.anchoredAt[root] = block.timestamp;
        emit AnchorRecorded(root, kind, count, batchRef);
    }

    /// @inheritdoc IAnchors
    function anchoredAt(bytes32 root) external view returns (uint256) {
        return _store().anchoredAt[root];
    }

    /// @inheritdoc IAnchors
    function verify(bytes32 root, bytes32 recordHash, bytes32[] calldata proof) external view returns (bool) {
        return _store().anchoredAt[root] != 0 && MerkleProof.verifyCalldata(proof, root, leafOf(recordHash));
    }

    /// @inheritdoc IAnchors
    function leafOf(bytes32 recordHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(recordHash))));
    }

    function _store() private pure returns (AnchorsStorage storage $) {
        assembly {
            $.slot := _ANCHORS_STORAGE
        }
    }
}
