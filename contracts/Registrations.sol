// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SuiteContract} from "./base/SuiteContract.sol";
import {ICertificates} from "./interfaces/ICertificates.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IRegistrations} from "./interfaces/IRegistrations.sol";
import {IRights} from "./interfaces/IRights.sol";
import {CertificateStatus} from "./types/CertificateStatus.sol";
import {Right} from "./types/Right.sol";
import {RightsMask} from "./types/RightsMask.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title Registrations
/// @notice The transfer and licence registrations a certificate's registrar confirms after issue.
contract Registrations is IRegistrations, SuiteContract {
    uint256 private constant _TOTAL_SHARES = 10_000;
    uint256 private constant _MAX_VOUCHER_LENGTH = 64;
    uint8 private constant _TRANSFER_REGISTRATION = 1;
    uint8 private constant _LICENCE_REGISTRATION = 2;

    /// @dev Slot A: kind, right, time, certificate and registrar; slots B and C: the parties and shares of a
    /// transfer; slot D: the movement; slot E: the licence; then the voucher.
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

    /// @custom:storage-location erc7201:dataassetledger.storage.Registrations
    struct RegistrationsStorage {
        uint256 registrationCount;
        mapping(uint256 registrationId => RegistrationRecord) registrations;
        mapping(bytes32 voucherKey => uint256 registrationId) vouchers;
        mapping(uint256 licenceId => uint256 registrationId) licenceRegistrations;
        mapping(bytes32 movementKey => uint256 registrationId) transferRegistrations;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Registrations")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _REGISTRATIONS_STORAGE =
        0x704f5bb0f945a2cb504235db8dc5f878c803b477c56396b51e0280cfa9c10800;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICertificates private immutable _certificates;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRights private immutable _rights;

    /// @param consortium_ The Consortium's proxy, whose directory names the Certificates and Rights contracts.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {
        _certificates = ICertificates(_suiteContract(consortium_, SuiteNames.CERTIFICATES));
        _rights = IRights(_suiteContract(consortium_, SuiteNames.RIGHTS));
    }

    /// @notice Set up the proxy's state (nothing to set today; kept for the proxy's first call).
    function initialize() external initializer {}

    /// @notice The Certificates contract whose registrars register here.
    function certificates() external view returns (ICertificates) {
        return _certificates;
    }

    /// @notice The Rights contract whose licences are registered here.
    function rights() external view returns (IRights) {
        return _rights;
    }

    /// @inheritdoc IRegistrations
    function registerTransfer(uint256 certificateId, Movement calldata movement, string calldata voucher)
        external
        returns (uint256 registrationId)
    {
        uint8 granted = _asRegistrar(certificateId);
        uint256 shares = movement.shares;
        if (shares == 0 || shares > _TOTAL_SHARES || movement.from == movement.to || movement.movement == bytes32(0)) {
            revert RegistrationsInvalidRegistration(certificateId);
        }
        Right right = movement.right;
        if (!RightsMask.has(granted, right)) revert RegistrationsRightNotGranted(certificateId, right);
        RegistrationsStorage storage $ = _store();
        bytes32 key = keccak256(abi.encode(certificateId, movement.movement, movement.from, movement.to, right));
        uint256 taken = $.transferRegistrations[key];
        if (taken != 0) revert RegistrationsAlreadyRegistered(taken);
        registrationId = _claimVoucher($, voucher);
        $.transferRegistrations[key] = registrationId;
        RegistrationRecord storage entry = $.registrations[registrationId];
        entry.kind = _TRANSFER_REGISTRATION;
        entry.right = right;
        entry.registeredAt = uint40(block.timestamp);
        entry.certificateId = uint40(certificateId); // an existing id: below the count
        entry.registrar = msg.sender;
        entry.from = movement.from;
        entry.to = movement.to;
        entry.shares = uint16(shares);
        entry.movement = movement.movement;
        entry.voucher = voucher;
        _emitTransferRegistered(certificateId, registrationId, voucher, movement);
    }

    /// @dev The event of {registerTransfer}, in a function of its own for the stack's sake.
    function _emitTransferRegistered(
        uint256 certificateId,
        uint256 registrationId,
        string calldata voucher,
        Movement calldata movement
    ) private {
        emit TransferRegistered(
            certificateId,
            registrationId,
            voucher,
            movement.from,
            movement.to,
            movement.right,
            movement.shares,
            movement.movement
        );
    }

    /// @inheritdoc IRegistrations
    function registerLicence(uint256 licenceId, string calldata voucher) external returns (uint256 registrationId) {
        IRights.Licence memory granted = _rights.licence(licenceId);
        uint256 certificateId = granted.certificateId;
        _asRegistrar(certificateId);
        if (granted.revoked) revert RegistrationsInvalidRegistration(certificateId);
        RegistrationsStorage storage $ = _store();
        uint256 taken = $.licenceRegistrations[licenceId];
        if (taken != 0) revert RegistrationsAlreadyRegistered(taken);
        registrationId = _claimVoucher($, voucher);
        $.licenceRegistrations[licenceId] = registrationId;
        RegistrationRecord storage entry = $.registrations[registrationId];
        entry.kind = _LICENCE_REGISTRATION;
        entry.right = granted.right;
        entry.registeredAt = uint40(block.timestamp);
        entry.certificateId = uint40(certificateId); // an existing id: below the count
        entry.registrar = msg.sender;
        entry.licenceId = licenceId;
        entry.voucher = voucher;
        emit LicenceRegistered(certificateId, registrationId, licenceId, voucher);
    }

    /// @inheritdoc IRegistrations
    function registration(uint256 registrationId) external view returns (Registration memory) {
        RegistrationRecord storage entry = _store().registrations[registrationId];
        if (entry.kind == 0) revert RegistrationsUnknownRegistration(registrationId);
        return Registration({
            kind: entry.kind,
            certificateId: entry.certificateId,
            voucher: entry.voucher,
            registrar: entry.registrar,
            registeredAt: entry.registeredAt,
            from: entry.from,
            to: entry.to,
            right: entry.right,
            shares: entry.shares,
            movement: entry.movement,
            licenceId: entry.licenceId
        });
    }

    /// @inheritdoc IRegistrations
    function licenceRegistration(uint256 licenceId) external view returns (uint256) {
        return _store().licenceRegistrations[licenceId];
    }

    /// @inheritdoc IRegistrations
    function registrationCount() external view returns (uint256) {
        return _store().registrationCount;
    }

    /// @dev The caller must be an active REGISTRAR and the registrar of a certificate that is Issued or Suspended
    /// (an unknown certificate: the Certificates contract's error); returns the rights the certificate grants.
    function _asRegistrar(uint256 certificateId) private view returns (uint8 granted) {
        _requireActive(msg.sender, Roles.REGISTRAR);
        ICertificates.Certificate memory record = _certificates.certificate(certificateId);
        if (record.registrar != msg.sender) revert RegistrationsUnauthorizedRegistrar(certificateId, msg.sender);
        CertificateStatus status = record.status;
        if (status != CertificateStatus.Issued && status != CertificateStatus.Suspended) {
            revert RegistrationsInvalidStatus(certificateId, status);
        }
        // A certificate issued before rights were claimed grants all three.
        granted = record.rightsGranted == 0 ? RightsMask.ALL : record.rightsGranted;
    }

    /// @dev Claim a new registration id for `voucher`: 1 to 64 bytes, unique across the consortium.
    function _claimVoucher(RegistrationsStorage storage $, string calldata voucher)
        private
        returns (uint256 registrationId)
    {
        uint256 length = bytes(voucher).length;
        if (length == 0 || length > _MAX_VOUCHER_LENGTH) revert RegistrationsInvalidVoucher(voucher);
        bytes32 key = keccak256(bytes(voucher));
        uint256 taken = $.vouchers[key];
        if (taken != 0) revert RegistrationsVoucherTaken(voucher, taken);
        registrationId = ++$.registrationCount;
        $.vouchers[key] = registrationId;
    }

    function _store() private pure returns (RegistrationsStorage storage $) {
        assembly {
            $.slot := _REGISTRATIONS_STORAGE
        }
    }
}
