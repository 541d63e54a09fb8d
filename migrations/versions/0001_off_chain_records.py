"""Off-chain records (catalog versions, documents, anchors), the raw event log and the cursor.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 05:18:49.132644
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import ledger.store.types

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('anchor_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('root', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('batch_ref', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=True),
    sa.Column('anchor_id', ledger.store.types.Uint256(), nullable=True),
    sa.Column('block_number', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('anchored_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('root')
    )
    with op.batch_alter_table('anchor_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_anchor_batches_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_anchor_batches_status'), ['status'], unique=False)

    op.create_table('catalog_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('certificate_id')
    )
    op.create_table('chain_events',
    sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('log_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('block_timestamp', sa.BigInteger(), nullable=False),
    sa.Column('tx_index', sa.Integer(), nullable=False),
    sa.Column('contract', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('args', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('tx_hash', 'log_index')
    )
    with op.batch_alter_table('chain_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_events_event'), ['event'], unique=False)
        batch_op.create_index('ix_chain_events_order', ['block_number', 'tx_index', 'log_index'], unique=False)

    op.create_table('documents',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_record_hash'), ['record_hash'], unique=False)

    op.create_table('indexed_blocks',
    sa.Column('number', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('parent_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('number')
    )
    op.create_table('oracle_cursor',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('chain_id', sa.BigInteger(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('anchored_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('record_id', sa.BigInteger(), nullable=False),
    sa.Column('record_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('proof', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['anchor_batches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_kind', 'record_id', name='uq_anchored_records_record')
    )
    with op.batch_alter_table('anchored_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_anchored_records_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_anchored_records_record_hash'), ['record_hash'], unique=False)

    op.create_table('catalog_versions',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('scale', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('update_frequency', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('coverage', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('classification_level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('contains_personal_data', sa.Boolean(), nullable=False),
    sa.Column('compliance_report_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('compliance_report_reference', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('quality_report_hash', ledger.store.types.Bytes32(), nullable=True),
    sa.Column('quality_report_reference', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('valuation_amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('valuation_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('valuation_method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('valuation_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('record_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['catalog_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'version', name='uq_catalog_versions_entry_version')
    )
    with op.batch_alter_table('catalog_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_versions_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_versions_record_hash'), ['record_hash'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('catalog_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_versions_record_hash'))
        batch_op.drop_index(batch_op.f('ix_catalog_versions_entry_id'))

    op.drop_table('catalog_versions')
    with op.batch_alter_table('anchored_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anchored_records_record_hash'))
        batch_op.drop_index(batch_op.f('ix_anchored_records_batch_id'))

    op.drop_table('anchored_records')
    op.drop_table('oracle_cursor')
    op.drop_table('indexed_blocks')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_record_hash'))
        batch_op.drop_index(batch_op.f('ix_documents_certificate_id'))

    op.drop_table('documents')
    with op.batch_alter_table('chain_events', schema=None) as batch_op:
        batch_op.drop_index('ix_chain_events_order')
        batch_op.drop_index(batch_op.f('ix_chain_events_event'))

    op.drop_table('chain_events')
    op.drop_table('catalog_entries')
    with op.batch_alter_table('anchor_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anchor_batches_status'))
        batch_op.drop_index(batch_op.f('ix_anchor_batches_kind'))

    op.drop_table('anchor_batches')
