// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICompliance} from "../interfaces/ICompliance.sol";
import {IComplianceModule} from "../interfaces/IComplianceModule.sol";
import {ComplianceConditions} from "../types/ComplianceConditions.sol";
import {Right} from "../types/Right.sol";
import {ComplianceModule} from "./ComplianceModule.sol";

/// @title HolderCapModule
/// @notice A cap on the number of members holding shares of each right of a certificate: a transfer that would bring
/// a new holder beyond the cap is refused with {ICompliance-ComplianceHolderCapExceeded}. A transfer that keeps or
/// lowers the count always passes, so a right already above a lowered cap can still concentrate. Licences and
/// pledges create no holder and are not judged (an enforcement is never refused: see {ICompliance-enforced}).
///
/// The caps are fixed at deployment; governance changes them by replacing the module through the timelock.
contract HolderCapModule is ComplianceModule {
    uint256 private immutable _holdingCap;
    uint256 private immutable _developmentCap;
    uint256 private immutable _operationCap;

    /// @param compliance_ The Compliance contract that consults it.
    /// @param holdingCap The most holders of the holding right of any certificate (0: no cap), and so on per right.
    constructor(ICompliance compliance_, uint256 holdingCap, uint256 developmentCap, uint256 operationCap)
        ComplianceModule(compliance_)
    {
        _holdingCap = holdingCap;
        _developmentCap = developmentCap;
        _operationCap = operationCap;
    }

    /// @inheritdoc IComplianceModule
    function kind() external pure returns (string memory) {
        return "holder-cap";
    }

    /// @inheritdoc IComplianceModule
    function conditions() external pure returns (uint8) {
        return ComplianceConditions.HOLDER_CHANGE;
    }

    /// @notice The cap on the holders of `right` (0: none).
    function capOf(Right right) public view returns (uint256) {
        if (right == Right.Holding) return _holdingCap;
        if (right == Right.Development) return _developmentCap;
        return _operationCap;
    }

    /// @inheritdoc ComplianceModule
    function checkTransfer(ICompliance.Movement calldata movement) external view override {
        // Only a new holder that arrives while the sender stays raises the count.
        if (movement.toBalanceBefore != 0 || movement.fromBalanceAfter == 0) return;
        uint256 cap = capOf(movement.right);
        if (cap != 0 && movement.holders + 1 > cap) {
            revert ICompliance.ComplianceHolderCapExceeded(address(this), movement.certificateId, movement.right, cap);
        }
    }
}
