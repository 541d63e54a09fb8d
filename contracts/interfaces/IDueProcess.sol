// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ProposalKind} from "../types/ProposalKind.sol";
import {ProposalStatus} from "../types/ProposalStatus.sol";
import {Right} from "../types/Right.sol";

/// @title IDueProcess
/// @notice Due process over the ledger's records, as ERC-3643 (T-REX) provides it, with checks and balances: a
/// forced transfer of shares by court order or ruling, and the recovery of a member's lost key.
///
/// Two hands. An active REGISTRAR proposes, recording the hash of the document that grounds the act (the court's
/// order or ruling; for a recovery, the member's request and the proof of its identity). Governance (the
/// Consortium's admin, a multisig in production) executes the proposal, no earlier than the delay after it was
/// proposed. The delay is fixed per proposal when it is proposed ({Proposal-executableAt}); governance sets the
/// delay for later proposals ({setDelay}, at most {MAX_DELAY}); anyone reads it ({delay}). Governance, or the
/// registrar that proposed it, cancels a proposal that has not run, with a reason hash. Every step is an event.
///
/// Forced transfer. Executing moves `shares` of `right` of the certificate from `from` to `to` through
/// `IRights.forceTransfer`: the certificate must be issued or suspended (a court's ruling usually settles the
/// dispute that suspended it; expired or not), `to` an active MERCHANT or BANK, `from` any member (suspended or
/// retired included) holding the shares. Only unencumbered shares move: the transfer is refused with
/// `RightsSharesPledged` (naming the most recent active pledge over them) while the shares it would take are
/// pledged; a court that wants pledged shares acts through the pledge's realisation with method CourtRuling, which
/// pays the senior pledgees in order. The compliance modules do not judge it (a court order prevails, as in
/// ERC-3643's `forcedTransfer`), but their holder counts follow it. Rights emits ERC-1155's `TransferSingle` with
/// this contract as operator.
///
/// Key recovery. Executing moves a member's lost address to its new address, under the same identity: the
/// Consortium gives the new address the identity, the roles and the standing (Active or Suspended) of the lost one
/// and retires the lost address for good (`IConsortium.recoverMember`); Compliance moves its jurisdiction and the
/// listed qualifications; Rights moves its positions in the listed certificates (shares, pledged shares and the
/// pledge chain's head, with a `TransferSingle` per right held) and re-points the listed licences where it is
/// grantor or licensee; Pledges re-points every pledge of those positions' chains (the lost address as pledgor)
/// and the listed pledges where it is the pledgee. The lists are given when proposing (the library computes them
/// from the read model), because the chain keeps no list of an address's records to loop over. The new address
/// must never have been a member.
interface IDueProcess {
    /// @notice What a recovery moves besides the identity, the roles and the jurisdiction.
    /// @param certificateIds The certificates where the lost address holds a position (shares, or pledges).
    /// @param licenceIds The licences where the lost address is the grantor or the licensee.
    /// @param pledgeIds The pledges where the lost address is the pledgee (its pledges as pledgor follow its
    /// positions without being listed).
    /// @param qualifications The qualifications (Compliance) the lost address holds.
    struct RecoveryScope {
        uint256[] certificateIds;
        uint256[] licenceIds;
        uint256[] pledgeIds;
        bytes32[] qualifications;
    }

    /// @notice A proposal as stored. For a forced transfer, `from` gives `shares` of `right` of `certificateId` to
    /// `to`; for a recovery, `from` is the lost address and `to` the new one (`certificateId`, `right` and `shares`
    /// are zero; the scope is read with {recoveryScope}).
    struct Proposal {
        ProposalKind kind;
        ProposalStatus status;
        address proposer;
        uint64 executableAt;
        bytes32 documentHash;
        uint256 certificateId;
        Right right;
        address from;
        address to;
        uint256 shares;
    }

    /// @notice Governance set the delay of later proposals from `previousDelay` to `delay` seconds.
    event DueProcessDelayChanged(uint64 previousDelay, uint64 delay);

    /// @notice Registrar `proposer` proposed to move `shares` of `right` of `certificateId` from `from` to `to`, as
    /// the document hashed `documentHash` orders; governance may execute it from `executableAt` on.
    event ForcedTransferProposed(
        uint256 indexed proposalId,
        uint256 indexed certificateId,
        address indexed proposer,
        Right right,
        address from,
        address to,
        uint256 shares,
        bytes32 documentHash,
        uint64 executableAt
    );

    /// @notice Registrar `proposer` proposed to recover the member at `lostAccount` to `newAccount`, moving the
    /// records `scope` lists, on the document hashed `documentHash`; governance may execute it from `executableAt`.
    event RecoveryProposed(
        uint256 indexed proposalId,
        address indexed lostAccount,
        address indexed newAccount,
        address proposer,
        bytes32 documentHash,
        uint64 executableAt,
        RecoveryScope scope
    );

    /// @notice Governance (`executor`) executed the proposal. Status: Executed.
    event DueProcessExecuted(uint256 indexed proposalId, address indexed executor);

    /// @notice `cancelledBy` (governance or the proposing registrar) cancelled the proposal. Status: Cancelled.
    event DueProcessCancelled(uint256 indexed proposalId, address indexed cancelledBy, bytes32 reasonHash);

    /// @notice Only governance (the Consortium's admin) executes proposals and sets the delay.
    error DueProcessUnauthorizedGovernance(address caller);

    /// @notice `account` is neither governance nor the registrar that proposed `proposalId`.
    error DueProcessNotProposer(uint256 proposalId, address account);

    /// @notice No proposal has id `proposalId`.
    error DueProcessUnknownProposal(uint256 proposalId);

    /// @notice The proposal is `current`, not Proposed: it already ran or was cancelled.
    error DueProcessNotProposed(uint256 proposalId, ProposalStatus current);

    /// @notice The proposal may run from `executableAt` on, not before.
    error DueProcessTooEarly(uint256 proposalId, uint64 executableAt);

    /// @notice A proposal must record the hash of its document (the order, the ruling, the request).
    error DueProcessMissingDocument();

    /// @notice `from` and `to` must be two different, non-zero addresses.
    error DueProcessInvalidParties(address from, address to);

    /// @notice A forced transfer moves between 1 and 10,000 shares.
    error DueProcessInvalidShares(uint256 shares);

    /// @notice The delay is at most `maxDelay` seconds.
    error DueProcessInvalidDelay(uint64 delay, uint64 maxDelay);

    /// @notice Propose a forced transfer of `shares` of `right` of `certificateId` from `from` to `to`, ordered by
    /// the document hashed `documentHash`. Caller: an active REGISTRAR.
    /// @return proposalId The new proposal's id (ids start at 1, shared by both kinds).
    function proposeForcedTransfer(
        uint256 certificateId,
        Right right,
        address from,
        address to,
        uint256 shares,
        bytes32 documentHash
    ) external returns (uint256 proposalId);

    /// @notice Propose to recover the member at `lostAccount` to `newAccount`, moving what `scope` lists, on the
    /// document hashed `documentHash`. Caller: an active REGISTRAR.
    /// @return proposalId The new proposal's id.
    function proposeRecovery(
        address lostAccount,
        address newAccount,
        bytes32 documentHash,
        RecoveryScope calldata scope
    ) external returns (uint256 proposalId);

    /// @notice Execute a Proposed proposal whose delay has passed. Caller: governance. The act's own rules (in
    /// Rights, Pledges, Compliance and the Consortium) judge it then; a refusal reverts the whole execution and the
    /// proposal stays Proposed.
    function execute(uint256 proposalId) external;

    /// @notice Cancel a Proposed proposal with the hash of the reason. Caller: governance, or the active REGISTRAR
    /// that proposed it.
    function cancel(uint256 proposalId, bytes32 reasonHash) external;

    /// @notice Set the delay, in seconds, between proposing and the earliest execution of later proposals (at most
    /// {MAX_DELAY}). Caller: governance. Proposals already made keep their time.
    function setDelay(uint64 newDelay) external;

    /// @notice The delay, in seconds, that a proposal made now waits before governance may execute it.
    function delay() external view returns (uint64);

    /// @notice The stored proposal; reverts with {DueProcessUnknownProposal} for an unknown id.
    function proposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice What recovery `proposalId` moves (empty lists for a forced transfer); reverts with
    /// {DueProcessUnknownProposal} for an unknown id.
    function recoveryScope(uint256 proposalId) external view returns (RecoveryScope memory);

    /// @notice The number of proposals ever made (the highest id).
    function proposalCount() external view returns (uint256);
}
