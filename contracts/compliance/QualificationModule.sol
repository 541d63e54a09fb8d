// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICompliance} from "../interfaces/ICompliance.sol";
import {IComplianceModule} from "../interfaces/IComplianceModule.sol";
import {ComplianceConditions} from "../types/ComplianceConditions.sol";
import {ComplianceModule} from "./ComplianceModule.sol";

/// @title QualificationModule
/// @notice A certificate its registrar flagged as containing personal information passes only to members holding the
/// module's qualification (granted by governance): the recipient of a transfer, the licensee of a licence, the pledgee
/// of a pledge. Refusal: {ICompliance-ComplianceQualificationMissing}. Certificates without the flag are not judged.
///
/// The qualification is fixed at deployment; governance changes it by replacing the module through the timelock.
contract QualificationModule is ComplianceModule {
    bytes32 private immutable _qualification;

    /// @param compliance_ The Compliance contract that consults it, and where qualifications are kept.
    /// @param qualification_ The qualification required (a name right-padded, such as `"PI-PROCESSOR"`).
    constructor(ICompliance compliance_, bytes32 qualification_) ComplianceModule(compliance_) {
        _qualification = qualification_;
    }

    /// @inheritdoc IComplianceModule
    function kind() external pure returns (string memory) {
        return "qualification";
    }

    /// @inheritdoc IComplianceModule
    function conditions() external pure returns (uint8) {
        return ComplianceConditions.PERSONAL_INFORMATION;
    }

    /// @notice The qualification a member needs to receive a certificate containing personal information.
    function qualification() external view returns (bytes32) {
        return _qualification;
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
        if (flags & ComplianceConditions.PERSONAL_INFORMATION == 0) return;
        if (!_compliance.hasQualification(member, _qualification)) {
            revert ICompliance.ComplianceQualificationMissing(address(this), certificateId, member, _qualification);
        }
    }
}
