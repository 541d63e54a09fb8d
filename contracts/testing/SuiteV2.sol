// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Anchors} from "../Anchors.sol";
import {Certificates} from "../Certificates.sol";
import {Compliance} from "../Compliance.sol";
import {Consortium} from "../Consortium.sol";
import {Pledges} from "../Pledges.sol";
import {Registrations} from "../Registrations.sol";
import {Rights} from "../Rights.sol";
import {IConsortium} from "../interfaces/IConsortium.sol";

// Second implementations of the seven contracts, for the tests that upgrade a live suite: each keeps every function
// and all the state of the first and adds one view. The storage-layout check compares each with the contract named
// in its `oz-upgrades-from` annotation. None has new state, so none needs an initializer of its own: the proxies were
// initialised by the first implementations.

/// @custom:oz-upgrades-from Consortium
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract ConsortiumV2 is Consortium {
    /// @notice The implementation's edition.
    function edition() external pure returns (uint256) {
        return 2;
    }
}

/// @custom:oz-upgrades-from Certificates
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract CertificatesV2 is Certificates {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) Certificates(consortium_) {}

    /// @notice The implementation's edition.
    function edition() external pure returns (uint256) {
        return 2;
    }
}

/// @custom:oz-upgrades-from Rights
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract RightsV2 is Rights {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) Rights(consortium_) {}

    /// @notice The implementation's edition.
    function edition() external pure returns (uint256) {
        return 2;
    }
}

/// @custom:oz-upgrades-from Pledges
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract PledgesV2 is Pledges {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) Pledges(consortium_) {}

    /// @notice The implementation's edition.
    function edition() external pure returns (uint256) {
        return 2;
    }
}

/// @custom:oz-upgrades-from Anchors
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract AnchorsV2 is Anchors {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) Anchors(consortium_) {}

    /// @notice The implementation's edition.
    function edition() external pure returns (uint256) {
        return 2;
    }
}

/// @custom:oz-upgrades-from Compliance
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract ComplianceV2 is Compliance {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) Compliance(consortium_) {}

    /// @notice The implementation's edition.
    function edition() external pure returns (uint256) {
        return 2;
    }
}

/// @custom:oz-upgrades-from Registrations
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract RegistrationsV2 is Registrations {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) Registrations(consortium_) {}

    /// @notice The implementation's edition.
    function edition() external pure returns (uint256) {
        return 2;
    }
}
