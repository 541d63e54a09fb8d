"""The end-to-end scenario: `dal demo` run as a user runs it, checked from its JSON summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cli.demo_scenario import DEMO_NUMBER, DEMO_STEPS


def test_the_demo_plays_the_whole_scenario_on_its_own_chain_and_its_summary_checks_out(tmp_path: Path) -> None:
    home = tmp_path / "demo-home"
    user_home = tmp_path / "user-home"
    dal = Path(sys.executable).parent / "dal"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")}
    env["DAL_HOME"] = str(user_home)
    result = subprocess.run([str(dal), "--json", "demo", "--home", str(home)], env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress and no notes when piped
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert (summary["home"], summary["certificate_id"], summary["number"]) == (str(home), 1, DEMO_NUMBER)
    assert [step["step"] for step in summary["steps"]] == list(range(1, DEMO_STEPS + 1))
    assert [step["actor"] for step in summary["steps"]][:6] == [
        "admin", "merchant-a", "registrar", "registrar", "local chain", "registrar"
    ]
    checks = summary["checks"]
    assert all(checks["passed"].values()), checks["passed"]
    assert checks["certificate"] == {"id": 1, "number": DEMO_NUMBER, "status": "issued", "in_force": True,
                                     "catalog_stored": True}
    assert checks["licence"] == {"id": 1, "right": "development", "licensee": "merchant-b"}
    assert checks["operation_shares"] == {"merchant-a": 6000, "merchant-c": 4000}
    assert checks["verified"] == {"genuine": True, "in_force": True, "lendable": True}
    refused = checks["pledged_transfer_refused"]
    assert refused["error"] == "RightsSharesPledged"
    assert refused["message"].startswith("the shares are pledged to bank (")
    assert "release the pledge first" in refused["message"]
    assert checks["pledges"] == {"1": "released", "2": "realised"}
    assert checks["holding_shares"] == {"merchant-a": 4000, "bank": 6000}
    assert [(batch["kind"], batch["count"]) for batch in checks["anchored"]] == [
        ("catalog-version", 1), ("accounting-entry", 3)
    ]
    assert checks["catalog_entry"]["root"] == checks["anchored"][0]["root"]
    assert (checks["catalog_entry"]["unchanged"], checks["catalog_entry"]["ok"]) == (True, True)
    assert checks["read_model"]["cursor"] == checks["read_model"]["head"] and checks["read_model"]["events"] > 0
    assert checks["drift"] == []
    books = checks["books"]
    assert (books["card"], books["entries"], books["drift_before"]) == (1, 3, [])
    (after,) = books["drift_after"]
    assert after.startswith(
        "card 1 (Data asset of certificate 1), certificate 1: 60% of the holding right was realised by bank (0x"
    )
    assert after.endswith("under pledge 2, but the books carry the asset unchanged (post its impairment or disposal)")
    assert checks["trace_source"] == "read model (0 blocks behind the head)"
    assert checks["trace"][0].startswith("CertificateSubmitted: merchant-a applied to registrar")
    assert checks["trace"][-1] == (
        "TransferSingle: merchant-a transferred 60% of the holding right to bank by realisation of pledge 2"
    )

    # The demo's own home is kept as asked, its node is stopped, and the user's data home was never touched.
    assert {"deployments.json", "keystores", "ledger.db", "node"} <= {path.name for path in home.iterdir()}
    pid_file = home / "node" / "anvil.pid"
    if pid_file.exists():
        status = Path(f"/proc/{pid_file.read_text().strip()}/status")
        assert not status.exists() or "zombie" in status.read_text()
    assert not user_home.exists()
