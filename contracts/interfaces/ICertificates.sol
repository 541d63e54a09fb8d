// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CertificateRequest} from "../types/CertificateRequest.sol";
import {CertificateStatus} from "../types/CertificateStatus.sol";
import {RefusalReason} from "../types/RefusalReason.sol";

/// @title ICertificates
/// @notice Data-asset registration certificates and their whole lifecycle: review, public notice, objections,
/// issue, change, renewal, suspension and cancellation. See `types/CertificateStatus.sol` for the state machine.
///
/// Who may act:
/// - the applicant, an active MERCHANT, submits naming the REGISTRAR that will review it, the rights it claims
///   (a `RightsMask`) and the end of its source authorisation; it alone resubmits a returned application;
/// - only the named registrar (an active REGISTRAR) moves the certificate through review and after issue, and
///   never on its own application (separation of duties); governance (the Consortium's admin) moves the
///   certificates of a suspended registrar to another registrar ({reassign});
/// - any active member (any role) may object while the certificate is under notice; after issue an objection is
///   lodged through the registrar ({lodgeObjection});
/// - after issue the certificate follows its holders: change, renewal and cancellation are asked by holders of its
///   leading right (Holding when it exists) who hold more than half of it, the caller alone or with the signed
///   consents (EIP-712 `CertificateRequestConsent`) of other holders. A member holding none of it asks nothing.
///
/// Certificate ids start at 1 and are assigned in submission order. At issue the registrar gives two numbers,
/// each unique across the consortium: the registration number, which stays with the certificate for good and
/// ends with an ISO 7064 MOD 11-2 check character (checked here), and the certificate number of the document
/// issued, which changes with each re-issue (an approved change or renewal). Catalog hashes of every version are
/// kept (`catalogHashAt`); versions start at 1 at submission and grow by one with each approved change. Before issue,
/// a resubmission replaces the version-1 hash. On issue, the Rights contract mints 10,000 shares of each right
/// granted to the applicant, and none of the others. Documents and reasons are referred to by hash only.
///
/// Pledged certificates (arts. 443-444 by analogy). While a pledge on any of its rights is active, the certificate is
/// neither changed nor cancelled without the consent of each active pledge's pledgee to the act's hash
/// ({certificateActHash}), checked when the act takes effect: at the registrar's approval of a change or
/// cancellation, and at the registrar's own {cancel}. The registrar names the active pledges; the Pledges contract,
/// which counts them per certificate, checks the list is complete. A cancellation releases those pledges, so no
/// active pledge outlives its certificate. A renewal needs no consent: it only extends the collateral's life.
///
/// Registrations after issue (transfers, 转移登记, and licences, 许可登记) are confirmed in the Registrations
/// contract (`IRegistrations`).
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
    /// @param holder The applicant (after issue the shares' owners act for the certificate, see above).
    /// @param registrar The registrar that reviews and manages it.
    /// @param version Current catalog version (1 from submission until the first approved change).
    /// @param catalogHash Catalog entry hash of the current version.
    /// @param noticeDeadline End of the public notice (0 before publication).
    /// @param expiry Expiry time (0 before issue).
    /// @param pendingRequest The holder's pending application, if any.
    /// @param requestedHash The catalog hash asked for by a pending change, or the reason hash given with a pending
    /// cancellation (else zero).
    /// @param requestedExpiry The expiry asked for by a pending renewal (else zero).
    /// @param number The certificate number of the document last issued (empty before issue).
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
        uint8 rightsClaimed;
        uint8 rightsGranted;
        uint64 authorisedUntil;
        bool disputed;
        string registrationNumber;
    }

    /// @notice What an applicant declares on chain with an application.
    /// @param catalogHash The catalog entry's hash (version 1).
    /// @param rights The rights claimed, a non-empty `RightsMask`.
    /// @param authorisedUntil When the authorisation of the data's source ends (in the future), or 0 when the
    /// applicant declares no end (data it produced itself).
    struct Application {
        bytes32 catalogHash;
        uint8 rights;
        uint64 authorisedUntil;
    }

    /// @notice What a registrar fixes at issue.
    /// @param registrationNumber The stable registration number: upper-case letters (up to 8), then 8 to 22
    /// digits, then an ISO 7064 MOD 11-2 check character (`0`-`9` or `X`) over those digits; unique.
    /// @param number The certificate number of this document (1 to 64 bytes); unique.
    /// @param expiry In the future, and not after the application's `authorisedUntil` (when declared).
    /// @param rights The rights granted: a non-empty subset of those claimed.
    struct IssueTerms {
        string registrationNumber;
        string number;
        uint64 expiry;
        uint8 rights;
    }

    /// @notice A holder's consent to a request on the certificate as a whole, passed with the request.
    /// @param holder The consenting holder (an active member owning shares of the leading right).
    /// @param deadline The last second the signature is good for.
    /// @param signature The holder's EIP-712 signature of `CertificateRequestConsent` (or an ERC-1271 wallet's).
    struct HolderConsent {
        address holder;
        uint256 deadline;
        bytes signature;
    }

    /// @notice A certificate already issued by a legacy registry, as {importIssued} takes it.
    /// @param holder The holder (an active MERCHANT), who receives the three rights.
    /// @param catalogHash The catalog entry's hash (version 1).
    /// @param number The number the legacy registry gave it (unique across the consortium). An imported
    /// certificate grants the three rights.
    /// @param registrationNumber Its stable registration number, with its check character (as at {issue}), unique
    /// across the consortium; empty when the legacy registry gave none (one can never be added later).
    /// @param submittedAt When it was applied for.
    /// @param issuedAt When it was issued (not before `submittedAt`, not in the future).
    /// @param expiry When it expires (in the future).
    struct ImportedCertificate {
        address holder;
        bytes32 catalogHash;
        string number;
        string registrationNumber;
        uint64 submittedAt;
        uint64 issuedAt;
        uint64 expiry;
    }

    /// @notice `applicant` applied for certificate `certificateId`, to be reviewed by `registrar`. Status: Submitted.
    /// It claims the `rights` (a `RightsMask`); its source is authorised until `authorisedUntil` (0: no end).
    event CertificateSubmitted(
        uint256 indexed certificateId,
        address indexed applicant,
        address indexed registrar,
        bytes32 catalogHash,
        uint8 rights,
        uint64 authorisedUntil
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

    /// @notice The registrar resolved the objection for the reason `reasonHash`; the notice now ends at
    /// `noticeDeadline` (the block time when the registrar closed the notice). Status: UnderNotice.
    event CertificateObjectionResolved(uint256 indexed certificateId, uint64 noticeDeadline, bytes32 reasonHash);

    /// @notice The registrar refused the application at review (不予登记) for `reason`. Status: Refused (final).
    event CertificateRefused(uint256 indexed certificateId, RefusalReason reason, bytes32 reasonHash);

    /// @notice `registrar` set its minimum public notice to `noticeSeconds`.
    event MinimumNoticeSet(address indexed registrar, uint64 noticeSeconds);

    /// @notice An objection to the issued certificate was lodged through its registrar by `objector` (异议登记):
    /// the certificate is disputed until the registrar resolves it. Its status is unchanged.
    event CertificateDisputed(uint256 indexed certificateId, address indexed objector, bytes32 reasonHash);

    /// @notice The registrar resolved the objection lodged after issue; the certificate is no longer disputed.
    event CertificateDisputeResolved(uint256 indexed certificateId, bytes32 reasonHash);

    /// @notice Governance moved the certificate from suspended registrar `from` to registrar `to`.
    event CertificateReassigned(uint256 indexed certificateId, address indexed from, address indexed to);

    /// @notice The registrar rejected the application after an objection. Status: Rejected (final).
    event CertificateRejected(uint256 indexed certificateId, bytes32 reasonHash);

    /// @notice The registrar issued the certificate under `registrationNumber` and certificate `number` (each
    /// unique across the consortium) until `expiry`, granting `rights` (a `RightsMask`). Version 1 with the last
    /// submitted catalog hash. Status: Issued. The rights granted, and only they, are minted to `holder`.
    event CertificateIssued(
        uint256 indexed certificateId,
        address indexed registrar,
        address indexed holder,
        string registrationNumber,
        string number,
        uint64 expiry,
        uint8 rights
    );

    /// @notice `registrar` imported certificate `certificateId`, issued by a legacy registry under `number`, with its
    /// registration number (empty if it had none) and dates. Status: Issued, marked imported. The three rights are
    /// minted to `holder`.
    event CertificateImported(
        uint256 indexed certificateId,
        address indexed registrar,
        address indexed holder,
        bytes32 catalogHash,
        string number,
        string registrationNumber,
        uint64 submittedAt,
        uint64 issuedAt,
        uint64 expiry
    );

    /// @notice Holders of more than half of the leading right (`requester`, with the consents of `consenting`)
    /// applied to change the catalog entry to `catalogHash`.
    event CertificateChangeRequested(
        uint256 indexed certificateId, bytes32 catalogHash, address indexed requester, address[] consenting
    );

    /// @notice Holders of more than half of the leading right applied to renew the certificate until `expiry`.
    event CertificateRenewalRequested(
        uint256 indexed certificateId, uint64 expiry, address indexed requester, address[] consenting
    );

    /// @notice Holders of more than half of the leading right applied to cancel the certificate.
    event CertificateCancellationRequested(
        uint256 indexed certificateId, bytes32 reasonHash, address indexed requester, address[] consenting
    );

    /// @notice The registrar declined the holder's pending `request`; no pending request remains.
    event CertificateRequestDeclined(uint256 indexed certificateId, CertificateRequest request, bytes32 reasonHash);

    /// @notice The registrar approved a change: the catalog entry is now `catalogHash` at `version`; older
    /// versions stay. The document re-issued carries certificate `number`.
    event CertificateChanged(uint256 indexed certificateId, uint256 version, bytes32 catalogHash, string number);

    /// @notice The registrar approved a renewal: the certificate now expires at `expiry`. The document re-issued
    /// carries certificate `number`.
    event CertificateRenewed(uint256 indexed certificateId, uint64 expiry, string number);

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

    /// @notice `account` is not the applicant (before issue), or holds no share of the leading right (after).
    error CertificatesUnauthorizedHolder(uint256 certificateId, address account);

    /// @notice A catalog hash must not be zero.
    error CertificatesInvalidCatalogHash(bytes32 catalogHash);

    /// @notice A notice deadline must lie in the future.
    error CertificatesInvalidDeadline(uint64 deadline);

    /// @notice The notice ended at `deadline`; objections are closed.
    error CertificatesNoticeEnded(uint256 certificateId, uint64 deadline);

    /// @notice The notice runs until `deadline`; the certificate cannot be issued before.
    error CertificatesNoticeNotEnded(uint256 certificateId, uint64 deadline);

    /// @notice A certificate number must have 1 to 64 bytes (and be empty for an approved cancellation).
    error CertificatesInvalidNumber(string number);

    /// @notice `number` already belongs to certificate `certificateId` (numbers are unique across the consortium).
    error CertificatesNumberTaken(string number, uint256 certificateId);

    /// @notice `registrationNumber` does not follow the pattern: up to 8 upper-case letters, 8 to 22 digits, and
    /// the ISO 7064 MOD 11-2 check character of those digits.
    error CertificatesInvalidRegistrationNumber(string registrationNumber);

    /// @notice `rights` is not a non-empty set of rights (a `RightsMask` from 1 to 7).
    error CertificatesInvalidRights(uint8 rights);

    /// @notice The registrar may grant only rights the application claimed.
    error CertificatesRightsNotClaimed(uint256 certificateId, uint8 granted, uint8 claimed);

    /// @notice The declared end of the source authorisation must lie in the future (or be 0: none).
    error CertificatesInvalidAuthorisation(uint64 authorisedUntil);

    /// @notice `expiry` lies beyond the end of the source authorisation the application declared.
    error CertificatesExpiryBeyondAuthorisation(uint256 certificateId, uint64 expiry, uint64 authorisedUntil);

    /// @notice The notice ends at `deadline`, before `earliest`: the registrar's minimum notice period.
    error CertificatesNoticeTooShort(uint256 certificateId, uint64 deadline, uint64 earliest);

    /// @notice A minimum notice period must not exceed 365 days.
    error CertificatesInvalidNoticePeriod(uint64 noticeSeconds);

    /// @notice The act needs a reason: a non-zero reason hash (and, for a refusal, a reason code).
    error CertificatesReasonRequired(uint256 certificateId);

    /// @notice The certificate is in status `current`, not under review: it cannot be refused.
    error CertificatesNotUnderReview(uint256 certificateId, CertificateStatus current);

    /// @notice An objection lodged after issue is still unresolved.
    error CertificatesAlreadyDisputed(uint256 certificateId);

    /// @notice No objection after issue is pending.
    error CertificatesNotDisputed(uint256 certificateId);

    /// @notice `registrar` is the applicant: a registrar is never named for (nor given) its own application, so it
    /// never reviews, publishes or issues it.
    error CertificatesOwnApplication(uint256 certificateId, address registrar);

    /// @notice Only governance (the Consortium's admin) may do this; `account` is not it.
    error CertificatesUnauthorizedGovernance(address account);

    /// @notice The certificate's registrar `registrar` is not suspended: its certificates stay with it.
    error CertificatesRegistrarNotSuspended(uint256 certificateId, address registrar);

    /// @notice The certificate is in a final status (`current`): nothing is left to reassign.
    error CertificatesClosed(uint256 certificateId, CertificateStatus current);

    /// @notice The holders who asked hold `shares` of the leading right; more than 5,000 (half) are needed.
    error CertificatesNoMajority(uint256 certificateId, uint256 shares);

    /// @notice `holder`'s consent is given twice, or by the requester itself.
    error CertificatesDuplicateConsent(address holder);

    /// @notice `holder`'s consent expired at `deadline`.
    error CertificatesConsentExpired(address holder, uint256 deadline);

    /// @notice `holder`'s signature does not consent to this request.
    error CertificatesInvalidConsent(address holder);

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

    /// @notice The EIP-712 type hash of a holder's consent to a request on the certificate as a whole.
    function REQUEST_CONSENT_TYPEHASH() external view returns (bytes32);

    /// @notice Apply for a certificate. Caller: active MERCHANT (the applicant). `registrar` must be an active
    /// REGISTRAR (else the Consortium's error about it), and not the applicant.
    /// @return certificateId The new certificate's id.
    function submit(address registrar, Application calldata application) external returns (uint256 certificateId);

    /// @notice Apply for one certificate per application, all reviewed by `registrar`, as {submit} would one by
    /// one. Caller: active MERCHANT.
    /// @return firstId The first new id; the others follow it in order.
    function submitBatch(address registrar, Application[] calldata applications) external returns (uint256 firstId);

    /// @notice Return a Submitted application for correction. Caller: its registrar.
    function returnForCorrection(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Resubmit a Returned application with a corrected catalog hash. Caller: the holder.
    function resubmit(uint256 certificateId, bytes32 catalogHash) external;

    /// @notice Accept a Submitted application. Caller: its registrar.
    function accept(uint256 certificateId) external;

    /// @notice {accept} each application, all or nothing. Caller: their registrar.
    function acceptBatch(uint256[] calldata certificateIds) external;

    /// @notice Publish an Accepted application until `noticeDeadline`: in the future, and at least the registrar's
    /// {minimumNotice} from now. Caller: its registrar.
    function publicize(uint256 certificateId, uint64 noticeDeadline) external;

    /// @notice {publicize} each application until the same `noticeDeadline`, all or nothing. Caller: their registrar.
    function publicizeBatch(uint256[] calldata certificateIds, uint64 noticeDeadline) external;

    /// @notice Object to a certificate UnderNotice before its deadline. Caller: any active member.
    function object(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Resolve an objection for the reason `reasonHash` (not zero): back to notice until `noticeDeadline`
    /// (in the future), or, with 0, close the notice now so the certificate can be issued. Caller: its registrar.
    function resolveObjection(uint256 certificateId, uint64 noticeDeadline, bytes32 reasonHash) external;

    /// @notice Refuse an application under review (不予登记) for `reason` (not None), with the reason document's
    /// hash (final). Caller: its registrar.
    function refuse(uint256 certificateId, RefusalReason reason, bytes32 reasonHash) external;

    /// @notice Set the caller's minimum public notice (at most 365 days; 0: none). Caller: an active REGISTRAR.
    function setMinimumNotice(uint64 noticeSeconds) external;

    /// @notice `registrar`'s minimum public notice, in seconds.
    function minimumNotice(address registrar) external view returns (uint64);

    /// @notice Reject an Objected application (final). Caller: its registrar.
    function reject(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Issue a certificate UnderNotice whose deadline has passed, on `terms`; mints the rights granted to
    /// the applicant. Caller: its registrar.
    function issue(uint256 certificateId, IssueTerms calldata terms) external;

    /// @notice {issue} each certificate on its terms, all or nothing. Caller: their registrar.
    function issueBatch(uint256[] calldata certificateIds, IssueTerms[] calldata terms) external;

    /// @notice Import certificates that a legacy registry already issued: each becomes Issued, marked imported, with
    /// its number and dates, and its three rights are minted to its holder. All or nothing. Caller: an active
    /// REGISTRAR, which becomes their registrar.
    /// @return firstId The first new id; the others follow it in order.
    function importIssued(ImportedCertificate[] calldata certificates) external returns (uint256 firstId);

    /// @notice Apply to change the catalog entry of a certificate in force. Caller: a holder of the leading right,
    /// with `consents` of other holders so that together they hold more than half of it.
    function requestChange(uint256 certificateId, bytes32 catalogHash, HolderConsent[] calldata consents) external;

    /// @notice Apply to renew an Issued certificate (expired or not) until `expiry` (not beyond the declared
    /// authorisation). Caller and consents as for {requestChange}.
    function requestRenewal(uint256 certificateId, uint64 expiry, HolderConsent[] calldata consents) external;

    /// @notice Apply to cancel a certificate in force. Caller and consents as for {requestChange}.
    function requestCancellation(uint256 certificateId, bytes32 reasonHash, HolderConsent[] calldata consents)
        external;

    /// @notice The nonce that the consents to the certificate's next request sign (it grows with each request).
    function requestNonce(uint256 certificateId) external view returns (uint256);

    /// @notice Approve the holders' pending request on an Issued certificate. Caller: its registrar. A change or
    /// renewal re-issues the document under a new certificate `number` (unique); a cancellation takes none ("").
    /// A renewal's expiry must still lie in the future when approved.
    /// @param pledgeIds For a change or a cancellation: every active pledge on the certificate, in increasing order,
    /// each of whose pledgees consented to the act ({certificateActHash}) in the Pledges contract (else its
    /// errors: `PledgesActivePledgesMismatch`, `PledgesUnorderedPledges`, `PledgesNotOnCertificate`,
    /// `PledgesNotActive`, `PledgesActNotConsented`); empty when none is active. A cancellation releases them. A
    /// renewal extends the collateral's life and needs no consent: the list is not read.
    function approveRequest(uint256 certificateId, string calldata number, uint256[] calldata pledgeIds) external;

    /// @notice Decline the holder's pending request. Caller: its registrar.
    function declineRequest(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Suspend an Issued certificate (dispute). Caller: its registrar.
    function suspend(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Reinstate a Suspended certificate. Caller: its registrar.
    function reinstate(uint256 certificateId) external;

    /// @notice Cancel an Issued or Suspended certificate on the registrar's own authority. Caller: its registrar.
    /// @param pledgeIds Every active pledge on the certificate, in increasing order, each of whose pledgees consented
    /// to this cancellation ({certificateActHash} with `reasonHash`), as for {approveRequest}; the pledges are
    /// released. Empty when none is active.
    function cancel(uint256 certificateId, bytes32 reasonHash, uint256[] calldata pledgeIds) external;

    /// @notice The hash of an act on the certificate as it stands (its current version) that the pledgee of each
    /// active pledge on it consents to (`IPledges.consentToAct`) before the act takes effect: `act` Change with the
    /// requested catalog hash, or Cancellation with the reason's hash. Reverts for an unknown certificate.
    function certificateActHash(uint256 certificateId, CertificateRequest act, bytes32 requestedHash)
        external
        view
        returns (bytes32);

    /// @notice Lodge an objection to an Issued or Suspended certificate on behalf of `objector` (异议登记), with the
    /// objection's hash: the certificate is disputed (nothing is blocked; the registrar suspends it if need be).
    /// Caller: its registrar.
    function lodgeObjection(uint256 certificateId, address objector, bytes32 reasonHash) external;

    /// @notice Resolve the objection lodged after issue, with the decision's hash. Caller: its registrar.
    function resolveDispute(uint256 certificateId, bytes32 reasonHash) external;

    /// @notice Move each certificate of a suspended registrar, not yet final, to the active REGISTRAR `to`, which
    /// must not be its applicant. Caller: governance (the Consortium's admin).
    function reassign(uint256[] calldata certificateIds, address to) external;

    /// @notice Whether the certificate is in force: Issued and not expired. Rights and Pledges move nothing otherwise.
    function isInForce(uint256 certificateId) external view returns (bool);

    /// @notice The stored certificate; reverts with {CertificatesUnknownCertificate} for an unknown id.
    function certificate(uint256 certificateId) external view returns (Certificate memory);

    /// @notice The catalog hash of `version` (1 .. current version), or zero.
    function catalogHashAt(uint256 certificateId, uint256 version) external view returns (bytes32);

    /// @notice The certificate whose registration number is `number`, or that carries or carried certificate number
    /// `number` (the two kinds share one namespace across the consortium), or 0.
    function certificateByNumber(string calldata number) external view returns (uint256);

    /// @notice The number of certificates ever submitted (the highest id).
    function certificateCount() external view returns (uint256);
}
