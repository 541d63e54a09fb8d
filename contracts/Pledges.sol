// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";

import {SuiteContract} from "./base/SuiteContract.sol";
import {ICertificates} from "./interfaces/ICertificates.sol";
import {ICompliance} from "./interfaces/ICompliance.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IPledges} from "./interfaces/IPledges.sol";
import {IRights} from "./interfaces/IRights.sol";
import {ComplianceConditions} from "./types/ComplianceConditions.sol";
import {PledgeStatus} from "./types/PledgeStatus.sol";
import {RealisationMethod} from "./types/RealisationMethod.sol";
import {Right} from "./types/Right.sol";
import {Roles} from "./types/Roles.sol";
import {SuiteNames} from "./types/SuiteNames.sol";

/// @title Pledges
/// @notice Pledges of shares of a right to banks, consented to by EIP-712 signature and ranked by recording order.
/// @dev The EIP-712 domain binds the proxy's address, which never changes, so consents survive upgrades.
contract Pledges is IPledges, EIP712Upgradeable, NoncesUpgradeable, SuiteContract {
    /// @notice The EIP-712 type hash of a pledgor's consent to a pledge.
    bytes32 public constant CONSENT_TYPEHASH = keccak256(
        "PledgeConsent(address pledgor,address pledgee,uint256 certificateId,uint8 right,uint256 shares,"
        "uint256 amount,bytes3 currency,uint64 maturity,bytes32 externalRef,uint64 registeredAt,"
        "uint64 registrationExpiry,uint256 seniorPledgeId,uint256 deadline)"
    );

    /// @notice The EIP-712 type hash of a pledgor's consent to extend a pledge.
    bytes32 public constant EXTENSION_TYPEHASH =
        keccak256("PledgeExtension(uint256 pledgeId,uint64 newMaturity,uint256 nonce,uint256 deadline)");

    /// @notice The EIP-712 type hash of a pledgor's agreement to realise a pledge at a price (折价).
    bytes32 public constant REALISATION_TYPEHASH = keccak256(
        "PledgeRealisation(uint256 pledgeId,address buyer,uint256 price,bytes32 documentHash,uint256 nonce,"
        "uint256 deadline)"
    );

    uint256 private constant _TOTAL_SHARES = 10_000;

    /// @dev The EIP-712 domain's name and version, as constants: a consent's digest reads no storage for them.
    string private constant _DOMAIN_NAME = "DataAssetLedger Pledges";
    string private constant _DOMAIN_VERSION = "1";

    /// @dev Slot A: what release and extension read and write; slot B: the pledgor's side and the senior link;
    /// slots C and D: the secured amount, the public registration's time, term and number, stored so that every term
    /// can be proved.
    struct PledgeRecord {
        address pledgee;
        uint40 maturity;
        uint16 shares;
        Right right;
        PledgeStatus status;
        bytes3 currency;
        address pledgor;
        uint40 certificateId;
        uint40 seniorPledgeId;
        uint128 amount;
        uint40 registeredAt;
        uint40 registrationExpiry;
        bytes32 externalRef;
    }

    /// @dev A realisation: slot A the buyer, method and time; slot B the price and the shares taken (the surplus and
    /// shortfall follow from the price and the stored amount); slot C the document's hash.
    struct RealisationStored {
        address buyer;
        RealisationMethod method;
        uint40 realisedAt;
        uint128 price;
        uint16 shares;
        bytes32 documentHash;
    }

    /// @custom:storage-location erc7201:dataassetledger.storage.Pledges
    struct PledgesStorage {
        uint256 pledgeCount;
        mapping(uint256 pledgeId => PledgeRecord) pledges;
        mapping(uint256 pledgeId => RealisationStored) realisations;
        mapping(uint256 pledgeId => mapping(bytes32 actHash => bool)) actConsents;
        mapping(uint256 certificateId => uint256 count) activePledges;
    }

    // keccak256(abi.encode(uint256(keccak256("dataassetledger.storage.Pledges")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _PLEDGES_STORAGE = 0x35d01abd93f81863b73fbab0f1119ac8231ec272c4488f4516dcd2f756f97f00;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRights private immutable _rights;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICompliance private immutable _compliance;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICertificates private immutable _certificates;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _dueProcess;

    /// @param consortium_ The Consortium's proxy, whose directory names the Rights contract whose shares are pledged,
    /// the Compliance contract, the Certificates contract (the only one that releases pledges with a cancellation) and
    /// the DueProcess contract (the only one that recovers them).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortium consortium_) SuiteContract(consortium_) {
        _rights = IRights(_suiteContract(consortium_, SuiteNames.RIGHTS));
        _compliance = ICompliance(_suiteContract(consortium_, SuiteNames.COMPLIANCE));
        _certificates = ICertificates(_suiteContract(consortium_, SuiteNames.CERTIFICATES));
        _dueProcess = _suiteContract(consortium_, SuiteNames.DUE_PROCESS);
    }

    /// @notice Set up the proxy's state: the EIP-712 domain of consents.
    function initialize() external initializer {
        __EIP712_init(_DOMAIN_NAME, _DOMAIN_VERSION);
    }

    /// @notice The Rights contract whose shares are pledged.
    function rights() external view returns (IRights) {
        return _rights;
    }

    /// @notice The Certificates contract, which releases the pledges on a certificate it cancels.
    function certificates() external view returns (ICertificates) {
        return _certificates;
    }

    /// @inheritdoc IPledges
    function recordPledge(
        PledgeTerms calldata terms,
        uint256 seniorPledgeId,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 pledgeId) {
        _requireActive(msg.sender, Roles.BANK);
        address pledgor = terms.pledgor;
        _requireActive(pledgor, Roles.HOLDERS);
        if (pledgor == msg.sender) revert PledgesSelfPledge(pledgor);
        if (terms.shares == 0 || terms.shares > _TOTAL_SHARES) revert PledgesInvalidShares(terms.shares);
        if (terms.amount == 0 || terms.amount > type(uint128).max) revert PledgesInvalidAmount(terms.amount);
        _checkCurrency(terms.currency);
        if (terms.maturity <= block.timestamp) revert PledgesInvalidMaturity(terms.maturity);
        _checkRegistration(terms);
        // The consent names the rank it takes: behind the pledgor's most recent pledge on that right. Once recorded,
        // the new pledge is the most recent, so the same consent can never be used again.
        uint256 current = _rights.lastPledgeOf(terms.certificateId, terms.right, pledgor);
        if (seniorPledgeId != current) revert PledgesRankChanged(pledgor, seniorPledgeId, current);
        _checkSignature(pledgor, _consentDigest(msg.sender, terms, seniorPledgeId, deadline), deadline, signature);
        if (_complianceDue()) _compliance.checkPledge(terms.certificateId, terms.right, pledgor, msg.sender);

        // Effects before the interaction: the pledge is stored, ranked behind the pledgor's most recent one on
        // that right, then Rights locks the shares (or refuses, and the whole call reverts).
        pledgeId = ++_store().pledgeCount;
        _record(pledgeId, terms, current);
        _rights.lockShares(terms.certificateId, terms.right, pledgor, terms.shares, pledgeId);
    }

    /// @inheritdoc IPledges
    function releasePledge(uint256 pledgeId) external {
        PledgeRecord storage record = _asPledgee(pledgeId);
        _setStatus(record, PledgeStatus.Released);
        emit PledgeReleased(pledgeId);
        _rights.unlockShares(record.certificateId, record.right, record.pledgor, record.shares);
    }

    /// @inheritdoc IPledges
    function extendPledge(
        uint256 pledgeId,
        uint64 newMaturity,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        PledgeRecord storage record = _asPledgee(pledgeId);
        // Both parties act in an extension: a suspended pledgor can consent to nothing.
        _requireActive(record.pledgor, Roles.HOLDERS);
        if (newMaturity <= record.maturity || newMaturity <= block.timestamp) {
            revert PledgesInvalidMaturity(newMaturity);
        }
        _useSignature(
            record.pledgor, _extensionDigest(pledgeId, newMaturity, nonce, deadline), nonce, deadline, signature
        );
        record.maturity = SafeCast.toUint40(newMaturity);
        emit PledgeExtended(pledgeId, newMaturity);
    }

    /// @inheritdoc IPledges
    function realisePledge(
        uint256 pledgeId,
        Realisation calldata realisation_,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        PledgeRecord storage record = _asPledgee(pledgeId);
        if (block.timestamp < record.maturity) revert PledgesNotMatured(pledgeId, record.maturity);
        _checkRealisation(pledgeId, record.pledgor, realisation_, nonce, deadline, signature);
        // A buyer other than the pledgee is a new recipient of the data: the modules judge it as they judged the
        // pledgee (where the data may go, who may receive personal information), never by the holder cap.
        if (realisation_.buyer != msg.sender && _complianceDue()) {
            _compliance.checkPledge(record.certificateId, record.right, record.pledgor, realisation_.buyer);
        }
        uint256 taken = _sharesToTake(pledgeId, record);

        _recordRealisation(pledgeId, record, realisation_, taken);
        _rights.seizeShares(
            record.certificateId, record.right, record.pledgor, realisation_.buyer, record.shares, taken
        );
    }

    /// @inheritdoc IPledges
    function consentToAct(uint256 pledgeId, bytes32 actHash) external {
        _asPledgee(pledgeId);
        _store().actConsents[pledgeId][actHash] = true;
        emit PledgeActConsented(pledgeId, actHash);
    }

    /// @inheritdoc IPledges
    function recoverPledges(
        address from,
        address to,
        uint256[] calldata certificateIds,
        uint256[] calldata pledgeIds
    ) external {
        if (msg.sender != _dueProcess) revert PledgesUnauthorizedCaller(msg.sender);
        PledgesStorage storage $ = _store();
        // As pledgor: every pledge of the chains that start at the positions Rights has just moved to `to`.
        for (uint256 i = 0; i < certificateIds.length; ++i) {
            for (uint256 r = 0; r < 3; ++r) {
                uint256 id = _rights.lastPledgeOf(certificateIds[i], Right(uint8(r)), to);
                for (; id != 0; id = $.pledges[id].seniorPledgeId) {
                    $.pledges[id].pledgor = to;
                    emit PledgeRecovered(id, from, to);
                }
            }
        }
        // As pledgee: the pledges listed.
        for (uint256 i = 0; i < pledgeIds.length; ++i) {
            uint256 pledgeId = pledgeIds[i];
            PledgeRecord storage record = _existing(pledgeId);
            if (record.pledgee != from) revert PledgesNotPledgee(pledgeId, from);
            record.pledgee = to;
            emit PledgeRecovered(pledgeId, from, to);
        }
    }

    /// @inheritdoc IPledges
    function requireActConsent(uint256 lastPledgeId, bytes32 actHash) external view {
        for (uint256 id = lastPledgeId; id != 0; id = _store().pledges[id].seniorPledgeId) {
            PledgeRecord storage record = _store().pledges[id];
            if (record.status == PledgeStatus.Active && !_store().actConsents[id][actHash]) {
                revert PledgesActNotConsented(id, record.pledgee, actHash);
            }
        }
    }

    /// @inheritdoc IPledges
    function actConsented(uint256 pledgeId, bytes32 actHash) external view returns (bool) {
        return _store().actConsents[pledgeId][actHash];
    }

    /// @inheritdoc IPledges
    function requireCertificateActConsent(uint256 certificateId, uint256[] calldata pledgeIds, bytes32 actHash)
        external
        view
    {
        _requireCertificateActConsent(certificateId, pledgeIds, actHash);
    }

    /// @inheritdoc IPledges
    function releaseOnCancellation(uint256 certificateId, uint256[] calldata pledgeIds, bytes32 actHash) external {
        if (msg.sender != address(_certificates)) revert PledgesUnauthorizedCaller(msg.sender);
        _requireCertificateActConsent(certificateId, pledgeIds, actHash);
        // Every pledge is ended before the Rights contract is called.
        PledgeRecord[] memory ended = new PledgeRecord[](pledgeIds.length);
        for (uint256 i = 0; i < pledgeIds.length; ++i) {
            PledgeRecord storage record = _store().pledges[pledgeIds[i]];
            _setStatus(record, PledgeStatus.Released);
            ended[i] = record;
            emit PledgeReleased(pledgeIds[i]);
        }
        for (uint256 i = 0; i < ended.length; ++i) {
            _rights.unlockShares(certificateId, ended[i].right, ended[i].pledgor, ended[i].shares);
        }
    }

    /// @inheritdoc IPledges
    function activePledgeCount(uint256 certificateId) external view returns (uint256) {
        return _store().activePledges[certificateId];
    }

    /// @inheritdoc IPledges
    function realisation(uint256 pledgeId) external view returns (RealisationRecord memory) {
        PledgeRecord storage record = _existing(pledgeId);
        if (record.status != PledgeStatus.Realised) revert PledgesNotRealised(pledgeId);
        RealisationStored storage stored = _store().realisations[pledgeId];
        (uint256 surplus, uint256 shortfall) = _settlement(stored.price, record.amount);
        return RealisationRecord({
            method: stored.method,
            buyer: stored.buyer,
            realisedAt: stored.realisedAt,
            shares: stored.shares,
            price: stored.price,
            surplus: surplus,
            shortfall: shortfall,
            documentHash: stored.documentHash
        });
    }

    /// @inheritdoc IPledges
    function pledge(uint256 pledgeId) external view returns (Pledge memory) {
        PledgeRecord storage record = _existing(pledgeId);
        return Pledge({
            status: record.status,
            pledgor: record.pledgor,
            pledgee: record.pledgee,
            certificateId: record.certificateId,
            right: record.right,
            shares: record.shares,
            maturity: record.maturity,
            seniorPledgeId: record.seniorPledgeId,
            amount: record.amount,
            currency: record.currency,
            externalRef: record.externalRef,
            registeredAt: record.registeredAt,
            registrationExpiry: record.registrationExpiry
        });
    }

    /// @inheritdoc IPledges
    function activeSeniorPledges(uint256 pledgeId) external view returns (uint256[] memory seniors) {
        uint256 count = 0;
        for (uint256 id = _existing(pledgeId).seniorPledgeId; id != 0; id = _store().pledges[id].seniorPledgeId) {
            if (_store().pledges[id].status == PledgeStatus.Active) ++count;
        }
        seniors = new uint256[](count);
        uint256 index = 0;
        for (uint256 id = _store().pledges[pledgeId].seniorPledgeId; id != 0; id = _store().pledges[id].seniorPledgeId) {
            if (_store().pledges[id].status == PledgeStatus.Active) seniors[index++] = id;
        }
    }

    /// @inheritdoc IPledges
    function pledgeCount() external view returns (uint256) {
        return _store().pledgeCount;
    }

    /// @inheritdoc IPledges
    function nonces(address owner) public view override(IPledges, NoncesUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IPledges
    function hashConsent(address pledgee, PledgeTerms calldata terms, uint256 seniorPledgeId, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _consentDigest(pledgee, terms, seniorPledgeId, deadline);
    }

    /// @inheritdoc IPledges
    function hashRealisation(
        uint256 pledgeId,
        address buyer,
        uint256 price,
        bytes32 documentHash,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _realisationDigest(pledgeId, buyer, price, documentHash, nonce, deadline);
    }

    /// @inheritdoc IPledges
    function hashExtension(uint256 pledgeId, uint64 newMaturity, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _extensionDigest(pledgeId, newMaturity, nonce, deadline);
    }

    /// @notice The EIP-712 domain separator of this contract on this chain.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Whether a module in force may judge a pledge, by the Rights contract's copy of the conditions in force
    /// (a pledge creates no holder: only the conditions any act may meet count).
    function _complianceDue() private view returns (bool) {
        return _rights.complianceConditions() & ComplianceConditions.ANY_ACT != 0;
    }

    /// @dev The one write path that creates a pledge, followed by its event.
    function _record(uint256 pledgeId, PledgeTerms calldata terms, uint256 seniorPledgeId) private {
        _store().pledges[pledgeId] = PledgeRecord({
            pledgee: msg.sender,
            maturity: SafeCast.toUint40(terms.maturity),
            shares: uint16(terms.shares),
            right: terms.right,
            status: PledgeStatus.Active,
            currency: terms.currency,
            pledgor: terms.pledgor,
            certificateId: SafeCast.toUint40(terms.certificateId),
            seniorPledgeId: uint40(seniorPledgeId),
            amount: uint128(terms.amount),
            registeredAt: uint40(terms.registeredAt),
            registrationExpiry: uint40(terms.registrationExpiry),
            externalRef: terms.externalRef
        });
        ++_store().activePledges[terms.certificateId];
        emit PledgeRecorded(
            pledgeId,
            terms.certificateId,
            msg.sender,
            terms.pledgor,
            terms.right,
            terms.shares,
            terms.amount,
            terms.currency,
            terms.maturity,
            terms.externalRef,
            terms.registeredAt,
            terms.registrationExpiry,
            seniorPledgeId
        );
    }

    /// @dev The caller must be an active BANK and the pledgee of an Active pledge.
    function _asPledgee(uint256 pledgeId) private view returns (PledgeRecord storage record) {
        _requireActive(msg.sender, Roles.BANK);
        record = _existing(pledgeId);
        if (record.pledgee != msg.sender) revert PledgesNotPledgee(pledgeId, msg.sender);
        if (record.status != PledgeStatus.Active) revert PledgesNotActive(pledgeId, record.status);
    }

    function _existing(uint256 pledgeId) private view returns (PledgeRecord storage record) {
        record = _store().pledges[pledgeId];
        if (record.status == PledgeStatus.None) revert PledgesUnknownPledge(pledgeId);
    }

    /// @dev The one write path of a pledge's end; the caller emits the end's event right after.
    function _setStatus(PledgeRecord storage record, PledgeStatus status) private {
        record.status = status;
        --_store().activePledges[record.certificateId];
    }

    /// @dev `pledgeIds` are every active pledge on the certificate, strictly increasing, and the pledgee of each
    /// consented to `actHash`: the count first, then each pledge in order (the first one lacking consent is named).
    function _requireCertificateActConsent(uint256 certificateId, uint256[] calldata pledgeIds, bytes32 actHash)
        private
        view
    {
        uint256 active = _store().activePledges[certificateId];
        if (pledgeIds.length != active) revert PledgesActivePledgesMismatch(certificateId, pledgeIds.length, active);
        uint256 previous = 0;
        for (uint256 i = 0; i < pledgeIds.length; ++i) {
            uint256 pledgeId = pledgeIds[i];
            if (pledgeId <= previous) revert PledgesUnorderedPledges(pledgeId);
            previous = pledgeId;
            PledgeRecord storage record = _existing(pledgeId);
            if (record.certificateId != certificateId) revert PledgesNotOnCertificate(pledgeId, certificateId);
            if (record.status != PledgeStatus.Active) revert PledgesNotActive(pledgeId, record.status);
            if (!_store().actConsents[pledgeId][actHash]) {
                revert PledgesActNotConsented(pledgeId, record.pledgee, actHash);
            }
        }
    }

    /// @dev The one write path of a realisation, followed by its event.
    function _recordRealisation(
        uint256 pledgeId,
        PledgeRecord storage record,
        Realisation calldata realisation_,
        uint256 taken
    ) private {
        _setStatus(record, PledgeStatus.Realised);
        _store().realisations[pledgeId] = RealisationStored({
            buyer: realisation_.buyer,
            method: realisation_.method,
            realisedAt: uint40(block.timestamp),
            price: uint128(realisation_.price),
            shares: uint16(taken),
            documentHash: realisation_.documentHash
        });
        (uint256 surplus, uint256 shortfall) = _settlement(realisation_.price, record.amount);
        emit PledgeRealised(
            pledgeId,
            realisation_.buyer,
            realisation_.method,
            taken,
            realisation_.price,
            surplus,
            shortfall,
            realisation_.documentHash
        );
    }

    /// @dev A realisation's buyer, price and document, and for an agreed price the pledgor's signature.
    function _checkRealisation(
        uint256 pledgeId,
        address pledgor,
        Realisation calldata realisation_,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private {
        address buyer = realisation_.buyer;
        if (buyer == pledgor) revert PledgesInvalidBuyer(buyer);
        if (buyer != msg.sender) _requireActive(buyer, Roles.HOLDERS);
        uint256 price = realisation_.price;
        if (price == 0 || price > type(uint128).max) revert PledgesInvalidPrice(price);
        if (realisation_.documentHash == bytes32(0)) revert PledgesMissingDocument();
        if (realisation_.method == RealisationMethod.AgreedPrice) {
            // 折价 is an agreement: the pledgor signs the price, the buyer and the document after default.
            bytes32 digest = _realisationDigest(pledgeId, buyer, price, realisation_.documentHash, nonce, deadline);
            _useSignature(pledgor, digest, nonce, deadline, signature);
        } else if (signature.length != 0) {
            revert PledgesUnexpectedSignature(realisation_.method);
        }
    }

    /// @dev The shares a realisation takes: all pledged shares, unless active seniors claim them (refused) or, with
    /// no active senior left, a senior's realisation took part of the balance (what is left).
    function _sharesToTake(uint256 pledgeId, PledgeRecord storage record) private view returns (uint256 taken) {
        (uint256 seniorShares, uint256 nearestSenior) = _activeSeniorShares(record.seniorPledgeId);
        uint256 balance = _rights.sharesOf(record.certificateId, record.right, record.pledgor);
        uint256 available = balance > seniorShares ? balance - seniorShares : 0;
        taken = record.shares;
        if (available < taken) {
            if (nearestSenior != 0) revert PledgesSeniorPledgeOutstanding(pledgeId, nearestSenior);
            taken = available;
        }
    }

    /// @dev What the price leaves to the pledgor (surplus) or leaves owed by the debtor (shortfall) (art. 438).
    function _settlement(uint256 price, uint256 amount) private pure returns (uint256 surplus, uint256 shortfall) {
        return price > amount ? (price - amount, uint256(0)) : (uint256(0), amount - price);
    }

    /// @dev Sum of the shares of the active pledges along the senior chain, and the nearest active one.
    function _activeSeniorShares(uint256 seniorPledgeId) private view returns (uint256 shares, uint256 nearest) {
        for (uint256 id = seniorPledgeId; id != 0; id = _store().pledges[id].seniorPledgeId) {
            PledgeRecord storage senior = _store().pledges[id];
            if (senior.status == PledgeStatus.Active) {
                shares += senior.shares;
                if (nearest == 0) nearest = id;
            }
        }
    }

    /// @dev Checks deadline, nonce and signature, then consumes the nonce.
    function _useSignature(address signer, bytes32 digest, uint256 nonce, uint256 deadline, bytes calldata signature)
        private
    {
        if (block.timestamp > deadline) revert PledgesSignatureExpired(deadline);
        uint256 expected = _useNonce(signer);
        if (nonce != expected) revert PledgesInvalidNonce(signer, nonce, expected);
        if (!SignatureChecker.isValidSignatureNowCalldata(signer, digest, signature)) {
            revert PledgesInvalidSignature(signer);
        }
    }

    /// @dev Checks deadline and signature of a consent to record a pledge (bound to its rank, not to a nonce).
    function _checkSignature(address signer, bytes32 digest, uint256 deadline, bytes calldata signature) private view {
        if (block.timestamp > deadline) revert PledgesSignatureExpired(deadline);
        if (!SignatureChecker.isValidSignatureNowCalldata(signer, digest, signature)) {
            revert PledgesInvalidSignature(signer);
        }
    }

    function _consentDigest(address pledgee, PledgeTerms calldata terms, uint256 seniorPledgeId, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                CONSENT_TYPEHASH,
                terms.pledgor,
                pledgee,
                terms.certificateId,
                uint8(terms.right),
                terms.shares,
                terms.amount,
                terms.currency,
                terms.maturity,
                terms.externalRef,
                terms.registeredAt,
                terms.registrationExpiry,
                seniorPledgeId,
                deadline
            )
        );
        return _hashTypedDataV4(structHash);
    }

    function _extensionDigest(uint256 pledgeId, uint64 newMaturity, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(EXTENSION_TYPEHASH, pledgeId, newMaturity, nonce, deadline)));
    }

    function _realisationDigest(
        uint256 pledgeId,
        address buyer,
        uint256 price,
        bytes32 documentHash,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(REALISATION_TYPEHASH, pledgeId, buyer, price, documentHash, nonce, deadline))
        );
    }

    /// @dev A public registration has a number, a time not in the future and a term ending after it; or none at all.
    function _checkRegistration(PledgeTerms calldata terms) private view {
        bool registered = terms.externalRef != bytes32(0);
        bool valid = registered
            ? terms.registeredAt != 0 && terms.registeredAt <= block.timestamp
                && terms.registrationExpiry > terms.registeredAt && terms.registrationExpiry <= type(uint40).max
            : terms.registeredAt == 0 && terms.registrationExpiry == 0;
        if (!valid) {
            revert PledgesInvalidRegistration(terms.externalRef, terms.registeredAt, terms.registrationExpiry);
        }
    }

    /// @dev Three upper-case ASCII letters, as ISO 4217 codes are.
    function _checkCurrency(bytes3 currency) private pure {
        for (uint256 i = 0; i < 3; ++i) {
            bytes1 letter = currency[i];
            if (letter < "A" || letter > "Z") revert PledgesInvalidCurrency(currency);
        }
    }

    function _store() private pure returns (PledgesStorage storage $) {
        assembly {
            $.slot := _PLEDGES_STORAGE
        }
    }

    /// @dev The domain's name from code rather than storage (the same text {initialize} stores).
    function _EIP712Name() internal pure override returns (string memory) {
        return _DOMAIN_NAME;
    }

    /// @dev The domain's version from code rather than storage (the same text {initialize} stores).
    function _EIP712Version() internal pure override returns (string memory) {
        return _DOMAIN_VERSION;
    }
}
