"""Due process: forced transfers by court order and key recoveries, proposed by a registrar and
executed by governance after the delay, each refusal with its exact custom error."""

from __future__ import annotations

from typing import Any

from contract_harness import (
    ALL_ROLES,
    BANK,
    DAY,
    DEVELOPMENT,
    HOLDERS,
    HOLDING,
    MERCHANT,
    OPERATION,
    REGISTRAR,
    RIGHTS,
    YEAR,
    Ledger,
    as_me,
    identity_of,
)
from eth_utils.crypto import keccak
from event_replay import EventReplay, compare_with_contracts

PROPOSED, EXECUTED, CANCELLED = 1, 2, 3
FORCED_TRANSFER, RECOVERY = 0, 1
RETIRED, SUSPENDED_MEMBER = 3, 2
ORDER = keccak(text="court order 2026-001")
REASON = keccak(text="withdrawn")
PI = b"PI-PROCESSOR".ljust(32, b"\x00")
ZERO = "0x" + "00" * 20


def proposal(ledger: Ledger, proposal_id: int) -> dict[str, Any]:
    return ledger.struct(ledger.due_process.functions.proposal(proposal_id))


# -- the delay ------------------------------------------------------------------------------------


def test_the_delay_starts_at_two_days_and_governance_alone_sets_it(ledger: Ledger) -> None:
    d = ledger.due_process.functions
    assert d.delay().call() == 2 * DAY
    receipt = ledger.send(d.setDelay(3 * DAY), "admin")
    assert ledger.events(receipt, "DueProcess", "DueProcessDelayChanged") == [
        {"previousDelay": 2 * DAY, "delay": 3 * DAY}
    ]
    assert d.delay().call() == 3 * DAY
    ledger.reverts(d.setDelay(DAY), "registrar", "DueProcessUnauthorizedGovernance", "registrar")
    ledger.reverts(d.setDelay(91 * DAY), "admin", "DueProcessInvalidDelay", 91 * DAY, 90 * DAY)


def test_a_proposal_keeps_the_delay_it_was_made_under(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    proposal_id = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_a", "merchant_b", 1_000)
    made_at = ledger.now()
    ledger.send(ledger.due_process.functions.setDelay(0), "admin")
    assert proposal(ledger, proposal_id)["executableAt"] == made_at + 2 * DAY
    ledger.reverts(
        ledger.due_process.functions.execute(proposal_id), "admin", "DueProcessTooEarly", proposal_id, made_at + 2 * DAY
    )


# -- forced transfer ------------------------------------------------------------------------------


def test_a_forced_transfer_is_proposed_by_a_registrar_and_executed_by_governance_after_the_delay(
    ledger: Ledger,
) -> None:
    certificate_id = ledger.issue()
    d = ledger.due_process.functions
    receipt = ledger.send(
        d.proposeForcedTransfer(
            certificate_id, DEVELOPMENT, ledger.address("merchant_a"), ledger.address("merchant_b"), 2_500, ORDER
        ),
        "registrar",
    )
    executable_at = ledger.now() + 2 * DAY
    assert ledger.events(receipt, "DueProcess", "ForcedTransferProposed") == [
        {
            "proposalId": 1, "certificateId": certificate_id, "proposer": ledger.address("registrar"),
            "right": DEVELOPMENT, "from": ledger.address("merchant_a"), "to": ledger.address("merchant_b"),
            "shares": 2_500, "documentHash": ORDER, "executableAt": executable_at,
        }
    ]
    assert proposal(ledger, 1) == {
        "kind": FORCED_TRANSFER, "status": PROPOSED, "proposer": ledger.address("registrar"),
        "executableAt": executable_at, "documentHash": ORDER, "certificateId": certificate_id,
        "right": DEVELOPMENT, "from": ledger.address("merchant_a"), "to": ledger.address("merchant_b"),
        "shares": 2_500,
    }
    assert d.proposalCount().call() == 1

    ledger.reverts(d.execute(1), "admin", "DueProcessTooEarly", 1, executable_at)
    ledger.advance(2 * DAY)
    ledger.reverts(d.execute(1), "registrar", "DueProcessUnauthorizedGovernance", "registrar")
    receipt = ledger.send(d.execute(1), "admin")

    assert ledger.shares(certificate_id, DEVELOPMENT, "merchant_a") == 7_500
    assert ledger.shares(certificate_id, DEVELOPMENT, "merchant_b") == 2_500
    assert ledger.events(receipt, "DueProcess", "DueProcessExecuted") == [
        {"proposalId": 1, "executor": ledger.address("admin")}
    ]
    assert ledger.events(receipt, "Rights", "TransferSingle") == [
        {
            "operator": ledger.due_process.address, "from": ledger.address("merchant_a"),
            "to": ledger.address("merchant_b"), "id": certificate_id * 4 + DEVELOPMENT, "value": 2_500,
        }
    ]
    assert proposal(ledger, 1)["status"] == EXECUTED
    ledger.reverts(d.execute(1), "admin", "DueProcessNotProposed", 1, EXECUTED)
    ledger.reverts(d.cancel(1, REASON), "admin", "DueProcessNotProposed", 1, EXECUTED)


def test_a_forced_transfer_prevails_over_the_compliance_modules_and_keeps_their_counts(ledger: Ledger) -> None:
    """A holder cap of one refuses every ordinary transfer to a new holder; a court's order still moves the
    shares, and the count of holders follows."""
    certificate_id = ledger.issue()
    cap = _holder_cap_of_one(ledger)
    ledger.reverts(
        ledger.rights.functions.transferShares(certificate_id, HOLDING, ledger.address("merchant_b"), 100),
        "merchant_a",
        "ComplianceHolderCapExceeded",
        cap,
        certificate_id,
        HOLDING,
        1,
    )
    proposal_id = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_a", "merchant_b", 10_000)
    ledger.execute_after_delay(proposal_id)
    assert ledger.shares(certificate_id, HOLDING, "merchant_b") == 10_000
    compliance = ledger.contracts["Compliance"].functions
    assert compliance.holderCount(certificate_id, HOLDING).call() == 1


def _holder_cap_of_one(ledger: Ledger) -> str:
    from ledger.chain.artifacts import load_artifact

    artifact = load_artifact("HolderCapModule")
    factory = ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    module = str(
        ledger.send(factory.constructor(ledger.contracts["Compliance"].address, 1, 1, 1), "admin")["contractAddress"]
    )
    ledger.govern([ledger.contracts["Compliance"].functions.addModule(module)], salt=keccak(text="cap"))
    return module


def test_a_forced_transfer_takes_only_unencumbered_shares(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, right=DEVELOPMENT, shares=6_000)
    maturity = int(ledger.pledges.functions.pledge(pledge_id).call()[6])
    too_many = ledger.propose_forced_transfer(certificate_id, DEVELOPMENT, "merchant_a", "merchant_b", 4_001)
    free = ledger.propose_forced_transfer(certificate_id, DEVELOPMENT, "merchant_a", "merchant_b", 4_000)
    ledger.advance(2 * DAY)
    ledger.reverts(
        ledger.due_process.functions.execute(too_many),
        "admin",
        "RightsSharesPledged",
        certificate_id,
        DEVELOPMENT,
        "merchant_a",
        4_000,
        4_001,
        pledge_id,
        "bank",
        maturity,
    )
    assert proposal(ledger, too_many)["status"] == PROPOSED
    ledger.send(ledger.due_process.functions.execute(free), "admin")
    assert ledger.shares(certificate_id, DEVELOPMENT, "merchant_b") == 4_000
    assert ledger.rights.functions.pledgedSharesOf(certificate_id, DEVELOPMENT, ledger.address("merchant_a")).call() == 6_000


def test_a_forced_transfer_runs_on_a_suspended_or_expired_certificate_but_not_a_cancelled_one(ledger: Ledger) -> None:
    c = ledger.certificates.functions
    suspended = ledger.issue()
    ledger.send(c.suspend(suspended, REASON), "registrar")
    expiring = ledger.issue(expiry_in=DAY)
    cancelled = ledger.issue()
    ledger.send(c.cancel(cancelled, REASON, []), "registrar")
    ids = [
        ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_a", "merchant_b", 1_000)
        for certificate_id in (suspended, expiring, cancelled)
    ]
    ledger.advance(2 * DAY)
    assert not c.isInForce(expiring).call()
    ledger.send(ledger.due_process.functions.execute(ids[0]), "admin")
    ledger.send(ledger.due_process.functions.execute(ids[1]), "admin")
    assert ledger.shares(suspended, HOLDING, "merchant_b") == 1_000
    assert ledger.shares(expiring, HOLDING, "merchant_b") == 1_000
    ledger.reverts(ledger.due_process.functions.execute(ids[2]), "admin", "RightsCertificateNotInForce", cancelled)


def test_a_forced_transfer_takes_from_a_suspended_member_and_gives_only_to_an_active_holder(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    ledger.send(
        ledger.rights.functions.transferShares(certificate_id, HOLDING, ledger.address("merchant_b"), 3_000),
        "merchant_a",
    )
    ledger.send(ledger.consortium.functions.suspendMember(ledger.address("merchant_b"), REASON), "admin")
    from_suspended = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_b", "merchant_c", 3_000)
    to_auditor = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_a", "auditor", 1_000)
    to_suspended = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_a", "merchant_b", 1_000)
    too_many = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_c", "merchant_a", 3_001)
    ledger.advance(2 * DAY)
    d = ledger.due_process.functions
    ledger.send(d.execute(from_suspended), "admin")
    assert ledger.shares(certificate_id, HOLDING, "merchant_c") == 3_000
    ledger.reverts(d.execute(to_auditor), "admin", "ConsortiumMissingRole", "auditor", HOLDERS)
    ledger.reverts(d.execute(to_suspended), "admin", "ConsortiumMemberSuspended", "merchant_b")
    ledger.reverts(
        d.execute(too_many), "admin", "RightsInsufficientShares", certificate_id, HOLDING, "merchant_c", 3_000, 3_001
    )


def test_a_proposal_is_refused_without_a_registrar_a_document_two_parties_or_valid_shares(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    d = ledger.due_process.functions
    a, b = ledger.address("merchant_a"), ledger.address("merchant_b")
    ledger.reverts(
        d.proposeForcedTransfer(certificate_id, HOLDING, a, b, 1, ORDER), "merchant_a", "ConsortiumMissingRole",
        "merchant_a", REGISTRAR,
    )
    ledger.reverts(
        d.proposeRecovery(a, ledger.address("replacement"), ORDER, ([], [], [], [])), "admin",
        "ConsortiumNotMember", "admin",
    )
    ledger.reverts(d.proposeForcedTransfer(certificate_id, HOLDING, a, b, 1, b"\x00" * 32), "registrar",
                   "DueProcessMissingDocument")
    ledger.reverts(d.proposeForcedTransfer(certificate_id, HOLDING, a, a, 1, ORDER), "registrar",
                   "DueProcessInvalidParties", a, a)
    ledger.reverts(d.proposeForcedTransfer(certificate_id, HOLDING, ZERO, b, 1, ORDER), "registrar",
                   "DueProcessInvalidParties", ZERO, b)
    ledger.reverts(d.proposeForcedTransfer(certificate_id, HOLDING, a, b, 0, ORDER), "registrar",
                   "DueProcessInvalidShares", 0)
    ledger.reverts(d.proposeForcedTransfer(certificate_id, HOLDING, a, b, 10_001, ORDER), "registrar",
                   "DueProcessInvalidShares", 10_001)
    ledger.reverts(d.proposeRecovery(a, ZERO, ORDER, ([], [], [], [])), "registrar", "DueProcessInvalidParties",
                   a, ZERO)


def test_governance_or_the_proposing_registrar_cancels_with_a_reason(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    d = ledger.due_process.functions
    first = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_a", "merchant_b", 1_000)
    second = ledger.propose_forced_transfer(certificate_id, HOLDING, "merchant_a", "merchant_b", 1_000)
    ledger.reverts(d.cancel(first, REASON), "registrar_b", "DueProcessNotProposer", first, "registrar_b")
    ledger.reverts(d.cancel(first, REASON), "merchant_a", "ConsortiumMissingRole", "merchant_a", REGISTRAR)
    ledger.reverts(d.cancel(9, REASON), "admin", "DueProcessUnknownProposal", 9)
    receipt = ledger.send(d.cancel(first, REASON), "registrar")
    assert ledger.events(receipt, "DueProcess", "DueProcessCancelled") == [
        {"proposalId": first, "cancelledBy": ledger.address("registrar"), "reasonHash": REASON}
    ]
    ledger.send(d.cancel(second, REASON), "admin")
    assert [proposal(ledger, i)["status"] for i in (first, second)] == [CANCELLED, CANCELLED]
    ledger.advance(2 * DAY)
    ledger.reverts(d.execute(first), "admin", "DueProcessNotProposed", first, CANCELLED)
    ledger.reverts(d.cancel(first, REASON), "registrar", "DueProcessNotProposed", first, CANCELLED)
    ledger.reverts(d.execute(3), "admin", "DueProcessUnknownProposal", 3)
    ledger.reverts(d.proposal(3), "admin", "DueProcessUnknownProposal", 3)
    ledger.reverts(d.recoveryScope(3), "admin", "DueProcessUnknownProposal", 3)
    assert ledger.shares(certificate_id, HOLDING, "merchant_a") == 10_000


# -- key recovery ---------------------------------------------------------------------------------


def member_views(ledger: Ledger, who: str, certificates: list[int], licences: list[int], pledges: list[int]) -> list[Any]:
    """Everything the suite's views answer about ``who``'s records, with its address replaced by "ME"."""
    address = ledger.address(who)
    r, p = ledger.rights.functions, ledger.pledges.functions
    compliance = ledger.contracts["Compliance"].functions

    member = ledger.consortium.functions.member(address).call()
    answers: list[Any] = [member[1], member[2], compliance.jurisdictionOf(address).call(),
                          compliance.hasQualification(address, PI).call()]
    for certificate_id in certificates:
        for right in RIGHTS:
            answers += [
                r.sharesOf(certificate_id, right, address).call(),
                r.pledgedSharesOf(certificate_id, right, address).call(),
                r.transferableSharesOf(certificate_id, right, address).call(),
                r.lastPledgeOf(certificate_id, right, address).call(),
                r.balanceOf(address, certificate_id * 4 + right).call(),
            ]
    answers += [as_me(r.licence(licence_id).call(), address) for licence_id in licences]
    answers += [as_me(p.pledge(pledge_id).call(), address) for pledge_id in pledges]
    return answers


def recovery_setup(ledger: Ledger) -> dict[str, Any]:
    """merchant_a holds shares of two certificates, pledged to the bank on one, grants and holds licences, has a
    jurisdiction and a qualification."""
    r = ledger.rights.functions
    first, second = ledger.issue(), ledger.issue(holder="merchant_b")
    ledger.send(r.transferShares(second, OPERATION, ledger.address("merchant_a"), 4_000), "merchant_b")
    senior = ledger.record_pledge("merchant_a", "bank", first, right=DEVELOPMENT, shares=3_000)
    junior = ledger.record_pledge("merchant_a", "bank_b", first, right=DEVELOPMENT, shares=2_000)
    now = ledger.now()
    granted = ledger.send(
        r.grantLicence(first, OPERATION, (ledger.address("merchant_c"), keccak(text="t"), 0, now + YEAR, False, True)),
        "merchant_a",
    )
    received = ledger.send(
        r.grantLicence(second, DEVELOPMENT, (ledger.address("merchant_a"), keccak(text="u"), 0, now + YEAR, False,
                                             False)),
        "merchant_b",
    )
    licences = [
        ledger.events(granted, "Rights", "LicenceGranted")[0]["licenceId"],
        ledger.events(received, "Rights", "LicenceGranted")[0]["licenceId"],
    ]
    compliance = ledger.contracts["Compliance"].functions
    ledger.send(compliance.setJurisdiction(ledger.address("merchant_a"), b"CN"), "admin")
    ledger.send(compliance.grantQualification(ledger.address("merchant_a"), PI), "admin")
    return {"certificates": [first, second], "licences": licences, "pledges": [senior, junior]}


def test_a_recovery_moves_every_position_licence_pledge_and_the_identity_to_the_new_address(ledger: Ledger) -> None:
    setup = recovery_setup(ledger)
    certificates, licences, pledges = setup["certificates"], setup["licences"], setup["pledges"]
    before = member_views(ledger, "merchant_a", certificates, licences, pledges)
    nothing = member_views(ledger, "replacement", certificates, licences, pledges)
    scope = (certificates, licences, [], [PI])
    receipt = ledger.send(
        ledger.due_process.functions.proposeRecovery(
            ledger.address("merchant_a"), ledger.address("replacement"), ORDER, scope
        ),
        "registrar",
    )
    assert ledger.events(receipt, "DueProcess", "RecoveryProposed") == [
        {
            "proposalId": 1, "lostAccount": ledger.address("merchant_a"), "newAccount": ledger.address("replacement"),
            "proposer": ledger.address("registrar"), "documentHash": ORDER, "executableAt": ledger.now() + 2 * DAY,
            "scope": {"certificateIds": certificates, "licenceIds": licences, "pledgeIds": [], "qualifications": [PI]},
        }
    ]
    assert list(ledger.due_process.functions.recoveryScope(1).call()) == [certificates, licences, [], [PI]]
    assert proposal(ledger, 1)["kind"] == RECOVERY
    receipt = ledger.execute_after_delay(1)

    # The new address answers every view the lost one did; the lost one holds nothing.
    assert member_views(ledger, "replacement", certificates, licences, pledges) == before
    positions = slice(2, 4 + 15 * len(certificates))
    after = member_views(ledger, "merchant_a", certificates, licences, pledges)
    assert after[positions] == nothing[positions]
    assert "ME" not in str(after[positions.stop:])
    c = ledger.consortium.functions
    assert list(c.member(ledger.address("merchant_a")).call()) == [RETIRED, MERCHANT, identity_of("merchant_a")]
    assert list(c.member(ledger.address("replacement")).call()) == [1, MERCHANT, identity_of("merchant_a")]
    assert c.accountOf(identity_of("merchant_a")).call() == ledger.address("replacement")
    for name in ("Certificates", "Rights", "Pledges", "Anchors", "Compliance", "DueProcess"):
        copy = ledger.contracts[name].functions
        assert list(copy.replicatedMember(ledger.address("merchant_a")).call()) == [RETIRED, MERCHANT]
        assert list(copy.replicatedMember(ledger.address("replacement")).call()) == [1, MERCHANT]

    # Every step is an event.
    assert ledger.events(receipt, "Consortium", "MemberRecovered") == [
        {"from": ledger.address("merchant_a"), "to": ledger.address("replacement"),
         "identityHash": identity_of("merchant_a"), "roles": MERCHANT}
    ]
    lost, new = ledger.address("merchant_a"), ledger.address("replacement")
    assert [e["certificateId"] for e in ledger.events(receipt, "Rights", "PositionRecovered")] == certificates
    assert [e["licenceId"] for e in ledger.events(receipt, "Rights", "LicenceRecovered")] == licences
    assert sorted(e["pledgeId"] for e in ledger.events(receipt, "Pledges", "PledgeRecovered")) == pledges
    moved = [(e["id"], e["value"]) for e in ledger.events(receipt, "Rights", "TransferSingle")]
    first, second = certificates
    assert moved == [(first * 4 + HOLDING, 10_000), (first * 4 + DEVELOPMENT, 10_000),
                     (first * 4 + OPERATION, 10_000), (second * 4 + OPERATION, 4_000)]
    assert all(e["from"] == lost and e["to"] == new for e in ledger.events(receipt, "Rights", "TransferSingle"))
    assert ledger.events(receipt, "Compliance", "MemberJurisdictionSet") == [
        {"member": new, "jurisdiction": b"CN"}, {"member": lost, "jurisdiction": b"\x00\x00"}
    ]

    # The lost address can do nothing; the new one acts with its own key.
    r = ledger.rights.functions
    ledger.reverts(r.transferShares(first, HOLDING, ledger.address("merchant_b"), 1), "merchant_a",
                   "ConsortiumMemberRetired", "merchant_a")
    ledger.send(r.transferShares(first, HOLDING, ledger.address("merchant_b"), 1), "replacement")
    ledger.send(ledger.pledges.functions.releasePledge(pledges[0]), "bank")
    assert r.pledgedSharesOf(first, DEVELOPMENT, new).call() == 2_000
    ledger.record_pledge("replacement", "bank", first, right=DEVELOPMENT, shares=1_000)
    assert r.pledgedSharesOf(first, DEVELOPMENT, new).call() == 3_000
    ledger.send(r.revokeLicence(licences[0], REASON), "replacement")


def test_a_recovered_bank_keeps_its_pledges_as_pledgee(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    pledge_id = ledger.record_pledge("merchant_a", "bank", certificate_id, right=HOLDING, shares=5_000,
                                     maturity=ledger.now() + 3 * DAY)
    proposal_id = ledger.propose_recovery("bank", "replacement", ([], [], [pledge_id], []))
    ledger.execute_after_delay(proposal_id)
    assert ledger.pledges.functions.pledge(pledge_id).call()[2] == ledger.address("replacement")
    ledger.advance(2 * DAY)
    ledger.reverts(ledger.pledges.functions.releasePledge(pledge_id), "bank", "ConsortiumMemberRetired", "bank")
    ledger.realise(pledge_id, "replacement")
    assert ledger.shares(certificate_id, HOLDING, "replacement") == 5_000


def test_a_recovered_suspended_member_stays_suspended(ledger: Ledger) -> None:
    proposal_id = ledger.propose_recovery("suspended", "replacement")
    ledger.execute_after_delay(proposal_id)
    assert ledger.consortium.functions.member(ledger.address("replacement")).call()[:2] == (
        SUSPENDED_MEMBER, ALL_ROLES
    )
    ledger.send(ledger.consortium.functions.reinstateMember(ledger.address("replacement")), "admin")
    assert ledger.consortium.functions.isActive(ledger.address("replacement"), BANK).call()


def test_a_retired_address_is_never_admitted_suspended_reinstated_given_roles_or_recovered_again(
    ledger: Ledger,
) -> None:
    ledger.execute_after_delay(ledger.propose_recovery("merchant_b", "replacement"))
    c = ledger.consortium.functions
    lost = ledger.address("merchant_b")
    ledger.reverts(c.suspendMember(lost, REASON), "admin", "ConsortiumMemberRetired", lost)
    ledger.reverts(c.reinstateMember(lost), "admin", "ConsortiumMemberRetired", lost)
    ledger.reverts(c.setRoles(lost, BANK), "admin", "ConsortiumMemberRetired", lost)
    ledger.reverts(c.addMember(lost, keccak(text="again"), "Again", MERCHANT), "admin", "ConsortiumMemberExists", lost)
    ledger.reverts(c.requireActive(lost, MERCHANT), "admin", "ConsortiumMemberRetired", lost)
    assert not c.isActive(lost, MERCHANT).call()
    again = ledger.propose_recovery("merchant_b", "replacement_b")
    ledger.advance(2 * DAY)
    ledger.reverts(ledger.due_process.functions.execute(again), "admin", "ConsortiumMemberRetired", lost)


def test_a_recovery_is_refused_to_an_existing_member_or_from_a_stranger(ledger: Ledger) -> None:
    to_member = ledger.propose_recovery("merchant_a", "merchant_b")
    from_stranger = ledger.propose_recovery("stranger", "replacement")
    ledger.advance(2 * DAY)
    d = ledger.due_process.functions
    ledger.reverts(d.execute(to_member), "admin", "ConsortiumMemberExists", "merchant_b")
    ledger.reverts(d.execute(from_stranger), "admin", "ConsortiumNotMember", "stranger")
    assert proposal(ledger, to_member)["status"] == PROPOSED


def test_a_recovery_refuses_a_licence_or_pledge_the_lost_address_is_no_party_to(ledger: Ledger) -> None:
    certificate_id = ledger.issue(holder="merchant_b")
    now = ledger.now()
    receipt = ledger.send(
        ledger.rights.functions.grantLicence(
            certificate_id, DEVELOPMENT, (ledger.address("merchant_c"), keccak(text="t"), 0, now + YEAR, False, False)
        ),
        "merchant_b",
    )
    licence_id = ledger.events(receipt, "Rights", "LicenceGranted")[0]["licenceId"]
    pledge_id = ledger.record_pledge("merchant_b", "bank", certificate_id)
    wrong_licence = ledger.propose_recovery("merchant_a", "replacement", ([], [licence_id], [], []))
    unknown_licence = ledger.propose_recovery("merchant_a", "replacement", ([], [99], [], []))
    wrong_pledge = ledger.propose_recovery("merchant_a", "replacement", ([], [], [pledge_id], []))
    unknown_pledge = ledger.propose_recovery("merchant_a", "replacement", ([], [], [99], []))
    ledger.advance(2 * DAY)
    d = ledger.due_process.functions
    ledger.reverts(d.execute(wrong_licence), "admin", "RightsNotLicenceParty", licence_id, "merchant_a")
    ledger.reverts(d.execute(unknown_licence), "admin", "RightsUnknownLicence", 99)
    ledger.reverts(d.execute(wrong_pledge), "admin", "PledgesNotPledgee", pledge_id, "merchant_a")
    ledger.reverts(d.execute(unknown_pledge), "admin", "PledgesUnknownPledge", 99)


def test_only_due_process_moves_records(ledger: Ledger) -> None:
    certificate_id = ledger.issue()
    a, b = ledger.address("merchant_a"), ledger.address("merchant_b")
    ledger.reverts(ledger.rights.functions.forceTransfer(certificate_id, HOLDING, a, b, 1), "admin",
                   "RightsUnauthorizedCaller", "admin")
    ledger.reverts(ledger.rights.functions.recoverRecords(a, b, [], []), "registrar", "RightsUnauthorizedCaller",
                   "registrar")
    ledger.reverts(ledger.pledges.functions.recoverPledges(a, b, [], []), "admin", "PledgesUnauthorizedCaller",
                   "admin")
    ledger.reverts(ledger.contracts["Compliance"].functions.recoverMember(a, b, []), "admin",
                   "ComplianceUnauthorizedCaller", "admin")
    ledger.reverts(ledger.consortium.functions.recoverMember(a, b), "admin", "ConsortiumUnauthorizedCaller", "admin")


def test_the_events_rebuild_forced_transfers_recoveries_and_the_proposals(ledger: Ledger) -> None:
    setup = recovery_setup(ledger)
    first, second = setup["certificates"]
    ledger.send(ledger.due_process.functions.setDelay(DAY), "admin")
    forced = ledger.propose_forced_transfer(second, HOLDING, "merchant_b", "merchant_c", 2_500)
    withdrawn = ledger.propose_forced_transfer(second, HOLDING, "merchant_b", "merchant_c", 1)
    ledger.send(ledger.due_process.functions.cancel(withdrawn, REASON), "registrar")
    recovery = ledger.propose_recovery("merchant_a", "replacement", (setup["certificates"], setup["licences"], [], [PI]))
    bank = ledger.propose_recovery("bank_b", "replacement_b", ([], [], [setup["pledges"][1]], []))
    for proposal_id in (forced, recovery, bank):
        ledger.execute_after_delay(proposal_id)

    replay = EventReplay(ledger.w3, ledger.contracts)
    replay.catch_up()
    holders = [ledger.address(name) for name in ("merchant_a", "merchant_b", "merchant_c", "bank", "bank_b",
                                                 "replacement", "replacement_b")]
    assert compare_with_contracts(replay, holders) == []
    state = replay.state
    assert state.pledges[setup["pledges"][1]].pledgee == ledger.address("replacement_b")
    assert state.pledges[setup["pledges"][0]].pledgor == ledger.address("replacement")
    assert state.balances[(first, HOLDING, ledger.address("replacement"))] == 10_000
    assert state.balances[(second, HOLDING, ledger.address("merchant_c"))] == 2_500
