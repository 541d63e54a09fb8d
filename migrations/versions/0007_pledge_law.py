"""Pledges as the law has them: the public registration, and realisation in place of enforcement.

``rm_pledges`` gains the pledge's public registration (time and term; its number is the existing
``external_ref``) and, for a realised pledge, how it was realised: the method, the buyer (the former
``enforced_recipient``), the shares (the former ``enforced_shares``), the price, the surplus owed to the
pledgor, the shortfall still owed by the debtor, and the hash of the document that fixes them. A pledge the
read model holds as ``enforced`` becomes ``realised``. The downgrade restores the former columns and drops
the new ones.

Revision ID: 0007_pledge_law
Revises: 0006_catalog
Create Date: 2026-12-07 15:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from ledger.store.types import Bytes32, Uint256

revision: str = '0007_pledge_law'
down_revision: str | Sequence[str] | None = '0006_catalog'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('rm_pledges') as batch:
        batch.alter_column('enforced_recipient', new_column_name='realised_buyer')
        batch.alter_column('enforced_shares', new_column_name='realised_shares')
        batch.add_column(sa.Column('registered_at', sa.BigInteger(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('registration_expiry', sa.BigInteger(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('realisation_method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch.add_column(sa.Column('price', Uint256(), nullable=True))
        batch.add_column(sa.Column('surplus', Uint256(), nullable=True))
        batch.add_column(sa.Column('shortfall', Uint256(), nullable=True))
        batch.add_column(sa.Column('document_hash', Bytes32(), nullable=True))
    op.execute("UPDATE rm_pledges SET status = 'realised' WHERE status = 'enforced'")


def downgrade() -> None:
    op.execute("UPDATE rm_pledges SET status = 'enforced' WHERE status = 'realised'")
    with op.batch_alter_table('rm_pledges') as batch:
        for column in ('document_hash', 'shortfall', 'surplus', 'price', 'realisation_method',
                       'registration_expiry', 'registered_at'):
            batch.drop_column(column)
        batch.alter_column('realised_shares', new_column_name='enforced_shares')
        batch.alter_column('realised_buyer', new_column_name='enforced_recipient')
