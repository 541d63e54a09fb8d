"""The finance commands' error table: every bad input is one line on stderr, exit code 1, no traceback, and
nothing changes on chain (no block is mined, no pledge or licence appears) or off chain (no file in the data
home or the working folder is created or changed)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account import Account
from typer.testing import CliRunner

from cli.main import app
from ledger.accounts import DEVELOPMENT_MNEMONIC, Keystore
from ledger.chain.clock import format_time
from ledger.chain.node import free_port
from ledger.pledges import record_pledge, sign_consent
from ledger.reader import ChainReader
from tests.finance.support import (  # noqa: F401 - fixtures
    DAY,
    YEAR,
    FinanceChain,
    advance,
    finance_chain_fixture,
    issue_certificate,
    issued_certificate,
    now,
    rpc,
)

runner = CliRunner()
Account.enable_unaudited_hdwallet_features()


@dataclass(frozen=True)
class Scene:
    """What the cases act on: a certificate with a pledge, and consent files in every bad shape."""

    chain: FinanceChain
    folder: Path
    certificate: int
    pledge: int
    remote_env: dict[str, str]


@pytest.fixture(scope="module")
def scene(finance_chain: FinanceChain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    chain = finance_chain
    snapshot = rpc(chain.w3, "evm_snapshot", [])
    try:
        ledger = chain.context()
        folder = tmp_path_factory.mktemp("error-table")
        certificate_id = issued_certificate(ledger)
        maturity = now(ledger) + YEAR
        used = sign_consent(ledger, certificate_id, "holding", 6000, "bank", "1000000.00", "CNY", maturity,
                            as_="merchant-a")
        pledge = record_pledge(ledger, used, as_="bank").pledge
        (folder / "used.json").write_text(json.dumps(used.to_document()))
        expiring = sign_consent(ledger, certificate_id, "holding", 1000, "bank", "5.00", "CNY", maturity,
                                valid_for="1h", as_="merchant-a")
        (folder / "expired.json").write_text(json.dumps(expiring.to_document()))
        tampered = expiring.to_document()
        tampered["message"]["amount"] = "50000000"
        tampered["summary"]["amount"] = "500000.00"
        (folder / "tampered.json").write_text(json.dumps(tampered))
        (folder / "garbage.json").write_text("{not json")
        advance(ledger, 2 * 3600)
        # An account with a real password, for the wrong-password case (not a member: it is never reached).
        key = Account.from_mnemonic(DEVELOPMENT_MNEMONIC, account_path="m/44'/60'/0'/0/12").key
        keystore = Keystore(chain.profile.keystore_dir)
        if not keystore.exists("treasury"):
            keystore.import_key("treasury", bytes(key).hex(), "correct horse")
        remote_home = folder / "remote-home"
        remote_home.mkdir()
        url = f"http://127.0.0.1:{free_port()}"
        (remote_home / "config.toml").write_text(
            f'default_profile = "qbft"\n[profiles.qbft]\nrpc_url = "{url}"\nchain_id = 1337\ntimeout = 2\n'
        )
        yield Scene(chain, folder, certificate_id, pledge.pledge_id, {"DAL_HOME": str(remote_home)})
    finally:
        rpc(chain.w3, "evm_revert", [snapshot])


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "node" not in path.relative_to(folder).parts
    }


# (case id, arguments with {cert}, {pledge}, {folder} and {bad_address} filled in, extra environment, the line)
CASES: list[tuple[str, list[str], dict[str, str], str]] = [
    ("unknown certificate", ["rights", "show", "999"], {},
     "error: certificate 999 does not exist; see the certificates with `dal asset list`"),
    ("unknown certificate to verify", ["verify", "4242"], {},
     "error: certificate 4242 does not exist; see the certificates with `dal asset list`"),
    ("unknown right", ["--as", "merchant-a", "rights", "transfer", "{cert}", "--right", "usage", "--to", "merchant-b",
                       "--shares", "1"], {},
     "error: unknown right 'usage'; use holding, development or operation"),
    ("bad address checksum", ["--as", "merchant-a", "rights", "transfer", "{cert}", "--right", "holding", "--to",
                              "{bad_address}", "--shares", "1"], {},
     "error: recipient address {bad_address} has a wrong checksum (a mistyped character?); copy the address again"),
    ("unknown member name", ["--as", "merchant-a", "rights", "transfer", "{cert}", "--right", "holding", "--to",
                             "nobody", "--shares", "1"], {},
     ("error: no account or member named 'nobody' for the recipient; give a 0x address, an account name "
      "(see `dal account list`) or a member's name (see `dal member list`)")),
    ("shares and percent together", ["--as", "merchant-a", "rights", "transfer", "{cert}", "--right", "holding",
                                     "--to", "merchant-b", "--shares", "1", "--percent", "1"], {},
     "error: give the shares either as --shares N (basis points) or as --percent P"),
    ("pledged shares", ["--as", "merchant-a", "rights", "transfer", "{cert}", "--right", "holding", "--to",
                        "merchant-b", "--percent", "50"], {},
     ("error: the shares are pledged to bank ({bank}) under pledge #{pledge} until {maturity}: merchant-a ({merchant}) "
     "may transfer only 4000 of the 5000 shares of the holding right of certificate {cert}; release the pledge first")),
    ("wrong password", ["--as", "treasury", "rights", "transfer", "{cert}", "--right", "holding", "--to",
                        "merchant-b", "--shares", "1"], {"DAL_PASSWORD": "wrong"},
     "error: wrong password for account 'treasury'; check DAL_PASSWORD_TREASURY or DAL_PASSWORD, or type it again"),
    ("expired consent", ["--as", "bank", "pledge", "create", "{folder}/expired.json"], {},
     "error: the consent expired on {expired}; ask merchant-a ({merchant}) to sign a new one"),
    ("tampered consent", ["--as", "bank", "pledge", "create", "{folder}/tampered.json"], {},
     ("error: the consent file was altered or mis-signed: its signature is not {merchant}'s over these terms; "
     "ask the pledgor for a new consent")),
    ("reused consent", ["--as", "bank", "pledge", "create", "{folder}/used.json"], {},
     ("error: the consent was already used, or another pledge was recorded since: it ranks behind no pledge, but "
      "merchant-a ({merchant})'s most recent pledge on that right is now pledge {pledge}; ask the pledgor for a "
      "new consent")),
    ("consent file not JSON", ["--as", "bank", "pledge", "create", "{folder}/garbage.json"], {},
     ("error: consent file {folder}/garbage.json is not JSON (Expecting property name enclosed in double quotes: "
     "line 1 column 2 (char 1))")),
    ("missing consent file", ["--as", "bank", "pledge", "create", "{folder}/absent.json"], {},
     "error: consent file {folder}/absent.json does not exist"),
    ("pledgee not a bank", ["--as", "merchant-a", "pledge", "consent", "{cert}", "--right", "holding", "--shares",
                            "10", "--pledgee", "merchant-b", "--amount", "1.00", "--currency", "CNY", "--maturity",
                            "2099-01-01", "-o", "{folder}/new.json"], {},
     "error: merchant-b ({merchant_b}) is not an active BANK member, so it cannot take a pledge"),
    ("too many decimals", ["--as", "merchant-a", "pledge", "consent", "{cert}", "--right", "holding", "--shares",
                           "10", "--pledgee", "bank", "--amount", "1.001", "--currency", "CNY", "--maturity",
                           "2099-01-01", "-o", "{folder}/new.json"], {},
     "error: amount 1.001 has more decimals than CNY allows (2); round it to the CNY minor unit"),
    ("bad maturity date", ["--as", "merchant-a", "pledge", "consent", "{cert}", "--right", "holding", "--shares",
                           "10", "--pledgee", "bank", "--amount", "1", "--currency", "CNY", "--maturity",
                           "next spring", "-o", "{folder}/new.json"], {},
     ("error: --maturity 'next spring' is not a time; give a date YYYY-MM-DD (the end of that day, UTC), a date "
      "and time (2030-12-31T12:00:00+08:00), or a duration from now (5y, 6m, 2w, 90d, 12h)")),
    ("release by another bank", ["--as", "bank-b", "pledge", "release", "{pledge}"], {},
     ("error: pledge {pledge} was taken by bank ({bank}); only that bank may release it "
     "(acting as bank-b ({bank_b}))")),
    ("realise before maturity", ["--as", "bank", "pledge", "realise", "{pledge}", "--method", "auction", "--price",
                                 "1.00", "--document", "0x" + "ab" * 32], {},
     "error: pledge {pledge} matures on {maturity_utc}; it cannot be realised before"),
    ("realise without a price", ["--as", "bank", "pledge", "realise", "{pledge}", "--method", "court-ruling"], {},
     ("error: a realisation by a court's ruling needs its price (--price) and the document that fixes it "
      "(--document: the auction or sale record, or the ruling)")),
    ("unknown pledge", ["pledge", "show", "77"], {},
     "error: pledge 77 does not exist (the ledger has 1); list pledges with `dal pledge list`"),
    ("unknown licence", ["--as", "merchant-a", "rights", "revoke", "55"], {},
     ("error: licence 55 does not exist (the ledger has 0); see the licences of a certificate with "
     "`dal rights licences CERT`")),
    ("unreachable node", ["rights", "show", "1"], {"REMOTE": "1"},
     ("error: cannot reach the node at {remote_url} (connection refused); check that the node is running and that "
     "rpc_url of profile 'qbft' is right")),
]


@pytest.mark.parametrize(("args", "extra_env", "line"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_one_line_exit_1_and_changes_nothing(
    scene: Scene, args: list[str], extra_env: dict[str, str], line: str
) -> None:
    ledger = scene.chain.context()
    pledge = ChainReader(ledger).call("Pledges", "pledge", scene.pledge)

    addresses = {name.replace("-", "_"): ledger.address_of(name) for name in ("bank", "bank-b", "merchant-b")}
    merchant = ledger.address_of("merchant-a")
    good = ledger.address_of("merchant-b")
    first_letter = next(i for i, char in enumerate(good) if i >= 2 and char.isalpha())
    expired = json.loads((scene.folder / "expired.json").read_text())["summary"]["valid_until"]
    remote_url = (Path(scene.remote_env["DAL_HOME"]) / "config.toml").read_text().split('"')[3]
    values = {
        "cert": scene.certificate,
        "pledge": scene.pledge,
        "folder": scene.folder,
        "bad_address": good[:first_letter] + good[first_letter].swapcase() + good[first_letter + 1:],
        "merchant": merchant,
        "maturity": format_time(int(pledge["maturity"]))[:10],
        "maturity_time": format_time(int(pledge["maturity"])),
        "maturity_utc": format_time(int(pledge["maturity"])).replace("T", " ").replace("Z", " UTC"),
        "expired": expired,
        "remote_url": remote_url,
        **addresses,
    }
    env = dict(scene.remote_env) if "REMOTE" in extra_env else dict(scene.chain.env)
    env.update({key: value for key, value in extra_env.items() if key != "REMOTE"})

    height = int(ledger.w3.eth.block_number)
    counts = (int(ledger.call("Pledges", "pledgeCount")), int(ledger.call("Rights", "licenceCount")))
    home_before = _fingerprint(scene.chain.home)
    folder_before = _fingerprint(scene.folder)

    result = runner.invoke(app, [arg.format(**values) for arg in args], env=env)

    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == line.format(**values) + "\n"
    assert "Traceback" not in result.stderr
    assert int(ledger.w3.eth.block_number) == height
    assert (int(ledger.call("Pledges", "pledgeCount")), int(ledger.call("Rights", "licenceCount"))) == counts
    assert _fingerprint(scene.chain.home) == home_before
    assert _fingerprint(scene.folder) == folder_before
