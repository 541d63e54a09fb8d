"""The read model of chain events: members, certificates and versions, shares, licences, pledges, anchors.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 05:21:08.320115
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import ledger.store.types

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rm_certificate_events',
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('tx_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('log_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.PrimaryKeyConstraint('certificate_id', 'block_number', 'tx_index', 'log_index')
    )
    op.create_table('rm_anchors',
    sa.Column('root', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=66), nullable=False),
    sa.Column('count', ledger.store.types.Uint256(), nullable=False),
    sa.Column('batch_ref', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_timestamp', sa.BigInteger(), nullable=False),
    sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.PrimaryKeyConstraint('root')
    )
    with op.batch_alter_table('rm_anchors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_anchors_kind'), ['kind'], unique=False)

    op.create_table('rm_certificate_versions',
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('version', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('catalog_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('tx_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.PrimaryKeyConstraint('certificate_id', 'version')
    )
    with op.batch_alter_table('rm_certificate_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_certificate_versions_catalog_hash'), ['catalog_hash'], unique=False)

    op.create_table('rm_certificates',
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('registrar', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('catalog_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('notice_deadline', sa.BigInteger(), nullable=False),
    sa.Column('expiry', sa.BigInteger(), nullable=False),
    sa.Column('pending_request', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('requested_hash', ledger.store.types.Bytes32(), nullable=True),
    sa.Column('requested_expiry', sa.BigInteger(), nullable=False),
    sa.Column('last_reason_hash', ledger.store.types.Bytes32(), nullable=True),
    sa.Column('submitted_block', sa.BigInteger(), nullable=False),
    sa.Column('issued_block', sa.BigInteger(), nullable=True),
    sa.Column('updated_block', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('certificate_id')
    )
    with op.batch_alter_table('rm_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_certificates_catalog_hash'), ['catalog_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_certificates_holder'), ['holder'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_certificates_registrar'), ['registrar'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_certificates_status'), ['status'], unique=False)

    op.create_table('rm_licences',
    sa.Column('licence_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('right', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('grantor', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('licensee', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('parent_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('terms_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('start', sa.BigInteger(), nullable=False),
    sa.Column('end', sa.BigInteger(), nullable=False),
    sa.Column('exclusive', sa.Boolean(), nullable=False),
    sa.Column('sublicensable', sa.Boolean(), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('revoked_by', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=True),
    sa.Column('root_licence_id', ledger.store.types.Uint256(), nullable=True),
    sa.Column('revoke_reason_hash', ledger.store.types.Bytes32(), nullable=True),
    sa.Column('granted_block', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('licence_id')
    )
    with op.batch_alter_table('rm_licences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_licences_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_licences_licensee'), ['licensee'], unique=False)

    op.create_table('rm_members',
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('identity_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('roles', ledger.store.types.Uint256(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('suspension_reason_hash', ledger.store.types.Bytes32(), nullable=True),
    sa.Column('added_block', sa.BigInteger(), nullable=False),
    sa.Column('updated_block', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('account')
    )
    with op.batch_alter_table('rm_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_members_identity_hash'), ['identity_hash'], unique=False)

    op.create_table('rm_pledges',
    sa.Column('pledge_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('right', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('pledgor', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('pledgee', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('shares', sa.BigInteger(), nullable=False),
    sa.Column('amount', ledger.store.types.Uint256(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('maturity', sa.BigInteger(), nullable=False),
    sa.Column('external_ref', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('senior_pledge_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('enforced_recipient', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=True),
    sa.Column('enforced_shares', sa.BigInteger(), nullable=True),
    sa.Column('recorded_block', sa.BigInteger(), nullable=False),
    sa.Column('updated_block', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('pledge_id')
    )
    with op.batch_alter_table('rm_pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_pledges_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_pledges_pledgee'), ['pledgee'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_pledges_pledgor'), ['pledgor'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_pledges_status'), ['status'], unique=False)

    op.create_table('rm_share_holdings',
    sa.Column('certificate_id', ledger.store.types.Uint256(), nullable=False),
    sa.Column('right', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('shares', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('certificate_id', 'right', 'owner')
    )
    with op.batch_alter_table('rm_share_holdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_share_holdings_owner'), ['owner'], unique=False)

    op.create_table('rm_share_transfers',
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
    with op.batch_alter_table('rm_share_transfers', schema=None) as batch_op:
        batch_op.create_index('ix_rm_share_transfers_right', ['certificate_id', 'right', 'block_number'], unique=False)



def downgrade() -> None:
    op.drop_table('rm_certificate_events')
    with op.batch_alter_table('rm_share_transfers', schema=None) as batch_op:
        batch_op.drop_index('ix_rm_share_transfers_right')

    op.drop_table('rm_share_transfers')
    with op.batch_alter_table('rm_share_holdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_share_holdings_owner'))

    op.drop_table('rm_share_holdings')
    with op.batch_alter_table('rm_pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_pledges_status'))
        batch_op.drop_index(batch_op.f('ix_rm_pledges_pledgor'))
        batch_op.drop_index(batch_op.f('ix_rm_pledges_pledgee'))
        batch_op.drop_index(batch_op.f('ix_rm_pledges_certificate_id'))

    op.drop_table('rm_pledges')
    with op.batch_alter_table('rm_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_members_identity_hash'))

    op.drop_table('rm_members')
    with op.batch_alter_table('rm_licences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_licences_licensee'))
        batch_op.drop_index(batch_op.f('ix_rm_licences_certificate_id'))

    op.drop_table('rm_licences')
    with op.batch_alter_table('rm_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_certificates_status'))
        batch_op.drop_index(batch_op.f('ix_rm_certificates_registrar'))
        batch_op.drop_index(batch_op.f('ix_rm_certificates_holder'))
        batch_op.drop_index(batch_op.f('ix_rm_certificates_catalog_hash'))

    op.drop_table('rm_certificates')
    with op.batch_alter_table('rm_certificate_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_certificate_versions_catalog_hash'))

    op.drop_table('rm_certificate_versions')
    with op.batch_alter_table('rm_anchors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_anchors_kind'))

    op.drop_table('rm_anchors')
