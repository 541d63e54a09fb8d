// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CertificateStatus} from "../types/CertificateStatus.sol";
import {Right} from "../types/Right.sol";

/// @title IRegistrations
/// @notice The registrations a certificate's registrar confirms after issue: transfers (转移登记) and licences
/// (许可登记) that the chain recorded, each under a voucher number unique across the consortium.
///
/// Who may act: the certificate's registrar (an active REGISTRAR, the one `ICertificates.certificate` names), on a
/// certificate that is Issued or Suspended. A transfer is registered once per (transaction, parties, right), and only
/// for a right the certificate grants; a licence once, and only while it is not revoked. The registrar vouches that
/// the transaction made the movement; `dal verify` checks it against the chain's transfer events.
///
/// Registration ids start at 1 and are shared by both kinds. Everything registered is in storage (and so provable
/// with `eth_getProof`).
///
/// This contract sits behind an ERC-1967 proxy (UUPS, upgraded only by governance's timelock) with ERC-7201
/// namespaced storage; see `ISuiteContract`. It reads the certificate from the Certificates contract and the licence
/// from the Rights contract, whose proxies the Consortium's directory names.
interface IRegistrations {
    /// @notice A movement of shares the chain recorded, as a transfer registration confirms it.
    /// @param from The transferor.
    /// @param to The transferee.
    /// @param right The right moved.
    /// @param shares The shares moved (1 to 10,000).
    /// @param movement The hash of the transaction that moved them.
    struct Movement {
        address from;
        address to;
        Right right;
        uint256 shares;
        bytes32 movement;
    }

    /// @notice A registration the registrar confirmed after issue.
    /// @param kind 1 for a transfer registration, 2 for a licence registration.
    /// @param certificateId The certificate.
    /// @param voucher The voucher number (许可凭证 for a licence), unique across the consortium.
    /// @param registrar The registrar that confirmed it.
    /// @param registeredAt When.
    /// @param from The transferor (transfer only).
    /// @param to The transferee (transfer only).
    /// @param right The right moved or licensed.
    /// @param shares The shares moved (transfer only).
    /// @param movement The reference of the movement confirmed: the hash of the transaction that moved the shares.
    /// @param licenceId The licence confirmed (licence only).
    struct Registration {
        uint8 kind;
        uint256 certificateId;
        string voucher;
        address registrar;
        uint64 registeredAt;
        address from;
        address to;
        Right right;
        uint256 shares;
        bytes32 movement;
        uint256 licenceId;
    }

    /// @notice The registrar registered the transfer of `shares` of `right` from `from` to `to`, moved by the
    /// transaction `movement` (转移登记), under voucher number `voucher`.
    event TransferRegistered(
        uint256 indexed certificateId,
        uint256 indexed registrationId,
        string voucher,
        address from,
        address to,
        Right right,
        uint256 shares,
        bytes32 movement
    );

    /// @notice The registrar registered licence `licenceId` (许可登记) under licence voucher number `voucher`.
    event LicenceRegistered(
        uint256 indexed certificateId, uint256 indexed registrationId, uint256 indexed licenceId, string voucher
    );

    /// @notice `account` is not the registrar of certificate `certificateId`.
    error RegistrationsUnauthorizedRegistrar(uint256 certificateId, address account);

    /// @notice The certificate is `current`: only an Issued or Suspended certificate takes registrations.
    error RegistrationsInvalidStatus(uint256 certificateId, CertificateStatus current);

    /// @notice The transfer to register is malformed: no shares (or more than 10,000), the same sender and
    /// recipient, or no movement reference; or the licence to register is revoked.
    error RegistrationsInvalidRegistration(uint256 certificateId);

    /// @notice The right is not one the certificate grants.
    error RegistrationsRightNotGranted(uint256 certificateId, Right right);

    /// @notice A voucher number must have 1 to 64 bytes.
    error RegistrationsInvalidVoucher(string voucher);

    /// @notice Voucher number `voucher` already belongs to registration `registrationId`.
    error RegistrationsVoucherTaken(string voucher, uint256 registrationId);

    /// @notice This movement (or licence) was already registered as `registrationId`.
    error RegistrationsAlreadyRegistered(uint256 registrationId);

    /// @notice No registration has id `registrationId`.
    error RegistrationsUnknownRegistration(uint256 registrationId);

    /// @notice Register a `movement` of shares of an Issued or Suspended certificate (转移登记), under `voucher`
    /// (unique), once per transaction, parties and right. The registrar vouches that the transaction made it;
    /// `dal verify` checks it against the chain's transfer events. Caller: the certificate's registrar.
    /// @return registrationId The registration's id (ids start at 1, shared with licence registrations).
    function registerTransfer(uint256 certificateId, Movement calldata movement, string calldata voucher)
        external
        returns (uint256 registrationId);

    /// @notice Register licence `licenceId`, not revoked, under licence voucher `voucher` (unique), once. Caller: the
    /// registrar of the licence's certificate, Issued or Suspended.
    /// @return registrationId The registration's id.
    function registerLicence(uint256 licenceId, string calldata voucher) external returns (uint256 registrationId);

    /// @notice A registration; reverts with {RegistrationsUnknownRegistration} for an unknown id.
    function registration(uint256 registrationId) external view returns (Registration memory);

    /// @notice The registration of licence `licenceId`, or 0.
    function licenceRegistration(uint256 licenceId) external view returns (uint256);

    /// @notice The number of registrations ever made (the highest id).
    function registrationCount() external view returns (uint256);
}
