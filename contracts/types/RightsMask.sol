// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Right} from "./Right.sol";

/// @title RightsMask
/// @notice A set of the three rights as a `uint8` bit mask: bit `uint8(right)` set when the right is in the set
/// (Holding = 1, Development = 2, Operation = 4; all three = 7). An application claims a non-empty set; the
/// registrar grants a non-empty subset of it at issue, and only those rights exist.
library RightsMask {
    /// @notice Every right.
    uint8 internal constant ALL = 7;

    /// @notice Whether `mask` holds `right`.
    function has(uint8 mask, Right right) internal pure returns (bool) {
        return mask & (uint8(1) << uint8(right)) != 0;
    }

    /// @notice Whether `mask` is a non-empty set of rights.
    function isValid(uint8 mask) internal pure returns (bool) {
        return mask != 0 && mask <= ALL;
    }

    /// @notice The right whose holders act for the certificate as a whole: Holding when it exists, else the first
    /// right the mask holds.
    function leading(uint8 mask) internal pure returns (Right) {
        if (has(mask, Right.Holding)) return Right.Holding;
        return has(mask, Right.Development) ? Right.Development : Right.Operation;
    }
}
