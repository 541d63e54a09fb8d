// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The three rights over a data asset that every issued certificate carries.
/// @dev ABI-encoded as `uint8`: Holding = 0, Development = 1, Operation = 2.
/// - Holding: the right to hold the data resource (数据资源持有权).
/// - Development: the right to process and use the data (数据加工使用权); licensable.
/// - Operation: the right to run products built on the data (数据产品经营权); licensable.
enum Right {
    Holding,
    Development,
    Operation
}
