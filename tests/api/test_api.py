"""`dal serve`'s JSON API against a real server on 127.0.0.1 and the session's real local chain: every endpoint
for every role, refusals as JSON errors, the access log."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from served import MEMBERS, Served, issue_key, list_keys, revoke_key, served_fixture  # noqa: F401 - a fixture

CERT = "/api/certificates/1"
PUBLIC_KEYS = {"certificate", "number", "registrar", "registrar_name", "status", "catalog_hash", "notice_deadline",
               "expiry", "objection_window_open", "view"}


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    assert "Traceback" not in message and "\n" not in message
    return message


# --- the public notice -----------------------------------------------------------------------------


def test_without_a_key_a_certificate_shows_its_public_notice_only(served: Served) -> None:
    facts = served.get(CERT).json()
    assert set(facts) == PUBLIC_KEYS
    assert (facts["certificate"], facts["number"], facts["status"], facts["view"]) == (
        1, "SZDEX-AUDIT-1", "issued", "public")
    assert facts["registrar"] == served.addresses["registrar"] and facts["objection_window_open"] is False
    assert facts["catalog_hash"].startswith("0x") and facts["expiry"].endswith("Z")
    # By number too, and the same facts in a search, without the holder.
    assert served.get("/api/certificates/SZDEX-AUDIT-1").json() == facts
    found = served.get("/api/certificates", number="audit-1").json()
    assert found["total"] == 1 and found["certificates"][0]["number"] == "SZDEX-AUDIT-1"
    assert "holder" not in found["certificates"][0]


def test_without_a_key_everything_else_is_refused_with_401(served: Served) -> None:
    for path in (f"{CERT}/verification", f"{CERT}/evidence", f"{CERT}/trace", "/api/access-log",
                 f"/api/members/{served.addresses['merchant-a']}/positions",
                 "/api/anchors/proof?hash=0x" + "11" * 32):
        response = httpx.get(served.url + path, timeout=30)
        assert "needs an API key" in _error(response, 401, "Unauthorized"), path
        assert response.headers["www-authenticate"] == "Bearer"


# --- keys ------------------------------------------------------------------------------------------


def test_a_revoked_key_and_an_unknown_key_are_refused_with_401(served: Served) -> None:
    revoked = httpx.get(served.url + CERT, headers={"Authorization": f"Bearer {served.revoked}"}, timeout=30)
    assert "was revoked" in _error(revoked, 401, "Unauthorized")
    stranger = httpx.get(served.url + CERT, headers={"X-API-Key": "dal_" + "x" * 43}, timeout=30)
    assert "not known" in _error(stranger, 401, "Unauthorized")
    malformed = httpx.get(served.url + CERT, headers={"Authorization": "Basic abc"}, timeout=30)
    assert "Bearer" in _error(malformed, 401, "Unauthorized")


def test_keys_are_stored_as_hashes_and_listed_without_secrets(served: Served) -> None:
    listed = list_keys(served.env)
    assert len(listed) >= len(MEMBERS) + 1
    assert [row["revoked"] is not None for row in listed].count(True) == 1
    text = json.dumps(listed)
    assert all(secret not in text for secret in served.keys.values())
    database = served.env["DAL_DATABASE_URL"].removeprefix("sqlite:///")
    stored = Path(database).read_bytes()
    assert all(secret.encode() not in stored for secret in served.keys.values())


def test_a_key_narrowed_to_a_role_the_member_lacks_is_not_issued(served: Served) -> None:
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dal")), "serve", "keys", "new", "--member", "bank", "--role",
         "auditor"], env=served.env | {"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 1 and completed.stdout == ""
    assert completed.stderr.startswith("error: bank does not have the role auditor on chain; it has bank")


# --- certificates: facts and search ------------------------------------------------------------------


def test_the_holder_a_bank_and_an_auditor_see_all_the_facts_and_another_merchant_the_notice(served: Served) -> None:
    for member in ("merchant-a", "bank", "auditor", "registrar"):
        facts = served.get(CERT, member).json()
        assert facts["view"] == "full" and facts["holder"] == served.addresses["merchant-a"], member
        assert facts["in_force"] is True and facts["catalog_version"] == 1
    assert served.get(CERT, "merchant-b").json()["view"] == "public"


def test_searching_by_holder_is_for_yourself_or_an_auditor(served: Served) -> None:
    merchant_a = served.addresses["merchant-a"]
    own = served.get("/api/certificates", "merchant-a", holder="merchant-a").json()
    assert [row["certificate"] for row in own["certificates"]] == [1] and own["certificates"][0]["holder"] == merchant_a
    assert served.get("/api/certificates", "auditor", holder=merchant_a).json()["total"] == 1
    _error(served.get("/api/certificates", "merchant-b", holder="merchant-a"), 403, "Forbidden")
    _error(served.get("/api/certificates", holder="merchant-a"), 401, "Unauthorized")
    assert served.get("/api/certificates", status="issued").json()["total"] == 1
    assert served.get("/api/certificates", status="under notice").json()["total"] == 0


def test_bad_parameters_are_422_with_what_is_wrong(served: Served) -> None:
    assert "limit must be between 1 and 200" in _error(served.get("/api/certificates", limit=500), 422,
                                                       "ValidationError")
    assert "offset" in _error(served.get("/api/certificates", offset=-1), 422, "ValidationError")
    assert "limit" in _error(served.get("/api/certificates", limit="many"), 422, "ValidationError")
    assert "unknown status 'lost'" in _error(served.get("/api/certificates", status="lost"), 422,
                                             "ValidationError")
    assert "block" in _error(served.get(f"{CERT}/verification", "bank", block="yesterday"), 422, "ValidationError")
    assert "does not exist" in _error(served.get(f"{CERT}/verification", "bank", block=10**9), 422,
                                      "ValidationError")
    assert "does not exist" in _error(served.get("/api/certificates/99"), 404, "NotFoundError")
    assert "no certificate carries number" in _error(served.get("/api/certificates/NOPE-1"), 404, "NotFoundError")
    _error(served.get("/api/nothing-here"), 404, "NotFound")


def test_writes_are_refused_with_405_saying_they_stay_with_the_cli(served: Served) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in (CERT, "/api/certificates", "/api/access-log", "/"):
            response = httpx.request(method, served.url + path, headers={
                "Authorization": f"Bearer {served.keys['auditor']}"}, timeout=30)
            assert "writes stay with the CLI" in _error(response, 405, "ReadOnly"), (method, path)
            assert response.headers["allow"] == "GET, HEAD"


# --- verification and evidence ----------------------------------------------------------------------


def test_a_bank_gets_the_verification_answer_for_itself(served: Served) -> None:
    answer = served.get(f"{CERT}/verification", "bank").json()
    assert answer["certificate"] == 1 and answer["answer"] == "lendable"
    assert answer["security"]["for_bank"].startswith("bank")
    assert [(row["pledge"], row["rank"]) for row in answer["pledges"]] == [(2, 1), (3, 2)]
    assert answer["block"]["hash"].startswith("0x")
    assert served.get(f"{CERT}/verification", "bank", for_bank="bank").json()["answer"] == "lendable"
    assert "only for itself" in _error(served.get(f"{CERT}/verification", "bank", for_bank="bank-b"), 403,
                                       "Forbidden")
    # An auditor asks for any bank; a merchant, a registrar and the public may not ask.
    assert served.get(f"{CERT}/verification", "auditor", for_bank="bank-b").json()["security"]["for_bank"] \
        .startswith("bank-b")
    for member in ("merchant-a", "registrar"):
        assert "for a bank or auditor member" in _error(served.get(f"{CERT}/verification", member), 403,
                                                        "Forbidden")


def test_a_verification_at_an_older_block_answers_for_that_block(served: Served) -> None:
    latest = served.get(f"{CERT}/verification", "bank").json()
    before = latest["block"]["number"] - 1
    older = served.get(f"{CERT}/verification", "bank", block=before).json()
    assert older["block"]["number"] == before and [row["pledge"] for row in older["pledges"]] == [2]
    by_hash = served.get(f"{CERT}/verification", "bank", block=older["block"]["hash"]).json()
    assert by_hash["block"] == older["block"]


def test_the_evidence_downloaded_is_rechecked_offline_by_dal_verify_check(served: Served, tmp_path: Path) -> None:
    response = served.get(f"{CERT}/evidence", "bank")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="evidence-certificate-1-block-')
    path = tmp_path / "evidence.json"
    path.write_bytes(response.content)
    # Offline: no node, no database, a fresh home.
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dal")), "--json", "verify", "--check", str(path)],
        env={"PATH": "/usr/bin:/bin", "DAL_HOME": str(tmp_path / "offline-home")},
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    checked = json.loads(completed.stdout)
    assert checked["answer"]["answer"] == "lendable" and checked["answer"]["certificate"] == 1
    _error(served.get(f"{CERT}/evidence", "merchant-a"), 403, "Forbidden")


# --- trace ------------------------------------------------------------------------------------------


def test_an_auditor_traces_everything_and_a_member_its_own_part(served: Served) -> None:
    trace = served.get(f"{CERT}/trace", "auditor").json()
    assert trace["certificate_id"] == 1 and trace["events"][0]["event"] == "CertificateSubmitted"
    assert len(trace["events"]) == 12
    early = served.get(f"{CERT}/trace", "auditor", at="2000-01-01")
    assert "the chain did not exist yet" in _error(early, 422, "ValidationError")
    when = dt.datetime.fromtimestamp(served.history["pledged"], dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    held = served.get(f"{CERT}/trace", "auditor", at=when).json()
    operation = next(right for right in held["rights"] if right["right"] == "operation")
    assert [(holder["name"], holder["shares"]) for holder in operation["holders"]] == [
        ("merchant-a", 6_000), ("merchant-c", 4_000)]
    assert len(held["pledges"]) == 1
    mine = served.get(f"{CERT}/trace", "bank").json()
    assert mine["member"] == served.addresses["bank"]
    assert [item["event"]["event"] for item in mine["events"]][:2] == ["PledgeRecorded", "PledgeRealised"]
    assert served.get(f"{CERT}/trace", "auditor", member="bank").json()["events"] == mine["events"]
    _error(served.get(f"{CERT}/trace", "merchant-b", member="merchant-a"), 403, "Forbidden")
    _error(served.get(f"{CERT}/trace", "merchant-a", at="2030-01-01"), 403, "Forbidden")


# --- positions --------------------------------------------------------------------------------------


def test_a_merchant_sees_its_own_positions_and_not_another_merchants(served: Served) -> None:
    merchant_a = served.addresses["merchant-a"]
    positions = served.get(f"/api/members/{merchant_a}/positions", "merchant-a").json()
    assert positions["member"] == merchant_a and positions["certificates_held"] == [1]
    assert {(row["right"], row["shares"]) for row in positions["shares"]} == {
        ("holding", 4_000), ("development", 10_000), ("operation", 6_000)}
    assert [(row["pledge"], row["role"], row["status"]) for row in positions["pledges"]] == [
        (1, "pledgor", "realised"), (2, "pledgor", "active"), (3, "pledgor", "active")]
    assert [(row["licence"], row["role"]) for row in positions["licences"]] == [(1, "grantor")]
    assert positions["read_model"]["in_step"] is True
    refused = served.get(f"/api/members/{merchant_a}/positions", "merchant-b")
    assert "another member are for an auditor" in _error(refused, 403, "Forbidden")
    assert served.get("/api/members/merchant-a/positions", "auditor").json()["shares"] == positions["shares"]


def test_a_bank_sees_its_own_pledges_and_no_one_elses_positions(served: Served) -> None:
    bank = served.get("/api/members/bank/positions", "bank").json()
    assert [(row["pledge"], row["role"]) for row in bank["pledges"]] == [
        (1, "pledgee"), (2, "pledgee"), (3, "pledgee")]
    assert [(row["right"], row["shares"]) for row in bank["shares"]] == [("holding", 6_000)]
    _error(served.get("/api/members/merchant-a/positions", "bank"), 403, "Forbidden")
    _error(served.get("/api/members/bank/positions", "bank-b"), 403, "Forbidden")


# --- anchors and books ------------------------------------------------------------------------------


def test_an_anchor_proof_of_a_record_not_anchored_is_404_and_a_bad_hash_422(served: Served) -> None:
    missing = served.get("/api/anchors/proof", "auditor", hash="0x" + "11" * 32)
    assert "not anchored" in _error(missing, 404, "NotFoundError")
    _error(served.get("/api/anchors/proof", "auditor", hash="0x12"), 422, "ValidationError")
    _error(served.get("/api/anchors/proof", "auditor"), 422, "ValidationError")


def test_books_disclosure_is_404_until_books_exist_and_for_the_member_or_an_auditor(served: Served) -> None:
    assert "keeps no books" in _error(served.get("/api/members/merchant-a/disclosure", "merchant-a",
                                                 period="2026"), 404, "NotFoundError")
    _error(served.get("/api/members/merchant-a/disclosure", "merchant-b", period="2026"), 403, "Forbidden")
    _error(served.get("/api/members/merchant-a/disclosure", "auditor", period="someday"), 422, "ValidationError")
    # Once the books exist, the disclosure is `dal books report`'s, through the same library call.
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    for args in (["books", "cards", "open", "Port data", "--class", "intangible", "--life", "5y",
                  "--certificate", "1"],
                 ["books", "post", "purchase", "1", "--date", "2026-03-15", "--cost", "12000.00"]):
        done = runner.invoke(app, ["--as", "merchant-a", *args], env=served.env)
        assert done.exit_code == 0, done.stderr
    report = runner.invoke(app, ["--json", "books", "report", "--period", "2026", "--member", "merchant-a"],
                           env=served.env)
    assert report.exit_code == 0, report.stderr
    expected = json.loads(report.stdout)
    for member in ("merchant-a", "auditor"):
        answered = served.get("/api/members/merchant-a/disclosure", member, period="2026")
        assert answered.status_code == 200, answered.text
        assert answered.json()["tables"] == expected["tables"]
        assert answered.json()["restricted_or_pledged"] == expected["restricted_or_pledged"]
    assert expected["restricted_or_pledged"]["items"], "the card rests on a pledged certificate"


# --- the access log ---------------------------------------------------------------------------------


def test_every_answered_request_is_in_the_access_log_which_only_an_auditor_reads(served: Served) -> None:
    assert served.get(CERT, "bank-b").status_code == 200
    assert served.get(f"{CERT}/verification", "bank-b").status_code == 200
    log = served.get("/api/access-log", "auditor", member="bank-b").json()["entries"]
    assert [(row["endpoint"], row["certificate_id"], row["status"]) for row in log[:2]] == [
        (f"{CERT}/verification", 1, 200), (CERT, 1, 200)]
    assert all(row["member"] == served.addresses["bank-b"] and row["time"].endswith("Z") for row in log)
    assert log[0]["name"] == "bank-b"
    by_certificate = served.get("/api/access-log", "auditor", certificate=1, limit=200).json()["entries"]
    assert any(row["member"] is None for row in by_certificate)  # the public notice is logged too
    for member in ("bank", "merchant-a", "registrar"):
        _error(served.get("/api/access-log", member), 403, "Forbidden")


# --- the documents ----------------------------------------------------------------------------------


def test_the_openapi_document_and_the_docs_are_served_from_the_server(served: Served) -> None:
    document = httpx.get(served.url + "/openapi.json", timeout=30).json()
    paths = set(document["paths"])
    assert {"/api/certificates", "/api/certificates/{ref}", "/api/certificates/{ref}/verification",
            "/api/certificates/{ref}/evidence", "/api/certificates/{ref}/trace", "/api/members/{member}/positions",
            "/api/members/{member}/disclosure", "/api/anchors/proof", "/api/access-log"} <= paths
    docs = httpx.get(served.url + "/docs", timeout=30).text
    assert "/docs/assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert httpx.get(served.url + "/docs/assets/swagger-ui-bundle.js", timeout=30).status_code == 200


@pytest.mark.parametrize("member", MEMBERS)
def test_every_member_reads_the_service_status_with_its_roles(served: Served, member: str) -> None:
    status = served.get("/api/status", member).json()
    assert status["caller"]["member"] == served.addresses[member]
    assert status["caller"]["roles"] == [member.split("-")[0]]


def test_key_commands_refuse_an_unknown_key_and_a_non_member_in_one_line(served: Served) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    unknown = runner.invoke(app, ["serve", "keys", "revoke", "99"], env=served.env)
    assert (unknown.exit_code, unknown.stdout) == (1, "")
    assert unknown.stderr == "error: there is no API key 99; see the keys with `dal serve keys list`\n"
    stranger = runner.invoke(app, ["--json", "serve", "keys", "new", "--member", "0x" + "12" * 20], env=served.env)
    assert stranger.exit_code == 1
    assert json.loads(stranger.stdout)["error"]["message"].endswith("is not an active member of the consortium; "
                                                                    "admit or reinstate it first")
    narrowed = runner.invoke(app, ["--json", "serve", "keys", "new", "--member", "auditor", "--role", "auditor",
                                   "--label", "audit firm laptop"], env=served.env)
    assert narrowed.exit_code == 0, narrowed.stderr
    issued = json.loads(narrowed.stdout)
    assert (issued["roles"], issued["label"]) == ("auditor", "audit firm laptop")
    assert httpx.get(served.url + "/api/access-log", headers={"Authorization": f"Bearer {issued['key']}"},
                     timeout=30).status_code == 200


def test_a_key_revoked_while_the_server_runs_is_refused_within_two_seconds(served: Served) -> None:
    import time

    secret = issue_key(served.env, "merchant-c")
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(served.url + CERT, headers=headers, timeout=30).status_code == 200
    key_id = max(row["id"] for row in list_keys(served.env))
    revoke_key(served.env, key_id)
    revoked_at = time.monotonic()
    while httpx.get(served.url + CERT, headers=headers, timeout=30).status_code != 401:
        assert time.monotonic() - revoked_at < 5, "the revoked key was still accepted after 5 s"
        time.sleep(0.1)


def test_an_anchored_records_proof_is_the_one_dal_anchor_proof_exports(served: Served) -> None:
    # Last in this module: anchoring adds blocks to the chain the other tests read.
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    anchored = runner.invoke(app, ["--as", "oracle", "oracle", "anchor"], env=served.env)
    assert anchored.exit_code == 0, anchored.stderr
    exported = runner.invoke(app, ["--json", "anchor", "proof", "--record", "catalog-version:1"], env=served.env)
    assert exported.exit_code == 0, exported.stderr
    expected = json.loads(exported.stdout)
    answered = served.get("/api/anchors/proof", "bank", record="catalog-version:1")
    assert answered.status_code == 200, answered.text
    proof = answered.json()
    assert (proof["ok"], proof["anchored"], proof["on_chain"], proof["unchanged"]) == (True, True, True, True)
    assert {key: proof[key] for key in expected} == expected
    by_hash = served.get("/api/anchors/proof", "auditor", hash=expected["record_hash"]).json()
    assert by_hash["root"] == expected["root"] and by_hash["proof"] == expected["proof"]
    _error(served.get("/api/anchors/proof", record="catalog-version:1"), 401, "Unauthorized")
    assert "KIND:ID" in _error(served.get("/api/anchors/proof", "bank", record="catalog-version"), 422,
                               "ValidationError")
