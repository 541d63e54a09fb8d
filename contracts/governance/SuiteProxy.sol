// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title SuiteProxy
/// @notice The ERC-1967 proxy in front of each contract of the suite (OpenZeppelin's, unchanged). Its address is the
/// contract's address for good; the implementation behind it changes only through the implementation's UUPS
/// `upgradeToAndCall`, which the suite restricts to governance's timelock.
contract SuiteProxy is ERC1967Proxy {
    /// @param implementation The first implementation (the suite's bootstrap).
    /// @param data A call to make on the implementation at creation, or empty.
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
