"""Due process: the proposals of forced transfers and key recoveries, as the DueProcess contract's events
record them.

``rm_due_process_proposals`` holds one row per proposal (kind, status, proposer, the two parties, the document's
hash, when it may run, a forced transfer's certificate, right and shares, a recovery's scope). The downgrade
drops the table; the raw event log keeps the events, and a resync rebuilds it.

Revision ID: 0010_due_process
Revises: 0009_api_access
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from ledger.store.types import Bytes32, Uint256

revision: str = '0010_due_process'
down_revision: str | Sequence[str] | None = '0009_api_access'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rm_due_process_proposals',
    sa.Column('proposal_id', Uint256(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('proposer', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('document_hash', Bytes32(), nullable=False),
    sa.Column('executable_at', sa.BigInteger(), nullable=False),
    sa.Column('certificate_id', Uint256(), nullable=True),
    sa.Column('right', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('shares', sa.BigInteger(), nullable=True),
    sa.Column('scope_certificates', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('scope_licences', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('scope_pledges', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('scope_qualifications', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('cancel_reason_hash', Bytes32(), nullable=True),
    sa.Column('proposed_block', sa.BigInteger(), nullable=False),
    sa.Column('updated_block', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('proposal_id')
    )
    with op.batch_alter_table('rm_due_process_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rm_due_process_proposals_certificate_id'), ['certificate_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_rm_due_process_proposals_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_due_process_proposals_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_due_process_proposals_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_rm_due_process_proposals_target'), ['target'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rm_due_process_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rm_due_process_proposals_target'))
        batch_op.drop_index(batch_op.f('ix_rm_due_process_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_rm_due_process_proposals_source'))
        batch_op.drop_index(batch_op.f('ix_rm_due_process_proposals_kind'))
        batch_op.drop_index(batch_op.f('ix_rm_due_process_proposals_certificate_id'))

    op.drop_table('rm_due_process_proposals')
