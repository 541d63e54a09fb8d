// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Where a pledge stands. ABI-encoded as `uint8`. Every end of a pledge is an explicit state:
/// - None (0): no such pledge.
/// - Active (1): the pledged shares are locked; an extension keeps the pledge Active with a new maturity.
/// - Released (2): the pledgee released it; the shares are free again.
/// - Realised (3): after maturity, the collateral was realised (Civil Code art. 436): sold at a price agreed with
///   the pledgor (折价), by auction or sale, or by a court's ruling; the shares went to the buyer that the realising
///   document names, the price and any surplus owed to the pledgor are recorded. Never a forfeiture (art. 428).
enum PledgeStatus {
    None,
    Active,
    Released,
    Realised
}
