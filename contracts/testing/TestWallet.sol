// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ERC165, IERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";

/// @title TestWallet
/// @notice A minimal contract wallet for tests only (never deployed by the ledger): it forwards its owner's calls,
/// accepts its owner's ECDSA signatures through ERC-1271, and accepts ERC-1155 shares unless told to refuse them.
/// It lets the tests prove that members which are contracts can act, consent to pledges and receive shares.
contract TestWallet is IERC1271, IERC1155Receiver, ERC165 {
    address private immutable _owner;
    bool private _refuseTokens;

    /// @notice Only the owner may make the wallet act.
    error TestWalletUnauthorized(address caller);

    constructor(address owner_) {
        _owner = owner_;
    }

    /// @notice Call `target` with `data` as the wallet; reverts bubble up unchanged.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != _owner) revert TestWalletUnauthorized(msg.sender);
        return Address.functionCall(target, data);
    }

    /// @notice Make the wallet refuse (or accept again) incoming ERC-1155 transfers.
    function setRefuseTokens(bool refuse) external {
        if (msg.sender != _owner) revert TestWalletUnauthorized(msg.sender);
        _refuseTokens = refuse;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(hash, signature);
        bool valid = error == ECDSA.RecoverError.NoError && signer == _owner;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external view returns (bytes4) {
        return _refuseTokens ? bytes4(0) : IERC1155Receiver.onERC1155Received.selector;
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        view
        returns (bytes4)
    {
        return _refuseTokens ? bytes4(0) : IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC165, IERC165) returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || super.supportsInterface(interfaceId);
    }
}
