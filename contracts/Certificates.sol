// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {MemberReplica} from "./base/MemberReplica.sol";
import {ICertificates} from "./interfaces/ICertificates.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IRights} from "./interfaces/IRights.sol";
import {CertificateRequest} from "./types/CertificateRequest.sol";
import {CertificateStatus} from "./types/CertificateStatus.sol";
import {Roles} from "./types/Roles.sol";

/// @title Certificates
/// @notice Registration certificates of data assets, from application to cancellation.
contract Certificates is ICertificates, MemberReplica {
    /// @dev Slot 0 holds everything the in-force check and the lifecycle read; slot 1 the registrar and the
    /// pending renewal; slot 2 the pending request's hash. Catalog hashes per version live in `_catalogHashes`.
    struct CertificateRecord {
        address holder;
        uint40 expiry;
        uint40 noticeDeadline;
        CertificateStatus status;
        CertificateRequest pendingRequest;
        address registrar;
        uint32 version;
        uint40 requestedExpiry;
        bytes32 requestedHash;
    }

    IRights private immutable _rights;

    uint256 private _certificateCount;
    mapping(uint256 certificateId => CertificateRecord) private _certificates;
    mapping(uint256 certificateId => mapping(uint256 version => bytes32 catalogHash)) private _catalogHashes;
    mapping(bytes32 numberKey => uint256 certificateId) private _numbers;

    /// @param consortium_ The Consortium, the only writer of this contract's member records.
    /// @param rights_ The Rights contract that mints the three rights at issue.
    constructor(IConsortium consortium_, IRights rights_) MemberReplica(consortium_) {
        _rights = rights_;
    }

    /// @notice The Rights contract that holds the shares of issued certificates.
    function rights() external view returns (IRights) {
        return _rights;
    }

    /// @inheritdoc ICertificates
    function submit(address registrar, bytes32 catalogHash) external returns (uint256 certificateId) {
        _requireActive(msg.sender, Roles.MERCHANT);
        _requireActive(registrar, Roles.REGISTRAR);
        _checkCatalogHash(catalogHash);

        certificateId = ++_certificateCount;
        CertificateRecord storage record = _certificates[certificateId];
        record.holder = msg.sender;
        record.registrar = registrar;
        record.version = 1;
        record.status = CertificateStatus.Submitted;
        _catalogHashes[certificateId][1] = catalogHash;
        emit CertificateSubmitted(certificateId, msg.sender, registrar, catalogHash);
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
        _catalogHashes[certificateId][1] = catalogHash;
        emit CertificateResubmitted(certificateId, catalogHash);
    }

    /// @inheritdoc ICertificates
    function accept(uint256 certificateId) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _transition(certificateId, record, CertificateStatus.Submitted, CertificateStatus.Accepted);
        emit CertificateAccepted(certificateId);
    }

    /// @inheritdoc ICertificates
    function publicize(uint256 certificateId, uint64 noticeDeadline) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (noticeDeadline <= block.timestamp) revert CertificatesInvalidDeadline(noticeDeadline);
        _transition(certificateId, record, CertificateStatus.Accepted, CertificateStatus.UnderNotice);
        record.noticeDeadline = SafeCast.toUint40(noticeDeadline);
        emit CertificatePublicized(certificateId, noticeDeadline);
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
    function resolveObjection(uint256 certificateId, uint64 noticeDeadline) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (noticeDeadline == 0) {
            noticeDeadline = uint64(block.timestamp);
        } else if (noticeDeadline <= block.timestamp) {
            revert CertificatesInvalidDeadline(noticeDeadline);
        }
        _transition(certificateId, record, CertificateStatus.Objected, CertificateStatus.UnderNotice);
        record.noticeDeadline = SafeCast.toUint40(noticeDeadline);
        emit CertificateObjectionResolved(certificateId, noticeDeadline);
    }

    /// @inheritdoc ICertificates
    function reject(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _transition(certificateId, record, CertificateStatus.Objected, CertificateStatus.Rejected);
        emit CertificateRejected(certificateId, reasonHash);
    }

    /// @inheritdoc ICertificates
    function issue(uint256 certificateId, string calldata number, uint64 expiry) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.UnderNotice);
        if (block.timestamp < record.noticeDeadline) {
            revert CertificatesNoticeNotEnded(certificateId, record.noticeDeadline);
        }
        if (bytes(number).length == 0) revert CertificatesInvalidNumber(number);
        if (expiry <= block.timestamp) revert CertificatesInvalidExpiry(expiry);
        bytes32 key = _numberKey(msg.sender, number);
        uint256 taken = _numbers[key];
        if (taken != 0) revert CertificatesNumberTaken(msg.sender, number, taken);

        _numbers[key] = certificateId;
        address holder = record.holder;
        record.status = CertificateStatus.Issued;
        record.expiry = SafeCast.toUint40(expiry);
        emit CertificateIssued(certificateId, msg.sender, holder, number, expiry);

        _rights.mintIssued(certificateId, holder);
    }

    /// @inheritdoc ICertificates
    function requestChange(uint256 certificateId, bytes32 catalogHash) external {
        CertificateRecord storage record = _asHolder(certificateId);
        _checkCatalogHash(catalogHash);
        _requireInForce(certificateId, record);
        _setRequest(certificateId, record, CertificateRequest.Change, catalogHash, 0);
        emit CertificateChangeRequested(certificateId, catalogHash);
    }

    /// @inheritdoc ICertificates
    function requestRenewal(uint256 certificateId, uint64 expiry) external {
        CertificateRecord storage record = _asHolder(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.Issued);
        if (expiry <= record.expiry || expiry <= block.timestamp) revert CertificatesInvalidExpiry(expiry);
        _setRequest(certificateId, record, CertificateRequest.Renewal, bytes32(0), SafeCast.toUint40(expiry));
        emit CertificateRenewalRequested(certificateId, expiry);
    }

    /// @inheritdoc ICertificates
    function requestCancellation(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asHolder(certificateId);
        _requireInForce(certificateId, record);
        _setRequest(certificateId, record, CertificateRequest.Cancellation, reasonHash, 0);
        emit CertificateCancellationRequested(certificateId, reasonHash);
    }

    /// @inheritdoc ICertificates
    function approveRequest(uint256 certificateId) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.Issued);
        CertificateRequest request = record.pendingRequest;
        if (request == CertificateRequest.None) revert CertificatesNoPendingRequest(certificateId);
        bytes32 requestedHash = record.requestedHash;
        uint40 requestedExpiry = record.requestedExpiry;
        _clearRequest(record);

        if (request == CertificateRequest.Change) {
            uint32 version = record.version + 1;
            record.version = version;
            _catalogHashes[certificateId][version] = requestedHash;
            emit CertificateChanged(certificateId, version, requestedHash);
        } else if (request == CertificateRequest.Renewal) {
            if (requestedExpiry <= block.timestamp) revert CertificatesInvalidExpiry(requestedExpiry);
            record.expiry = requestedExpiry;
            emit CertificateRenewed(certificateId, requestedExpiry);
        } else {
            record.status = CertificateStatus.Cancelled;
            emit CertificateCancelled(certificateId, requestedHash);
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
    function cancel(uint256 certificateId, bytes32 reasonHash) external {
        CertificateRecord storage record = _asRegistrar(certificateId);
        if (record.status != CertificateStatus.Suspended) {
            _requireStatus(certificateId, record, CertificateStatus.Issued);
        }
        if (record.pendingRequest != CertificateRequest.None) _clearRequest(record);
        record.status = CertificateStatus.Cancelled;
        emit CertificateCancelled(certificateId, reasonHash);
    }

    /// @inheritdoc ICertificates
    function isInForce(uint256 certificateId) external view returns (bool) {
        CertificateRecord storage record = _certificates[certificateId];
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
            catalogHash: _catalogHashes[certificateId][version],
            noticeDeadline: record.noticeDeadline,
            expiry: record.expiry,
            pendingRequest: record.pendingRequest,
            requestedHash: record.requestedHash,
            requestedExpiry: record.requestedExpiry
        });
    }

    /// @inheritdoc ICertificates
    function catalogHashAt(uint256 certificateId, uint256 version) external view returns (bytes32) {
        return _catalogHashes[certificateId][version];
    }

    /// @inheritdoc ICertificates
    function certificateByNumber(address registrar, string calldata number) external view returns (uint256) {
        return _numbers[_numberKey(registrar, number)];
    }

    /// @inheritdoc ICertificates
    function certificateCount() external view returns (uint256) {
        return _certificateCount;
    }

    /// @dev The caller must be an active REGISTRAR and the certificate's registrar.
    function _asRegistrar(uint256 certificateId) private view returns (CertificateRecord storage record) {
        _requireActive(msg.sender, Roles.REGISTRAR);
        record = _existing(certificateId);
        if (record.registrar != msg.sender) revert CertificatesUnauthorizedRegistrar(certificateId, msg.sender);
    }

    /// @dev The caller must be an active MERCHANT and the certificate's holder.
    function _asHolder(uint256 certificateId) private view returns (CertificateRecord storage record) {
        _requireActive(msg.sender, Roles.MERCHANT);
        record = _existing(certificateId);
        if (record.holder != msg.sender) revert CertificatesUnauthorizedHolder(certificateId, msg.sender);
    }

    function _existing(uint256 certificateId) private view returns (CertificateRecord storage record) {
        record = _certificates[certificateId];
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

    function _checkCatalogHash(bytes32 catalogHash) private pure {
        if (catalogHash == bytes32(0)) revert CertificatesInvalidCatalogHash(catalogHash);
    }

    function _numberKey(address registrar, string calldata number) private pure returns (bytes32) {
        return keccak256(abi.encode(registrar, keccak256(bytes(number))));
    }
}
