"""`dal rights` through typer's runner on a real chain: show, transfer, license, licences, revoke."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from tests.finance.support import (  # noqa: F401 - fixtures
    FinanceChain,
    chain_fixture,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
)

runner = CliRunner()


def _dal(chain: FinanceChain, *args: str) -> dict | list:  # type: ignore[type-arg]
    result = runner.invoke(app, ["--json", *args], env=chain.env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_show_lists_the_three_rights_of_a_new_certificate(chain: FinanceChain) -> None:
    certificate_id = issued_certificate(chain.context())
    answer = _dal(chain, "rights", "show", str(certificate_id))
    assert isinstance(answer, dict)
    assert (answer["certificate"], answer["status"], answer["in_force"]) == (certificate_id, "issued", True)
    assert [(row["right"], row["name"], row["shares"]) for row in answer["holdings"]] == [
        ("holding", "merchant-a", 10_000), ("development", "merchant-a", 10_000), ("operation", "merchant-a", 10_000)
    ]
    table = runner.invoke(app, ["rights", "show", str(certificate_id)], env=chain.env)
    assert table.exit_code == 0 and "merchant-a" in table.stdout and "transferable" in table.stdout


def test_transfer_by_percent_then_show(chain: FinanceChain) -> None:
    certificate_id = issued_certificate(chain.context())
    done = _dal(chain, "--as", "merchant-a", "rights", "transfer", str(certificate_id), "--right", "operation",
                "--to", "merchant-c", "--percent", "40")
    assert isinstance(done, dict)
    assert (done["shares"], done["from_shares_after"], done["to_shares_after"]) == (4000, 6000, 4000)
    assert done["to"].startswith("merchant-c (0x") and done["tx"].startswith("0x")
    answer = _dal(chain, "rights", "show", str(certificate_id))
    assert isinstance(answer, dict)
    operation = {row["name"]: row["percent"] for row in answer["holdings"] if row["right"] == "operation"}
    assert operation == {"merchant-a": "60%", "merchant-c": "40%"}


def test_license_for_a_year_then_revoke(chain: FinanceChain, tmp_path: Path) -> None:
    certificate_id = issued_certificate(chain.context())
    terms = tmp_path / "terms.txt"
    terms.write_text("development licence: analytics only")
    granted = _dal(chain, "--as", "merchant-a", "rights", "license", str(certificate_id), "--right", "development",
                   "--to", "merchant-b", "--terms", str(terms), "--for", "1y", "--exclusive")
    assert isinstance(granted, dict)
    assert (granted["right"], granted["exclusive"], granted["state"]) == ("development", True, "live")
    listed = _dal(chain, "rights", "licences", str(certificate_id))
    assert [row["licence"] for row in listed] == [granted["licence"]]  # type: ignore[index]
    revoked = _dal(chain, "--as", "merchant-a", "rights", "revoke", str(granted["licence"]), "--reason", "ended early")
    assert isinstance(revoked, dict) and revoked["revoked"] == [granted["licence"]]


def test_a_refused_transfer_is_one_line_on_stderr(chain: FinanceChain) -> None:
    certificate_id = issued_certificate(chain.context())
    result = runner.invoke(
        app, ["--as", "merchant-b", "rights", "transfer", str(certificate_id), "--right", "holding", "--to",
              "merchant-c", "--shares", "10"], env=chain.env,
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: merchant-b (0x")
    assert "holds 0 shares of the holding right" in result.stderr and result.stderr.count("\n") == 1


def test_show_as_of_an_earlier_block(chain: FinanceChain) -> None:
    certificate_id = issued_certificate(chain.context())
    before = int(chain.w3.eth.block_number)
    _dal(chain, "--as", "merchant-a", "rights", "transfer", str(certificate_id), "--right", "holding",
         "--to", "merchant-b", "--shares", "2500")
    then = _dal(chain, "rights", "show", str(certificate_id), "--block", str(before))
    assert isinstance(then, dict) and then["block_number"] == before
    assert [row["shares"] for row in then["holdings"] if row["right"] == "holding"] == [10_000]
