// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {PledgeStatus} from "../types/PledgeStatus.sol";
import {RealisationMethod} from "../types/RealisationMethod.sol";
import {Right} from "../types/Right.sol";

/// @title IPledges
/// @notice Pledges of shares of a right to banks, with the pledgor's consent signed as EIP-712 typed data, ranked
/// by recording order.
///
/// Recording. The pledgee, an active BANK, records the pledge (`msg.sender` is the pledgee) with the pledgor's
/// signature over `PledgeConsent`. The pledgor, an active MERCHANT or BANK, may be an externally owned account
/// (ECDSA) or a contract wallet (ERC-1271). The signed data binds the chain id and this contract (EIP-712 domain
/// `name = "DataAssetLedger Pledges"`, `version = "1"`), a deadline, and the rank the pledge takes: the pledgor's
/// most recent pledge on that right, which it will rank behind (`seniorPledgeId`, 0 for none). Once recorded, the
/// new pledge is the most recent, so a consent is used once and only here, and the pledgor knows which pledges
/// rank ahead of the one it consents to. It names the pledgor too, so it pledges the shares of that one account: a wallet
/// owner's signature for one ERC-1271 wallet cannot pledge a sibling wallet's shares, nor its own. An extension
/// needs both parties active. The shares must not exceed the pledgor's balance of that right; they may already
/// be covered by earlier pledges (a junior pledge). The certificate must be in force.
///
/// Public registration. A pledge over a right is created by its registration (Civil Code art. 443), and priority
/// between pledges follows the order of their public registration (art. 414): the terms carry the pledge's number
/// in the People's Bank's unified registry of movables and rights (中登网, PBOC Order 〔2021〕 No. 7), its
/// registration time and the term of that registration. The chain ranks by recording order; readers compare the two.
///
/// EIP-712 types (`right` is the enum as uint8, `currency` an ISO 4217 code such as "CNY" as bytes3):
/// `PledgeConsent(address pledgor,address pledgee,uint256 certificateId,uint8 right,uint256 shares,uint256 amount,
/// bytes3 currency,uint64 maturity,bytes32 externalRef,uint64 registeredAt,uint64 registrationExpiry,
/// uint256 seniorPledgeId,uint256 deadline)`, `PledgeExtension(uint256 pledgeId,uint64 newMaturity,uint256 nonce,
/// uint256 deadline)` and `PledgeRealisation(uint256 pledgeId,address buyer,uint256 price,bytes32 documentHash,
/// uint256 nonce,uint256 deadline)`. Extensions and realisations consume the same per-pledgor nonce ({nonces}).
///
/// Rank. Pledge ids grow with recording order, so on one (certificate, right) a smaller id ranks ahead. The pledges
/// of one pledgor on one right form a chain, junior to senior, through `seniorPledgeId`.
///
/// Ends. A pledge ends by release (the pledgee, at any time) or by realisation (the pledgee, from maturity on), each
/// an explicit status with its event. An extension (new, later maturity, with the pledgor's signed
/// `PledgeExtension`) keeps the pledge Active. There is no forfeiture (art. 428): realisation records how the value
/// was obtained (a price agreed with the pledgor, who signs it; an auction; a sale; a court's ruling), the hash of
/// the document that fixes it, the price, and the buyer that document names, who receives the shares. The price
/// pays the secured amount; what exceeds it is the surplus owed to the pledgor, and a shortfall stays owed by the
/// debtor (art. 438); both are recorded. A junior pledge cannot be realised while active senior pledges of the
/// same pledgor on that right claim the shares it needs (`balance - sum(active senior shares) < shares`): juniors
/// rank in order. When no active senior remains but the balance fell below the pledged shares (a senior took its
/// part), realisation takes what is left, as {PledgeRealised} says. A pledge on a certificate that has expired or
/// is suspended can still be realised (the collateral is the pledgee's security precisely then); a cancelled
/// certificate cannot carry an active pledge: it is cancelled only with the consent of the pledgee of every active
/// pledge on it, and the cancellation releases them ({releaseOnCancellation}, {PledgeReleased}).
///
/// The collateral is protected (arts. 443-444 by analogy). While shares are pledged, their holder grants no licence
/// over that right, and the certificate is neither changed nor cancelled, without the consent of the pledgee of
/// every active pledge concerned, given by {consentToAct} for the act's hash. The contract counts the active pledges
/// of each certificate ({activePledgeCount}), so that a certificate act can be checked against a complete list
/// ({requireCertificateActConsent}).
///
/// Stored per pledge, so that a bank can prove every term from storage: pledgor, pledgee, certificate, right, shares,
/// amount, currency, maturity, status, the external reference and the senior link (the rank).
///
/// This contract sits behind an ERC-1967 proxy (UUPS, upgraded only by governance's timelock) with ERC-7201
/// namespaced storage; see `ISuiteContract`. Consents bind the proxy's address, which never changes.
interface IPledges {
    /// @notice What a pledge secures, as the pledgor consents to it.
    /// @param pledgor The member whose shares are pledged (the signer of the consent).
    /// @param certificateId The certificate.
    /// @param right The right whose shares are pledged.
    /// @param shares Basis points pledged (1 .. the pledgor's balance).
    /// @param amount The secured amount, in minor units of `currency` (greater than 0, below 2^128).
    /// @param currency ISO 4217 code, three ASCII letters (for example "CNY").
    /// @param maturity When the secured debt falls due; realisation is possible from then on.
    /// @param externalRef The pledge's public registration number (中登网 登记编号, ASCII, left-aligned), or zero when
    /// it is not yet publicly registered.
    /// @param registeredAt When the public registration was made (zero with no registration number).
    /// @param registrationExpiry The end of the public registration's term (zero with no registration number).
    struct PledgeTerms {
        address pledgor;
        uint256 certificateId;
        Right right;
        uint256 shares;
        uint256 amount;
        bytes3 currency;
        uint64 maturity;
        bytes32 externalRef;
        uint64 registeredAt;
        uint64 registrationExpiry;
    }

    /// @notice How a matured pledge is realised.
    /// @param method How the value was obtained.
    /// @param buyer The active member (MERCHANT or BANK) the document names as acquiring the shares; not the pledgor.
    /// @param price The price, in minor units of the pledge's currency (greater than 0, below 2^128).
    /// @param documentHash Hash of the document fixing price and buyer: the agreement, the auction or sale record, or
    /// the ruling. Never zero.
    struct Realisation {
        RealisationMethod method;
        address buyer;
        uint256 price;
        bytes32 documentHash;
    }

    /// @notice A realisation as stored.
    /// @param shares The shares that moved to the buyer.
    /// @param surplus What the price exceeds the secured amount by, owed to the pledgor (art. 438).
    /// @param shortfall What the price falls short of the secured amount by, still owed by the debtor.
    struct RealisationRecord {
        RealisationMethod method;
        address buyer;
        uint64 realisedAt;
        uint256 shares;
        uint256 price;
        uint256 surplus;
        uint256 shortfall;
        bytes32 documentHash;
    }

    /// @notice A pledge as stored.
    /// @param seniorPledgeId The pledgor's previous pledge on the same certificate and right (0 if none), which
    /// ranks ahead of this one.
    struct Pledge {
        PledgeStatus status;
        address pledgor;
        address pledgee;
        uint256 certificateId;
        Right right;
        uint256 shares;
        uint64 maturity;
        uint256 seniorPledgeId;
        uint256 amount;
        bytes3 currency;
        bytes32 externalRef;
        uint64 registeredAt;
        uint64 registrationExpiry;
    }

    /// @notice `pledgee` recorded pledge `pledgeId` over `shares` of `right` of `certificateId` owned by `pledgor`.
    /// Status: Active. `seniorPledgeId` is the pledgor's previous pledge on that right (0 if none).
    event PledgeRecorded(
        uint256 indexed pledgeId,
        uint256 indexed certificateId,
        address indexed pledgee,
        address pledgor,
        Right right,
        uint256 shares,
        uint256 amount,
        bytes3 currency,
        uint64 maturity,
        bytes32 externalRef,
        uint64 registeredAt,
        uint64 registrationExpiry,
        uint256 seniorPledgeId
    );

    /// @notice The pledgee released the pledge, or the certificate was cancelled with its consent. Status: Released;
    /// its shares are unlocked.
    event PledgeReleased(uint256 indexed pledgeId);

    /// @notice Both parties extended the pledge to `maturity`. Status stays Active.
    event PledgeExtended(uint256 indexed pledgeId, uint64 maturity);

    /// @notice The pledgee realised the pledge by `method`: `shares` moved from the pledgor to `buyer` for `price`,
    /// as the document hashed `documentHash` fixes; `surplus` is owed to the pledgor and `shortfall` is still owed
    /// by the debtor. Status: Realised.
    event PledgeRealised(
        uint256 indexed pledgeId,
        address indexed buyer,
        RealisationMethod method,
        uint256 shares,
        uint256 price,
        uint256 surplus,
        uint256 shortfall,
        bytes32 documentHash
    );

    /// @notice The pledgee of `pledgeId` consented to the act hashed `actHash` over its collateral (a licence, or a
    /// change or cancellation of the certificate).
    event PledgeActConsented(uint256 indexed pledgeId, bytes32 indexed actHash);

    /// @notice No pledge has id `pledgeId`.
    error PledgesUnknownPledge(uint256 pledgeId);

    /// @notice The pledge is `current`, not Active.
    error PledgesNotActive(uint256 pledgeId, PledgeStatus current);

    /// @notice `account` is not the pledgee of `pledgeId`.
    error PledgesNotPledgee(uint256 pledgeId, address account);

    /// @notice Pledged shares must be between 1 and 10,000.
    error PledgesInvalidShares(uint256 shares);

    /// @notice The secured amount must be greater than zero and below 2^128.
    error PledgesInvalidAmount(uint256 amount);

    /// @notice The currency code must be three upper-case ASCII letters.
    error PledgesInvalidCurrency(bytes3 currency);

    /// @notice A maturity must lie in the future (and, when extending, after the current one).
    error PledgesInvalidMaturity(uint64 maturity);

    /// @notice A bank cannot take a pledge over its own shares.
    error PledgesSelfPledge(address account);

    /// @notice The signature's deadline has passed.
    error PledgesSignatureExpired(uint256 deadline);

    /// @notice `nonce` is not the pledgor's current nonce `expected` (already used, or out of order).
    error PledgesInvalidNonce(address pledgor, uint256 nonce, uint256 expected);

    /// @notice The consent was signed to rank behind `signedSenior`, but the pledgor's most recent pledge on that
    /// right is now `currentSenior` (the consent was used, or another pledge was recorded since).
    error PledgesRankChanged(address pledgor, uint256 signedSenior, uint256 currentSenior);

    /// @notice The signature is not the pledgor's over these typed data.
    error PledgesInvalidSignature(address pledgor);

    /// @notice The public registration must have a number, a time not in the future and a term ending after it, or
    /// be all zero.
    error PledgesInvalidRegistration(bytes32 externalRef, uint64 registeredAt, uint64 registrationExpiry);

    /// @notice The pledge matures at `maturity`; it cannot be realised before.
    error PledgesNotMatured(uint256 pledgeId, uint64 maturity);

    /// @notice The active senior pledge `seniorPledgeId` claims shares that `pledgeId` needs; it ranks ahead.
    error PledgesSeniorPledgeOutstanding(uint256 pledgeId, uint256 seniorPledgeId);

    /// @notice Realised shares cannot go to the pledgor itself.
    error PledgesInvalidBuyer(address buyer);

    /// @notice A realisation's price must be greater than zero and below 2^128.
    error PledgesInvalidPrice(uint256 price);

    /// @notice A realisation must name the document (agreement, auction or sale record, ruling) that fixes it.
    error PledgesMissingDocument();

    /// @notice An agreed price needs the pledgor's signed `PledgeRealisation`; other methods carry none.
    error PledgesUnexpectedSignature(RealisationMethod method);

    /// @notice Pledge `pledgeId` was not realised.
    error PledgesNotRealised(uint256 pledgeId);

    /// @notice The pledgee of the active pledge `pledgeId` has not consented to the act hashed `actHash` over its
    /// collateral.
    error PledgesActNotConsented(uint256 pledgeId, address pledgee, bytes32 actHash);

    /// @notice A certificate act names `named` pledges, but `active` pledges are active on certificate `certificateId`:
    /// it must name every one.
    error PledgesActivePledgesMismatch(uint256 certificateId, uint256 named, uint256 active);

    /// @notice Pledge ids must be listed in strictly increasing order; `pledgeId` is repeated or out of order.
    error PledgesUnorderedPledges(uint256 pledgeId);

    /// @notice Pledge `pledgeId` is not a pledge on certificate `certificateId`.
    error PledgesNotOnCertificate(uint256 pledgeId, uint256 certificateId);

    /// @notice Only the Certificates contract may do this; `account` is not it.
    error PledgesUnauthorizedCaller(address account);

    /// @notice Record a pledge (caller: the pledgee, an active BANK) with the pledgor's signed consent.
    /// @param seniorPledgeId The pledgor's most recent pledge on that right when it signed (0 for none), as signed.
    /// @param deadline The last second at which the signature may be used, as signed.
    /// @param signature The pledgor's signature (65-byte ECDSA, or whatever its ERC-1271 wallet accepts).
    /// @return pledgeId The new pledge's id (ids start at 1).
    function recordPledge(
        PledgeTerms calldata terms,
        uint256 seniorPledgeId,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 pledgeId);

    /// @notice Release an Active pledge. Caller: its pledgee, an active BANK.
    function releasePledge(uint256 pledgeId) external;

    /// @notice Extend an Active pledge to `newMaturity` with the pledgor's signed `PledgeExtension`.
    /// Caller: its pledgee, an active BANK.
    function extendPledge(
        uint256 pledgeId,
        uint64 newMaturity,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Realise an Active, matured pledge: its shares go to `sale.buyer` for `sale.price`.
    /// Caller: its pledgee, an active BANK. With {RealisationMethod.AgreedPrice} the pledgor's signed
    /// `PledgeRealisation` (with `nonce` and `deadline`) is required; other methods pass an empty signature and zeros.
    function realisePledge(
        uint256 pledgeId,
        Realisation calldata sale,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Consent, as the pledgee of the Active pledge `pledgeId`, to the act hashed `actHash` over the pledged
    /// collateral (see {licenceActHash} in IRights and the certificate acts in ICertificates). Caller: its pledgee.
    function consentToAct(uint256 pledgeId, bytes32 actHash) external;

    /// @notice Reverts with {PledgesActNotConsented} unless the pledgee of every Active pledge along the chain that
    /// starts at `lastPledgeId` (a member's most recent pledge on a right, then its seniors) consented to `actHash`.
    function requireActConsent(uint256 lastPledgeId, bytes32 actHash) external view;

    /// @notice Reverts unless `pledgeIds` are every Active pledge on `certificateId`, in strictly increasing order,
    /// and the pledgee of each consented to `actHash` (a certificate act, `ICertificates.certificateActHash`):
    /// {PledgesActivePledgesMismatch} when their number is not the certificate's {activePledgeCount}, then, pledge by
    /// pledge, {PledgesUnorderedPledges}, {PledgesUnknownPledge}, {PledgesNotOnCertificate}, {PledgesNotActive},
    /// {PledgesActNotConsented} (naming the first pledge lacking consent).
    function requireCertificateActConsent(uint256 certificateId, uint256[] calldata pledgeIds, bytes32 actHash)
        external
        view;

    /// @notice Check as {requireCertificateActConsent}, then release each pledge ({PledgeReleased}, shares unlocked):
    /// the certificate is being cancelled with its pledgees' consent. Caller: the Certificates contract only.
    function releaseOnCancellation(uint256 certificateId, uint256[] calldata pledgeIds, bytes32 actHash) external;

    /// @notice The number of Active pledges on `certificateId` (on any right, by any pledgor).
    function activePledgeCount(uint256 certificateId) external view returns (uint256);

    /// @notice Whether the pledgee of `pledgeId` consented to the act hashed `actHash`.
    function actConsented(uint256 pledgeId, bytes32 actHash) external view returns (bool);

    /// @notice How pledge `pledgeId` was realised; reverts with {PledgesNotRealised} if it was not.
    function realisation(uint256 pledgeId) external view returns (RealisationRecord memory);

    /// @notice The stored pledge; reverts with {PledgesUnknownPledge} for an unknown id.
    function pledge(uint256 pledgeId) external view returns (Pledge memory);

    /// @notice The active pledges of the same pledgor on the same right that rank ahead of `pledgeId`, nearest first.
    function activeSeniorPledges(uint256 pledgeId) external view returns (uint256[] memory);

    /// @notice The number of pledges ever recorded (the highest id).
    function pledgeCount() external view returns (uint256);

    /// @notice The current nonce of `owner`; the next extension or agreed realisation it signs must carry it.
    function nonces(address owner) external view returns (uint256);

    /// @notice The EIP-712 digest the pledgor signs to consent to `terms` taken by `pledgee`.
    function hashConsent(address pledgee, PledgeTerms calldata terms, uint256 seniorPledgeId, uint256 deadline)
        external
        view
        returns (bytes32);

    /// @notice The EIP-712 digest the pledgor signs to agree to realise `pledgeId` by selling to `buyer` at `price`.
    function hashRealisation(
        uint256 pledgeId,
        address buyer,
        uint256 price,
        bytes32 documentHash,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest the pledgor signs to extend `pledgeId` to `newMaturity`.
    function hashExtension(uint256 pledgeId, uint64 newMaturity, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32);
}
