// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SuiteContract} from "../base/SuiteContract.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";
import {Roles} from "../types/Roles.sol";

/// @title SuiteProbe
/// @notice A sixth contract for tests: it joins a live suite through governance, is seeded with the existing members,
/// and acts under the same roles as the five.
contract SuiteProbe is SuiteContract {
    /// @notice `registrar` acted through the probe.
    event ProbeActed(address indexed registrar);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {}

    /// @notice Set up the proxy's state.
    function initialize() external initializer {}

    /// @notice Succeeds only for an active REGISTRAR, with the Consortium's errors otherwise.
    function act() external {
        _requireActive(msg.sender, Roles.REGISTRAR);
        emit ProbeActed(msg.sender);
    }
}
