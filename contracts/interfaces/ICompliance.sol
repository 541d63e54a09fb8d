// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Right} from "../types/Right.sol";
import {IComplianceModule} from "./IComplianceModule.sol";

/// @title ICompliance
/// @notice The compliance rules in force over share transfers, licences and pledges, kept as separate modules bound to
/// this one contract (ERC-3643's ModularCompliance): governance adds and removes a module through the timelock, and
/// no other contract of the suite changes.
///
/// Who may act:
/// - the timelock (governance, after its delay) adds and removes modules ({addModule}, {removeModule});
/// - governance, the Consortium's admin, sets a member's jurisdiction and grants or revokes its qualifications at
///   once, as it admits and suspends members ({setJurisdiction}, {grantQualification}, {revokeQualification});
/// - a certificate's registrar (an active REGISTRAR) flags it as restricted for cross-border flows or as containing
///   personal information, and lists the jurisdictions it may pass to ({setCertificateFlags},
///   {setJurisdictionAllowed});
/// - the Rights and Pledges contracts (the suite's proxies, read from the Consortium's directory) report each
///   movement of shares ({transferred}, {enforced}); anyone may ask the checks ({checkTransfer}, {checkLicence},
///   {checkPledge}), which revert with the refusing module's error and return nothing.
///
/// When a module is consulted. Each module declares, when it is added, the conditions under which it judges
/// ({IComplianceModule-conditions}, a mask of the bits of `types/ComplianceConditions.sol`): the certificate's flags, a change in the number
/// of holders of the right, or always. A check reads one word of module registry and one word of the certificate's
/// rules, and calls only the modules whose conditions hold: the common case (existing holders, a certificate with no
/// flags) calls no module at all. Modules are consulted in the order they were added; the first refusal is the
/// answer.
///
/// Holder counts. While a module declaring the holder-change condition is in force, the contract keeps, for every
/// certificate and right, how many members hold shares of it, moved by {transferred} and {enforced}. An issued
/// certificate starts with one holder of each right (the applicant), so the count needs no write at issue. While no
/// such module is in force, no transfer pays for counting and the counts stand still: governance re-syncs them
/// ({setHolderCount}) in the operation that puts such a module in force.
///
/// The Rights contract keeps a copy of {conditionsInForce} (refreshed whenever the modules change) and reports a
/// movement or asks about a licence only when one of those conditions may hold, so that with no module in force a
/// transfer does not call this contract at all.
interface ICompliance {
    /// @notice A movement of shares as the modules judge it.
    /// @param certificateId The certificate.
    /// @param right The right whose shares move.
    /// @param from The owner giving the shares.
    /// @param to The member receiving them.
    /// @param shares How many (basis points).
    /// @param toBalanceBefore What `to` held of the right before (0: `to` becomes a new holder).
    /// @param fromBalanceAfter What `from` keeps (0: `from` stops being a holder).
    /// @param holders How many members held shares of the right before the movement (counted only while a module
    /// declaring the holder-change condition is in force).
    /// @param flags The certificate's flags (the bits of `ComplianceConditions`).
    struct Movement {
        uint256 certificateId;
        Right right;
        address from;
        address to;
        uint256 shares;
        uint256 toBalanceBefore;
        uint256 fromBalanceAfter;
        uint256 holders;
        uint8 flags;
    }

    /// @notice A licence or a pledge as the modules judge it: an owner gives `grantee` a claim over a right.
    /// @param certificateId The certificate.
    /// @param right The right licensed or pledged.
    /// @param owner The grantor of the licence, or the pledgor.
    /// @param grantee The licensee, or the pledgee (who may take the shares at enforcement).
    /// @param flags The certificate's flags.
    struct Grant {
        uint256 certificateId;
        Right right;
        address owner;
        address grantee;
        uint8 flags;
    }

    /// @notice A module in force, with the conditions under which it is consulted.
    struct ModuleInForce {
        IComplianceModule module;
        uint8 conditions;
    }

    /// @notice Governance added `module`, consulted under `conditions`.
    event ComplianceModuleAdded(address indexed module, uint8 conditions);

    /// @notice Governance removed `module`; it is no longer consulted.
    event ComplianceModuleRemoved(address indexed module);

    /// @notice Governance set the jurisdiction of `member` (ISO 3166-1 alpha-2; zero: none).
    event MemberJurisdictionSet(address indexed member, bytes2 jurisdiction);

    /// @notice Governance granted `member` the qualification `qualification`.
    event QualificationGranted(address indexed member, bytes32 indexed qualification);

    /// @notice Governance revoked the qualification `qualification` of `member`.
    event QualificationRevoked(address indexed member, bytes32 indexed qualification);

    /// @notice The registrar of certificate `certificateId` set its compliance flags.
    event CertificateFlagsSet(
        uint256 indexed certificateId, address indexed registrar, bool crossBorderRestricted, bool containsPersonalInformation
    );

    /// @notice The registrar of certificate `certificateId` allowed (or no longer allows) `jurisdiction` to receive it
    /// while it is restricted for cross-border flows.
    event CertificateJurisdictionAllowed(
        uint256 indexed certificateId, address indexed registrar, bytes2 jurisdiction, bool allowed
    );

    /// @notice Governance set the number of holders of `right` of certificate `certificateId` to `holders` (for a
    /// certificate whose shares moved before this contract counted them).
    event HolderCountSet(uint256 indexed certificateId, Right right, uint256 holders);

    /// @notice The holder-cap module `module` refuses: the right would have more than `cap` holders.
    error ComplianceHolderCapExceeded(address module, uint256 certificateId, Right right, uint256 cap);

    /// @notice The jurisdiction module `module` refuses: certificate `certificateId` is restricted for cross-border
    /// flows and `member`'s jurisdiction (zero: none recorded) is not one it may pass to.
    error ComplianceJurisdictionNotAllowed(address module, uint256 certificateId, address member, bytes2 jurisdiction);

    /// @notice The qualification module `module` refuses: certificate `certificateId` contains personal information
    /// and `member` does not hold `qualification`.
    error ComplianceQualificationMissing(address module, uint256 certificateId, address member, bytes32 qualification);

    /// @notice Only the Consortium's timelock adds and removes modules.
    error ComplianceUnauthorizedTimelock(address caller);

    /// @notice Only governance (the Consortium's admin) sets members' jurisdictions and qualifications.
    error ComplianceUnauthorizedGovernance(address caller);

    /// @notice Only the registrar of certificate `certificateId` sets its flags and allowed jurisdictions.
    error ComplianceUnauthorizedRegistrar(uint256 certificateId, address account);

    /// @notice Only the Rights and Pledges contracts report movements of shares.
    error ComplianceUnauthorizedCaller(address caller);

    /// @notice `module` cannot be added: it has no code, declares no condition, or is bound to another compliance
    /// contract.
    error ComplianceInvalidModule(address module);

    /// @notice `module` is already in force.
    error ComplianceModuleExists(address module);

    /// @notice `module` is not in force.
    error ComplianceUnknownModule(address module);

    /// @notice At most `max` modules are in force at once.
    error ComplianceTooManyModules(uint256 max);

    /// @notice `jurisdiction` is not two capital letters (an ISO 3166-1 alpha-2 code).
    error ComplianceInvalidJurisdiction(bytes2 jurisdiction);

    /// @notice A right has between 1 and 10,000 holders.
    error ComplianceInvalidHolderCount(uint256 holders);

    /// @notice The zero qualification cannot be granted or revoked.
    error ComplianceInvalidQualification(bytes32 qualification);

    /// @notice Put `module` in force, consulted under the conditions it declares. Caller: the timelock.
    function addModule(IComplianceModule module) external;

    /// @notice Take `module` out of force; the others keep their order. Caller: the timelock.
    function removeModule(IComplianceModule module) external;

    /// @notice Set the number of holders of `right` of certificate `certificateId`: for a certificate whose shares
    /// moved while this contract did not count them (no module declaring the holder-change condition was in force,
    /// or it joined a running suite). Caller: the timelock.
    function setHolderCount(uint256 certificateId, Right right, uint256 holders) external;

    /// @notice The modules in force, in the order they are consulted, with their conditions.
    function modules() external view returns (ModuleInForce[] memory);

    /// @notice The conditions of the modules in force, together (a mask of `ComplianceConditions` bits; 0: no module
    /// in force). An act meeting none of them is neither judged nor counted; the Rights contract copies this mask.
    function conditionsInForce() external view returns (uint8);

    /// @notice Set `member`'s jurisdiction: an ISO 3166-1 alpha-2 code as two ASCII capitals (`"CN"`), or zero for
    /// none. Caller: governance (the Consortium's admin).
    function setJurisdiction(address member, bytes2 jurisdiction) external;

    /// @notice Grant `member` the qualification `qualification` (a name right-padded, such as `"PI-PROCESSOR"`).
    /// Caller: governance.
    function grantQualification(address member, bytes32 qualification) external;

    /// @notice Revoke `member`'s qualification `qualification`. Caller: governance.
    function revokeQualification(address member, bytes32 qualification) external;

    /// @notice Set certificate `certificateId`'s flags. Caller: its registrar, an active REGISTRAR.
    function setCertificateFlags(uint256 certificateId, bool crossBorderRestricted, bool containsPersonalInformation)
        external;

    /// @notice Allow (or stop allowing) members of `jurisdiction` to receive certificate `certificateId`'s rights while
    /// it is restricted for cross-border flows. Caller: its registrar, an active REGISTRAR.
    function setJurisdictionAllowed(uint256 certificateId, bytes2 jurisdiction, bool allowed) external;

    /// @notice `member`'s jurisdiction (zero: none recorded).
    function jurisdictionOf(address member) external view returns (bytes2);

    /// @notice Whether `member` holds `qualification`.
    function hasQualification(address member, bytes32 qualification) external view returns (bool);

    /// @notice `member`'s jurisdiction and whether certificate `certificateId` may pass to it while restricted.
    function jurisdictionCheck(uint256 certificateId, address member)
        external
        view
        returns (bytes2 jurisdiction, bool allowed);

    /// @notice Certificate `certificateId`'s flags.
    function certificateFlags(uint256 certificateId)
        external
        view
        returns (bool crossBorderRestricted, bool containsPersonalInformation);

    /// @notice Whether certificate `certificateId` may pass to members of `jurisdiction` while restricted.
    function isJurisdictionAllowed(uint256 certificateId, bytes2 jurisdiction) external view returns (bool);

    /// @notice How many members hold shares of `right` of issued certificate `certificateId`, as counted while a module
    /// declaring the holder-change condition is in force.
    function holderCount(uint256 certificateId, Right right) external view returns (uint256);

    /// @notice Revert, with the first refusing module's error, unless the modules in force accept moving `shares` of
    /// `right` from `from` (who keeps `fromBalanceAfter`) to `to` (who held `toBalanceBefore`). Changes nothing.
    function checkTransfer(
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) external view;

    /// @notice Revert unless the modules in force accept `grantor` licensing `right` to `licensee`.
    function checkLicence(uint256 certificateId, Right right, address grantor, address licensee) external view;

    /// @notice Revert unless the modules in force accept `pledgor` pledging shares of `right` to `pledgee`.
    function checkPledge(uint256 certificateId, Right right, address pledgor, address pledgee) external view;

    /// @notice {checkTransfer}, then record the movement in the holder counts: the one call the Rights contract makes
    /// per transfer. Caller: the Rights or Pledges contract.
    function transferred(
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) external;

    /// @notice Record shares taken by a pledge's enforcement in the holder counts, without consulting the modules: they
    /// judged the pledgee when the pledge was recorded ({checkPledge}), and an enforcement must always be able to end
    /// its pledge. Caller: the Rights or Pledges contract.
    function enforced(uint256 certificateId, Right right, address from, address to, uint256 toBalanceBefore, uint256 fromBalanceAfter)
        external;
}
