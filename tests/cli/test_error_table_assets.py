"""The error table of `dal member`, `dal asset` and `dal audit`: bad input and refusals.

Every case must end with one line on stderr saying what is wrong (and what to
do), exit code 1, nothing on stdout, no traceback, and nothing written: the
chain's block number and the store's row counts are the same afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner
from web3 import Web3
from workflow_chain import CATALOG, WorkflowChain, workflow_chain_fixture, write_catalog  # noqa: F401

from cli.main import app
from ledger.accounts import Keystore
from ledger.chain.clock import DAY
from ledger.chain.node import free_port
from ledger.context import LedgerContext
from ledger.store.catalog import CatalogRecord, CatalogVersion
from ledger.store.session import make_engine

runner = CliRunner()

# Account #2 of the public development mnemonic, kept here under a password (a published test key).
OPS_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"


@dataclass(frozen=True)
class Table:
    """The state every case starts from: certificate 1 under notice, its entry stored, files to use."""

    env: dict[str, str]
    files: Path
    database_url: str


@pytest.fixture(scope="module")
def table(workflow_chain: WorkflowChain, w3: Web3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Table]:
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    home = tmp_path_factory.mktemp("error-table-home")
    shutil.copytree(workflow_chain.home / "keystores", home / "keystores")
    shutil.copy(workflow_chain.home / "deployments.json", home / "deployments.json")
    Keystore(home / "keystores").import_key("ops", OPS_KEY, "the right password", scrypt_n=2**10)
    files = tmp_path_factory.mktemp("error-table-files")
    database_url = workflow_chain.new_database(files)
    env = {"DAL_HOME": str(home), "DAL_RPC_URL": workflow_chain.rpc_url, "DAL_DATABASE_URL": database_url}
    ledger = LedgerContext.load(env=env)
    from ledger import certificates

    certificates.apply(ledger, write_catalog(files, "good.json"), registrar="registrar", as_="merchant-a")
    certificates.accept(ledger, "1", as_="registrar")
    certificates.publicize(ledger, "1", notice_seconds=7 * DAY, as_="registrar")
    write_catalog(files, "bad.json", contains_personal_data="no", compliance_report={"hash": "0x12"})
    write_catalog(files, "other.json", name="Another data set")
    folder = files / "folder"
    folder.mkdir()
    write_catalog(folder, "a.json", name="A")
    (folder / "b.yaml").write_text("name: [\n")
    try:
        yield Table(env=env, files=files, database_url=database_url)
    finally:
        w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


def _rows(database_url: str) -> tuple[int, int]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            records = session.exec(select(func.count()).select_from(CatalogRecord)).one()
            versions = session.exec(select(func.count()).select_from(CatalogVersion)).one()
        return int(records), int(versions)
    finally:
        engine.dispose()


WRONG_CASE = "0x70997970c51812dc3a010c7d01b50e0d17dc79C8"  # registrar's address, one letter's case flipped
# (arguments, the start of the one line on stderr; FILES stands for the folder of catalog files)
CASES: list[tuple[list[str], str]] = [
    (["asset", "show", "99"], "certificate 99 does not exist; see the certificates with `dal asset list`"),
    (["--as", "registrar", "asset", "accept", "99"], "certificate 99 does not exist"),
    (["asset", "show", "SZDEX-404"], "no certificate carries number 'SZDEX-404'; check it, or give the certificate id"),
    (["asset", "show", "nobody:SZDEX-1"], "no account or member named 'nobody' for the registrar"),
    (["--as", "merchant-a", "asset", "apply", "FILES/bad.json", "--registrar", "registrar"],
     "FILES/bad.json: field 'contains_personal_data': expected true or false, got 'no'"),
    (["--as", "merchant-a", "asset", "apply", "FILES/missing.json", "--registrar", "registrar"],
     "FILES/missing.json: cannot read the catalog entry (No such file or directory)"),
    (["--as", "merchant-a", "asset", "apply", "FILES/good.json", "--registrar", WRONG_CASE],
     f"registrar address {WRONG_CASE} has a wrong checksum"),
    (["--as", "merchant-a", "asset", "apply", "FILES/good.json", "--registrar", "0x1234"],
     "registrar '0x1234' is not an address: it must be 0x and 40 hex digits"),
    (["--as", "merchant-a", "asset", "apply", "FILES/other.json", "--registrar", "merchant-b"],
     "merchant-b (0x90F79bf6EB2c4f870365E785982E1f101E93b906) does not hold the REGISTRAR role this needs"),
    (["--as", "merchant-a", "asset", "apply", "FILES/good.json", "--registrar", "registrar"],
     ("this catalog entry was already applied for as certificate 1, which is under notice; follow it with "
      "`dal asset show 1` instead of applying twice")),
    (["--as", "registrar", "asset", "publicize", "1", "--notice-days", "400"],
     "a notice period of 400 days is beyond the ceiling of 365 days"),
    (["--as", "bank", "asset", "apply", "FILES/good.json", "--registrar", "registrar"],
     "bank (0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc) does not hold the MERCHANT role this needs"),
    (["--as", "ops", "asset", "apply", "FILES/good.json", "--registrar", "registrar"],
     "wrong password for account 'ops'; check DAL_PASSWORD_OPS or DAL_PASSWORD, or type it again"),
    (["asset", "apply", "FILES/good.json", "--registrar", "registrar"],
     "no account to act as: name one with --as NAME"),
    (["--as", "registrar", "asset", "issue", "1", "--registration-number", "SZDEX2025000001008", "--number",
      "SZDEX-1", "--expiry", "5y"],
     "the public notice of certificate 1 runs until "),
    (["--as", "registrar", "asset", "issue", "1", "--registration-number", "SZDEX2025000001008", "--number",
      "SZDEX-1", "--expiry", "next year"],
     "--expiry 'next year' is not a time; give a date YYYY-MM-DD (the end of that day, UTC)"),
    (["--as", "registrar", "asset", "accept", "1"],
     "certificate 1 is under notice, but this step needs it submitted; see where it stands with `dal asset show 1`"),
    (["--as", "registrar", "asset", "issue", "1", "--registration-number", "SZDEX2025000001009", "--number",
      "SZDEX-1", "--expiry", "5y"],
     "registration number 'SZDEX2025000001009' has check character 9, but its digits give 8; check the digits"),
    (["--as", "merchant-b", "asset", "resubmit", "1", "FILES/good.json"],
     "merchant-b (0x90F79bf6EB2c4f870365E785982E1f101E93b906) is not the holder of certificate 1"),
    (["--as", "merchant-a", "asset", "import", "FILES/folder", "--registrar", "registrar"],
     "FILES/folder/b.yaml: not valid YAML at line 2"),
    (["--as", "merchant-a", "asset", "list", "--status", "lost"], "unknown status 'lost'; use one of submitted"),
    (["--as", "admin", "member", "add", "0x2546BcD3c84621e976D8185a91A922aE77ECEc30", "--name", "X",
      "--roles", "merchant", "--uscc", "91350100M000100Y44"],
     "91350100M000100Y44 is not a valid unified social credit code: its check character is '4'"),
    (["--as", "admin", "member", "reinstate", "bank"],
     "bank (0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc) is not suspended, so there is nothing to reinstate"),
    (["member", "show", "0x2546BcD3c84621e976D8185a91A922aE77ECEc30"],
     "0x2546BcD3c84621e976D8185a91A922aE77ECEc30 is not a member of the consortium; see `dal member list`"),
    (["audit", "trace", "99"], "certificate 99 does not exist"),
]


@pytest.mark.parametrize(("arguments", "message"), CASES, ids=[" ".join(case[0][:5]) for case in CASES])
def test_bad_input_is_one_line_exit_1_and_writes_nothing(table: Table, arguments: list[str], message: str) -> None:
    w3 = LedgerContext.load(env=table.env).w3
    before = (w3.eth.block_number, _rows(table.database_url))
    files = str(table.files)
    env = table.env | {"DAL_PASSWORD": "not the password"}
    result = runner.invoke(app, [argument.replace("FILES", files) for argument in arguments], env=env)
    assert (result.exit_code, result.stdout) == (1, ""), result.stdout
    assert result.stderr.startswith("error: " + message.replace("FILES", files)), result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert (w3.eth.block_number, _rows(table.database_url)) == before


def test_an_unreachable_node_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    url = f"http://127.0.0.1:{free_port()}"
    (home / "config.toml").write_text(f'default_profile = "qbft"\n[profiles.qbft]\nrpc_url = "{url}"\n'
                                      "chain_id = 1337\ntimeout = 2\n")
    catalog = write_catalog(tmp_path)
    unreachable = (
        f"error: cannot reach the node at {url} (connection refused); "
        "check that the node is running and that rpc_url of profile 'qbft' is right\n"
    )
    registrar = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    for arguments in (["--as", "merchant-a", "asset", "apply", str(catalog), "--registrar", registrar],
                      ["asset", "list"], ["member", "list"], ["audit", "trace", "1"]):
        result = runner.invoke(app, arguments, env={"DAL_HOME": str(home)})
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", unreachable)
    assert sorted(path.name for path in home.iterdir()) == ["config.toml"]


def test_a_real_process_prints_one_line_and_exits_1(table: Table) -> None:
    dal = Path(sys.executable).parent / "dal"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DAL_")} | table.env
    result = subprocess.run([str(dal), "--json", "asset", "show", "99"], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    message = "certificate 99 does not exist; see the certificates with `dal asset list`"
    assert result.returncode == 1
    assert result.stderr == f"error: {message}\n"
    assert json.loads(result.stdout) == {"error": {"code": "NotFoundError", "message": message}}


def test_the_table_starts_from_a_stored_certificate(table: Table) -> None:
    shown = runner.invoke(app, ["--json", "asset", "show", "1"], env=table.env)
    assert json.loads(shown.stdout)["name"] == CATALOG["name"]
    assert _rows(table.database_url) == (1, 1)
