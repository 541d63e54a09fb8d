// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MemberStatus} from "../types/MemberStatus.sol";
import {IConsortium} from "./IConsortium.sol";

/// @title ISuiteContract
/// @notice What every contract of the suite other than the Consortium is: a contract behind an ERC-1967 proxy that
/// only governance upgrades, and that checks its callers against its own copy of the consortium's member records.
///
/// Upgrades. Each contract is a UUPS implementation (OpenZeppelin Contracts Upgradeable) behind its own proxy, whose
/// address never changes. `upgradeToAndCall` is accepted only from the Consortium's {IConsortium-timelock}, an
/// OpenZeppelin TimelockController whose proposer and executor is governance (the multisig admin): an upgrade is
/// scheduled in public, waits the timelock's delay, then runs; the proxy emits ERC-1967's `Upgraded(implementation)`.
/// State lives in ERC-7201 namespaced storage, so a new implementation keeps it.
///
/// Member copies. Asking the Consortium on every call would cost a cross-contract call through its proxy; instead
/// each contract keeps a copy of every member's status and roles, which only the Consortium writes: in the same
/// transaction as its own record, or, for a contract that joins a live suite, by {IConsortium-seedReplica} from the
/// Consortium's enumerable member list. A refused caller gets the Consortium's own errors:
/// `ConsortiumNotMember(account)`, `ConsortiumMemberRetired(account)`, `ConsortiumMemberSuspended(account)` or
/// `ConsortiumMissingRole(account, roles)`.
interface ISuiteContract {
    /// @notice Only the Consortium writes member records.
    error SuiteUnauthorizedCaller(address caller);

    /// @notice Only the Consortium's timelock upgrades a contract of the suite.
    error SuiteUnauthorizedUpgrade(address caller);

    /// @notice The Consortium's directory lists no contract under `name`.
    error SuiteUnknownContract(bytes32 name);

    /// @notice Store the member record of `account` as the Consortium now holds it. Only the Consortium.
    function replicateMember(address account, MemberStatus status, uint256 roles) external;

    /// @notice The member record of `account` as this contract holds it.
    function replicatedMember(address account) external view returns (MemberStatus status, uint256 roles);

    /// @notice The Consortium (its proxy): the authority whose records this contract copies, and whose timelock
    /// upgrades it.
    function consortium() external view returns (IConsortium);
}
