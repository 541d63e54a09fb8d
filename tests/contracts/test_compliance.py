"""Compliance modules: governance puts them in force and takes them out through the timelock, each
refuses with its own error naming itself, the member and certificate data they judge by has its
own guardians, and holder counts follow the movements reported by the Rights contract."""

from __future__ import annotations

from contract_harness import DAY, DEVELOPMENT, HOLDING, OPERATION, REGISTRAR, YEAR, Ledger, rpc
from eth_utils.crypto import keccak
from event_replay import EventReplay, compare_with_contracts
from web3.contract import Contract

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import TESTING_ARTIFACTS_DIR
from ledger.chain.deploy import implementation_of

CROSS_BORDER, PERSONAL, HOLDER_CHANGE, ALWAYS = 1, 2, 4, 128
PI = b"PI-PROCESSOR".ljust(32, b"\0")
NO_JURISDICTION = b"\0\0"


def compliance(ledger: Ledger) -> Contract:
    return ledger.contracts["Compliance"]


def deploy_module(ledger: Ledger, name: str, *args: object, bound_to: str | None = None) -> Contract:
    """A shipped module deployed by the admin, bound to the suite's Compliance contract (or another)."""
    artifact = load_artifact(name)
    factory = ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    target = bound_to or compliance(ledger).address
    receipt = ledger.send(factory.constructor(target, *args), "admin")
    return ledger.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


def holder_cap(ledger: Ledger, holding: int = 0, development: int = 0, operation: int = 0) -> Contract:
    return deploy_module(ledger, "HolderCapModule", holding, development, operation)


def jurisdiction(ledger: Ledger) -> Contract:
    return deploy_module(ledger, "JurisdictionModule")


def qualification(ledger: Ledger, required: bytes = PI) -> Contract:
    return deploy_module(ledger, "QualificationModule", required)


def put_in_force(ledger: Ledger, *modules: Contract, salt: bytes = b"\x11" * 32) -> None:
    c = compliance(ledger).functions
    ledger.govern([c.addModule(module.address) for module in modules], salt=salt)


def rights_caller(ledger: Ledger) -> str:
    """The Rights proxy, as an account the node sends from: the contract that will report transfers."""
    address = ledger.rights.address
    rpc(ledger.w3, "anvil_impersonateAccount", [address])
    rpc(ledger.w3, "anvil_setBalance", [address, hex(10**21)])
    return address


def report(ledger: Ledger, certificate_id: int, right: int, sender: str, to: str, shares: int) -> None:
    """Move shares on the Rights contract, which reports the movement to the Compliance contract itself."""
    ledger.send(
        ledger.rights.functions.transferShares(certificate_id, right, ledger.address(to), shares), sender
    )


def test_governance_puts_modules_in_force_and_takes_them_out_through_the_timelock(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    cap, place, skill = holder_cap(ledger, holding=5), jurisdiction(ledger), qualification(ledger)
    # Nobody but the timelock adds or removes one, governance included.
    ledger.reverts(c.addModule(cap.address), "admin", "ComplianceUnauthorizedTimelock", "admin")
    ledger.reverts(c.removeModule(cap.address), "registrar", "ComplianceUnauthorizedTimelock", "registrar")

    receipt = ledger.govern([c.addModule(m.address) for m in (cap, place, skill)])
    assert ledger.events(receipt, "Compliance", "ComplianceModuleAdded") == [
        {"module": cap.address, "conditions": HOLDER_CHANGE},
        {"module": place.address, "conditions": CROSS_BORDER},
        {"module": skill.address, "conditions": PERSONAL},
    ]
    assert c.modules().call() == [(cap.address, HOLDER_CHANGE), (place.address, CROSS_BORDER), (skill.address, PERSONAL)]

    # Removing the middle one keeps the others in the order they were added.
    receipt = ledger.govern([c.removeModule(place.address)], salt=b"\x12" * 32)
    assert ledger.events(receipt, "Compliance", "ComplianceModuleRemoved") == [{"module": place.address}]
    assert c.modules().call() == [(cap.address, HOLDER_CHANGE), (skill.address, PERSONAL)]
    receipt = ledger.govern([c.addModule(place.address)], salt=b"\x13" * 32)
    assert c.modules().call() == [(cap.address, HOLDER_CHANGE), (skill.address, PERSONAL), (place.address, CROSS_BORDER)]


def test_the_module_list_refuses_duplicates_strangers_and_modules_bound_elsewhere(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    timelock = ledger.timelock.address
    cap = holder_cap(ledger, holding=5)
    put_in_force(ledger, cap)
    elsewhere = deploy_module(ledger, "JurisdictionModule", bound_to=ledger.rights.address)
    for call, error, args in [
        (c.addModule(cap.address), "ComplianceModuleExists", (cap.address,)),
        (c.addModule(ledger.address("stranger")), "ComplianceInvalidModule", (ledger.address("stranger"),)),
        (c.addModule(elsewhere.address), "ComplianceInvalidModule", (elsewhere.address,)),
        # A contract that is no module at all.
        (c.addModule(ledger.anchors.address), "ComplianceInvalidModule", (ledger.anchors.address,)),
        (c.removeModule(elsewhere.address), "ComplianceUnknownModule", (elsewhere.address,)),
    ]:
        ledger.reverts(call, timelock, error, *args)


def test_at_most_thirty_one_modules_are_in_force(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    modules = [jurisdiction(ledger) for _ in range(31)]
    put_in_force(ledger, *modules)
    assert len(c.modules().call()) == 31
    ledger.reverts(c.addModule(jurisdiction(ledger).address), ledger.timelock.address, "ComplianceTooManyModules", 31)


def test_member_data_is_governance_s_and_certificate_flags_its_registrar_s(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    issued = ledger.issue()
    b = ledger.address("merchant_b")
    ledger.reverts(c.setJurisdiction(b, b"CN"), "registrar", "ComplianceUnauthorizedGovernance", "registrar")
    ledger.reverts(c.grantQualification(b, PI), "merchant_b", "ComplianceUnauthorizedGovernance", "merchant_b")
    ledger.reverts(c.revokeQualification(b, PI), "stranger", "ComplianceUnauthorizedGovernance", "stranger")
    ledger.reverts(c.setJurisdiction(b, b"cn"), "admin", "ComplianceInvalidJurisdiction", b"cn")
    ledger.reverts(c.setJurisdiction(b, b"C1"), "admin", "ComplianceInvalidJurisdiction", b"C1")
    ledger.reverts(c.grantQualification(b, bytes(32)), "admin", "ComplianceInvalidQualification", bytes(32))

    receipt = ledger.send(c.setJurisdiction(b, b"CN"), "admin")
    assert ledger.events(receipt, "Compliance", "MemberJurisdictionSet") == [{"member": b, "jurisdiction": b"CN"}]
    receipt = ledger.send(c.grantQualification(b, PI), "admin")
    assert ledger.events(receipt, "Compliance", "QualificationGranted") == [{"member": b, "qualification": PI}]
    assert c.jurisdictionOf(b).call() == b"CN"
    assert c.hasQualification(b, PI).call() is True
    receipt = ledger.send(c.revokeQualification(b, PI), "admin")
    assert ledger.events(receipt, "Compliance", "QualificationRevoked") == [{"member": b, "qualification": PI}]
    assert c.hasQualification(b, PI).call() is False
    ledger.send(c.setJurisdiction(b, NO_JURISDICTION), "admin")
    assert c.jurisdictionOf(b).call() == NO_JURISDICTION

    # Only the certificate's own registrar, while active, flags it.
    ledger.reverts(
        c.setCertificateFlags(issued, True, True), "registrar_b", "ComplianceUnauthorizedRegistrar", issued, "registrar_b"
    )
    ledger.reverts(c.setCertificateFlags(issued, True, True), "merchant_a", "ConsortiumMissingRole", "merchant_a", REGISTRAR)
    ledger.reverts(c.setCertificateFlags(issued, True, True), "suspended", "ConsortiumMemberSuspended", "suspended")
    ledger.reverts(
        c.setJurisdictionAllowed(issued, b"CN", True), "registrar_b", "ComplianceUnauthorizedRegistrar", issued, "registrar_b"
    )
    ledger.reverts(c.setJurisdictionAllowed(issued, b"\0\0", True), "registrar", "ComplianceInvalidJurisdiction", b"\0\0")
    ledger.reverts(c.setCertificateFlags(999, True, True), "registrar", "CertificatesUnknownCertificate", 999)
    receipt = ledger.send(c.setCertificateFlags(issued, True, False), "registrar")
    assert ledger.events(receipt, "Compliance", "CertificateFlagsSet") == [
        {"certificateId": issued, "registrar": ledger.address("registrar"), "crossBorderRestricted": True,
         "containsPersonalInformation": False}
    ]
    receipt = ledger.send(c.setJurisdictionAllowed(issued, b"CN", True), "registrar")
    assert ledger.events(receipt, "Compliance", "CertificateJurisdictionAllowed") == [
        {"certificateId": issued, "registrar": ledger.address("registrar"), "jurisdiction": b"CN", "allowed": True}
    ]
    assert c.certificateFlags(issued).call() == [True, False]
    assert c.isJurisdictionAllowed(issued, b"CN").call() is True


def test_only_the_rights_and_pledges_contracts_report_movements(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    issued = ledger.issue()
    a, b = ledger.address("merchant_a"), ledger.address("merchant_b")
    for sender in ("merchant_a", "admin", ledger.timelock.address, ledger.certificates.address):
        ledger.reverts(
            c.transferred(issued, HOLDING, a, b, 1, 0, 9_999), sender, "ComplianceUnauthorizedCaller", sender
        )
        ledger.reverts(c.enforced(issued, HOLDING, a, b, 0, 9_999), sender, "ComplianceUnauthorizedCaller", sender)


def test_the_holder_cap_refuses_a_new_holder_beyond_the_cap(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    cap = holder_cap(ledger, holding=2, development=0, operation=3)
    put_in_force(ledger, cap)
    issued = ledger.issue()
    a, b, c_ = (ledger.address(name) for name in ("merchant_a", "merchant_b", "merchant_c"))
    assert c.holderCount(issued, HOLDING).call() == 1
    assert [cap.functions.capOf(right).call() for right in (HOLDING, DEVELOPMENT, OPERATION)] == [2, 0, 3]

    report(ledger, issued, HOLDING, "merchant_a", "merchant_b", 3_000)
    assert c.holderCount(issued, HOLDING).call() == 2
    # A third holder is refused, with the module, the certificate, the right and the cap.
    ledger.reverts(
        c.checkTransfer(issued, HOLDING, a, c_, 100, 0, 6_900), "stranger",
        "ComplianceHolderCapExceeded", cap.address, issued, HOLDING, 2,
    )
    ledger.reverts(
        c.transferred(issued, HOLDING, a, c_, 100, 0, 6_900), rights_caller(ledger),
        "ComplianceHolderCapExceeded", cap.address, issued, HOLDING, 2,
    )
    # Between existing holders, or when the sender leaves as the recipient arrives, the count does not grow.
    c.checkTransfer(issued, HOLDING, a, b, 100, 3_000, 6_900).call()
    c.checkTransfer(issued, HOLDING, b, c_, 3_000, 0, 0).call()
    report(ledger, issued, HOLDING, "merchant_b", "merchant_c", 3_000)
    assert c.holderCount(issued, HOLDING).call() == 2
    # No cap on development; the other rights count apart.
    c.checkTransfer(issued, DEVELOPMENT, a, b, 100, 0, 9_900).call()
    report(ledger, issued, OPERATION, "merchant_a", "merchant_b", 100)
    report(ledger, issued, OPERATION, "merchant_a", "merchant_c", 100)
    assert c.holderCount(issued, OPERATION).call() == 3
    ledger.reverts(
        c.checkTransfer(issued, OPERATION, a, ledger.address("bank"), 100, 0, 9_700), "stranger",
        "ComplianceHolderCapExceeded", cap.address, issued, OPERATION, 3,
    )
    # Licences and pledges create no holder: the cap is not consulted for them.
    c.checkLicence(issued, OPERATION, a, ledger.address("bank")).call()
    c.checkPledge(issued, OPERATION, a, ledger.address("bank")).call()


def test_enforcement_moves_the_holder_count_without_consulting_the_modules(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    put_in_force(ledger, holder_cap(ledger, holding=1))
    issued = ledger.issue()
    a, bank = ledger.address("merchant_a"), ledger.address("bank")
    # The bank takes part of the shares: a second holder despite the cap of one.
    ledger.send(c.enforced(issued, HOLDING, a, bank, 0, 4_000), rights_caller(ledger))
    assert c.holderCount(issued, HOLDING).call() == 2
    # It takes the rest: the pledgor leaves.
    ledger.send(c.enforced(issued, HOLDING, a, bank, 6_000, 0), rights_caller(ledger))
    assert c.holderCount(issued, HOLDING).call() == 1


def test_governance_sets_a_holder_count_through_the_timelock(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    issued = ledger.issue()
    ledger.reverts(c.setHolderCount(issued, HOLDING, 3), "admin", "ComplianceUnauthorizedTimelock", "admin")
    for holders in (0, 10_001):
        ledger.reverts(
            c.setHolderCount(issued, HOLDING, holders), ledger.timelock.address, "ComplianceInvalidHolderCount", holders
        )
    receipt = ledger.govern([c.setHolderCount(issued, OPERATION, 7)])
    assert ledger.events(receipt, "Compliance", "HolderCountSet") == [
        {"certificateId": issued, "right": OPERATION, "holders": 7}
    ]
    assert [c.holderCount(issued, right).call() for right in (HOLDING, DEVELOPMENT, OPERATION)] == [1, 1, 7]


def test_a_cross_border_restricted_certificate_passes_only_to_allowed_jurisdictions(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    module = jurisdiction(ledger)
    put_in_force(ledger, module)
    issued = ledger.issue()
    a, b, c_, bank = (ledger.address(n) for n in ("merchant_a", "merchant_b", "merchant_c", "bank"))
    ledger.send(c.setJurisdiction(b, b"CN"), "admin")
    ledger.send(c.setJurisdiction(c_, b"US"), "admin")
    # Not restricted: anyone may receive it.
    c.checkTransfer(issued, HOLDING, a, c_, 100, 0, 9_900).call()
    c.checkTransfer(issued, HOLDING, a, bank, 100, 0, 9_900).call()

    ledger.send(c.setCertificateFlags(issued, True, False), "registrar")
    ledger.send(c.setJurisdictionAllowed(issued, b"CN", True), "registrar")
    c.checkTransfer(issued, HOLDING, a, b, 100, 0, 9_900).call()
    c.checkLicence(issued, DEVELOPMENT, a, b).call()
    c.checkPledge(issued, HOLDING, a, b).call()
    for call, member, code in [
        (c.checkTransfer(issued, HOLDING, a, c_, 100, 0, 9_900), c_, b"US"),
        # Between existing holders too: the rule is about where the data goes, not how many hold it.
        (c.checkTransfer(issued, HOLDING, a, c_, 100, 500, 9_900), c_, b"US"),
        (c.checkTransfer(issued, HOLDING, a, bank, 100, 0, 9_900), bank, NO_JURISDICTION),
        (c.checkLicence(issued, DEVELOPMENT, a, c_), c_, b"US"),
        (c.checkPledge(issued, HOLDING, a, bank), bank, NO_JURISDICTION),
    ]:
        ledger.reverts(call, "stranger", "ComplianceJurisdictionNotAllowed", module.address, issued, member, code)
    # The registrar withdraws CN: merchant_b is refused too.
    ledger.send(c.setJurisdictionAllowed(issued, b"CN", False), "registrar")
    ledger.reverts(
        c.checkTransfer(issued, HOLDING, a, b, 100, 0, 9_900), "stranger",
        "ComplianceJurisdictionNotAllowed", module.address, issued, b, b"CN",
    )


def test_personal_information_passes_only_to_qualified_members(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    module = qualification(ledger)
    put_in_force(ledger, module)
    assert module.functions.qualification().call() == PI
    issued = ledger.issue()
    a, b, bank = (ledger.address(n) for n in ("merchant_a", "merchant_b", "bank"))
    c.checkTransfer(issued, HOLDING, a, b, 100, 0, 9_900).call()
    ledger.send(c.setCertificateFlags(issued, False, True), "registrar")
    for call, member in [
        (c.checkTransfer(issued, HOLDING, a, b, 100, 0, 9_900), b),
        (c.checkLicence(issued, OPERATION, a, b), b),
        (c.checkPledge(issued, DEVELOPMENT, a, bank), bank),
    ]:
        ledger.reverts(call, "stranger", "ComplianceQualificationMissing", module.address, issued, member, PI)
    ledger.send(c.grantQualification(b, PI), "admin")
    c.checkTransfer(issued, HOLDING, a, b, 100, 0, 9_900).call()
    c.checkLicence(issued, OPERATION, a, b).call()
    ledger.send(c.revokeQualification(b, PI), "admin")
    ledger.reverts(
        c.checkTransfer(issued, HOLDING, a, b, 100, 0, 9_900), "stranger",
        "ComplianceQualificationMissing", module.address, issued, b, PI,
    )


def test_modules_are_consulted_in_order_and_the_first_refusal_answers(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    skill, place = qualification(ledger), jurisdiction(ledger)
    put_in_force(ledger, skill, place)
    issued = ledger.issue()
    a, c_ = ledger.address("merchant_a"), ledger.address("merchant_c")
    ledger.send(c.setCertificateFlags(issued, True, True), "registrar")
    ledger.reverts(
        c.checkTransfer(issued, HOLDING, a, c_, 100, 0, 9_900), "stranger",
        "ComplianceQualificationMissing", skill.address, issued, c_, PI,
    )
    ledger.send(c.grantQualification(c_, PI), "admin")
    ledger.reverts(
        c.checkTransfer(issued, HOLDING, a, c_, 100, 0, 9_900), "stranger",
        "ComplianceJurisdictionNotAllowed", place.address, issued, c_, NO_JURISDICTION,
    )
    # Taken out of force, a module no longer refuses.
    ledger.govern([c.removeModule(place.address)], salt=b"\x14" * 32)
    c.checkTransfer(issued, HOLDING, a, c_, 100, 0, 9_900).call()


def test_a_module_added_to_a_live_suite_judges_the_next_transfer(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    issued = ledger.issue()
    r = ledger.rights.functions
    # A live suite: shares split, a licence, a pledge; no module in force.
    report(ledger, issued, HOLDING, "merchant_a", "merchant_b", 1_000)
    report(ledger, issued, HOLDING, "merchant_a", "merchant_c", 1_000)
    now = ledger.now()
    ledger.send(
        r.grantLicence(issued, DEVELOPMENT, (ledger.address("merchant_b"), keccak(text="t"), 0, now + YEAR, False, False)),
        "merchant_a",
    )
    ledger.record_pledge("merchant_a", "bank", issued, right=HOLDING, shares=2_000)
    c.checkTransfer(issued, HOLDING, ledger.address("merchant_a"), ledger.address("bank_b"), 1, 0, 7_999).call()
    implementations = {name: implementation_of(ledger.w3, contract.address) for name, contract in ledger.contracts.items()}
    # With no module in force nobody counted the three holders.
    assert c.holderCount(issued, HOLDING).call() == 1

    # Governance deploys a holder cap of three and, in one operation, puts it in force and re-syncs the count of
    # the right it caps; both take effect after the timelock's delay.
    cap = holder_cap(ledger, holding=3)
    operation = ledger.schedule([c.addModule(cap.address), c.setHolderCount(issued, HOLDING, 3)], b"\x15" * 32, DAY)
    c.checkTransfer(issued, HOLDING, ledger.address("merchant_a"), ledger.address("bank_b"), 1, 0, 7_999).call()
    ledger.advance(DAY)
    ledger.execute(operation)
    ledger.reverts(
        c.checkTransfer(issued, HOLDING, ledger.address("merchant_a"), ledger.address("bank_b"), 1, 0, 7_999),
        "stranger", "ComplianceHolderCapExceeded", cap.address, issued, HOLDING, 3,
    )
    # Nothing was redeployed or upgraded: every proxy runs the code it ran before.
    assert {name: implementation_of(ledger.w3, contract.address) for name, contract in ledger.contracts.items()} == (
        implementations
    )
    assert r.sharesOf(issued, HOLDING, ledger.address("merchant_b")).call() == 1_000


def called_contracts(ledger: Ledger, tx_hash: bytes) -> set[str]:
    """Every account a transaction called, at any depth (the node's call tracer)."""
    frames = [rpc(ledger.w3, "debug_traceTransaction", ["0x" + bytes(tx_hash).hex(), {"tracer": "callTracer"}])]
    called: set[str] = set()
    while frames:
        frame = frames.pop()
        called.add(ledger.w3.to_checksum_address(frame["to"]))
        frames.extend(frame.get("calls", []))
    return called


def test_the_rights_contract_copies_the_conditions_in_force_whenever_the_modules_change(ledger: Ledger) -> None:
    c, r = compliance(ledger).functions, ledger.rights.functions
    # Deployed with no module in force, and copied at deployment.
    assert c.conditionsInForce().call() == 0
    assert r.complianceConditions().call() == 0
    cap, place = holder_cap(ledger, holding=5), jurisdiction(ledger)
    put_in_force(ledger, cap)
    assert (c.conditionsInForce().call(), r.complianceConditions().call()) == (HOLDER_CHANGE, HOLDER_CHANGE)
    put_in_force(ledger, place, salt=b"\x18" * 32)
    both = HOLDER_CHANGE | CROSS_BORDER
    assert (c.conditionsInForce().call(), r.complianceConditions().call()) == (both, both)
    ledger.govern([c.removeModule(cap.address)], salt=b"\x19" * 32)
    assert (c.conditionsInForce().call(), r.complianceConditions().call()) == (CROSS_BORDER, CROSS_BORDER)
    # Anyone may copy again: it only copies.
    ledger.send(r.syncComplianceConditions(), "stranger")
    assert r.complianceConditions().call() == CROSS_BORDER


def pledge_calls(ledger: Ledger, certificate_id: int) -> set[str]:
    """The accounts called by the recording of a pledge of 100 operation shares, merchant_a to the bank."""
    ledger.record_pledge("merchant_a", "bank", certificate_id, right=OPERATION, shares=100)
    return called_contracts(ledger, ledger.w3.eth.get_block("latest")["transactions"][-1])


def test_an_act_calls_the_compliance_contract_only_when_a_module_may_judge_or_count_it(ledger: Ledger) -> None:
    c, r = compliance(ledger).functions, ledger.rights.functions
    issued = ledger.issue()
    address = compliance(ledger).address
    # No module in force: neither a new holder, a licence nor a pledge calls it, and nothing is counted.
    receipt = ledger.send(r.transferShares(issued, HOLDING, ledger.address("merchant_b"), 1_000), "merchant_a")
    assert address not in called_contracts(ledger, receipt["transactionHash"])
    terms = (ledger.address("merchant_b"), keccak(text="t"), 0, ledger.now() + YEAR, False, False)
    receipt = ledger.send(r.grantLicence(issued, DEVELOPMENT, terms), "merchant_a")
    assert address not in called_contracts(ledger, receipt["transactionHash"])
    assert address not in pledge_calls(ledger, issued)
    assert c.holderCount(issued, HOLDING).call() == 1

    # A holder cap (re-synced as it comes into force): only a change in the number of holders calls it.
    ledger.govern([c.addModule(holder_cap(ledger, holding=5).address), c.setHolderCount(issued, HOLDING, 2)])
    receipt = ledger.send(r.transferShares(issued, HOLDING, ledger.address("merchant_b"), 1_000), "merchant_a")
    assert address not in called_contracts(ledger, receipt["transactionHash"])
    receipt = ledger.send(r.transferShares(issued, HOLDING, ledger.address("merchant_c"), 1_000), "merchant_a")
    assert address in called_contracts(ledger, receipt["transactionHash"])
    assert c.holderCount(issued, HOLDING).call() == 3
    receipt = ledger.send(r.grantLicence(issued, DEVELOPMENT, terms), "merchant_a")
    assert address not in called_contracts(ledger, receipt["transactionHash"])
    assert address not in pledge_calls(ledger, issued)

    # A module judging by a certificate's flags: every transfer, licence and pledge asks, flagged or not.
    put_in_force(ledger, jurisdiction(ledger), salt=b"\x1a" * 32)
    receipt = ledger.send(r.transferShares(issued, HOLDING, ledger.address("merchant_b"), 1_000), "merchant_a")
    assert address in called_contracts(ledger, receipt["transactionHash"])
    receipt = ledger.send(r.grantLicence(issued, DEVELOPMENT, terms), "merchant_a")
    assert address in called_contracts(ledger, receipt["transactionHash"])
    assert address in pledge_calls(ledger, issued)


def test_holder_counts_stand_still_while_no_module_counts_them(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    cap = holder_cap(ledger, holding=5)
    put_in_force(ledger, cap)
    issued = ledger.issue()
    report(ledger, issued, HOLDING, "merchant_a", "merchant_b", 1_000)
    assert c.holderCount(issued, HOLDING).call() == 2
    # Taken out of force, the cap no longer counts: a third holder is not counted ...
    ledger.govern([c.removeModule(cap.address)], salt=b"\x1b" * 32)
    report(ledger, issued, HOLDING, "merchant_a", "merchant_c", 1_000)
    assert c.holderCount(issued, HOLDING).call() == 2
    # ... until governance re-syncs the count as it puts a cap back in force.
    ledger.govern([c.addModule(cap.address), c.setHolderCount(issued, HOLDING, 3)], salt=b"\x1c" * 32)
    report(ledger, issued, HOLDING, "merchant_a", "bank", 1_000)
    assert c.holderCount(issued, HOLDING).call() == 4


def test_the_events_rebuild_every_compliance_record(ledger: Ledger) -> None:
    c = compliance(ledger).functions
    cap, place, skill = holder_cap(ledger, holding=9), jurisdiction(ledger), qualification(ledger)
    put_in_force(ledger, cap, place, skill)
    ledger.govern([c.removeModule(place.address)], salt=b"\x16" * 32)
    issued, other = ledger.issue(), ledger.issue()
    b, c_ = ledger.address("merchant_b"), ledger.address("merchant_c")
    ledger.send(c.setJurisdiction(b, b"CN"), "admin")
    ledger.send(c.setJurisdiction(c_, b"DE"), "admin")
    ledger.send(c.setJurisdiction(c_, NO_JURISDICTION), "admin")
    ledger.send(c.grantQualification(b, PI), "admin")
    ledger.send(c.grantQualification(c_, PI), "admin")
    ledger.send(c.revokeQualification(c_, PI), "admin")
    ledger.send(c.setCertificateFlags(issued, True, True), "registrar")
    ledger.send(c.setCertificateFlags(other, False, True), "registrar")
    ledger.send(c.setCertificateFlags(other, False, False), "registrar")
    ledger.send(c.setJurisdictionAllowed(issued, b"CN", True), "registrar")
    ledger.send(c.setJurisdictionAllowed(issued, b"DE", True), "registrar")
    ledger.send(c.setJurisdictionAllowed(issued, b"DE", False), "registrar")
    ledger.govern([c.setHolderCount(other, DEVELOPMENT, 4)], salt=b"\x17" * 32)
    replay = EventReplay(ledger.w3, ledger.contracts)
    replay.catch_up()
    assert replay.state.compliance_modules == [(cap.address, HOLDER_CHANGE), (skill.address, PERSONAL)]
    assert compare_with_contracts(replay, [b, c_]) == []


def test_three_modules_cost_little_in_the_common_case(ledger: Ledger) -> None:
    """The gas a caller pays for ``checkTransfer`` with three modules in force, measured inside one
    transaction by a probe contract (the Compliance proxy cold, as in a transfer)."""
    c = compliance(ledger).functions
    put_in_force(ledger, holder_cap(ledger, holding=50), jurisdiction(ledger), qualification(ledger))
    issued = ledger.issue()
    report(ledger, issued, HOLDING, "merchant_a", "merchant_b", 1_000)
    probe = probe_contract(ledger)
    a, b = ledger.address("merchant_a"), ledger.address("merchant_b")

    common = measure(ledger, probe, issued, HOLDING, a, b, 100, 1_000, 8_900)
    new_holder = measure(ledger, probe, issued, HOLDING, a, ledger.address("merchant_c"), 100, 0, 8_900)
    ledger.send(c.setCertificateFlags(issued, True, True), "registrar")
    ledger.send(c.setJurisdictionAllowed(issued, b"CN", True), "registrar")
    for member in ("merchant_b", "merchant_c"):
        ledger.send(c.setJurisdiction(ledger.address(member), b"CN"), "admin")
        ledger.send(c.grantQualification(ledger.address(member), PI), "admin")
    flagged = measure(ledger, probe, issued, HOLDING, a, b, 100, 1_000, 8_900)
    all_three = measure(ledger, probe, issued, HOLDING, a, ledger.address("merchant_c"), 100, 0, 8_900)
    print(f"\ncheckTransfer gas, three modules in force: common case {common}, new holder {new_holder}, "
          f"flagged certificate {flagged}, all three consulted {all_three}")
    # The budget of the three checks on a transfer, for the common case: existing holders, no flags.
    assert common <= 15_000
    assert common < new_holder < all_three


def probe_contract(ledger: Ledger) -> Contract:
    artifact = load_artifact("ComplianceGasProbe", TESTING_ARTIFACTS_DIR)
    factory = ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = ledger.send(factory.constructor(), "admin")
    return ledger.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


def measure(ledger: Ledger, probe: Contract, *args: object) -> int:
    receipt = ledger.send(probe.functions.measureCheckTransfer(compliance(ledger).address, *args), "stranger")
    (log,) = probe.events.CheckMeasured().process_receipt(receipt)
    return int(log["args"]["gasUsed"])


def test_the_ledgers_own_transfers_licences_and_pledges_are_judged_by_the_modules(ledger: Ledger) -> None:
    """Wired in: Rights asks the modules on every transfer and licence, Pledges on every pledge, and a
    realisation updates the counts without asking (a pledge can always be ended)."""
    c = compliance(ledger).functions
    module = jurisdiction(ledger)
    put_in_force(ledger, module)
    issued = ledger.issue()
    b, c_ = ledger.address("merchant_b"), ledger.address("merchant_c")
    ledger.send(c.setJurisdiction(b, b"CN"), "admin")
    ledger.send(c.setJurisdiction(c_, b"US"), "admin")
    ledger.send(c.setCertificateFlags(issued, True, False), "registrar")
    ledger.send(c.setJurisdictionAllowed(issued, b"CN", True), "registrar")
    r = ledger.rights.functions
    refused = ("ComplianceJurisdictionNotAllowed", module.address, issued, c_, b"US")
    ledger.reverts(r.transferShares(issued, HOLDING, c_, 100), "merchant_a", *refused)
    ledger.reverts(
        r.safeTransferFrom(ledger.address("merchant_a"), c_, issued * 4 + HOLDING, 100, b""), "merchant_a", *refused
    )
    terms = (c_, keccak(text="terms"), 0, ledger.now() + DAY, False, False)
    ledger.reverts(r.grantLicence(issued, DEVELOPMENT, terms), "merchant_a", *refused)
    ledger.send(r.transferShares(issued, HOLDING, b, 100), "merchant_a")
    assert ledger.shares(issued, HOLDING, "merchant_b") == 100
    # No module in force counts holders: the count stands still.
    assert c.holderCount(issued, HOLDING).call() == 1
    ledger.send(c.setJurisdiction(ledger.address("bank"), b"US"), "admin")
    bank = ("ComplianceJurisdictionNotAllowed", module.address, issued, ledger.address("bank"), b"US")
    pledge_terms = ledger.pledge_terms("merchant_a", issued, right=HOLDING, shares=1_000)
    deadline = ledger.now() + DAY
    signature = ledger.consent_signature("merchant_a", "bank", pledge_terms, 0, deadline)
    ledger.reverts(ledger.pledges.functions.recordPledge(pledge_terms, 0, deadline, signature), "bank", *bank)


def test_a_realisations_buyer_is_judged_where_the_data_may_go_but_the_pledgee_is_not_judged_again(
    ledger: Ledger,
) -> None:
    c = compliance(ledger).functions
    module = jurisdiction(ledger)
    put_in_force(ledger, module)
    issued = ledger.issue()
    for member, code in (("bank", b"CN"), ("bank_b", b"CN"), ("merchant_c", b"US")):
        ledger.send(c.setJurisdiction(ledger.address(member), code), "admin")
    ledger.send(c.setCertificateFlags(issued, True, False), "registrar")
    ledger.send(c.setJurisdictionAllowed(issued, b"CN", True), "registrar")
    first = ledger.record_pledge("merchant_a", "bank", issued, shares=1_000, maturity=ledger.now() + DAY)
    second = ledger.record_pledge("merchant_a", "bank", issued, right=OPERATION, shares=1_000,
                                  maturity=ledger.now() + DAY)
    ledger.advance(2 * DAY)
    receipt_refused = ("ComplianceJurisdictionNotAllowed", module.address, issued, ledger.address("merchant_c"), b"US")
    ledger.reverts(
        ledger.pledges.functions.realisePledge(first, (1, ledger.address("merchant_c"), 10**6, b"\x01" * 32), 0, 0, b""),
        "bank", *receipt_refused,
    )
    ledger.realise(first, "bank", buyer="bank_b")
    # The registrar withdraws CN: the pledgee itself still takes the collateral (the pledge must have an end).
    ledger.send(c.setJurisdictionAllowed(issued, b"CN", False), "registrar")
    ledger.realise(second, "bank")
    assert ledger.shares(issued, OPERATION, "bank") == 1_000
