// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MemberStatus} from "./MemberStatus.sol";

/// @notice A member's status and roles packed in one word, so that a caller check is exactly one storage read:
/// bits [0, 8) hold the status, bits [8, 256) the role mask.
type Membership is uint256;

using MembershipLibrary for Membership global;

/// @title MembershipLibrary
/// @notice Packs and reads a {Membership}.
library MembershipLibrary {
    /// @notice The membership with status `memberStatus` and the role mask `roleMask` (which must fit in 248 bits).
    function pack(MemberStatus memberStatus, uint256 roleMask) internal pure returns (Membership) {
        return Membership.wrap((roleMask << 8) | uint256(uint8(memberStatus)));
    }

    /// @notice The member's status.
    function status(Membership membership) internal pure returns (MemberStatus) {
        return MemberStatus(uint8(Membership.unwrap(membership)));
    }

    /// @notice The member's role mask.
    function roles(Membership membership) internal pure returns (uint256) {
        return Membership.unwrap(membership) >> 8;
    }
}
