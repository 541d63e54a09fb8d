// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What a due-process proposal does. ABI-encoded as `uint8`:
/// - ForcedTransfer (0): moves shares of one right of one certificate from one member to another, as a court order
///   or ruling requires.
/// - Recovery (1): moves a member's identity, roles, positions, licences and pledges from its lost address to a new
///   one (key recovery).
enum ProposalKind {
    ForcedTransfer,
    Recovery
}
