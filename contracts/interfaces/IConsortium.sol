// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MemberStatus} from "../types/MemberStatus.sol";
import {IMemberReplica} from "./IMemberReplica.sol";

/// @title IConsortium
/// @notice The members of the permissioned chain, their roles and their status, and the admin that governs them.
/// Every state-changing function of the other ledger contracts asks this contract, through {requireActive},
/// whether its caller is an active member holding a role that may act.
///
/// Roles are bits of a mask (see `types/Roles.sol`): REGISTRAR = 1, MERCHANT = 2, BANK = 4, AUDITOR = 8,
/// ORACLE = 16. Governance is the admin address ({admin}), which may be any account including a
/// multi-signature wallet contract. The admin hands governance over in two steps (`transferOwnership(newAdmin)`
/// by the admin, then `acceptOwnership()` by the new admin, from OpenZeppelin's Ownable2Step), so a mistyped
/// address cannot take governance away; renouncing it is refused.
///
/// A member's status and roles share one storage slot. The other ledger contracts (Certificates, Rights,
/// Pledges, Anchors) check their callers against their own copy of these two fields (see `IMemberReplica`),
/// which this contract writes in the same transaction whenever it writes a member, so a caller check costs one
/// cold storage read and no cross-contract call. The identity hash (for example the keccak-256 of the unified
/// social credit code) is stored here only and is unique; the display name lives only in the {MemberAdded} event.
interface IConsortium {
    /// @notice A member as the contract stores it.
    /// @param status None for a stranger, Active or Suspended.
    /// @param roles The bitmask of the member's roles.
    /// @param identityHash The member's unique identity hash.
    struct Member {
        MemberStatus status;
        uint256 roles;
        bytes32 identityHash;
    }

    /// @notice The admin admitted `account` as an active member.
    /// @param account The member's address.
    /// @param identityHash The member's unique identity hash.
    /// @param name The display name (kept only in this event).
    /// @param roles The member's initial role mask.
    event MemberAdded(address indexed account, bytes32 indexed identityHash, string name, uint256 roles);

    /// @notice The admin replaced the role mask of `account`.
    event MemberRolesChanged(address indexed account, uint256 previousRoles, uint256 roles);

    /// @notice The admin suspended `account`; it can do nothing until reinstated.
    /// @param reasonHash Hash of the documented reason.
    event MemberSuspended(address indexed account, bytes32 reasonHash);

    /// @notice The admin reinstated the suspended member `account`.
    event MemberReinstated(address indexed account);

    /// @notice `account` is not a member of the consortium.
    error ConsortiumNotMember(address account);

    /// @notice `account` is a suspended member.
    error ConsortiumMemberSuspended(address account);

    /// @notice `account` is an active member holding none of the roles in `roles`.
    error ConsortiumMissingRole(address account, uint256 roles);

    /// @notice `account` is already a member.
    error ConsortiumMemberExists(address account);

    /// @notice Another member, `account`, already has `identityHash`.
    error ConsortiumIdentityTaken(bytes32 identityHash, address account);

    /// @notice `roles` is empty or has bits that name no role.
    error ConsortiumInvalidRoles(uint256 roles);

    /// @notice The zero address cannot be a member.
    error ConsortiumInvalidAccount(address account);

    /// @notice The zero hash cannot be an identity hash.
    error ConsortiumInvalidIdentity(bytes32 identityHash);

    /// @notice `account` is not suspended, so it cannot be reinstated.
    error ConsortiumMemberNotSuspended(address account);

    /// @notice Renouncing governance is refused: hand it over with `transferOwnership` instead.
    error ConsortiumRenounceDisabled();

    /// @notice The current admin (governance) address.
    function admin() external view returns (address);

    /// @notice Admit `account` as an active member. Only the admin.
    /// @dev Reverts with {ConsortiumInvalidAccount}, {ConsortiumInvalidIdentity}, {ConsortiumInvalidRoles},
    /// {ConsortiumMemberExists} or {ConsortiumIdentityTaken}.
    function addMember(address account, bytes32 identityHash, string calldata name, uint256 roles) external;

    /// @notice Replace the role mask of member `account` (active or suspended). Only the admin.
    /// @dev Reverts with {ConsortiumNotMember} or {ConsortiumInvalidRoles}.
    function setRoles(address account, uint256 roles) external;

    /// @notice Suspend the active member `account`. Only the admin.
    /// @dev Reverts with {ConsortiumNotMember} or, if already suspended, {ConsortiumMemberSuspended}.
    function suspendMember(address account, bytes32 reasonHash) external;

    /// @notice Reinstate the suspended member `account`. Only the admin.
    /// @dev Reverts with {ConsortiumNotMember} or {ConsortiumMemberNotSuspended}.
    function reinstateMember(address account) external;

    /// @notice Revert unless `account` is an active member holding at least one role of the mask `roles`.
    /// @dev Reverts, in this order, with {ConsortiumNotMember}, {ConsortiumMemberSuspended} or
    /// {ConsortiumMissingRole}(account, roles). One cold storage read.
    function requireActive(address account, uint256 roles) external view;

    /// @notice Whether `account` is an active member holding at least one role of the mask `roles`.
    function isActive(address account, uint256 roles) external view returns (bool);

    /// @notice The stored record of `account` (status None and zeros for a stranger).
    function member(address account) external view returns (Member memory);

    /// @notice The member address that holds `identityHash`, or the zero address.
    function accountOf(bytes32 identityHash) external view returns (address);

    /// @notice The contracts that keep a copy of the member records (Certificates, Rights, Pledges, Anchors), fixed
    /// at deployment.
    function replicas() external view returns (IMemberReplica[] memory);
}
