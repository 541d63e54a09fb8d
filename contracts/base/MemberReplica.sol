// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConsortium} from "../interfaces/IConsortium.sol";
import {IMemberReplica} from "../interfaces/IMemberReplica.sol";
import {MemberStatus} from "../types/MemberStatus.sol";
import {Membership, MembershipLibrary} from "../types/Membership.sol";

/// @title MemberReplica
/// @notice The member-record copy every ledger contract keeps, and the caller check built on it.
abstract contract MemberReplica is IMemberReplica {
    IConsortium private immutable _consortium;

    /// @dev Status and roles in one word: a caller check is one cold storage read.
    mapping(address account => Membership) private _members;

    /// @param consortium_ The Consortium, the only writer of the member records.
    constructor(IConsortium consortium_) {
        _consortium = consortium_;
    }

    /// @inheritdoc IMemberReplica
    function replicateMember(address account, MemberStatus status, uint256 roles) external {
        if (msg.sender != address(_consortium)) revert MemberReplicaUnauthorizedCaller(msg.sender);
        _members[account] = MembershipLibrary.pack(status, roles);
    }

    /// @inheritdoc IMemberReplica
    function replicatedMember(address account) external view returns (MemberStatus status, uint256 roles) {
        Membership membership = _members[account];
        return (membership.status(), membership.roles());
    }

    /// @inheritdoc IMemberReplica
    function consortium() external view returns (IConsortium) {
        return _consortium;
    }

    /// @dev Revert unless `account` is an active member holding at least one role of the mask `roles`, with the
    /// Consortium's errors, in the Consortium's order.
    function _requireActive(address account, uint256 roles) internal view {
        Membership membership = _members[account];
        MemberStatus status = membership.status();
        if (status != MemberStatus.Active) {
            if (status == MemberStatus.None) revert IConsortium.ConsortiumNotMember(account);
            revert IConsortium.ConsortiumMemberSuspended(account);
        }
        if (membership.roles() & roles == 0) revert IConsortium.ConsortiumMissingRole(account, roles);
    }
}
