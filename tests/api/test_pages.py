"""`dal serve`'s pages in a real headless Chromium (Debian's package, driven by Selenium) against a real server:
sign in, search, the certificate page's chart and pledge order, the verification page's evidence downloaded and
re-checked offline with `dal verify --check`, the audit report in place; nothing loaded from elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from headless_chromium import browser_fixture, external_requests  # noqa: F401 - a fixture
from served import Served, served_fixture  # noqa: F401 - a fixture


def _sign_in(browser: Any, served: Served, member: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get(served.url + "/signin")
    browser.find_element(By.ID, "key").send_keys(served.keys[member])
    browser.find_element(By.ID, "signin-button").click()
    # The click navigates: wait for the signed-in page's header rather than read the sign-in page's, which goes
    # stale as the next page loads.
    WebDriverWait(browser, 10).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "header .who"), member)
    )


def _console_errors(browser: Any) -> list[Any]:
    return [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def test_a_bank_searches_opens_the_certificate_checks_chart_and_pledges_and_rechecks_the_evidence(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(browser, served, "bank")
    browser.get_log("performance")
    browser.get_log("browser")
    # Search by part of the number, from the search box.
    browser.get(served.url + "/")
    browser.find_element(By.ID, "search-q").send_keys("AUDIT")
    browser.find_element(By.ID, "search-button").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert [row.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text for row in rows] == ["SZDEX-AUDIT-1"]
    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    assert browser.title == "Certificate 1 (SZDEX-AUDIT-1)"

    # The holders of each right as a chart: three rights, each bar adding up to 100%.
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.holders-chart")
    assert [chart.get_attribute("data-right") for chart in charts] == ["holding", "development", "operation"]
    operation = {part.get_attribute("data-holder").split(" ")[0]: int(part.get_attribute("data-shares"))
                 for part in charts[2].find_elements(By.CSS_SELECTOR, "rect.share")}
    assert operation == {"merchant-a": 6_000, "merchant-c": 4_000}
    holding = charts[0].find_elements(By.CSS_SELECTOR, "rect.share")
    assert sum(int(part.get_attribute("data-shares")) for part in holding) == 10_000
    assert all(chart.size["width"] >= 600 for chart in charts)
    # The pledges in rank order: pledge 2 first, then pledge 3; the realised one listed as ended.
    pledges = [(row.get_attribute("data-rank"), row.get_attribute("data-pledge"))
               for row in browser.find_elements(By.CSS_SELECTOR, "#pledges tbody tr.pledge")]
    assert pledges == [("1", "2"), ("2", "3")]
    assert "pledge 1 (realised)" in browser.find_element(By.CSS_SELECTOR, "p.ended").text
    timeline = browser.find_elements(By.CSS_SELECTOR, "#timeline tbody tr")
    assert len(timeline) == 12 and timeline[0].text.split(" UTC")[0][:2] == "20"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#licences tbody tr")) == 1
    screenshot = tmp_path / "certificate.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000

    # The verdict in one line, and the evidence downloaded with the button.
    browser.find_element(By.ID, "verify-link").click()
    assert browser.find_element(By.ID, "verdict").text == "Lendable"
    browser.find_element(By.ID, "download-evidence").click()
    downloads = tmp_path / "downloads"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        files = [path for path in downloads.glob("evidence-certificate-1-block-*.json")]
        if files and not list(downloads.glob("*.crdownload")):
            break
        time.sleep(0.2)
    assert len(files) == 1, list(downloads.iterdir())
    assert browser.save_screenshot(str(tmp_path / "verification.png"))
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dal")), "--json", "verify", "--check", str(files[0])],
        env={"PATH": "/usr/bin:/bin", "DAL_HOME": str(tmp_path / "offline-home")},
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["answer"]["answer"] == "lendable"

    assert _console_errors(browser) == []
    assert external_requests(browser) == []


def test_the_public_sees_the_notice_and_an_auditor_the_report_in_place(
    served: Served, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(served.url + "/certificates/1")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.holders-chart") == []
    assert "public notice" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    browser.get(served.url + "/certificates/1/verification")
    assert "needs an API key" in browser.find_element(By.ID, "problem").text
    # The id typed in the search box leads to the certificate.
    browser.get(served.url + "/")
    browser.find_element(By.ID, "search-q").send_keys("1")
    browser.find_element(By.ID, "search-button").click()
    assert browser.current_url == served.url + "/certificates/1"

    _sign_in(browser, served, "auditor")
    browser.get_log("performance")
    browser.get(served.url + "/certificates/1")
    browser.find_element(By.ID, "report-link").click()
    assert browser.title == "Audit report: certificate 1"
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) == 3
    assert len(browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")) == 12
    assert browser.save_screenshot(str(tmp_path / "report.png"))
    assert external_requests(browser) == []
    # A merchant that is neither holder nor registrar is refused the report, on a page with the status.
    refused = httpx.get(served.url + "/certificates/1/report",
                        headers={"Authorization": f"Bearer {served.keys['merchant-b']}"}, timeout=30)
    assert refused.status_code == 403 and "for an auditor, its holder and its registrar" in refused.text
