"""The registration law in the read model: each certificate's registration number, the rights its
application claimed and its registrar granted, the end of its source authorisation, and whether an
objection registered after issue is pending. Existing rows take the values of the edition before:
all three rights, no registration number, no authorisation end, not disputed. The downgrade drops
the columns.

Revision ID: 0008_registration
Revises: 0007_pledge_law
Create Date: 2026-12-07 15:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008_registration'
down_revision: str | Sequence[str] | None = '0007_pledge_law'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('rm_certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_number', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('rights_claimed', sa.Integer(), nullable=False, server_default='7'))
        batch_op.add_column(sa.Column('rights_granted', sa.Integer(), nullable=False, server_default='7'))
        batch_op.add_column(sa.Column('authorised_until', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('disputed', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('rm_certificates', schema=None) as batch_op:
        batch_op.drop_column('disputed')
        batch_op.drop_column('authorised_until')
        batch_op.drop_column('rights_granted')
        batch_op.drop_column('rights_claimed')
        batch_op.drop_column('registration_number')
