"""Governance of a live suite: upgrades through the timelock keep every record, and a new contract
joins the directory and acts under the same roles without redeploying the others."""

from __future__ import annotations

from contract_harness import DAY, DEVELOPMENT, HOLDING, OPERATION, REGISTRAR, YEAR, Ledger
from eth_utils.crypto import keccak
from event_replay import EventReplay, compare_with_contracts
from web3.contract import Contract

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import DEPLOYED_CONTRACTS, TESTING_ARTIFACTS_DIR
from ledger.chain.deploy import directory_name, implementation_of

HOLDERS = ["merchant_a", "merchant_b", "merchant_c", "bank", "bank_b"]


def create(ledger: Ledger, artifact: str, *args: object, testing: bool = True) -> str:
    """Deploy a contract from its artifact as the admin; its address."""
    loaded = load_artifact(artifact, TESTING_ARTIFACTS_DIR) if testing else load_artifact(artifact)
    factory = ledger.w3.eth.contract(abi=loaded.abi, bytecode=loaded.bytecode)
    # A contract near the 24,576-byte limit costs about 5 million gas to create.
    return str(ledger.send(factory.constructor(*args), "admin", gas=8_000_000)["contractAddress"])


def populate(ledger: Ledger) -> None:
    """Certificates, shares split, licences and pledges: every kind of record."""
    issued = ledger.issue()
    r = ledger.rights.functions
    ledger.send(r.transferShares(issued, OPERATION, ledger.address("merchant_b"), 4_000), "merchant_a")
    now = ledger.now()
    terms = (ledger.address("merchant_c"), keccak(text="terms"), 0, now + YEAR, True, True)
    ledger.send(r.grantLicence(issued, DEVELOPMENT, terms), "merchant_a")
    ledger.record_pledge("merchant_a", "bank", issued, right=HOLDING, shares=6_000)
    ledger.record_pledge("merchant_a", "bank_b", issued, right=HOLDING, shares=2_000)
    ledger.under_notice(notice=30 * DAY)
    ledger.submit()


def view_answers(ledger: Ledger) -> list[object]:
    """What the suite's views answer about everything in it."""
    c, r, p = (ledger.certificates.functions, ledger.rights.functions, ledger.pledges.functions)
    answers: list[object] = [ledger.consortium.functions.memberCount().call()]
    for certificate_id in range(1, c.certificateCount().call() + 1):
        answers.append(c.certificate(certificate_id).call())
        for right in (HOLDING, DEVELOPMENT, OPERATION):
            answers.append([r.sharesOf(certificate_id, right, ledger.address(h)).call() for h in HOLDERS])
    answers += [r.licence(i).call() for i in range(1, r.licenceCount().call() + 1)]
    answers += [p.pledge(i).call() for i in range(1, p.pledgeCount().call() + 1)]
    return answers


def test_a_live_suite_upgrades_through_the_timelock_and_keeps_every_record(ledger: Ledger) -> None:
    populate(ledger)
    before = view_answers(ledger)
    consortium = ledger.consortium.address
    upgrades = []
    for name in DEPLOYED_CONTRACTS:
        args = () if name == "Consortium" else (consortium,)
        implementation = create(ledger, f"{name}V2", *args)
        upgrades.append(ledger.contracts[name].functions.upgradeToAndCall(implementation, b""))

    # Scheduled in public; nothing runs before the delay, and nobody but governance runs it.
    operation = ledger.schedule(upgrades, b"\x02" * 32, DAY)
    early = ledger.timelock.functions.executeBatch(*operation)
    ledger.reverts(early, "admin", "TimelockUnexpectedOperationState", early_id(ledger, operation), ready_state())
    ledger.advance(DAY)
    ledger.reverts(
        ledger.timelock.functions.executeBatch(*operation),
        "stranger",
        "AccessControlUnauthorizedAccount",
        "stranger",
        keccak(text="EXECUTOR_ROLE"),
    )
    receipt = ledger.execute(operation)

    # Every upgrade is an event of the proxy it changed.
    upgraded_logs = ledger.contracts["Anchors"].events.Upgraded().process_receipt(receipt)
    assert [(log["address"], log["args"]["implementation"]) for log in upgraded_logs] == [
        (ledger.contracts[name].address, call.args[0])
        for name, call in zip(DEPLOYED_CONTRACTS, upgrades, strict=True)
    ]
    for name, call in zip(DEPLOYED_CONTRACTS, upgrades, strict=True):
        implementation = call.args[0]
        assert implementation_of(ledger.w3, ledger.contracts[name].address) == implementation
        upgraded = ledger.w3.eth.contract(
            address=ledger.contracts[name].address,
            abi=load_artifact(f"{name}V2", TESTING_ARTIFACTS_DIR).abi,
        )
        assert upgraded.functions.edition().call() == 2
    assert view_answers(ledger) == before

    # The events, across the upgrade, still rebuild exactly what the contracts hold.
    replay = EventReplay(ledger.w3, ledger.contracts)
    replay.catch_up()
    assert compare_with_contracts(replay, [ledger.address(h) for h in HOLDERS]) == []

    # And the upgraded suite keeps working.
    issued = ledger.issue()
    ledger.send(
        ledger.rights.functions.transferShares(issued, HOLDING, ledger.address("merchant_b"), 1), "merchant_a"
    )


def early_id(ledger: Ledger, operation: tuple[object, ...]) -> bytes:
    return bytes(ledger.timelock.functions.hashOperationBatch(*operation).call())


def ready_state() -> bytes:
    """OpenZeppelin's TimelockController encodes the expected state ``Ready`` as a bitmap."""
    return (1 << 2).to_bytes(32, "big")


def probe_proxy(ledger: Ledger) -> Contract:
    """A sixth contract, behind its own proxy, not yet in the directory."""
    implementation = create(ledger, "SuiteProbe", ledger.consortium.address)
    probe = load_artifact("SuiteProbe", TESTING_ARTIFACTS_DIR)
    start = ledger.w3.eth.contract(abi=probe.abi).encode_abi("initialize")
    proxy = create(ledger, "SuiteProxy", implementation, start, testing=False)
    return ledger.w3.eth.contract(address=proxy, abi=probe.abi)


def test_a_new_contract_joins_a_live_suite_and_acts_under_the_same_roles(ledger: Ledger) -> None:
    probe = probe_proxy(ledger)
    c = ledger.consortium.functions
    # Not in the directory: the Consortium will not seed it, and it knows nobody.
    ledger.reverts(c.seedReplica(probe.address, 0, 100), "stranger", "ConsortiumNotReplica", probe.address)
    ledger.reverts(probe.functions.act(), "registrar", "ConsortiumNotMember", "registrar")
    # Only governance, through the timelock, lists it.
    name = directory_name("Probe")
    ledger.reverts(c.registerContract(name, probe.address, True), "admin", "ConsortiumUnauthorizedTimelock", "admin")
    receipt = ledger.govern([c.registerContract(name, probe.address, True)])
    assert ledger.events(receipt, "Consortium", "ContractRegistered") == [
        {"name": name, "account": probe.address, "replica": True}
    ]
    assert c.contractOf(name).call() == probe.address
    assert probe.address in c.replicas().call()

    # Anyone seeds it from the Consortium's member list, in pages.
    count = c.memberCount().call()
    ledger.send(c.seedReplica(probe.address, 0, 3), "stranger")
    receipt = ledger.send(c.seedReplica(probe.address, 3, 1_000), "stranger")
    assert ledger.events(receipt, "Consortium", "ReplicaSeeded") == [
        {"replica": probe.address, "start": 3, "count": count - 3}
    ]
    for index in range(count):
        account = c.memberAt(index).call()
        status, roles, _ = c.member(account).call()
        assert probe.functions.replicatedMember(account).call() == [status, roles]

    # It acts under the same roles as the five, and member changes reach it at once.
    ledger.send(probe.functions.act(), "registrar")
    ledger.reverts(probe.functions.act(), "merchant_a", "ConsortiumMissingRole", "merchant_a", REGISTRAR)
    ledger.reverts(probe.functions.act(), "suspended", "ConsortiumMemberSuspended", "suspended")
    ledger.send(c.suspendMember(ledger.address("registrar"), keccak(text="audit")), "admin")
    ledger.reverts(probe.functions.act(), "registrar", "ConsortiumMemberSuspended", "registrar")

    # Removed from the directory, it gets no more member writes.
    receipt = ledger.govern([c.removeContract(name)], salt=b"\x03" * 32)
    assert ledger.events(receipt, "Consortium", "ContractRemoved") == [
        {"name": name, "account": probe.address, "replica": True}
    ]
    assert c.contractOf(name).call() == "0x" + "00" * 20
    ledger.send(c.reinstateMember(ledger.address("registrar")), "admin")
    ledger.reverts(probe.functions.act(), "registrar", "ConsortiumMemberSuspended", "registrar")


def test_the_directory_refuses_empty_names_taken_names_and_accounts_without_code(ledger: Ledger) -> None:
    c = ledger.consortium.functions
    anchors = directory_name("Anchors")
    for call, error, args in [
        (c.registerContract(b"\x00" * 32, ledger.anchors.address, False), "ConsortiumInvalidContract",
         (b"\x00" * 32, ledger.anchors.address)),
        (c.registerContract(directory_name("Nobody"), ledger.address("stranger"), False),
         "ConsortiumInvalidContract", (directory_name("Nobody"), ledger.address("stranger"))),
        (c.registerContract(anchors, ledger.rights.address, False), "ConsortiumContractExists",
         (anchors, ledger.anchors.address)),
        (c.registerContract(directory_name("Again"), ledger.anchors.address, True), "ConsortiumInvalidContract",
         (directory_name("Again"), ledger.anchors.address)),
        (c.removeContract(directory_name("Nobody")), "ConsortiumUnknownContract", (directory_name("Nobody"),)),
        (c.setTimelock("0x" + "00" * 20), "ConsortiumInvalidTimelock", ("0x" + "00" * 20,)),
    ]:
        ledger.reverts(call, ledger.timelock.address, error, *args)


def test_the_timelock_replaces_itself_only_through_its_own_delay(ledger: Ledger) -> None:
    c = ledger.consortium.functions
    new = ledger.address("auditor")
    receipt = ledger.govern([c.setTimelock(new)], salt=b"\x04" * 32)
    assert ledger.events(receipt, "Consortium", "TimelockChanged") == [
        {"previousTimelock": ledger.timelock.address, "timelock": new}
    ]
    assert c.timelock().call() == new
