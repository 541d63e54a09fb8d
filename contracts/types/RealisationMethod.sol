// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice How pledged shares were turned into value (Civil Code art. 436, para. 2; art. 438). ABI-encoded as
/// `uint8` in this order. A clause handing the collateral to the pledgee on default is void (art. 428), so every
/// realisation names its price and the document that fixes it.
/// - AgreedPrice (0): 折价, a price agreed between pledgee and pledgor after default; the pledgor signs it.
/// - Auction (1): 拍卖, the result of a public auction.
/// - Sale (2): 变卖, a sale at the market price.
/// - CourtRuling (3): a court's ruling or mediation that fixes the price and the buyer.
enum RealisationMethod {
    AgreedPrice,
    Auction,
    Sale,
    CourtRuling
}
