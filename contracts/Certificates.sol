// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {SuiteContract} from "./base/SuiteContract.sol";
import {ICertificates} from "./interfaces/ICertificates.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IRights} from "./interfaces/IRights.sol";
import {CertificateRequest} from "./types/CertificateRequest.sol";
import {CertificateStatus} from "./types/CertificateStatus.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title Certificates
/// @notice Registration certificates of data assets, from application to cancellation.
contract Certificates is ICertificates, SuiteContract {
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
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.Certificates
    struct CertificatesStorage {
        uint256 certificateCount;
        mapping(uint256 certificateId => CertificateRecord) certificates;
        mapping(uint256 certificateId => mapping(uint256 version => bytes32 catalogHash)) catalogHashes;
        mapping(bytes32 numberKey => uint256 certificateId) numbers;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Certificates")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _CERTIFICATES_STORAGE =
        0xed5af1c7eaafdac1ac948b77e9d26626b9a41ad4afb763ae9c56067650305800;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRights private immutable _rights;

    /// @param consortium_ The Consortium's proxy, whose directory names the Rights contract.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {
        _rights = IRights(_suiteContract(consortium_, SuiteNames.RIGHTS));
    }

    /// @notice Set up the proxy's state (nothing to set today; kept for the proxy's first call).
    function initialize() external initializer {}

    /// @notice The Rights contract that holds the shares of issued certificates.
    function rights() external view returns (IRights) {
        return _rights;
    }

    /// @inheritdoc ICertificates
    function submit(address registrar, bytes32 catalogHash) external returns (uint256 certificateId) {
        _requireActive(msg.sender, Roles.MERCHANT);
        _requireActive(registrar, Roles.REGISTRAR);
        CertificatesStorage storage $ = _store();
        certificateId = ++$.certificateCount;
        _submit($, certificateId, registrar, catalogHash);
    }

    /// @inheritdoc ICertificates
    function submitBatch(address registrar, bytes32[] calldata catalogHashes) external returns (uint256 firstId) {
        _requireActive(msg.sender, Roles.MERCHANT);
        _requireActive(registrar, Roles.REGISTRAR);
        uint256 length = catalogHashes.length;
        if (length == 0) revert CertificatesInvalidBatch(0, 0);
        CertificatesStorage storage $ = _store();
        firstId = $.certificateCount + 1;
        $.certificateCount += length;
        for (uint256 i = 0; i < length; ++i) {
            _submit($, firstId + i, registrar, catalogHashes[i]);
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
        address holder = _issue(certificateId, number, expiry);
        _rights.mintIssued(certificateId, holder);
    }

    /// @inheritdoc ICertificates
    function issueBatch(uint256[] calldata certificateIds, string[] calldata numbers, uint64[] calldata expiries)
        external
    {
        uint256 length = certificateIds.length;
        if (length == 0 || numbers.length != length) revert CertificatesInvalidBatch(length, numbers.length);
        if (expiries.length != length) revert CertificatesInvalidBatch(length, expiries.length);
        for (uint256 i = 0; i < length; ++i) {
            uint256 certificateId = certificateIds[i];
            _rights.mintIssued(certificateId, _issue(certificateId, numbers[i], expiries[i]));
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
            _rights.mintIssued(certificateId, _import($, certificateId, items[i]));
        }
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
            _store().catalogHashes[certificateId][version] = requestedHash;
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
            imported: record.imported
        });
    }

    /// @inheritdoc ICertificates
    function catalogHashAt(uint256 certificateId, uint256 version) external view returns (bytes32) {
        return _store().catalogHashes[certificateId][version];
    }

    /// @inheritdoc ICertificates
    function certificateByNumber(address registrar, string calldata number) external view returns (uint256) {
        return _store().numbers[_numberKey(registrar, number)];
    }

    /// @inheritdoc ICertificates
    function certificateCount() external view returns (uint256) {
        return _store().certificateCount;
    }

    /// @dev The one write path of a new application, followed by its event.
    function _submit(CertificatesStorage storage $, uint256 certificateId, address registrar, bytes32 catalogHash)
        private
    {
        _checkCatalogHash(catalogHash);
        CertificateRecord storage record = $.certificates[certificateId];
        record.holder = msg.sender;
        record.status = CertificateStatus.Submitted;
        record.registrar = registrar;
        record.version = 1;
        record.submittedAt = uint40(block.timestamp);
        $.catalogHashes[certificateId][1] = catalogHash;
        emit CertificateSubmitted(certificateId, msg.sender, registrar, catalogHash);
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
        record.noticeDeadline = SafeCast.toUint40(noticeDeadline);
        emit CertificatePublicized(certificateId, noticeDeadline);
    }

    /// @dev Checks and records an issue; returns the holder, to whom the caller mints the three rights.
    function _issue(uint256 certificateId, string calldata number, uint64 expiry) private returns (address holder) {
        CertificateRecord storage record = _asRegistrar(certificateId);
        _requireStatus(certificateId, record, CertificateStatus.UnderNotice);
        if (block.timestamp < record.noticeDeadline) {
            revert CertificatesNoticeNotEnded(certificateId, record.noticeDeadline);
        }
        if (expiry <= block.timestamp) revert CertificatesInvalidExpiry(expiry);
        _claimNumber(certificateId, number);

        holder = record.holder;
        record.status = CertificateStatus.Issued;
        record.expiry = SafeCast.toUint40(expiry);
        record.issuedAt = uint40(block.timestamp);
        record.number = number;
        emit CertificateIssued(certificateId, msg.sender, holder, number, expiry);
    }

    /// @dev Checks and records one imported certificate; returns its holder.
    function _import(CertificatesStorage storage $, uint256 certificateId, ImportedCertificate calldata item)
        private
        returns (address holder)
    {
        holder = item.holder;
        _requireActive(holder, Roles.MERCHANT);
        _checkCatalogHash(item.catalogHash);
        if (item.submittedAt > item.issuedAt || item.issuedAt > block.timestamp) {
            revert CertificatesInvalidImportDates(item.submittedAt, item.issuedAt);
        }
        if (item.expiry <= block.timestamp) revert CertificatesInvalidExpiry(item.expiry);
        _claimNumber(certificateId, item.number);

        CertificateRecord storage record = $.certificates[certificateId];
        record.holder = holder;
        record.expiry = SafeCast.toUint40(item.expiry);
        record.issuedAt = SafeCast.toUint40(item.issuedAt);
        record.status = CertificateStatus.Issued;
        record.registrar = msg.sender;
        record.version = 1;
        record.submittedAt = SafeCast.toUint40(item.submittedAt);
        record.imported = true;
        record.number = item.number;
        $.catalogHashes[certificateId][1] = item.catalogHash;
        emit CertificateImported(
            certificateId,
            msg.sender,
            holder,
            item.catalogHash,
            item.number,
            item.submittedAt,
            item.issuedAt,
            item.expiry
        );
    }

    /// @dev Reserve `number` of the calling registrar for `certificateId`: non-empty and not yet taken.
    function _claimNumber(uint256 certificateId, string calldata number) private {
        if (bytes(number).length == 0) revert CertificatesInvalidNumber(number);
        CertificatesStorage storage $ = _store();
        bytes32 key = _numberKey(msg.sender, number);
        uint256 taken = $.numbers[key];
        if (taken != 0) revert CertificatesNumberTaken(msg.sender, number, taken);
        $.numbers[key] = certificateId;
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

    function _checkCatalogHash(bytes32 catalogHash) private pure {
        if (catalogHash == bytes32(0)) revert CertificatesInvalidCatalogHash(catalogHash);
    }

    function _numberKey(address registrar, string calldata number) private pure returns (bytes32) {
        return keccak256(abi.encode(registrar, keccak256(bytes(number))));
    }

    function _store() private pure returns (CertificatesStorage storage $) {
        assembly {
            $.slot := _CERTIFICATES_STORAGE
        }
    }
}
