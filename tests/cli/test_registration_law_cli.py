"""The registration law from the command line: rights claimed and registered, refusals with a reason
code, the minimum notice, registration numbers, holders acting by signed consent, registered
objections, transfer and licence registrations, and what `dal verify` says about them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    APPLICATION,
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
    write_catalog,
)

from cli.main import app
from ledger.chain.clock import DAY, advance_time
from ledger.context import LedgerContext
from ledger.numbers import registration_number

runner = CliRunner()


def _dal(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["--json", *args], env=env)
    assert result.exit_code == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _refused(env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def _issued(env: dict[str, str], tmp_path: Path, name: str, *apply: str, rights: str | None = None) -> str:
    path = write_catalog(tmp_path, f"{name}.json", name=name)
    cert = str(_dal(env, "--as", "merchant-a", "asset", "apply", str(path), "--registrar", "registrar", *apply)[
        "certificate_id"])
    _dal(env, "--as", "registrar", "asset", "accept", cert)
    _dal(env, "--as", "registrar", "asset", "publicize", cert)  # the registrar's minimum: 10 working days
    ledger = LedgerContext.load(env=env)
    advance_time(ledger.w3, ledger.profile, 30 * DAY)
    number = registration_number("SZDEX", f"2026{int(cert):08d}")
    extra = ["--rights", rights] if rights else []
    _dal(env, "--as", "registrar", "asset", "issue", cert, "--registration-number", number, "--number",
         f"CERT-{name}", "--expiry", "2y", *extra)
    return cert


def test_an_application_claims_rights_and_the_certificate_shows_those_registered_and_their_holders(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    env = workflow_env
    cert = _issued(env, tmp_path, "claims", "--rights", "holding,development", "--authorised-until", "3y",
                   rights="holding")
    shown = _dal(env, "asset", "show", cert)
    assert (shown["rights_claimed"], shown["rights_registered"]) == ("holding, development", "holding")
    assert shown["authorised_until"] is not None
    assert shown["registration_number"] == registration_number("SZDEX", f"2026{int(cert):08d}")
    assert shown["holders"] == {"holding": [{"owner": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
                                             "shares": 10_000}]}
    table = runner.invoke(app, ["asset", "show", cert], env=env)
    assert "holding: merchant-a" in table.stdout and "100%" in table.stdout
    listed = runner.invoke(app, ["asset", "list", "--holder", "merchant-a"], env=env)
    assert "holding: merchant-a" in listed.stdout
    # The expiry may not pass the source authorisation's end.
    assert "passes the end of its source authorisation" in _refused(
        env, "--as", "merchant-a", "asset", "renew", cert, "--expiry", "10y")
    # A number with a wrong check character is refused before anything is sent.
    assert "check character" in _refused(
        env, "--as", "registrar", "asset", "issue", cert, "--registration-number", "SZDEX2026000000001",
        "--number", "X", "--expiry", "1y")
    made = _dal(env, "asset", "number", "SZDEX", "202600000001")
    assert made["registration_number"] == registration_number("SZDEX", "202600000001")


def test_a_registrar_refuses_and_sets_its_minimum_notice(workflow_env: dict[str, str], tmp_path: Path) -> None:
    env = workflow_env
    cert = str(_dal(env, "--as", "merchant-a", "asset", "apply", str(write_catalog(tmp_path)), "--registrar",
                    "registrar")["certificate_id"])
    assert "unknown refusal code 'secret'" in _refused(
        env, "--as", "registrar", "asset", "refuse", cert, "--code", "secret", "--reason", "x")
    refused = _dal(env, "--as", "registrar", "asset", "refuse", cert, "--code", "national-core-data", "--reason",
                   "classified as core data by the data security review")
    assert refused["status"] == "refused"
    _dal(env, "--as", "registrar", "asset", "minimum-notice", "30")
    other = str(_dal(env, "--as", "merchant-a", "asset", "apply", str(write_catalog(tmp_path, "b.json", name="B")),
                     "--registrar", "registrar")["certificate_id"])
    _dal(env, "--as", "registrar", "asset", "accept", other)
    assert "shorter than the registrar's minimum" in _refused(
        env, "--as", "registrar", "asset", "publicize", other, "--notice-days", "20")
    trace = json.loads(runner.invoke(app, ["--json", "audit", "trace", cert], env=env).stdout)
    assert "registration refused by the registrar (不予登记): the data is national core data" in json.dumps(
        trace, ensure_ascii=False)


def test_holders_act_jointly_by_signed_consent_files(workflow_env: dict[str, str], tmp_path: Path) -> None:
    env = workflow_env
    cert = _issued(env, tmp_path, "joint")
    moved = _dal(env, "--as", "merchant-a", "rights", "transfer", cert, "--right", "holding", "--to", "merchant-b",
                 "--shares", "6000")
    # merchant-a now holds 40%: alone it can no longer renew.
    assert "more than half is needed" in _refused(env, "--as", "merchant-a", "asset", "renew", cert, "--expiry", "3y")
    consent = tmp_path / "consent.json"
    _dal(env, "--as", "merchant-b", "asset", "consent", cert, "--to", "merchant-a", "--cancel", "asset retired",
         "--out", str(consent))
    assert "consent is to another request" in _refused(
        env, "--as", "merchant-a", "asset", "renew", cert, "--expiry", "3y", "--consent", str(consent))
    requested = _dal(env, "--as", "merchant-a", "asset", "cancel", cert, "--reason", "asset retired", "--consent",
                     str(consent))
    assert requested["pending_request"] == "cancellation"
    # An edited consent file is refused before anything is sent.
    document = json.loads(consent.read_text())
    document["message"]["nonce"] = "7"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document))
    assert "was altered or mis-signed" in _refused(
        env, "--as", "merchant-a", "asset", "cancel", cert, "--reason", "asset retired", "--consent", str(edited))
    # The registrar registers the transfer the chain recorded; verify shows it registered.
    transaction = moved["tx"]
    assert "moved 6000 shares" in _refused(
        env, "--as", "registrar", "asset", "register-transfer", cert, "--tx", transaction, "--from", "merchant-a",
        "--to", "merchant-b", "--right", "holding", "--shares", "5000", "--voucher", "ZY-2026-1")
    registered = _dal(env, "--as", "registrar", "asset", "register-transfer", cert, "--tx", transaction, "--from",
                      "merchant-a", "--to", "merchant-b", "--right", "holding", "--shares", "6000", "--voucher",
                      "ZY-2026-1")
    assert (registered["kind"], registered["voucher"]) == ("transfer", "ZY-2026-1")
    answer = _dal(env, "verify", cert)
    assert answer["transfers"] == [{"transaction": transaction, "from": answer["transfers"][0]["from"],
                                    "to": answer["transfers"][0]["to"], "right": "holding", "shares": 6000,
                                    "registered": True, "voucher": "ZY-2026-1"}]
    assert answer["rights_registered"] == ["holding", "development", "operation"]


def test_a_registered_objection_makes_verify_answer_not_lendable_until_resolved(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    env = workflow_env
    cert = _issued(env, tmp_path, "disputed")
    disputed = _dal(env, "--as", "registrar", "asset", "dispute", cert, "--objector", "merchant-c", "--reason",
                    "merchant-c claims the data")
    assert disputed["disputed"] is True
    result = runner.invoke(app, ["--json", "verify", cert], env=env)
    assert result.exit_code == 3, result.stderr  # the answer is "not lendable"
    answer = json.loads(result.stdout)
    assert answer["disputed"] is True and answer["answer"] == "not lendable"
    assert any("an objection to the certificate is registered" in reason for reason in answer["reasons"])
    resolved = _dal(env, "--as", "registrar", "asset", "resolve-dispute", cert, "--reason", "claim withdrawn")
    assert resolved["disputed"] is False
    assert _dal(env, "verify", cert)["disputed"] is False


def test_a_bulk_import_claims_the_rights_it_is_told(workflow_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "catalogs"
    folder.mkdir()
    for index in range(2):
        write_catalog(folder, f"asset-{index}.json", name=f"Bulk {index}")
    report = _dal(workflow_env, "--as", "merchant-a", "asset", "import", str(folder), "--registrar", "registrar",
                  "--rights", "development,operation", "--authorised-until", "4y")
    for item in report["items"]:
        shown = _dal(workflow_env, "asset", "show", str(item["certificate_id"]))
        assert shown["rights_claimed"] == "development, operation"
        assert shown["authorised_until"] is not None
    assert "unknown right 'mining'" in _refused(workflow_env, "--as", "merchant-a", "asset", "import", str(folder), "--registrar",
                                  "registrar", "--rights", "mining")


def test_an_application_takes_its_rights_and_authorisation_end_from_the_catalog_entry(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    env = workflow_env
    path = write_catalog(tmp_path, "claims.json", name="claims from the entry", **{
        **APPLICATION, "rights_claimed": ["operation", "development"],
        "authorisation": {"hash": "0x" + "a1" * 32, "expiry": "2030-06-30"},
    })
    cert = str(_dal(env, "--as", "merchant-a", "asset", "apply", str(path), "--registrar", "registrar")[
        "certificate_id"])
    shown = _dal(env, "asset", "show", cert)
    assert shown["rights_claimed"] == "development, operation"
    # The end of the expiry day in the registrar's timezone (Asia/Shanghai): 2030-06-30T15:59:59Z.
    assert shown["authorised_until"].startswith("2030-06-30T15:59:59")
    # Told otherwise on the command line, the application claims what it is told.
    other = write_catalog(tmp_path, "told.json", name="told", **APPLICATION)
    told = str(_dal(env, "--as", "merchant-a", "asset", "apply", str(other), "--registrar", "registrar",
                    "--rights", "holding")["certificate_id"])
    assert _dal(env, "asset", "show", told)["rights_claimed"] == "holding"
