// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";

import {SuiteContract} from "./base/SuiteContract.sol";
import {ICertificates} from "./interfaces/ICertificates.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IPledges} from "./interfaces/IPledges.sol";
import {IRights} from "./interfaces/IRights.sol";
import {CertificateRequest} from "./types/CertificateRequest.sol";
import {CertificateStatus} from "./types/CertificateStatus.sol";
import {RefusalReason} from "./types/RefusalReason.sol";
import {Right} from "./types/Right.sol";
import {RightsMask} from "./types/RightsMask.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title Certificates
/// @notice Registration certificates of data assets, from application to cancellation.
/// @dev The EIP-712 domain of holders' consents binds the proxy's address, which never changes.
contract Certificates is ICertificates, EIP712Upgradeable, SuiteContract {
    /// @inheritdoc ICertificates
    bytes32 public constant REQUEST_CONSENT_TYPEHASH = keccak256(
        "CertificateRequestConsent(address holder,address requester,uint256 certificateId,uint8 request,"
        "bytes32 requestedHash,uint64 requestedExpiry,uint256 nonce,uint256 deadline)"
    );

    uint256 private constant _TOTAL_SHARES = 10_000;
    uint256 private constant _MAX_NUMBER_LENGTH = 64;
    uint64 private constant _MAX_MINIMUM_NOTICE = 365 days;

    /// @dev The domain tag of a certificate act's hash ({certificateActHash}).
    bytes32 private constant _CERTIFICATE_ACT = keccak256("dal.certificate-act/1");

    string private constant _DOMAIN_NAME = "DataAssetLedger Certificates";
    string private constant _DOMAIN_VERSION = "1";

    /// @dev Slot 0 holds everything the in-force check and issue read and write; slot 1 what submission writes;
    /// slot 2 the pending request's hash; slot 3 the notice deadline and the pending renewal; slot 4 the number
    /// (a string of up to 31 bytes takes one slot). Catalog hashes per version live in `catalogHashes`.
    struct CertificateRecord {
        address holder;
        uint40 expiry;
        uint40 issuedAt;
        CertificateStatus status;
        CertificateRequest pendingRequest;
        address registrar;
        uint32 version;
        uint40 submittedAt;
        bool imported;
        bytes32 requestedHash;
        uint40 noticeDeadline;
        uint40 requestedExpiry;
        string number;
        uint8 rightsClaimed;
        uint8 rightsGranted;
        uint40 authorisedUntil;
        bool disputed;
        string registrationNumber;
    }

    /// @dev Retired: registrations moved to the Registrations contract. Kept because the retired fields of
    /// `CertificatesStorage` refer to it.
    struct RegistrationRecord {
        uint8 kind;
        Right right;
        uint40 registeredAt;
        uint40 certificateId;
        address registrar;
        address from;
        address to;
        uint16 shares;
        bytes32 movement;
        uint256 licenceId;
        string voucher;
    }

    /// @dev What a holder's consent signs (with the holder, the requester and the deadline), and the right counted.
    struct RequestTerms {
        uint256 certificateId;
        CertificateRequest request;
        bytes32 requestedHash;
        uint64 requestedExpiry;
        uint256 nonce;
        Right leading;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.Certificates
    struct CertificatesStorage {
        uint256 certificateCount;
        mapping(uint256 certificateId => CertificateRecord) certificates;
        mapping(uint256 certificateId => mapping(uint256 version => bytes32 catalogHash)) catalogHashes;
        /// @dev keccak256 of a registration or certificate number: both share one consortium-wide namespace.
        mapping(bytes32 numberKey => uint256 certificateId) numbers;
        mapping(address registrar => uint64 noticeSeconds) minimumNotice;
        mapping(uint256 certificateId => uint256 nonce) requestNonces;
        /// @dev Retired, with the four fields after it: registrations moved to the Registrations contract. Kept, never
        /// written, so that the layout stays upgrade-safe.
        uint256 registrationCount;
        mapping(uint256 registrationId => RegistrationRecord) registrations;
        mapping(bytes32 voucherKey => uint256 registrationId) vouchers;
        mapping(uint256 licenceId => uint256 registrationId) licenceRegistrations;
        mapping(bytes32 movementKey => uint256 registrationId) transferRegistrations;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Certificates")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _CERTIFICATES_STORAGE =
        0xed5af1c7eaafdac1ac948b77e9d26626b9a41ad4afb763ae9c56067650305800;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRights private immutable _rights;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IPledges private immutable _pledges;

    /// @param consortium_ The Consortium's proxy, whose directory names the Rights and Pledges contracts.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {
        _rights = IRights(_suiteContract(consortium_, SuiteNames.RIGHTS));
        _pledges = IPledges(_suiteContract(consortium_, SuiteNames.PLEDGES));
    }

    /// @notice Set up the proxy's state: the EIP-712 domain of holders' consents.
    function initialize() external initializer {
        __EIP712_init(_DOMAIN_NAME, _DOMAIN_VERSION);
    }

    /// @notice The Rights contract that holds the shares of issued certificates.
    function rights() external view returns (IRights) {
        return _rights;
    }

    /// @notice The Pledges contract whose pledgees consent to a change or cancellation of a pledged certificate.
    function pledges() external view returns (IPledges) {
        return _pledges;
    }

    /// @inheritdoc ICertificates
    function submit(address registrar, Application calldata application) external returns (uint256 certificateId) {
        CertificatesStorage storage $ = _store();
        certificateId = $.certificateCount + 1;
        _checkApplicant(certificateId, registrar);
        $.certificateCount = certificateId;
        _submit($, certificateId, registrar, application);
    }

    /// @inheritdoc ICertificates
    function submitBatch(address registrar, Application[] calldata applications) external returns (uint256 firstId) {
        CertificatesStorage storage $ = _store();
        firstId = $.certificateCount + 1;
        _checkApplicant(firstId, registrar);
        uint256 length = applications.length;
        if (length == 0) revert CertificatesInvalidBatch(0, 0);
        $.certificateCount += length;
        for (uint256 i = 0; i < length; ++i) {
            _submit($, firstId + i, registrar, applications[i]);
        }
    }

    /// @inheritdoc ICertificates
    function returnForCorrection(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _transition(certificateId, record, CertificateStatus.Submitted, CertificateStatus.Returned);
        emit CertificateReturned(certificateId, reasonHash);
    }

    /// @inheritdoc ICertificates
    function resubmit(uint256 certificateId, bytes32 catalogHash) external {
        CertificateRecord storage record = _asHolder(certificateId);
        _checkCatalogHash(catalogHash);
        _transition(certificateId, record, CertificateStatus.Returned, CertificateStatus.Submitted);
        _store().catalogHashes[certificateId][1] = catalogHash;
        emit CertificateResubmitted(certificateId, catalogHash);
    }

    /// @inheritdoc ICertificates
    function accept(uint256 certificateId) external {
        _accept(certificateId);
    }

    /// @inheritdoc ICertificates
    function acceptBatch(uint256[] calldata certificateIds) external {
        if (certificateIds.length == 0) revert CertificatesInvalidBatch(0, 0);
        for (uint256 i = 0; i < certificateIds.length; ++i) {
            _accept(certificateIds[i]);
        }
    }

    /// @inheritdoc ICertificates
    function publicize(uint256 certificateId, uint64 noticeDeadline) external {
        _publicize(certificateId, noticeDeadline);
    }

    /// @inheritdoc ICertificates
    function publicizeBatch(uint256[] calldata certificateIds, uint64 noticeDeadline) external {
        if (certificateIds.length == 0) revert CertificatesInvalidBatch(0, 0);
        for (uint256 i = 0; i < certificateIds.length; ++i) {
            _publicize(certificateIds[i], noticeDeadline);
        }
    }

    /// @inheritdoc ICertificates
    function object(uint256 certificateId, bytes32 reasonHash) external {
        _requireActive(msg.sender, Roles.ANY);
        CertificateRecord storage record = _existing(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.UnderNotice);
        if (block.timestamp >= record.noticeDeadline) {
            revert CertificatesNoticeEnded(certificateId, record.noticeDeadline);
        }
        _transition(certificateId, record, CertificateStatus.UnderNotice, CertificateStatus.Objected);
        emit CertificateObjected(certificateId, msg.sender, reasonHash);
    }

    /// @inheritdoc ICertificates
    function resolveObjection(uint256 certificateId, uint64 noticeDeadline, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (reasonHash == bytes32(0)) revert CertificatesReasonRequired(certificateId);
        if (noticeDeadline == 0) {
            noticeDeadline = uint64(block.timestamp);
        } else if (noticeDeadline <= block.timestamp) {
            revert CertificatesInvalidDeadline(noticeDeadline);
        }
        _transition(certificateId, record, CertificateStatus.Objected, CertificateStatus.UnderNotice);
        record.noticeDeadline = SafeCast.toUint40(noticeDeadline);
        emit CertificateObjectionResolved(certificateId, noticeDeadline, reasonHash);
    }

    /// @inheritdoc ICertificates
    function reject(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _transition(certificateId, record, CertificateStatus.Objected, CertificateStatus.Rejected);
        emit CertificateRejected(certificateId, reasonHash);
    }

    /// @inheritdoc ICertificates
    function refuse(uint256 certificateId, RefusalReason reason, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        CertificateStatus current = record.status;
        if (current == CertificateStatus.Rejected || uint8(current) >= uint8(CertificateStatus.Issued)) {
            revert CertificatesNotUnderReview(certificateId, current);
        }
        if (reason == RefusalReason.None || reasonHash == bytes32(0)) revert CertificatesReasonRequired(certificateId);
        record.status = CertificateStatus.Refused;
        emit CertificateRefused(certificateId, reason, reasonHash);
    }

    /// @inheritdoc ICertificates
    function setMinimumNotice(uint64 noticeSeconds) external {
        _requireActive(msg.sender, Roles.REGISTRAR);
        if (noticeSeconds > _MAX_MINIMUM_NOTICE) revert CertificatesInvalidNoticePeriod(noticeSeconds);
        _store().minimumNotice[msg.sender] = noticeSeconds;
        emit MinimumNoticeSet(msg.sender, noticeSeconds);
    }

    /// @inheritdoc ICertificates
    function minimumNotice(address registrar) external view returns (uint64) {
        return _store().minimumNotice[registrar];
    }

    /// @inheritdoc ICertificates
    function issue(uint256 certificateId, IssueTerms calldata terms) external {
        address holder = _issue(certificateId, terms);
        _rights.mintIssued(certificateId, holder, terms.rights);
    }

    /// @inheritdoc ICertificates
    function issueBatch(uint256[] calldata certificateIds, IssueTerms[] calldata terms) external {
        uint256 length = certificateIds.length;
        if (length == 0 || terms.length != length) revert CertificatesInvalidBatch(length, terms.length);
        for (uint256 i = 0; i < length; ++i) {
            uint256 certificateId = certificateIds[i];
            _rights.mintIssued(certificateId, _issue(certificateId, terms[i]), terms[i].rights);
        }
    }

    /// @inheritdoc ICertificates
    function importIssued(ImportedCertificate[] calldata items) external returns (uint256 firstId) {
        _requireActive(msg.sender, Roles.REGISTRAR);
        uint256 length = items.length;
        if (length == 0) revert CertificatesInvalidBatch(0, 0);
        CertificatesStorage storage $ = _store();
        firstId = $.certificateCount + 1;
        $.certificateCount += length;
        for (uint256 i = 0; i < length; ++i) {
            uint256 certificateId = firstId + i;
            _rights.mintIssued(certificateId, _import($, certificateId, items[i]), RightsMask.ALL);
        }
    }

    /// @inheritdoc ICertificates
    function requestChange(uint256 certificateId, bytes32 catalogHash, HolderConsent[] calldata consents) external {
        CertificateRecord storage record = _asShareholder(certificateId);
        _checkCatalogHash(catalogHash);
        _requireInForce(certificateId, record);
        _setRequest(certificateId, record, CertificateRequest.Change, catalogHash, 0);
        address[] memory consenting =
            _requireMajority(certificateId, record, CertificateRequest.Change, catalogHash, 0, consents);
        emit CertificateChangeRequested(certificateId, catalogHash, msg.sender, consenting);
    }

    /// @inheritdoc ICertificates
    function requestRenewal(uint256 certificateId, uint64 expiry, HolderConsent[] calldata consents) external {
        CertificateRecord storage record = _asShareholder(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.Issued);
        if (expiry <= record.expiry || expiry <= block.timestamp) revert CertificatesInvalidExpiry(expiry);
        _checkAuthorised(certificateId, record, expiry);
        _setRequest(certificateId, record, CertificateRequest.Renewal, bytes32(0), SafeCast.toUint40(expiry));
        address[] memory consenting =
            _requireMajority(certificateId, record, CertificateRequest.Renewal, bytes32(0), expiry, consents);
        emit CertificateRenewalRequested(certificateId, expiry, msg.sender, consenting);
    }

    /// @inheritdoc ICertificates
    function requestCancellation(uint256 certificateId, bytes32 reasonHash, HolderConsent[] calldata consents)
        external
    {
        CertificateRecord storage record = _asShareholder(certificateId);
        _requireInForce(certificateId, record);
        _setRequest(certificateId, record, CertificateRequest.Cancellation, reasonHash, 0);
        address[] memory consenting =
            _requireMajority(certificateId, record, CertificateRequest.Cancellation, reasonHash, 0, consents);
        emit CertificateCancellationRequested(certificateId, reasonHash, msg.sender, consenting);
    }

    /// @inheritdoc ICertificates
    function requestNonce(uint256 certificateId) external view returns (uint256) {
        return _store().requestNonces[certificateId];
    }

    /// @inheritdoc ICertificates
    function approveRequest(uint256 certificateId, string calldata number, uint256[] calldata pledgeIds) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.Issued);
        CertificateRequest request = record.pendingRequest;
        if (request == CertificateRequest.None) revert CertificatesNoPendingRequest(certificateId);
        bytes32 requestedHash = record.requestedHash;
        uint40 requestedExpiry = record.requestedExpiry;
        if (request == CertificateRequest.Change) {
            // The change takes effect now: the pledgee of every active pledge on the certificate consents to it.
            _pledges.requireCertificateActConsent(
                certificateId, pledgeIds, _actHash(certificateId, record.version, request, requestedHash)
            );
        }
        _clearRequest(record);

        if (request == CertificateRequest.Cancellation) {
            if (bytes(number).length != 0) revert CertificatesInvalidNumber(number);
            _cancel(certificateId, record, requestedHash, pledgeIds);
            return;
        }
        _claimNumber(certificateId, number);
        record.number = number;
        if (request == CertificateRequest.Change) {
            uint32 version = record.version + 1;
            record.version = version;
            _store().catalogHashes[certificateId][version] = requestedHash;
            emit CertificateChanged(certificateId, version, requestedHash, number);
        } else {
            // A renewal only extends the collateral's life: it needs no pledgee's consent.
            if (requestedExpiry <= block.timestamp) revert CertificatesInvalidExpiry(requestedExpiry);
            record.expiry = requestedExpiry;
            emit CertificateRenewed(certificateId, requestedExpiry, number);
        }
    }

    /// @inheritdoc ICertificates
    function declineRequest(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        CertificateRequest request = record.pendingRequest;
        if (request == CertificateRequest.None) revert CertificatesNoPendingRequest(certificateId);
        _clearRequest(record);
        emit CertificateRequestDeclined(certificateId, request, reasonHash);
    }

    /// @inheritdoc ICertificates
    function suspend(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _transition(certificateId, record, CertificateStatus.Issued, CertificateStatus.Suspended);
        emit CertificateSuspended(certificateId, reasonHash);
    }

    /// @inheritdoc ICertificates
    function reinstate(uint256 certificateId) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _transition(certificateId, record, CertificateStatus.Suspended, CertificateStatus.Issued);
        emit CertificateReinstated(certificateId);
    }

    /// @inheritdoc ICertificates
    function cancel(uint256 certificateId, bytes32 reasonHash, uint256[] calldata pledgeIds) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (record.status != CertificateStatus.Suspended) {
            _requireStatus(certificateId, record, CertificateStatus.Issued);
        }
        if (record.pendingRequest != CertificateRequest.None) _clearRequest(record);
        _cancel(certificateId, record, reasonHash, pledgeIds);
    }

    /// @inheritdoc ICertificates
    function certificateActHash(uint256 certificateId, CertificateRequest act, bytes32 requestedHash)
        external
        view
        returns (bytes32)
    {
        return _actHash(certificateId, _existing(certificateId).version, act, requestedHash);
    }

    /// @inheritdoc ICertificates
    function lodgeObjection(uint256 certificateId, address objector, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (record.status != CertificateStatus.Suspended) {
            _requireStatus(certificateId, record, CertificateStatus.Issued);
        }
        if (reasonHash == bytes32(0)) revert CertificatesReasonRequired(certificateId);
        if (record.disputed) revert CertificatesAlreadyDisputed(certificateId);
        record.disputed = true;
        emit CertificateDisputed(certificateId, objector, reasonHash);
    }

    /// @inheritdoc ICertificates
    function resolveDispute(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (!record.disputed) revert CertificatesNotDisputed(certificateId);
        if (reasonHash == bytes32(0)) revert CertificatesReasonRequired(certificateId);
        record.disputed = false;
        emit CertificateDisputeResolved(certificateId, reasonHash);
    }

    /// @inheritdoc ICertificates
    function reassign(uint256[] calldata certificateIds, address to) external {
        if (msg.sender != _consortium.admin()) revert CertificatesUnauthorizedGovernance(msg.sender);
        if (certificateIds.length == 0) revert CertificatesInvalidBatch(0, 0);
        _requireActive(to, Roles.REGISTRAR);
        for (uint256 i = 0; i < certificateIds.length; ++i) {
            uint256 certificateId = certificateIds[i];
            CertificateRecord storage record = _existing(certificateId);
            CertificateStatus current = record.status;
            if (
                current == CertificateStatus.Rejected || current == CertificateStatus.Cancelled
                    || current == CertificateStatus.Refused
            ) revert CertificatesClosed(certificateId, current);
            address from = record.registrar;
            if (_consortium.isActive(from, Roles.ANY)) {
                revert CertificatesRegistrarNotSuspended(certificateId, from);
            }
            if (record.holder == to) revert CertificatesOwnApplication(certificateId, to);
            record.registrar = to;
            emit CertificateReassigned(certificateId, from, to);
        }
    }

    /// @inheritdoc ICertificates
    function isInForce(uint256 certificateId) external view returns (bool) {
        CertificateRecord storage record = _store().certificates[certificateId];
        return record.status == CertificateStatus.Issued && block.timestamp < record.expiry;
    }

    /// @inheritdoc ICertificates
    function certificate(uint256 certificateId) external view returns (Certificate memory) {
        CertificateRecord storage record = _existing(certificateId);
        uint256 version = record.version;
        return Certificate({
            status: record.status,
            holder: record.holder,
            registrar: record.registrar,
            version: version,
            catalogHash: _store().catalogHashes[certificateId][version],
            noticeDeadline: record.noticeDeadline,
            expiry: record.expiry,
            pendingRequest: record.pendingRequest,
            requestedHash: record.requestedHash,
            requestedExpiry: record.requestedExpiry,
            number: record.number,
            submittedAt: record.submittedAt,
            issuedAt: record.issuedAt,
            imported: record.imported,
            rightsClaimed: record.rightsClaimed,
            rightsGranted: record.rightsGranted,
            authorisedUntil: record.authorisedUntil,
            disputed: record.disputed,
            registrationNumber: record.registrationNumber
        });
    }

    /// @inheritdoc ICertificates
    function catalogHashAt(uint256 certificateId, uint256 version) external view returns (bytes32) {
        return _store().catalogHashes[certificateId][version];
    }

    /// @inheritdoc ICertificates
    function certificateByNumber(string calldata number) external view returns (uint256) {
        return _store().numbers[keccak256(bytes(number))];
    }

    /// @inheritdoc ICertificates
    function certificateCount() external view returns (uint256) {
        return _store().certificateCount;
    }

    /// @dev The caller must be an active MERCHANT, and `registrar` an active REGISTRAR other than the caller.
    function _checkApplicant(uint256 certificateId, address registrar) private view {
        _requireActive(msg.sender, Roles.MERCHANT);
        _requireActive(registrar, Roles.REGISTRAR);
        if (registrar == msg.sender) revert CertificatesOwnApplication(certificateId, registrar);
    }

    /// @dev The one write path of a new application, followed by its event.
    function _submit(
        CertificatesStorage storage $,
        uint256 certificateId,
        address registrar,
        Application calldata application
    ) private {
        bytes32 catalogHash = application.catalogHash;
        _checkCatalogHash(catalogHash);
        uint8 rights = application.rights;
        if (!RightsMask.isValid(rights)) revert CertificatesInvalidRights(rights);
        uint64 authorisedUntil = application.authorisedUntil;
        if (authorisedUntil != 0 && (authorisedUntil <= block.timestamp || authorisedUntil > type(uint40).max)) {
            revert CertificatesInvalidAuthorisation(authorisedUntil);
        }
        CertificateRecord storage record = $.certificates[certificateId];
        record.holder = msg.sender;
        record.status = CertificateStatus.Submitted;
        record.registrar = registrar;
        record.version = 1;
        record.submittedAt = uint40(block.timestamp);
        record.rightsClaimed = rights;
        record.authorisedUntil = uint40(authorisedUntil);
        $.catalogHashes[certificateId][1] = catalogHash;
        emit CertificateSubmitted(certificateId, msg.sender, registrar, catalogHash, rights, authorisedUntil);
    }

    function _accept(uint256 certificateId) private {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _transition(certificateId, record, CertificateStatus.Submitted, CertificateStatus.Accepted);
        emit CertificateAccepted(certificateId);
    }

    function _publicize(uint256 certificateId, uint64 noticeDeadline) private {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (noticeDeadline <= block.timestamp) revert CertificatesInvalidDeadline(noticeDeadline);
        _transition(certificateId, record, CertificateStatus.Accepted, CertificateStatus.UnderNotice);
        uint64 earliest = uint64(block.timestamp) + _store().minimumNotice[msg.sender];
        if (noticeDeadline < earliest) revert CertificatesNoticeTooShort(certificateId, noticeDeadline, earliest);
        record.noticeDeadline = SafeCast.toUint40(noticeDeadline);
        emit CertificatePublicized(certificateId, noticeDeadline);
    }

    /// @dev Checks and records an issue; returns the applicant, to whom the caller mints the rights granted.
    function _issue(uint256 certificateId, IssueTerms calldata terms) private returns (address holder) {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.UnderNotice);
        if (block.timestamp < record.noticeDeadline) {
            revert CertificatesNoticeNotEnded(certificateId, record.noticeDeadline);
        }
        uint64 expiry = terms.expiry;
        if (expiry <= block.timestamp) revert CertificatesInvalidExpiry(expiry);
        _checkAuthorised(certificateId, record, expiry);
        uint8 rights = terms.rights;
        if (!RightsMask.isValid(rights)) revert CertificatesInvalidRights(rights);
        if (rights & record.rightsClaimed != rights) {
            revert CertificatesRightsNotClaimed(certificateId, rights, record.rightsClaimed);
        }
        _checkRegistrationNumber(terms.registrationNumber);
        _claimNumber(certificateId, terms.registrationNumber);
        _claimNumber(certificateId, terms.number);

        holder = record.holder;
        record.status = CertificateStatus.Issued;
        record.expiry = SafeCast.toUint40(expiry);
        record.issuedAt = uint40(block.timestamp);
        record.number = terms.number;
        record.registrationNumber = terms.registrationNumber;
        record.rightsGranted = rights;
        emit CertificateIssued(
            certificateId, msg.sender, holder, terms.registrationNumber, terms.number, expiry, rights
        );
    }

    /// @dev Checks and records one imported certificate; returns its holder.
    function _import(CertificatesStorage storage $, uint256 certificateId, ImportedCertificate calldata item)
        private
        returns (address holder)
    {
        holder = item.holder;
        _requireActive(holder, Roles.MERCHANT);
        _checkCatalogHash(item.catalogHash);
        CertificateRecord storage record = $.certificates[certificateId];
        if (item.submittedAt > item.issuedAt || item.issuedAt > block.timestamp) {
            revert CertificatesInvalidImportDates(item.submittedAt, item.issuedAt);
        }
        if (item.expiry <= block.timestamp) revert CertificatesInvalidExpiry(item.expiry);
        if (bytes(item.registrationNumber).length != 0) {
            _checkRegistrationNumber(item.registrationNumber);
            _claimNumber(certificateId, item.registrationNumber);
            record.registrationNumber = item.registrationNumber;
        }
        _claimNumber(certificateId, item.number);

        record.holder = holder;
        record.expiry = SafeCast.toUint40(item.expiry);
        record.issuedAt = SafeCast.toUint40(item.issuedAt);
        record.status = CertificateStatus.Issued;
        record.registrar = msg.sender;
        record.version = 1;
        record.submittedAt = SafeCast.toUint40(item.submittedAt);
        record.imported = true;
        record.number = item.number;
        record.rightsClaimed = RightsMask.ALL;
        record.rightsGranted = RightsMask.ALL;
        $.catalogHashes[certificateId][1] = item.catalogHash;
        emit CertificateImported(
            certificateId,
            msg.sender,
            holder,
            item.catalogHash,
            item.number,
            item.registrationNumber,
            item.submittedAt,
            item.issuedAt,
            item.expiry
        );
    }

    /// @dev Reserve `number` (a registration or certificate number) for `certificateId`: 1 to 64 bytes, and not
    /// yet taken by any certificate of the consortium.
    function _claimNumber(uint256 certificateId, string calldata number) private {
        uint256 length = bytes(number).length;
        if (length == 0 || length > _MAX_NUMBER_LENGTH) revert CertificatesInvalidNumber(number);
        CertificatesStorage storage $ = _store();
        bytes32 key = keccak256(bytes(number));
        uint256 taken = $.numbers[key];
        if (taken != 0) revert CertificatesNumberTaken(number, taken);
        $.numbers[key] = certificateId;
    }

    /// @dev A registration number: up to 8 upper-case letters, 8 to 22 digits, and the ISO 7064 MOD 11-2 check
    /// character of those digits (`0`-`9`, or `X` for 10).
    function _checkRegistrationNumber(string calldata registrationNumber) private pure {
        if (!_isRegistrationNumber(bytes(registrationNumber))) {
            revert CertificatesInvalidRegistrationNumber(registrationNumber);
        }
    }

    function _isRegistrationNumber(bytes calldata text) private pure returns (bool) {
        uint256 length = text.length;
        uint256 i = 0;
        while (i < length && text[i] >= "A" && text[i] <= "Z") ++i;
        uint256 digits = length > i ? length - i - 1 : 0;
        if (i > 8 || digits < 8 || digits > 22) return false;
        uint256 remainder = 0;
        for (uint256 end = length - 1; i < end; ++i) {
            uint8 digit = uint8(text[i]);
            if (digit < 48 || digit > 57) return false;
            remainder = ((remainder + digit - 48) * 2) % 11;
        }
        uint256 check = (12 - remainder) % 11;
        return text[length - 1] == (check == 10 ? bytes1("X") : bytes1(uint8(48 + check)));
    }

    /// @dev An expiry must not pass the end of the source authorisation the application declared (0: none).
    function _checkAuthorised(uint256 certificateId, CertificateRecord storage record, uint64 expiry) private view {
        uint40 authorisedUntil = record.authorisedUntil;
        if (authorisedUntil != 0 && expiry > authorisedUntil) {
            revert CertificatesExpiryBeyondAuthorisation(certificateId, expiry, authorisedUntil);
        }
    }

    /// @dev The rights an issued certificate grants (one issued before rights were claimed grants all three).
    function _granted(CertificateRecord storage record) private view returns (uint8) {
        uint8 granted = record.rightsGranted;
        return granted == 0 ? RightsMask.ALL : granted;
    }

    /// @dev Checks that the holders asking hold more than half of the leading right: the caller, with a share of
    /// it, and each consenting holder (another active holder of it, once, signing this request before its
    /// deadline). Consumes the certificate's request nonce; returns the consenting holders.
    function _requireMajority(
        uint256 certificateId,
        CertificateRecord storage record,
        CertificateRequest request,
        bytes32 requestedHash,
        uint64 requestedExpiry,
        HolderConsent[] calldata consents
    ) private returns (address[] memory consenting) {
        RequestTerms memory terms = RequestTerms({
            certificateId: certificateId,
            request: request,
            requestedHash: requestedHash,
            requestedExpiry: requestedExpiry,
            nonce: _store().requestNonces[certificateId]++,
            leading: RightsMask.leading(_granted(record))
        });
        uint256 total = _rights.sharesOf(certificateId, terms.leading, msg.sender);
        uint256 count = consents.length;
        consenting = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            address holder = consents[i].holder;
            if (holder == msg.sender) revert CertificatesDuplicateConsent(holder);
            for (uint256 j = 0; j < i; ++j) {
                if (consenting[j] == holder) revert CertificatesDuplicateConsent(holder);
            }
            total += _consentedShares(terms, consents[i]);
            consenting[i] = holder;
        }
        if (total * 2 <= _TOTAL_SHARES) revert CertificatesNoMajority(certificateId, total);
    }

    /// @dev The shares of the leading right that a valid consent brings.
    function _consentedShares(RequestTerms memory terms, HolderConsent calldata consent) private view returns (uint256) {
        address holder = consent.holder;
        _requireActive(holder, Roles.HOLDERS);
        if (block.timestamp > consent.deadline) revert CertificatesConsentExpired(holder, consent.deadline);
        bytes32 digest = _consentDigest(holder, msg.sender, terms, consent.deadline);
        if (!SignatureChecker.isValidSignatureNowCalldata(holder, digest, consent.signature)) {
            revert CertificatesInvalidConsent(holder);
        }
        uint256 held = _rights.sharesOf(terms.certificateId, terms.leading, holder);
        if (held == 0) revert CertificatesUnauthorizedHolder(terms.certificateId, holder);
        return held;
    }

    function _consentDigest(address holder, address requester, RequestTerms memory terms, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    REQUEST_CONSENT_TYPEHASH,
                    holder,
                    requester,
                    terms.certificateId,
                    uint8(terms.request),
                    terms.requestedHash,
                    terms.requestedExpiry,
                    terms.nonce,
                    deadline
                )
            )
        );
    }

    /// @dev The caller must be an active REGISTRAR and the certificate's registrar.
    function _asRegistrar(uint256 certificateId) private view returns (CertificateRecord storage record) {
        _requireActive(msg.sender, Roles.REGISTRAR);
        record = _existing(certificateId);
        if (record.registrar != msg.sender) revert CertificatesUnauthorizedRegistrar(certificateId, msg.sender);
    }

    /// @dev The caller must be an active MERCHANT and the certificate's applicant (before issue).
    function _asHolder(uint256 certificateId) private view returns (CertificateRecord storage record) {
        _requireActive(msg.sender, Roles.MERCHANT);
        record = _existing(certificateId);
        if (record.holder != msg.sender) revert CertificatesUnauthorizedHolder(certificateId, msg.sender);
    }

    /// @dev The caller must be an active MERCHANT or BANK owning shares of the certificate's leading right.
    function _asShareholder(uint256 certificateId) private view returns (CertificateRecord storage record) {
        _requireActive(msg.sender, Roles.HOLDERS);
        record = _existing(certificateId);
        if (_rights.sharesOf(certificateId, RightsMask.leading(_granted(record)), msg.sender) == 0) {
            revert CertificatesUnauthorizedHolder(certificateId, msg.sender);
        }
    }

    function _existing(uint256 certificateId) private view returns (CertificateRecord storage record) {
        record = _store().certificates[certificateId];
        if (record.status == CertificateStatus.None) revert CertificatesUnknownCertificate(certificateId);
    }

    function _requireStatus(uint256 certificateId, CertificateRecord storage record, CertificateStatus expected)
        private
        view
    {
        CertificateStatus current = record.status;
        if (current != expected) revert CertificatesInvalidStatus(certificateId, current, expected);
    }

    function _requireInForce(uint256 certificateId, CertificateRecord storage record) private view {
        _requireStatus(certificateId, record, CertificateStatus.Issued);
        if (block.timestamp >= record.expiry) revert CertificatesExpired(certificateId, record.expiry);
    }

    /// @dev The one write path of a lifecycle step between review states; the caller emits the step's event.
    function _transition(
        uint256 certificateId,
        CertificateRecord storage record,
        CertificateStatus from,
        CertificateStatus to
    ) private {
        _requireStatus(certificateId, record, from);
        record.status = to;
    }

    function _setRequest(
        uint256 certificateId,
        CertificateRecord storage record,
        CertificateRequest request,
        bytes32 requestedHash,
        uint40 requestedExpiry
    ) private {
        CertificateRequest pending = record.pendingRequest;
        if (pending != CertificateRequest.None) revert CertificatesRequestPending(certificateId, pending);
        record.pendingRequest = request;
        record.requestedExpiry = requestedExpiry;
        record.requestedHash = requestedHash;
    }

    function _clearRequest(CertificateRecord storage record) private {
        record.pendingRequest = CertificateRequest.None;
        record.requestedExpiry = 0;
        record.requestedHash = bytes32(0);
    }

    /// @dev The one write path of a cancellation, followed by its event; then the Pledges contract checks that the
    /// pledgee of every active pledge on the certificate consented to it, and releases those pledges.
    function _cancel(
        uint256 certificateId,
        CertificateRecord storage record,
        bytes32 reasonHash,
        uint256[] calldata pledgeIds
    ) private {
        bytes32 act = _actHash(certificateId, record.version, CertificateRequest.Cancellation, reasonHash);
        record.status = CertificateStatus.Cancelled;
        emit CertificateCancelled(certificateId, reasonHash);
        _pledges.releaseOnCancellation(certificateId, pledgeIds, act);
    }

    /// @dev The one definition of a certificate act's hash, which pledgees consent to: the act (a change or a
    /// cancellation), the certificate and its current version, and the requested catalog hash or the reason's hash.
    function _actHash(uint256 certificateId, uint256 version, CertificateRequest act, bytes32 requestedHash)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(_CERTIFICATE_ACT, certificateId, version, act, requestedHash));
    }

    function _checkCatalogHash(bytes32 catalogHash) private pure {
        if (catalogHash == bytes32(0)) revert CertificatesInvalidCatalogHash(catalogHash);
    }

    function _store() private pure returns (CertificatesStorage storage $) {
        assembly {
            $.slot := _CERTIFICATES_STORAGE
        }
    }

    /// @dev The domain's name from code rather than storage (the same text {initialize} stores).
    function _EIP712Name() internal pure override returns (string memory) {
        return _DOMAIN_NAME;
    }

    /// @dev The domain's version from code rather than storage (the same text {initialize} stores).
    function _EIP712Version() internal pure override returns (string memory) {
        return _DOMAIN_VERSION;
    }
}
