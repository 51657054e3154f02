"""one successor per measurement import: concurrent files of an agency cannot both become current

Revision ID: b7f3d1e5a2c8
Revises: a4d2e6f81c90
Create Date: 2026-11-30 00:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7f3d1e5a2c8'
down_revision = 'a4d2e6f81c90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('uq_measurement_imports_one_successor', 'measurement_imports',
                    ['round_id', 'agency', sa.text("coalesce(supersedes, '')")], unique=True)


def downgrade() -> None:
    op.drop_index('uq_measurement_imports_one_successor', table_name='measurement_imports')
