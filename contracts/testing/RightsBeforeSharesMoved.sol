// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Rights} from "../Rights.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";

/// @title RightsBeforeSharesMoved
/// @notice The Rights edition from before `SharesMoved`, for the tests that read the history of a certificate whose
/// shares moved under it: every function and all the state of Rights, but no movement is announced. A suite upgraded
/// to it and back again has movements without `SharesMoved`, as one deployed before the event and upgraded since.
/// @custom:oz-upgrades-from Rights
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract RightsBeforeSharesMoved is Rights {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) Rights(consortium_) {}

    function _announcesMoves() internal pure override returns (bool) {
        return false;
    }
}
