// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

import {IConsortium} from "../interfaces/IConsortium.sol";
import {ISuiteContract} from "../interfaces/ISuiteContract.sol";
import {MemberStatus} from "../types/MemberStatus.sol";
import {Membership, MembershipLibrary} from "../types/Membership.sol";

/// @title SuiteContract
/// @notice The base of every contract of the suite but the Consortium: UUPS upgrades by the Consortium's timelock,
/// the member-record copy and the caller check built on it.
/// @dev The Consortium's address is an immutable of the implementation (the proxy's address, which never changes), so
/// finding it costs no storage read; so are the addresses of sibling contracts, which implementations read from the
/// Consortium's directory when they are built.
abstract contract SuiteContract is ISuiteContract, Initializable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:dataassetledger.storage.SuiteContract
    struct SuiteContractStorage {
        /// @dev Status and roles in one word: a caller check is one cold storage read.
        mapping(address account => Membership) members;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.SuiteContract")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _SUITE_CONTRACT_STORAGE =
        0x310abc904f514d882b88b22a43cdfd323d2ee0ab86ed3ef1d6544649903bd000;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IConsortium internal immutable _consortium;

    /// @param consortium_ The Consortium's proxy.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) {
        _consortium = consortium_;
        _disableInitializers();
    }

    /// @inheritdoc ISuiteContract
    function replicateMember(address account, MemberStatus status, uint256 roles) external {
        if (msg.sender != address(_consortium)) revert SuiteUnauthorizedCaller(msg.sender);
        _suiteStorage().members[account] = MembershipLibrary.pack(status, roles);
    }

    /// @inheritdoc ISuiteContract
    function replicatedMember(address account) external view returns (MemberStatus status, uint256 roles) {
        Membership membership = _suiteStorage().members[account];
        return (membership.status(), membership.roles());
    }

    /// @inheritdoc ISuiteContract
    function consortium() external view returns (IConsortium) {
        return _consortium;
    }

    /// @dev Revert unless `account` is an active member holding at least one role of the mask `roles`, with the
    /// Consortium's errors, in the Consortium's order.
    function _requireActive(address account, uint256 roles) internal view {
        Membership membership = _suiteStorage().members[account];
        MemberStatus status = membership.status();
        if (status != MemberStatus.Active) {
            if (status == MemberStatus.None) revert IConsortium.ConsortiumNotMember(account);
            if (status == MemberStatus.Retired) revert IConsortium.ConsortiumMemberRetired(account);
            revert IConsortium.ConsortiumMemberSuspended(account);
        }
        if (membership.roles() & roles == 0) revert IConsortium.ConsortiumMissingRole(account, roles);
    }

    /// @dev Whether `account` is governance: the Consortium's admin (a multisig in production). The one place the
    /// suite's contracts ask it.
    function _isGovernance(address account) internal view returns (bool) {
        return account == _consortium.admin();
    }

    /// @dev The suite contract listed under `name` in the Consortium's directory (implementations call it when they
    /// are built, to fix their siblings' proxy addresses).
    function _suiteContract(IConsortium consortium_, bytes32 name) internal view returns (address account) {
        account = consortium_.contractOf(name);
        if (account == address(0)) revert SuiteUnknownContract(name);
    }

    /// @dev Only the Consortium's timelock: an upgrade is scheduled in public and waits the timelock's delay.
    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != _consortium.timelock()) revert SuiteUnauthorizedUpgrade(msg.sender);
    }

    function _suiteStorage() private pure returns (SuiteContractStorage storage $) {
        assembly {
            $.slot := _SUITE_CONTRACT_STORAGE
        }
    }
}
