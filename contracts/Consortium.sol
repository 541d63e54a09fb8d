// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IConsortium} from "./interfaces/IConsortium.sol";
import {ISuiteContract} from "./interfaces/ISuiteContract.sol";
import {MemberStatus} from "./types/MemberStatus.sol";
import {Membership, MembershipLibrary} from "./types/Membership.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title Consortium
/// @notice The authority of the suite: the members and their roles, governed by one admin address (a multisig in
/// production, handed over in two steps); the timelock that alone upgrades the suite; and the directory of the
/// suite's contracts. Every member write is copied, in the same transaction, to the directory's replicas, which
/// check their callers against that copy.
contract Consortium is IConsortium, Ownable2StepUpgradeable, UUPSUpgradeable {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @custom:storage-location erc7201:dataassetledger.storage.Consortium
    struct ConsortiumStorage {
        /// @dev Status and roles in one word: an authorisation check is one cold storage read.
        mapping(address account => Membership) members;
        mapping(address account => bytes32 identityHash) identities;
        mapping(bytes32 identityHash => address account) accounts;
        /// @dev Every admitted account, in admission order: the list a new replica is seeded from.
        EnumerableSet.AddressSet memberList;
        address timelock;
        mapping(bytes32 name => address account) contracts;
        bytes32[] contractNames;
        EnumerableSet.AddressSet replicas;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Consortium")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _CONSORTIUM_STORAGE = 0x0df566808d651c1db0e79de24d7e9da3f9b3513843320e3fc1cd3aeba32c8200;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Set governance and the first directory (the suite's proxies, listed before their implementations
    /// exist, so that each implementation can read its siblings' addresses when it is built).
    /// @param initialAdmin The governance address (an EOA for a local chain, a multisig in production).
    /// @param initialTimelock The timelock that alone upgrades the suite and changes the directory.
    /// @param names The directory's names.
    /// @param accounts The contract under each name.
    /// @param replicaFlags Whether each contract keeps a copy of the member records.
    function initialize(
        address initialAdmin,
        address initialTimelock,
        bytes32[] calldata names,
        address[] calldata accounts,
        bool[] calldata replicaFlags
    ) external initializer {
        __Ownable_init(initialAdmin);
        if (initialTimelock == address(0)) revert ConsortiumInvalidTimelock(initialTimelock);
        if (names.length != accounts.length || names.length != replicaFlags.length) {
            revert ConsortiumInvalidDirectory(names.length, accounts.length, replicaFlags.length);
        }
        _store().timelock = initialTimelock;
        emit TimelockChanged(address(0), initialTimelock);
        for (uint256 i = 0; i < names.length; ++i) {
            _register(names[i], accounts[i], replicaFlags[i]);
        }
    }

    modifier onlyTimelock() {
        if (msg.sender != _store().timelock) revert ConsortiumUnauthorizedTimelock(msg.sender);
        _;
    }

    /// @inheritdoc IConsortium
    function admin() external view returns (address) {
        return owner();
    }

    /// @inheritdoc IConsortium
    function addMember(address account, bytes32 identityHash, string calldata name, uint256 roles)
        external
        onlyOwner
    {
        if (account == address(0)) revert ConsortiumInvalidAccount(account);
        if (identityHash == bytes32(0)) revert ConsortiumInvalidIdentity(identityHash);
        _checkRoles(roles);
        ConsortiumStorage storage $ = _store();
        // Members are never removed, so the list already holds every account that ever was one.
        if (!$.memberList.add(account)) revert ConsortiumMemberExists(account);
        address holder = $.accounts[identityHash];
        if (holder != address(0)) revert ConsortiumIdentityTaken(identityHash, holder);

        $.identities[account] = identityHash;
        $.accounts[identityHash] = account;
        _update(account, MemberStatus.Active, roles);
        emit MemberAdded(account, identityHash, name, roles);
        _replicate(account, MemberStatus.Active, roles);
    }

    /// @inheritdoc IConsortium
    function setRoles(address account, uint256 roles) external onlyOwner {
        _checkRoles(roles);
        Membership membership = _existing(account);
        _update(account, membership.status(), roles);
        emit MemberRolesChanged(account, membership.roles(), roles);
        _replicate(account, membership.status(), roles);
    }

    /// @inheritdoc IConsortium
    function suspendMember(address account, bytes32 reasonHash) external onlyOwner {
        Membership membership = _existing(account);
        if (membership.status() == MemberStatus.Suspended) revert ConsortiumMemberSuspended(account);
        _update(account, MemberStatus.Suspended, membership.roles());
        emit MemberSuspended(account, reasonHash);
        _replicate(account, MemberStatus.Suspended, membership.roles());
    }

    /// @inheritdoc IConsortium
    function reinstateMember(address account) external onlyOwner {
        Membership membership = _existing(account);
        if (membership.status() != MemberStatus.Suspended) revert ConsortiumMemberNotSuspended(account);
        _update(account, MemberStatus.Active, membership.roles());
        emit MemberReinstated(account);
        _replicate(account, MemberStatus.Active, membership.roles());
    }

    /// @inheritdoc IConsortium
    function recoverMember(address from, address to) external {
        ConsortiumStorage storage $ = _store();
        if (msg.sender != $.contracts[SuiteNames.DUE_PROCESS]) revert ConsortiumUnauthorizedCaller(msg.sender);
        Membership membership = _existing(from);
        if (!$.memberList.add(to)) revert ConsortiumMemberExists(to);
        bytes32 identityHash = $.identities[from];
        // The lost address keeps its identity hash as history; the identity answers to the new address.
        $.identities[to] = identityHash;
        $.accounts[identityHash] = to;
        MemberStatus status = membership.status();
        uint256 roles = membership.roles();
        _update(to, status, roles);
        _update(from, MemberStatus.Retired, roles);
        emit MemberRecovered(from, to, identityHash, roles);
        // Both records are written before any replica is called; each replica copies both.
        EnumerableSet.AddressSet storage replicaSet = $.replicas;
        uint256 length = replicaSet.length();
        for (uint256 i = 0; i < length; ++i) {
            ISuiteContract replica = ISuiteContract(replicaSet.at(i));
            replica.replicateMember(to, status, roles);
            replica.replicateMember(from, MemberStatus.Retired, roles);
        }
    }

    /// @notice Refused: governance is handed over with `transferOwnership` and `acceptOwnership`, never dropped.
    function renounceOwnership() public view override onlyOwner {
        revert ConsortiumRenounceDisabled();
    }

    /// @inheritdoc IConsortium
    function requireActive(address account, uint256 roles) external view {
        Membership membership = _store().members[account];
        MemberStatus status = membership.status();
        if (status != MemberStatus.Active) {
            if (status == MemberStatus.None) revert ConsortiumNotMember(account);
            if (status == MemberStatus.Retired) revert ConsortiumMemberRetired(account);
            revert ConsortiumMemberSuspended(account);
        }
        if (membership.roles() & roles == 0) revert ConsortiumMissingRole(account, roles);
    }

    /// @inheritdoc IConsortium
    function isActive(address account, uint256 roles) external view returns (bool) {
        Membership membership = _store().members[account];
        return membership.status() == MemberStatus.Active && membership.roles() & roles != 0;
    }

    /// @inheritdoc IConsortium
    function member(address account) external view returns (Member memory) {
        ConsortiumStorage storage $ = _store();
        Membership membership = $.members[account];
        return Member({status: membership.status(), roles: membership.roles(), identityHash: $.identities[account]});
    }

    /// @inheritdoc IConsortium
    function accountOf(bytes32 identityHash) external view returns (address) {
        return _store().accounts[identityHash];
    }

    /// @inheritdoc IConsortium
    function memberCount() external view returns (uint256) {
        return _store().memberList.length();
    }

    /// @inheritdoc IConsortium
    function memberAt(uint256 index) external view returns (address) {
        return _store().memberList.at(index);
    }

    /// @inheritdoc IConsortium
    function timelock() external view returns (address) {
        return _store().timelock;
    }

    /// @inheritdoc IConsortium
    function setTimelock(address newTimelock) external onlyTimelock {
        if (newTimelock == address(0)) revert ConsortiumInvalidTimelock(newTimelock);
        ConsortiumStorage storage $ = _store();
        emit TimelockChanged($.timelock, newTimelock);
        $.timelock = newTimelock;
    }

    /// @inheritdoc IConsortium
    function registerContract(bytes32 name, address account, bool replica) external onlyTimelock {
        _register(name, account, replica);
    }

    /// @inheritdoc IConsortium
    function removeContract(bytes32 name) external onlyTimelock {
        ConsortiumStorage storage $ = _store();
        address account = $.contracts[name];
        if (account == address(0)) revert ConsortiumUnknownContract(name);
        delete $.contracts[name];
        bytes32[] storage names = $.contractNames;
        for (uint256 i = 0; i < names.length; ++i) {
            if (names[i] == name) {
                names[i] = names[names.length - 1];
                names.pop();
                break;
            }
        }
        bool wasReplica = $.replicas.remove(account);
        emit ContractRemoved(name, account, wasReplica);
    }

    /// @inheritdoc IConsortium
    function seedReplica(ISuiteContract replica, uint256 start, uint256 count) external {
        ConsortiumStorage storage $ = _store();
        if (!$.replicas.contains(address(replica))) revert ConsortiumNotReplica(address(replica));
        uint256 total = $.memberList.length();
        uint256 end = start + count < total ? start + count : total;
        for (uint256 i = start; i < end; ++i) {
            address account = $.memberList.at(i);
            Membership membership = $.members[account];
            replica.replicateMember(account, membership.status(), membership.roles());
        }
        emit ReplicaSeeded(address(replica), start, end > start ? end - start : 0);
    }

    /// @inheritdoc IConsortium
    function contractOf(bytes32 name) external view returns (address) {
        return _store().contracts[name];
    }

    /// @inheritdoc IConsortium
    function contractNames() external view returns (bytes32[] memory) {
        return _store().contractNames;
    }

    /// @inheritdoc IConsortium
    function replicas() external view returns (ISuiteContract[] memory list) {
        EnumerableSet.AddressSet storage set = _store().replicas;
        list = new ISuiteContract[](set.length());
        for (uint256 i = 0; i < list.length; ++i) {
            list[i] = ISuiteContract(set.at(i));
        }
    }

    /// @dev Only the timelock upgrades the Consortium, as every other contract of the suite.
    function _authorizeUpgrade(address) internal view override onlyTimelock {}

    /// @dev The one write path of a directory entry, followed by its event.
    function _register(bytes32 name, address account, bool replica) private {
        if (name == bytes32(0) || account.code.length == 0) revert ConsortiumInvalidContract(name, account);
        ConsortiumStorage storage $ = _store();
        address current = $.contracts[name];
        if (current != address(0)) revert ConsortiumContractExists(name, current);
        // A replica gets each member write once: it cannot be listed twice.
        if (replica && !$.replicas.add(account)) revert ConsortiumInvalidContract(name, account);
        $.contracts[name] = account;
        $.contractNames.push(name);
        emit ContractRegistered(name, account, replica);
    }

    /// @dev The one write path of a member's status and roles; the caller emits the event, then replicates.
    function _update(address account, MemberStatus status, uint256 roles) private {
        _store().members[account] = MembershipLibrary.pack(status, roles);
    }

    /// @dev Copy the record just written to every replica in the directory (contracts that governance admitted).
    function _replicate(address account, MemberStatus status, uint256 roles) private {
        EnumerableSet.AddressSet storage set = _store().replicas;
        uint256 length = set.length();
        for (uint256 i = 0; i < length; ++i) {
            ISuiteContract(set.at(i)).replicateMember(account, status, roles);
        }
    }

    /// @dev A member that is not retired (admission, suspension, reinstatement, roles and recovery act only on those).
    function _existing(address account) private view returns (Membership membership) {
        membership = _store().members[account];
        MemberStatus status = membership.status();
        if (status == MemberStatus.None) revert ConsortiumNotMember(account);
        if (status == MemberStatus.Retired) revert ConsortiumMemberRetired(account);
    }

    function _checkRoles(uint256 roles) private pure {
        if (roles == 0 || roles & ~Roles.ANY != 0) revert ConsortiumInvalidRoles(roles);
    }

    function _store() private pure returns (ConsortiumStorage storage $) {
        assembly {
            $.slot := _CONSORTIUM_STORAGE
        }
    }
}
