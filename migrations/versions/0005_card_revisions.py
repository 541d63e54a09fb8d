"""Changes in the estimate of an intangible data resource's useful life or amortisation method.

``book_card_revisions`` keeps each change (the card, the month it applies from, the life, method and
pattern before and after, and why), so that the disclosure can list the changes of the period. The
downgrade drops the table and what it holds; the cards keep their current estimates.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 13:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('book_card_revisions',
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('effective_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('previous_life_months', sa.Integer(), nullable=True),
    sa.Column('useful_life_months', sa.Integer(), nullable=True),
    sa.Column('previous_method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('previous_pattern', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('pattern', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['book_cards.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('book_card_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_book_card_revisions_card_id'), ['card_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('book_card_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_book_card_revisions_card_id'))
    op.drop_table('book_card_revisions')
