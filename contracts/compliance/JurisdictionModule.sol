// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICompliance} from "../interfaces/ICompliance.sol";
import {IComplianceModule} from "../interfaces/IComplianceModule.sol";
import {ComplianceConditions} from "../types/ComplianceConditions.sol";
import {ComplianceModule} from "./ComplianceModule.sol";

/// @title JurisdictionModule
/// @notice A certificate its registrar flagged as restricted for cross-border flows passes only to members whose
/// jurisdiction (set by governance) is one the registrar allowed for it: the recipient of a transfer, the licensee of
/// a licence, the pledgee of a pledge. A member with no jurisdiction recorded is refused. Refusal:
/// {ICompliance-ComplianceJurisdictionNotAllowed}. Certificates without the flag are not judged.
contract JurisdictionModule is ComplianceModule {
    /// @param compliance_ The Compliance contract that consults it, and where jurisdictions are kept.
    constructor(ICompliance compliance_) ComplianceModule(compliance_) {}

    /// @inheritdoc IComplianceModule
    function kind() external pure returns (string memory) {
        return "jurisdiction";
    }

    /// @inheritdoc IComplianceModule
    function conditions() external pure returns (uint8) {
        return ComplianceConditions.CROSS_BORDER_RESTRICTED;
    }

    /// @inheritdoc ComplianceModule
    function checkTransfer(ICompliance.Movement calldata movement) external view override {
        _check(movement.certificateId, movement.flags, movement.to);
    }

    /// @inheritdoc ComplianceModule
    function checkLicence(ICompliance.Grant calldata grant) external view override {
        _check(grant.certificateId, grant.flags, grant.grantee);
    }

    /// @inheritdoc ComplianceModule
    function checkPledge(ICompliance.Grant calldata grant) external view override {
        _check(grant.certificateId, grant.flags, grant.grantee);
    }

    function _check(uint256 certificateId, uint8 flags, address member) private view {
        if (flags & ComplianceConditions.CROSS_BORDER_RESTRICTED == 0) return;
        (bytes2 jurisdiction, bool allowed) = _compliance.jurisdictionCheck(certificateId, member);
        if (!allowed) {
            revert ICompliance.ComplianceJurisdictionNotAllowed(address(this), certificateId, member, jurisdiction);
        }
    }
}
