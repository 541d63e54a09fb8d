// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SuiteContract} from "./base/SuiteContract.sol";
import {ICertificates} from "./interfaces/ICertificates.sol";
import {ICompliance} from "./interfaces/ICompliance.sol";
import {IComplianceModule} from "./interfaces/IComplianceModule.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IRights} from "./interfaces/IRights.sol";
import {ComplianceConditions} from "./types/ComplianceConditions.sol";
import {Right} from "./types/Right.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title Compliance
/// @notice The compliance modules in force and the data they judge by: members' jurisdictions and qualifications,
/// certificates' flags and allowed jurisdictions, and the number of holders of every right.
contract Compliance is ICompliance, SuiteContract {
    /// @notice At most this many modules are in force: their conditions fit one word with their count.
    uint256 public constant MAX_MODULES = 31;

    /// @dev A right has at most as many holders as shares.
    uint256 private constant _MAX_HOLDERS = 10_000;

    /// @dev One word: the number of modules in force and, in byte `i`, the conditions of module `i`. A check reads it
    /// first and reads a module's address only when its conditions hold.
    struct Registry {
        uint8 count;
        uint248 conditions;
    }

    /// @dev One word per certificate: its flags and, per right, the number of holders beyond the first (an issued
    /// certificate starts with one holder of each right, so issuing writes nothing here).
    struct CertificateRules {
        uint8 flags;
        uint16 extraHolding;
        uint16 extraDevelopment;
        uint16 extraOperation;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.Compliance
    struct ComplianceStorage {
        Registry registry;
        mapping(uint256 index => IComplianceModule) modules;
        mapping(uint256 certificateId => CertificateRules) certificates;
        mapping(uint256 certificateId => mapping(bytes2 jurisdiction => bool)) allowedJurisdictions;
        mapping(address member => bytes2 jurisdiction) jurisdictions;
        mapping(address member => mapping(bytes32 qualification => bool)) qualifications;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Compliance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _COMPLIANCE_STORAGE = 0x2f54dcafbe31daed75f6acdb9577a53695bfe371c251cb183326fbd24942db00;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICertificates private immutable _certificates;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _rights;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _pledges;

    /// @param consortium_ The Consortium's proxy, whose directory names the Certificates contract (where a
    /// certificate's registrar is read) and the Rights and Pledges contracts (the only ones that report movements).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {
        _certificates = ICertificates(_suiteContract(consortium_, SuiteNames.CERTIFICATES));
        _rights = _suiteContract(consortium_, SuiteNames.RIGHTS);
        _pledges = _suiteContract(consortium_, SuiteNames.PLEDGES);
    }

    /// @notice Set up the proxy's state (no module is in force at first).
    function initialize() external initializer {}

    /// @notice The Certificates contract where a certificate's registrar is read.
    function certificates() external view returns (ICertificates) {
        return _certificates;
    }

    /// @notice The Rights contract, which reports transfers.
    function rights() external view returns (address) {
        return _rights;
    }

    /// @notice The Pledges contract, which may report enforcements.
    function pledges() external view returns (address) {
        return _pledges;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Modules
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc ICompliance
    function addModule(IComplianceModule module) external {
        _requireTimelock();
        ComplianceStorage storage $ = _store();
        Registry memory registry = $.registry;
        if (_indexOf(registry, module) < registry.count) revert ComplianceModuleExists(address(module));
        if (registry.count == MAX_MODULES) revert ComplianceTooManyModules(MAX_MODULES);
        uint8 conditions = _declaredConditions(module);
        $.modules[registry.count] = module;
        $.registry = Registry({
            count: registry.count + 1,
            conditions: uint248(uint256(registry.conditions) | (uint256(conditions) << (8 * uint256(registry.count))))
        });
        emit ComplianceModuleAdded(address(module), conditions);
        IRights(_rights).syncComplianceConditions();
    }

    /// @inheritdoc ICompliance
    function removeModule(IComplianceModule module) external {
        _requireTimelock();
        ComplianceStorage storage $ = _store();
        Registry memory registry = $.registry;
        uint256 index = _indexOf(registry, module);
        if (index == registry.count) revert ComplianceUnknownModule(address(module));
        // Shift the later modules down one place, so that the order of consultation stays the order of addition.
        uint256 conditions = registry.conditions;
        uint256 below = conditions & ((uint256(1) << (8 * index)) - 1);
        uint256 above = (conditions >> (8 * (index + 1))) << (8 * index);
        for (uint256 i = index; i + 1 < registry.count; ++i) {
            $.modules[i] = $.modules[i + 1];
        }
        delete $.modules[registry.count - 1];
        $.registry = Registry({count: registry.count - 1, conditions: uint248(below | above)});
        emit ComplianceModuleRemoved(address(module));
        IRights(_rights).syncComplianceConditions();
    }

    /// @inheritdoc ICompliance
    function setHolderCount(uint256 certificateId, Right right, uint256 holders) external {
        _requireTimelock();
        if (holders == 0 || holders > _MAX_HOLDERS) revert ComplianceInvalidHolderCount(holders);
        _writeExtraHolders(_store().certificates[certificateId], right, holders - 1);
        emit HolderCountSet(certificateId, right, holders);
    }

    /// @inheritdoc ICompliance
    function modules() external view returns (ModuleInForce[] memory list) {
        ComplianceStorage storage $ = _store();
        Registry memory registry = $.registry;
        list = new ModuleInForce[](registry.count);
        for (uint256 i = 0; i < registry.count; ++i) {
            list[i] = ModuleInForce({module: $.modules[i], conditions: _conditionsAt(registry, i)});
        }
    }

    /// @inheritdoc ICompliance
    function conditionsInForce() external view returns (uint8) {
        return _conditionsInForce(_store().registry);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Members and certificates
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc ICompliance
    function setJurisdiction(address member, bytes2 jurisdiction) external {
        _requireGovernance();
        if (jurisdiction != bytes2(0) && !_isAlpha2(jurisdiction)) revert ComplianceInvalidJurisdiction(jurisdiction);
        _store().jurisdictions[member] = jurisdiction;
        emit MemberJurisdictionSet(member, jurisdiction);
    }

    /// @inheritdoc ICompliance
    function grantQualification(address member, bytes32 qualification) external {
        _requireGovernance();
        if (qualification == bytes32(0)) revert ComplianceInvalidQualification(qualification);
        _store().qualifications[member][qualification] = true;
        emit QualificationGranted(member, qualification);
    }

    /// @inheritdoc ICompliance
    function revokeQualification(address member, bytes32 qualification) external {
        _requireGovernance();
        if (qualification == bytes32(0)) revert ComplianceInvalidQualification(qualification);
        _store().qualifications[member][qualification] = false;
        emit QualificationRevoked(member, qualification);
    }

    /// @inheritdoc ICompliance
    function setCertificateFlags(uint256 certificateId, bool crossBorderRestricted, bool containsPersonalInformation)
        external
    {
        _requireRegistrarOf(certificateId);
        CertificateRules storage rules = _store().certificates[certificateId];
        uint8 flags = (crossBorderRestricted ? ComplianceConditions.CROSS_BORDER_RESTRICTED : 0)
            | (containsPersonalInformation ? ComplianceConditions.PERSONAL_INFORMATION : 0);
        rules.flags = flags;
        emit CertificateFlagsSet(certificateId, msg.sender, crossBorderRestricted, containsPersonalInformation);
    }

    /// @inheritdoc ICompliance
    function setJurisdictionAllowed(uint256 certificateId, bytes2 jurisdiction, bool allowed) external {
        _requireRegistrarOf(certificateId);
        if (!_isAlpha2(jurisdiction)) revert ComplianceInvalidJurisdiction(jurisdiction);
        _store().allowedJurisdictions[certificateId][jurisdiction] = allowed;
        emit CertificateJurisdictionAllowed(certificateId, msg.sender, jurisdiction, allowed);
    }

    /// @inheritdoc ICompliance
    function jurisdictionOf(address member) external view returns (bytes2) {
        return _store().jurisdictions[member];
    }

    /// @inheritdoc ICompliance
    function hasQualification(address member, bytes32 qualification) external view returns (bool) {
        return _store().qualifications[member][qualification];
    }

    /// @inheritdoc ICompliance
    function jurisdictionCheck(uint256 certificateId, address member)
        external
        view
        returns (bytes2 jurisdiction, bool allowed)
    {
        ComplianceStorage storage $ = _store();
        jurisdiction = $.jurisdictions[member];
        allowed = jurisdiction != bytes2(0) && $.allowedJurisdictions[certificateId][jurisdiction];
    }

    /// @inheritdoc ICompliance
    function certificateFlags(uint256 certificateId)
        external
        view
        returns (bool crossBorderRestricted, bool containsPersonalInformation)
    {
        uint8 flags = _store().certificates[certificateId].flags;
        return (
            flags & ComplianceConditions.CROSS_BORDER_RESTRICTED != 0,
            flags & ComplianceConditions.PERSONAL_INFORMATION != 0
        );
    }

    /// @inheritdoc ICompliance
    function isJurisdictionAllowed(uint256 certificateId, bytes2 jurisdiction) external view returns (bool) {
        return _store().allowedJurisdictions[certificateId][jurisdiction];
    }

    /// @inheritdoc ICompliance
    function holderCount(uint256 certificateId, Right right) external view returns (uint256) {
        return _extraHolders(_store().certificates[certificateId], right) + 1;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Checks
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc ICompliance
    function checkTransfer(
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) external view {
        _checkTransfer(certificateId, right, from, to, shares, toBalanceBefore, fromBalanceAfter);
    }

    /// @inheritdoc ICompliance
    function checkLicence(uint256 certificateId, Right right, address grantor, address licensee) external view {
        _checkGrant(certificateId, right, grantor, licensee, false);
    }

    /// @inheritdoc ICompliance
    function checkPledge(uint256 certificateId, Right right, address pledgor, address pledgee) external view {
        _checkGrant(certificateId, right, pledgor, pledgee, true);
    }

    /// @inheritdoc ICompliance
    function transferred(
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) external {
        _requireReporter();
        CertificateRules memory rules =
            _checkTransfer(certificateId, right, from, to, shares, toBalanceBefore, fromBalanceAfter);
        _recordHolders(certificateId, right, rules, toBalanceBefore, fromBalanceAfter);
    }

    /// @inheritdoc ICompliance
    function enforced(
        uint256 certificateId,
        Right right,
        address,
        address,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) external {
        _requireReporter();
        CertificateRules memory rules = _store().certificates[certificateId];
        _recordHolders(certificateId, right, rules, toBalanceBefore, fromBalanceAfter);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Internals
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Consult, in order, every module whose conditions hold for the transfer; return the certificate's rules.
    /// The common case (no module's conditions hold) reads two words and builds nothing.
    function _checkTransfer(
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) private view returns (CertificateRules memory rules) {
        ComplianceStorage storage $ = _store();
        Registry memory registry = $.registry;
        rules = $.certificates[certificateId];
        if (registry.count == 0) return rules;
        uint8 happening = ComplianceConditions.ALWAYS | rules.flags;
        if (toBalanceBefore == 0 || fromBalanceAfter == 0) happening |= ComplianceConditions.HOLDER_CHANGE;
        uint256 due = _due(registry, happening);
        if (due == 0) return rules;
        Movement memory movement = Movement({
            certificateId: certificateId,
            right: right,
            from: from,
            to: to,
            shares: shares,
            toBalanceBefore: toBalanceBefore,
            fromBalanceAfter: fromBalanceAfter,
            holders: _extraHolders(rules, right) + 1,
            flags: rules.flags
        });
        for (uint256 i = 0; due != 0; ++i) {
            if (due & 1 != 0) $.modules[i].checkTransfer(movement);
            due >>= 1;
        }
    }

    /// @dev Bit `i` set when module `i`'s conditions meet `happening`.
    function _due(Registry memory registry, uint8 happening) private pure returns (uint256 due) {
        uint256 conditions = registry.conditions;
        for (uint256 i = 0; i < registry.count; ++i) {
            if (uint8(conditions >> (8 * i)) & happening != 0) due |= 1 << i;
        }
    }

    /// @dev Consult, in order, every module whose conditions hold for a licence or a pledge.
    function _checkGrant(uint256 certificateId, Right right, address owner, address grantee, bool pledge)
        private
        view
    {
        ComplianceStorage storage $ = _store();
        Registry memory registry = $.registry;
        if (registry.count == 0) return;
        uint8 flags = $.certificates[certificateId].flags;
        uint256 due = _due(registry, ComplianceConditions.ALWAYS | flags);
        if (due == 0) return;
        Grant memory grant =
            Grant({certificateId: certificateId, right: right, owner: owner, grantee: grantee, flags: flags});
        for (uint256 i = 0; due != 0; ++i) {
            if (due & 1 != 0) {
                if (pledge) $.modules[i].checkPledge(grant);
                else $.modules[i].checkLicence(grant);
            }
            due >>= 1;
        }
    }

    /// @dev The one write path of the holder counts: a new holder arrives when it held nothing before, one leaves
    /// when it keeps nothing. Counted only while a module declaring the holder-change condition is in force.
    function _recordHolders(
        uint256 certificateId,
        Right right,
        CertificateRules memory rules,
        uint256 toBalanceBefore,
        uint256 fromBalanceAfter
    ) private {
        bool arrives = toBalanceBefore == 0;
        bool leaves = fromBalanceAfter == 0;
        if (arrives == leaves) return;
        if (_conditionsInForce(_store().registry) & ComplianceConditions.HOLDER_CHANGE == 0) return;
        uint256 extra = _extraHolders(rules, right);
        _writeExtraHolders(_store().certificates[certificateId], right, arrives ? extra + 1 : extra - 1);
    }

    /// @dev The one write path of a holder count (stored as the holders beyond the first).
    function _writeExtraHolders(CertificateRules storage stored, Right right, uint256 extra) private {
        if (right == Right.Holding) stored.extraHolding = uint16(extra);
        else if (right == Right.Development) stored.extraDevelopment = uint16(extra);
        else stored.extraOperation = uint16(extra);
    }

    function _extraHolders(CertificateRules memory rules, Right right) private pure returns (uint256) {
        if (right == Right.Holding) return rules.extraHolding;
        if (right == Right.Development) return rules.extraDevelopment;
        return rules.extraOperation;
    }

    /// @dev The conditions of every module in force, together.
    function _conditionsInForce(Registry memory registry) private pure returns (uint8 conditions) {
        for (uint256 i = 0; i < registry.count; ++i) {
            conditions |= _conditionsAt(registry, i);
        }
    }

    function _conditionsAt(Registry memory registry, uint256 index) private pure returns (uint8) {
        return uint8(uint256(registry.conditions) >> (8 * index));
    }

    /// @dev The index of `module` among the modules in force, or `registry.count` when it is not in force.
    function _indexOf(Registry memory registry, IComplianceModule module) private view returns (uint256 index) {
        ComplianceStorage storage $ = _store();
        for (index = 0; index < registry.count; ++index) {
            if ($.modules[index] == module) return index;
        }
    }

    /// @dev The conditions `module` declares; refuses a module without code, bound to another compliance contract,
    /// or declaring no known condition.
    function _declaredConditions(IComplianceModule module) private view returns (uint8 conditions) {
        if (address(module).code.length == 0) revert ComplianceInvalidModule(address(module));
        try module.compliance() returns (ICompliance bound) {
            if (address(bound) != address(this)) revert ComplianceInvalidModule(address(module));
        } catch {
            revert ComplianceInvalidModule(address(module));
        }
        try module.conditions() returns (uint8 declared) {
            conditions = declared;
        } catch {
            revert ComplianceInvalidModule(address(module));
        }
        if (conditions == 0 || conditions & ~ComplianceConditions.ANY != 0) {
            revert ComplianceInvalidModule(address(module));
        }
    }

    function _isAlpha2(bytes2 code) private pure returns (bool) {
        bytes1 first = code[0];
        bytes1 second = code[1];
        return first >= "A" && first <= "Z" && second >= "A" && second <= "Z";
    }

    function _requireTimelock() private view {
        if (msg.sender != _consortium.timelock()) revert ComplianceUnauthorizedTimelock(msg.sender);
    }

    function _requireGovernance() private view {
        if (msg.sender != _consortium.admin()) revert ComplianceUnauthorizedGovernance(msg.sender);
    }

    function _requireReporter() private view {
        if (msg.sender != _rights && msg.sender != _pledges) revert ComplianceUnauthorizedCaller(msg.sender);
    }

    /// @dev An active REGISTRAR that is the certificate's registrar.
    function _requireRegistrarOf(uint256 certificateId) private view {
        _requireActive(msg.sender, Roles.REGISTRAR);
        if (_certificates.certificate(certificateId).registrar != msg.sender) {
            revert ComplianceUnauthorizedRegistrar(certificateId, msg.sender);
        }
    }

    function _store() private pure returns (ComplianceStorage storage $) {
        assembly {
            $.slot := _COMPLIANCE_STORAGE
        }
    }
}
