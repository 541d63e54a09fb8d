"""`dal audit report`: a self-contained HTML report and its CSV tables, checked as files and in a real headless
Chromium (Debian's chromium and chromium-driver, driven by Selenium)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from headless_chromium import browser_fixture  # noqa: F401 - a fixture
from typer.testing import CliRunner
from workflow_chain import (  # noqa: F401 - fixtures
    build_history,
    chain_snapshot_fixture,
    workflow_chain_fixture,
    workflow_env_fixture,
)

from cli.main import app
from ledger.context import LedgerContext

runner = CliRunner()



def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _report(env: dict[str, str], tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "report"
    result = runner.invoke(app, ["audit", "report", *args, "-o", str(out)], env=env)
    assert result.exit_code == 0, result.stderr
    return out


def test_the_report_of_a_certificate_writes_a_page_and_the_same_tables_as_csv(
    workflow_env: dict[str, str], tmp_path: Path
) -> None:
    build_history(LedgerContext.load(env=workflow_env), tmp_path)
    out = _report(workflow_env, tmp_path, "1")
    assert sorted(path.name for path in out.iterdir()) == [
        "events.csv", "facts.csv", "licences.csv", "pledges.csv", "report.html", "shares.csv",
    ]
    (facts,) = _rows(out / "facts.csv")
    assert (facts["number"], facts["status"], facts["in_force"]) == ("SZDEX-AUDIT-1", "issued", "yes")
    events = _rows(out / "events.csv")
    assert len(events) == 10 and events[0]["event"] == "CertificateSubmitted"
    assert all(row["time"].endswith("Z") and row["transaction"].startswith("0x") for row in events)
    (pledge,) = _rows(out / "pledges.csv")
    assert (pledge["shares"], pledge["ended"], pledge["pledgee"].split(" ")[0]) == ("6000", "realised", "bank")
    (licence,) = _rows(out / "licences.csv")
    assert (licence["right"], licence["exclusive"], licence["licensee"].split(" ")[0]) == (
        "development", "no", "merchant-b"
    )
    operation = [(row["holder"].split(" ")[0], row["shares"], row["to"] == "") for row in _rows(out / "shares.csv")
                 if row["right"] == "operation"]
    assert operation == [("merchant-a", "10000", False), ("merchant-a", "6000", True), ("merchant-c", "4000", True)]
    page = (out / "report.html").read_text()
    assert page.count("<svg") == 3 and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Content-Security-Policy" in page and "<script" not in page


def test_a_members_report_and_a_window_keep_only_their_rows(workflow_env: dict[str, str], tmp_path: Path) -> None:
    history = build_history(LedgerContext.load(env=workflow_env), tmp_path)
    out = _report(workflow_env, tmp_path, "--member", "bank")
    assert [row["event"] for row in _rows(out / "events.csv")] == [
        "PledgeRecorded", "PledgeRealised", "TransferSingle"
    ]
    assert [(row["right"], row["shares"]) for row in _rows(out / "shares.csv")] == [("holding", "6000")]
    assert [row["pledge"] for row in _rows(out / "pledges.csv")] == ["1"]
    assert _rows(out / "licences.csv") == []
    assert (out / "report.html").read_text().count("<svg") == 3
    before = runner.invoke(app, ["audit", "report", "1", "--to", "2000-01-01", "-o", str(tmp_path / "early")],
                           env=workflow_env)
    assert before.exit_code == 0, before.stderr
    assert _rows(tmp_path / "early" / "events.csv") == []
    swapped = runner.invoke(app, ["audit", "report", "1", "--from", "2030-01-02", "--to", "2030-01-01",
                                  "-o", str(tmp_path / "x")], env=workflow_env)
    assert (swapped.exit_code, swapped.stdout) == (1, "")
    assert swapped.stderr.startswith("error: --to 2030-01-01T23:59:59Z is before --from 2030-01-02T00:00:00Z")
    assert not (tmp_path / "x").exists()
    assert history["certificate"] == 1


def test_the_report_page_loads_offline_in_chromium_with_its_tables(
    workflow_env: dict[str, str], tmp_path: Path, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    build_history(LedgerContext.load(env=workflow_env), tmp_path)
    out = _report(workflow_env, tmp_path, "1")
    browser.get("about:blank")
    browser.get_log("performance")  # drop what the browser loaded for itself before the report
    browser.get_log("browser")
    page = (out / "report.html").as_uri()
    browser.get(page)
    assert browser.title == "Audit report: certificate 1"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    requested = [
        json.loads(entry["message"])["message"]["params"]["request"]["url"]
        for entry in browser.get_log("performance")
        if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"
    ]
    assert page in requested
    external = [url for url in requested if url.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp")]
    assert external == []
    counts = {name: len(browser.find_elements(By.CSS_SELECTOR, f"#{name} tbody tr"))
              for name in ("facts", "shares", "licences", "pledges", "events")}
    assert counts == {name: len(_rows(out / f"{name}.csv")) for name in counts}
    assert counts["events"] == 10 and counts["pledges"] == 1 and counts["licences"] == 1
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 3 and all(chart.size["width"] > 300 for chart in charts)
    first_event = browser.find_element(By.CSS_SELECTOR, "#events tbody tr td:nth-child(3)").text
    assert first_event.endswith(" UTC")
    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
