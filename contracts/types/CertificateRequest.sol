// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice A holder's pending application on an issued certificate, which its registrar approves or declines.
/// ABI-encoded as `uint8`: None = 0, Change = 1, Renewal = 2, Cancellation = 3. At most one is pending at a time.
enum CertificateRequest {
    None,
    Change,
    Renewal,
    Cancellation
}
