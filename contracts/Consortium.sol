// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {IConsortium} from "./interfaces/IConsortium.sol";
import {IMemberReplica} from "./interfaces/IMemberReplica.sol";
import {MemberStatus} from "./types/MemberStatus.sol";
import {Membership, MembershipLibrary} from "./types/Membership.sol";
import {Roles} from "./types/Roles.sol";

/// @title Consortium
/// @notice The members of the permissioned chain and their roles, governed by one admin address (a multi-signature
/// wallet in production) that is handed over in two steps. Every member write is copied, in the same transaction,
/// to the four other ledger contracts, which check their callers against that copy.
contract Consortium is IConsortium, Ownable2Step {
    IMemberReplica private immutable _certificates;
    IMemberReplica private immutable _rights;
    IMemberReplica private immutable _pledges;
    IMemberReplica private immutable _anchors;

    /// @dev Status and roles in one word: an authorisation check is one cold storage read.
    mapping(address account => Membership) private _members;
    mapping(address account => bytes32 identityHash) private _identities;
    mapping(bytes32 identityHash => address account) private _accounts;

    /// @param initialAdmin The governance address (an EOA for a local chain, a multisig in production).
    /// @param certificates_ The Certificates contract (its address is known before it is deployed).
    /// @param rights_ The Rights contract.
    /// @param pledges_ The Pledges contract.
    /// @param anchors_ The Anchors contract.
    constructor(
        address initialAdmin,
        IMemberReplica certificates_,
        IMemberReplica rights_,
        IMemberReplica pledges_,
        IMemberReplica anchors_
    ) Ownable(initialAdmin) {
        _certificates = certificates_;
        _rights = rights_;
        _pledges = pledges_;
        _anchors = anchors_;
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
        if (_members[account].status() != MemberStatus.None) revert ConsortiumMemberExists(account);
        address holder = _accounts[identityHash];
        if (holder != address(0)) revert ConsortiumIdentityTaken(identityHash, holder);

        _identities[account] = identityHash;
        _accounts[identityHash] = account;
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

    /// @notice Refused: governance is handed over with `transferOwnership` and `acceptOwnership`, never dropped.
    function renounceOwnership() public view override onlyOwner {
        revert ConsortiumRenounceDisabled();
    }

    /// @inheritdoc IConsortium
    function requireActive(address account, uint256 roles) external view {
        Membership membership = _members[account];
        MemberStatus status = membership.status();
        if (status != MemberStatus.Active) {
            if (status == MemberStatus.None) revert ConsortiumNotMember(account);
            revert ConsortiumMemberSuspended(account);
        }
        if (membership.roles() & roles == 0) revert ConsortiumMissingRole(account, roles);
    }

    /// @inheritdoc IConsortium
    function isActive(address account, uint256 roles) external view returns (bool) {
        Membership membership = _members[account];
        return membership.status() == MemberStatus.Active && membership.roles() & roles != 0;
    }

    /// @inheritdoc IConsortium
    function member(address account) external view returns (Member memory) {
        Membership membership = _members[account];
        return Member({status: membership.status(), roles: membership.roles(), identityHash: _identities[account]});
    }

    /// @inheritdoc IConsortium
    function accountOf(bytes32 identityHash) external view returns (address) {
        return _accounts[identityHash];
    }

    /// @inheritdoc IConsortium
    function replicas() external view returns (IMemberReplica[] memory list) {
        list = new IMemberReplica[](4);
        list[0] = _certificates;
        list[1] = _rights;
        list[2] = _pledges;
        list[3] = _anchors;
    }

    /// @dev The one write path of a member's status and roles; the caller emits the event, then replicates.
    function _update(address account, MemberStatus status, uint256 roles) private {
        _members[account] = MembershipLibrary.pack(status, roles);
    }

    /// @dev Copy the record just written to every ledger contract (trusted contracts fixed at deployment).
    function _replicate(address account, MemberStatus status, uint256 roles) private {
        _certificates.replicateMember(account, status, roles);
        _rights.replicateMember(account, status, roles);
        _pledges.replicateMember(account, status, roles);
        _anchors.replicateMember(account, status, roles);
    }

    function _existing(address account) private view returns (Membership membership) {
        membership = _members[account];
        if (membership.status() == MemberStatus.None) revert ConsortiumNotMember(account);
    }

    function _checkRoles(uint256 roles) private pure {
        if (roles == 0 || roles & ~Roles.ANY != 0) revert ConsortiumInvalidRoles(roles);
    }
}
