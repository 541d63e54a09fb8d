"""What an application carries, in the catalog: the columns of a dal.catalog-entry/2 version.

``catalog_versions`` gains ``entry_schema`` (the shape a version was written in; every existing row is a
``dal.catalog-entry/1`` version, whose hash is on chain and does not change) and, empty for those, the object
type and product form, the rights claimed, the acquisition method, the authorisation's hash and expiry, the
scenarios and scope of use, the restrictions, the sample or schema hash, the storage location, the
registrant's unified social credit code (indexed), the legal basis for personal information, the third-party
review and the appraiser and report hash of a valuation. The downgrade refuses while a /2 version is stored:
without these columns it could no longer be read, nor its hash recomputed.

Revision ID: 0006_catalog
Revises: 0005
Create Date: 2026-12-07 15:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import ledger.store.types

revision: str = '0006_catalog'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('catalog_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_schema', sqlmodel.sql.sqltypes.AutoString(length=40), server_default='dal.catalog-entry/1', nullable=False))
        batch_op.add_column(sa.Column('valuation_appraiser', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('valuation_report_hash', ledger.store.types.Bytes32(length=66), nullable=True))
        batch_op.add_column(sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('product_form', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('rights_claimed', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('acquisition_method', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('authorisation_hash', ledger.store.types.Bytes32(length=66), nullable=True))
        batch_op.add_column(sa.Column('authorisation_expiry', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('application_scenarios', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('scope_of_use', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True))
        batch_op.add_column(sa.Column('restricted_regions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('restricted_fields', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('cross_border_restricted', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('sample_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('sample_hash', ledger.store.types.Bytes32(length=66), nullable=True))
        batch_op.add_column(sa.Column('storage_location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('registrant_credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True))
        batch_op.add_column(sa.Column('personal_information_basis', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('review_reviewer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('review_reviewer_credit_code', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True))
        batch_op.add_column(sa.Column('review_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('review_conclusion', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_catalog_versions_registrant_credit_code'), ['registrant_credit_code'], unique=False)


def downgrade() -> None:
    kept = op.get_bind().execute(
        sa.text("SELECT count(*) FROM catalog_versions WHERE entry_schema <> 'dal.catalog-entry/1'")
    ).scalar_one()
    if kept:
        raise RuntimeError(
            f"{kept} catalog versions are dal.catalog-entry/2 entries, which the schema before 0006_catalog "
            "cannot hold; export them, or stay at this revision"
        )
    with op.batch_alter_table('catalog_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_versions_registrant_credit_code'))
        batch_op.drop_column('review_conclusion')
        batch_op.drop_column('review_date')
        batch_op.drop_column('review_reviewer_credit_code')
        batch_op.drop_column('review_reviewer')
        batch_op.drop_column('personal_information_basis')
        batch_op.drop_column('registrant_credit_code')
        batch_op.drop_column('storage_location')
        batch_op.drop_column('sample_hash')
        batch_op.drop_column('sample_kind')
        batch_op.drop_column('cross_border_restricted')
        batch_op.drop_column('restricted_fields')
        batch_op.drop_column('restricted_regions')
        batch_op.drop_column('scope_of_use')
        batch_op.drop_column('application_scenarios')
        batch_op.drop_column('authorisation_expiry')
        batch_op.drop_column('authorisation_hash')
        batch_op.drop_column('acquisition_method')
        batch_op.drop_column('rights_claimed')
        batch_op.drop_column('product_form')
        batch_op.drop_column('object_type')
        batch_op.drop_column('valuation_report_hash')
        batch_op.drop_column('valuation_appraiser')
        batch_op.drop_column('entry_schema')
