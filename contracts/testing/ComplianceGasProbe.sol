// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICompliance} from "../interfaces/ICompliance.sol";
import {Right} from "../types/Right.sol";

/// @title ComplianceGasProbe
/// @notice Measures, inside one transaction, the gas a call to {ICompliance-checkTransfer} costs a caller such as the
/// Rights contract: the call to the Compliance proxy (cold, as in a transfer), the module registry and certificate
/// reads, and every module consulted.
contract ComplianceGasProbe {
    /// @notice `gasUsed` is what the call cost the caller, from just before it to just after it returned.
    event CheckMeasured(uint256 gasUsed);

    /// @notice Call `compliance.checkTransfer(...)` once and emit what it cost.
    function measureCheckTransfer(
        ICompliance compliance,
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) external {
        uint256 before = gasleft();
        compliance.checkTransfer(certificateId, right, from, to, shares, toBalanceBefore, fromBalanceAfter);
        uint256 used = before - gasleft();
        emit CheckMeasured(used);
    }
}
