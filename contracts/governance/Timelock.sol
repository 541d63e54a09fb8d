// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title Timelock
/// @notice Governance's delay: OpenZeppelin's TimelockController, unchanged. Every upgrade of a contract of the suite
/// and every change of the Consortium's directory is scheduled here by governance (the multisig admin, the only
/// proposer and executor), is public from then on (`CallScheduled`), and can run only after `getMinDelay()` seconds
/// (`CallExecuted`). The timelock administers itself: changing its delay is itself a delayed operation.
contract Timelock is TimelockController {
    /// @param minDelay Seconds between scheduling an operation and the earliest moment it can run.
    /// @param proposers Who may schedule and cancel (governance).
    /// @param executors Who may execute once the delay has passed (governance).
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors)
        TimelockController(minDelay, proposers, executors, address(0))
    {}
}
