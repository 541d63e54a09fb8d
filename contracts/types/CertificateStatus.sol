// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The lifecycle of a certificate. ABI-encoded as `uint8` in this order (None = 0 ... Cancelled = 9).
/// A certificate is in force iff its status is Issued and its expiry has not passed.
///
/// Transitions (the function that makes each one, and who may call it):
/// - None -> Submitted: `submit` (a MERCHANT, who becomes the holder)
/// - Submitted -> Returned: `returnForCorrection` (the certificate's registrar)
/// - Returned -> Submitted: `resubmit` (the holder, with a corrected catalog hash)
/// - Submitted -> Accepted: `accept` (the registrar)
/// - Accepted -> UnderNotice: `publicize` (the registrar, with a notice deadline)
/// - UnderNotice -> Objected: `object` (any active member, before the deadline)
/// - Objected -> UnderNotice: `resolveObjection` (the registrar: a new deadline, or 0 to close the notice now)
/// - Objected -> Rejected: `reject` (the registrar)
/// - UnderNotice -> Issued: `issue` (the registrar, once the deadline has passed)
/// - Issued -> Suspended: `suspend` (the registrar, for a dispute)
/// - Suspended -> Issued: `reinstate` (the registrar)
/// - Issued | Suspended -> Cancelled: `cancel` (the registrar), or `approveRequest` of the holder's cancellation
///   request
/// Change and renewal keep the status Issued (version + 1, or a new expiry).
enum CertificateStatus {
    None,
    Submitted,
    Returned,
    Accepted,
    UnderNotice,
    Objected,
    Rejected,
    Issued,
    Suspended,
    Cancelled
}
