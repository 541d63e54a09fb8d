// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Where a pledge stands. ABI-encoded as `uint8`. Every end of a pledge is an explicit state:
/// - None (0): no such pledge.
/// - Active (1): the pledged shares are locked; an extension keeps the pledge Active with a new maturity.
/// - Released (2): the pledgee released it; the shares are free again.
/// - Enforced (3): after maturity, the pledgee took the pledged shares or directed them to a member.
enum PledgeStatus {
    None,
    Active,
    Released,
    Enforced
}
