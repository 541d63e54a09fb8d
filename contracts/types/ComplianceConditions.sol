// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ComplianceConditions
/// @notice When a compliance module is consulted: a module declares a mask of these bits, and the Compliance contract
/// calls it for a transfer, licence or pledge only when one of them holds. The first two are also a certificate's
/// flags, stored as the same bits.
library ComplianceConditions {
    /// @notice The certificate is restricted for cross-border flows.
    uint8 internal constant CROSS_BORDER_RESTRICTED = 1 << 0;
    /// @notice The certificate contains personal information.
    uint8 internal constant PERSONAL_INFORMATION = 1 << 1;
    /// @notice A transfer changes the number of holders of the right (a new holder arrives, or one leaves).
    uint8 internal constant HOLDER_CHANGE = 1 << 2;
    /// @notice Every transfer, licence and pledge.
    uint8 internal constant ALWAYS = 1 << 7;
    /// @notice The conditions any transfer, licence or pledge may meet, whatever it does to the number of holders.
    uint8 internal constant ANY_ACT = CROSS_BORDER_RESTRICTED | PERSONAL_INFORMATION | ALWAYS;
    /// @notice Every bit a module may declare.
    uint8 internal constant ANY = CROSS_BORDER_RESTRICTED | PERSONAL_INFORMATION | HOLDER_CHANGE | ALWAYS;
}
