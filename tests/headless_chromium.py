"""Headless Chromium from the system's packages (Debian's chromium and chromium-driver), driven by Selenium.

Import the fixture into a test module (``from headless_chromium import browser_fixture``); ``browser`` is a driver whose
console and network are logged and whose downloads land in ``tmp_path / "downloads"``. In CI (``CI`` set) a
missing Chromium fails the test; elsewhere it skips it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CHROMEDRIVER", "CHROMIUM", "browser_fixture", "external_requests"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(name="browser")
def browser_fixture(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium from the system's packages, with its console and network logged."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing: .ci/run installs chromium and chromium-driver")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,2000", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()


def external_requests(driver: Any) -> list[str]:
    """The URLs the browser asked for since the last call, of other hosts than 127.0.0.1 and other schemes than
    the page's own (file, data)."""
    import json

    requested = [
        json.loads(entry["message"])["message"]["params"]["request"]["url"]
        for entry in driver.get_log("performance")
        if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"
    ]
    return [url for url in requested if url.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp")
            and not url.startswith(("http://127.0.0.1:", "http://localhost:"))]
