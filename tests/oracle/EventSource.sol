// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// Emits the ledger contracts' events (same signatures) without their rules, so the indexer's
/// frame, crash safety and reorganisation handling are tested with any number of events, fast.
contract EventSource {
    event MemberAdded(address indexed account, bytes32 indexed identityHash, string name, uint256 roles);
    event CertificateSubmitted(
        uint256 indexed certificateId,
        address indexed applicant,
        address indexed registrar,
        bytes32 catalogHash,
        uint8 rights,
        uint64 authorisedUntil
    );
    event CertificateChanged(uint256 indexed certificateId, uint256 version, bytes32 catalogHash, string number);
    event TransferSingle(
        address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value
    );
    event TransferBatch(
        address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values
    );
    event AnchorRecorded(bytes32 indexed root, bytes32 indexed kind, uint256 count, bytes32 batchRef);

    function addMember(address account, bytes32 identityHash, string calldata name, uint256 roles) external {
        emit MemberAdded(account, identityHash, name, roles);
    }

    function submit(uint256 certificateId, address applicant, address registrar, bytes32 catalogHash) external {
        emit CertificateSubmitted(certificateId, applicant, registrar, catalogHash, 7, 0);
    }

    function change(uint256 certificateId, uint256 version, bytes32 catalogHash) external {
        emit CertificateChanged(certificateId, version, catalogHash, "");
    }

    /// Mints 10,000 shares of each of the three rights of `count` certificates from `firstId` to `to`.
    function mint(uint256 firstId, uint256 count, address to) external {
        for (uint256 i = 0; i < count; ++i) {
            for (uint256 right = 0; right < 3; ++right) {
                emit TransferSingle(msg.sender, address(0), to, ((firstId + i) << 2) | right, 10_000);
            }
        }
    }

    function transfer(address from, address to, uint256 tokenId, uint256 value) external {
        emit TransferSingle(msg.sender, from, to, tokenId, value);
    }

    function transferBatch(address from, address to, uint256[] calldata ids, uint256[] calldata values) external {
        emit TransferBatch(msg.sender, from, to, ids, values);
    }

    function anchor(bytes32 root, bytes32 kind, uint256 count, bytes32 batchRef) external {
        emit AnchorRecorded(root, kind, count, batchRef);
    }
}
