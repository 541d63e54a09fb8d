"""`dal pledge` through typer's runner, and once through a real `dal` subprocess: the pledgor signs a consent
file, the bank records it, a transfer of the pledged shares is refused, then release, extension, realisation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cli.main import app
from tests.finance.support import (  # noqa: F401 - fixtures
    DAY,
    FinanceChain,
    advance,
    chain_fixture,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
    now,
)

runner = CliRunner()


def _dal(chain: FinanceChain, *args: str) -> Any:
    result = runner.invoke(app, ["--json", *args], env=chain.env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _date(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d")


def _consent(chain: FinanceChain, certificate_id: int, path: Path, *, shares: str = "6000", days: int = 365,
             bank: str = "bank") -> Any:
    maturity = _date(now(chain.context()) + days * DAY)
    return _dal(chain, "--as", "merchant-a", "pledge", "consent", str(certificate_id), "--right", "holding",
                *(("--percent", shares[:-1]) if shares.endswith("%") else ("--shares", shares)), "--pledgee", bank, "--amount", "1000000.00", "--currency", "CNY",
                "--maturity", maturity, "--registration", "ZDW-2026-000123",
                "--registered-at", _date(now(chain.context())),
                "--registration-term", _date(now(chain.context()) + (days + 365) * DAY), "-o", str(path))


def test_consent_create_refused_transfer_and_release(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    consent_file = tmp_path / "consent.json"
    signed = _consent(chain, certificate_id, consent_file, shares="60%")
    assert (signed["amount"], signed["currency"], signed["shares"], signed["ranks_behind"]) == (
        "1000000.00", "CNY", 6000, None
    )
    assert json.loads(consent_file.read_text())["type"] == "dal.pledge-consent/3"
    assert signed["registration"] == "ZDW-2026-000123"

    pledge = _dal(chain, "--as", "bank", "pledge", "create", str(consent_file))
    assert (pledge["status"], pledge["rank"], pledge["amount_minor"], pledge["registration"]) == (
        "active", 1, "100000000", "ZDW-2026-000123"
    )
    refused = runner.invoke(app, ["--as", "merchant-a", "rights", "transfer", str(certificate_id), "--right",
                                  "holding", "--to", "merchant-b", "--percent", "50"], env=chain.env)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: the shares are pledged to bank (0x")
    assert f"under pledge #{pledge['pledge']} until {pledge['maturity'][:10]}" in refused.stderr
    as_json = runner.invoke(app, ["--as", "merchant-a", "rights", "transfer", str(certificate_id), "--right",
                                  "holding", "--to", "merchant-b", "--percent", "50", "--json"], env=chain.env)
    assert as_json.exit_code == 1
    # A program reads the contract's own error name as the code, and the same sentence as the message.
    assert json.loads(as_json.stdout) == {"error": {"code": "RightsSharesPledged",
                                                    "message": refused.stderr.removeprefix("error: ").strip()}}

    again = runner.invoke(app, ["--as", "bank", "pledge", "create", str(consent_file)], env=chain.env)
    assert again.exit_code == 1 and "the consent was already used" in again.stderr

    released = runner.invoke(app, ["--json", "--as", "bank", "pledge", "release", str(pledge["pledge"])],
                             env=chain.env)
    assert released.exit_code == 0 and json.loads(released.stdout)["status"] == "released"
    assert "reminder: cancel the public registration ZDW-2026-000123 of this pledge" in released.stderr
    listed = _dal(chain, "pledge", "list", str(certificate_id))
    assert [(row["pledge"], row["status"]) for row in listed] == [(pledge["pledge"], "released")]


def test_extension_needs_the_pledgors_signed_consent(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    _consent(chain, certificate_id, tmp_path / "consent.json")
    pledge = _dal(chain, "--as", "bank", "pledge", "create", str(tmp_path / "consent.json"))
    later = _date(int(datetime.fromisoformat(pledge["maturity"]).timestamp()) + 200 * DAY)
    ext = tmp_path / "ext.json"
    _dal(chain, "--as", "merchant-a", "pledge", "consent-extension", str(pledge["pledge"]), "--maturity", later,
         "-o", str(ext))
    wrong = runner.invoke(app, ["--as", "bank", "pledge", "extend", str(pledge["pledge"]), "--maturity", "2099-01-01",
                                "--consent", str(ext)], env=chain.env)
    assert wrong.exit_code == 1 and "give the maturity the pledgor signed" in wrong.stderr
    extended = _dal(chain, "--as", "bank", "pledge", "extend", str(pledge["pledge"]), "--maturity", later,
                    "--consent", str(ext))
    assert extended["maturity"].startswith(later)


def test_a_matured_pledge_is_realised_at_an_agreed_price_and_shown(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    _consent(chain, certificate_id, tmp_path / "consent.json", days=30)
    pledge = _dal(chain, "--as", "bank", "pledge", "create", str(tmp_path / "consent.json"))
    advance(chain.context(), 31 * DAY)
    agreement = tmp_path / "agreement.txt"
    agreement.write_text("merchant-a and bank agree a price of 1,250,000.00 CNY for the pledged shares")
    agreed = _dal(chain, "--as", "merchant-a", "pledge", "consent-realisation", str(pledge["pledge"]),
                  "--buyer", "bank", "--price", "1250000.00", "--document", str(agreement),
                  "-o", str(tmp_path / "agreed.json"))
    assert agreed["price"] == "125000000"
    forfeit = runner.invoke(app, ["--as", "bank", "pledge", "realise", str(pledge["pledge"]), "--method",
                                  "forfeit"], env=chain.env)
    assert forfeit.exit_code == 1
    assert forfeit.stderr.startswith("error: unknown realisation method 'forfeit'; use one of agreed-price")
    realised = _dal(chain, "--as", "bank", "pledge", "realise", str(pledge["pledge"]), "--method", "agreed-price",
                    "--consent", str(tmp_path / "agreed.json"))
    assert realised["status"] == "realised"
    assert {key: realised["realisation"][key] for key in ("method", "shares", "price", "surplus_to_pledgor")} == {
        "method": "agreed_price", "shares": 6000, "price": "1250000.00", "surplus_to_pledgor": "250000.00",
    }
    assert realised["realisation"]["buyer"].startswith("bank (0x")
    shown = _dal(chain, "pledge", "show", str(pledge["pledge"]))
    assert shown["status"] == "realised" and shown["realisation"] == realised["realisation"]


def test_an_existing_consent_file_is_never_overwritten(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    path = tmp_path / "consent.json"
    path.write_text("keep me")
    result = runner.invoke(app, ["--as", "merchant-a", "pledge", "consent", str(certificate_id), "--right", "holding",
                                 "--shares", "10", "--pledgee", "bank", "--amount", "1", "--currency", "CNY",
                                 "--maturity", "2099-01-01", "-o", str(path)], env=chain.env)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert path.read_text() == "keep me"


def test_the_real_dal_program_records_a_pledge_from_a_consent_file(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    consent_file = tmp_path / "consent.json"
    _consent(chain, certificate_id, consent_file)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")} | chain.env
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dal")), "--json", "--as", "bank", "pledge", "create", str(consent_file)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["status"] == "active"


def test_pledges_are_found_by_bank_pledgor_and_status(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    _consent(chain, certificate_id, tmp_path / "first.json", shares="2000")
    first = _dal(chain, "--as", "bank", "pledge", "create", str(tmp_path / "first.json"))
    _consent(chain, certificate_id, tmp_path / "second.json", shares="3000", bank="bank-b")
    second = _dal(chain, "--as", "bank-b", "pledge", "create", str(tmp_path / "second.json"))
    _dal(chain, "--as", "bank", "pledge", "release", str(first["pledge"]))

    def ids(*filters: str) -> list[int]:
        return [row["pledge"] for row in _dal(chain, "pledge", "list", *filters)]

    assert ids("--bank", "bank") == [first["pledge"]]
    assert ids("--bank", "bank-b", "--status", "active") == [second["pledge"]]
    assert ids("--status", "released") == [first["pledge"]]
    assert ids("--pledgor", "merchant-a", "--status", "realised") == []
    assert ids("--pledgor", "merchant-b") == []
    assert set(ids("--pledgor", "merchant-a")) == {first["pledge"], second["pledge"]}
    refused = runner.invoke(app, ["pledge", "list", "--status", "lost"], env=chain.env)
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == "error: unknown pledge status 'lost'; use one of active, released, realised\n"


def test_licences_are_found_by_licensee(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    terms = "0x" + "ab" * 32
    for licensee in ("merchant-b", "merchant-c"):
        _dal(chain, "--as", "merchant-a", "rights", "license", str(certificate_id), "--right", "development",
             "--to", licensee, "--for", "30d", "--terms", terms)
    listed = _dal(chain, "rights", "licences", str(certificate_id), "--licensee", "merchant-c")
    assert [row["licensee"].split()[0] for row in listed] == ["merchant-c"]
    everyone = _dal(chain, "rights", "licences", str(certificate_id))
    assert {row["licensee"].split()[0] for row in everyone} >= {"merchant-b", "merchant-c"}
