// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title SuiteNames
/// @notice The names under which the Consortium's directory lists the contracts of the suite. A contract that joins
/// later is listed under a name of its own, chosen by governance when it joins.
library SuiteNames {
    bytes32 internal constant CONSORTIUM = "Consortium";
    bytes32 internal constant CERTIFICATES = "Certificates";
    bytes32 internal constant RIGHTS = "Rights";
    bytes32 internal constant PLEDGES = "Pledges";
    bytes32 internal constant ANCHORS = "Anchors";
    bytes32 internal constant COMPLIANCE = "Compliance";
    bytes32 internal constant REGISTRATIONS = "Registrations";
}
