"""Key the event log by (block_number, log_index) and link share movements like every other event.

``chain_events`` is keyed by ``(block_number, log_index)`` (JSON-RPC numbers
logs across the whole block, so the key is unique and in chain order), which
makes ``ix_chain_events_order`` redundant; on SQLite it is stored in key order
(``WITHOUT ROWID``). ``ix_chain_events_event`` becomes partial: it leaves out
the share movements, nearly every event and never looked up by name.
``rm_share_transfers`` goes: share movements are linked to their certificate in
``rm_certificate_events``, now keyed ``(certificate_id, block_number, log_index)``
with the certificate id as a ``BIGINT`` (the Certificates contract counts ids
up from 1; an id past 2**63 - 1 fails the upgrade rather than being cut short).

Both directions carry the rows: the upgrade links every stored share movement,
and the downgrade rebuilds ``rm_share_transfers`` from the event log's
``TransferSingle`` and ``TransferBatch`` arguments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:20:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import ledger.store.types

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The ``Right`` enum of the contracts, by value (the token id's two low bits).
_RIGHTS = ("holding", "development", "operation")


def _share_movements(alias: str = "") -> str:
    """The SQL condition that an event log row (``alias.``) is a share movement."""
    return f"{alias}contract = 'Rights' AND {alias}event IN ('TransferSingle', 'TransferBatch')"


#: The largest certificate id a BIGINT holds.
_ID_MAX = 2**63 - 1

#: The rows the partial ``ix_chain_events_event`` covers: all but the share movements.
_NOT_SHARE_MOVEMENT = "event NOT IN ('TransferSingle', 'TransferBatch')"


def _event_columns() -> list[sa.Column[object]]:
    return [
        sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=False),
        sa.Column('log_index', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('block_number', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('block_hash', ledger.store.types.Bytes32(), nullable=False),
        sa.Column('block_timestamp', sa.BigInteger(), nullable=False),
        sa.Column('tx_index', sa.Integer(), nullable=False),
        sa.Column('contract', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
        sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('args', sa.Text(), nullable=False),
    ]


_EVENT_NAMES = ", ".join(column.name for column in _event_columns())


def _set_aside(name: str, indexes: Sequence[str]) -> str:
    """Rename table ``name`` out of the way (indexes dropped, key renamed) and return its new name."""
    for index in indexes:
        op.drop_index(index, table_name=name)
    old = f"_{name}_old"
    op.rename_table(name, old)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'ALTER TABLE "{old}" RENAME CONSTRAINT "{name}_pkey" TO "{old}_pkey"')
    return old


def upgrade() -> None:
    old = _set_aside('chain_events', ['ix_chain_events_event', 'ix_chain_events_order'])
    op.create_table('chain_events', *_event_columns(),
                    sa.PrimaryKeyConstraint('block_number', 'log_index'), sqlite_with_rowid=False)
    op.execute(f'INSERT INTO chain_events ({_EVENT_NAMES}) SELECT {_EVENT_NAMES} FROM "{old}"')
    op.drop_table(old)
    op.create_index('ix_chain_events_event', 'chain_events', ['event'], unique=False,
                    sqlite_where=sa.text(_NOT_SHARE_MOVEMENT), postgresql_where=sa.text(_NOT_SHARE_MOVEMENT))

    old = _set_aside('rm_certificate_events', [])
    op.create_table('rm_certificate_events',
    sa.Column('certificate_id', ledger.store.types.CounterId(), autoincrement=False, nullable=False),
    sa.Column('block_number', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('log_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('certificate_id', 'block_number', 'log_index'),
    sqlite_with_rowid=False,
    )
    # uint256 (NUMERIC, or 78 digits of text on SQLite) to BIGINT: an id that does not fit fails the upgrade
    # (SQLite's CAST would clamp it).
    ids = op.get_bind().execute(sa.text(
        f'SELECT certificate_id FROM "{old}" UNION SELECT certificate_id FROM rm_share_transfers'
    )).scalars()
    too_big = [int(value) for value in ids if int(value) > _ID_MAX]
    if too_big:
        raise ValueError(f"certificate id {min(too_big)} does not fit a BIGINT column; this ledger cannot index it")
    op.execute(
        'INSERT INTO rm_certificate_events (certificate_id, block_number, log_index) '
        'SELECT CAST(certificate_id AS BIGINT), block_number, log_index FROM ('
        f'SELECT certificate_id, block_number, log_index FROM "{old}" '
        'UNION SELECT certificate_id, block_number, log_index FROM rm_share_transfers) AS links'
    )
    op.drop_table(old)
    op.drop_index('ix_rm_share_transfers_right', table_name='rm_share_transfers')
    op.drop_table('rm_share_transfers')


def downgrade() -> None:
    transfers = op.create_table('rm_share_transfers',
    sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('log_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('item', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('right', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('shares', sa.BigInteger(), nullable=False),
    sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_timestamp', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('tx_hash', 'log_index', 'item')
    )
    op.create_index('ix_rm_share_transfers_right', 'rm_share_transfers',
                    ['certificate_id', 'right', 'block_number'], unique=False)
    movements = op.get_bind().execute(sa.text(
        'SELECT tx_hash, log_index, block_number, block_timestamp, event, args FROM chain_events '
        f'WHERE {_share_movements()} ORDER BY block_number, log_index'
    ))
    rows = []
    for tx_hash, log_index, block_number, block_timestamp, event, text in movements:
        args = json.loads(text)
        if event == 'TransferSingle':
            items = [(args['id'], args['value'])]
        else:
            items = list(zip(args['ids'], args['values'], strict=True))
        for item, (token_id, value) in enumerate(items):
            rows.append({
                'tx_hash': tx_hash, 'log_index': log_index, 'item': item,
                'certificate_id': int(token_id) >> 2, 'right': _RIGHTS[int(token_id) & 3],
                'sender': args['from'], 'recipient': args['to'], 'shares': int(value),
                'operator': args['operator'], 'block_number': block_number, 'block_timestamp': block_timestamp,
            })
    if rows:
        op.bulk_insert(transfers, rows)

    old = _set_aside('rm_certificate_events', [])
    op.create_table('rm_certificate_events',
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('tx_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('log_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.PrimaryKeyConstraint('certificate_id', 'block_number', 'tx_index', 'log_index')
    )
    uint256 = "printf('%078d', l.certificate_id)" if op.get_bind().dialect.name == 'sqlite' else 'l.certificate_id'
    op.execute(
        'INSERT INTO rm_certificate_events (certificate_id, block_number, tx_index, log_index, tx_hash) '
        f'SELECT {uint256}, l.block_number, e.tx_index, l.log_index, e.tx_hash '
        f'FROM "{old}" l JOIN chain_events e ON e.block_number = l.block_number AND e.log_index = l.log_index '
        f"WHERE NOT ({_share_movements('e.')})"
    )
    op.drop_table(old)

    old = _set_aside('chain_events', ['ix_chain_events_event'])
    op.create_table('chain_events', *_event_columns(), sa.PrimaryKeyConstraint('tx_hash', 'log_index'))
    op.execute(f'INSERT INTO chain_events ({_EVENT_NAMES}) SELECT {_EVENT_NAMES} FROM "{old}"')
    op.drop_table(old)
    op.create_index('ix_chain_events_event', 'chain_events', ['event'], unique=False)
    op.create_index('ix_chain_events_order', 'chain_events', ['block_number', 'tx_index', 'log_index'], unique=False)
