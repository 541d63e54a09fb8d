// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Where a due-process proposal stands. ABI-encoded as `uint8`:
/// - None (0): no such proposal.
/// - Proposed (1): a registrar proposed it; governance may execute it once its delay has passed.
/// - Executed (2): governance executed it.
/// - Cancelled (3): governance or the proposing registrar cancelled it.
enum ProposalStatus {
    None,
    Proposed,
    Executed,
    Cancelled
}
