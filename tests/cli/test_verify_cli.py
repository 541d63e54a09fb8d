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
