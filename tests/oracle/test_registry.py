"""A window's handlers: row writes queued and batched, reads that see them, and batch handlers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from ledger.store.read_model import Certificate, CertificateEvent, Member
from oracle.decoding import LoggedEvent
from oracle.handlers.registry import (
    HandlerRegistry,
    _write_links,
    certificate_links,
    link_certificate,
    table,
    update_row,
    upsert,
)

_members = table(Member)
_certificates = table(Certificate)


def _event(event: str, log_index: int, **args: Any) -> LoggedEvent:
    return LoggedEvent(
        contract="Test", event=event, args=args, address="0x" + "11" * 20, block_number=7,
        block_hash="0x" + "22" * 32, block_timestamp=1_700_000_000, tx_hash="0x" + f"{log_index:064x}",
        tx_index=log_index, log_index=log_index,
    )


def _member(account: str, name: str) -> dict[str, Any]:
    return {"account": account, "identity_hash": "0x" + "33" * 32, "name": name, "roles": 2, "status": "active",
            "suspension_reason_hash": None, "added_block": 7, "updated_block": 7}


def _certificate(certificate_id: int) -> dict[str, Any]:
    return {"certificate_id": certificate_id, "status": "submitted", "holder": "0x" + "44" * 20,
            "registrar": "0x" + "55" * 20, "number": None, "version": 1, "catalog_hash": "0x" + "66" * 32,
            "notice_deadline": 0, "expiry": 0, "pending_request": "none", "requested_hash": None,
            "requested_expiry": 0, "last_reason_hash": None, "submitted_block": 7, "issued_block": None,
            "updated_block": 7}


def test_queued_writes_keep_their_order_per_table_and_a_read_sees_every_write_before_it(store: Engine) -> None:
    registry = HandlerRegistry()
    seen: list[Any] = []

    def joined(connection: Connection, event: LoggedEvent) -> None:
        upsert(connection, Member, _member(event.args["account"], event.args["name"]), ["name"])

    def renamed(connection: Connection, event: LoggedEvent) -> None:
        update_row(connection, Member, "account", event.args["account"], name=event.args["name"])

    def submitted(connection: Connection, event: LoggedEvent) -> None:
        upsert(connection, Certificate, _certificate(event.args["id"]), ["status"])

    def looked(connection: Connection, event: LoggedEvent) -> None:
        seen.append(connection.execute(select(_members.c.account, _members.c.name).order_by(_members.c.account))
                    .all())

    for name, handler in (("Joined", joined), ("Renamed", renamed), ("Submitted", submitted), ("Looked", looked)):
        registry.register("Test", name, handler)
    a, b = "0x" + "aa" * 20, "0x" + "bb" * 20
    events = [
        _event("Joined", 0, account=a, name="a1"), _event("Submitted", 1, id=1),
        _event("Joined", 2, account=b, name="b1"), _event("Submitted", 3, id=2),
        _event("Renamed", 4, account=a, name="a2"), _event("Looked", 5),
        _event("Renamed", 6, account=a, name="a3"), _event("Joined", 7, account=a, name="a4"),
        _event("Renamed", 8, account=b, name="b2"),
    ]
    with store.begin() as connection:
        registry.apply_all(connection, events, fresh=True)
    assert seen == [[(a, "a2"), (b, "b1")]]
    with store.connect() as connection:
        members = connection.execute(select(_members.c.account, _members.c.name).order_by(_members.c.account)).all()
        certificates = connection.execute(select(_certificates.c.certificate_id)).scalars().all()
    assert members == [(a, "a4"), (b, "b2")]
    assert sorted(certificates) == [1, 2]


def test_a_batch_handler_takes_the_window_s_events_of_its_kind_in_chain_order(store: Engine) -> None:
    registry = HandlerRegistry()
    batches: list[list[int]] = []

    def moved(connection: Connection, events: list[LoggedEvent]) -> None:
        batches.append([event.log_index for event in events])
        links = certificate_links(connection)
        for event in events:
            links.add((event.args["id"], event.block_number, event.log_index))

    def noted(connection: Connection, event: LoggedEvent) -> None:
        link_certificate(connection, event, event.args["id"])

    registry.register_batch("Test", "Moved", moved)
    registry.register("Test", "Noted", noted)
    registry.register_flush(_write_links)
    events = [_event("Moved", 0, id=5), _event("Noted", 1, id=5), _event("Moved", 2, id=6), _event("Moved", 3, id=5)]
    with store.begin() as connection:
        registry.apply_all(connection, events, fresh=True)
        registry.apply(connection, _event("Moved", 4, id=6))
    assert batches == [[0, 2, 3], [4]]
    assert registry.handled() == {("Test", "Moved"), ("Test", "Noted")}
    with store.connect() as connection:
        links = connection.execute(select(table(CertificateEvent))).all()
    assert sorted((int(c), b, log) for c, b, log in links) == [(5, 7, 0), (5, 7, 1), (5, 7, 3), (6, 7, 2), (6, 7, 4)]


def test_a_certificate_id_past_the_link_column_is_refused_and_the_window_writes_nothing(store: Engine) -> None:
    from ledger.errors import StoreError
    from ledger.store.values import COUNTER_ID_MAX

    registry = HandlerRegistry()
    registry.register("Test", "Noted", lambda connection, event: link_certificate(connection, event, event.args["id"]))
    registry.register_flush(_write_links)
    events = [_event("Noted", 0, id=COUNTER_ID_MAX), _event("Noted", 1, id=COUNTER_ID_MAX + 1)]
    for fresh in (True, False):
        try:
            with store.begin() as connection:
                registry.apply_all(connection, events, fresh=fresh)
        except StoreError as exc:
            assert str(exc).startswith(f"id {COUNTER_ID_MAX + 1} does not fit the read model's 64-bit id columns")
        else:
            raise AssertionError("an id past 2**63 - 1 was written")
    with store.begin() as connection:
        registry.apply_all(connection, events[:1], fresh=True)
    with store.connect() as connection:
        links = connection.execute(select(table(CertificateEvent))).all()
    assert [(int(c), b, log) for c, b, log in links] == [(COUNTER_ID_MAX, 7, 0)]
