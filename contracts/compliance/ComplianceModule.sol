// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICompliance} from "../interfaces/ICompliance.sol";
import {IComplianceModule} from "../interfaces/IComplianceModule.sol";

/// @title ComplianceModule
/// @notice The base of the shipped modules: the Compliance contract it is bound to, fixed at deployment, and checks
/// that accept by default (a module overrides the ones it judges).
abstract contract ComplianceModule is IComplianceModule {
    ICompliance internal immutable _compliance;

    /// @param compliance_ The Compliance contract (its proxy) that will consult this module.
    constructor(ICompliance compliance_) {
        _compliance = compliance_;
    }

    /// @inheritdoc IComplianceModule
    function compliance() external view returns (ICompliance) {
        return _compliance;
    }

    /// @inheritdoc IComplianceModule
    function checkTransfer(ICompliance.Movement calldata) external view virtual {}

    /// @inheritdoc IComplianceModule
    function checkLicence(ICompliance.Grant calldata) external view virtual {}

    /// @inheritdoc IComplianceModule
    function checkPledge(ICompliance.Grant calldata) external view virtual {}
}
