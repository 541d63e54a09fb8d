// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MemberStatus} from "../types/MemberStatus.sol";
import {ISuiteContract} from "./ISuiteContract.sol";

/// @title IConsortium
/// @notice The authority of the suite: the members of the permissioned chain, their roles and their status; the admin
/// that governs them; the timelock through which governance upgrades the suite; and the directory that names the
/// suite's contracts, which a new contract joins through that timelock without redeploying the others.
///
/// Roles are bits of a mask (see `types/Roles.sol`): REGISTRAR = 1, MERCHANT = 2, BANK = 4, AUDITOR = 8,
/// ORACLE = 16. Governance is the admin address ({admin}), which may be any account including a
/// multi-signature wallet contract. The admin hands governance over in two steps (`transferOwnership(newAdmin)`
/// by the admin, then `acceptOwnership()` by the new admin, from OpenZeppelin's Ownable2Step), so a mistyped
/// address cannot take governance away; renouncing it is refused.
///
/// Members are enumerable ({memberCount}, {memberAt}). A member's status and roles share one storage slot. The
/// contracts listed in the directory as replicas check their callers against their own copy of these two fields
/// (see `ISuiteContract`), which this contract writes in the same transaction whenever it writes a member, so a
/// caller check costs one cold storage read and no cross-contract call. A replica that joins a live suite is filled
/// from the member list by {seedReplica}, which anyone may call. The identity hash (for example the keccak-256 of
/// the unified social credit code) is stored here only and is unique; the display name lives only in the
/// {MemberAdded} event.
///
/// Governance has two hands. The admin ({admin}, a multisig in production) admits, suspends and reinstates members
/// at once. The timelock ({timelock}, an OpenZeppelin TimelockController whose proposer and executor is the admin)
/// alone upgrades any contract of the suite, this one included, and changes the directory: those calls wait the
/// timelock's public delay.
///
/// Key recovery. A member that lost its key is moved to a new address by due process (see `IDueProcess`: a registrar
/// proposes, governance executes after a delay), which alone calls {recoverMember}: the new address takes the
/// identity, the roles and the standing (Active or Suspended) of the lost one, and the lost address is Retired for
/// good. A retired address keeps its identity hash and roles in {member} as history, can do nothing
/// ({ConsortiumMemberRetired}), and is never admitted, suspended, reinstated or given roles again.
///
/// This contract sits behind an ERC-1967 proxy (UUPS) with ERC-7201 namespaced storage.
interface IConsortium {
    /// @notice A member as the contract stores it.
    /// @param status None for a stranger, Active, Suspended or Retired.
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

    /// @notice Due process recovered the member at `from` to `to`: `to` now holds `identityHash`, the role mask
    /// `roles` and the status `from` had; `from` is Retired.
    event MemberRecovered(address indexed from, address indexed to, bytes32 indexed identityHash, uint256 roles);

    /// @notice `account` was replaced by key recovery; it can do nothing, for good.
    error ConsortiumMemberRetired(address account);

    /// @notice Only the due-process contract of the directory recovers members.
    error ConsortiumUnauthorizedCaller(address caller);

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

    /// @notice Only the timelock upgrades the suite and changes the directory; `caller` is not it.
    error ConsortiumUnauthorizedTimelock(address caller);

    /// @notice The timelock cannot be the zero address.
    error ConsortiumInvalidTimelock(address timelock);

    /// @notice A directory entry needs a non-empty name and a contract address with code, and a replica is listed
    /// once.
    error ConsortiumInvalidContract(bytes32 name, address account);

    /// @notice The directory already lists `account` under `name`.
    error ConsortiumContractExists(bytes32 name, address account);

    /// @notice The directory lists no contract under `name`.
    error ConsortiumUnknownContract(bytes32 name);

    /// @notice `account` is not a replica listed in the directory.
    error ConsortiumNotReplica(address account);

    /// @notice The directory's initial lists differ in length.
    error ConsortiumInvalidDirectory(uint256 names, uint256 accounts, uint256 replicaFlags);

    /// @notice The directory now lists `account` under `name`; `replica` says whether it keeps member copies.
    event ContractRegistered(bytes32 indexed name, address indexed account, bool replica);

    /// @notice The directory no longer lists `account` under `name`; `replica` says whether it was getting member
    /// copies (it gets no more).
    event ContractRemoved(bytes32 indexed name, address indexed account, bool replica);

    /// @notice The member records `start` to `start + count - 1` (in {memberAt} order) were copied to `replica`.
    event ReplicaSeeded(address indexed replica, uint256 start, uint256 count);

    /// @notice The timelock that upgrades the suite and changes the directory is now `timelock`.
    event TimelockChanged(address indexed previousTimelock, address indexed timelock);

    /// @notice The current admin (governance) address.
    function admin() external view returns (address);

    /// @notice Admit `account` as an active member. Only the admin.
    /// @dev Reverts with {ConsortiumInvalidAccount}, {ConsortiumInvalidIdentity}, {ConsortiumInvalidRoles},
    /// {ConsortiumMemberExists} or {ConsortiumIdentityTaken}.
    function addMember(address account, bytes32 identityHash, string calldata name, uint256 roles) external;

    /// @notice Replace the role mask of member `account` (active or suspended). Only the admin.
    /// @dev Reverts with {ConsortiumNotMember}, {ConsortiumMemberRetired} or {ConsortiumInvalidRoles}.
    function setRoles(address account, uint256 roles) external;

    /// @notice Suspend the active member `account`. Only the admin.
    /// @dev Reverts with {ConsortiumNotMember}, {ConsortiumMemberRetired} or, if already suspended,
    /// {ConsortiumMemberSuspended}.
    function suspendMember(address account, bytes32 reasonHash) external;

    /// @notice Reinstate the suspended member `account`. Only the admin.
    /// @dev Reverts with {ConsortiumNotMember}, {ConsortiumMemberRetired} or {ConsortiumMemberNotSuspended}.
    function reinstateMember(address account) external;

    /// @notice Move the member at `from` (Active or Suspended) to `to`, an address that was never a member: `to`
    /// takes its identity, roles and status, and `from` is Retired. Only the contract the directory lists as
    /// "DueProcess", when governance executes a recovery.
    /// @dev Reverts with {ConsortiumUnauthorizedCaller}, {ConsortiumNotMember}, {ConsortiumMemberRetired} or
    /// {ConsortiumMemberExists}.
    function recoverMember(address from, address to) external;

    /// @notice Revert unless `account` is an active member holding at least one role of the mask `roles`.
    /// @dev Reverts, in this order, with {ConsortiumNotMember}, {ConsortiumMemberRetired},
    /// {ConsortiumMemberSuspended} or {ConsortiumMissingRole}(account, roles). One cold storage read.
    function requireActive(address account, uint256 roles) external view;

    /// @notice Whether `account` is an active member holding at least one role of the mask `roles`.
    function isActive(address account, uint256 roles) external view returns (bool);

    /// @notice The stored record of `account` (status None and zeros for a stranger).
    function member(address account) external view returns (Member memory);

    /// @notice The member address that holds `identityHash`, or the zero address.
    function accountOf(bytes32 identityHash) external view returns (address);

    /// @notice How many accounts have ever been admitted (suspended and retired members, and addresses recovered to,
    /// included).
    function memberCount() external view returns (uint256);

    /// @notice The `index`-th admitted account, in admission order.
    function memberAt(uint256 index) external view returns (address);

    /// @notice The timelock that alone upgrades the suite and changes the directory.
    function timelock() external view returns (address);

    /// @notice Replace the timelock. Only the timelock itself (so the change waits its own delay).
    /// @dev Reverts with {ConsortiumUnauthorizedTimelock} or {ConsortiumInvalidTimelock}.
    function setTimelock(address newTimelock) external;

    /// @notice List `account` in the directory under `name`; a `replica` gets every member write from now on and is
    /// filled with the existing members by {seedReplica}. Only the timelock.
    /// @dev Reverts with {ConsortiumUnauthorizedTimelock}, {ConsortiumInvalidContract} or {ConsortiumContractExists}.
    function registerContract(bytes32 name, address account, bool replica) external;

    /// @notice Remove the contract listed under `name` from the directory (a replica stops getting member writes).
    /// Only the timelock.
    /// @dev Reverts with {ConsortiumUnauthorizedTimelock} or {ConsortiumUnknownContract}.
    function removeContract(bytes32 name) external;

    /// @notice Copy the member records `start` to `start + count - 1` (in {memberAt} order, clamped to the list) into
    /// the directory's replica `replica`. Anyone may call it: it copies only what this contract holds.
    /// @dev Reverts with {ConsortiumNotReplica}.
    function seedReplica(ISuiteContract replica, uint256 start, uint256 count) external;

    /// @notice The contract listed under `name`, or the zero address.
    function contractOf(bytes32 name) external view returns (address);

    /// @notice The names in the directory, in the order they were registered.
    function contractNames() external view returns (bytes32[] memory);

    /// @notice The directory's contracts that keep a copy of the member records, in the order they were registered.
    function replicas() external view returns (ISuiteContract[] memory);
}
