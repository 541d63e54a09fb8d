// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Right} from "./Right.sol";

/// @title RightsTokenId
/// @notice The ERC-1155 token id of one right of one certificate: `tokenId = certificateId * 4 + uint8(right)`.
/// @dev Ids whose low two bits are 3 name no right; their balance is always zero. Certificate id 0 does not exist.
library RightsTokenId {
    /// @notice The token id of `right` of certificate `certificateId`.
    function encode(uint256 certificateId, Right right) internal pure returns (uint256) {
        return (certificateId << 2) | uint256(uint8(right));
    }

    /// @notice The certificate id and right behind `tokenId`; `valid` is false when the low bits name no right.
    function decode(uint256 tokenId) internal pure returns (uint256 certificateId, Right right, bool valid) {
        uint256 low = tokenId & 3;
        if (low > uint256(uint8(type(Right).max))) {
            return (tokenId >> 2, Right.Holding, false);
        }
        return (tokenId >> 2, Right(uint8(low)), tokenId >> 2 != 0);
    }
}
