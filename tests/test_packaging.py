"""The built package carries what the ledger needs at run time: contract artifacts and the migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_an_installed_wheel_migrates_a_database_and_loads_the_contracts(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
         "-w", str(tmp_path / "wheel")],
        check=True, capture_output=True,
    )
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ledger/migrations/env.py" in names and "ledger/migrations/script.py.mako" in names
    assert "ledger/templates/report.html.j2" in names
    assert {"oracle/api/templates/certificate.html.j2", "oracle/api/static/site.css",
            "oracle/api/routes/certificates.py"} <= set(names)
    assert {f"ledger/artifacts/{name}.json" for name in ("Consortium", "Certificates", "Rights", "Pledges",
                                                          "Anchors", "Compliance", "HolderCapModule")} <= set(names)
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    # Run from outside the source tree, with the unpacked wheel ahead of everything else on the path.
    check = (
        "import ledger.store.session as s, ledger.chain.artifacts as a\n"
        "print(s.migrations_dir())\n"
        f"s.upgrade_to_head('sqlite:///{tmp_path / 'store.db'}')\n"
        f"print(s.current_revision(s.make_engine('sqlite:///{tmp_path / 'store.db'}')) == s.head_revision())\n"
        "print(len(a.load_artifact('Pledges').abi) > 0)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", check], check=False, cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    where, migrated, loaded = run.stdout.split()
    assert Path(where) == tmp_path / "site" / "ledger" / "migrations"
    assert (migrated, loaded) == ("True", "True")
