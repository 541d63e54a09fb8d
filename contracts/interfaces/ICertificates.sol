// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CertificateRequest} from "../types/CertificateRequest.sol";
import {CertificateStatus} from "../types/CertificateStatus.sol";

/// @title ICertificates
/// @notice Data-asset registration certificates and their whole lifecycle: review, public notice, objections,
/// issue, change, renewal, suspension and cancellation. See `types/CertificateStatus.sol` for the state machine.
///
/// Who may act:
/// - the applicant, an active MERCHANT, submits naming the REGISTRAR that will review it; the applicant is the
///   certificate's holder of record and the only one who resubmits or applies for change, renewal or cancellation;
/// - only the named registrar (an active REGISTRAR) moves the certificate through review and after issue;
/// - any active member (any role) may object while the certificate is under notice.
///
/// Certificate ids start at 1 and are assigned in submission order. Certificate numbers are human-readable
/// strings chosen by the registrar at issue, unique per registrar; the text is stored with the certificate, and
/// `keccak256(abi.encode(registrar, keccak256(bytes(number))))` maps back to it. Catalog hashes of every version are
/// kept (`catalogHashAt`); versions start at 1 at submission and grow by one with each approved change. Before issue,
/// a resubmission replaces the version-1 hash. On issue, the Rights contract mints 10,000 shares of each of the
/// three rights to the holder. Documents and reasons are referred to by hash only.
///
/// Volume. A merchant submits many applications in one call ({submitBatch}); a registrar accepts, publicizes and
/// issues many ({acceptBatch}, {publicizeBatch}, {issueBatch}), and imports certificates already issued by a legacy
/// registry with their numbers and dates ({importIssued}). A batch is all or nothing: it fails with the error of its
/// first refused item, and it emits, item by item, exactly the events the single calls emit.
///
/// Everything a bank relies on is in storage (and so provable with `eth_getProof`): number, registrar, holder,
/// status, catalog hash and version, submission, issue and expiry times.
interface ICertificates {
    /// @notice A certificate as stored.
    /// @param status Lifecycle status.
    /// @param holder The applicant and holder of record.
    /// @param registrar The registrar that reviews and manages it.
    /// @param version Current catalog version (1 from submission until the first approved change).
    /// @param catalogHash Catalog entry hash of the current version.
    /// @param noticeDeadline End of the public notice (0 before publication).
    /// @param expiry Expiry time (0 before issue).
    /// @param pendingRequest The holder's pending application, if any.
    /// @param requestedHash The catalog hash asked for by a pending change, or the reason hash given with a pending
    /// cancellation (else zero).
    /// @param requestedExpiry The expiry asked for by a pending renewal (else zero).
    /// @param number The certificate number given at issue (empty before).
    /// @param submittedAt When the application was submitted (for an imported certificate, as the legacy registry
    /// recorded it).
    /// @param issuedAt When the certificate was issued (0 before issue).
    /// @param imported Whether the certificate was imported from a legacy registry rather than reviewed here.
    struct Certificate {
        CertificateStatus status;
        address holder;
        address registrar;
        uint256 version;
        bytes32 catalogHash;
        uint64 noticeDeadline;
        uint64 expiry;
        CertificateRequest pendingRequest;
        bytes32 requestedHash;
        uint64 requestedExpiry;
        string number;
        uint64 submittedAt;
        uint64 issuedAt;
        bool imported;
    }

    /// @notice A certificate already issued by a legacy registry, as {importIssued} takes it.
    /// @param holder The holder (an active MERCHANT), who receives the three rights.
    /// @param catalogHash The catalog entry's hash (version 1).
    /// @param number The number the legacy registry gave it (unique for the importing registrar).
    /// @param submittedAt When it was applied for.
    /// @param issuedAt When it was issued (not before `submittedAt`, not in the future).
    /// @param expiry When it expires (in the future).
    struct ImportedCertificate {
        address holder;
        bytes32 catalogHash;
        string number;
        uint64 submittedAt;
        uint64 issuedAt;
        uint64 expiry;
    }

    /// @notice `applicant` applied for certificate `certificateId`, to be reviewed by `registrar`. Status: Submitted.
    event CertificateSubmitted(
        uint256 indexed certificateId, address indexed applicant, address indexed registrar, bytes32 catalogHash
    );

    /// @notice The registrar returned the application for correction. Status: Returned.
    event CertificateReturned(uint256 indexed certificateId, bytes32 reasonHash);

    /// @notice The holder resubmitted with a corrected catalog hash (replaces version 1's hash). Status: Submitted.
    event CertificateResubmitted(uint256 indexed certificateId, bytes32 catalogHash);

    /// @notice The registrar accepted the application. Status: Accepted.
    event CertificateAccepted(uint256 indexed certificateId);

    /// @notice The registrar published the application until `noticeDeadline`. Status: UnderNotice.
    event CertificatePublicized(uint256 indexed certificateId, uint64 noticeDeadline);

    /// @notice `objector` objected during the notice. Status: Objected.
    event CertificateObjected(uint256 indexed certificateId, address indexed objector, bytes32 reasonHash);

    /// @notice The registrar resolved the objection; the notice now ends at `noticeDeadline` (the block time when
    /// the registrar closed the notice). Status: UnderNotice.
    event CertificateObjectionResolved(uint256 indexed certificateId, uint64 noticeDeadline);

    /// @notice The registrar rejected the application after an objection. Status: Rejected (final).
    event CertificateRejected(uint256 indexed certificateId, bytes32 reasonHash);

    /// @notice The registrar issued the certificate with `number` (unique for this registrar) and `expiry`.
    /// Version 1 with the last submitted catalog hash. Status: Issued. The three rights are minted to `holder`.
    event CertificateIssued(
        uint256 indexed certificateId, address indexed registrar, address indexed holder, string number, uint64 expiry
    );

    /// @notice `registrar` imported certificate `certificateId`, issued by a legacy registry under `number`, with its
    /// dates. Status: Issued, marked imported. The three rights are minted to `holder`.
    event CertificateImported(
        uint256 indexed certificateId,
        address indexed registrar,
        address indexed holder,
        bytes32 catalogHash,
        string number,
        uint64 submittedAt,
        uint64 issuedAt,
        uint64 expiry
    );

    /// @notice The holder applied to change the catalog entry to `catalogHash`.
    event CertificateChangeRequested(uint256 indexed certificateId, bytes32 catalogHash);

    /// @notice The holder applied to renew the certificate until `expiry`.
    event CertificateRenewalRequested(uint256 indexed certificateId, uint64 expiry);

    /// @notice The holder applied to cancel the certificate.
    event CertificateCancellationRequested(uint256 indexed certificateId, bytes32 reasonHash);

    /// @notice The registrar declined the holder's pending `request`; no pending request remains.
    event CertificateRequestDeclined(uint256 indexed certificateId, CertificateRequest request, bytes32 reasonHash);

    /// @notice The registrar approved a change: the catalog entry is now `catalogHash` at `version`; older
    /// versions stay.
    event CertificateChanged(uint256 indexed certificateId, uint256 version, bytes32 catalogHash);

    /// @notice The registrar approved a renewal: the certificate now expires at `expiry`.
    event CertificateRenewed(uint256 indexed certificateId, uint64 expiry);

    /// @notice The registrar suspended the certificate (dispute). Status: Suspended; nothing under it moves.
    event CertificateSuspended(uint256 indexed certificateId, bytes32 reasonHash);

    /// @notice The registrar reinstated the suspended certificate. Status: Issued.
    event CertificateReinstated(uint256 indexed certificateId);

    /// @notice The certificate was cancelled by its registrar, on its own authority or approving the holder's
    /// request (then `reasonHash` is the one the holder gave with the request). Status: Cancelled (final); any
    /// pending request is dropped.
    event CertificateCancelled(uint256 indexed certificateId, bytes32 reasonHash);

    /// @notice No certificate has id `certificateId`.
    error CertificatesUnknownCertificate(uint256 certificateId);

    /// @notice The certificate is in status `current`; the call needs `expected`.
    error CertificatesInvalidStatus(uint256 certificateId, CertificateStatus current, CertificateStatus expected);

    /// @notice `account` is not the registrar of the certificate.
    error CertificatesUnauthorizedRegistrar(uint256 certificateId, address account);

    /// @notice `account` is not the holder of the certificate.
    error CertificatesUnauthorizedHolder(uint256 certificateId, address account);

    /// @notice A catalog hash must not be zero.
    error CertificatesInvalidCatalogHash(bytes32 catalogHash);

    /// @notice A notice deadline must lie in the future.
    error CertificatesInvalidDeadline(uint64 deadline);

    /// @notice The notice ended at `deadline`; objections are closed.
    error CertificatesNoticeEnded(uint256 certificateId, uint64 deadline);

    /// @notice The notice runs until `deadline`; the certificate cannot be issued before.
    error CertificatesNoticeNotEnded(uint256 certificateId, uint64 deadline);

    /// @notice A certificate number must not be empty.
    error CertificatesInvalidNumber(string number);

    /// @notice `registrar` already issued certificate `certificateId` under `number`.
    error CertificatesNumberTaken(address registrar, string number, uint256 certificateId);

    /// @notice `expiry` is not acceptable: at issue it must lie in the future; at renewal, after the current expiry
    /// and in the future.
    error CertificatesInvalidExpiry(uint64 expiry);

    /// @notice The certificate expired at `expiry`; a change or cancellation needs it in force.
    error CertificatesExpired(uint256 certificateId, uint64 expiry);

    /// @notice The holder already has `pending` awaiting the registrar.
    error CertificatesRequestPending(uint256 certificateId, CertificateRequest pending);

    /// @notice There is no pending request to approve or decline.
    error CertificatesNoPendingRequest(uint256 certificateId);

    /// @notice A batch must not be empty and its lists must have the same length (`length` and `otherLength`).
    error CertificatesInvalidBatch(uint256 length, uint256 otherLength);

    /// @notice An imported certificate's dates must satisfy `submittedAt <= issuedAt <= now`.
    error CertificatesInvalidImportDates(uint64 submittedAt, uint64 issuedAt);

    /// @notice Apply for a certificate. Caller: active MERCHANT (becomes the holder). `registrar` must be an active
    /// REGISTRAR (else the Consortium's error about it).
    /// @return certificateId The new certificate's id.
    function submit(address registrar, bytes32 catalogHash) external returns (uint256 certificateId);

    /// @notice Apply for one certificate per catalog hash, all reviewed by `registrar`, as {submit} would one by
    /// one. Caller: active MERCHANT.
    /// @return firstId The first new id; the others follow it in order.
    function submitBatch(address registrar, bytes32[] calldata catalogHashes) external returns (uint256 firstId);

    /// @notice Return a Submitted application for correction. Caller: its registrar.
    function returnForCorrection(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Resubmit a Returned application with a corrected catalog hash. Caller: the holder.
    function resubmit(uint256 certificateId, bytes32 catalogHash) external;

    /// @notice Accept a Submitted application. Caller: its registrar.
    function accept(uint256 certificateId) external;

    /// @notice {accept} each application, all or nothing. Caller: their registrar.
    function acceptBatch(uint256[] calldata certificateIds) external;

    /// @notice Publish an Accepted application until `noticeDeadline` (in the future). Caller: its registrar.
    function publicize(uint256 certificateId, uint64 noticeDeadline) external;

    /// @notice {publicize} each application until the same `noticeDeadline`, all or nothing. Caller: their registrar.
    function publicizeBatch(uint256[] calldata certificateIds, uint64 noticeDeadline) external;

    /// @notice Object to a certificate UnderNotice before its deadline. Caller: any active member.
    function object(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Resolve an objection: back to notice until `noticeDeadline` (in the future), or, with 0, close the
    /// notice now so the certificate can be issued. Caller: its registrar.
    function resolveObjection(uint256 certificateId, uint64 noticeDeadline) external;

    /// @notice Reject an Objected application (final). Caller: its registrar.
    function reject(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Issue a certificate UnderNotice whose deadline has passed, with a `number` unique for this registrar
    /// and an `expiry` in the future; mints the three rights to the holder. Caller: its registrar.
    function issue(uint256 certificateId, string calldata number, uint64 expiry) external;

    /// @notice {issue} each certificate with its number and expiry, all or nothing. Caller: their registrar.
    function issueBatch(uint256[] calldata certificateIds, string[] calldata numbers, uint64[] calldata expiries)
        external;

    /// @notice Import certificates that a legacy registry already issued: each becomes Issued, marked imported, with
    /// its number and dates, and its three rights are minted to its holder. All or nothing. Caller: an active
    /// REGISTRAR, which becomes their registrar.
    /// @return firstId The first new id; the others follow it in order.
    function importIssued(ImportedCertificate[] calldata certificates) external returns (uint256 firstId);

    /// @notice Apply to change the catalog entry of a certificate in force. Caller: the holder.
    function requestChange(uint256 certificateId, bytes32 catalogHash) external;

    /// @notice Apply to renew an Issued certificate (expired or not) until `expiry`. Caller: the holder.
    function requestRenewal(uint256 certificateId, uint64 expiry) external;

    /// @notice Apply to cancel a certificate in force. Caller: the holder.
    function requestCancellation(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Approve the holder's pending request on an Issued certificate. Caller: its registrar.
    /// A renewal's expiry must still lie in the future when approved.
    function approveRequest(uint256 certificateId) external;

    /// @notice Decline the holder's pending request. Caller: its registrar.
    function declineRequest(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Suspend an Issued certificate (dispute). Caller: its registrar.
    function suspend(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Reinstate a Suspended certificate. Caller: its registrar.
    function reinstate(uint256 certificateId) external;

    /// @notice Cancel an Issued or Suspended certificate on the registrar's own authority. Caller: its registrar.
    function cancel(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Whether the certificate is in force: Issued and not expired. Rights and Pledges move nothing otherwise.
    function isInForce(uint256 certificateId) external view returns (bool);

    /// @notice The stored certificate; reverts with {CertificatesUnknownCertificate} for an unknown id.
    function certificate(uint256 certificateId) external view returns (Certificate memory);

    /// @notice The catalog hash of `version` (1 .. current version), or zero.
    function catalogHashAt(uint256 certificateId, uint256 version) external view returns (bytes32);

    /// @notice The certificate that `registrar` issued under `number`, or 0.
    function certificateByNumber(address registrar, string calldata number) external view returns (uint256);

    /// @notice The number of certificates ever submitted (the highest id).
    function certificateCount() external view returns (uint256);
}
