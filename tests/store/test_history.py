"""History read from the event log through the database's driver: rare events by name through their partial
index, share movements too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, insert, inspect

from ledger.store import CertificateEvent, ChainEvent, OracleCursor, open_store
from ledger.store.cursor import CHAIN_CURSOR
from ledger.store.direct import DirectStore, direct_store
from ledger.store.history import certificate_history, events_named
from ledger.store.types import utc_now

MEMBER, BANK = "0x" + "11" * 20, "0x" + "22" * 20


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    """The engine the rows are written with (as the indexer writes them)."""
    engine = open_store(empty_database_url, create_if_empty=True)
    yield engine
    engine.dispose()


@pytest.fixture
def reads(engine: Engine, empty_database_url: str) -> DirectStore:
    """The store as a question reads it."""
    return direct_store(empty_database_url)


def _log(engine: Engine, events: list[tuple[int, int, str, str]]) -> None:
    """Store ``(block, log index, contract, event)`` rows and a cursor at the last block."""
    rows = [
        {"block_number": block, "log_index": index, "tx_hash": "0x" + "aa" * 32, "block_hash": "0x" + "bb" * 32,
         "block_timestamp": 1_700_000_000 + block, "tx_index": 0, "contract": contract, "address": MEMBER,
         "event": name, "args": "{}"}
        for block, index, contract, name in events
    ]
    with engine.begin() as connection:
        connection.execute(insert(ChainEvent.__table__), rows)  # type: ignore[attr-defined]
        connection.execute(insert(OracleCursor.__table__).values(  # type: ignore[attr-defined]
            name=CHAIN_CURSOR, chain_id=1, block_number=max(row["block_number"] for row in rows),
            block_hash="0x" + "bb" * 32, updated_at=utc_now()))


def _queries(reads: DirectStore, call: Any) -> list[tuple[str, Any]]:
    """The history query ``call`` runs (statement and parameters), and nothing else it runs."""
    seen: list[tuple[str, Any]] = []
    rows = reads.rows

    def grab(statement: str, parameters: Any = ()) -> list[dict[str, Any]]:
        if "ORDER BY" in statement:
            seen.append((statement, parameters))
        return rows(statement, parameters)

    reads.rows = grab  # type: ignore[method-assign]
    try:
        call()
    finally:
        del reads.rows
    return seen


def _plan(reads: DirectStore, statement: str, parameters: Any) -> str:
    """The plan of ``statement``, with PostgreSQL told to use an index wherever it can."""
    if reads.dialect == "postgresql":
        reads.rows("SET enable_seqscan = off")
        return "\n".join(str(row["QUERY PLAN"]) for row in reads.rows("EXPLAIN " + statement, parameters))
    return "\n".join(str(row["detail"]) for row in reads.rows("EXPLAIN QUERY PLAN " + statement, parameters))


def test_the_index_by_name_leaves_out_share_movements(engine: Engine) -> None:
    (index,) = [i for i in inspect(engine).get_indexes("chain_events") if i["name"] == "ix_chain_events_event"]
    where = index["dialect_options"][f"{engine.dialect.name}_where"]
    assert "TransferSingle" in str(where) and "TransferBatch" in str(where)


def test_rare_events_by_name_are_read_through_the_partial_index(engine: Engine, reads: DirectStore) -> None:
    moves = [(block, index, "Rights", "TransferSingle") for block in range(1, 40) for index in range(1, 30)]
    _log(engine, [(1, 0, "Consortium", "MemberAdded"), (7, 0, "Pledges", "PledgeRecorded"),
                  (9, 30, "Consortium", "MemberAdded"), *moves])
    selection = [("Consortium", "MemberAdded"), ("Pledges", "PledgeRecorded"), ("Pledges", "PledgeEnforced")]

    found: list[Any] = []
    (query,) = _queries(reads, lambda: found.append(events_named(reads, selection)))

    assert [(e.block_number, e.log_index, e.event) for e in found[0].events] == [
        (1, 0, "MemberAdded"), (7, 0, "PledgeRecorded"), (9, 30, "MemberAdded")]
    assert "ix_chain_events_event" in _plan(reads, *query)


def test_share_movements_by_name_are_read_without_the_partial_index(engine: Engine, reads: DirectStore) -> None:
    _log(engine, [(1, 0, "Consortium", "MemberAdded"), (2, 0, "Rights", "TransferSingle"),
                  (2, 1, "Rights", "TransferBatch"), (3, 0, "Pledges", "PledgeRecorded")])

    found = events_named(reads, [("Rights", "TransferSingle"), ("Consortium", "MemberAdded")])

    assert [(e.block_number, e.log_index, e.event) for e in found.events] == [
        (1, 0, "MemberAdded"), (2, 0, "TransferSingle")]


def test_a_certificate_history_asked_for_an_id_past_the_link_column_is_empty(
    engine: Engine, reads: DirectStore
) -> None:
    from ledger.store.values import COUNTER_ID_MAX

    _log(engine, [(1, 0, "Certificates", "CertificateSubmitted")])
    with engine.begin() as connection:
        connection.execute(insert(CertificateEvent.__table__), [  # type: ignore[attr-defined]
            {"certificate_id": COUNTER_ID_MAX, "block_number": 1, "log_index": 0}])

    assert [e.event for e in certificate_history(reads, COUNTER_ID_MAX).events] == ["CertificateSubmitted"]
    assert certificate_history(reads, COUNTER_ID_MAX + 1).events == []
    assert certificate_history(reads, 2**256 - 1).complete_to == 1
