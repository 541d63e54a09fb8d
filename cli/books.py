"""`dal books`: a member's books of data resources — cards, the journal, posting, schedule, close and report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel import Session

from cli.state import CliState, current
from ledger.books import posting
from ledger.books.accounts import CHART
from ledger.books.booking import rights_end_of
from ledger.books.cards import card_row, get_card, link_card, list_cards, open_card, revise_card
from ledger.books.chain_check import block_at_end_of, pledges_at
from ledger.books.closing import close_books
from ledger.books.csv_import import import_csv
from ledger.books.disclosure import disclosure
from ledger.books.journal import Correction, EntryView, correct, list_entries, parse_money
from ledger.books.periods import parse_month, parse_report_period
from ledger.books.schedule import amortise
from ledger.books.workbook import csv_text, write_report
from ledger.certificates import catalog_store
from ledger.context import LedgerContext
from ledger.errors import ValidationError
from ledger.inputs import parse_day, resolve_party

__all__ = ["app"]

app = typer.Typer(help="The books of data resources (入表): asset cards, journal, posting, amortisation, "
                       "period close and the disclosure of 财会〔2023〕11号.", no_args_is_help=True)
cards_app = typer.Typer(help="Asset cards: list them (the default), open one, link one to a certificate.")
post_app = typer.Typer(help="Post a standard event of a data resource as one journal entry.", no_args_is_help=True)
app.add_typer(cards_app, name="cards")
app.add_typer(post_app, name="post")

MemberOption = Annotated[
    str | None,
    typer.Option("--member", metavar="MEMBER", help="Whose books: an account name or 0x address (default: --as)."),
]
CardArgument = Annotated[int, typer.Argument(metavar="CARD", help="The asset card id (see `dal books cards`).")]
DateOption = Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The date of the entry.")]
VoucherOption = Annotated[
    str | None, typer.Option("--voucher", help="The voucher number (default: the next JV-YYYYMM-NNNNN).")
]
DescriptionOption = Annotated[str | None, typer.Option("--description", help="What the entry is for.")]
PaidOption = Annotated[str, typer.Option("--paid", metavar="bank|payable", help="Paid from the bank, or owed.")]
ReceivedOption = Annotated[
    str, typer.Option("--received", metavar="bank|receivable", help="Received in the bank, or receivable.")
]
VatOption = Annotated[str | None, typer.Option("--vat", metavar="AMOUNT", help="VAT on top of the amount.")]

ENTRY_COLUMNS = ["voucher", "date", "kind", "description", "card", "account", "debit", "credit", "currency"]


def _entity(ledger: LedgerContext, member: str | None) -> str:
    if member is not None:
        return str(resolve_party(ledger, member))
    if ledger.acting_as is None:
        raise ValidationError("say whose books: --member NAME, or act as the member with --as NAME")
    return str(ledger.address_of())


@dataclass
class _Books:
    state: CliState
    ledger: LedgerContext
    session: Session
    entity: str


@contextmanager
def _books(member: str | None) -> Iterator[_Books]:
    """An open session on the member's books; committed when the command's work succeeds, else nothing."""
    state = current()
    ledger = state.ledger()
    entity = _entity(ledger, member)
    with Session(catalog_store(ledger), expire_on_commit=False) as session:
        yield _Books(state, ledger, session, entity)
        session.commit()


def _entry_rows(entries: list[EntryView]) -> list[dict[str, Any]]:
    """One table row per journal line, the entry's fields on its first line."""
    rows = []
    for entry in entries:
        for line in entry.lines:
            first = line.line_no == 1
            row = line.row(entry.currency)
            rows.append({
                "voucher": entry.voucher if first else "", "date": entry.entry_date if first else "",
                "kind": (entry.kind + (f" ({entry.correction})" if entry.correction else "")) if first else "",
                "description": entry.description if first else "", "card": line.card_id,
                "account": f"{line.account} {row['account_name']}", "debit": row["debit"], "credit": row["credit"],
                "currency": line.currency,
            })
    return rows


def _answer(state: CliState, entries: list[EntryView], title: str, empty: str = "nothing posted") -> None:
    if state.json:
        state.out.records([entry.row() for entry in entries])
        return
    state.out.records(_entry_rows(entries), columns=ENTRY_COLUMNS, title=title, empty=empty)


# --- the chart and the cards --------------------------------------------------------------------


@app.command("accounts")
def accounts() -> None:
    """The chart of accounts: ASBE codes with their Chinese and English names."""
    state = current()
    state.out.records(
        [{"code": item.code, "name_zh": item.name_zh, "name_en": item.name_en, "category": item.category.value,
          "normal_side": item.normal_side.value, "postable": item.is_leaf} for item in CHART],
        title="chart of accounts",
    )


def _rights_end(ledger: LedgerContext, given: str | None, certificate: int | None,
                licence: int | None) -> dt.date | None:
    """--rights-end as given, else the end of the certificate's (or licence's) term read from the chain."""
    if given is not None:
        return parse_day(given, what="--rights-end")
    return rights_end_of(ledger, certificate, licence) if certificate is not None else None


@cards_app.callback(invoke_without_command=True)
def cards(ctx: typer.Context, member: MemberOption = None) -> None:
    """List the member's asset cards."""
    if ctx.invoked_subcommand is not None:
        return
    with _books(member) as books:
        rows = [card_row(card) for card in list_cards(books.session, books.entity)]
    books.state.out.records(rows, title=f"asset cards of {books.entity}", empty="no asset cards yet",
                            columns=None if books.state.json else
                            ["card", "name", "class", "acquisition", "certificate", "life", "ready_on", "rights_end",
                             "derecognised_on", "derecognition_reason"])


@cards_app.command("open")
def open_(
    name: Annotated[str, typer.Argument(help="What the data resource is.")],
    asset_class: Annotated[str, typer.Option("--class", metavar="CLASS",
                                             help="intangible, inventory or development.")],
    acquisition: Annotated[str | None, typer.Option("--acquisition", help="purchased, developed, processed or "
                                                    "other (default: developed for development, else purchased).")] = None,
    life: Annotated[str | None, typer.Option("--life", help="Useful life: 5y, 36m or indefinite.")] = None,
    method: Annotated[str, typer.Option("--method", help="Amortisation: straight-line, or pattern.")] = "straight-line",
    pattern: Annotated[str | None, typer.Option("--pattern", help="With --method pattern: the percentage of the cost "
                                                "for each year of the life, e.g. 40,30,20,10.")] = None,
    currency: Annotated[str, typer.Option("--currency", help="The books' currency.")] = "CNY",
    serves_customers: Annotated[bool, typer.Option("--serves-customers/--internal-use",
                                                   help="Amortise to cost of sales, or to management expense.")] = False,
    certificate: Annotated[int | None, typer.Option("--certificate", help="The certificate id it rests on.")] = None,
    licence: Annotated[int | None, typer.Option("--licence", help="The licence id it rests on, if any.")] = None,
    rights_end: Annotated[str | None, typer.Option("--rights-end", metavar="YYYY-MM-DD",
                                                   help="When the rights held end, capping the useful life (default: "
                                                        "the certificate's expiry or the licence's end).")] = None,
    member: MemberOption = None,
) -> None:
    """Open an asset card for a data resource on the member's books."""
    with _books(member) as books:
        card = open_card(
            books.session, books.entity, name, asset_class=asset_class, acquisition=acquisition, life=life,
            currency=currency, serves_customers=serves_customers, certificate_id=certificate, licence_id=licence,
            rights_end=_rights_end(books.ledger, rights_end, certificate, licence),
            method=method, pattern=pattern,
        )
        row = card_row(card)
    books.state.out.record(row, title="asset card opened")


@cards_app.command("link")
def link(
    card_id: CardArgument,
    certificate: Annotated[int, typer.Option("--certificate", help="The certificate id.")],
    licence: Annotated[int | None, typer.Option("--licence", help="The licence id it rests on, if any.")] = None,
    rights_end: Annotated[str | None, typer.Option("--rights-end", metavar="YYYY-MM-DD",
                                                   help="When the rights held end, capping the useful life (default: "
                                                        "the certificate's expiry or the licence's end).")] = None,
    member: MemberOption = None,
) -> None:
    """Link a card to the certificate (and licence) its data rests on."""
    with _books(member) as books:
        card = link_card(books.session, get_card(books.session, card_id, books.entity), certificate_id=certificate,
                         licence_id=licence, rights_end=_rights_end(books.ledger, rights_end, certificate, licence))
        row = card_row(card)
    books.state.out.record(row, title="asset card linked")


@cards_app.command("revise")
def revise(
    card_id: CardArgument,
    effective: Annotated[str, typer.Option("--from", metavar="YYYY-MM",
                                           help="The first month amortised under the new estimate.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the estimate changed (the disclosure says it).")],
    life: Annotated[str | None, typer.Option("--life", help="The new useful life from the month the asset was "
                                             "ready for use: 8y, 96m or indefinite.")] = None,
    method: Annotated[str | None, typer.Option("--method", help="The new method: straight-line, or pattern.")] = None,
    pattern: Annotated[str | None, typer.Option("--pattern", help="With --method pattern: the percentage of the "
                                                "cost for each year of the life, e.g. 40,30,20,10.")] = None,
    member: MemberOption = None,
) -> None:
    """Change an intangible's useful life or amortisation method from a month on (a change in estimate, applied
    prospectively: months already amortised stay; the carrying amount left is spread over the new remainder)."""
    with _books(member) as books:
        revision = revise_card(books.session, books.entity, card_id, effective=effective, reason=reason,
                               life=life, method=method, pattern=pattern)
        row = {"card": revision.card_id, "from": revision.effective_month,
               "useful_life_months": [revision.previous_life_months, revision.useful_life_months],
               "method": [revision.previous_method, revision.method], "reason": revision.reason}
    books.state.out.record(row, title="estimate revised")


# --- posting the standard events ----------------------------------------------------------------


def _post(member: str | None, card_id: int, title: str,
          work: Callable[[_Books, Callable[[str | None, str], int]], EntryView]) -> None:
    with _books(member) as books:
        card = get_card(books.session, card_id, books.entity)

        def money(text: str | None, what: str) -> int:
            return 0 if text is None else parse_money(text, card.currency, what=what)

        entry = work(books, money)
    _answer(books.state, [entry], title)


@post_app.command("purchase")
def post_purchase(
    card_id: CardArgument, date: DateOption,
    cost: Annotated[str, typer.Option("--cost", metavar="AMOUNT", help="The purchase cost, VAT excluded.")],
    vat: VatOption = None, paid: PaidOption = "bank",
    ready: Annotated[str | None, typer.Option("--ready", metavar="YYYY-MM-DD",
                                              help="When it is ready for use (default: --date).")] = None,
    voucher: VoucherOption = None, description: DescriptionOption = None, member: MemberOption = None,
) -> None:
    """Purchase for own use (intangible) or for sale (inventory)."""
    _post(member, card_id, "purchase", lambda b, money: posting.purchase(
        b.session, b.entity, card_id, on=parse_day(date), cost=money(cost, "--cost"), vat=money(vat, "--vat"),
        paid=paid, ready_on=parse_day(ready, what="--ready") if ready else None, voucher=voucher,
        description=description))


def _registered(name: str, summary: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command made by a factory as `dal books post NAME`, with ``summary`` as its help."""
    def register(command: Callable[..., None]) -> Callable[..., None]:
        command.__doc__ = summary
        return post_app.command(name)(command)

    return register


def _cost_command(name: str, function: Callable[..., EntryView], summary: str) -> None:
    @_registered(name, summary)
    def command(card_id: CardArgument, date: DateOption,
                cost: Annotated[str, typer.Option("--cost", metavar="AMOUNT", help="The cost.")],
                paid: PaidOption = "bank", voucher: VoucherOption = None, description: DescriptionOption = None,
                member: MemberOption = None) -> None:
        _post(member, card_id, name, lambda b, money: function(
            b.session, b.entity, card_id, on=parse_day(date), cost=money(cost, "--cost"), paid=paid,
            voucher=voucher, description=description))


def _amount_command(name: str, function: Callable[..., EntryView], summary: str) -> None:
    @_registered(name, summary)
    def command(card_id: CardArgument, date: DateOption,
                amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="The amount.")],
                voucher: VoucherOption = None, description: DescriptionOption = None,
                member: MemberOption = None) -> None:
        _post(member, card_id, name, lambda b, money: function(
            b.session, b.entity, card_id, on=parse_day(date), amount=money(amount, "--amount"),
            voucher=voucher, description=description))


_Event = tuple[str, Callable[..., EntryView], str]
_COST_EVENTS: tuple[_Event, ...] = (
    ("processing", posting.processing, "Costs of collecting and processing data held for sale."),
    ("research", posting.research, "Research spending, expensed."),
    ("develop", posting.develop, "Development spending that qualifies for capitalisation."),
)
_AMOUNT_EVENTS: tuple[_Event, ...] = (
    ("impair", posting.impair, "Impairment of an intangible asset (never reversed)."),
    ("write-down", posting.write_down, "Write inventory down to net realisable value."),
    ("reverse-write-down", posting.reverse_write_down, "Reverse an inventory write-down."),
)
for _event in _COST_EVENTS:
    _cost_command(*_event)
for _event in _AMOUNT_EVENTS:
    _amount_command(*_event)


@post_app.command("finish")
def post_finish(card_id: CardArgument, date: DateOption, voucher: VoucherOption = None,
                description: DescriptionOption = None, member: MemberOption = None) -> None:
    """Processing finished: the processing cost becomes finished goods."""
    _post(member, card_id, "finish", lambda b, money: posting.finish(
        b.session, b.entity, card_id, on=parse_day(date), voucher=voucher, description=description))


@post_app.command("ready")
def post_ready(
    card_id: CardArgument, date: DateOption,
    life: Annotated[str | None, typer.Option("--life", help="Useful life: 5y, 36m or indefinite.")] = None,
    serves_customers: Annotated[bool | None, typer.Option("--serves-customers/--internal-use",
                                                          help="Amortise to cost of sales or management expense.")] = None,
    voucher: VoucherOption = None, description: DescriptionOption = None, member: MemberOption = None,
) -> None:
    """The developed resource is ready for use: it becomes an intangible asset, amortised from this month."""
    _post(member, card_id, "ready for use", lambda b, money: posting.ready(
        b.session, b.entity, card_id, on=parse_day(date), life=life, serves_customers=serves_customers,
        voucher=voucher, description=description))


@post_app.command("sale")
def post_sale(
    card_id: CardArgument, date: DateOption,
    proceeds: Annotated[str, typer.Option("--proceeds", metavar="AMOUNT", help="The price, VAT excluded.")],
    vat: VatOption = None, received: ReceivedOption = "bank",
    cost: Annotated[str | None, typer.Option("--cost", metavar="AMOUNT",
                                             help="The cost sold (default: all of it).")] = None,
    voucher: VoucherOption = None, description: DescriptionOption = None, member: MemberOption = None,
) -> None:
    """Sale of inventory, with its cost of sales."""
    _post(member, card_id, "sale", lambda b, money: posting.sale(
        b.session, b.entity, card_id, on=parse_day(date), proceeds=money(proceeds, "--proceeds"),
        vat=money(vat, "--vat"), received=received, cost=money(cost, "--cost") if cost else None, voucher=voucher,
        description=description))


@post_app.command("licence-revenue")
def post_licence_revenue(
    card_id: CardArgument, date: DateOption,
    amount: Annotated[str, typer.Option("--amount", metavar="AMOUNT", help="The licence fee, VAT excluded.")],
    vat: VatOption = None, received: ReceivedOption = "bank",
    voucher: VoucherOption = None, description: DescriptionOption = None, member: MemberOption = None,
) -> None:
    """Revenue from licensing the data."""
    _post(member, card_id, "licence revenue", lambda b, money: posting.licence_revenue(
        b.session, b.entity, card_id, on=parse_day(date), amount=money(amount, "--amount"),
        vat=money(vat, "--vat"), received=received, voucher=voucher, description=description))


@post_app.command("dispose")
def post_dispose(
    card_id: CardArgument, date: DateOption,
    proceeds: Annotated[str | None, typer.Option("--proceeds", metavar="AMOUNT",
                                                 help="The price, VAT excluded (none: given away).")] = None,
    vat: VatOption = None, received: ReceivedOption = "bank",
    voucher: VoucherOption = None, description: DescriptionOption = None, member: MemberOption = None,
) -> None:
    """Disposal of an intangible asset; the gain or loss goes to 资产处置收益."""
    _post(member, card_id, "disposal", lambda b, money: posting.dispose(
        b.session, b.entity, card_id, on=parse_day(date), proceeds=money(proceeds, "--proceeds"),
        vat=money(vat, "--vat"), received=received, voucher=voucher, description=description))


@post_app.command("lapse")
def post_lapse(
    card_id: CardArgument, date: DateOption,
    reason: Annotated[str, typer.Option("--reason", metavar="lapsed|other",
                                        help="lapsed (失效且终止确认) or other.")] = "lapsed",
    voucher: VoucherOption = None, description: DescriptionOption = None, member: MemberOption = None,
) -> None:
    """The resource lapses and is derecognised; its carrying amount goes to 营业外支出."""
    _post(member, card_id, "lapse", lambda b, money: posting.lapse(
        b.session, b.entity, card_id, on=parse_day(date), reason=reason, voucher=voucher,
        description=description))


# --- the journal, corrections, import, schedule and close ---------------------------------------


@app.command("journal")
def journal(
    period: Annotated[str | None, typer.Option("--period", help="A year, half, quarter, month or range.")] = None,
    card: Annotated[int | None, typer.Option("--card", help="Only this card's entries.")] = None,
    member: MemberOption = None,
) -> None:
    """The member's journal entries, oldest first."""
    span = parse_report_period(period) if period else None
    with _books(member) as books:
        entries = list_entries(books.session, books.entity, start=span.start if span else None,
                               end=span.end if span else None, card_id=card)
    _answer(books.state, entries, f"journal of {books.entity}", empty="no entries")


@app.command("correct")
def correct_(
    voucher: Annotated[str, typer.Argument(help="The voucher to correct.")],
    date: DateOption,
    style: Annotated[str, typer.Option("--style", metavar="reversal|red-ink",
                                       help="Reverse it (sides swapped) or a red-ink voucher (negative amounts).")]
    = Correction.REVERSAL,
    new_voucher: Annotated[str | None, typer.Option("--voucher", help="The correcting voucher's number.")] = None,
    description: DescriptionOption = None, member: MemberOption = None,
) -> None:
    """Correct a posted entry by a reversing or red-ink (红字) voucher in an open period."""
    with _books(member) as books:
        entry = correct(books.session, books.entity, voucher, style=style, on=parse_day(date),
                        description=description, new_voucher=new_voucher)
    _answer(books.state, [entry], f"correction of {voucher}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A CSV file: voucher,date,description,account,debit,credit,"
                                              "currency,rate,card,kind.")],
    currency: Annotated[str, typer.Option("--currency", help="The books' currency.")] = "CNY",
    member: MemberOption = None,
) -> None:
    """Import journal entries from CSV: all of them, or none with every problem's line number."""
    with _books(member) as books:
        entries = import_csv(books.session, books.entity, file, currency=currency)
    if books.state.json:
        books.state.out.records([entry.row() for entry in entries])
        return
    books.state.out.record({"file": file, "entries": len(entries),
                            "lines": sum(len(entry.lines) for entry in entries),
                            "first_voucher": entries[0].voucher, "last_voucher": entries[-1].voucher},
                           title="imported")


@app.command("schedule")
def schedule(
    through: Annotated[str, typer.Option("--through", metavar="YYYY-MM", help="Amortise up to this month.")],
    card: Annotated[int | None, typer.Option("--card", help="Only this card.")] = None,
    member: MemberOption = None,
) -> None:
    """Post the amortisation due up to a month; running it again posts nothing twice."""
    with _books(member) as books:
        entries = amortise(books.session, books.entity, parse_month(through, what="--through"), card_id=card)
    _answer(books.state, entries, f"amortisation through {through}", empty="the schedule is up to date")


@app.command("close")
def close(
    through: Annotated[str, typer.Option("--through", metavar="YYYY-MM", help="Close this month and all before.")],
    member: MemberOption = None,
) -> None:
    """Close the books through a month: no new entries dated in it or before."""
    with _books(member) as books:
        row = close_books(books.session, books.entity, through)
        answer = {"entity": row.entity, "closed_through": row.through, "closed_at": row.closed_at}
    books.state.out.record(answer, title="books closed")


@app.command("report")
def report(
    period: Annotated[str, typer.Option("--period", help="A year (2026), half (2026-H1), quarter (2026-Q3), "
                                                         "month (2026-06) or range (2026-01..2026-09).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write the report to FILE.csv or FILE.xlsx.")] = None,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print the report as CSV instead of tables.")] = False,
    chain: Annotated[bool, typer.Option("--chain/--no-chain",
                                        help="Read pledged data resources from the chain.")] = True,
    material: Annotated[str | None, typer.Option("--material", metavar="AMOUNT",
                                                 help="Individually material from this carrying amount "
                                                      "(default: 10% of the total).")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="The books' currency.")] = None,
    member: MemberOption = None,
) -> None:
    """The disclosure of data resources (财会〔2023〕11号, section 四): tables, CSV, JSON or XLSX."""
    span = parse_report_period(period)
    with _books(member) as books:
        pledges = None
        if chain:
            linked = [card.certificate_id for card in list_cards(books.session, books.entity)
                      if card.certificate_id is not None]
            pledges = pledges_at(books.ledger, books.entity, linked, block_at_end_of(books.ledger, span.end))
        threshold = parse_money(material, currency or "CNY", what="--material") if material else None
        answer = disclosure(books.session, books.entity, span, currency=currency, pledges=pledges,
                            materiality=threshold)
    state = books.state
    if output is not None:
        kind = write_report(answer, output)
        state.out.record({"written": output, "format": kind, "period": span.label}, title="report written")
        return
    if csv_out and not state.json:
        state.out.text(csv_text(answer))
        return
    document = answer.document()
    state.out.sections(document, [
        (f"{table['title_zh']} / {table['title_en']} ({span.label}, {answer.currency})",
         ["zh", "en", *(column["key"] for column in table["columns"])], table["rows"])
        for table in document["tables"]
    ] + [
        ("narrative items", ["item", "value"],
         [{"item": key, "value": value} for key, value in document["narrative"].items()]),
        ("restricted or pledged data resources" + ("" if answer.pledges_read else " (not read: --no-chain)"),
         ["card", "name", "certificate", "carrying_amount", "amortisation_in_period", "pledge", "bank",
          "secured_amount", "secured_currency", "maturity"], document["restricted_or_pledged"]["items"]),
    ])
