// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICompliance} from "./ICompliance.sol";

/// @title IComplianceModule
/// @notice One compliance rule, bound to one Compliance contract, which consults it on transfers, licences and pledges
/// under the conditions it declares. A module refuses by reverting with an error of {ICompliance} that names itself
/// (its address) and the reason; it accepts by returning. Its checks are views: whatever state it needs it reads from
/// the Compliance contract (members' jurisdictions and qualifications, certificates' allowed jurisdictions) or holds
/// as immutables set when it is deployed, so changing a setting is replacing the module through the timelock.
interface IComplianceModule {
    /// @notice The Compliance contract this module serves.
    function compliance() external view returns (ICompliance);

    /// @notice The module's kind in words (`"holder-cap"`, `"jurisdiction"`, `"qualification"` ...), for listings.
    function kind() external view returns (string memory);

    /// @notice When the module is consulted: a mask of `ComplianceConditions` bits, read once when it is added.
    function conditions() external view returns (uint8);

    /// @notice Revert with this module's error unless it accepts `movement`.
    function checkTransfer(ICompliance.Movement calldata movement) external view;

    /// @notice Revert with this module's error unless it accepts the licence `grant`.
    function checkLicence(ICompliance.Grant calldata grant) external view;

    /// @notice Revert with this module's error unless it accepts the pledge `grant`.
    function checkPledge(ICompliance.Grant calldata grant) external view;
}
