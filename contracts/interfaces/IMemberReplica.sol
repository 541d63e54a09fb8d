// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MemberStatus} from "../types/MemberStatus.sol";
import {IConsortium} from "./IConsortium.sol";

/// @title IMemberReplica
/// @notice A ledger contract's own copy of the consortium's member records (status and roles), written only by
/// the Consortium, in the same transaction as the Consortium's own record, so the copy is never stale.
///
/// Why a copy: every state-changing call checks its caller. Asking the Consortium contract costs a cold account
/// access (2,600 gas) on top of the record's cold storage read (2,100 gas), and the gas targets leave no room for
/// it (an anchor must cost at most 50,000 gas in all, and storing its root alone costs 22,100 plus 21,000 for the
/// transaction). Reading the local copy costs the storage read only. The Consortium stays the only authority: it
/// holds the identity hashes and names, and it writes every copy whenever it writes a member.
///
/// A refused caller gets the Consortium's own errors: `ConsortiumNotMember(account)`,
/// `ConsortiumMemberSuspended(account)` or `ConsortiumMissingRole(account, roles)`.
interface IMemberReplica {
    /// @notice Only the Consortium writes member records.
    error MemberReplicaUnauthorizedCaller(address caller);

    /// @notice Store the member record of `account` as the Consortium now holds it. Only the Consortium.
    function replicateMember(address account, MemberStatus status, uint256 roles) external;

    /// @notice The member record of `account` as this contract holds it.
    function replicatedMember(address account) external view returns (MemberStatus status, uint256 roles);

    /// @notice The Consortium whose records this contract copies.
    function consortium() external view returns (IConsortium);
}
