// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";

/// @title SuiteBootstrap
/// @notice The first implementation behind every proxy of a new suite, so that all the proxies, and with them the
/// Consortium's directory, exist before the real implementations are built (each reads its siblings' addresses from
/// the directory). It holds no state and does one thing: its deployer upgrades the proxy to the real implementation,
/// which initializes it in the same call. Nobody else can, and nobody else can put a proxy on it.
contract SuiteBootstrap is UUPSUpgradeable {
    /// @notice Only the deployer of this bootstrap may upgrade a proxy away from it.
    error SuiteBootstrapUnauthorized(address caller);

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _deployer;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _deployer = msg.sender;
    }

    /// @notice The proxy's first call (a proxy is never left uninitialised): only the deployer creates proxies on this
    /// bootstrap. It stores nothing.
    function initialize() external view {
        if (msg.sender != _deployer) revert SuiteBootstrapUnauthorized(msg.sender);
    }

    /// @notice The account that may upgrade a proxy away from this bootstrap.
    function deployer() external view returns (address) {
        return _deployer;
    }

    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != _deployer) revert SuiteBootstrapUnauthorized(msg.sender);
    }
}
