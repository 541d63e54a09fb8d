// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Roles
/// @notice The consortium's role bits. A member's roles are a bitmask of these values;
/// an authorisation check passes when the member holds at least one of the roles it asks for.
/// @dev Governance (the admin role) is not a bit here: it is the single admin address of the
/// Consortium contract, typically a multi-signature wallet, handed over in two steps.
library Roles {
    /// @notice Reviews, publishes, issues, changes, renews, suspends and cancels certificates.
    uint256 internal constant REGISTRAR = 1 << 0;
    /// @notice Applies for certificates, holds and transfers rights, grants licences, pledges shares.
    uint256 internal constant MERCHANT = 1 << 1;
    /// @notice Records, releases, extends and enforces pledges; may hold shares taken by enforcement.
    uint256 internal constant BANK = 1 << 2;
    /// @notice Reads and checks; may object to a certificate under public notice.
    uint256 internal constant AUDITOR = 1 << 3;
    /// @notice Records Merkle roots of batches of off-chain records.
    uint256 internal constant ORACLE = 1 << 4;

    /// @notice The roles that may own shares of a right, receive them, grant and receive licences.
    uint256 internal constant HOLDERS = MERCHANT | BANK;
    /// @notice Every role bit: "any active member".
    uint256 internal constant ANY = REGISTRAR | MERCHANT | BANK | AUDITOR | ORACLE;
}
