"""`dal verify` through typer's runner and a real subprocess: the bank's answer, its block, and its proof."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from ledger.pledges import record_pledge, sign_consent
from tests.finance.support import (  # noqa: F401 - fixtures
    YEAR,
    FinanceChain,
    block_number,
    chain_fixture,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
    now,
)

runner = CliRunner()


def test_verify_answers_in_json_with_the_block_it_read(chain: FinanceChain) -> None:
    ledger = chain.context()
    certificate_id = issued_certificate(ledger)
    consent = sign_consent(ledger, certificate_id, "holding", 6000, "bank", "2500000.00", "CNY", now(ledger) + YEAR,
                           as_="merchant-a")
    pledge = record_pledge(ledger, consent, as_="bank").pledge
    result = runner.invoke(app, ["--json", "verify", str(certificate_id)], env=chain.env)
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["answer"], answer["genuine"], answer["in_force"]) == ("lendable", True, True)
    assert answer["block"]["number"] == block_number(ledger)
    assert answer["block"]["hash"] == "0x" + bytes(ledger.w3.eth.get_block("latest")["hash"]).hex()
    (row,) = answer["pledges"]
    assert (row["pledge"], row["rank"], row["amount"], row["currency"], row["shares"]) == (
        pledge.pledge_id, 1, "2500000.00", "CNY", 6000
    )
    assert answer["proof"] is None


def test_verify_with_proof_prints_a_readable_verified_answer(chain: FinanceChain) -> None:
    certificate_id = issued_certificate(chain.context())
    result = runner.invoke(app, ["verify", str(certificate_id), "--proof"], env=chain.env)
    assert result.exit_code == 0, result.stderr
    assert "lendable" in result.stdout
    assert "verified:" in result.stdout and "proven against the state root" in result.stdout


def test_verify_says_where_it_read_the_events_and_reads_the_synced_read_model(
    chain: FinanceChain, tmp_path: Path
) -> None:
    env = {**chain.env, "DAL_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    certificate_id = issued_certificate(chain.context())
    before = runner.invoke(app, ["verify", str(certificate_id)], env=env)
    assert before.exit_code == 0, before.stderr
    assert "chain logs (no read model)" in before.stdout
    synced = runner.invoke(app, ["oracle", "sync"], env=env)
    assert synced.exit_code == 0, synced.stderr
    after = runner.invoke(app, ["--json", "verify", str(certificate_id)], env=env)
    assert after.exit_code == 0, after.stderr
    assert json.loads(after.stdout)["block"]["events_from"] == "read model (0 blocks behind the head)"


def test_verify_by_certificate_number_through_the_real_program(chain: FinanceChain) -> None:
    ledger = chain.context()
    certificate_id = issued_certificate(ledger)
    number = ledger.contract("Certificates").events.CertificateIssued().get_logs(
        from_block=0, argument_filters={"certificateId": certificate_id}
    )[0]["args"]["number"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")} | chain.env
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dal")), "--json", "verify", f"registrar:{number}", "--proof"],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(completed.stdout)
    assert (answer["certificate"], answer["number"], answer["proof"]["verified"]) == (certificate_id, number, True)


def test_an_answer_for_a_block_not_yet_mined_is_one_line(chain: FinanceChain) -> None:
    certificate_id = issued_certificate(chain.context())
    result = runner.invoke(app, ["verify", str(certificate_id), "--block", "99999999"], env=chain.env)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: block 99999999 does not exist yet")


def test_verify_at_a_block_hash_the_bank_trusts(chain: FinanceChain) -> None:
    ledger = chain.context()
    certificate_id = issued_certificate(ledger)
    trusted = "0x" + bytes(ledger.w3.eth.get_block("latest")["hash"]).hex()
    consent = sign_consent(ledger, certificate_id, "holding", 6000, "bank", "1.00", "CNY", now(ledger) + YEAR,
                           as_="merchant-a")
    record_pledge(ledger, consent, as_="bank")
    result = runner.invoke(app, ["--json", "verify", str(certificate_id), "--block", trusted, "--proof"], env=chain.env)
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["block"]["hash"], answer["proof"]["verified"], answer["pledges"]) == (trusted, True, [])
    unknown = runner.invoke(app, ["verify", str(certificate_id), "--block", "0x" + "12" * 32], env=chain.env)
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith(f"error: the node does not know block 0x{'12' * 32}; it may follow another chain")


def test_exit_codes_are_0_when_lendable_3_when_not_and_1_on_an_error(chain: FinanceChain) -> None:
    ledger = chain.context()
    certificate_id = issued_certificate(ledger)
    lendable = runner.invoke(app, ["--json", "--as", "bank", "verify", str(certificate_id)], env=chain.env)
    assert lendable.exit_code == 0, lendable.stderr
    assert json.loads(lendable.stdout)["security"]["for_bank"] == f"bank ({ledger.address_of('bank')})"
    registrar = runner.invoke(app, ["--json", "--as", "registrar", "verify", str(certificate_id)], env=chain.env)
    assert registrar.exit_code == 0, registrar.stderr  # answered for any new pledgee, not refused
    assert json.loads(registrar.stdout)["security"]["for_bank"] is None
    for_merchant = runner.invoke(app, ["--json", "verify", str(certificate_id), "--for-bank", "merchant-c"],
                                 env=chain.env)
    assert for_merchant.exit_code == 3, for_merchant.stderr
    answer = json.loads(for_merchant.stdout)
    assert answer["answer"] == "not lendable"
    assert answer["reasons"] == [
        f"merchant-c ({ledger.address_of('merchant-c')}) is not an active BANK member, so it cannot take a pledge"
    ]
    consent = sign_consent(ledger, certificate_id, "holding", 10000, "bank", "1.00", "CNY", now(ledger) + YEAR,
                           as_="merchant-a")
    record_pledge(ledger, consent, as_="bank")
    pledged = runner.invoke(app, ["verify", str(certificate_id), "--for-bank", "bank-b"], env=chain.env)
    assert pledged.exit_code == 3
    assert "not lendable" in pledged.stdout and "no share of the holding right is left to pledge" in pledged.stdout
    # The real program: `dal verify X && lend` does not lend.
    env = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")} | chain.env
    script = f"{Path(sys.executable).with_name('dal')} verify {certificate_id} --for-bank bank-b >/dev/null && echo lend"
    completed = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env, timeout=180,
                               check=False)
    assert (completed.returncode, completed.stdout) == (3, "")
    unknown = runner.invoke(app, ["verify", "999"], env=chain.env)
    assert (unknown.exit_code, unknown.stdout) == (1, "")
    assert unknown.stderr.startswith("error: certificate 999 does not exist")
    neither = runner.invoke(app, ["verify"], env=chain.env)
    assert neither.exit_code == 2
    assert "Exit codes: 0 lendable" in runner.invoke(app, ["verify", "--help"], env=chain.env).stdout


def test_saved_evidence_is_rechecked_with_no_node_and_a_tampered_copy_is_refused(
    chain: FinanceChain, tmp_path: Path
) -> None:
    certificate_id = issued_certificate(chain.context())
    kept = tmp_path / "kept.json"
    saved = runner.invoke(app, ["--json", "--as", "bank", "verify", str(certificate_id), "--save", str(kept)],
                          env=chain.env)
    assert saved.exit_code == 0, saved.stderr
    assert json.loads(saved.stdout)["proof"]["verified"] is True
    assert f"evidence saved to {kept}" in saved.stderr
    offline = {**chain.env, "DAL_RPC_URL": "http://127.0.0.1:9"}  # nothing listens there
    checked = runner.invoke(app, ["--json", "verify", "--check", str(kept)], env=offline)
    assert checked.exit_code == 0, checked.stderr
    document = json.loads(checked.stdout)
    assert document["evidence"] == "holds" and document["answer"]["answer"] == "lendable"
    assert document["still_trusted"][0].startswith("the block header of block")
    table = runner.invoke(app, ["verify", "--check", str(kept)], env=offline)
    assert table.exit_code == 0 and "still trusted" in table.stdout
    tampered = json.loads(kept.read_text())
    tampered["answer"]["rights"][0]["holders"][0]["shares"] = 9000
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(tampered))
    refused = runner.invoke(app, ["verify", "--check", str(forged)], env=offline)
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr.startswith("error: the answer was edited: rights[0].holders[0].shares: the answer says 9000")
    both = runner.invoke(app, ["verify", "1", "--check", str(kept)], env=offline)
    assert both.exit_code == 2
