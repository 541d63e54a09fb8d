// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";

import {Right} from "../types/Right.sol";

/// @title IRights
/// @notice Who owns which share of the three rights of every issued certificate, and the licences granted over
/// the development and operation rights.
///
/// Shares. Each right of a certificate is owned in basis points that always sum to 10,000. At issue the
/// Certificates contract mints all 10,000 of each right granted to the holder (a right not granted exists for nobody). Shares are visible through ERC-1155, one
/// token id per certificate and right: `tokenId = certificateId * 4 + uint8(right)` (see `types/RightsTokenId.sol`).
/// Every movement goes through the ledger's rules: the owner moves its own shares only (approvals are disabled),
/// the sender and the recipient must be active members with the MERCHANT or BANK role, the certificate must be in
/// force, and shares under active pledges stay put. `safeTransferFrom` and `safeBatchTransferFrom` obey the same
/// rules as {transferShares}; every movement emits ERC-1155's `TransferSingle` or `TransferBatch`, and a contract
/// recipient must accept it through `IERC1155Receiver` (else OpenZeppelin's `ERC1155InvalidReceiver(to)`).
///
/// Pledged shares. Only the Pledges contract locks, unlocks and seizes shares. A member's pledged count on a right is
/// the sum of the shares of its active pledges there; junior pledges may cover shares that senior ones already
/// cover, so that sum may exceed the balance. The member may transfer `balance - min(balance, pledged)`.
///
/// Licences. An owner of development or operation shares grants licences over that right: a licensee, a terms
/// hash, a period [start, end), exclusive or not, sub-licensable or not. Only an owner of the whole right (all
/// 10,000 shares) grants an exclusive licence; a partial owner grants non-exclusive ones. A period starts at the
/// grant or later (a start of 0 means the grant's time; an earlier one is back-dating, refused). While the owner's
/// shares of the right are pledged, the pledgee of every active pledge on them must first consent to the licence
/// (`IPledges.consentToAct` with {licenceActHash}). The licensee of a sub-licensable licence grants sub-licences
/// under it, within its period, exclusive only under an exclusive parent, at most {MAX_LICENCE_DEPTH} deep. Among
/// the licences with the same parent (or the top-level licences of one certificate's right), an exclusive licence
/// excludes every other unrevoked licence whose period overlaps, and no licence is granted over a period an
/// exclusive sibling covers; a non-exclusive grant costs the same however many non-exclusive siblings it has.
///
/// Revocation is lazy: revoking a licence writes one flag and emits one {LicenceRevoked}, and a licence is in force
/// only while neither it nor any ancestor is revoked ({licence} reports `revoked` for both). A top-level licence
/// is revoked by its grantor; once the grantor holds no share of the right, by the owner of more than half of it
/// (the licensor's position follows the right). A sub-licence is revoked by its grantor. Nothing is granted while
/// the certificate is not in force; revoking is always possible.
///
/// Due process. The DueProcess contract alone forces a transfer ordered by a court ({forceTransfer}: unencumbered
/// shares only, the modules' judgement bypassed, their counts kept) and moves a recovered member's positions and
/// licences to its new address ({recoverRecords}), once governance executes the proposal (see `IDueProcess`).
///
/// This contract sits behind an ERC-1967 proxy (UUPS, upgraded only by governance's timelock) with ERC-7201
/// namespaced storage; see `ISuiteContract`.
interface IRights is IERC1155 {
    /// @notice What a grantor fixes in a licence.
    /// @param licensee An active MERCHANT or BANK member.
    /// @param termsHash Hash of the licence terms (scope), stored with the licence.
    /// @param start Start of the period (inclusive, seconds).
    /// @param end End of the period (exclusive, seconds); after `start` and in the future.
    /// @param exclusive Whether the licence excludes any other over an overlapping period.
    /// @param sublicensable Whether the licensee may grant sub-licences under it.
    struct LicenceTerms {
        address licensee;
        bytes32 termsHash;
        uint64 start;
        uint64 end;
        bool exclusive;
        bool sublicensable;
    }

    /// @notice A licence as stored, every term included (so each can be proved from storage).
    struct Licence {
        uint256 certificateId;
        Right right;
        address grantor;
        address licensee;
        uint256 parentId;
        uint64 start;
        uint64 end;
        bool exclusive;
        bool sublicensable;
        bool revoked;
        bytes32 termsHash;
    }

    /// @notice Shares of `right` of certificate `certificateId` moved in this transaction: emitted once per right
    /// moved by each mint at issue, transfer, batch item, realisation, forced transfer and key recovery, just
    /// before that movement's `TransferSingle` or `TransferBatch` (which says who moved how many). ERC-1155 events index no token id,
    /// so a reader asks for this event by certificate to find the transactions that moved its shares, instead of
    /// reading every transfer of the chain.
    event SharesMoved(uint256 indexed certificateId, Right indexed right);

    /// @notice `grantor` granted licence `licenceId` over `right` of `certificateId` to `licensee`, under
    /// `parentId` (0 for a licence granted by an owner of the right).
    event LicenceGranted(
        uint256 indexed licenceId,
        uint256 indexed certificateId,
        address indexed licensee,
        Right right,
        address grantor,
        uint256 parentId,
        bytes32 termsHash,
        uint64 start,
        uint64 end,
        bool exclusive,
        bool sublicensable
    );

    /// @notice `revokedBy` revoked licence `licenceId`, and with it every licence granted under it.
    event LicenceRevoked(uint256 indexed licenceId, address indexed revokedBy, bytes32 reasonHash);

    /// @notice Key recovery moved `from`'s position in `certificateId` (its shares of every right, its pledged shares
    /// and the head of each pledge chain) to `to`; the shares' movements are the `TransferSingle` events just before.
    event PositionRecovered(uint256 indexed certificateId, address indexed from, address indexed to);

    /// @notice Key recovery re-pointed licence `licenceId` from `from` (its grantor or its licensee) to `to`.
    event LicenceRecovered(uint256 indexed licenceId, address indexed from, address indexed to);

    /// @notice Only the Certificates contract mints, only the Pledges contract locks, unlocks and seizes, and only
    /// the DueProcess contract forces transfers and recovers records.
    error RightsUnauthorizedCaller(address caller);

    /// @notice `account` is neither the grantor nor the licensee of licence `licenceId`.
    error RightsNotLicenceParty(uint256 licenceId, address account);

    /// @notice `operator` tried to move shares of `owner`; owners move their own shares only.
    error RightsUnauthorizedOperator(address operator, address owner);

    /// @notice Approvals are disabled: they would let someone other than the owner move shares.
    error RightsApprovalsDisabled();

    /// @notice `tokenId` names no right of any certificate.
    error RightsInvalidTokenId(uint256 tokenId);

    /// @notice A movement of zero shares.
    error RightsInvalidShares(uint256 shares);

    /// @notice A batch whose lists of ids and values (or accounts and ids) differ in length.
    error RightsInvalidBatch(uint256 idsLength, uint256 valuesLength);

    /// @notice `to` cannot receive: it is the sender itself (or, for a licence, the grantor itself).
    error RightsInvalidRecipient(address to);

    /// @notice The certificate is not in force (not issued, suspended, cancelled or expired).
    error RightsCertificateNotInForce(uint256 certificateId);

    /// @notice `owner` holds `balance` shares of the right, fewer than `requested`.
    error RightsInsufficientShares(
        uint256 certificateId, Right right, address owner, uint256 balance, uint256 requested
    );

    /// @notice Moving `requested` shares would eat into shares under active pledges; only `transferable` are free.
    /// `pledgeId`, `pledgee` and `maturity` name the most recent active pledge over them.
    error RightsSharesPledged(
        uint256 certificateId,
        Right right,
        address owner,
        uint256 transferable,
        uint256 requested,
        uint256 pledgeId,
        address pledgee,
        uint64 maturity
    );

    /// @notice The holding right is not licensable.
    error RightsNotLicensable(Right right);

    /// @notice `account` owns no shares of `right` of the certificate, so it cannot grant a licence over it.
    error RightsNotRightOwner(uint256 certificateId, Right right, address account);

    /// @notice The period [start, end) is empty.
    error RightsInvalidPeriod(uint64 start, uint64 end);

    /// @notice A licence cannot start (`start`) before it is granted (`grantedAt`).
    error RightsLicenceBackdated(uint64 start, uint64 grantedAt);

    /// @notice `account` owns `shares` of `right`, not the whole right, so it grants non-exclusive licences only.
    error RightsExclusiveNeedsWholeRight(uint256 certificateId, Right right, address account, uint256 shares);

    /// @notice Licence `parentId` is already `maxDepth` deep: no sub-licence may be granted under it.
    error RightsLicenceTooDeep(uint256 parentId, uint256 maxDepth);

    /// @notice No licence has id `licenceId`.
    error RightsUnknownLicence(uint256 licenceId);

    /// @notice Licence `licenceId` is revoked (when sub-licensing: the parent or an ancestor of it).
    error RightsLicenceRevoked(uint256 licenceId);

    /// @notice `account` is not the licensee of `licenceId`, so it cannot sub-license under it.
    error RightsNotLicensee(uint256 licenceId, address account);

    /// @notice Licence `licenceId` may not be sub-licensed.
    error RightsNotSublicensable(uint256 licenceId);

    /// @notice A sub-licence grants no more than its parent: it cannot be exclusive under a non-exclusive parent
    /// licence `parentId`.
    error RightsExclusiveBeyondParent(uint256 parentId);

    /// @notice The period [start, end) is not within the period of the parent licence `parentId`.
    error RightsPeriodOutsideParent(uint256 parentId, uint64 start, uint64 end);

    /// @notice The unrevoked licence `licenceId` overlaps the requested period and one of the two is exclusive.
    error RightsExclusiveConflict(uint256 licenceId);

    /// @notice `account` may not revoke licence `licenceId`: it is not its grantor (nor, once the grantor of a top-level
    /// licence holds none of the right, the owner of more than half of it).
    error RightsNotGrantor(uint256 licenceId, address account);

    /// @notice Move `shares` of `right` of `certificateId` from the caller to `to` (a transfer registration).
    /// Caller and `to`: active MERCHANT or BANK members. Emits `TransferSingle`.
    function transferShares(uint256 certificateId, Right right, address to, uint256 shares) external;

    /// @notice Grant a licence over `right` (Development or Operation) of `certificateId`. Caller: an active
    /// MERCHANT or BANK member owning shares of that right.
    /// @return licenceId The new licence's id (ids start at 1).
    function grantLicence(uint256 certificateId, Right right, LicenceTerms calldata terms)
        external
        returns (uint256 licenceId);

    /// @notice Grant a sub-licence under `parentId`. Caller: the parent's licensee, an active MERCHANT or BANK.
    /// @return licenceId The new licence's id.
    function grantSublicence(uint256 parentId, LicenceTerms calldata terms) external returns (uint256 licenceId);

    /// @notice Revoke licence `licenceId` and every licence under it. Caller: its grantor, an active MERCHANT or BANK.
    function revokeLicence(uint256 licenceId, bytes32 reasonHash) external;

    /// @notice Mint 10,000 shares of each right of `rights` (a `RightsMask`: bit `uint8(right)`) to `holder` when
    /// `certificateId` is issued; the rights not granted exist for nobody. Only Certificates.
    function mintIssued(uint256 certificateId, address holder, uint8 rights) external;

    /// @notice Lock `shares` of `owner` on `right` of a certificate in force for pledge `pledgeId`. Only Pledges.
    /// Pledge `pledgeId` becomes the owner's most recent pledge on that right ({lastPledgeOf}), which the next one
    /// names as its senior.
    function lockShares(uint256 certificateId, Right right, address owner, uint256 shares, uint256 pledgeId)
        external;

    /// @notice Unlock `shares` of `owner` when a pledge is released. Only Pledges.
    function unlockShares(uint256 certificateId, Right right, address owner, uint256 shares) external;

    /// @notice Realise a pledge: unlock `lockedShares` of `owner` and move `shares` of them to `to`, the buyer. The
    /// certificate must be issued or suspended (expired or not). Only Pledges.
    function seizeShares(
        uint256 certificateId,
        Right right,
        address owner,
        address to,
        uint256 lockedShares,
        uint256 shares
    ) external;

    /// @notice Copy the Compliance contract's {ICompliance-conditionsInForce}: afterwards a transfer, licence or
    /// realisation calls the Compliance contract only when one of those conditions may hold (with no module in force,
    /// never). The Compliance contract calls it whenever its modules change; anyone may call it, since it only copies
    /// (after an upgrade that brings this copy, until which every act calls the Compliance contract).
    function syncComplianceConditions() external;

    /// @notice The conditions under which a transfer, licence or realisation calls the Compliance contract: the copy
    /// of its {ICompliance-conditionsInForce}, or every condition before the first copy.
    function complianceConditions() external view returns (uint8);

    /// @notice Move `shares` of `right` of `certificateId` from `from` to `to` as a court ordered. Only DueProcess,
    /// when governance executes a forced transfer. The certificate must be issued or suspended (expired or not),
    /// `to` an active MERCHANT or BANK other than `from`, and the shares unencumbered (else {RightsSharesPledged}).
    /// The compliance modules' holder counts follow; their judgement is not asked. Emits `TransferSingle`.
    function forceTransfer(uint256 certificateId, Right right, address from, address to, uint256 shares) external;

    /// @notice Move `from`'s positions in `certificateIds` to `to` (empty ones are skipped) and re-point the licences
    /// `licenceIds`, where `from` is grantor or licensee, to `to`. Only DueProcess, when governance executes a key
    /// recovery (`to` holds nothing: it was never a member). Emits `TransferSingle` per right held and
    /// {PositionRecovered} per position, {LicenceRecovered} per licence.
    function recoverRecords(
        address from,
        address to,
        uint256[] calldata certificateIds,
        uint256[] calldata licenceIds
    ) external;

    /// @notice The shares (basis points) of `right` of `certificateId` that `owner` holds.
    function sharesOf(uint256 certificateId, Right right, address owner) external view returns (uint256);

    /// @notice The sum of the shares of `owner`'s active pledges on `right` of `certificateId`.
    function pledgedSharesOf(uint256 certificateId, Right right, address owner) external view returns (uint256);

    /// @notice The shares `owner` may transfer now: `balance - min(balance, pledged)` (0 if not in force).
    function transferableSharesOf(uint256 certificateId, Right right, address owner) external view returns (uint256);

    /// @notice The most recent pledge ever recorded over `owner`'s shares of `right` (0 if none): the head of the
    /// chain that Pledges walks, junior to senior.
    function lastPledgeOf(uint256 certificateId, Right right, address owner) external view returns (uint256);

    /// @notice The ERC-1155 token id of `right` of `certificateId`.
    function tokenId(uint256 certificateId, Right right) external pure returns (uint256);

    /// @notice The stored licence; reverts with {RightsUnknownLicence} for an unknown id.
    function licence(uint256 licenceId) external view returns (Licence memory);

    /// @notice The ids of the top-level licences over `right` of `certificateId`, in grant order.
    function licencesOf(uint256 certificateId, Right right) external view returns (uint256[] memory);

    /// @notice The ids of the sub-licences granted directly under `parentId`, in grant order.
    function sublicencesOf(uint256 parentId) external view returns (uint256[] memory);

    /// @notice The number of licences ever granted (the highest id).
    function licenceCount() external view returns (uint256);

    /// @notice The hash of a licence grant that a pledgee consents to: `parentId` 0 for a licence granted by an owner.
    function licenceActHash(uint256 certificateId, Right right, uint256 parentId, LicenceTerms calldata terms)
        external
        pure
        returns (bytes32);
}
