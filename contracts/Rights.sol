// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {ERC1155Utils} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Utils.sol";
import {ERC165, IERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {SuiteContract} from "./base/SuiteContract.sol";
import {ICertificates} from "./interfaces/ICertificates.sol";
import {ICompliance} from "./interfaces/ICompliance.sol";
import {CertificateStatus} from "./types/CertificateStatus.sol";
import {ComplianceConditions} from "./types/ComplianceConditions.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IPledges} from "./interfaces/IPledges.sol";
import {IRights} from "./interfaces/IRights.sol";
import {PledgeStatus} from "./types/PledgeStatus.sol";
import {Position} from "./types/Position.sol";
import {Right} from "./types/Right.sol";
import {RightsTokenId} from "./types/RightsTokenId.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title Rights
/// @notice Shares of the holding, development and operation rights of issued certificates, seen through ERC-1155
/// with every movement gated by the ledger's rules, and the licences granted over them.
contract Rights is IRights, ERC165, SuiteContract {
    /// @notice The shares of a right: 10,000 basis points.
    uint256 public constant TOTAL_SHARES = 10_000;

    /// @notice How deep sub-licences nest: a licence granted by an owner is at depth 1, its sub-licences at 2, ...
    uint256 public constant MAX_LICENCE_DEPTH = 8;

    /// @notice The domain tag of a licence's act hash, which a pledgee consents to ({licenceActHash}).
    bytes32 public constant LICENCE_ACT = keccak256("dal.licence-act/1");

    /// @dev Slot A: what revocation and the period checks read; slot B: what sub-licensing and views read; slot C:
    /// the terms' hash, stored so that a licence's terms can be proved.
    struct LicenceRecord {
        address grantor;
        uint40 start;
        uint40 end;
        Right right;
        bool revoked;
        address licensee;
        uint40 parentId;
        uint40 certificateId;
        bool exclusive;
        bool sublicensable;
        bytes32 termsHash;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.Rights
    struct RightsStorage {
        mapping(uint256 certificateId => mapping(address owner => Position)) positions;
        uint256 licenceCount;
        mapping(uint256 licenceId => LicenceRecord) licences;
        mapping(uint256 certificateId => mapping(Right right => uint256[] licenceIds)) rootLicences;
        mapping(uint256 parentId => uint256[] licenceIds) sublicences;
        mapping(uint256 certificateId => mapping(Right right => uint256[] licenceIds)) rootExclusives;
        mapping(uint256 parentId => uint256[] licenceIds) subExclusives;
        /// @dev The compliance conditions no module in force declares (those of `ComplianceConditions.ANY` outside
        /// {ICompliance-conditionsInForce}), copied by {syncComplianceConditions}: an act that can meet only these is
        /// neither judged nor counted, so it does not call the Compliance contract. Zero until the first copy, so that
        /// until then every act that can meet a condition calls it.
        uint8 quietConditions;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Rights")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _RIGHTS_STORAGE = 0xd292e38777ed638b8f57cef6745868e8bfa3e6ef183d475b9a87fc38567c5600;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICertificates private immutable _certificates;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IPledges private immutable _pledges;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICompliance private immutable _compliance;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _dueProcess;

    /// @param consortium_ The Consortium's proxy, whose directory names the Certificates contract (the only minter,
    /// and the source of "in force") and the Pledges contract (the only one that locks, unlocks and seizes shares).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {
        _certificates = ICertificates(_suiteContract(consortium_, SuiteNames.CERTIFICATES));
        _pledges = IPledges(_suiteContract(consortium_, SuiteNames.PLEDGES));
        _compliance = ICompliance(_suiteContract(consortium_, SuiteNames.COMPLIANCE));
        _dueProcess = _suiteContract(consortium_, SuiteNames.DUE_PROCESS);
    }

    /// @notice Set up the proxy's state (nothing to set today; kept for the proxy's first call).
    function initialize() external initializer {}

    modifier onlyCaller(address allowed) {
        if (msg.sender != allowed) revert RightsUnauthorizedCaller(msg.sender);
        _;
    }

    /// @notice The Certificates contract that mints at issue.
    function certificates() external view returns (ICertificates) {
        return _certificates;
    }

    /// @notice The Pledges contract that locks, unlocks and seizes shares.
    function pledges() external view returns (IPledges) {
        return _pledges;
    }

    /// @notice The DueProcess contract that forces transfers and recovers members' records.
    function dueProcess() external view returns (address) {
        return _dueProcess;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Shares
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRights
    function transferShares(uint256 certificateId, Right right, address to, uint256 shares) external {
        _checkParties(msg.sender, to);
        _move(msg.sender, to, certificateId, right, shares);
        uint256 id = RightsTokenId.encode(certificateId, right);
        emit TransferSingle(msg.sender, msg.sender, to, id, shares);
        ERC1155Utils.checkOnERC1155Received(msg.sender, msg.sender, to, id, shares, "");
    }

    /// @inheritdoc IERC1155
    /// @dev Only the owner moves its shares (`from` must be the caller), under the same rules as {transferShares}.
    function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes calldata data) external {
        if (from != msg.sender) revert RightsUnauthorizedOperator(msg.sender, from);
        _checkParties(from, to);
        (uint256 certificateId, Right right) = _decode(id);
        _move(from, to, certificateId, right, value);
        emit TransferSingle(msg.sender, from, to, id, value);
        ERC1155Utils.checkOnERC1155Received(msg.sender, from, to, id, value, data);
    }

    /// @inheritdoc IERC1155
    /// @dev Only the owner moves its shares (`from` must be the caller), under the same rules as {transferShares}.
    function safeBatchTransferFrom(
        address from,
        address to,
        uint256[] calldata ids,
        uint256[] calldata values,
        bytes calldata data
    ) external {
        if (from != msg.sender) revert RightsUnauthorizedOperator(msg.sender, from);
        if (ids.length != values.length) revert RightsInvalidBatch(ids.length, values.length);
        _checkParties(from, to);
        for (uint256 i = 0; i < ids.length; ++i) {
            (uint256 certificateId, Right right) = _decode(ids[i]);
            _move(from, to, certificateId, right, values[i]);
        }
        emit TransferBatch(msg.sender, from, to, ids, values);
        ERC1155Utils.checkOnERC1155BatchReceived(msg.sender, from, to, ids, values, data);
    }

    /// @inheritdoc IERC1155
    /// @dev Always refused with {RightsApprovalsDisabled}: an operator would move shares the owner did not move.
    function setApprovalForAll(address, bool) external pure {
        revert RightsApprovalsDisabled();
    }

    /// @inheritdoc IERC1155
    /// @dev Always false: approvals are disabled.
    function isApprovedForAll(address, address) external pure returns (bool) {
        return false;
    }

    /// @inheritdoc IERC1155
    function balanceOf(address account, uint256 id) public view returns (uint256) {
        (uint256 certificateId, Right right, bool valid) = RightsTokenId.decode(id);
        return valid ? _store().positions[certificateId][account].shares(right) : 0;
    }

    /// @inheritdoc IERC1155
    function balanceOfBatch(address[] calldata accounts, uint256[] calldata ids)
        external
        view
        returns (uint256[] memory balances)
    {
        if (accounts.length != ids.length) revert RightsInvalidBatch(ids.length, accounts.length);
        balances = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            balances[i] = balanceOf(accounts[i], ids[i]);
        }
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC165, IERC165) returns (bool) {
        return interfaceId == type(IERC1155).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IRights
    function mintIssued(uint256 certificateId, address holder, uint8 rights)
        external
        onlyCaller(address(_certificates))
    {
        _mint(certificateId, holder, rights);
    }

    /// @inheritdoc IRights
    function lockShares(uint256 certificateId, Right right, address owner, uint256 shares, uint256 pledgeId)
        external
        onlyCaller(address(_pledges))
    {
        _requireInForce(certificateId);
        Position position = _store().positions[certificateId][owner];
        uint256 balance = position.shares(right);
        if (balance < shares) revert RightsInsufficientShares(certificateId, right, owner, balance, shares);
        _store().positions[certificateId][owner] =
            position.withPledged(right, position.pledged(right) + shares).withLastPledge(right, pledgeId);
    }

    /// @inheritdoc IRights
    function unlockShares(uint256 certificateId, Right right, address owner, uint256 shares)
        external
        onlyCaller(address(_pledges))
    {
        Position position = _store().positions[certificateId][owner];
        _store().positions[certificateId][owner] = position.withPledged(right, position.pledged(right) - shares);
    }

    /// @inheritdoc IRights
    function seizeShares(
        uint256 certificateId,
        Right right,
        address owner,
        address to,
        uint256 lockedShares,
        uint256 shares
    ) external onlyCaller(address(_pledges)) {
        // Expired or suspended, the collateral still secures the debt: only a certificate never issued or cancelled
        // cannot be realised.
        _requireIssuedOrSuspended(certificateId);
        Position position = _store().positions[certificateId][owner];
        _store().positions[certificateId][owner] = position.withPledged(right, position.pledged(right) - lockedShares);
        if (shares == 0) return;
        _update(owner, to, certificateId, right, shares);
        _noteRealised(certificateId, right, owner, to, shares, position.shares(right) - shares);
        uint256 id = RightsTokenId.encode(certificateId, right);
        emit TransferSingle(msg.sender, owner, to, id, shares);
        ERC1155Utils.checkOnERC1155Received(msg.sender, owner, to, id, shares, "");
    }

    /// @inheritdoc IRights
    function syncComplianceConditions() external {
        _store().quietConditions = ComplianceConditions.ANY & ~_compliance.conditionsInForce();
    }

    /// @inheritdoc IRights
    function complianceConditions() external view returns (uint8) {
        return ComplianceConditions.ANY & ~_store().quietConditions;
    }

    /// @inheritdoc IRights
    function forceTransfer(uint256 certificateId, Right right, address from, address to, uint256 shares)
        external
        onlyCaller(_dueProcess)
    {
        // A court's ruling settles the dispute that suspended a certificate, and binds whether it expired or not.
        _requireIssuedOrSuspended(certificateId);
        _requireActive(to, Roles.HOLDERS);
        if (to == from) revert RightsInvalidRecipient(to);
        if (shares == 0) revert RightsInvalidShares(shares);
        Position position = _store().positions[certificateId][from];
        uint256 balance = position.shares(right);
        if (balance < shares) revert RightsInsufficientShares(certificateId, right, from, balance, shares);
        uint256 transferable = _transferable(position, right);
        if (shares > transferable) _revertPledged(certificateId, right, from, transferable, shares, position);
        _update(from, to, certificateId, right, shares);
        // The order prevails over the modules' judgement; their holder counts follow it.
        _noteRealised(certificateId, right, from, to, shares, balance - shares);
        uint256 id = RightsTokenId.encode(certificateId, right);
        emit TransferSingle(msg.sender, from, to, id, shares);
        ERC1155Utils.checkOnERC1155Received(msg.sender, from, to, id, shares, "");
    }

    /// @inheritdoc IRights
    function recoverRecords(
        address from,
        address to,
        uint256[] calldata certificateIds,
        uint256[] calldata licenceIds
    ) external onlyCaller(_dueProcess) {
        for (uint256 i = 0; i < certificateIds.length; ++i) {
            _recoverPosition(certificateIds[i], from, to);
        }
        for (uint256 i = 0; i < licenceIds.length; ++i) {
            uint256 licenceId = licenceIds[i];
            LicenceRecord storage record = _existingLicence(licenceId);
            if (record.grantor == from) record.grantor = to;
            else if (record.licensee == from) record.licensee = to;
            else revert RightsNotLicenceParty(licenceId, from);
            emit LicenceRecovered(licenceId, from, to);
        }
    }

    /// @inheritdoc IRights
    function sharesOf(uint256 certificateId, Right right, address owner) external view returns (uint256) {
        return _store().positions[certificateId][owner].shares(right);
    }

    /// @inheritdoc IRights
    function pledgedSharesOf(uint256 certificateId, Right right, address owner) external view returns (uint256) {
        return _store().positions[certificateId][owner].pledged(right);
    }

    /// @inheritdoc IRights
    function transferableSharesOf(uint256 certificateId, Right right, address owner) external view returns (uint256) {
        if (!_certificates.isInForce(certificateId)) return 0;
        return _transferable(_store().positions[certificateId][owner], right);
    }

    /// @inheritdoc IRights
    function lastPledgeOf(uint256 certificateId, Right right, address owner) external view returns (uint256) {
        return _store().positions[certificateId][owner].lastPledge(right);
    }

    /// @inheritdoc IRights
    function tokenId(uint256 certificateId, Right right) external pure returns (uint256) {
        return RightsTokenId.encode(certificateId, right);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Licences
    // ----------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRights
    function grantLicence(uint256 certificateId, Right right, LicenceTerms calldata terms)
        external
        returns (uint256 licenceId)
    {
        _requireActive(msg.sender, Roles.HOLDERS);
        if (right == Right.Holding) revert RightsNotLicensable(right);
        _requireInForce(certificateId);
        Position position = _store().positions[certificateId][msg.sender];
        uint256 owned = position.shares(right);
        if (owned == 0) revert RightsNotRightOwner(certificateId, right, msg.sender);
        // A partial holder grants non-exclusive licences only: exclusivity is the whole right's to give.
        if (terms.exclusive && owned != TOTAL_SHARES) {
            revert RightsExclusiveNeedsWholeRight(certificateId, right, msg.sender, owned);
        }
        (uint64 start, uint64 end) = _checkTerms(terms);
        // Pledged shares: the pledgee of every active pledge on them consents to the licence (arts. 443-444).
        if (position.pledged(right) != 0) {
            _pledges.requireActConsent(position.lastPledge(right), licenceActHash(certificateId, right, 0, terms));
        }
        if (_complianceDue(ComplianceConditions.ANY_ACT)) {
            _compliance.checkLicence(certificateId, right, msg.sender, terms.licensee);
        }
        RightsStorage storage $ = _store();
        _checkExclusivity($.rootLicences[certificateId][right], $.rootExclusives[certificateId][right], terms, start);
        licenceId = _grant(certificateId, right, 0, terms, start, end);
        $.rootLicences[certificateId][right].push(licenceId);
        if (terms.exclusive) $.rootExclusives[certificateId][right].push(licenceId);
    }

    /// @inheritdoc IRights
    function grantSublicence(uint256 parentId, LicenceTerms calldata terms) external returns (uint256 licenceId) {
        _requireActive(msg.sender, Roles.HOLDERS);
        LicenceRecord storage parent = _existingLicence(parentId);
        if (parent.licensee != msg.sender) revert RightsNotLicensee(parentId, msg.sender);
        if (!parent.sublicensable) revert RightsNotSublicensable(parentId);
        // The parent must be in force: neither it nor any ancestor revoked, and not nested too deep.
        (uint256 revokedId, uint256 depth) = _lineage(parentId);
        if (revokedId != 0) revert RightsLicenceRevoked(revokedId);
        if (depth >= MAX_LICENCE_DEPTH) revert RightsLicenceTooDeep(parentId, MAX_LICENCE_DEPTH);
        uint256 certificateId = parent.certificateId;
        _requireInForce(certificateId);
        (uint64 start, uint64 end) = _checkTerms(terms);
        if (start < parent.start || end > parent.end) revert RightsPeriodOutsideParent(parentId, start, end);
        // A sub-licence grants no more than its parent: an exclusive one needs an exclusive parent.
        if (terms.exclusive && !parent.exclusive) revert RightsExclusiveBeyondParent(parentId);
        if (_complianceDue(ComplianceConditions.ANY_ACT)) {
            _compliance.checkLicence(certificateId, parent.right, msg.sender, terms.licensee);
        }
        RightsStorage storage $ = _store();
        _checkExclusivity($.sublicences[parentId], $.subExclusives[parentId], terms, start);
        licenceId = _grant(certificateId, parent.right, parentId, terms, start, end);
        $.sublicences[parentId].push(licenceId);
        if (terms.exclusive) $.subExclusives[parentId].push(licenceId);
    }

    /// @inheritdoc IRights
    function revokeLicence(uint256 licenceId, bytes32 reasonHash) external {
        _requireActive(msg.sender, Roles.HOLDERS);
        LicenceRecord storage record = _existingLicence(licenceId);
        if (!_mayRevoke(record, msg.sender)) revert RightsNotGrantor(licenceId, msg.sender);
        if (record.revoked) revert RightsLicenceRevoked(licenceId);
        // Revocation is lazy: a licence is in force only while its ancestors are, so revoking one licence ends its
        // whole subtree in one write, however large the subtree.
        _revoke(licenceId, reasonHash);
    }

    /// @inheritdoc IRights
    function licence(uint256 licenceId) external view returns (Licence memory) {
        LicenceRecord storage record = _existingLicence(licenceId);
        (uint256 revokedId,) = _lineage(licenceId);
        return Licence({
            certificateId: record.certificateId,
            right: record.right,
            grantor: record.grantor,
            licensee: record.licensee,
            parentId: record.parentId,
            start: record.start,
            end: record.end,
            exclusive: record.exclusive,
            sublicensable: record.sublicensable,
            revoked: revokedId != 0,
            termsHash: record.termsHash
        });
    }

    /// @inheritdoc IRights
    function licencesOf(uint256 certificateId, Right right) external view returns (uint256[] memory) {
        return _store().rootLicences[certificateId][right];
    }

    /// @inheritdoc IRights
    function sublicencesOf(uint256 parentId) external view returns (uint256[] memory) {
        return _store().sublicences[parentId];
    }

    /// @inheritdoc IRights
    function licenceCount() external view returns (uint256) {
        return _store().licenceCount;
    }

    /// @inheritdoc IRights
    function licenceActHash(uint256 certificateId, Right right, uint256 parentId, LicenceTerms calldata terms)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(LICENCE_ACT, certificateId, right, parentId, terms));
    }

    // ----------------------------------------------------------------------------------------------------------
    // Internals
    // ----------------------------------------------------------------------------------------------------------

    /// @dev Sender and recipient are active members that may hold shares, and not the same account.
    function _checkParties(address from, address to) private view {
        _requireActive(from, Roles.HOLDERS);
        _requireActive(to, Roles.HOLDERS);
        if (to == from) revert RightsInvalidRecipient(to);
    }

    /// @dev Checks a transfer registration against the ledger's rules, then applies it.
    function _move(address from, address to, uint256 certificateId, Right right, uint256 shares) private {
        if (shares == 0) revert RightsInvalidShares(shares);
        _requireInForce(certificateId);
        mapping(address owner => Position) storage positions = _store().positions[certificateId];
        Position position = positions[from];
        uint256 balance = position.shares(right);
        if (balance < shares) revert RightsInsufficientShares(certificateId, right, from, balance, shares);
        if (position.pledged(right) != 0) {
            uint256 transferable = _transferable(position, right);
            if (shares > transferable) _revertPledged(certificateId, right, from, transferable, shares, position);
        }
        uint256 toBefore = positions[to].shares(right);
        uint256 fromAfter = balance - shares;
        // Effects before the interaction: the modules judge the movement after it is written, and a refusal
        // reverts both.
        _update(from, to, certificateId, right, shares);
        if (_complianceDue(ComplianceConditions.ANY_ACT | _holderChange(toBefore, fromAfter))) {
            _compliance.transferred(certificateId, right, from, to, shares, toBefore, fromAfter);
        }
    }

    /// @dev The one write path of a share movement between two owners (transfers and realisation); it emits
    /// {SharesMoved}, the caller `TransferSingle` or `TransferBatch`. Minting at issue writes a fresh position in
    /// {mintIssued}.
    function _update(address from, address to, uint256 certificateId, Right right, uint256 shares) private {
        mapping(address owner => Position) storage positions = _store().positions[certificateId];
        Position source = positions[from];
        positions[from] = source.withShares(right, source.shares(right) - shares);
        Position target = positions[to];
        positions[to] = target.withShares(right, target.shares(right) + shares);
        if (_announcesMoves()) emit SharesMoved(certificateId, right);
    }

    /// @dev Whether movements are announced by {SharesMoved}: always in this edition, a constant the optimizer folds
    /// into each write path at no cost. An edition overrides it to stand for one from before the event.
    function _announcesMoves() internal pure virtual returns (bool) {
        return true;
    }

    /// @dev The modules judged the pledgee when the pledge was recorded, and a court's order prevails over them: a
    /// realisation or a forced transfer (already written) only updates their counts.
    function _noteRealised(
        uint256 certificateId,
        Right right,
        address owner,
        address to,
        uint256 shares,
        uint256 ownerAfter
    ) private {
        uint256 toBefore = _store().positions[certificateId][to].shares(right) - shares;
        if (_complianceDue(_holderChange(toBefore, ownerAfter))) {
            _compliance.enforced(certificateId, right, owner, to, toBefore, ownerAfter);
        }
    }

    /// @dev {ComplianceConditions-HOLDER_CHANGE} when a movement brings a new holder or ends one, else nothing.
    function _holderChange(uint256 toBefore, uint256 fromAfter) private pure returns (uint8) {
        return toBefore == 0 || fromAfter == 0 ? ComplianceConditions.HOLDER_CHANGE : 0;
    }

    /// @dev Whether the Compliance contract may have anything to judge or count in an act that can meet
    /// `conditions`: one of them is not quiet.
    function _complianceDue(uint8 conditions) private view returns (bool) {
        return conditions & ~_store().quietConditions != 0;
    }

    function _transferable(Position position, Right right) private pure returns (uint256) {
        uint256 balance = position.shares(right);
        uint256 pledged = position.pledged(right);
        return balance > pledged ? balance - pledged : 0;
    }

    /// @dev Names the most recent active pledge over the shares in the refusal (only on the failure path).
    function _revertPledged(
        uint256 certificateId,
        Right right,
        address owner,
        uint256 transferable,
        uint256 requested,
        Position position
    ) private view {
        uint256 pledgeId = position.lastPledge(right);
        IPledges.Pledge memory current = _pledges.pledge(pledgeId);
        while (current.status != PledgeStatus.Active) {
            pledgeId = current.seniorPledgeId;
            current = _pledges.pledge(pledgeId);
        }
        revert RightsSharesPledged(
            certificateId, right, owner, transferable, requested, pledgeId, current.pledgee, current.maturity
        );
    }

    /// @dev The one write path of a recovered position: the whole word (shares, pledged shares, the pledge chain's
    /// head) moves to the new address, which never was a member and so holds nothing; a {SharesMoved} and a
    /// `TransferSingle` per right held, then {PositionRecovered}. An empty position is skipped.
    function _recoverPosition(uint256 certificateId, address from, address to) private {
        RightsStorage storage $ = _store();
        Position position = $.positions[certificateId][from];
        if (Position.unwrap(position) == 0) return;
        $.positions[certificateId][to] = position;
        $.positions[certificateId][from] = Position.wrap(0);
        for (uint256 r = 0; r < 3; ++r) {
            Right right = Right(uint8(r));
            uint256 shares = position.shares(right);
            if (shares == 0) continue;
            uint256 id = RightsTokenId.encode(certificateId, right);
            if (_announcesMoves()) emit SharesMoved(certificateId, right);
            emit TransferSingle(msg.sender, from, to, id, shares);
            ERC1155Utils.checkOnERC1155Received(msg.sender, from, to, id, shares, "");
        }
        emit PositionRecovered(certificateId, from, to);
    }

    /// @dev Issued or suspended, expired or not: what a realisation or a court's order may still move.
    function _requireIssuedOrSuspended(uint256 certificateId) private view {
        CertificateStatus status = _certificates.certificate(certificateId).status;
        if (status != CertificateStatus.Issued && status != CertificateStatus.Suspended) {
            revert RightsCertificateNotInForce(certificateId);
        }
    }

    function _requireInForce(uint256 certificateId) private view {
        if (!_certificates.isInForce(certificateId)) revert RightsCertificateNotInForce(certificateId);
    }

    function _decode(uint256 id) private pure returns (uint256 certificateId, Right right) {
        bool valid;
        (certificateId, right, valid) = RightsTokenId.decode(id);
        if (!valid) revert RightsInvalidTokenId(id);
    }

    /// @dev The licensee, and the period: a start of 0 means the grant's time; an earlier start than the grant
    /// is refused (no back-dating), and the period must not be empty.
    function _checkTerms(LicenceTerms calldata terms) private view returns (uint64 start, uint64 end) {
        _requireActive(terms.licensee, Roles.HOLDERS);
        if (terms.licensee == msg.sender) revert RightsInvalidRecipient(terms.licensee);
        start = terms.start == 0 ? uint64(block.timestamp) : terms.start;
        end = terms.end;
        if (start < block.timestamp) revert RightsLicenceBackdated(start, uint64(block.timestamp));
        if (start >= end) revert RightsInvalidPeriod(start, end);
    }

    /// @dev Among siblings, an exclusive licence excludes every overlapping one. A non-exclusive grant compares
    /// itself with the exclusive siblings only, so its cost does not grow with the number of non-exclusive ones.
    function _checkExclusivity(
        uint256[] storage siblings,
        uint256[] storage exclusiveSiblings,
        LicenceTerms calldata terms,
        uint64 start
    ) private view {
        // No sibling, no exclusive one: the first licence of a group reads only the list it joins.
        if (siblings.length == 0) return;
        uint256[] storage candidates = terms.exclusive ? siblings : exclusiveSiblings;
        uint256 count = candidates.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 siblingId = candidates[i];
            LicenceRecord storage sibling = _store().licences[siblingId];
            if (sibling.revoked) continue;
            if (start < sibling.end && sibling.start < terms.end) revert RightsExclusiveConflict(siblingId);
        }
    }

    /// @dev The nearest revoked licence among `licenceId` and its ancestors (0 if none), and its depth (1 for a
    /// licence granted by an owner). Bounded by {MAX_LICENCE_DEPTH}.
    function _lineage(uint256 licenceId) private view returns (uint256 revokedId, uint256 depth) {
        for (uint256 id = licenceId; id != 0; id = _store().licences[id].parentId) {
            ++depth;
            if (revokedId == 0 && _store().licences[id].revoked) revokedId = id;
        }
    }

    /// @dev Who may revoke: the grantor; for a licence granted by an owner of the right, once the grantor holds none
    /// of it, the holder of more than half of the right (the licensor's position follows the right, as a lease
    /// follows the thing let).
    function _mayRevoke(LicenceRecord storage record, address account) private view returns (bool) {
        if (record.parentId != 0) return record.grantor == account;
        Position grantor = _store().positions[record.certificateId][record.grantor];
        if (grantor.shares(record.right) != 0) return record.grantor == account;
        return _store().positions[record.certificateId][account].shares(record.right) * 2 > TOTAL_SHARES;
    }

    /// @dev The one write path that creates a licence, followed by its event.
    function _grant(
        uint256 certificateId,
        Right right,
        uint256 parentId,
        LicenceTerms calldata terms,
        uint64 start,
        uint64 end
    ) private returns (uint256 licenceId) {
        licenceId = ++_store().licenceCount;
        _store().licences[licenceId] = LicenceRecord({
            grantor: msg.sender,
            start: SafeCast.toUint40(start),
            end: SafeCast.toUint40(end),
            right: right,
            revoked: false,
            licensee: terms.licensee,
            parentId: SafeCast.toUint40(parentId),
            certificateId: SafeCast.toUint40(certificateId),
            exclusive: terms.exclusive,
            sublicensable: terms.sublicensable,
            termsHash: terms.termsHash
        });
        emit LicenceGranted(
            licenceId,
            certificateId,
            terms.licensee,
            right,
            msg.sender,
            parentId,
            terms.termsHash,
            start,
            end,
            terms.exclusive,
            terms.sublicensable
        );
    }

    /// @dev The one write path that revokes a licence, followed by its event.
    function _revoke(uint256 licenceId, bytes32 reasonHash) private {
        _store().licences[licenceId].revoked = true;
        emit LicenceRevoked(licenceId, msg.sender, reasonHash);
    }

    function _existingLicence(uint256 licenceId) private view returns (LicenceRecord storage record) {
        record = _store().licences[licenceId];
        if (record.grantor == address(0)) revert RightsUnknownLicence(licenceId);
    }

    /// @dev The one write path of minting, at issue: all the shares of each right of the `rights` mask (bit
    /// `uint8(right)`) to `holder`, in one `TransferBatch` listing those rights in order; the other rights exist
    /// for nobody.
    function _mint(uint256 certificateId, address holder, uint8 rights) private {
        RightsStorage storage $ = _store();
        Position position = $.positions[certificateId][holder];
        uint256 count = 0;
        for (uint256 r = 0; r < 3; ++r) {
            if (rights & (uint8(1) << r) != 0) ++count;
        }
        uint256[] memory ids = new uint256[](count);
        uint256[] memory values = new uint256[](count);
        uint256 index = 0;
        for (uint256 r = 0; r < 3; ++r) {
            if (rights & (uint8(1) << r) == 0) continue;
            Right right = Right(uint8(r));
            position = position.withShares(right, TOTAL_SHARES);
            if (_announcesMoves()) emit SharesMoved(certificateId, right);
            ids[index] = RightsTokenId.encode(certificateId, right);
            values[index] = TOTAL_SHARES;
            ++index;
        }
        $.positions[certificateId][holder] = position;
        emit TransferBatch(msg.sender, address(0), holder, ids, values);
        ERC1155Utils.checkOnERC1155BatchReceived(msg.sender, address(0), holder, ids, values, "");
    }

    function _store() private pure returns (RightsStorage storage $) {
        assembly {
            $.slot := _RIGHTS_STORAGE
        }
    }
}
