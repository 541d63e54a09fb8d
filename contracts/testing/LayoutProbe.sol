// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

// Three editions of one namespaced record, for the test that proves the storage-layout check can fail: appending a
// field is a compatible upgrade, swapping two fields is not. Only that test validates this file.

/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract LayoutProbe is Initializable, UUPSUpgradeable {
    /// @notice Which edition this is (it also keeps the three editions' bytecode apart, as real editions are).
    function edition() external pure returns (uint256) {
        return 1;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.LayoutProbe
    struct LayoutProbeStorage {
        address holder;
        uint256 shares;
    }

    function _authorizeUpgrade(address) internal pure override {}
}

/// @custom:oz-upgrades-from LayoutProbe
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract LayoutProbeAppended is Initializable, UUPSUpgradeable {
    /// @notice Which edition this is (it also keeps the three editions' bytecode apart, as real editions are).
    function edition() external pure returns (uint256) {
        return 2;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.LayoutProbe
    struct LayoutProbeStorage {
        address holder;
        uint256 shares;
        uint256 pledged;
    }

    function _authorizeUpgrade(address) internal pure override {}
}

/// @custom:oz-upgrades-from LayoutProbe
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract LayoutProbeSwapped is Initializable, UUPSUpgradeable {
    /// @notice Which edition this is (it also keeps the three editions' bytecode apart, as real editions are).
    function edition() external pure returns (uint256) {
        return 3;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.LayoutProbe
    struct LayoutProbeStorage {
        uint256 shares;
        address holder;
    }

    function _authorizeUpgrade(address) internal pure override {}
}
