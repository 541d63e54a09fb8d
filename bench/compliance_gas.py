"""Measure the gas of the compliance checks on a transfer, with the three shipped modules in force.

On a fresh local chain: deploy the suite, admit the members, issue a certificate, split its holding
right, put a holder cap, the jurisdiction rule and the qualification rule in force through the
timelock, then call ``Compliance.checkTransfer`` from ``ComplianceGasProbe`` (a test contract that
measures the call inside one transaction, so the Compliance proxy is cold as in a transfer) in four
cases: existing holders on a certificate without flags (the common case: no module is called), a
new holder (the holder cap is consulted), a flagged certificate (jurisdiction and qualification are
consulted) and a flagged certificate with a new holder (all three). Prints each figure against the
goal of 15,000 gas for the three checks together. Run with ``python bench/compliance_gas.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gas_report import HOLDING, ROLES, START, YEAR, Scenario

from ledger.chain.artifacts import load_artifact
from ledger.chain.compiler import TESTING_ARTIFACTS_DIR
from ledger.chain.deploy import TIMELOCK
from ledger.chain.node import LocalNode, free_port
from ledger.numbers import registration_number

#: The goal for the three checks together on a transfer (issue 13).
GOAL = 15_000
PI = b"PI-PROCESSOR".ljust(32, b"\0")


def _create(scenario: Scenario, artifact: str, *args: object, testing: bool = False) -> Contract:
    loaded = load_artifact(artifact, TESTING_ARTIFACTS_DIR) if testing else load_artifact(artifact)
    factory = scenario.w3.eth.contract(abi=loaded.abi, bytecode=loaded.bytecode)
    tx_hash = factory.constructor(*args).transact({"from": scenario.address("admin"), "gas": 10_000_000})
    receipt = scenario.w3.eth.wait_for_transaction_receipt(tx_hash)
    return scenario.w3.eth.contract(address=receipt["contractAddress"], abi=loaded.abi)


def run(scenario: Scenario) -> dict[str, int]:
    w3 = scenario.w3
    consortium = scenario.contracts["Consortium"].functions
    certificates = scenario.contracts["Certificates"].functions
    rights = scenario.contracts["Rights"].functions
    compliance = scenario.contracts["Compliance"]
    timelock = w3.eth.contract(address=consortium.timelock().call(), abi=load_artifact(TIMELOCK).abi)
    scenario.set_time(START)
    for name, roles in ROLES.items():
        scenario.send(consortium.addMember(scenario.address(name), keccak(text=f"USCC:{name}"), name, roles), "admin")
    application = (keccak(text="catalog"), 7, 0)
    receipt = scenario.send(certificates.submit(scenario.address("registrar"), application), "merchant_a")
    certificate_id = int(scenario.event(receipt, "Certificates", "CertificateSubmitted")["certificateId"])
    scenario.send(certificates.accept(certificate_id), "registrar")
    scenario.send(certificates.publicize(certificate_id, START + 60), "registrar")
    scenario.set_time(START + 120)
    terms = (registration_number("BENCH", "203000000001"), "BENCH-1", START + 5 * YEAR, 7)
    scenario.send(certificates.issue(certificate_id, terms), "registrar")
    scenario.send(rights.transferShares(certificate_id, HOLDING, scenario.address("merchant_b"), 1_000), "merchant_a")

    modules = [
        _create(scenario, "HolderCapModule", compliance.address, 50, 50, 50),
        _create(scenario, "JurisdictionModule", compliance.address),
        _create(scenario, "QualificationModule", compliance.address, PI),
    ]
    calls = [compliance.functions.addModule(module.address) for module in modules]
    # The holder cap is the first module that counts holders: the same operation re-syncs the count of the
    # holding right, which stood still while no module counted (two holders since the transfer above).
    calls.append(compliance.functions.setHolderCount(certificate_id, HOLDING, 2))
    operation = (
        [compliance.address] * len(calls), [0] * len(calls), [call._encode_transaction_data() for call in calls],
        b"\0" * 32, b"\1" * 32,
    )
    scenario.send(timelock.functions.scheduleBatch(*operation, 0), "admin")
    scenario.send(timelock.functions.executeBatch(*operation), "admin")

    probe = _create(scenario, "ComplianceGasProbe", testing=True)
    a, b, c = (scenario.address(name) for name in ("merchant_a", "merchant_b", "merchant_c"))

    def measure(to: str, to_before: int) -> int:
        call = probe.functions.measureCheckTransfer(compliance.address, certificate_id, HOLDING, a, to, 100, to_before, 8_900)
        receipt = scenario.send(call, "auditor")
        (log,) = probe.events.CheckMeasured().process_receipt(receipt)
        return int(log["args"]["gasUsed"])

    figures = {"common case: existing holders, no flags": measure(b, 1_000),
               "a new holder: holder cap consulted": measure(c, 0)}
    f = compliance.functions
    scenario.send(f.setCertificateFlags(certificate_id, True, True), "registrar")
    scenario.send(f.setJurisdictionAllowed(certificate_id, b"CN", True), "registrar")
    for member in (b, c):
        scenario.send(f.setJurisdiction(member, b"CN"), "admin")
        scenario.send(f.grantQualification(member, PI), "admin")
    figures["flagged certificate: jurisdiction and qualification consulted"] = measure(b, 1_000)
    figures["flagged certificate, a new holder: all three consulted"] = measure(c, 0)
    return figures


def main() -> int:
    node = LocalNode(port=free_port())
    node.start()
    try:
        w3 = Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 60}))
        figures = run(Scenario(w3))
    finally:
        node.stop()
    print(f"checkTransfer with three modules in force (goal: {GOAL:,} gas for the three checks together)")
    for case, gas in figures.items():
        print(f"  {case:<64} {gas:>7,} gas  {gas / GOAL:5.2f} x goal")
    for case, gas in figures.items():
        if gas > GOAL:
            print(f"GOAL MISSED: {case}: {gas:,} gas > {GOAL:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
