// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {SuiteContract} from "./base/SuiteContract.sol";
import {ICompliance} from "./interfaces/ICompliance.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IDueProcess} from "./interfaces/IDueProcess.sol";
import {IPledges} from "./interfaces/IPledges.sol";
import {IRights} from "./interfaces/IRights.sol";
import {ProposalKind} from "./types/ProposalKind.sol";
import {ProposalStatus} from "./types/ProposalStatus.sol";
import {Right} from "./types/Right.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title DueProcess
/// @notice Forced transfers by court order and key recoveries: proposed by a registrar, executed by governance after
/// a delay.
contract DueProcess is IDueProcess, SuiteContract {
    /// @notice The longest delay governance may set: 90 days.
    uint64 public constant MAX_DELAY = 90 days;

    /// @notice The delay a new suite starts with: two days, as the governance timelock's.
    uint64 public constant INITIAL_DELAY = 2 days;

    uint256 private constant _TOTAL_SHARES = 10_000;

    /// @dev Slot A: who proposed, when it may run, what it is and where it stands; slot B: the giving (or lost)
    /// address and the certificate; slot C: the receiving (or new) address; slot D: the document's hash.
    struct ProposalRecord {
        address proposer;
        uint40 executableAt;
        ProposalKind kind;
        ProposalStatus status;
        Right right;
        uint16 shares;
        address from;
        uint40 certificateId;
        address to;
        bytes32 documentHash;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.DueProcess
    struct DueProcessStorage {
        uint256 proposalCount;
        uint64 delay;
        mapping(uint256 proposalId => ProposalRecord) proposals;
        mapping(uint256 proposalId => RecoveryScope) scopes;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.DueProcess")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _DUE_PROCESS_STORAGE = 0xd4d5cd08663ef96559a9ee7841911c28fa24578c3923e4a1aad064713119f200;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRights private immutable _rights;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IPledges private immutable _pledges;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICompliance private immutable _compliance;

    /// @param consortium_ The Consortium's proxy, whose directory names the Rights, Pledges and Compliance contracts
    /// that carry out an executed proposal.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {
        _rights = IRights(_suiteContract(consortium_, SuiteNames.RIGHTS));
        _pledges = IPledges(_suiteContract(consortium_, SuiteNames.PLEDGES));
        _compliance = ICompliance(_suiteContract(consortium_, SuiteNames.COMPLIANCE));
    }

    /// @notice Set up the proxy's state: the initial delay.
    function initialize() external initializer {
        _setDelay(INITIAL_DELAY);
    }

    /// @notice The Rights contract that moves shares, positions and licences.
    function rights() external view returns (IRights) {
        return _rights;
    }

    /// @notice The Pledges contract that re-points pledges.
    function pledges() external view returns (IPledges) {
        return _pledges;
    }

    /// @notice The Compliance contract that moves a member's jurisdiction and qualifications.
    function compliance() external view returns (ICompliance) {
        return _compliance;
    }

    /// @inheritdoc IDueProcess
    function proposeForcedTransfer(
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        bytes32 documentHash
    ) external returns (uint256 proposalId) {
        _checkProposal(from, to, documentHash);
        if (shares == 0 || shares > _TOTAL_SHARES) revert DueProcessInvalidShares(shares);
        uint64 executableAt;
        (proposalId, executableAt) = _propose(ProposalKind.ForcedTransfer, from, to, documentHash);
        ProposalRecord storage record = _store().proposals[proposalId];
        record.certificateId = SafeCast.toUint40(certificateId);
        record.right = right;
        record.shares = uint16(shares);
        emit ForcedTransferProposed(
            proposalId, certificateId, msg.sender, right, from, to, shares, documentHash, executableAt
        );
    }

    /// @inheritdoc IDueProcess
    function proposeRecovery(
        address lostAccount,
        address newAccount,
        bytes32 documentHash,
        RecoveryScope calldata scope
    ) external returns (uint256 proposalId) {
        _checkProposal(lostAccount, newAccount, documentHash);
        uint64 executableAt;
        (proposalId, executableAt) = _propose(ProposalKind.Recovery, lostAccount, newAccount, documentHash);
        _store().scopes[proposalId] = scope;
        emit RecoveryProposed(proposalId, lostAccount, newAccount, msg.sender, documentHash, executableAt, scope);
    }

    /// @inheritdoc IDueProcess
    function execute(uint256 proposalId) external {
        _requireGovernance();
        ProposalRecord storage record = _proposed(proposalId);
        if (block.timestamp < record.executableAt) revert DueProcessTooEarly(proposalId, record.executableAt);
        // Effects before the interactions: the proposal is spent before any record moves; a refusal below reverts
        // both, and the proposal stays Proposed.
        record.status = ProposalStatus.Executed;
        emit DueProcessExecuted(proposalId, msg.sender);
        address from = record.from;
        address to = record.to;
        if (record.kind == ProposalKind.ForcedTransfer) {
            _rights.forceTransfer(record.certificateId, record.right, from, to, record.shares);
            return;
        }
        RecoveryScope storage scope = _store().scopes[proposalId];
        _consortium.recoverMember(from, to);
        _compliance.recoverMember(from, to, scope.qualifications);
        _rights.recoverRecords(from, to, scope.certificateIds, scope.licenceIds);
        _pledges.recoverPledges(from, to, scope.certificateIds, scope.pledgeIds);
    }

    /// @inheritdoc IDueProcess
    function cancel(uint256 proposalId, bytes32 reasonHash) external {
        ProposalRecord storage record = _proposed(proposalId);
        if (!_isGovernance(msg.sender)) {
            _requireActive(msg.sender, Roles.REGISTRAR);
            if (record.proposer != msg.sender) revert DueProcessNotProposer(proposalId, msg.sender);
        }
        record.status = ProposalStatus.Cancelled;
        emit DueProcessCancelled(proposalId, msg.sender, reasonHash);
    }

    /// @inheritdoc IDueProcess
    function setDelay(uint64 newDelay) external {
        _requireGovernance();
        if (newDelay > MAX_DELAY) revert DueProcessInvalidDelay(newDelay, MAX_DELAY);
        _setDelay(newDelay);
    }

    /// @inheritdoc IDueProcess
    function delay() external view returns (uint64) {
        return _store().delay;
    }

    /// @inheritdoc IDueProcess
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        ProposalRecord storage record = _existing(proposalId);
        return Proposal({
            kind: record.kind,
            status: record.status,
            proposer: record.proposer,
            executableAt: record.executableAt,
            documentHash: record.documentHash,
            certificateId: record.certificateId,
            right: record.right,
            from: record.from,
            to: record.to,
            shares: record.shares
        });
    }

    /// @inheritdoc IDueProcess
    function recoveryScope(uint256 proposalId) external view returns (RecoveryScope memory) {
        _existing(proposalId);
        return _store().scopes[proposalId];
    }

    /// @inheritdoc IDueProcess
    function proposalCount() external view returns (uint256) {
        return _store().proposalCount;
    }

    /// @dev What every proposal needs: an active REGISTRAR proposing, two distinct non-zero parties, a document.
    function _checkProposal(address from, address to, bytes32 documentHash) private view {
        _requireActive(msg.sender, Roles.REGISTRAR);
        if (from == address(0) || to == address(0) || from == to) revert DueProcessInvalidParties(from, to);
        if (documentHash == bytes32(0)) revert DueProcessMissingDocument();
    }

    /// @dev The one write path that creates a proposal (the caller adds the kind's fields and emits the event).
    function _propose(ProposalKind kind, address from, address to, bytes32 documentHash)
        private
        returns (uint256 proposalId, uint64 executableAt)
    {
        DueProcessStorage storage $ = _store();
        proposalId = ++$.proposalCount;
        executableAt = uint64(block.timestamp) + $.delay;
        ProposalRecord storage record = $.proposals[proposalId];
        record.proposer = msg.sender;
        record.executableAt = SafeCast.toUint40(executableAt);
        record.kind = kind;
        record.status = ProposalStatus.Proposed;
        record.from = from;
        record.to = to;
        record.documentHash = documentHash;
    }

    /// @dev The one write path of the delay, followed by its event.
    function _setDelay(uint64 newDelay) private {
        DueProcessStorage storage $ = _store();
        emit DueProcessDelayChanged($.delay, newDelay);
        $.delay = newDelay;
    }

    function _requireGovernance() private view {
        if (!_isGovernance(msg.sender)) revert DueProcessUnauthorizedGovernance(msg.sender);
    }

    function _proposed(uint256 proposalId) private view returns (ProposalRecord storage record) {
        record = _existing(proposalId);
        if (record.status != ProposalStatus.Proposed) revert DueProcessNotProposed(proposalId, record.status);
    }

    function _existing(uint256 proposalId) private view returns (ProposalRecord storage record) {
        record = _store().proposals[proposalId];
        if (record.status == ProposalStatus.None) revert DueProcessUnknownProposal(proposalId);
    }

    function _store() private pure returns (DueProcessStorage storage $) {
        assembly {
            $.slot := _DUE_PROCESS_STORAGE
        }
    }
}
