// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {Right} from "./Right.sol";

/// @notice One owner's stake in one certificate, packed in one storage slot so that issuing mints the three rights
/// with one new slot and a transfer touches two slots. Indexed by `Right` (0, 1, 2):
/// - bits [0, 48): the shares of each right, 16 bits each (at most 10,000);
/// - bits [48, 120): the shares under the owner's active pledges on each right, 24 bits each;
/// - bits [120, 240): the id of the owner's most recent pledge on each right, 40 bits each.
type Position is uint256;

using PositionLibrary for Position global;

/// @title PositionLibrary
/// @notice Reads and writes the fields of a {Position}. Writers refuse values that do not fit their field.
library PositionLibrary {
    uint256 private constant _SHARES_BITS = 16;
    uint256 private constant _SHARES_MASK = 0xFFFF;
    uint256 private constant _PLEDGED_OFFSET = 48;
    uint256 private constant _PLEDGED_BITS = 24;
    uint256 private constant _PLEDGED_MASK = 0xFFFFFF;
    uint256 private constant _PLEDGE_OFFSET = 120;
    uint256 private constant _PLEDGE_BITS = 40;
    uint256 private constant _PLEDGE_MASK = 0xFFFFFFFFFF;

    /// @notice The shares of `right`.
    function shares(Position position, Right right) internal pure returns (uint256) {
        return _get(position, _SHARES_BITS * uint8(right), _SHARES_MASK);
    }

    /// @notice `position` with the shares of `right` set to `value` (at most 65,535).
    function withShares(Position position, Right right, uint256 value) internal pure returns (Position) {
        return _set(position, _SHARES_BITS * uint8(right), _SHARES_MASK, SafeCast.toUint16(value));
    }

    /// @notice The shares of `right` under active pledges.
    function pledged(Position position, Right right) internal pure returns (uint256) {
        return _get(position, _PLEDGED_OFFSET + _PLEDGED_BITS * uint8(right), _PLEDGED_MASK);
    }

    /// @notice `position` with the pledged shares of `right` set to `value` (below 2^24).
    function withPledged(Position position, Right right, uint256 value) internal pure returns (Position) {
        return _set(position, _PLEDGED_OFFSET + _PLEDGED_BITS * uint8(right), _PLEDGED_MASK, SafeCast.toUint24(value));
    }

    /// @notice The id of the most recent pledge on `right` (0 if none).
    function lastPledge(Position position, Right right) internal pure returns (uint256) {
        return _get(position, _PLEDGE_OFFSET + _PLEDGE_BITS * uint8(right), _PLEDGE_MASK);
    }

    /// @notice `position` with the most recent pledge on `right` set to `pledgeId` (below 2^40).
    function withLastPledge(Position position, Right right, uint256 pledgeId) internal pure returns (Position) {
        return _set(position, _PLEDGE_OFFSET + _PLEDGE_BITS * uint8(right), _PLEDGE_MASK, SafeCast.toUint40(pledgeId));
    }

    function _get(Position position, uint256 offset, uint256 mask) private pure returns (uint256) {
        return (Position.unwrap(position) >> offset) & mask;
    }

    function _set(Position position, uint256 offset, uint256 mask, uint256 value) private pure returns (Position) {
        return Position.wrap((Position.unwrap(position) & ~(mask << offset)) | (value << offset));
    }
}
