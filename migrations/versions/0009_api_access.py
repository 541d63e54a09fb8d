"""Access to the HTTP API: members' API keys (their SHA-256 only) and the access log.

``api_keys`` holds each key's digest, a short prefix to name it by, the member it belongs to, the roles it acts with, and when it was
issued and revoked; ``api_access_log`` one row per answered request (member, key, endpoint, certificate,
time, status). The downgrade drops both tables and what they hold: every key stops working.

Revision ID: 0009_api_access
Revises: 0008_registration
Create Date: 2026-12-07 15:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009_api_access'
down_revision: str | Sequence[str] | None = '0008_registration'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('time', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('member', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=True),
    sa.Column('key_id', sa.Integer(), nullable=True),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('endpoint', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('certificate_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('api_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_access_log_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_access_log_member'), ['member'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_access_log_time'), ['time'], unique=False)

    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('member', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('roles', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_digest'), ['digest'], unique=True)
        batch_op.create_index(batch_op.f('ix_api_keys_member'), ['member'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_member'))
        batch_op.drop_index(batch_op.f('ix_api_keys_digest'))

    op.drop_table('api_keys')
    with op.batch_alter_table('api_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_access_log_time'))
        batch_op.drop_index(batch_op.f('ix_api_access_log_member'))
        batch_op.drop_index(batch_op.f('ix_api_access_log_certificate_id'))

    op.drop_table('api_access_log')
