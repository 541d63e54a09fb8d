"""`dal verify CERT`: the bank's question, "can I lend against this certificate?", in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import table_time
from cli.state import current

__all__ = ["EXIT_CODES", "NOT_LENDABLE", "app"]

#: The exit code of a "not lendable" answer (as `dal anchor verify` and `dal oracle reconcile` use 3).
NOT_LENDABLE = 3

EXIT_CODES = "Exit codes: 0 lendable (or evidence that holds a lendable answer); 3 not lendable, with the " \
    "reasons listed; 1 an error (bad input, no node, evidence refused); 2 a usage error."

app = typer.Typer(
    help="Check a certificate before lending: genuine, in force, holders, licences, pledges.",
    # One command, not a group of them: options may follow CERT.
    context_settings={"allow_interspersed_args": True},
)


def _lines(items: list[str], empty: str) -> str:
    return "\n".join(items) if items else empty


def _readable(summary: dict[str, Any]) -> dict[str, Any]:
    """The answer as a two-column table: one line per holder, licence, pledge and room to lend against."""
    holders = [
        f"{item['right']}: {holder['owner']} {holder['percent']} (free {holder['free']}, pledged {holder['pledged']}, "
        f"licensed {holder['licensed']}{' under licences ' + ', '.join(map(str, holder['licences'])) if holder['licences'] else ''})"
        for item in summary["rights"]
        for holder in item["holders"]
    ]
    licences = [
        f"#{row['licence']} {row['right']} to {row['licensee']}, {table_time(row['start'])} to {table_time(row['end'])}"
        f"{', exclusive' if row['exclusive'] else ''}{', sub-licensable' if row['sublicensable'] else ''} ({row['state']})"
        for row in summary["licences"]
    ]
    exclusive = [item["right"] for item in summary["rights"] if item["exclusive_licence"]]
    pledges = [
        f"rank {row['rank']} on {row['right']}: pledge #{row['pledge']} to {row['pledgee']}, {row['shares']} shares "
        f"of {row['pledgor']}, {row['amount']} {row['currency']}, matures {table_time(row['maturity'])}"
        for row in summary["pledges"]
    ]
    security = summary["security"]
    asker = security["for_bank"] or "a new pledgee"
    catalog = summary["catalog_check"]
    block = summary["block"]
    row: dict[str, Any] = {
        "answer": summary["answer"],
        "reasons": _lines(summary["reasons"], "none"),
        "warnings": _lines(summary["warnings"], "none"),
        "certificate": f"{summary['certificate']} ({summary['number'] or 'no number'})",
        "status": f"{summary['status']}, {'in force' if summary['in_force'] else 'not in force'}, "
                  f"expires {table_time(summary['expiry']) if summary['expiry'] else 'never'}",
        "registrar": f"{summary['registrar']} ({'active' if summary['registrar_active'] else 'NOT ACTIVE'})",
        "holder of record": summary["holder"],
        "registration": f"{summary['registration_number'] or 'no registration number'}; rights registered: "
                        f"{', '.join(summary['rights_registered']) or 'none'}"
                        f"{'; DISPUTED: an objection is registered and unresolved' if summary['disputed'] else ''}",
        "transfers": _lines([
            f"{row['shares']} {row['right']} shares {row['from']} -> {row['to']} ({row['transaction'][:10]}...): "
            + (f"registered, voucher {row['voucher']}" if row["registered"] else "NOT registered")
            for row in summary["transfers"]
        ], "none"),
        "licence registrations": _lines([
            f"licence {row['licence']}: " + (f"registered, voucher {row['voucher']}" if row["registered"]
                                            else "NOT registered")
            for row in summary["licence_registrations"]
        ], "none"),
        "catalog": f"version {summary['catalog_version']}, {summary['catalog_hash']}; "
                   f"store: {catalog['status']} ({catalog['detail']})",
        "holders": _lines(holders, "none"),
        "licences": _lines(licences, "none"),
        "exclusive licence on": ", ".join(exclusive) or "no right",
        "pledges": _lines(pledges, "none"),
        "ended pledges": len(summary["ended_pledges"]),
        f"{asker} could take": _lines([room["sentence"] for room in security["room"]], "nothing"),
        "read at": f"block {block['number']} {block['hash']} ({table_time(block['time'])})",
        "state root": block["state_root"],
        "events from": block["events_from"],
    }
    if summary["catalog_file"] is not None:
        file = summary["catalog_file"]
        row["catalog file"] = f"{file['file']} {file['hash']}: " + (
            "matches the current version" if file["matches"] else "DIFFERS from the current version"
        )
    proof = summary["proof"]
    if proof is None:
        row["proof"] = "not asked for (--proof checks the answer against the block's state root)"
    elif proof["verified"]:
        row["proof"] = (
            f"verified: {proof['reads_re_executed']} reads re-executed on {proof['storage_slots_proven']} storage "
            f"slots of {len(proof['accounts_proven'])} accounts proven against the state root; "
            f"the proof covers {summary['proof_covers']}"
        )
    else:
        row["proof"] = f"FAILED: {proof['failure']}"
    return row


def _check(file: Path, validators: Path | None) -> None:
    """Re-check kept evidence offline and answer with what it holds and what is still trusted."""
    # Imported when the command runs, not for its help (see cli/main.py).
    from ledger.evidence import check_evidence, load_evidence
    from ledger.network.seals import trusted_validators

    state = current()
    document = load_evidence(file)
    trusted = trusted_validators(validators) if validators is not None else None
    checked = check_evidence(document, validators=trusted)
    summary = checked.summary()
    if state.json:
        state.out.record(summary)
    else:
        answer = checked.answer
        state.out.record({
            "evidence": f"holds: {checked.calls} reads re-executed on {checked.slots} storage slots of "
                        f"{checked.accounts} accounts proven against the state root; the answer equals the one "
                        "composed from the proven reads",
            "contracts": _lines([
                f"{name} {item['address']} code {item['code_hash']}" + (
                    f", implementation {item['implementation']['address']} code {item['implementation']['code_hash']}"
                    if "implementation" in item else ""
                )
                for name, item in checked.contracts.items()
            ], "none"),
            "saved": f"{checked.saved_at} by dal {checked.tool_version}",
            "still trusted": _lines(checked.trusted, "nothing"),
            **_readable(answer),
        }, title=f"evidence for certificate {answer['certificate']}, re-checked offline")
    if not checked.lendable:
        raise typer.Exit(NOT_LENDABLE)


@app.callback(invoke_without_command=True, epilog=EXIT_CODES)
def verify(
    cert: Annotated[
        str | None,
        typer.Argument(metavar="CERT", help="The certificate: its id, REGISTRAR:NUMBER, or a number unique across registrars."),
    ] = None,
    block: Annotated[
        str | None,
        typer.Option(
            "--block",
            metavar="N|0xHASH",
            help="Answer as of block N, or of the block with a hash you trust (default: the latest).",
        ),
    ] = None,
    proof: Annotated[
        bool,
        typer.Option("--proof", help="Check every read against the block's state root with eth_getProof."),
    ] = False,
    for_bank: Annotated[
        str | None,
        typer.Option("--for-bank", metavar="NAME", help="Answer for this bank (default: the --as account, if it is a bank): "
                     "what it could still take as security, and behind how many pledges."),
    ] = None,
    catalog: Annotated[
        Path | None,
        typer.Option("--catalog", metavar="FILE", help="Check that this catalog file (JSON or YAML) is the "
                     "certificate's current version."),
    ] = None,
    save: Annotated[
        Path | None,
        typer.Option("--save", metavar="FILE", help="Keep the answer as evidence: the answer with the block "
                     "header, proofs, code hashes and reads needed to re-check it offline (implies --proof)."),
    ] = None,
    check: Annotated[
        Path | None,
        typer.Option("--check", metavar="FILE", help="Re-check evidence kept with --save, offline, with no node; "
                     "say what is still trusted."),
    ] = None,
    validators: Annotated[
        Path | None,
        typer.Option("--validators", metavar="FILE", help="With --check: the QBFT validator set (network.json, "
                     "genesis.json or a JSON list) whose seals must be on the block."),
    ] = None,
) -> None:
    """Can I lend against CERT? Genuine, in force, who holds what (free, pledged, licensed), licences and their
    exclusivity, pledges in priority order, and what the bank could still take as security.

    Exits 0 when lendable, 3 when not lendable (the reasons listed under "reasons"), 1 on an error."""
    if check is not None:
        if cert is not None or save is not None or block is not None or for_bank is not None or catalog is not None:
            raise typer.BadParameter("--check FILE re-checks kept evidence and takes no CERT or other option "
                                     "but --validators", param_hint="--check")
        _check(check, validators)
        return
    if cert is None:
        raise typer.BadParameter("give the certificate to verify, or --check FILE", param_hint="CERT")
    if validators is not None:
        raise typer.BadParameter("--validators goes with --check FILE", param_hint="--validators")
    from ledger import certificates
    from ledger.verify import verify_certificate

    state = current()
    ledger = state.ledger()
    certificate_id = certificates.resolve(ledger, cert)
    pinned: int | str | None = int(block) if block is not None and block.isdigit() else block
    answer = verify_certificate(
        ledger, certificate_id, block=pinned, proof=proof or save is not None,
        bank=for_bank, acting=state.as_name, catalog_file=catalog,
    )
    if save is not None:
        from ledger.evidence import save_evidence  # only for answers kept as evidence

        save_evidence(answer, ledger.profile.chain_id, save)
        state.out.note(f"evidence saved to {save}; re-check it offline with `dal verify --check {save}`")
    summary = answer.summary()
    if state.json:
        state.out.record(summary)
    else:
        state.out.record(_readable(summary), title=f"can I lend against certificate {certificate_id}?")
    if not answer.lendable:
        raise typer.Exit(NOT_LENDABLE)
