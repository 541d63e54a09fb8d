// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Where a consortium member stands. ABI-encoded as `uint8`.
/// - None (0): the address is not a member.
/// - Active (1): the member may act within its roles.
/// - Suspended (2): the member can do nothing until the admin reinstates it.
/// - Retired (3): the address was replaced by key recovery (IDueProcess); it can do nothing, for good, and its
///   identity, roles and records belong to the new address.
enum MemberStatus {
    None,
    Active,
    Suspended,
    Retired
}
