// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Why a registrar refused an application at review (不予登记). ABI-encoded as `uint8`: None = 0 (not a
/// reason: refused), NationalCoreData = 1 (the data is national core data), UnlawfulSource = 2 (its source is
/// unlawful or not authorised), OwnershipDispute = 3 (its ownership is disputed and unresolved), Other = 4 (the
/// reason document says why).
enum RefusalReason {
    None,
    NationalCoreData,
    UnlawfulSource,
    OwnershipDispute,
    Other
}
