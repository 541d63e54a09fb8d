// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The lifecycle of a certificate. ABI-encoded as `uint8` in this order (None = 0 ... Cancelled = 9,
/// Refused = 10). A certificate is in force iff its status is Issued and its expiry has not passed.
///
/// Transitions (the function that makes each one, and who may call it):
/// - None -> Submitted: `submit` (a MERCHANT, the applicant, naming the rights it claims)
/// - Submitted -> Returned: `returnForCorrection` (the certificate's registrar)
/// - Returned -> Submitted: `resubmit` (the applicant, with a corrected catalog hash)
/// - Submitted -> Accepted: `accept` (the registrar, never on its own application)
/// - Accepted -> UnderNotice: `publicize` (the registrar, with a notice of at least its minimum period)
/// - UnderNotice -> Objected: `object` (any active member, before the deadline)
/// - Objected -> UnderNotice: `resolveObjection` (the registrar, with a reason: a new deadline, or 0 to close the
///   notice now)
/// - Objected -> Rejected: `reject` (the registrar)
/// - Submitted | Returned | Accepted | UnderNotice | Objected -> Refused: `refuse` (the registrar, 不予登记, with
///   a reason code)
/// - UnderNotice -> Issued: `issue` (the registrar, once the deadline has passed, minting the rights granted)
/// - Issued -> Suspended: `suspend` (the registrar, for a dispute)
/// - Suspended -> Issued: `reinstate` (the registrar)
/// - Issued | Suspended -> Cancelled: `cancel` (the registrar), or `approveRequest` of the holders' cancellation
///   request
/// Change and renewal keep the status Issued (version + 1, or a new expiry). An objection after issue (异议登记)
/// sets the `disputed` flag and changes no status.
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
    Cancelled,
    Refused
}
