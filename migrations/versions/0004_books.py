"""The books of data resources: the chart of accounts, asset cards, journal entries and lines, period closes.

The chart (``book_accounts``) is seeded with the accounts of this revision,
written out here so that the revision stays what it was when later code
changes the chart (a later addition comes with its own revision). The
downgrade drops the books' tables and what they hold.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 12:09:15.220195
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import ledger.store.types

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The chart at this revision: (code, parent, Chinese name, English name, category, normal side).
_CHART = (
    ('1002', None, '银行存款', 'Bank deposits', 'asset', 'debit'),
    ('1122', None, '应收账款', 'Accounts receivable', 'asset', 'debit'),
    ('1405', None, '库存商品', 'Finished goods', 'asset', 'debit'),
    ('1405.01', '1405', '库存商品—数据资源', 'Finished goods - data resources', 'asset', 'debit'),
    ('1471', None, '存货跌价准备', 'Provision for inventory write-down', 'asset', 'credit'),
    ('1471.01', '1471', '存货跌价准备—数据资源', 'Provision for inventory write-down - data resources', 'asset', 'credit'),
    ('1701', None, '无形资产', 'Intangible assets', 'asset', 'debit'),
    ('1701.01', '1701', '无形资产—数据资源', 'Intangible assets - data resources', 'asset', 'debit'),
    ('1702', None, '累计摊销', 'Accumulated amortisation', 'asset', 'credit'),
    ('1702.01', '1702', '累计摊销—数据资源', 'Accumulated amortisation - data resources', 'asset', 'credit'),
    ('1703', None, '无形资产减值准备', 'Provision for impairment of intangible assets', 'asset', 'credit'),
    ('1703.01', '1703', '无形资产减值准备—数据资源', 'Provision for impairment of intangible assets - data resources', 'asset', 'credit'),
    ('2202', None, '应付账款', 'Accounts payable', 'liability', 'credit'),
    ('2221', None, '应交税费', 'Taxes payable', 'liability', 'credit'),
    ('2221.01', '2221', '应交税费—应交增值税（进项税额）', 'VAT payable - input VAT', 'liability', 'credit'),
    ('2221.02', '2221', '应交税费—应交增值税（销项税额）', 'VAT payable - output VAT', 'liability', 'credit'),
    ('5001', None, '生产成本', 'Production cost', 'cost', 'debit'),
    ('5001.01', '5001', '生产成本—数据资源', 'Production cost - data resources (data being processed)', 'cost', 'debit'),
    ('5301', None, '研发支出', 'Research and development expenditure', 'cost', 'debit'),
    ('5301.01', '5301', '研发支出—资本化支出', 'R&D expenditure - capitalised (data resources)', 'cost', 'debit'),
    ('5301.02', '5301', '研发支出—费用化支出', 'R&D expenditure - expensed (data resources)', 'cost', 'debit'),
    ('6001', None, '主营业务收入', 'Revenue from main operations', 'profit-and-loss', 'credit'),
    ('6051', None, '其他业务收入', 'Other operating revenue', 'profit-and-loss', 'credit'),
    ('6115', None, '资产处置收益', 'Gains on disposal of assets', 'profit-and-loss', 'credit'),
    ('6401', None, '主营业务成本', 'Cost of main operations (cost of sales)', 'profit-and-loss', 'debit'),
    ('6402', None, '其他业务成本', 'Other operating costs', 'profit-and-loss', 'debit'),
    ('6602', None, '管理费用', 'Administrative expenses', 'profit-and-loss', 'debit'),
    ('6701', None, '资产减值损失', 'Asset impairment losses', 'profit-and-loss', 'debit'),
    ('6711', None, '营业外支出', 'Non-operating expenses', 'profit-and-loss', 'debit'),
)


def upgrade() -> None:
    op.create_table('book_accounts',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('parent', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('normal_side', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('book_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('asset_class', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('acquisition', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('certificate_id', ledger.store.types.CounterId(), nullable=True),
    sa.Column('licence_id', ledger.store.types.CounterId(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('useful_life_months', sa.Integer(), nullable=True),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('pattern', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('serves_customers', sa.Boolean(), nullable=False),
    sa.Column('ready_on', sa.Date(), nullable=True),
    sa.Column('rights_end', sa.Date(), nullable=True),
    sa.Column('derecognised_on', sa.Date(), nullable=True),
    sa.Column('derecognition_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('book_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_book_cards_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_cards_entity'), ['entity'], unique=False)

    op.create_table('book_period_closes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('through', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('book_period_closes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_book_period_closes_entity'), ['entity'], unique=False)

    op.create_table('book_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=42), nullable=False),
    sa.Column('voucher', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('correction', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('schedule_key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('record_hash', ledger.store.types.Bytes32(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['book_cards.id'], ),
    sa.ForeignKeyConstraint(['corrects_id'], ['book_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entity', 'voucher', name='uq_book_entries_voucher'),
    sa.UniqueConstraint('schedule_key')
    )
    with op.batch_alter_table('book_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_book_entries_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_entries_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index('ix_book_entries_entity_date', ['entity', 'entry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_entries_record_hash'), ['record_hash'], unique=False)

    op.create_table('book_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=16), nullable=False),
    sa.Column('side', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('rate', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('book_amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account'], ['book_accounts.code'], ),
    sa.ForeignKeyConstraint(['card_id'], ['book_cards.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['book_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('book_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_book_lines_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_book_lines_entry_id'), ['entry_id'], unique=False)
    accounts = sa.table('book_accounts', *(sa.column(name) for name in
                        ('code', 'parent', 'name_zh', 'name_en', 'category', 'normal_side')))
    op.bulk_insert(accounts, [
        dict(zip(('code', 'parent', 'name_zh', 'name_en', 'category', 'normal_side'), row, strict=True))
        for row in _CHART
    ])



def downgrade() -> None:
    with op.batch_alter_table('book_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_book_lines_entry_id'))
        batch_op.drop_index(batch_op.f('ix_book_lines_card_id'))

    op.drop_table('book_lines')
    with op.batch_alter_table('book_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_book_entries_record_hash'))
        batch_op.drop_index('ix_book_entries_entity_date')
        batch_op.drop_index(batch_op.f('ix_book_entries_corrects_id'))
        batch_op.drop_index(batch_op.f('ix_book_entries_card_id'))

    op.drop_table('book_entries')
    with op.batch_alter_table('book_period_closes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_book_period_closes_entity'))

    op.drop_table('book_period_closes')
    with op.batch_alter_table('book_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_book_cards_entity'))
        batch_op.drop_index(batch_op.f('ix_book_cards_certificate_id'))

    op.drop_table('book_cards')
    op.drop_table('book_accounts')
